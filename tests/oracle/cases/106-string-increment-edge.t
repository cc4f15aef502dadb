{ my $s = 'Zz'; $s++; $s } { my $s = 'a9'; $s++; $s } { my $s = 'zZ9'; $s++; $s } { my $s = '9'; $s++; $s } { my $s = '1.5'; $s++; $s } { my $s = ''; $s++; $s }
