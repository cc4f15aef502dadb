{
    open(C, "srv/oracle/certs/current.crt") || return "no current certificate\n";
    my @pem = <C>;
    close(C);
    my ($begin) = grep { /BEGIN/ } @pem;
    open(D, "srv/oracle/certs/dangling.crt") || return "$begin" . "dangling: $!\n";
    "dangling opened?\n";
}
