{ my $n = 0; $n ? 'a' : $n == 0 ? 'zero' : 'neg' }
{ my $s = $sshd{status} eq 'enabled' ? 'on' : 'off'; $s }
