{ ucfirst lc 'hELLO' } { length lc 'ABC' } { defined($sshd{status}) ? 'd' : 'u' } { uc substr('abc', 1) }
