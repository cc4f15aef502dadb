#!/bin/sh
# Every command of the db/config table (reference §2): output and exit
# codes of the original for valid input, our refusals for missing keys.
. tests/lib.sh
new_root
DB="$ROOT/home/e-smith/db"
SAMPLE="$TOP/tests/data/sample-configuration"
cp "$SAMPLE" "$DB/configuration"

# run NAME EXPECTED_RC EXPECTED_STDOUT cmd...: checks exit code and stdout.
run() {
    name=$1 want_rc=$2 want_out=$3
    shift 3
    "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    out=$(cat "$T_TMP/out")
    if [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ]; then ok "$name"; else
        not_ok "$name"
        printf '#   rc %s (want %s)\n#   out: %s\n#   want: %s\n#   err: %s\n' "$rc" "$want_rc" \
            "$out" "$want_out" "$(cat "$T_TMP/err")"
    fi
}

# ---- reading the imported sample ----
run "keys: sorted, byte order" 0 "$(grep -v '^#' "$SAMPLE" | cut -d= -f1 | LC_ALL=C sort)" config keys
run "get raw value" 0 "service|chroot|yes|status|enabled|Forwarder1|1.2.3.4" config get named
run "get of a single-value record" 0 "e-smith.com" config get DomainName
run "get missing key exits 1" 1 "" config get nosuchkey
run "get with a blank-padded key finds the trimmed key" 0 "42" config get ' wibble '
run "print key" 0 "named=service|chroot|yes|status|enabled|Forwarder1|1.2.3.4" config print named
run "print missing key exits 1" 1 "" config print nosuchkey
run "print all" 0 "$(grep -v '^#' "$SAMPLE")" config print
run "show sorts props" 0 "named=service
    Forwarder1=1.2.3.4
    chroot=yes
    status=enabled" config show named
run "show of a record without props" 0 "wibble=42" config show wibble
run "show missing key exits 1" 1 "" config show nosuchkey
run "printtype key" 0 "named=service" config printtype named
run "printtype missing exits 1" 1 "" config printtype nosuchkey
run "gettype" 0 "backupservice" config gettype flexbackup
run "gettype missing exits 1" 1 "" config gettype nosuchkey
run "getprop" 0 "1.2.3.4" config getprop named Forwarder1
run "getprop missing prop exits 1" 1 "" config getprop named nosuchprop
run "getprop missing key exits 1" 1 "" config getprop nosuchkey status
check_eq "getprop missing key says so" "config: configuration: no record 'nosuchkey'" "$(cat "$T_TMP/err")"
run "printprop all props sorted" 0 "Forwarder1=1.2.3.4
chroot=yes
status=enabled" config printprop named
run "printprop named props in the order given, missing skipped" 0 "status=enabled
Forwarder1=1.2.3.4" config printprop named status nope Forwarder1
run "printprop of a record without props exits 1" 1 "" config printprop wibble
run "printprop missing key exits 1" 1 "" config printprop nosuchkey
run "printprop missing key with props exits 0" 0 "" config printprop nosuchkey status
run "db NAME form is the same as config" 0 "1.2.3.4" db configuration getprop named Forwarder1
run "db by absolute path" 0 "1.2.3.4" db "$DB/configuration" getprop named Forwarder1
run "DBPATH" 0 "1.2.3.4" env DBPATH="$DB" ESMITH_ROOT=/nonexistent db configuration getprop named Forwarder1
db order set httpd service >/dev/null 2>&1
db order set HTTP service >/dev/null 2>&1
db order set imaps service >/dev/null 2>&1
db order set imap service >/dev/null 2>&1
run "byte order: HTTP < httpd, imap < imaps" 0 "HTTP
httpd
imap
imaps" db order keys

# ---- usage errors exit 255 ----
run "no arguments" 255 "" db
run "no command" 255 "" db configuration
run "config without command" 255 "" config
run "unknown command" 255 "" config frobnicate
grep -q 'setprop' "$T_TMP/err" && ok "usage text lists the commands" || not_ok "usage text lists the commands"
run "get without key" 255 "" config get
run "getprop without prop" 255 "" config getprop named
run "set without type" 255 "" config set k
run "set with unpaired prop" 255 "" config set k t p
run "setprop with unpaired value" 255 "" config setprop named a
run "delprop without prop" 255 "" config delprop named
run "settype without type" 255 "" config settype named

