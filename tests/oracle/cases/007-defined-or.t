{ my $u; $u // 'dflt' } { 0 // 'dflt' } { my $x = ''; $x //= 'set'; "<$x>" }
