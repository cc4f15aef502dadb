#!/bin/sh
# Bad input: one line on stderr naming what is wrong, a non-zero exit, and
# the db (TDB and flat file) byte-identical to before.
. tests/lib.sh
new_root
DB="$ROOT/home/e-smith/db"
cp "$TOP/tests/data/sample-configuration" "$DB/configuration"
config set qmail service status enabled >/dev/null 2>&1
NL='
'

snapshot() { cat "$DB/configuration" "$DB/configuration.tdb" | cksum; }

# refused NAME PATTERN cmd...: fails, says one line matching PATTERN,
# changes nothing.
refused() {
    name=$1 pattern=$2
    shift 2
    before=$(snapshot)
    if "$@" >"$T_TMP/out" 2>"$T_TMP/err"; then
        not_ok "$name (succeeded)"
        return
    fi
    after=$(snapshot)
    lines=$(wc -l <"$T_TMP/err")
    if [ "$before" != "$after" ]; then
        not_ok "$name (db changed)"
    elif [ "$lines" != 1 ] || ! grep -q -- "$pattern" "$T_TMP/err"; then
        not_ok "$name (stderr: $(cat "$T_TMP/err"))"
    elif [ -s "$T_TMP/out" ]; then
        not_ok "$name (stdout not empty)"
    else
        ok "$name"
    fi
}

# ---- keys ----
for cmd in set setdefault; do
    refused "$cmd: empty key" "config: configuration: empty key" config $cmd '' t
    refused "$cmd: key with =" "invalid key 'a=b': contains '='" config $cmd 'a=b' t
    refused "$cmd: key with |" "invalid key 'a|b': contains '|'" config $cmd 'a|b' t
    refused "$cmd: key with a newline" "invalid key 'a.nb': contains a newline" config $cmd "a${NL}b" t
    refused "$cmd: key with a leading blank" "invalid key ' lead': has leading" config $cmd ' lead' t
    refused "$cmd: key with a trailing blank" "invalid key 'trail ': has leading or trailing" config $cmd 'trail ' t
    refused "$cmd: key starting with #" "starts with '#'" config $cmd '#x' t
    refused "$cmd: key with backslash-n" "backslash followed by 'n'" config $cmd 'C:\new' t
done
refused "setprop: key with =" "contains '='" config setprop 'a=b' p v
refused "setprop: key with blanks" "has leading or trailing blanks" config setprop ' qmail' p v
refused "delete: key with =" "contains '='" config delete 'a=b'
refused "settype: key with |" "contains '|'" config settype 'a|b' t
refused "delprop: empty key" "empty key" config delprop '' p

# ---- prop names ----
for cmd in set setprop; do
    if [ $cmd = set ]; then pre="qmail service"; else pre="qmail"; fi
    # shellcheck disable=SC2086
    refused "$cmd: empty prop name" "qmail: empty prop name" config $cmd $pre '' v
    # shellcheck disable=SC2086
    refused "$cmd: prop name with |" "invalid prop name 'a|b': contains '|'" config $cmd $pre 'a|b' v
    # shellcheck disable=SC2086
    refused "$cmd: prop name with =" "invalid prop name 'a=b': contains '='" config $cmd $pre 'a=b' v
    # shellcheck disable=SC2086
    refused "$cmd: prop name with a newline" "contains a newline" config $cmd $pre "a${NL}b" v
done

# ---- types ----
refused "set: empty type" "qmail: empty type" config set qmail ''
refused "set: blank type" "qmail: empty type" config set qmail '  '
refused "set: empty type with props" "empty type" config set qmail '' status enabled
refused "settype: empty type" "empty type" config settype qmail ''
refused "settype: type with |" "cannot contain '|'" config settype qmail 'a|b'
refused "set: type with | and props" "cannot contain '|'" config set qmail 'a|b' status enabled
refused "set: raw value with a prop without value" "prop without a value" config set qmail 'a|b'
refused "set: raw value with an empty prop name" "empty prop name" config set qmail 'a||v'

# ---- values the flat file cannot carry ----
refused "setprop: backslash-n in a value" "prop 'share'.*backslash followed by 'n'" config setprop qmail share 'C:\new'
refused "set: backslash-n in a raw value" "backslash followed by 'n'" config set qmail 'service|share|C:\new'
refused "set: backslash-n in the type" "the type contains a backslash" config set qmail 'C:\new' p v
refused "setprop: value ending in a backslash before another prop" "prop 'a'.*ends with a backslash" config setprop qmail a 'dir\'
check "  but the last prop may end in one" config setprop qmail zz 'dir\'
check_eq "  and reads back" 'dir\' "$(config getprop qmail zz)"

# ---- missing keys ----
refused "setprop on a missing key" "^config: configuration: no record 'nokey'$" config setprop nokey p v
refused "delprop on a missing key" "^config: configuration: no record 'nokey'$" config delprop nokey p
refused "settype on a missing key" "^config: configuration: no record 'nokey'$" config settype nokey t
refused "getprop on a missing key" "^config: configuration: no record 'nokey'$" config getprop nokey p

