{
    my $db = esmith::ConfigDB->open_ro;
    my $max = $db->get_prop('qpsmtpd', 'MaxConnections') || 20;
    my $timeout = $db->get_prop('qpsmtpd', 'Timeout') || 300;
    my $missing = $db->get_prop('nosuch', 'status');
    my $type = $db->get_value('qpsmtpd');
    my $name = $db->get_value('SystemName');
    my $none = $db->get_value('nosuch');
    "$max $timeout " . (defined $missing ? 'def' : 'undef') . " $type $name " . (defined $none ? 'def' : 'undef') . "\n";
}{ defined($DB->get('nosuch')) ? 'yes' : 'no' } { $DB->get_prop('Zero', 'type') } { $DB->get('DomainName')->value }
