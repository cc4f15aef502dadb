{ join '|', map { esmith::util::ldapBase($_) } ('x.y.z', 'nodots', 'a..b', '.lead', 'trail.', '') }
{ esmith::util::ldapBase 'sub' . '.example' . '.org' }
{ esmith::util::ldapBase($NoSuchRecord) }|{ my @parts = qw(a b c); esmith::util::ldapBase(@parts) }
{ my @l = esmith::util::ldapBase("in.list"); scalar(@l) . ": @l" }
{ use esmith::util; my %ldap = (base => esmith::util::ldapBase($DomainName)); "$ldap{base}" }
