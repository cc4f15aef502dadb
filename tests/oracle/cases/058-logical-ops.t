{ 1 && 'both' } [{ 0 && 'x' }] { 0 || '' || 'last' } [{ 1 and 0 }] { 0 or 'or' } { my $x = 5; $x > 3 && $x < 10 ? 'in' : 'out' }
