{ my $x = 5; ($x > 1 and $x < 10) ? 'in' : 'out' } { my $y = 0; $y || 'zero' } { my @e = (); scalar(@e) || 'none' } { (1 == 1) + (2 == 2) }
