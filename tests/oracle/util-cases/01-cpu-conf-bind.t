BIND_DN         = "cn=root,{ esmith::util::ldapBase ($DomainName); }"
BIND_PASS       = { esmith::util::LdapPassword (); }
{
$OUT .= "USER_BASE = ou=Users," . esmith::util::ldapBase ($DomainName) . "\n";
$OUT .= "GROUP_BASE = ou=Groups," . esmith::util::ldapBase ($DomainName) ."\n";
}
