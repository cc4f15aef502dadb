{
    use esmith::DomainsDB;
    my $ddb = esmith::DomainsDB->open_ro or die "no domains db\n";
    foreach my $domain ($ddb->domains) {
        my $ns = $domain->prop('Nameservers') || 'internet';
        $OUT .= "zone \"" . $domain->key . "\" { # " . $domain->prop('Description') . "\n";
        $OUT .= "    type " . ($ns eq 'localhost' ? 'master' : 'forward') . ";\n";
        $OUT .= "};\n";
    }
}{ my $d = esmith::DomainsDB->open_ro; scalar($d->domains) . " domains, " . scalar(my @k = $d->keys) . " records" }
