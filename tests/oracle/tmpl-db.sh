#!/bin/sh
# The esmith::*DB classes beyond what tmpl.sh can show on stdout alone:
# the env variables that choose the default databases, the warning of an
# unknown access level (compared with the Perl driver's), a `die` on a
# missing record, and the located errors for methods a template may not
# call (writes, another class's shorthands, unknown ones), with the
# database files untouched.
. "${ESMITH_SRC:-.}/tests/lib.sh"
here="$TOP/tests/oracle"
render="$TOP/$O/helpers/render"
f="$T_TMP/frag"
cp "$here/oracle.db" "$T_TMP/configuration"
for db in accounts networks hosts domains; do
    cp "$here/$db.db" "$T_TMP/$db"
done
DBPATH=$T_TMP
export DBPATH

# both NAME FRAGMENT: renders with both engines; $T_TMP/{want,got}{,.err}
both() {
    printf '%s' "$2" >"$f"
    perl "$here/tt-render.pl" --db "$T_TMP/configuration" "$f" >"$T_TMP/want" 2>"$T_TMP/want.err"
    want_rc=$?
    "$render" --db "$T_TMP/configuration" "$f" >"$T_TMP/got" 2>"$T_TMP/got.err"
    got_rc=$?
}

# same NAME FRAGMENT EXPECTED: both succeed with EXPECTED on stdout
same() {
    both "$1" "$2"
    check_eq "$1: Text::Template" "0 $3" "$want_rc $(cat "$T_TMP/want")"
    check_eq "$1: ours" "0 $3" "$got_rc $(cat "$T_TMP/got")"
}

# ESMITH_CONFIG_DB / ESMITH_ACCOUNT_DB choose what open() opens by default
sed 's/^SystemName=server$/SystemName=other/' "$here/oracle.db" >"$T_TMP/altconfig"
grep -v '^bob=' "$here/accounts.db" >"$T_TMP/altaccounts"
frag='{ esmith::ConfigDB->open->get_value("SystemName") } { join ",", map { $_->key } esmith::AccountsDB->open_ro->users }'
same "default dbs" "$frag" "server alice,bob,carol"
ESMITH_CONFIG_DB=altconfig ESMITH_ACCOUNT_DB=$T_TMP/altaccounts
export ESMITH_CONFIG_DB ESMITH_ACCOUNT_DB
same "env variables" "$frag" "other alice,carol"
same "explicit name wins" '{ esmith::ConfigDB->open_ro("configuration")->get_value("SystemName") }' \
    "server"
unset ESMITH_CONFIG_DB ESMITH_ACCOUNT_DB

# an unknown access level warns (located at the fragment's line, as carp
# does: without the last handle read) in both engines and leaves localhost
# only
warned() {
    both "$1" "$2"
    check_eq "$1: Text::Template" "0 $3" "$want_rc $(cat "$T_TMP/want")"
    check_eq "$1: ours" "0 $3" "$got_rc $(cat "$T_TMP/got")"
    sed 's/^WARNING in [^:]*: /WARNING: /' "$T_TMP/got.err" >"$T_TMP/got.warn"
    check_eq "$1: warning" "WARNING: $4 at $f line $5." "$(cat "$T_TMP/got.warn")"
    check_eq "$1: same warning as Text::Template" "$(cat "$T_TMP/want.err")" \
        "$(cat "$T_TMP/got.warn")"
}
warned "unknown access" '{ scalar esmith::NetworksDB->open_ro->local_access_spec("world") }' \
    "127.0.0.1" "local_access_spec: unknown access value world" 1
warned "unknown access in hosts_allow_spec" '
{ $DB->hosts_allow_spec("ntpd") }' "
ntpd: 127.0.0.1" "local_access_spec: unknown access value anywhere" 2
warned "unknown access after a read" '{ my $n = esmith::NetworksDB->open_ro;
  open(SHELLS, "/etc/shells") or die; my $first = <SHELLS>;
  scalar $n->local_access_spec("world") }' \
    "127.0.0.1" "local_access_spec: unknown access value world" 3
same "known levels do not warn" '{ join ",", map { scalar esmith::NetworksDB->open_ro->local_access_spec($_) } qw(localhost public) }' \
    "127.0.0.1,ALL"
check_eq "known levels do not warn: stderr" "" "$(cat "$T_TMP/got.err")"

# fails NAME FRAGMENT PHRASE: both engines fail, print nothing, and name PHRASE
fails() {
    both "$1" "$2"
    check_eq "$1: Text::Template fails" "1" "$want_rc"
    check "$1: Text::Template says why" grep -qF "$3" "$T_TMP/want.err"
    check_eq "$1: ours fails" "1" "$got_rc"
    check "$1: ours says why" grep -qF "$3" "$T_TMP/got.err"
    check_eq "$1: nothing printed" "" "$(cat "$T_TMP/got")"
}
fails "die on a missing record" 'a{ my $rec = $DB->get("nosuch") or die "no record nosuch\n"; $rec->prop("status") }' \
    "no record nosuch"
