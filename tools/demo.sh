#!/bin/sh
# make demo - the forum thread's story (shared/seed), played against the
# real qpsmtpd: an SME system laid out under build/demo-root, qpsmtpd and
# sqpsmtpd supervised by runit, DNS by dnsmasq, swaks as the remote mail
# server, all on loopback inside private namespaces. Before and after the
# admin's three commands it shows the rendered helo line, the daemons' PIDs
# and the SMTP answers to the two names from the thread. Everything it
# starts is stopped at the end, also when interrupted.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
O=${O:-build}
export O ESMITH_SRC="$TOP"
if [ "$(id -u)" != 0 ]; then
    echo "demo: run as root (it runs a mail daemon inside private namespaces)" >&2
    exit 1
fi
. tests/e2e/lib/qpsmtpd-harness.sh
harness_enter sh "$0" "$@"
. tests/e2e/lib/system.sh

H_ROOT="$TOP/$O/demo-root"
H_DIR="$TOP/$O/demo-logs"
rm -rf "$H_ROOT" "$H_DIR"
mkdir -p "$H_ROOT" "$H_DIR"
trap 'harness_stop' EXIT
trap 'exit 130' INT TERM HUP

surprises=0
say() { printf '\n== %s\n' "$*"; }
# run CMD...: shows an admin's command as typed, then runs it.
run() {
    printf '  # %s\n' "$*"
    "$@" 2>&1 | sed 's/^/    /'
}
# answer NAME EXPECTED: one SMTP conversation, its answer to EHLO NAME.
answer() {
    got=$(smtp_ehlo "$1")
    printf '  EHLO %-26s -> %s\n' "$1" "$got"
    case "$got" in
    "$2"*) ;;
    *)
        printf '  !! expected %s\n' "$2"
        surprises=$((surprises + 1))
        ;;
    esac
}
show_line() { printf '  %s:\n    %s\n' "$PEERS0" "$(helo_line)"; }
show_pids() { printf '  qpsmtpd pid %s (127.0.0.1:25), sqpsmtpd pid %s (127.0.0.1:465)\n' \
    "$(harness_pid qpsmtpd)" "$(harness_pid sqpsmtpd)"; }
# email_update: the event, with its progress lines, then the restart.
email_update() {
    old_q=$(harness_pid qpsmtpd)
    old_s=$(harness_pid sqpsmtpd)
    run signal-event -v email-update
    harness_wait_restart qpsmtpd "$old_q" && harness_wait_restart sqpsmtpd "$old_s" || {
        echo "  !! the daemons were not restarted"
        surprises=$((surprises + 1))
    }
    printf '  restarted by runsv: qpsmtpd %s -> %s, sqpsmtpd %s -> %s\n' \
        "$old_q" "$(harness_pid qpsmtpd)" "$old_s" "$(harness_pid sqpsmtpd)"
}

say "An SME system under $O/demo-root (ESMITH_ROOT), installed from this tree"
system_install
run signal-event -v post-upgrade
harness_dns
harness_services
harness_start
echo "  DNS (dnsmasq on 127.0.0.1): mail.example.org <-> 127.0.0.1, every other name NXDOMAIN"
show_pids

say "Before: SME's defaults - lenient HELO checks, rejection left to the naughty plugin"
show_line
answer User 250
answer EXCHANGE.Airflite.local 250

say "The admin follows the thread: reject bad HELO names at once, RFC policy"
run config setprop qpsmtpd HeloPolicy rfc HeloReject 1
run config show qpsmtpd
echo "  What would change, before changing anything:"
run signal-event --dry-run email-update
email_update

say "After"
show_line
answer User "550 HELO name is not fully qualified"
answer EXCHANGE.Airflite.local "550 HELO hostname does not exist"
answer mail.example.org 250
echo "  (mail.example.org passes: its forward and reverse DNS agree)"

say "The thread's removal steps: back to the defaults"
run config delprop qpsmtpd HeloPolicy HeloReject
email_update
show_line
answer User 250
answer EXCHANGE.Airflite.local 250

say "Stopping everything this demo started"
pids="$H_RUNSVDIR_PID $H_DNS_PID $H_DAEMON_PIDS"
harness_stop
alive=""
for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
# Our PID namespace shows only what the demo started.
alive="$alive$(ps -e -o pid=,comm= | awk '$2 ~ /^(runsvdir|runsv|qpsmtpd|dnsmasq)/ { printf " %s(%s)", $2, $1 }')"
if [ -z "$alive" ]; then echo "  stopped: runsvdir, runsv, qpsmtpd, sqpsmtpd, dnsmasq"; else
    echo "  !! still running:$alive"
    surprises=$((surprises + 1))
fi
echo "  logs: $O/demo-logs/"
if [ "$surprises" -gt 0 ]; then
    echo "demo: $surprises answer(s) differed from the story" >&2
    exit 1
fi
echo "demo: the story played as told"
