#!/bin/sh
# signal-event: service adjustment (S90adjust-services) against real
# runit - runsv supervising a real process under the test root - and the
# systemd back-end through a recording systemctl (systemd does not run
# here).
. tests/lib.sh
. tests/cli/lib/events.sh
new_root
EV="$ROOT/etc/e-smith/events"
mkdir -p "$EV/svc-update/services2adjust"
ln -s restart "$EV/svc-update/services2adjust/alpha"

config set alpha service status enabled
runsv_start alpha "sleep 1000"

# ---- restart of an enabled, supervised service ----
old=$(service_pid alpha)
signal-event svc-update 2>"$T_TMP/se"
check_eq "the event succeeds" 0 "$?"
wait_new_pid alpha "$old"
new=$NEW_PID
check "restart: the supervised process has a new PID" test -n "$new" -a "$new" != "$old"
check "restart: the new process runs" kill -0 "$new"
check_fails "restart: the old process is gone" kill -0 "$old"

# ---- dry run: nothing happens, the plan is printed ----
before=$(service_pid alpha)
signal-event --dry-run svc-update >"$T_TMP/plan" 2>"$T_TMP/se"
check_eq "dry run succeeds" 0 "$?"
check_eq "dry run: the control characters it would write" \
    'service alpha: restart -> write "tu" to /service/alpha/supervise/control' "$(cat "$T_TMP/plan")"
sleep 0.3
check_eq "dry run: the service was not touched" "$before" "$(service_pid alpha)"

# ---- disabled: stopped, not restarted ----
config setprop alpha status disabled
signal-event svc-update
check_eq "disabled: the event succeeds" 0 "$?"
wait_for "alpha to go down" service_down alpha
check "disabled: the service is down" service_down alpha
check_fails "disabled: its process is gone" kill -0 "$new"
check_eq "disabled: no process" "" "$(service_pid alpha)"
check_eq "disabled: dry run shows d first and no u" \
    'service alpha: restart (not enabled) -> write "dt" to /service/alpha/supervise/control' \
    "$(signal-event --dry-run svc-update)"

# ---- enabled again: the restart brings it up ----
config setprop alpha status enabled
signal-event svc-update
wait_for "alpha to run again" service_running alpha
check "enabled again: running" service_running alpha

# ---- a file of actions, one a line ----
rm "$EV/svc-update/services2adjust/alpha"
printf 'sigusr1\n\n  stop  \n' >"$EV/svc-update/services2adjust/alpha"
check_eq "a file's actions in order; stop leaves it down" \
    'service alpha: sigusr1,stop -> write "1d" to /service/alpha/supervise/control' \
    "$(signal-event --dry-run svc-update)"
signal-event svc-update
wait_for "alpha to stop" service_down alpha
check "file of actions: stop carried out" service_down alpha
printf 'once\n' >"$EV/svc-update/services2adjust/alpha"
check_eq "once: no u after it" \
    'service alpha: once -> write "o" to /service/alpha/supervise/control' \
    "$(signal-event --dry-run svc-update)"
printf 'adjust\n' >"$EV/svc-update/services2adjust/alpha"
signal-event svc-update
wait_for "alpha to run after adjust" service_running alpha
check "adjust of a stopped enabled service brings it up (h then u)" service_running alpha

# ---- post-upgrade and bootstrap-console-save never adjust ----
for ev in post-upgrade bootstrap-console-save; do
    mkdir -p "$EV/$ev/services2adjust"
    ln -s stop "$EV/$ev/services2adjust/alpha"
    pid=$(service_pid alpha)
    check "$ev succeeds" signal-event "$ev"
    sleep 0.2
    check_eq "$ev: the service was not adjusted" "$pid" "$(service_pid alpha)"
    check_eq "$ev: dry run says so" "services are not adjusted in event $ev" \
        "$(signal-event --dry-run "$ev")"
done

