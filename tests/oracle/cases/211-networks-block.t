{
    use esmith::NetworksDB;
    my $ndb = esmith::NetworksDB->open_ro or die "Couldn't open networks db\n";
    foreach my $network ($ndb->networks)
    {
        my $key = $network->key;
        my $mask = $network->prop('Mask');
        my $router = $network->prop('Router');
        $OUT .= "# network $key/$mask\n";
        if ($router) {
            $OUT .= "route add -net $key netmask $mask gw $router\n";
        } else {
            $OUT .= "# directly connected\n";
        }
    }
}
