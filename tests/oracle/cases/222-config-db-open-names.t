{
    # the configuration db opened again, and the accounts db opened as a ConfigDB
    my $c1 = esmith::ConfigDB->open;
    my $c2 = esmith::ConfigDB->open_ro('configuration');
    my $acc = esmith::ConfigDB->open_ro('accounts');
    join(' ', $c1->get_value('SystemName'), $c2->get_prop('sshd', 'TCPPort'),
        $acc->get_prop('alice', 'FirstName'), scalar($acc->services)) . "\n";
}{ my $n = esmith::NetworksDB->open('networks'); join ',', $n->keys }
