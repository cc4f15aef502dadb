{ my %h = (one => 1); my @l = %h; scalar(@l) } { my %a = (x => 1); my %b = (%a, y => 2); join ',', sort keys %b }
