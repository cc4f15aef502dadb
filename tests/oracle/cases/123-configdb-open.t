{
    my $db = esmith::ConfigDB->open_ro;
    my $sshd = $db->get('sshd');
    "sshd on port " . $sshd->prop('TCPPort') . "\n";
}{ my $db = esmith::ConfigDB->open; join ',', map { $_->key } $db->get_all_by_prop(type => 'service', status => 'enabled') }
{ join ',', grep { /^s/ } $DB->keys }
