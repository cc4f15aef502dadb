{
    my $f = "srv/oracle/users\0.bak";
    my @out;
    push @out, "e=" . (defined(-e $f) ? "defined" : "undef ($!)");
    push @out, "open=" . (open(my $fh, '<', $f) ? "opened" : "failed ($!)");
    push @out, "open2=" . (open(FH, $f) ? "opened" : "failed ($!)");
    push @out, "opendir=" . (opendir(my $dh, "srv/oracle\0x") ? "opened" : "failed ($!)");
    join("\n", @out) . "\n";
}
