{
    my $a = esmith::AccountsDB->open_ro;
    $OUT .= "users: " . join(' ', map { $_->key } $a->users) . "\n";
    $OUT .= "groups: " . join(' ', map { $_->key } $a->groups) . "\n";
    $OUT .= "ibays: " . join(' ', map { $_->key } $a->ibays) . "\n";
    $OUT .= "printers: " . join(' ', map { $_->key } $a->printers) . "\n";
    $OUT .= "pseudonyms: " . join(' ', map { $_->key . '=>' . $_->prop('Account') } $a->pseudonyms) . "\n";
}
counts: { my $a = esmith::AccountsDB->open_ro; scalar($a->users) . '/' . scalar($a->groups) . '/' . scalar(my @p = $a->printers) }
{ my @none = esmith::AccountsDB->open_ro->get_all_by_prop(type => 'domain'); scalar(@none) }
