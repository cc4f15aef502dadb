{ my $r = [1, 2, 3]; scalar(@$r) . ' ' . $r->[1] . ' ' . $$r[2] . ' ' . $#{$r} }
{ my $h = { k => 'v', n => [5] }; "$h->{k} $h->{n}[0] " . join(',', sort keys %$h) }
{ my @a = (1,2); my $r = \@a; push @$r, 3; "@a" }
{ ref([]) . ' ' . ref({}) . ' ' . ref(\1) . ' ' . ref($DB) . ' ' . ref($DB->get('sshd')) . ' [' . ref('x') . ']' }
