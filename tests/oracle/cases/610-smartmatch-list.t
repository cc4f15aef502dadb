# ~~ as the systemd preset fragment uses it (a key in a list of exceptions), and its scalar rules
{ our @list = qw(bootstrap-console masq mysql.init wan lpd clamd diald ldap.init); '' }
{ join ',', map { $_ ~~ @list ? "$_:exception" : $_ } qw(sshd wan ldap.init httpd-e-smith) }
{ my @nums = (1, 5, 10); (5 ~~ @nums ? 'y' : 'n') . (7 ~~ @nums ? 'y' : 'n') . ("5.0" ~~ @nums ? 'y' : 'n') . ("abc" ~~ @nums ? 'y' : 'n') }
{ my @l = ('a', undef, 'b'); (undef ~~ @l ? 'y' : 'n') . ('b' ~~ @l ? 'y' : 'n') . ('c' ~~ [qw(a c)] ? 'y' : 'n') . ('x' ~~ [] ? 'y' : 'n') }
{ ('abc' ~~ 'abc') . '|' . ('abc' ~~ 'abd') . '|' . (5 ~~ '5.0') . '|' . ('10' ~~ '10') . '|' . (undef ~~ undef) }
{ my @empty; 'z' ~~ @empty ? 'y' : 'n' }|{ my $r = [1, 2]; 2 ~~ @$r ? 'y' : 'n' }|{ 3 ~~ [1, '3'] ? 'y' : 'n' }
