# tr/// and y///: ranges, the count, /c /d /s /r, and !~
{ (my $t = "hello") =~ tr/a-z/A-Z/; $t }|{ my $c = ($_ = "banana") =~ tr/a//; $c }|{ my $s = "a.b.c"; $s =~ tr/./_/; $s }|{ my $x = "hello world"; ($x =~ tr/a-zA-Z//) . " letters" }
{ my $s = "aabbccdd"; $s =~ tr/a-c//s; $s }|{ my $s = "hello"; $s =~ tr/a-y/b-z/; $s }|{ my $s = "a-b_c"; $s =~ tr/-_/  /; $s }|{ my $s = "abcdef"; $s =~ tr/a-c//d; $s }
{ my $s = "Hello, World!"; $s =~ tr/a-zA-Z//cd; $s }|{ my $s = "a  b   c"; $s =~ tr/ //s; $s }|{ my $s = "abc"; my $r = $s =~ tr/abc/xyz/r; "$s $r" }|{ my $s = "aaa"; $s =~ y/a/b/; $s }
{ my $s = "abcd"; $s =~ tr/abcd/xy/; $s }|{ my $s = "abcd"; $s =~ tr/abcd/xy/d; $s }|{ my $s = "hello"; $s !~ tr/z// ? 'none' : 'some' }|{ $_ = "x\ty\n"; tr/\t\n/ |/; $_ }
{ my $mac = "00:1A:2b:3C"; (my $m = lc $mac) =~ tr/://d; $m }|{ my $s = "aabbaa"; $s =~ tr/ab/ba/s; $s }|{ "constant" =~ tr/a-z// }|{ my $u; $u =~ tr/a//; defined $u ? 'd' : 'u' }
{ my $s = "x/y"; $s =~ tr{/}{|}; $s }|{ my $s = "abc"; $s =~ tr[a-c] [A-C]; $s }|{ my $s = "aAbB"; $s =~ tr/a-zA-Z/A-Za-z/; $s }|{ my @l = ("ab", "ba"); tr/a/x/ for @l; "@l" }
