{
    my $accounts = esmith::AccountsDB->open_ro;
    foreach my $group ($accounts->groups) {
        my @members = split /,/, ($group->prop('Members') || '');
        my @names;
        foreach my $m (@members) {
            my $u = $accounts->get($m) or next;
            push @names, $u->prop('FirstName');
        }
        $OUT .= $group->key . ' (' . $group->prop('Description') . '): ' . join(', ', @names) . "\n";
    }
}
