{
    my $db = esmith::ConfigDB->open_ro;
    foreach my $service ($db->services)
    {
        my $status = $db->get_prop($service, 'status') || 'disabled';
        my $port = $db->get_prop($service, 'TCPPort');
        $OUT .= sprintf("%-14s %-8s %s\n", $service, $status, defined $port ? $port : '-');
    }
}
{ scalar($DB->services) } services, { scalar(grep { $DB->get_prop($_, 'status') eq 'enabled' } $DB->services) } enabled
