{
    my @msgs;
    foreach my $f ('/etc/e-smith/no-such-file', 'srv/oracle/users/child', 'srv/oracle/nodir/x') {
        if (open(X, $f)) { push @msgs, "$f: opened"; close X; }
        else { push @msgs, "$f: $!"; }
    }
    join("\n", @msgs) . "\n";
}
