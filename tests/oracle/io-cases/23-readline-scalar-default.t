{
    open(U, "srv/oracle/users") or die;
    my $count = 0;
    $count++ while <U>;
    my $last = $_;
    close U;
    "counted $count, \$_ at the end: " . (defined $last ? "[$last]" : "undef") . "\n";
}
