{ my %h = (a => 1, b => 2); join ',', map { "$_=$h{$_}" } sort keys %h }
{ my %h = (x => 10); $h{y} = 20; scalar(keys %h) }
{ my %h; $h{'k k'} = 1; $h{"q"} = 2; my $k = 'k k'; "$h{$k} $h{q}" }
