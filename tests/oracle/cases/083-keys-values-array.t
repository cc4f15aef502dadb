{ my %h = (a => 1); join ',', values %h } { my @a = qw(x y); join ',', keys @a }
