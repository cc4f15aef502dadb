{ $indent = "  "; $sep = ","; '' }
{
    foreach my $svc (qw(sshd qpsmtpd)) {
        local $indent = $indent x 2;
        $OUT .= "${indent}$svc: ${$svc}{status}\n";
    }
    $OUT .= "${indent}back\n";
}
{ local $sep = ";"; join($sep, qw(a b)) . "\n" }{ join($sep, qw(c d)) . "\n" }
