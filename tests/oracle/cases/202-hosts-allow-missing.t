{
    my $db = esmith::ConfigDB->open_ro;
    $OUT .= $db->hosts_allow_spec('imap') . "\n";
    $OUT .= $db->hosts_allow_spec('ftp', 'in.ftpd') . "\n";
}
{ $DB->hosts_allow_spec('LocalIP') }
