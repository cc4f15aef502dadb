{
my $port = $sshd{TCPPort} || '5232';
$OUT .= << 'EOF';
#Radicale
radicale           $port/tcp
EOF
$OUT .= <<  "EOT";
ssh                $port/tcp
EOT
$OUT .= <<	'TAB';
tab-separated $port
TAB
}
