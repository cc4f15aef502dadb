{ my $d = 'example'; $DomainName =~ /^$d\./ ? 'y' : 'n' }
{ my $dot = '.'; 'axb' =~ /a\Q$dot\Eb/ ? 'y' : 'n' }
{ my $s = 'x1y2'; $s =~ s/(\d)/<$1>/g; $s }
