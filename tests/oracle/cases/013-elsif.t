{ my $n = 5; if ($n < 3) { 'small' } elsif ($n < 10) { 'medium' } else { 'large' } }
{ my $n = 50; if ($n < 3) { 'small' } elsif ($n < 10) { 'medium' } else { 'large' } }
[{ my $n = 1; if ($n > 3) { 'a' } elsif ($n > 2) { 'b' } }]
