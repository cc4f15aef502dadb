{
    open(my $users, "<", "srv/oracle/users") or die "Could not open users: $!\n";
    my %allowed = map { chomp; ($_ => 1) } <$users>;
    close($users);
    join("", map { "allow $_\n" } sort keys %allowed) . ($allowed{bob} ? "bob ok\n" : "");
}
