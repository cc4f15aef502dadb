{
    my $adb = esmith::AccountsDB->open_ro;
    my @accounts = $adb->get_all_by_prop(type => 'user|group');
    "users and groups: @{[ map { $_->key } @accounts ]}\n";
}{
    my $adb = esmith::AccountsDB->open_ro;
    my @bash = $adb->get_all_by_prop(Shell => '/bin/.*');
    my @web = $adb->get_all_by_prop(MemberOf => 'web.*', type => 'user');
    my @pub = $adb->get_all_by_prop(PublicAccess => 'glob.l');
    join(' ', map { $_->key } @bash) . " | " . join(' ', map { $_->key } @web) . " | " . join(' ', map { $_->key } @pub) . "\n";
}{ join ',', map { $_->key } $DB->get_all_by_prop('status', 'enabled') }
