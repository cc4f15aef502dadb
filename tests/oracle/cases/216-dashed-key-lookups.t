{
    my $status = ${'httpd-e-smith'}{status} || 'disabled';
    my $port = ${'httpd-e-smith'}{TCPPort} || '80';
    if ($status eq 'enabled') {
        $OUT .= "Listen $port\n";
        $OUT .= "# access: ${'httpd-e-smith'}{access}\n";
    }
}{ ${'ldap'}{status} eq 'enabled' ? "ldap on\n" : "ldap off\n" }{
    my $name = 'httpd-e-smith';
    "type=${$name}{type} via \$DB: " . $DB->get_prop('httpd-e-smith', 'access') . "\n";
}
