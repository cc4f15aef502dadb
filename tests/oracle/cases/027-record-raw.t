{ $sshd }
{ $ldap }
{ $DomainName }
[{ $EmptyType }]
