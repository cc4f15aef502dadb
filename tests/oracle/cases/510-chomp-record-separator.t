{
    my $list = "a;b;c;";
    my @parts;
    {
        local $/ = ";";
        foreach my $p (split /(?<=;)/, $list) { chomp $p; push @parts, $p; }
    }
    my $line = "last\n";
    chomp $line;
    "@parts $line\n";
}
