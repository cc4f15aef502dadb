{ my @a = (5, 6, 7); "$a[0] $a[-1] $#a " . scalar(@a) }
{ @g = qw(x y z); $g[5] = 'w'; scalar(@g) . ' ' . $#g }
{ my @e = (); scalar(@e) }
[{ @q = (1,2,3) }]
