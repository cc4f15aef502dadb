{
    my @out;
    foreach my $f ('srv/oracle/users/', 'srv/oracle/users//', 'srv/oracle/certs/',
                   'srv/oracle/certs/current.crt', 'srv/oracle/certs/current.crt/',
                   'srv/oracle/certs/dangling.crt/', 'srv/oracle/certs/./', 'srv/oracle/certs/..//') {
        my $e = -e $f;
        my $err = "$!";
        push @out, "$f: e=" . (defined $e ? "[$e]" : "undef ($err)")
          . " d=" . (-d $f ? 1 : 0) . " f=" . (-f $f ? 1 : 0) . " l=" . (-l $f ? 1 : 0) . "\n";
        if (open(my $fh, '<', $f)) { my $l = <$fh>; push @out, "  open: " . (defined $l ? $l : "undef ($!)\n"); close $fh; }
        else { push @out, "  open failed: $!\n"; }
    }
    join("", @out);
}
