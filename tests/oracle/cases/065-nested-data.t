{ my %cfg; $cfg{a}{b} = 1; $cfg{a}{c} = 2; join ',', sort keys %{$cfg{a}} }
{ my @rows; push @{$rows[0]}, 'x'; scalar(@{$rows[0]}) }
