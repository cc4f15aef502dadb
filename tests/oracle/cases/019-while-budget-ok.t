{ my $i = 0; my $s = ''; while ($i < 5) { $s .= $i; $i++ } $s }
[{ $x = 3; while ($x) { $x-- } }]
{ my $i = 0; until ($i >= 3) { $i++ } $i }
