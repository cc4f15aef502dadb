{
    $_ = "outer";
    foreach my $name (qw(alpha beta)) {
        local $_ = ucfirst $name;
        s/a$/A/;
        $OUT .= "$_ ";
    }
    $OUT .= $_;
}
