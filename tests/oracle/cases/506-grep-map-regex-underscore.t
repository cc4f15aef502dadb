{
    my @services = grep { /^s/ } sort keys %{ { sshd => 1, smtpd => 1, ntpd => 1 } };
    my @ports = map { $_ =~ /^(\d+)$/ ? $1 : () } qw(22 x 25 80a 443);
    my @names = qw(web-1 mail-2 db-3);
    s/-(\d)$/_$1/ for @names;
    "@services | @ports | @names\n";
}
