{
    my $e = 'srv/oracle/empty';
    my $p = 'srv/oracle/partial';
    "empty: s=[" . (-s $e) . "] z=" . (-z $e ? 1 : 0) . "\n"
      . "partial: s=" . (-s $p) . " z=[" . (-z $p) . "]\n"
      . "missing: " . (defined(-s 'srv/oracle/nothing') ? "defined" : "undef") . "\n";
}
