{ my $x = 5; unless ($x > 3) { 'small' } elsif ($x > 4) { 'big' } else { 'mid' } }
