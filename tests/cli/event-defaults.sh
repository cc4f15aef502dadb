#!/bin/sh
# initialize-default-databases: defaults and forced values (reference §3),
# ESMITH_DB_DEFAULTSDIR, refusal without loss, and its S00 registration.
. tests/lib.sh
. tests/cli/lib/events.sh
new_root
DEF="$ROOT/etc/e-smith/db"
DB="$ROOT/home/e-smith/db"

# put DB KIND KEY PROP VALUE: a defaults/force file, VALUE written as given
put() {
    mkdir -p "$DEF/$1/$2/$3"
    printf '%s' "$5" >"$DEF/$1/$2/$3/$4"
}
put configuration defaults smtpd type 'service
'
put configuration defaults smtpd status 'enabled
'
put configuration defaults smtpd Port '25
'
put configuration defaults smtpd Banner 'two newlines

'
put configuration force smtpd Forced 'yes
'
put configuration defaults existing status 'enabled
'
put configuration defaults existing NewProp 'added
'
put configuration force existing type 'forcedtype
'
put configuration defaults plain type 'value-only
'
put accounts defaults admin type 'user
'
mkdir -p "$DEF/configuration/defaults/.hidden"

config set existing oldtype status disabled Keep me
initialize-default-databases post-upgrade
check_eq "it succeeds (and ignores the event's arguments)" 0 "$?"
check_eq "a missing record is created with its type and props" "service" "$(config gettype smtpd)"
check_eq "defaults: one trailing newline removed" "25" "$(config getprop smtpd Port)"
check_eq "defaults: only one newline removed" "two newlines

x" "$(config getprop smtpd Banner; echo x)"
check_eq "force applied to a new record" "yes" "$(config getprop smtpd Forced)"
check_eq "a set prop keeps its value" "disabled" "$(config getprop existing status)"
check_eq "an unset prop gets its default" "added" "$(config getprop existing NewProp)"
check_eq "other props are kept" "me" "$(config getprop existing Keep)"
check_eq "force replaces the type" "forcedtype" "$(config gettype existing)"
check_eq "a record with a type only" "value-only" "$(config gettype plain)"
check_eq "every database with a directory is done" "user" "$(db accounts get admin)"
check_fails "dot directories are not keys" config get .hidden

# ---- idempotent: a second run writes nothing ----
ino=$(stat -c %i "$DB/configuration")
sum=$(md5sum <"$DB/configuration")
check "second run succeeds" initialize-default-databases
check_eq "second run: the flat file was not rewritten" "$ino" "$(stat -c %i "$DB/configuration")"
check_eq "second run: same content" "$sum" "$(md5sum <"$DB/configuration")"

# ---- force wins over a changed value on the next run ----
config setprop smtpd Forced no
initialize-default-databases
check_eq "force is applied again" "yes" "$(config getprop smtpd Forced)"

# ---- bad input: a new record without a type; that db is left as it was ----
put configuration defaults notype Prop 'x
'
put configuration defaults smtpd Another 'new
'
put accounts defaults guest type 'user
'
sum=$(md5sum <"$DB/configuration")
initialize-default-databases 2>"$T_TMP/se"
check_eq "a record without a type fails" 1 "$?"
check "the error names the database and the key" \
    grep -q "^initialize-default-databases: configuration: /etc/e-smith/db/configuration/defaults/notype: no type for the new record" "$T_TMP/se"
check_eq "that database is untouched (no partial change)" "$sum" "$(md5sum <"$DB/configuration")"
check_eq "other databases are still done" "user" "$(db accounts get guest)"
rm -r "$DEF/configuration/defaults/notype"

# ---- ESMITH_DB_DEFAULTSDIR replaces /etc/e-smith/db ----
mkdir -p "$T_TMP/alt/configuration/defaults/altkey"
echo altype >"$T_TMP/alt/configuration/defaults/altkey/type"
ESMITH_DB_DEFAULTSDIR="$T_TMP/alt" initialize-default-databases
check_eq "ESMITH_DB_DEFAULTSDIR: its defaults applied" "altype" "$(config gettype altkey)"
check_eq "ESMITH_DB_DEFAULTSDIR: /etc/e-smith/db not used" "" "$(config getprop smtpd Another)"

# ---- the S00 registration and the action ----
for ev in post-install post-upgrade bootstrap-console-save console-save; do
    check_eq "$ev links S00initialize-default-databases" "../actions/initialize-default-databases" \
        "$(readlink "$TOP/root/etc/e-smith/events/$ev/S00initialize-default-databases")"
done
check "the action runs the tool" sh "$TOP/root/etc/e-smith/events/actions/initialize-default-databases" console-save
check_eq "the action applied the defaults" "new" "$(config getprop smtpd Another)"
