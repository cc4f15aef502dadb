#!/bin/sh
# End to end: the qpsmtpd HELO policy feature of the forum thread
# (shared/seed), against Debian's real qpsmtpd under real runit, with
# swaks as the client and dnsmasq as the Internet's DNS, all on loopback
# inside private namespaces (see tests/e2e/lib/qpsmtpd-harness.sh).
#
# The system under test is this tree installed into a temporary root and
# brought up with `signal-event post-upgrade`; every change is made the
# way an admin makes it: `config setprop`, `signal-event email-update`.
. tests/e2e/lib/qpsmtpd-harness.sh
harness_enter sh "$0" "$@"
. tests/lib.sh
. tests/e2e/lib/system.sh

new_root
H_ROOT=$ROOT
H_DIR=$T_TMP
H_TAP=1
trap 'harness_stop; rm -rf "$T_TMP"' EXIT
trap 'exit 130' INT TERM HUP

CUSTOM="$ROOT/etc/e-smith/templates-custom$PEERS0"
# The thread's fragment, byte for byte.
THREAD_LINE="helo policy { \$qpsmtpd{HeloPolicy} || 'lenient' } reject { \$qpsmtpd{HeloReject} || 'naughty' }"

# check_reply NAME EXPECTED-PREFIX ACTUAL
check_reply() {
    case "$3" in
    "$2"*) ok "$1" ;;
    *)
        not_ok "$1"
        printf '#   expected: %s...\n#   actual:   %s\n' "$2" "$3"
        sed 's/^/#   swaks: /' "$H_DIR/swaks.out" | tail -8
        ;;
    esac
}

# email_update NAME: signal-event email-update, which must succeed and
# restart both daemons (new PIDs, listening again).
email_update() {
    old_q=$(harness_pid qpsmtpd)
    old_s=$(harness_pid sqpsmtpd)
    if signal-event email-update >"$H_DIR/event.out" 2>&1; then ok "$1: signal-event email-update exits 0"; else
        not_ok "$1: signal-event email-update exits 0"
        sed 's/^/#   /' "$H_DIR/event.out" | head -10
    fi
    if harness_wait_restart qpsmtpd "$old_q"; then ok "$1: qpsmtpd restarted (pid $old_q -> $(harness_pid qpsmtpd))"; else
        not_ok "$1: qpsmtpd restarted (pid still $(harness_pid qpsmtpd))"
    fi
    if harness_wait_restart sqpsmtpd "$old_s"; then ok "$1: sqpsmtpd restarted (pid $old_s -> $(harness_pid sqpsmtpd))"; else
        not_ok "$1: sqpsmtpd restarted (pid still $(harness_pid sqpsmtpd))"
    fi
    check_oracle "$1"
}

# check_oracle NAME: our expand-template rendered peers/0 byte for byte as
# Debian's Text::Template renders the same fragments and db.
check_oracle() {
    perl tests/e2e/lib/render-oracle.pl "$ROOT" "$PEERS0" >"$T_TMP/oracle" 2>"$T_TMP/oracle.err"
    if cmp -s "$T_TMP/oracle" "$ROOT$PEERS0"; then ok "$1: peers/0 identical to Text::Template's"; else
        not_ok "$1: peers/0 identical to Text::Template's"
        diff -u "$T_TMP/oracle" "$ROOT$PEERS0" | head -12 | sed 's/^/#   /'
        sed 's/^/#   /' "$T_TMP/oracle.err" | head -3
    fi
}

# ---- the system: installed, post-upgrade, daemons up ----
system_install
EV="$ROOT/etc/e-smith/events/email-update"
check "installed: email-update expands peers/0" test -f "$EV/templates2expand$PEERS0"
check_eq "installed: email-update restarts qpsmtpd" "restart" "$(readlink "$EV/services2adjust/qpsmtpd")"
check_eq "installed: email-update restarts sqpsmtpd" "restart" "$(readlink "$EV/services2adjust/sqpsmtpd")"
check "post-upgrade succeeds" signal-event post-upgrade
check_eq "defaults: qpsmtpd is an enabled service" "enabled" "$(config getprop qpsmtpd status)"
check_eq "defaults: sqpsmtpd is an enabled service" "enabled" "$(config getprop sqpsmtpd status)"
check_fails "defaults: no HeloPolicy default" config getprop qpsmtpd HeloPolicy
check_fails "defaults: no HeloReject default" config getprop qpsmtpd HeloReject
check_eq "defaults render the plugin's defaults" "helo policy lenient reject naughty" "$(helo_line)"
check_oracle "post-upgrade"
mode=$(stat -c %a "$ROOT$PEERS0" 2>/dev/null)
case "$mode" in ?[4-7][4-7]) ok "peers/0 is readable by the qpsmtpd user ($mode)" ;; *) not_ok "peers/0 mode is '$mode'" ;; esac
queue_lines=$(grep -c '^queue/' "$ROOT$PEERS0")
check_eq "peers/0 lists exactly one queue plugin" "1" "$queue_lines"
missing=""
for plugin in $(grep -v '^[[:space:]]*#' "$ROOT$PEERS0" | awk 'NF { print $1 }'); do
    [ -f "/usr/share/qpsmtpd/plugins/$plugin" ] || missing="$missing $plugin"
