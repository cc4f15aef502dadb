{ my $s = 'Hello world'; my $old = substr($s, 0, 5, 'HELLO'); "$old $s" } { my $s = 'abc'; substr($s, 1, 1) = 'X' if 0; $s }
