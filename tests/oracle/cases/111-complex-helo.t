{
    my @lines;
    foreach my $svc (qw(sshd smtpd ldap qpsmtpd nosuch)) {
        my $status = $DB->get_prop($svc, 'status') || 'missing';
        my $port = $DB->get_prop($svc, 'TCPPort');
        push @lines, sprintf('%-8s %-9s %s', $svc, $status, defined $port ? $port : '-');
    }
    join("\n", @lines) . "\n";
}
