{ join ',', map { $_ * $_ } 1..4 }
{ join ',', map { ($_, $_) } 1..2 }
{ join ',', grep { /a/ } qw(apple berry banana) }
{ scalar(grep { $_ > 2 } 1..5) }
{ join ',', map { "<$_>" } grep { length } ('a', '', 'b') }
{ my %h = map { $_ => 1 } qw(x y); join ',', sort keys %h }
{ join ',', map uc, qw(a b) }
{ join ',', grep defined, (1, undef, 2) }
