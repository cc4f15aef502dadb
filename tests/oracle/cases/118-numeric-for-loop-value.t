[{ for my $i (1..3) { } }] [{ my @x = (1); while (@x) { shift @x } }] [{ 7 if 1; }]
