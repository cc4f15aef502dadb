{ my $i = 5; my $a = $i++; my $b = ++$i; "$a $b $i" }
{ my $j = 'aa'; $j++; $j } { my $k = 'Az'; $k++; $k } { my $z = 'zz'; $z++; $z } { my $n = 'a9'; $n++; $n }
{ my $u; $u++; $u }
