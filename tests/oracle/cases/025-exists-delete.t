{ my %h = (a => 1, b => undef); join ' ', (exists $h{a} ? 'y' : 'n'), (exists $h{b} ? 'y' : 'n'), (defined $h{b} ? 'y' : 'n'), (exists $h{c} ? 'y' : 'n') }
{ my %h = (a => 1, b => 2); my $v = delete $h{a}; "$v " . join(',', keys %h) }
