{
    foreach my $p ('/etc', '/etc/passwd', 'srv/oracle', 'srv/oracle/hook.sh', 'srv/oracle/users') {
        $OUT .= "$p:" . (-d $p ? " dir" : "") . (-f $p ? " file" : "")
          . (-x $p ? " exec" : "") . (-r $p ? " read" : "") . "\n";
    }
}
