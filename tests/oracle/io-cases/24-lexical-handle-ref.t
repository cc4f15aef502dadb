{
    open(my $fh, "<", "srv/oracle/users") or die;
    my $copy = $fh;
    my $a = <$fh>;
    my $b = <$copy>;
    close($copy);
    "ref " . ref($fh) . ": $a$b" . (eof($fh) ? "closed through the copy\n" : "still open\n");
}
