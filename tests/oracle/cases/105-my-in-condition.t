{ if ((my $v = $sshd{TCPPort}) ne '') { "port $v" } } { my $r = ''; if (my @l = split /,/, $qpsmtpd{HeloHosts}) { $r = scalar(@l) } $r }
