{
    open(P, 'srv/oracle/partial') or die;
    my $l = <P>;
    my $again = <P>;
    close P;
    "[" . $l . "] chomp=" . chomp($l) . " then " . (defined $again ? "more" : "undef") . "\n";
}
