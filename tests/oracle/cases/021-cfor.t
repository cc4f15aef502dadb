{ my $s = ''; for (my $i = 0; $i < 4; $i++) { $s .= $i } $s }
