{
    my $max = $qpsmtpd{MaxConnections};
    warn "MaxConnections $max is odd\n" if $max % 2;
    "max=$max\n";
}
{
    foreach my $port ($sshd{TCPPort}, $mysqld{TCPPort}) {
        warn "port $port above 1024" if $port > 1024;
        $OUT .= "port $port\n";
    }
}
