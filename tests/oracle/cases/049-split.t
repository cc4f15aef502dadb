{ join '|', split /,/, $qpsmtpd{HeloHosts} }
{ join '|', split(/\s*;\s*/, 'a ; b;c  ;d') }
{ join '|', split ' ', '  lead  and trail  ' }
{ join '|', split //, 'abc' }
{ join '|', split /,/, 'a,b,,c,,' }
{ join '|', split /(,)/, 'a,b' }
{ join '|', split /,/, 'a,b,c,d', 2 }
{ scalar(my @x = split /,/, 'a,b,c') }
