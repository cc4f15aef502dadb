[{ scalar(keys %DomainName) }] [{ $DomainName{type} }] [{ scalar(keys %ldap) }]
