{
    my $ndb = esmith::NetworksDB->open_ro;
    my $private = $ndb->local_access_spec('private');
    "mynetworks = $private\n";
}smtpd: { esmith::NetworksDB->open_ro->local_access_spec }
{ my $n = esmith::NetworksDB->open_ro; "mysql: " . $n->local_access_spec('localhost') . "\n" . "www: " . $n->local_access_spec('public') }
