{ my $r = 'R'; "$r->prop" }
