#
# sshd access (private: localhost and the local networks)
#
{
    use esmith::ConfigDB;
    my $db = esmith::ConfigDB->open_ro or die "Couldn't open ConfigDB\n";
    $OUT = $db->hosts_allow_spec('sshd');
}
