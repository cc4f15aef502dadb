{
    open(FH, "srv/oracle/users") or die;
    my @two = (scalar(<FH>), scalar(<FH>));
    my $at = $.;
    open(FH, "srv/oracle/relay.list") or die;
    my $first = <FH>;
    close(FH);
    "read @two" . "at $at, then $. after reopen: $first";
}
