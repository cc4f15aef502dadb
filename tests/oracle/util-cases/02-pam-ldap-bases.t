{
    $OUT .= "base " . esmith::util::ldapBase ($DomainName);
}
{
    $OUT .= "rootbinddn cn=root," . esmith::util::ldapBase ($DomainName);
}
nss_base_passwd ou=Users,{
    $OUT .= esmith::util::ldapBase ($DomainName);
}?one
nss_base_group ou=Groups,{ esmith::util::ldapBase $DomainName }?one
