{
    my %conf;
    my $section = 'main';
    open(INI, "srv/oracle/settings.ini") or return "# no settings\n";
    while (<INI>) {
        chomp;
        if (/^\[(\w+)\]$/) { $section = $1; next }
        my ($k, $v) = split /\s*=\s*/, $_, 2;
        $conf{"$section.$k"} = $v;
    }
    close INI;
    join("", map { "$_ => $conf{$_}\n" } sort keys %conf);
}
