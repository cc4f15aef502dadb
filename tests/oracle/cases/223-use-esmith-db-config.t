{
    use esmith::db;
    use esmith::config;
    require esmith::NetworksDB;
    require esmith::HostsDB;
    require esmith::DomainsDB;
    use esmith::AccountsDB;
    'modules loaded';
}
{ use esmith::ConfigDB; my $db = esmith::ConfigDB->open_ro; $db->get('SystemName')->value }
