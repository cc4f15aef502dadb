{
    # qpsmtpd runs under tcpsvd; it has no access prop, so private applies
    my $conf = esmith::ConfigDB->open_ro;
    $OUT = $conf->hosts_allow_spec('qpsmtpd', 'tcpsvd') . "\n";
    $OUT .= $conf->hosts_allow_spec('smtpd', '') . "\n";
    $OUT .= $conf->hosts_allow_spec('smtpd', undef);
}