# ---- a service without a record is skipped, not failed ----
mkdir -p "$EV/norec/services2adjust"
ln -s restart "$EV/norec/services2adjust/ghost"
ln -s restart "$EV/norec/services2adjust/.hidden"
syslog_start
signal-event norec
check_eq "a service without a config record does not fail the event" 0 "$?"
syslog_stop
check "its skip is logged" grep -q 'no configuration record for service ghost, skipped' "$SYSLOG_OUT"
check_fails "dot files are not services" grep -q 'hidden' "$SYSLOG_OUT"
check_eq "dry run: a service without a record" \
    "service ghost: no configuration record, not adjusted" "$(signal-event --dry-run norec)"
check "the S90 action line is logged" grep -q ': S90adjust-services=action|Event|norec|Action|S90adjust-services|Start|' "$SYSLOG_OUT"

# ---- an unknown action fails the event, the other services still run ----
mkdir -p "$EV/mixed/services2adjust"
ln -s frobnicate "$EV/mixed/services2adjust/aaa"
ln -s restart "$EV/mixed/services2adjust/alpha"
config set aaa service status enabled
old=$(service_pid alpha)
signal-event mixed 2>"$T_TMP/se"
check_eq "an unknown action fails the event" 1 "$?"
check "the unknown action is named" grep -q "unknown service action 'frobnicate'" "$T_TMP/se"
wait_new_pid alpha "$old"
check "the next service was still restarted" test -n "$NEW_PID" -a "$NEW_PID" != "$old"

# ---- a supervise/control with no supervisor: fails at once, no hang ----
mkdir -p "$ROOT/service/beta/supervise"
mkfifo "$ROOT/service/beta/supervise/control"
config set beta service status enabled
mkdir -p "$EV/beta-update/services2adjust"
ln -s restart "$EV/beta-update/services2adjust/beta"
timeout 10 signal-event beta-update 2>"$T_TMP/se"
check_eq "no supervisor running: the event fails without hanging" 1 "$?"
check "no supervisor running: said so" grep -q "beta: no supervisor is running (/service/beta/supervise/control)" "$T_TMP/se"

# ---- systemd back-end: no supervise/control, so systemctl ----
mkdir -p "$T_TMP/fakebin"
printf '#!/bin/sh\necho "$*" >>"%s"\n[ "$2" != broken ]\n' "$T_TMP/systemctl.log" >"$T_TMP/fakebin/systemctl"
chmod +x "$T_TMP/fakebin/systemctl"
mkdir -p "$EV/sd-update/services2adjust"
ln -s restart "$EV/sd-update/services2adjust/gamma"
ln -s reload "$EV/sd-update/services2adjust/delta"
ln -s sighup "$EV/sd-update/services2adjust/epsilon"
config set gamma service status enabled
config set delta service status enabled
config set epsilon service status disabled
PATH="$T_TMP/fakebin:$PATH" signal-event sd-update
check_eq "systemd: the event succeeds" 0 "$?"
check_eq "systemd: start first unless an action starts it; disabled means stop" \
    "start delta
reload delta
stop epsilon
restart gamma" "$(cat "$T_TMP/systemctl.log")"
mkdir -p "$EV/sd-broken/services2adjust"
ln -s restart "$EV/sd-broken/services2adjust/broken"
config set broken service status enabled
PATH="$T_TMP/fakebin:$PATH" signal-event sd-broken 2>"$T_TMP/se"
check_eq "systemd: a failing systemctl fails the event" 1 "$?"
check "systemd: the failing command is named" grep -q "systemctl restart broken failed (exit status 1)" "$T_TMP/se"
check_eq "systemd: dry run lists the commands" \
    "service delta: reload -> systemctl start delta; systemctl reload delta
service epsilon: sighup (not enabled) -> systemctl stop epsilon
service gamma: restart -> systemctl restart gamma" "$(PATH="$T_TMP/fakebin:$PATH" signal-event --dry-run sd-update)"
