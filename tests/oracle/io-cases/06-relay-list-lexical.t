{
    my @relay;
    open(my $list, '<', 'srv/oracle/relay.list') or die "relay list: $!";
    while (my $line = <$list>) {
        chomp $line;
        next if $line =~ /^\s*(#|$)/;
        my ($net, $comment) = split /\s+/, $line, 2;
        push @relay, $comment ? "$net # $comment" : $net;
    }
    close $list;
    join("\n", @relay) . "\n";
}
