{ my %h = (a => 1, b => 2, c => 3); join ',', @h{qw(a c)} } { my @l = (1) x 3; "@l" } { my ($first, @rest) = (1, 2, 3); "$first|@rest" }
