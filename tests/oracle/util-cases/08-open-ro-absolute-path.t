{
    my $wg = esmith::ConfigDB->open_ro('/home/e-smith/db/wireguard')
        or die "Couldn't open the wireguard database\n";
    foreach my $peer ($wg->get_all_by_prop(type => 'wg_peer', status => 'enabled')) {
        $OUT .= "[Peer]\n";
        $OUT .= "PublicKey = " . $peer->prop('pubkey') . "\n";
        $OUT .= "AllowedIPs = " . $peer->prop('ip') . "/32\n";
    }
}
{ my $db = esmith::ConfigDB->open_ro('/home/e-smith/db/wireguard'); $db ? 'found' : 'missing' }|{ esmith::ConfigDB->open_ro('/home/e-smith/db/nothing') ? 'found' : 'missing' }
