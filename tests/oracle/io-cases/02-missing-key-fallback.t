{
    # a key file a package may not have installed yet
    open(my $fh, '<', "/etc/pki/tls/private/$SystemName.$DomainName.key")
        or return "# no private key ($!): TLS disabled\n";
    my @key = <$fh>;
    close $fh;
    "# key of " . scalar(@key) . " lines\n";
}
