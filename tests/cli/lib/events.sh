# tests/cli/lib/events.sh - sourced by the event tests after tests/lib.sh.
#
#   syslog_start            # a listener on $ROOT/dev/log, lines into $SYSLOG_OUT
#   syslog_stop             # waits until it has written everything received
#   runsv_start NAME CMD    # $ROOT/service/NAME running `exec CMD` under runsv
#   service_pid NAME        # the supervised process's PID ("" when down)
#   wait_new_pid NAME OLD   # waits until NAME runs with a PID other than OLD: $NEW_PID
#   wait_for DESC CMD...    # retries CMD for up to 10 s; says so and returns 1 if never true
#   cleanup                 # stops every listener and runsv started here (trap EXIT)
STARTED_PIDS=""
RUNSV_DIRS=""
SYSLOG_PIDS=""

# runsv ignores a plain TERM while its service runs: `sv exit` takes the
# service down and makes runsv exit (within its 1 s poll).
cleanup() {
    for d in $RUNSV_DIRS; do
        sv exit "$d" >/dev/null 2>&1
    done
    for p in $SYSLOG_PIDS; do
        kill "$p" 2>/dev/null
    done
    for p in $STARTED_PIDS; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$T_TMP"
}
trap cleanup EXIT

wait_for() {
    desc=$1
    shift
    n=0
    until "$@"; do
        n=$((n + 1))
        if [ "$n" -ge 200 ]; then
            echo "# gave up waiting for $desc"
            return 1
        fi
        sleep 0.05
    done
}

syslog_start() {
    mkdir -p "$ROOT/dev"
    SYSLOG_OUT="$T_TMP/syslog.out"
    : >"$SYSLOG_OUT"
    perl "$TOP/tests/cli/lib/syslog-listen.pl" "$ROOT/dev/log" "$SYSLOG_OUT" &
    SYSLOG_PID=$!
    STARTED_PIDS="$STARTED_PIDS $SYSLOG_PID"
    SYSLOG_PIDS="$SYSLOG_PIDS $SYSLOG_PID"
    wait_for "the syslog socket" test -S "$ROOT/dev/log"
}

syslog_stop() {
    logger -d -u "$ROOT/dev/log" SYSLOG-LISTEN-STOP
    wait "$SYSLOG_PID"
}

runsv_start() {
    mkdir -p "$ROOT/service/$1"
    printf '#!/bin/sh\nexec %s\n' "$2" >"$ROOT/service/$1/run"
    chmod +x "$ROOT/service/$1/run"
    runsv "$ROOT/service/$1" </dev/null >/dev/null 2>&1 &
    STARTED_PIDS="$STARTED_PIDS $!"
    RUNSV_DIRS="$RUNSV_DIRS $ROOT/service/$1"
    wait_for "$1 to run" service_running "$1"
}

service_pid() {
    cat "$ROOT/service/$1/supervise/pid" 2>/dev/null
}

service_running() {
    [ -n "$(service_pid "$1")" ] && [ "$(cat "$ROOT/service/$1/supervise/stat" 2>/dev/null)" = run ]
}

service_down() {
    [ "$(cat "$ROOT/service/$1/supervise/stat" 2>/dev/null)" = down ]
}

# runsv writes supervise/pid and supervise/stat at different moments, and
# delays a restart by up to 1 s: the PID is taken when both agree.
new_pid_running() {
    NEW_PID=$(service_pid "$1")
    [ -n "$NEW_PID" ] && [ "$NEW_PID" != "$2" ] && service_running "$1" &&
        [ "$(service_pid "$1")" = "$NEW_PID" ]
}

wait_new_pid() {
    wait_for "a new $1 process" new_pid_running "$1" "$2"
}
