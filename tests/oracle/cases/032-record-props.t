{ my %p = $DB->get('smtpd')->props; join(',', sort keys %p) }
{ my $r = $DB->get('ldap'); my %p = $r->props; scalar(keys %p) }
