#!/bin/sh
# signal-event: handler collection, order, argv, exit status, the log
# (captured on the test root's /dev/log) and refused event names.
. tests/lib.sh
. tests/cli/lib/events.sh
new_root
EV="$ROOT/etc/e-smith/events"
mkdir -p "$EV/actions" "$EV/myev/somedir"
RAN="$T_TMP/ran"

# handler NAME BODY: an executable script in the event directory
handler() {
    printf '#!/bin/sh\necho "$(basename "$0") $*" >>"%s"\n%s\n' "$RAN" "$2" >"$EV/myev/$1"
    chmod +x "$EV/myev/$1"
}
handler S10first 'echo "hello from first"; echo "complaint from first" >&2'
handler S20fail 'echo "about to fail"; exit 3'
handler S30second 'printf "no newline at the end"'
printf '#!/bin/sh\necho "$(basename "$0") $*" >>"%s"\n' "$RAN" >"$EV/actions/linked-action"
chmod +x "$EV/actions/linked-action"
ln -s ../actions/linked-action "$EV/myev/S25linked-action"
printf '#!/bin/sh\necho "$0" >>"%s"\n' "$RAN" >"$EV/myev/S15noexec"
ln -s ../actions/missing "$EV/myev/S16dangling"
handler .S01hidden ':'

# ---- bad input first: refused with a clear error, nothing runs ----
for bad in actions ../myev myev/../myev a/b .. . .hidden ''; do
    check_fails "event name '$bad' is refused" signal-event "$bad"
done
signal-event actions 2>"$T_TMP/se"
check "'actions' refused with a message" grep -q "'actions' is not a valid event name" "$T_TMP/se"
signal-event ../myev 2>"$T_TMP/se"
check "'../myev' refused with a message" grep -q "not a valid event name" "$T_TMP/se"
signal-event no-such-event 2>"$T_TMP/se"
check_eq "a missing event exits 1" 1 "$?"
check "a missing event is named" grep -q "no such event 'no-such-event'" "$T_TMP/se"
check_fails "no handler ran for refused events" test -e "$RAN"
check_fails "usage error without an event" signal-event
signal-event --bogus myev 2>/dev/null
check_eq "unknown option exits 2" 2 "$?"

# ---- a real run ----
syslog_start
signal-event myev one "two words" >"$T_TMP/out" 2>"$T_TMP/se"
rc=$?
syslog_stop
check_eq "a failing handler makes the event exit 1" 1 "$rc"
check_eq "handlers ran in byte order with argv EVENT ARGS, the rest after a failure" \
    ".S01hidden myev one two words
S10first myev one two words
S20fail myev one two words
S25linked-action myev one two words
S30second myev one two words" "$(cat "$RAN")"
check_eq "nothing on stdout" "" "$(cat "$T_TMP/out")"
check "the failure is reported on stderr" grep -q "handler S20fail failed: exit status 3" "$T_TMP/se"
check_eq "no progress lines when stderr is not a terminal" 1 "$(wc -l <"$T_TMP/se")"

log=$SYSLOG_OUT
check "log: processing line with the args" grep -q 'esmith::event\[[0-9]*\]: Processing event: myev one two words$' "$log"
check "log: facility local1, priority info" grep -q '^<142>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} esmith::event\[' "$log"
check "log: handler stdout" grep -q ': hello from first$' "$log"
check "log: handler stderr" grep -q ': complaint from first$' "$log"
check "log: a last line without newline" grep -q ': no newline at the end$' "$log"
check "log: running line with the server path" grep -q ': Running event handler: /etc/e-smith/events/myev/S10first$' "$log"
check "log: non-executable handler skipped" grep -q ': Skipping non-executable event handler: /etc/e-smith/events/myev/S15noexec$' "$log"
check "log: dangling link skipped" grep -q ': Skipping non-executable event handler: /etc/e-smith/events/myev/S16dangling$' "$log"
check "log: action line of a success" grep -q ': S10first=action|Event|myev|Action|S10first|Start|[0-9]* [0-9]*|End|[0-9]* [0-9]*|Elapsed|[0-9.e-]*$' "$log"
check "log: action line of a failure has its wait status" grep -q ': S20fail=action|Event|myev|Action|S20fail|Start|[0-9]* [0-9]*|End|[0-9]* [0-9]*|Elapsed|[0-9.e-]*|Status|768$' "$log"
check_fails "log: no action line for a skipped handler" grep -q 'S15noexec=action' "$log"
check_fails "log: the directory is not a handler" grep -q 'somedir' "$log"
check_eq "log: handler output comes before its action line" \
    "hello from first
complaint from first
S10first" "$(sed -n 's/^.*esmith::event\[[0-9]*\]: //p' "$log" | grep -A3 '^Running event handler: .*S10first$' | sed '1d;s/=action.*//' | head -3)"

# ---- progress lines ----
signal-event -v myev 2>"$T_TMP/se" >/dev/null
check "-v: one progress line per handler with status and duration" \
    grep -q '^myev: S20fail  *FAILED  *[0-9.]* ms  exit status 3$' "$T_TMP/se"
check "-v: success line" grep -q '^myev: S10first  *ok  *[0-9.]* ms$' "$T_TMP/se"
check "-v: skipped line" grep -q '^myev: S15noexec  *skipped  *[0-9.]* ms  not executable$' "$T_TMP/se"
check "-v: handler output shown" grep -q '^myev: S10first: hello from first$' "$T_TMP/se"
if command -v script >/dev/null 2>&1; then
    script -qec "signal-event myev" /dev/null >"$T_TMP/tty" 2>&1
    check "progress lines when stderr is a terminal" grep -q 'myev: S30second  *ok' "$T_TMP/tty"
fi

# ---- all succeed: exit 0 ----
rm -f "$EV/myev/S20fail"
check "an event whose handlers all succeed exits 0" signal-event myev

# ---- a handler leaving a process behind that holds its output open ----
mkdir -p "$EV/bgev"
printf '#!/bin/sh\nsleep 30 &\necho $! >"%s"\necho started\n' "$T_TMP/bg.pid" >"$EV/bgev/S10bg"
chmod +x "$EV/bgev/S10bg"
timeout 10 signal-event bgev
check_eq "an event does not wait for what its handler left running" 0 "$?"
[ -s "$T_TMP/bg.pid" ] && kill "$(cat "$T_TMP/bg.pid")" 2>/dev/null

# ---- an empty event and one that cannot be executed ----
mkdir -p "$EV/empty"
check "an event without handlers succeeds" signal-event empty
mkdir -p "$EV/noshebang"
printf 'echo hi\n' >"$EV/noshebang/S10x"
chmod +x "$EV/noshebang/S10x"
check_fails "a handler that cannot be executed fails the event" signal-event noshebang

# ---- the S00initialize-default-databases registration, run by signal-event ----
mkdir -p "$ROOT/etc/e-smith/db/configuration/defaults/s00rec"
echo s00type >"$ROOT/etc/e-smith/db/configuration/defaults/s00rec/type"
cp -a "$TOP/root/etc/e-smith/events/actions/." "$EV/actions/"
mkdir -p "$EV/console-save"
cp -P "$TOP/root/etc/e-smith/events/console-save/S00initialize-default-databases" "$EV/console-save/"
check "signal-event console-save runs S00initialize-default-databases" signal-event console-save
check_eq "its defaults were applied" "s00type" "$(config gettype s00rec)"
