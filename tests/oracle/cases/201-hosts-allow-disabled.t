{
    # ldap is disabled: hosts.allow gets a comment instead of a rule
    $DB->hosts_allow_spec('ldap');
}
{ $DB->hosts_allow_spec('ldap', 'slapd') }
