#!/bin/sh
# Validation on write against the shipped qpsmtpd schema: refusals with
# the exact message and the db byte-identical, all-or-nothing multi-prop
# writes, warnings after a successful write, free-form props and keys,
# and libexpat kept out of the read path.
. tests/lib.sh
new_root
DB="$ROOT/home/e-smith/db"
SCHEMA="$ROOT/etc/e-smith/db/configuration/schema"
mkdir -p "$SCHEMA"
cp "$TOP/root/etc/e-smith/db/configuration/schema/qpsmtpd.xml" "$SCHEMA/"
config set qpsmtpd service status enabled HeloPolicy lenient >/dev/null 2>&1
config set sqpsmtpd service status enabled >/dev/null 2>&1

snapshot() { cat "$DB/configuration" "$DB/configuration.tdb" | cksum; }

# refused NAME EXPECTED-STDERR cmd...: exit non-zero, exactly that one
# line on stderr, nothing on stdout, db byte-identical.
refused() {
    name=$1 expected=$2
    shift 2
    before=$(snapshot)
    if "$@" >"$T_TMP/out" 2>"$T_TMP/msg"; then
        not_ok "$name (succeeded)"
        return
    fi
    after=$(snapshot)
    if [ "$before" != "$after" ]; then
        not_ok "$name (db changed)"
    elif [ "$(cat "$T_TMP/msg")" != "$expected" ]; then
        not_ok "$name"
        printf '#   expected: %s\n#   actual:   %s\n' "$expected" "$(cat "$T_TMP/msg")"
    elif [ -s "$T_TMP/out" ]; then
        not_ok "$name (stdout not empty)"
    else
        ok "$name"
    fi
}

refused "setprop: enum typo refused with the exact message" \
    "config: qpsmtpd HeloPolicy: 'rfcc' is not one of lenient, rfc, strict" \
    config setprop qpsmtpd HeloPolicy rfcc
check_eq "value unchanged" "lenient" "$(config getprop qpsmtpd HeloPolicy)"
refused "db CLI validates too" \
    "db: qpsmtpd HeloReject: '2' is not one of 0, 1, naughty" \
    db configuration setprop qpsmtpd HeloReject 2
refused "all or nothing: a valid prop with an invalid one" \
    "config: qpsmtpd HeloPolicy: 'rfcc' is not one of lenient, rfc, strict" \
    config setprop qpsmtpd HeloReject 0 HeloPolicy rfcc
check_fails "HeloReject was not written" config getprop qpsmtpd HeloReject
refused "all or nothing: invalid first, valid after" \
    "config: qpsmtpd HeloPolicy: 'x' is not one of lenient, rfc, strict" \
    config setprop qpsmtpd HeloPolicy x status enabled
refused "switch type on status" \
    "config: sqpsmtpd status: 'on' is not one of enabled, disabled" \
    config setprop sqpsmtpd status on
refused "set validates the new record" \
    "config: qpsmtpd HeloReject: 'yes' is not one of 0, 1, naughty" \
    config set qpsmtpd service status enabled HeloReject yes
refused "set validates the record type" \
    "config: qpsmtpd: type 'servce' is not service" \
    config set qpsmtpd servce status enabled
refused "settype validates the record type" \
    "config: qpsmtpd: type 'daemon' is not service" \
    config settype qpsmtpd daemon
refused "control bytes are shown escaped, on one line" \
    "config: qpsmtpd HeloPolicy: 'rfc\\nstrict' is not one of lenient, rfc, strict" \
    config setprop qpsmtpd HeloPolicy 'rfc
strict'
config delete sqpsmtpd >/dev/null 2>&1
refused "setdefault validates a record it creates" \
    "config: sqpsmtpd status: 'yes' is not one of enabled, disabled" \
    config setdefault sqpsmtpd service status yes
check_fails "sqpsmtpd was not created" config get sqpsmtpd
check "setdefault with valid values creates the record" \
    config setdefault sqpsmtpd service status enabled HeloReject naughty
check "setdefault on an existing key changes nothing and checks nothing" \
    config setdefault sqpsmtpd other status bogus
check_eq "sqpsmtpd kept" "service|HeloReject|naughty|status|enabled" "$(config get sqpsmtpd)"

# ---- success, warnings ----
config setprop qpsmtpd HeloPolicy rfc HeloReject 1 >"$T_TMP/out" 2>"$T_TMP/msg"
check_eq "rfc + reject 1 succeeds" "0" "$?"
check_eq "both values written" "rfc 1" \
    "$(config getprop qpsmtpd HeloPolicy) $(config getprop qpsmtpd HeloReject)"
