{
    my $rec = esmith::AccountsDB->open_ro->get('alice');
    my $n = $rec->props;
    my %props = $rec->props;
    "alice has $n props: " . join(',', sort keys %props) . "\n";
}{ my $r = $DB->get('ldap'); scalar($r->props) . ' ' . $r->prop('type') }
{ my $r = esmith::HostsDB->open_ro->get('server.example.com'); my %h = $r->props; scalar($r->props) . ":" . join(",", map { "$_=$h{$_}" } sort keys %h) }
