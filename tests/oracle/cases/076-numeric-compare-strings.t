{ $sshd{TCPPort} == 22 ? 'ssh22' : 'other' } { $Zero ? 'true' : 'false' } { $Zero eq '0' ? 'zero' : 'nz' }