# ---- damaged or foreign store ----
cp "$DB/configuration.tdb" "$T_TMP/good.tdb"
head -c 4096 /dev/urandom >"$DB/configuration.tdb"
refused "damaged TDB: read" "configuration.tdb is damaged or not a TDB database" config get qmail
refused "damaged TDB: write" "configuration.tdb is damaged or not a TDB database" config setprop qmail p v
printf 'text, not a database\n' >"$DB/configuration.tdb"
refused "foreign file as TDB" "configuration.tdb is damaged or not a TDB database" config keys
rm -f "$DB/configuration.tdb"
printf 'create %s\ninsert somekey somevalue\nq\n' "$DB/configuration.tdb" | tdbtool >/dev/null 2>&1
refused "a TDB that is not ours" "not an esmith-c store" config get qmail
refused "a TDB that is not ours: write" "not an esmith-c store" config set qmail t
cp "$T_TMP/good.tdb" "$DB/configuration.tdb"
check "good TDB back: works again" config get qmail

printf '# header\nqmail=service\nthis line has no equals sign\n' >"$T_TMP/damaged"
mkdir -p "$ROOT/other/db"
cp "$T_TMP/damaged" "$ROOT/other/db/damaged"
before=$(cksum <"$ROOT/other/db/damaged")
db "$ROOT/other/db/damaged" get qmail >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
check_eq "damaged flat file: exit 1" 1 "$rc"
grep -q "damaged: .*/other/db/damaged line 3 has no '='" "$T_TMP/err" &&
    ok "damaged flat file: message names file and line" || not_ok "damaged flat file: message ($(cat "$T_TMP/err"))"
check_eq "damaged flat file: untouched" "$before" "$(cksum <"$ROOT/other/db/damaged")"
check_eq "damaged flat file: no TDB made" no "$(test -e "$ROOT/other/db/damaged.tdb" && echo yes || echo no)"

# ---- missing db directory ----
EMPTY="$T_TMP/emptyroot"
mkdir -p "$EMPTY"
ESMITH_ROOT="$EMPTY" config set a b >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
check_eq "missing db directory: write fails" 1 "$rc"
grep -q "config: configuration: .*home/e-smith/db/configuration.*No such file or directory" "$T_TMP/err" &&
    ok "missing db directory: says so" || not_ok "missing db directory: says so ($(cat "$T_TMP/err"))"
check_eq "missing db directory: nothing created" "" "$(ls -A "$EMPTY")"
ESMITH_ROOT="$EMPTY" config get a >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "missing db directory: read exits 1" 1 $?
grep -q "no such database" "$T_TMP/err" && ok "missing db: read says so" || not_ok "missing db: read says so"

# ---- read-only filesystem and full disk (a small tmpfs; needs root) ----
MNT="$T_TMP/mnt"
mkdir -p "$MNT"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null; then
    mkdir -p "$MNT/home/e-smith/db"
    R="$MNT"
    perl -e 'printf "key%04d=service|status|enabled|pad|%s\n", $_, "x" x 100 for 1 .. 1000' \
        >"$R/home/e-smith/db/configuration"
    ESMITH_ROOT=$R config get key0001 >/dev/null 2>&1
    DB="$R/home/e-smith/db"
    # fill the disk: what is left is less than a copy of the flat file
    fill() { dd if=/dev/zero of="$R/filler" bs=1k count=$(($(df -k --output=avail "$R" | tail -1) - $1)) 2>/dev/null; }
    fill 40
    refused "full disk: setprop refused" "No space left on device" env ESMITH_ROOT=$R config setprop key0001 status disabled
    refused "full disk: set of a new key refused" "No space left on device" env ESMITH_ROOT=$R config set newkey service status enabled
    check_eq "full disk: no temporary file left" "configuration configuration.lock configuration.tdb" "$(cd "$DB" && echo *)"
    check_eq "full disk: reads still work" enabled "$(ESMITH_ROOT=$R config getprop key0001 status)"
    rm -f "$R/filler"
    # room for the new flat file but not for the TDB's commit
    fill 160
    refused "full disk at the TDB commit: refused" "configuration.tdb: No space left on device" env ESMITH_ROOT=$R config setprop key0001 status disabled
    check_eq "full disk at the TDB commit: no temporary file left" "configuration configuration.lock configuration.tdb" "$(cd "$DB" && echo *)"
    rm -f "$R/filler"
    check "space back: setprop works" env ESMITH_ROOT=$R config setprop key0001 status disabled

    # an external edit, then the filesystem goes read-only: readers still
    # get the current data (from the flat file), writers are refused
    sed -i 's/^key0002=service|status|enabled/key0002=service|status|edited/' "$DB/configuration"
    mount -o remount,ro "$MNT"
    refused "read-only fs: setprop refused" "Read-only file system" env ESMITH_ROOT=$R config setprop key0001 status enabled
    check_eq "read-only fs: reads see the external edit" edited "$(ESMITH_ROOT=$R config getprop key0002 status 2>&1)"
    check_eq "read-only fs: and the TDB data" disabled "$(ESMITH_ROOT=$R config getprop key0001 status 2>&1)"
    umount "$MNT"
else
    echo "ok - full disk and read-only filesystem # SKIP needs root and tmpfs mounts"
fi
