#!/bin/sh
# `config describe` explains the props, `config check` finds what a Perl
# tool or an editor wrote, and error rules refuse the writes that make
# them true.
. tests/lib.sh
new_root
DB="$ROOT/home/e-smith/db"
SCHEMA="$ROOT/etc/e-smith/db/configuration/schema"
mkdir -p "$SCHEMA"
cp "$TOP/root/etc/e-smith/db/configuration/schema/qpsmtpd.xml" "$SCHEMA/"
config set qpsmtpd service status enabled HeloPolicy rfc HeloReject 1 Extra x >/dev/null 2>&1

# ---- describe ----
config describe qpsmtpd >"$T_TMP/d" 2>"$T_TMP/msg"
check_eq "describe exits 0" "0" "$?"
for want in "^qpsmtpd - The qpsmtpd mail server" \
    "^HeloPolicy - How strictly" "^HeloReject - What happens" "^status - Whether" \
    "allowed: one of lenient, rfc, strict" "allowed: one of 0, 1, naughty" \
    "allowed: one of enabled, disabled" "default: lenient" "default: naughty" \
    "current: 'rfc'" "current: '1'" "type:    enum" "type:    switch" \
    "strict adds that the HELO name" "naughty (SME Server's default) marks" \
    "schema:  /etc/e-smith/db/configuration/schema/qpsmtpd.xml:" \
    "^Rules:" "Consider HeloReject naughty" "^Free-form props: Extra"; do
    check "describe shows: $want" grep -q -- "$want" "$T_TMP/d"
done
check_fails "describe wraps descriptions at 80 columns" \
    sh -c "sed -n '/^    [a-z]/p' '$T_TMP/d' | awk 'length > 80' | grep -q ."
config describe qpsmtpd HeloPolicy >"$T_TMP/d1"
check "describe KEY PROP shows that prop" grep -q "^HeloPolicy - " "$T_TMP/d1"
check_fails "describe KEY PROP shows no other prop" grep -q "^HeloReject" "$T_TMP/d1"
config describe sqpsmtpd HeloReject >"$T_TMP/d2"
check "a key without a record is described" grep -q "current: (not set)" "$T_TMP/d2"
config describe nosuch 2>"$T_TMP/msg" >/dev/null
check_eq "describe of an undescribed key fails" "1" "$?"
check_eq "and says so" "config: nosuch: no schema describes this key (its props are free-form)" \
    "$(cat "$T_TMP/msg")"
config describe qpsmtpd Extra 2>"$T_TMP/msg" >/dev/null
check_eq "describe of a free-form prop fails" "config: qpsmtpd Extra: not described by the schema (free-form)" \
    "$(cat "$T_TMP/msg")"
check_eq "completion helper: props" "Extra HeloPolicy HeloReject status" \
    "$(config describe --complete qpsmtpd | tr '\n' ' ' | sed 's/ $//')"
check_eq "completion helper: values" "lenient rfc strict" \
    "$(config describe --complete qpsmtpd HeloPolicy | tr '\n' ' ' | sed 's/ $//')"
check_eq "completion helper: a free-form prop has no values" "" \
    "$(config describe --complete qpsmtpd Extra)"
check "usage error: describe without key" sh -c 'config describe 2>/dev/null; [ $? -eq 255 ]'

# ---- check ----
config check >"$T_TMP/c"
check_eq "check: a valid db with a warning exits 0" "0" "$?"
check "check reports the warning" grep -q "^warning: qpsmtpd: HeloPolicy rfc or strict" "$T_TMP/c"
sed -e 's/^qpsmtpd=.*/qpsmtpd=servic|HeloPolicy|rfcc|HeloReject|1|status|on/' \
    "$DB/configuration" >"$DB/configuration.new" && mv "$DB/configuration.new" "$DB/configuration"
config check >"$T_TMP/c"
check_eq "check: invalid values exit 1" "1" "$?"
check "check names the bad type" grep -qx "error: qpsmtpd: type 'servic' is not service" "$T_TMP/c"
check "check names the bad enum" \
    grep -qx "error: qpsmtpd HeloPolicy: 'rfcc' is not one of lenient, rfc, strict" "$T_TMP/c"
check "check names the bad switch" \
    grep -qx "error: qpsmtpd status: 'on' is not one of enabled, disabled" "$T_TMP/c"
config check sqpsmtpd >"$T_TMP/c"
check_eq "check KEY looks at that key only" "0 " "$? $(cat "$T_TMP/c")"
config check qpsmtpd >/dev/null
check_eq "check qpsmtpd fails" "1" "$?"

# ---- every type, and error rules, through the CLI ----
cat >"$SCHEMA/net.xml" <<'XML'
<?xml version="1.0"?>
<schema>
  <key name="net" type="network">
    <prop name="Address" type="ipv4"/>
    <prop name="Address6" type="ipv6"/>
    <prop name="Router" type="hostname"/>
    <prop name="Port" type="port"/>
    <prop name="Mtu" type="integer" min="576" max="9000" default="1500"/>
    <prop name="Tag" type="string" regex="[a-z][a-z0-9]*"/>
    <prop name="Low" type="integer"/>
    <prop name="High" type="integer"/>
    <rule level="error">
      <condition><![CDATA[ defined $net{Low} && defined $net{High} && $net{Low} > $net{High} ]]></condition>
      <message>Low must not be above High.</message>
    </rule>
  </key>
</schema>
XML
check "valid values of every type" config set net network Address 10.0.0.1 Address6 fe80::1 \
    Router gw.example.org Port 8080 Mtu 1500 Tag lan0
for bad in "Address 10.0.0.256" "Address6 fe80:::1" "Router -gw" "Port 70000" "Mtu 100" \
    "Mtu 1e3" "Tag Lan0" "Tag 'lan 0'"; do
    eval "set -- $bad"
    check_fails "refused: $bad" config setprop net "$1" "$2"
done
config setprop net Mtu 100 2>"$T_TMP/msg"
check_eq "integer message" "config: net Mtu: '100' is not an integer from 576 to 9000" "$(cat "$T_TMP/msg")"
config setprop net Tag 'lan 0' 2>"$T_TMP/msg"
check_eq "regex message" "config: net Tag: 'lan 0' does not match /[a-z][a-z0-9]*/" "$(cat "$T_TMP/msg")"
check "an error rule that stays false lets the write through" config setprop net Low 1 High 5
config setprop net Low 9 2>"$T_TMP/msg"
check_eq "an error rule that becomes true refuses the write" \
    "config: net: Low must not be above High." "$(cat "$T_TMP/msg")"
check_eq "and nothing was written" "1" "$(config getprop net Low)"
check "both changed together is fine" config setprop net Low 9 High 10
