{ my @a = (1, 2, 3); $_ *= 10 for @a; join ',', @a }
{ my @b = (1, 2); foreach my $x (@b) { $x .= 'z' } "@b" }
