{
    open(my $fh, '<', 'srv/oracle/users') or die "users: $!";
    chomp(our @u = <$fh>);
    close $fh;
    open($fh, '<', 'srv/oracle/users') or die "users: $!";
    my $r = [];
    chomp(@$r = <$fh>);
    close $fh;
    join(",", @u) . "|" . join(",", @$r) . "\n";
}
