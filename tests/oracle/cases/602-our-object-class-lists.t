{

our @userObjectClass = qw(inetOrgPerson posixAccount shadowAccount);
our @systemUserObjectClass =qw(account posixAccount shadowAccount);
our @groupObjectClass = qw(posixGroup mailboxRelatedObject);
our %base = (users => 'ou=Users', groups => 'ou=Groups');

$OUT .= "";

}
{
    $OUT .= "USER_OBJECTCLASS = " . join(',', @userObjectClass) . "\n";
    $OUT .= "SYSTEM_OBJECTCLASS = @systemUserObjectClass\n";
    $OUT .= "GROUP_OBJECTCLASS = $groupObjectClass[-1] (" . scalar(@groupObjectClass) . ")\n";
    $OUT .= join("\n", map { "$_: $base{$_}" } sort keys %base);
}
{ our @groupObjectClass; push @groupObjectClass, 'extra'; "@groupObjectClass" }
