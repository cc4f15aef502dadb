{
  my $pwd = esmith::util::LdapPassword ();
  $OUT .= "root:$pwd";
}
{ my $p = esmith::util::LdapPassword; length($p) . " chars" }
                baseDN = "ou=Users,{ esmith::util::ldapBase($DomainName); }";
                bindPassword = "{ esmith::util::LdapPassword() }";
