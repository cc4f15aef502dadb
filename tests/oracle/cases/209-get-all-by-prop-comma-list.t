{
    my $adb = esmith::AccountsDB->open_ro;
    foreach my $group (qw(staff admins webteam nobody)) {
        my @members = $adb->get_all_by_prop(type => 'user', MemberOf => $group);
        $OUT .= "$group: " . (join(',', map { $_->key } @members) || '(none)') . "\n";
    }
    # a partial name is not an element of the list
    $OUT .= "sta: " . scalar(my @x = $adb->get_all_by_prop(MemberOf => 'sta')) . "\n";
    # groups listing carol among their members
    $OUT .= "carol in: " . join(' ', map { $_->key } $adb->get_all_by_prop(Members => 'carol')) . "\n";
}
