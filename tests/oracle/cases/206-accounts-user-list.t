# users of the system
{
    use esmith::AccountsDB;
    my $accounts = esmith::AccountsDB->open_ro
        or die "Couldn't open AccountsDB\n";

    foreach my $user ($accounts->get_all_by_prop(type => 'user'))
    {
        my $name = $user->key;
        my $first = $user->prop('FirstName');
        my $last = $user->prop('LastName');
        $OUT .= "$name:x:$first $last:/home/e-smith/files/users/$name:";
        $OUT .= $user->prop('Shell') || '/bin/false';
        $OUT .= "\n";
    }
}
