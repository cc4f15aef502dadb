{ 'a'x3 } { 'b' x3 } { my $n = 2; 'c' x $n }
