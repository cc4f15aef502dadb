{ my $v = $sshd{access} eq 'private' ? 'LAN' : $sshd{access} eq 'public' ? 'ALL' : 'none'; $v }
