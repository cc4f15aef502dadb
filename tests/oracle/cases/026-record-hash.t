Domain: {$DomainName}
SSH port: { $sshd{TCPPort} }
SSH status: { $sshd{'status'} } / { $sshd{"access"} }
Type: { $sshd{type} }
Missing: [{ $sshd{NoSuchProp} }]
