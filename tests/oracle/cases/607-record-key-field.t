{
    # vim: ft=perl:
    use esmith::DomainsDB;

    my $domains = esmith::DomainsDB->open_ro;
    $OUT = '';

    foreach my $domainrec ($domains->domains)
    {
        next if $domainrec->prop('SystemServiceDomain');
        $OUT .= "add_virtualhost('$domainrec->{key}', '$domainrec->{key}')\n";
    }
    $OUT .= "add_virtualhost('$SystemName.$DomainName', '$SystemName.$DomainName')\n";
}
{ my $r = $DB->get('sshd'); $r->{key} . "|" . $DB->get('smtpd')->{key} . "|" . join(',', map { $_->{key} } $DB->get_all_by_prop(status => 'disabled')) }
{ my %h = (key => 'plain'); my $v = \%h; $v->{key} }|{ my $u; defined $u->{key} ? 'defined' : 'undef' }|{ ref($u) }
