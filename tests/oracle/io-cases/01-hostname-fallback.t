# ServerName from /etc/hostname, the db value when the file is missing
{
    my $name = "$SystemName.$DomainName";
    if (open(HOSTNAME, "/etc/hostname")) {
        my $line = <HOSTNAME>;
        close(HOSTNAME);
        chomp $line if defined $line;
        $name = $line if defined $line && length $line;
    }
    "ServerName $name\n";
}
