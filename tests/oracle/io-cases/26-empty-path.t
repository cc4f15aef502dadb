{
    my $e = '';
    "e=" . (defined(-e $e) ? "[" . (-e $e) . "]" : "undef") . " errno=$!\n"
      . "d=" . (defined(-d $e) ? "[" . (-d $e) . "]" : "undef") . "\n"
      . "opendir=" . (opendir(my $dh, $e) ? "yes" : "no: $!") . "\n";
}
