{ join '-', sort qw(pear apple fig) }
{ join ' ', sort { $a <=> $b } (10, 9, 100, 1) }
{ join ' ', sort { $b cmp $a } qw(b c a) }
{ join ' ', reverse 1..5 }
{ scalar reverse 'hello' }
{ join ',', reverse sort { $a <=> $b } 3, 1, 2 }
