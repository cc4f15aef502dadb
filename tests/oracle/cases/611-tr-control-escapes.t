{ my $s = "a\bb"; my $n = ($s =~ tr/\b/X/); "$n $s" }
{ my $s = "x\cAy\cZz"; (my $t = $s) =~ tr/\cA\cZ/12/; $t }
{ my $s = "tab\there"; $s =~ tr/\t\x41-\x43/_abc/; $s }
