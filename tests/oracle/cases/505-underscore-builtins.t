{
    my @r;
    foreach ('Mixed Case', "line\n", 'word') {
        push @r, lc, uc, lcfirst, ucfirst, length;
    }
    join(",", @r) . "\n";
}
{
    my @l = ("a\n", "b\n", undef, "c");
    my @d = map { defined ? "d" : "u" } @l;
    for (@l) { chomp if defined }
    my @lens = map { defined($_) ? length : -1 } @l;
    $_ = "chop"; chop;
    "@d / @lens / $_ / " . (ref \$_) . "\n";
}
