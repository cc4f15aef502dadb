{
    open(my $fh, "srv/oracle/users ") or die;
    my @users = <$fh>;
    close($fh);
    chomp @users;
    "count " . scalar(@users) . ", last $users[-1], sorted desc: "
      . join(",", sort { $b cmp $a } @users) . "\n";
}