fails "open_ro || die" '{ my $db = esmith::HostsDB->open_ro("gone") || die "cannot open hosts db\n"; 1 }' \
    "cannot open hosts db"
mv "$T_TMP/networks" "$T_TMP/networks.away"
fails "hosts_allow_spec without a networks db" '{ $DB->hosts_allow_spec("sshd") }' \
    "hosts_allow_spec: cannot open the networks database"
same "no networks db needed for a disabled service" '{ $DB->hosts_allow_spec("ldap") }' \
    "# 'ldap' is disabled in the configuration database"
mv "$T_TMP/networks.away" "$T_TMP/networks"

# located NAME FRAGMENT MESSAGE [PERL-PHRASE]: ours refuses with exactly
# "frag:MESSAGE"; with PERL-PHRASE, Text::Template fails saying it too
located() {
    both "$1" "$2"
    check_eq "$1: located error" "1 $f:$3" "$got_rc $(cat "$T_TMP/got.err")"
    check_eq "$1: nothing printed" "" "$(cat "$T_TMP/got")"
    if [ $# -gt 3 ]; then
        check "$1: Text::Template fails the same way" grep -qF "$4" "$T_TMP/want.err"
    fi
}
nolocate() { echo "Can't locate object method \"$1\" via package \"$2\""; }
located "users on a ConfigDB" '{ $DB->users }' \
    "1:8: $(nolocate users esmith::ConfigDB)" "$(nolocate users esmith::ConfigDB)"
located "services on an AccountsDB" '{
    my $a = esmith::AccountsDB->open_ro;
    join ",", $a->services }' \
    "3:19: $(nolocate services esmith::AccountsDB)" "$(nolocate services esmith::AccountsDB)"
located "networks on a HostsDB" '{ esmith::HostsDB->open_ro->networks }' \
    "1:29: $(nolocate networks esmith::HostsDB)" "$(nolocate networks esmith::HostsDB)"
located "hosts on a DomainsDB" '{ esmith::DomainsDB->open_ro->hosts }' \
    "1:31: $(nolocate hosts esmith::DomainsDB)" "$(nolocate hosts esmith::DomainsDB)"
located "domains on a NetworksDB" '{ esmith::NetworksDB->open_ro->domains }' \
    "1:32: $(nolocate domains esmith::NetworksDB)" "$(nolocate domains esmith::NetworksDB)"
located "local_access_spec on a ConfigDB" '{ $DB->local_access_spec }' \
    "1:8: $(nolocate local_access_spec esmith::ConfigDB)" \
    "$(nolocate local_access_spec esmith::ConfigDB)"
located "hosts_allow_spec on a NetworksDB" '{ esmith::NetworksDB->open_ro->hosts_allow_spec("sshd") }' \
    "1:32: $(nolocate hosts_allow_spec esmith::NetworksDB)" \
    "$(nolocate hosts_allow_spec esmith::NetworksDB)"
located "printers on a ConfigDB" '{ my @p = $DB->printers; 1 }' \
    "1:16: $(nolocate printers esmith::ConfigDB)" "$(nolocate printers esmith::ConfigDB)"
located "unknown database method" '{ $DB->frobnicate }' \
    "1:8: unsupported Perl: database method ->frobnicate" "Can't locate object method \"frobnicate\""
located "unknown record method" '{ $DB->get("sshd")->frobnicate }' \
    "1:21: unsupported Perl: record method ->frobnicate" "Can't locate object method \"frobnicate\""
located "bad regex in get_all_by_prop" '{ $DB->get_all_by_prop(type => "(") }' \
    "1:8: get_all_by_prop: regular expression error: missing closing parenthesis in /(/"
located "odd arguments to get_all_by_prop" '{ $DB->get_all_by_prop("type") }' \
    "1:8: get_all_by_prop: odd number of arguments"

# writes are refused and change nothing
cp "$T_TMP/configuration" "$T_TMP/configuration.before"
cp "$T_TMP/accounts" "$T_TMP/accounts.before"
writes='set_prop|$DB->set_prop("sshd", "status", "disabled")|1:8
set_value|$DB->set_value("SystemName", "x")|1:8
new_record|esmith::AccountsDB->open->new_record("dave", { type => "user" })|1:29
delete|esmith::AccountsDB->open->get("bob")->delete|1:41
merge_props|$DB->get("sshd")->merge_props(status => "disabled")|1:21
delete_prop|$DB->get("sshd")->delete_prop("access")|1:21'
echo "$writes" | while IFS='|' read -r method code at; do
    located "write $method" "{ $code }" \
        "$at: unsupported Perl: ->$method (a template cannot change the database)"
done
located "record prop with a value" '{ $DB->get("sshd")->prop("status", "disabled") }' \
    "1:21: unsupported Perl: ->prop with a value (a template cannot change the database)"
check "writes: configuration untouched" cmp "$T_TMP/configuration" "$T_TMP/configuration.before"
check "writes: accounts untouched" cmp "$T_TMP/accounts" "$T_TMP/accounts.before"
