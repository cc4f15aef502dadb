{ $DB->hosts_allow_spec('mysqld') }
{ $DB->hosts_allow_spec('mysqld', 'mysqld-local') }
{
    my @lines;
    push @lines, $DB->hosts_allow_spec($_) foreach qw(sshd ldap httpd-e-smith nosuch);
    join("\n", @lines) . "\n";
}
