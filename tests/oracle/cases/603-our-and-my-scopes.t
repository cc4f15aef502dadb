{ our $name = 'global'; my $label = 'lexical'; '' }
{
    my $name = 'mine';
    my @out = ("start $name");
    {
        our $name;
        push @out, "inner $name";
        $name = 'changed';
    }
    push @out, "after $name";
    our $name;
    push @out, "then $name";
    my $name2 = $name;
    join ', ', @out, $name2;
}
{ $name }|{ defined $label ? 'leaked' : 'gone' }
{ my $n = 3; our ($n, @m) = (5, 6, 7); "$n @m" }|{ "$n @m" }
{ our $count; $count++ for 1 .. 4; our $count }|{ our ($p, $q); defined $p ? 1 : 0 }
