{ my %h = (a => 3, b => 1, c => 2); join ',', sort { $h{$a} <=> $h{$b} } keys %h } { join ',', sort { $b <=> $a } (3, 11, 2) } { join ',', sort { lc($a) cmp lc($b) } qw(b A c) }
