{ @hosts = qw(a b c); %seen = (a => 1); ($x, $y) = (1, 2); '' }
{
    {
        local @hosts = grep { $_ ne 'b' } @hosts;
        local %seen;
        local ($x, $y) = ($y, $x);
        $seen{$_}++ for @hosts;
        $OUT .= "inner: @hosts / " . join(",", sort keys %seen) . " / $x$y\n";
    }
    $OUT .= "outer: @hosts / " . join(",", sort keys %seen) . " / $x$y\n";
}
