{
    open(SHELLS, "/etc/shells") or die "cannot read /etc/shells: $!";
    my @shells = grep { !/^\s*#/ } <SHELLS>;
    close(SHELLS);
    chomp(@shells);
    my @usr = grep { m{^/usr/} } @shells;
    "shells: " . scalar(@shells) . ", under /usr: " . scalar(@usr) . "\n"
      . join('', map { "  $_\n" } grep { /bash|dash/ } @shells);
}
