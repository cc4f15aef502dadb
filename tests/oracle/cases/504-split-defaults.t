{
    $_ = "  alpha beta\tgamma  ";
    my @words = split;
    my $n = split ' ';
    $_ = "a:b::c";
    my @f = split /:/;
    my ($first, $rest) = split /:/, $_, 2;
    scalar(@words) . " [@words] $n [" . join("|", @f) . "] $first/$rest\n";
}
{
    my @out;
    foreach (split /,/, $qpsmtpd{HeloHosts}) {
        my ($host, $domain) = split /\./, $_, 2;
        push @out, "$host in $domain";
    }
    join("; ", @out) . "\n";
}
