{ my @a = (1); push @a, 2, 3; unshift @a, 0; my $p = pop @a; my $s = shift @a; "$p $s @a" }
{ my @a; push @a, 'x'; scalar(@a) }
