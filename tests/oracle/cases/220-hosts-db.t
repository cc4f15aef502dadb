# /etc/hosts entries from the hosts db
{
    my $hdb = esmith::HostsDB->open_ro;
    foreach my $host ($hdb->hosts) {
        my $type = $host->prop('HostType');
        next if $type eq 'Self';
        my $ip = $type eq 'Local' ? $host->prop('InternalIP') : $host->prop('ExternalIP');
        $OUT .= "$ip\t" . $host->key . "\n";
    }
}{ join ' ', map { $_->key } esmith::HostsDB->open_ro->get_all_by_prop(HostType => 'Remote') }
