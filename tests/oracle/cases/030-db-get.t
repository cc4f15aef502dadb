{ $DB->get('sshd')->prop('TCPPort') }
{ $DB->get('sshd')->key }
{ $DB->get('sshd')->prop('type') }
{ $DB->get('DomainName')->value }
[{ defined $DB->get('nosuch') ? 'def' : 'undef' }]
