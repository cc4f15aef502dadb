{ "${DomainName}x $sshd{TCPPort} $sshd{'access'} @{[ $LocalIP ]}" }
{ my @a = (1,2); my %h = (k => 'v'); "$a[1] $h{k} $a[-1]" }
{ my $r = { x => [10, 20] }; "$r->{x}[1] $$r{x}[0]" }
