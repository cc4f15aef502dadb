{
    # httpd-e-smith is public: anyone may connect
    my $spec = $DB->hosts_allow_spec('httpd-e-smith', 'httpd');
    "$spec\n";
}{ esmith::ConfigDB->open->hosts_allow_spec('httpd-e-smith') }