done
check_eq "every plugin of peers/0 ships with Debian's qpsmtpd" "" "$missing"

harness_dns
dns() { perl -MNet::DNS -e '
    my $r = Net::DNS::Resolver->new; my $q = $r->query($ARGV[0], $ARGV[1]);
    print $q ? join(" ", map { $_->rdstring } $q->answer) : $r->errorstring' "$@"; }
check_eq "dns: mail.example.org has an address" "127.0.0.1" "$(dns mail.example.org A)"
check_eq "dns: 127.0.0.1 points back to it" "mail.example.org." "$(dns 127.0.0.1 PTR)"
check_eq "dns: unknown names are NXDOMAIN" "NXDOMAIN" "$(dns EXCHANGE.Airflite.local A)"

harness_services
harness_start
ok "qpsmtpd and sqpsmtpd run under runsv (pids $(harness_pid qpsmtpd), $(harness_pid sqpsmtpd))"
load_errors=$(grep -h -E "Can't locate|not found in our plugin dirs|compilation aborted|unsafe characters" \
    "$H_DIR/qpsmtpd.log" "$H_DIR/sqpsmtpd.log" | head -3)
check_eq "every plugin line loads" "" "$load_errors"

# ---- 1. defaults: both names of the thread are accepted at HELO ----
check_reply "defaults: EHLO User accepted" "250" "$(smtp_ehlo User)"
check_reply "defaults: EHLO EXCHANGE.Airflite.local accepted" "250" "$(smtp_ehlo EXCHANGE.Airflite.local)"
check_reply "defaults: sqpsmtpd accepts EHLO User" "250" "$(smtp_ehlo User 465)"
check_eq "defaults: a whole transaction is accepted" "accepted" "$(smtp_mail User)"

# ---- 2. the thread's settings: rfc, reject at HELO ----
check "setprop HeloPolicy rfc HeloReject 1" config setprop qpsmtpd HeloPolicy rfc HeloReject 1
# What the admin would see first: the change, without making it.
cp "$ROOT$PEERS0" "$T_TMP/peers0.before"
pids_before="$(harness_pid qpsmtpd) $(harness_pid sqpsmtpd)"
check "dry-run: signal-event --dry-run email-update succeeds" sh -c \
    "signal-event --dry-run email-update >'$T_TMP/dry.out' 2>&1"
check "dry-run: shows the old helo line going" grep -qx -- '-helo policy lenient reject naughty' "$T_TMP/dry.out"
check "dry-run: shows the new helo line coming" grep -qx -- '+helo policy rfc reject 1' "$T_TMP/dry.out"
check "dry-run: names the restart of qpsmtpd" grep -q 'qpsmtpd.*restart\|restart.*qpsmtpd' "$T_TMP/dry.out"
check "dry-run: peers/0 untouched" cmp -s "$T_TMP/peers0.before" "$ROOT$PEERS0"
sleep 0.5
check_eq "dry-run: no daemon restarted" "$pids_before" "$(harness_pid qpsmtpd) $(harness_pid sqpsmtpd)"
email_update "rfc/1"
check_eq "rfc/1: rendered" "helo policy rfc reject 1" "$(helo_line)"
check_reply "rfc/1: EHLO User refused" "550 HELO name is not fully qualified" "$(smtp_ehlo User)"
check_reply "rfc/1: EHLO EXCHANGE.Airflite.local refused" "550 HELO hostname does not exist" \
    "$(smtp_ehlo EXCHANGE.Airflite.local)"
check_reply "rfc/1: EHLO mail.example.org (forward and reverse DNS match) accepted" "250" \
    "$(smtp_ehlo mail.example.org)"
check_reply "rfc/1: sqpsmtpd refuses EHLO User too" "550 HELO name is not fully qualified" "$(smtp_ehlo User 465)"

# ---- 3. lenient, reject at HELO ----
check "setprop HeloPolicy lenient" config setprop qpsmtpd HeloPolicy lenient
email_update "lenient/1"
check_eq "lenient/1: rendered" "helo policy lenient reject 1" "$(helo_line)"
check_reply "lenient/1: EHLO EXCHANGE.Airflite.local accepted" "250" "$(smtp_ehlo EXCHANGE.Airflite.local)"
check_reply "lenient/1: EHLO 1.2.3.4 refused (plain IP)" "550 Plain IP is invalid HELO hostname" "$(smtp_ehlo 1.2.3.4)"

# ---- 4. rfc, rejection deferred to the naughty plugin ----
check "setprop HeloPolicy rfc HeloReject naughty" config setprop qpsmtpd HeloPolicy rfc HeloReject naughty
email_update "rfc/naughty"
check_eq "rfc/naughty: rendered" "helo policy rfc reject naughty" "$(helo_line)"
check_reply "rfc/naughty: EHLO User accepted at HELO" "250" "$(smtp_ehlo User)"
lines_before=$(wc -l <"$H_DIR/qpsmtpd.log")
check_reply "rfc/naughty: the transaction is refused at RCPT" "RCPT 550 HELO name is not fully qualified" \
    "$(smtp_mail User)"
check "rfc/naughty: refused by the naughty plugin" sh -c \
    "tail -n +$((lines_before + 1)) '$H_DIR/qpsmtpd.log' | grep -q 'naughty: disconnecting'"

# ---- 5. rfc, log only: HeloReject 0, which the thread's fragment cannot say ----
check "setprop HeloReject 0" config setprop qpsmtpd HeloReject 0
email_update "rfc/0"
check_eq "rfc/0: rendered" "helo policy rfc reject 0" "$(helo_line)"
check_eq "rfc/0: EHLO User's transaction is accepted" "accepted" "$(smtp_mail User)"

# ---- 6. the thread's own route: a templates-custom fragment overrides ours ----
mkdir -p "$CUSTOM"
printf '%s\n' "$THREAD_LINE" >"$CUSTOM/15helo"
email_update "custom"
check_eq "custom: the thread's fragment wins (its || turns 0 into naughty)" \
    "helo policy rfc reject naughty" "$(helo_line)"
check_reply "custom: EHLO User's transaction refused at RCPT" "RCPT 550 HELO name is not fully qualified" \
    "$(smtp_mail User)"
rm -f "$CUSTOM/15helo"
email_update "custom removed"
check_eq "custom removed: ours is back" "helo policy rfc reject 0" "$(helo_line)"
check_eq "custom removed: EHLO User's transaction accepted" "accepted" "$(smtp_mail User)"

# ---- 7. the thread's removal steps: back to the defaults ----
check "delprop qpsmtpd HeloPolicy HeloReject" config delprop qpsmtpd HeloPolicy HeloReject
email_update "removed"
check_eq "removed: rendered" "helo policy lenient reject naughty" "$(helo_line)"
check_reply "removed: EHLO User accepted" "250" "$(smtp_ehlo User)"
check_reply "removed: EHLO EXCHANGE.Airflite.local accepted" "250" "$(smtp_ehlo EXCHANGE.Airflite.local)"

# ---- a disabled service is stopped, not restarted ----
check "setprop sqpsmtpd status disabled" config setprop sqpsmtpd status disabled
old_q=$(harness_pid qpsmtpd)
check "disabled: signal-event email-update" signal-event email-update
check "disabled: qpsmtpd restarted" harness_wait_restart qpsmtpd "$old_q"
check "disabled: sqpsmtpd is down" harness_wait 10 sh -c "sv status '$ROOT/service/sqpsmtpd' | grep -q '^down:'"
check_fails "disabled: nothing listens on 465" harness_listening tcp 465
check "setprop sqpsmtpd status enabled" config setprop sqpsmtpd status enabled
check "enabled again: signal-event email-update" signal-event email-update
check "enabled again: sqpsmtpd answers" harness_wait 20 harness_daemon_ready sqpsmtpd

# ---- everything stops, by PID ----
pids="$H_RUNSVDIR_PID $H_DNS_PID $H_DAEMON_PIDS"
harness_stop
alive=""
for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
check_eq "every process started is stopped" "" "$alive"
# Our PID namespace shows only what we started: none of it may be left.
left=$(ps -e -o pid=,comm= | awk '$2 ~ /^(runsvdir|runsv|qpsmtpd|dnsmasq|perl)/ { printf " %s(%s)", $2, $1 }')
check_eq "no runsvdir, runsv, qpsmtpd or dnsmasq left" "" "$left"
