{
    my $id = 'unknown';
    if (open(my $os, '<', '/etc/os-release')) {
        while (<$os>) {
            if (/^ID=(.*)$/) { $id = $1; $id =~ s/"//g; last }
        }
        close $os;
    }
    "# built on $id\n";
}
