{ our $OUT = 'package'; 'block value' }
{ $OUT .= 'appended'; our $OUT; $OUT .= ' to the package one'; }
[{ my $x = 'v'; our $OUT = 'ignored'; $x }]
