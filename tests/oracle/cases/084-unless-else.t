{ unless ($sshd{status} eq 'enabled') { 'off' } else { 'on' } }
