{ my $s = ''; for my $i (1..10) { next if $i % 2; last if $i > 6; $s .= $i } $s }
