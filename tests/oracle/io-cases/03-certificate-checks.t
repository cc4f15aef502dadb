{
    my $crt = "/home/e-smith/ssl.crt/$SystemName.$DomainName.crt";
    my $key = "/home/e-smith/ssl.key/$SystemName.$DomainName.key";
    if (-e $crt && -e $key) {
        $OUT .= "SSLCertificateFile $crt\nSSLCertificateKeyFile $key\n";
    } else {
        $OUT .= "# certificate $crt not found: using the default one\n";
    }
}
{
    my $dir = 'srv/oracle/certs';
    foreach my $c (qw(server current dangling missing)) {
        my $f = "$dir/$c.crt";
        $OUT .= sprintf("%-9s e=%s f=%s l=%s s=%s\n", $c, (-e $f ? 1 : 0), (-f $f ? 1 : 0),
            (-l $f ? 1 : 0), (-s $f || 0));
    }
}
