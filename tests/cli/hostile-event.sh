#!/bin/sh
# Hostile filesystem, signal-event (issue 7, SECURITY.md). A handler runs
# as root with no sandbox, so one that someone other than root could have
# written - writable by others or by a group other than root's, or owned
# by another user, itself or through its symlink - is refused: not run,
# logged, the event fails.
# (Templates are only warned about: the template sandbox limits them; see
# tests/cli/expand-hostile.sh.) And a symlink planted at a service's
# supervise/control is not written through.
. tests/lib.sh
. tests/cli/lib/events.sh
new_root
EV="$ROOT/etc/e-smith/events"
OUT="$T_TMP/outside"
mkdir -p "$EV/actions" "$OUT"
RAN="$T_TMP/ran"

# handler EVENT NAME MODE: a script that records that it ran
handler() {
    mkdir -p "$EV/$1"
    printf '#!/bin/sh\necho "%s" >>"%s"\n' "$2" "$RAN" >"$EV/$1/$2"
    chmod "$3" "$EV/$1/$2"
}
ran() { grep -qx "$1" "$RAN" 2>/dev/null; }

# ---- control: a clean handler runs ----
handler good S10ok 0755
check "a root-owned 0755 handler runs" signal-event good
check "a root-owned 0755 handler ran" ran S10ok

# ---- writable by others, by the group, owned by another user ----
for case in "world 0757" "group 0775" "world-nox 0777"; do
    set -- $case
    handler "ev-$1" S10x "$2"
    chgrp nogroup "$EV/ev-$1/S10x"
    handler "ev-$1" S20after 0755
    signal-event "ev-$1" >"$T_TMP/out" 2>"$T_TMP/se"
    check_eq "$1-writable handler: the event fails" 1 "$?"
    check_fails "$1-writable handler: not run" ran S10x
    check "$1-writable handler: the others still run" ran S20after
    check "$1-writable handler: named on stderr" grep -q "S10x.*writable by group or others" "$T_TMP/se"
    rm -f "$RAN"
done

# Writable by the group root (a checkout made with umask 002): root's.
handler ev-rootgroup S10rootgroup 0775
check "handler writable by the group root: runs" signal-event ev-rootgroup
check "handler writable by the group root: ran" ran S10rootgroup

handler ev-owner S10x 0755
chown nobody "$EV/ev-owner/S10x"
signal-event ev-owner >"$T_TMP/out" 2>"$T_TMP/se"
check_eq "handler owned by another user: the event fails" 1 "$?"
check_fails "handler owned by another user: not run" ran S10x
check "handler owned by another user: named on stderr" grep -q "S10x.*owned by uid" "$T_TMP/se"

# The usual form: a root-owned link into actions/, whose target is the
# writable one.
printf '#!/bin/sh\necho linked >>"%s"\n' "$RAN" >"$EV/actions/linked"
chmod 0777 "$EV/actions/linked"
mkdir -p "$EV/ev-link"
ln -s ../actions/linked "$EV/ev-link/S10linked"
signal-event ev-link >"$T_TMP/out" 2>"$T_TMP/se"
check_eq "link to a world-writable action: the event fails" 1 "$?"
check_fails "link to a world-writable action: not run" ran linked

# --dry-run says it would refuse, and runs nothing.
rm -f "$RAN"
signal-event --dry-run ev-link >"$T_TMP/plan" 2>"$T_TMP/se"
check_fails "dry run of a writable handler: not run" ran linked
check_eq "dry run of a writable handler: says it would refuse it" \
    "handler S10linked: would refuse to run /etc/e-smith/events/ev-link/S10linked: writable by group or others" \
    "$(cat "$T_TMP/plan")"

# ---- a symlink at supervise/control ----
# The service's own user could plant it, pointing at another service's
# control fifo (here: a fifo outside the root with a reader).
mkdir -p "$EV/svc/services2adjust" "$ROOT/service/web/supervise"
ln -s restart "$EV/svc/services2adjust/web"
config set web service status enabled >/dev/null
mkfifo "$OUT/fifo"
ln -s "$OUT/fifo" "$ROOT/service/web/supervise/control"
(exec cat "$OUT/fifo" >"$OUT/got") &
reader=$!
STARTED_PIDS="$STARTED_PIDS $reader"
sleep 0.2
signal-event svc >"$T_TMP/out" 2>"$T_TMP/se"
check_eq "control is a symlink: the adjustment fails" 1 "$?"
: >"$OUT/fifo" # lets the reader finish if nothing was written
wait "$reader"
check_eq "control is a symlink: nothing written through it" "" "$(cat "$OUT/got")"
