{
    my $helo = $qpsmtpd{HeloHosts} || '';
    my @hosts = split /,/, $helo;
    $OUT .= "# HELO hosts\n";
    foreach my $h (sort @hosts) {
        next unless $h =~ /\S/;
        $OUT .= "helo $h\n";
    }
    $OUT .= "# max $qpsmtpd{MaxConnections}\n" if $qpsmtpd{MaxConnections} > 10;
}
