{
    my @system;
    open(PW, "/etc/passwd") or die;
    while (<PW>) {
        my ($user, undef, $uid) = split /:/;
        push @system, $user if $uid < 10;
    }
    close PW;
    "low uids: @system\n";
}
