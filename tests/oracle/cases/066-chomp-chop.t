{ my $s = "line\n"; chomp $s; "[$s]" } { my $s = 'abc'; chop $s; $s } { my $s = "x\n\n"; my $n = chomp($s); "$n" . length($s) }
