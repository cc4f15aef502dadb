{
    my $r = close(NEVER_OPENED);
    "close of an unopened handle: [" . $r . "] $!\n";
}
{ open(H, "srv/oracle/users") or die; close(H) ? "closed\n" : "not closed\n" }
{ my $l = <H>; defined $l ? "read after close\n" : "nothing after close\n" }
