{
    my $status = $ldap{status} || 'disabled';
    return "# ldap is $status\n" unless $status eq 'enabled';
    "ldap on\n";
}
