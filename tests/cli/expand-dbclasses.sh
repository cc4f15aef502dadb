#!/bin/sh
# expand-template with the esmith::*DB classes as SME packages use them:
# databases found under $ESMITH_ROOT/home/e-smith/db by their default
# names, a hosts.allow built with hosts_allow_spec, the warning of an
# unknown access level, and `open_ro || die` leaving the target untouched.
. tests/lib.sh
new_root
. tests/cli/expand-common.inc
NL='
'
db configuration set sshd service status enabled access private TCPPort 22
db configuration set ntpd service status enabled access world
db configuration set ldap service status disabled
db networks set 192.168.1.0 network Mask 255.255.255.0
db networks set 10.1.2.3 network Mask 255.255.255.255
db accounts set alice user FirstName Alice
db accounts set staff group Members alice

frag templates /etc/hosts.allow 10services '{
    use esmith::ConfigDB;
    my $db = esmith::ConfigDB->open_ro or die "no configuration db\n";
    $OUT .= $db->hosts_allow_spec($_) . "\n" foreach $db->services;
}'
frag templates /etc/hosts.allow 20users "# users: { join ',', map { \$_->key } esmith::AccountsDB->open_ro->users }$NL"
check "hosts.allow: expand" expand-template /etc/hosts.allow
cp "$T_TMP/err" "$T_TMP/expand.err"
check_eq "hosts.allow: content" "# default begin
# 'ldap' is disabled in the configuration database
ntpd: 127.0.0.1
sshd: 127.0.0.1 10.1.2.3 192.168.1.0/255.255.255.0
# users: alice" "$(out /etc/hosts.allow)"
check "hosts.allow: unknown access warned" grep -qF \
    "10services: local_access_spec: unknown access value world at /etc/e-smith/templates/etc/hosts.allow/10services line 4." \
    "$T_TMP/expand.err"

# a missing database is undef: `open_ro || die` fails the expansion and
# the target stays as it was
cp "$ROOT/etc/hosts.allow" "$T_TMP/before"
frag templates /etc/hosts.allow 30hosts '{ my $h = esmith::HostsDB->open_ro || die "no hosts db\n"; 1 }'
check_fails "missing db: expansion fails" expand-template /etc/hosts.allow
cp "$T_TMP/err" "$T_TMP/expand.err"
check "missing db: the die message" grep -qF "no hosts db" "$T_TMP/expand.err"
check "missing db: target untouched" cmp "$ROOT/etc/hosts.allow" "$T_TMP/before"

# one database reached by name and by its absolute path in one expansion:
# the same handle (TDB cannot open a file twice in a process)
frag templates /etc/samedb 10same '{
    my $x = esmith::AccountsDB->open_ro;
    my $y = esmith::ConfigDB->open_ro("/home/e-smith/db/accounts") || die "accounts by path\n";
    my $z = esmith::ConfigDB->open_ro("/home/e-smith/db/configuration") || die "config by path\n";
    join(",", $x->get("alice")->prop("FirstName"), $y->get("alice")->prop("FirstName"),
         $z->get("sshd")->prop("TCPPort"), esmith::AccountsDB->open_ro->get("staff")->prop("Members"))
}'
check "same db by name and path: expand" expand-template /etc/samedb
check_eq "same db by name and path: content" "# default begin
Alice,Alice,22,alice" "$(out /etc/samedb)"
