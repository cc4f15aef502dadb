{ my $s = ''; foreach my $i (1, 2, 3) { $s .= $i * 2 } $s }
[{ foreach my $i (1,2) { $i } }]
{ $t = ''; for (qw(a b c)) { $t .= uc $_ } $t }
