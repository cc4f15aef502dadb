{
    my $dir = "srv/templates/etc/hosts.allow";
    opendir(DIR, $dir) || die "Can't open $dir: $!\n";
    my @fragments = sort grep { !/^\./ && !/(~|\.(swp|orig|rpmsave|rpmnew|rpmorig))$/ && -f "$dir/$_" } readdir(DIR);
    closedir(DIR);
    $OUT .= "# $_\n" foreach @fragments;
    $OUT .= scalar(@fragments) . " fragments";
}
