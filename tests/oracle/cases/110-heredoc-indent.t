{
    my $x = <<~EOT;
        indented $SystemName
          more
        EOT
    $x
}
