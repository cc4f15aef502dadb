{
    my $adb = esmith::AccountsDB->open_ro;
    my @users = sort { $a->prop('LastName') cmp $b->prop('LastName') } $adb->users;
    foreach my $u (@users) {
        $OUT .= sprintf "%-10s %s, %s\n", $u->key, $u->prop('LastName'), $u->prop('FirstName');
    }
}
{
    # newest first by a numeric-looking key order, then reversed
    join ',', reverse map { $_->key } esmith::AccountsDB->open_ro->users;
}
