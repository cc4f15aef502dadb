{
    open(USERS, "< srv/oracle/users") or die "users: $!";
    my $n = 0;
    until (eof(USERS)) {
        my $u = <USERS>;
        chomp $u;
        $n++;
        $OUT .= "user$n=$u\n";
    }
    $OUT .= "eof: " . (eof(USERS) ? 1 : 0) . ", line $.\n";
    close(USERS);
}
