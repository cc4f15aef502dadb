#!/bin/sh
# A broken schema file blocks writes to the keys it names, and only those,
# with the file, line and reason; bombs and huge files cost nothing.
. tests/lib.sh
new_root
DB="$ROOT/home/e-smith/db"
SCHEMA="$ROOT/etc/e-smith/db/configuration/schema"
mkdir -p "$SCHEMA"
cp "$TOP/root/etc/e-smith/db/configuration/schema/qpsmtpd.xml" "$SCHEMA/"
config set qpsmtpd service status enabled >/dev/null 2>&1
config set httpd service status enabled >/dev/null 2>&1
snapshot() { cat "$DB/configuration" "$DB/configuration.tdb" | cksum; }

cat >"$SCHEMA/httpd.xml" <<'XML'
<schema>
  <key name="httpd">
    <prop name="TCPPort" type="port">
  </key>
  <key name="ftp"/>
</schema>
XML
before=$(snapshot)
config setprop httpd TCPPort 80 2>"$T_TMP/msg"
check_eq "a write to a key of a malformed file fails" "1" "$?"
check_eq "with the file, line and expat's reason" \
    "config: httpd: writes refused while its schema is broken: /etc/e-smith/db/configuration/schema/httpd.xml:4: mismatched tag" \
    "$(cat "$T_TMP/msg")"
check_eq "and the db is unchanged" "$before" "$(snapshot)"
check_fails "a key named after the error is blocked too" config set ftp service
check_fails "delete of a blocked key is refused" config delete httpd
check "keys of other files still validate" sh -c \
    "! config setprop qpsmtpd HeloPolicy rfcc 2>/dev/null && config setprop qpsmtpd HeloPolicy rfc"
check "free keys are unaffected" config set smtpd service status enabled
check "reads are unaffected" config getprop httpd status
config check >"$T_TMP/c"
check_eq "check fails on a broken file" "1" "$?"
check "check names it" grep -q "^error: /etc/e-smith/db/configuration/schema/httpd.xml:4: mismatched tag" "$T_TMP/c"
config check qpsmtpd >/dev/null
check_eq "check of an unrelated key passes" "0" "$?"
config describe httpd 2>"$T_TMP/msg"
check "describe of a blocked key says why" grep -q "schema is broken: .*httpd.xml:4" "$T_TMP/msg"
rm "$SCHEMA/httpd.xml"

# unknown elements, bombs, huge and deep files: refused quickly, clearly
cat >"$SCHEMA/httpd.xml" <<'XML'
<schema>
  <key name="httpd">
    <prop name="TCPPort" type="port"><range min="1"/></prop>
  </key>
</schema>
XML
config setprop httpd TCPPort 80 2>"$T_TMP/msg"
check "unknown element: refused with its line" grep -q "httpd.xml:3: unknown element <range>" "$T_TMP/msg"

cat >"$SCHEMA/httpd.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<schema><key name="httpd"><summary>&lol9;</summary></key></schema>
XML
config setprop httpd TCPPort 80 2>"$T_TMP/msg"
check "billion laughs: refused at the DOCTYPE" grep -q "httpd.xml:2: a DOCTYPE is not allowed" "$T_TMP/msg"

{
    echo '<schema><key name="httpd"><summary>'
    head -c 2000000 /dev/zero | tr '\0' 'a'
    echo '</summary></key></schema>'
} >"$SCHEMA/httpd.xml"
config setprop httpd TCPPort 80 2>"$T_TMP/msg"
check "huge file: refused unread" grep -q "httpd.xml:1: file too large" "$T_TMP/msg"

{
    printf '<schema>'
    i=0
    while [ $i -lt 20000 ]; do printf '<a>'; i=$((i + 1)); done
} >"$SCHEMA/httpd.xml"
config setprop httpd TCPPort 80 2>"$T_TMP/msg"
check "deep nesting: stops at the first unknown element" \
    grep -q "httpd.xml:1: unknown element <a>" "$T_TMP/msg"

printf '<schema><key name="httpd"><prop name="TCPPort" type="port"/></key></schema>' \
    >"$SCHEMA/httpd.xml"
check "a repaired file lets writes through again" config setprop httpd TCPPort 80
check_fails "and validates them" config setprop httpd TCPPort 0

chmod 000 "$SCHEMA/httpd.xml"
if [ "$(id -u)" = 0 ]; then
    ok "unreadable file # SKIP root reads every file"
else
    check_fails "an unreadable file blocks its keys" config setprop httpd TCPPort 80
fi
chmod 644 "$SCHEMA/httpd.xml"
