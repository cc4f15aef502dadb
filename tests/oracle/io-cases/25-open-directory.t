{ my $r = open(D, "/etc"); my $l = <D>; "open=" . ($r ? 1 : 0) . " line=" . (defined $l ? "def" : "undef") . " eof=" . (eof(D) ? 1 : 0) . " [$!]" }
