{
    use esmith::AccountsDB;
    my $adb = esmith::AccountsDB->open_ro or die "no accounts db";
    foreach my $user ($adb->get_all_by_prop(type => 'user')) {
        $OUT .= sprintf("%-6s %s %s (%s)\n", $user->key, $user->prop('FirstName'),
            $user->prop('LastName'), $user->prop('Shell'));
    }
}
members of admins: { join ',', map { $_->key } esmith::AccountsDB->open_ro->get_all_by_prop(MemberOf => 'admins') }
staff regex: { join ',', map { $_->key } esmith::AccountsDB->open_ro->get_all_by_prop(type => 'user', MemberOf => 'sta.f') }
count: { scalar(my @all = esmith::AccountsDB->open_ro->get_all) }
keys: { join ' ', esmith::AccountsDB->open_ro->keys }
missing db: [{ defined(esmith::HostsDB->open_ro('nosuchdb')) ? 'open' : 'undef' }]
