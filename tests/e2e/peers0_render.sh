#!/bin/sh
# The qpsmtpd plugin list peers/0 as rendered from our fragments for every
# HeloPolicy/HeloReject an admin can set (unset, empty, each legal value),
# with the block lists switched on and off, and under the thread's own
# templates-custom fragment. Rendered by our expand-template and compared
# with Debian's Text::Template on the same fragments and db. No daemon:
# tests/e2e/qpsmtpd_helo.sh proves the lines against the real qpsmtpd.
. tests/e2e/lib/qpsmtpd-harness.sh
. tests/lib.sh
. tests/e2e/lib/system.sh

new_root
H_ROOT=$ROOT
H_DIR=$T_TMP
H_TAP=1
system_install
check "post-upgrade" signal-event post-upgrade

render() {
    expand-template "$PEERS0"
}

# case_helo NAME POLICY REJECT EXPECTED: POLICY/REJECT "-" means unset.
case_helo() {
    config delprop qpsmtpd HeloPolicy HeloReject
    [ "$2" = - ] || config setprop qpsmtpd HeloPolicy "$2"
    [ "$3" = - ] || config setprop qpsmtpd HeloReject "$3"
    if render 2>"$T_TMP/render.err"; then
        check_eq "$1" "$4" "$(helo_line)"
    else
        not_ok "$1: rendering failed"
        sed 's/^/#   /' "$T_TMP/render.err" | head -3
    fi
    perl tests/e2e/lib/render-oracle.pl "$ROOT" "$PEERS0" >"$T_TMP/oracle"
    if cmp -s "$T_TMP/oracle" "$ROOT$PEERS0"; then ok "$1: identical to Text::Template's"; else
        not_ok "$1: identical to Text::Template's"
        diff -u "$T_TMP/oracle" "$ROOT$PEERS0" | head -12 | sed 's/^/#   /'
    fi
}

case_helo "unset: the plugin's SME defaults" - - "helo policy lenient reject naughty"
case_helo "empty values count as unset" "" "" "helo policy lenient reject naughty"
case_helo "rfc, reject at once" rfc 1 "helo policy rfc reject 1"
case_helo "rfc, log only: 0 survives" rfc 0 "helo policy rfc reject 0"
case_helo "lenient, log only" - 0 "helo policy lenient reject 0"
case_helo "strict, naughty" strict naughty "helo policy strict reject naughty"
case_helo "policy alone keeps reject's default" rfc - "helo policy rfc reject naughty"
case_helo "reject alone keeps policy's default" - 1 "helo policy lenient reject 1"

config delprop qpsmtpd HeloPolicy HeloReject
render
plugins=$(grep -v '^[[:space:]]*#' "$ROOT$PEERS0" | awk 'NF { printf "%s%s", sep, $1; sep = " " }')
check_eq "the plugin list, in hook order, one queue plugin last" \
    "hosts_allow helo count_unrecognized_commands badmailfrom naughty badrcptto rcpt_ok queue/qmail-queue" "$plugins"
check_eq "naughty rejects at RCPT" "naughty reject rcpt" "$(grep '^naughty ' "$ROOT$PEERS0")"

config setprop qpsmtpd DNSBL enabled RHSBL enabled
render
check "DNSBL enabled: dnsbl listed" grep -qx dnsbl "$ROOT$PEERS0"
check "RHSBL enabled: rhsbl listed" grep -qx rhsbl "$ROOT$PEERS0"
config setprop qpsmtpd DNSBL disabled RHSBL disabled
render
check_fails "DNSBL disabled: no dnsbl line" grep -qx dnsbl "$ROOT$PEERS0"
check_fails "RHSBL disabled: no rhsbl line" grep -qx rhsbl "$ROOT$PEERS0"

# The thread's fragment in templates-custom replaces ours, with its trap.
CUSTOM="$ROOT/etc/e-smith/templates-custom$PEERS0"
mkdir -p "$CUSTOM"
printf '%s\n' "helo policy { \$qpsmtpd{HeloPolicy} || 'lenient' } reject { \$qpsmtpd{HeloReject} || 'naughty' }" \
    >"$CUSTOM/15helo"
case_helo "templates-custom: the thread's line with rfc/1" rfc 1 "helo policy rfc reject 1"
case_helo "templates-custom: its || cannot say 0" rfc 0 "helo policy rfc reject naughty"
rm -f "$CUSTOM/15helo"
case_helo "templates-custom removed: ours again" rfc 0 "helo policy rfc reject 0"
