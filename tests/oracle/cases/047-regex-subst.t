{ my $s = 'hello world'; $s =~ s/o/0/; $s }
{ my $s = 'hello world'; my $n = ($s =~ s/o/0/g); "$s $n" }
{ my $s = 'a.b.c'; $s =~ s/\./::/g; $s }
{ my $s = 'John Smith'; $s =~ s/(\w+) (\w+)/$2, $1/; $s }
{ my $s = 'abc'; (my $t = $s) =~ s/b/B/; "$s $t" }
