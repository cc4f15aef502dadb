{
    my $accounts = esmith::AccountsDB->open_ro
        || die "Couldn't open AccountsDB\n";
    my $admin = $accounts->get('admin')
        or die "No admin record!\n";
    my $alice = $accounts->get('alice') || die "no alice";
    "admin is " . $admin->prop('FirstName') . " " . $admin->prop('LastName')
        . ", alice's shell is " . $alice->prop('Shell') . "\n";
}{
    my $hosts = esmith::HostsDB->open_ro('no-such-db');
    $OUT = defined $hosts ? "opened\n" : "no hosts db\n";
}
