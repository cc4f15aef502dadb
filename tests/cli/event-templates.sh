#!/bin/sh
# signal-event: S05generic_template_expand in-process (expand module, with
# $EVENT), ordering against program handlers, failures, and --dry-run
# (unified diffs and service plans, nothing changed).
. tests/lib.sh
. tests/cli/lib/events.sh
new_root
EV="$ROOT/etc/e-smith/events"
T="$ROOT/etc/e-smith/templates"
mkdir -p "$T/etc/demo.conf" "$T/etc/other.conf" "$EV/tev/templates2expand/etc" "$ROOT/etc"
printf 'static line\n' >"$T/etc/demo.conf/10static"
printf "policy { \$demo{Policy} || 'lenient' }\n" >"$T/etc/demo.conf/20policy"
printf 'event { $EVENT }\n' >"$T/etc/demo.conf/30event"
printf 'other { $demo{Policy} }\n' >"$T/etc/other.conf/10x"
: >"$EV/tev/templates2expand/etc/demo.conf"
: >"$EV/tev/templates2expand/etc/other.conf"
config set demo service Policy rfc status enabled

# S00 changes the config: S05 must see the change. S10 must see the new file.
printf '#!/bin/sh\nconfig setprop demo Policy strict\n' >"$EV/tev/S00set"
printf '#!/bin/sh\ncp "$ESMITH_ROOT/etc/demo.conf" "$ESMITH_ROOT/seen-by-S10"\n' >"$EV/tev/S10look"
chmod +x "$EV/tev/S00set" "$EV/tev/S10look"

check "the event succeeds" signal-event tev
check_eq "templates expanded in-process with \$EVENT, after S00's config change" \
    "static line
policy strict
event tev" "$(cat "$ROOT/etc/demo.conf")"
check_eq "every registered template is expanded" "other strict" "$(cat "$ROOT/etc/other.conf")"
check_eq "S10 runs after S05" "$(cat "$ROOT/etc/demo.conf")" "$(cat "$ROOT/seen-by-S10")"

# ---- --dry-run: the diff and the service plan, nothing changed ----
rm "$EV/tev/S00set"
mkdir -p "$EV/tev/services2adjust"
ln -s restart "$EV/tev/services2adjust/demo"
config setprop demo Policy rfc
sum=$(md5sum "$ROOT/etc/demo.conf" "$ROOT/etc/other.conf" "$ROOT/home/e-smith/db/configuration")
signal-event --dry-run tev >"$T_TMP/plan" 2>"$T_TMP/se"
check_eq "dry run exits 0" 0 "$?"
check "dry run: diff header of the changed file" grep -q '^--- /etc/demo.conf' "$T_TMP/plan"
check "dry run: diff header (new side)" grep -q '^+++ /etc/demo.conf' "$T_TMP/plan"
check "dry run: the old line" grep -qx -- '-policy strict' "$T_TMP/plan"
check "dry run: the new line" grep -qx -- '+policy rfc' "$T_TMP/plan"
check "dry run: the other file's diff" grep -qx -- '+other rfc' "$T_TMP/plan"
check "dry run: the service action (systemd here)" \
    grep -qx 'service demo: restart -> systemctl restart demo' "$T_TMP/plan"
check "dry run: program handlers are listed, not run" \
    grep -qx 'handler S10look: would run /etc/e-smith/events/tev/S10look tev' "$T_TMP/plan"
check_eq "dry run: no file changed" "$sum" \
    "$(md5sum "$ROOT/etc/demo.conf" "$ROOT/etc/other.conf" "$ROOT/home/e-smith/db/configuration")"
rm "$ROOT/seen-by-S10"
signal-event --dry-run tev >/dev/null 2>&1
check_fails "dry run: no handler ran" test -e "$ROOT/seen-by-S10"
rm -r "$EV/tev/services2adjust"
config setprop demo Policy strict
check_eq "dry run of an event with nothing to change prints only the handlers" \
    "handler S10look: would run /etc/e-smith/events/tev/S10look tev" "$(signal-event --dry-run tev)"

# ---- a broken template fails the event; nothing of it is written ----
config setprop demo Policy rfc
printf 'broken { $x = ; }\n' >"$T/etc/demo.conf/25broken"
sum=$(md5sum <"$ROOT/etc/demo.conf")
signal-event -v tev 2>"$T_TMP/se"
check_eq "a broken template fails the event" 1 "$?"
check "the failure names the handler and the file" \
    grep -q '^signal-event: event tev: handler S05generic_template_expand failed: .*/etc/demo.conf' "$T_TMP/se"
check "-v shows the fragment's error" grep -q '^tev: S05generic_template_expand: ERROR in .*25broken' "$T_TMP/se"
check_eq "the broken template's target is unchanged" "$sum" "$(md5sum <"$ROOT/etc/demo.conf")"
check_eq "the other templates are still expanded" "other rfc" "$(cat "$ROOT/etc/other.conf")"
check "handlers after it still run" test -e "$ROOT/seen-by-S10"

# ---- owner and mode: an event applies the metadata's (else root:root 0644) ----
# to an existing target too, text unchanged or not, as the original's
# generic_template_expand does; the expand-template CLI keeps the file's own.
rm "$T/etc/demo.conf/25broken"
M="$ROOT/etc/e-smith/templates.metadata/etc"
mkdir -p "$M"
printf 'PERMS=0640\nGID=65534\n' >"$M/other.conf"
signal-event tev
chmod 0600 "$ROOT/etc/demo.conf"
chown 65534:65534 "$ROOT/etc/other.conf"
chmod 0604 "$ROOT/etc/other.conf"
sum=$(md5sum "$ROOT/etc/demo.conf" "$ROOT/etc/other.conf")
check "event with unchanged texts" signal-event tev
check_eq "unchanged texts are not rewritten" "$sum" "$(md5sum "$ROOT/etc/demo.conf" "$ROOT/etc/other.conf")"
check_eq "event: an unchanged target without metadata gets root:root 0644" "644 0:0" \
    "$(stat -c '%a %u:%g' "$ROOT/etc/demo.conf")"
check_eq "event: an unchanged target gets the metadata's mode and group" "640 0:65534" \
    "$(stat -c '%a %u:%g' "$ROOT/etc/other.conf")"
chmod 0600 "$ROOT/etc/demo.conf"
check "expand-template of the same target" expand-template /etc/demo.conf
check_eq "the expand-template CLI keeps an existing target's mode" "600" \
    "$(stat -c '%a' "$ROOT/etc/demo.conf")"
rm "$ROOT/etc/other.conf"
ln -s /etc/passwd "$ROOT/etc/other.conf"
signal-event tev 2>/dev/null
check_eq "a symlink at the target fails the event" 1 "$?"
check_eq "and the link's victim keeps its mode" "$(stat -c '%a %u:%g' /etc/passwd)" \
    "$(stat -L -c '%a %u:%g' "$ROOT/etc/other.conf")"