# ---- writing ----
run "set" 0 "" config set HeloPolicy service status enabled Mode rfc
run "set stores sorted props" 0 "service|Mode|rfc|status|enabled" config get HeloPolicy
run "set replaces the whole record" 0 "" config set HeloPolicy service status disabled
run "  old props gone" 0 "service|status|disabled" config get HeloPolicy
run "set a single-value record" 0 "" config set SystemName newname
run "  read back" 0 "newname" config get SystemName
run "set raw value as given" 0 "" config set rawrec 'a|c|1|b|2'
run "  stored as given" 0 "a|c|1|b|2" config get rawrec
run "  props readable" 0 "2" config getprop rawrec b
run "a prop given twice: last wins" 0 "" config set twice t p 1 p 2
run "  last value" 0 "2" config getprop twice p
run "setdefault on a new key" 0 "" config setdefault newkey service status enabled
run "  created" 0 "service|status|enabled" config get newkey
run "setdefault on an existing key changes nothing" 0 "" config setdefault newkey other status disabled
run "  unchanged" 0 "service|status|enabled" config get newkey
run "setprop" 0 "" config setprop qmail status disabled NewProp x
run "  read back" 0 "service|InitscriptOrder|80|NewProp|x|status|disabled" config get qmail
run "setprop twice the same prop: last wins" 0 "" config setprop qmail p 1 p 2
run "  read back" 0 "2" config getprop qmail p
run "setprop on a missing key is refused" 1 "" config setprop nosuchkey status enabled
check_eq "  with a message" "config: configuration: no record 'nosuchkey'" "$(cat "$T_TMP/err")"
run "  and stores nothing" 1 "" config get nosuchkey
run "settype keeps props" 0 "" config settype qmail daemon
run "  read back" 0 "daemon|InitscriptOrder|80|NewProp|x|p|2|status|disabled" config get qmail
run "settype on a missing key is refused" 1 "" config settype nosuchkey t
run "delprop" 0 "" config delprop qmail NewProp p nosuchprop
run "  read back" 0 "daemon|InitscriptOrder|80|status|disabled" config get qmail
run "delprop of a missing prop only" 0 "" config delprop qmail nosuchprop
run "delprop on a missing key is refused" 1 "" db configuration delprop nosuchkey p
check_eq "  with a db: message" "db: configuration: no record 'nosuchkey'" "$(cat "$T_TMP/err")"
run "delete" 0 "" config delete newkey
run "  gone" 1 "" config get newkey
run "delete of a missing key exits 1" 1 "" config delete newkey
run "a value with a newline" 0 "" config setprop qmail multi "line1
line2"
run "  prints on two lines" 0 "line1
line2" config getprop qmail multi
grep -q '^qmail=daemon|InitscriptOrder|80|multi|line1\\nline2|status|disabled$' "$DB/configuration" &&
    ok "  stored as \\n in the flat file" || not_ok "  stored as \\n in the flat file"
run "an empty value prints an empty line" 0 "" config setprop qmail empty ''
run "  empty value" 0 "" config getprop qmail empty
run "backslashes stored as they are" 0 "" config setprop smb share 'C:\Shares\Public'
run "  read back" 0 'C:\Shares\Public' config getprop smb share
grep -q 'share|C:\\Shares\\Public|' "$DB/configuration" && ok "  flat file has them verbatim" ||
    not_ok "  flat file has them verbatim"
run "values the original keeps intact are stored byte for byte" 0 "" config setprop smb odd 'a=b #c  d é\\x\\y'
run "  read back" 0 'a=b #c  d é\\x\\y' config getprop smb odd
grep -qF 'odd|a=b #c  d é\\x\\y|' "$DB/configuration" && ok "  verbatim in the flat file" ||
    not_ok "  verbatim in the flat file"
run "trimming: only the ends of the whole raw value" 0 "" config set padded '  t' a ' mid ' z 'end  '
run "  type's leading and last prop's trailing blanks go" 0 "t|a| mid |z|end" config get padded
run "key 0 is an ordinary key" 0 "" config set 0 zero
run "  read back" 0 "zero" config get 0

# ---- empty db ----
db empty set a b >/dev/null 2>&1
db empty delete a >/dev/null 2>&1
run "keys on an empty db exits 1" 1 "" db empty keys
run "print on an empty db exits 1" 1 "" db empty print
run "show on an empty db exits 1" 1 "" db empty show
run "printtype on an empty db exits 1" 1 "" db empty printtype
run "printjson on an empty db" 0 "[]" db empty printjson
run "reading a db that does not exist exits 1" 1 "" db nosuchdb keys

# ---- printjson ----
config set js 'type"q' 'a\b' "$(printf 'tab\there')" ctl "$(printf 'x\001y')" utf 'é' >/dev/null 2>&1
run "printjson escapes" 0 '[{"name":"js","type":"type\"q","props":{"a\\b":"tab\there","ctl":"x\u0001y","utf":"é"}}]' config printjson js
config set latin1 t v "$(printf 'caf\351')" >/dev/null 2>&1
run "printjson: a non-UTF-8 byte as \\u00XX" 0 '[{"name":"latin1","type":"t","props":{"v":"caf\u00e9"}}]' config printjson latin1
run "printjson missing key exits 1" 1 "" config printjson nosuchkey
config printjson >"$T_TMP/all.json"
if perl -MJSON::PP -e 'local $/; my $d = JSON::PP->new->decode(<STDIN>); exit(@$d > 50 ? 0 : 1)' <"$T_TMP/all.json"; then
    ok "printjson of all records is valid JSON"
else not_ok "printjson of all records is valid JSON"; fi
