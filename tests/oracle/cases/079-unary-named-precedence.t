{ length 'abc' > 2 ? 'long' : 'short' } { lc 'A' eq 'a' ? 'y' : 'n' } { defined $sshd{status} && 'def' }
