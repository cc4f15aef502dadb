{
    $OUT .= <<HERE;
port $sshd{TCPPort}
HERE
    $OUT .= <<HERE;
status $sshd{status}
HERE
}