check "the warning is printed on stderr" \
    grep -q "^config: warning: qpsmtpd: HeloPolicy rfc or strict with HeloReject 1 refuses" "$T_TMP/msg"
check "the warning suggests HeloReject naughty" grep -q "Consider HeloReject naughty" "$T_TMP/msg"
check_eq "the warning is one line" "1" "$(wc -l <"$T_TMP/msg" | tr -d ' ')"
config setprop qpsmtpd HeloPolicy strict >/dev/null 2>"$T_TMP/msg"
check "strict + 1 warns too" grep -q "warning: qpsmtpd:" "$T_TMP/msg"
config setprop qpsmtpd HeloReject naughty >/dev/null 2>"$T_TMP/msg"
check_eq "strict + naughty: no warning" "" "$(cat "$T_TMP/msg")"
config setprop sqpsmtpd HeloPolicy rfc HeloReject 1 >/dev/null 2>"$T_TMP/msg"
check "the shared definition warns for sqpsmtpd with its own values" \
    grep -q "^config: warning: sqpsmtpd: HeloPolicy rfc" "$T_TMP/msg"
config setprop qpsmtpd HeloPolicy lenient HeloReject 1 >/dev/null 2>"$T_TMP/msg"
check_eq "lenient + 1: no warning" "" "$(cat "$T_TMP/msg")"
check "HeloReject 0 is valid" config setprop qpsmtpd HeloReject 0

# ---- free-form ----
check "a prop without a schema takes any value" config setprop qpsmtpd MaxChildren lots
check "a key without a schema takes anything" config set httpd-e-smith service status on
check "delprop is never refused by a type" config delprop qpsmtpd HeloPolicy

# A value written behind our back (a Perl tool, an editor) does not block
# unrelated writes; the changed prop is still checked.
sed 's/^qpsmtpd=.*/qpsmtpd=service|HeloPolicy|bogus|status|enabled/' "$DB/configuration" \
    >"$DB/configuration.new" && mv "$DB/configuration.new" "$DB/configuration"
check_eq "external edit seen" "bogus" "$(config getprop qpsmtpd HeloPolicy)"
check "an unrelated setprop still works" config setprop qpsmtpd status disabled
refused "the changed prop is still checked" \
    "config: qpsmtpd status: 'off' is not one of enabled, disabled" \
    config setprop qpsmtpd status off

# ---- libexpat stays out of the read path ----
check_fails "db does not link libexpat" sh -c "ldd '$BIN/db' | grep -q libexpat"
LD_DEBUG=files config getprop qpsmtpd status >/dev/null 2>"$T_TMP/ld"
check_fails "getprop does not load libexpat" grep -q "file=libexpat" "$T_TMP/ld"
LD_DEBUG=files config setprop qpsmtpd status enabled >/dev/null 2>"$T_TMP/ld"
check "setprop loads libexpat when a schema exists" grep -q "file=libexpat" "$T_TMP/ld"
mv "$SCHEMA" "$SCHEMA.off"
LD_DEBUG=files config setprop qpsmtpd status enabled >/dev/null 2>"$T_TMP/ld"
check_fails "setprop without a schema directory does not load libexpat" \
    grep -q "file=libexpat" "$T_TMP/ld"
mv "$SCHEMA.off" "$SCHEMA"

# ---- ESMITH_DB_DEFAULTSDIR moves the schemas with the defaults ----
mkdir -p "$T_TMP/defaults/configuration/schema"
cat >"$T_TMP/defaults/configuration/schema/x.xml" <<'XML'
<schema><key name="x"><prop name="port" type="port"/></key></schema>
XML
ESMITH_DB_DEFAULTSDIR="$T_TMP/defaults" refused "ESMITH_DB_DEFAULTSDIR is where schemas are" \
    "config: x port: '0' is not a port number from 1 to 65535" \
    config set x thing port 0
ESMITH_DB_DEFAULTSDIR="$T_TMP/defaults" check "and qpsmtpd is then free-form" \
    config setprop qpsmtpd HeloPolicy anything

# ---- a write that changes nothing says nothing ----
config setprop qpsmtpd HeloPolicy rfc HeloReject 1 >/dev/null 2>&1
config setdefault qpsmtpd service >/dev/null 2>"$T_TMP/msg"
check_eq "setdefault on an existing key: no warning" "" "$(cat "$T_TMP/msg")"
config setprop qpsmtpd HeloPolicy rfc >/dev/null 2>"$T_TMP/msg"
check_eq "setprop to the same value: no warning" "" "$(cat "$T_TMP/msg")"
config setprop qpsmtpd MaxChildren 20 >/dev/null 2>"$T_TMP/msg"
check "a real change while the rule holds: the warning again" grep -q "warning: qpsmtpd:" "$T_TMP/msg"
