{
    my $content = do {
        local $/;
        open(F, "/etc/shells") or die "shells: $!";
        <F>;
    };
    close F;
    my $lines = () = $content =~ /\n/g;
    my $first = <F>;
    "slurped " . length($content) . " bytes, $lines lines, read after close: "
      . (defined $first ? "yes" : "no") . "\n";
}
{
    # $/ is back to a newline here
    open(U, "srv/oracle/users") or die;
    my $one = <U>;
    close U;
    $one;
}
