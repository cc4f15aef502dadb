#!/bin/sh
# expand-template on a hostile filesystem (issue 7 item 4): planted
# symlinks at temporary or output paths, '..' escapes, writable templates.
. tests/lib.sh
new_root
. tests/cli/expand-common.inc
NL='
'
victim="$T_TMP/victim"
echo "precious" >"$victim"
chmod 0600 "$victim"
victim_ok() { [ "$(cat "$victim")" = "precious" ] && [ "$(stat -c %a "$victim")" = 600 ]; }

# The original wrote to "<target>.<pid>" and followed a link planted there.
# Plant links at every name of that form a local user could predict.
frag templates /etc/svc 10 "rendered$NL"
pid=$$
i=0
while [ $i -lt 300 ]; do
    ln -s "$victim" "$ROOT/etc/svc.$((pid + i))"
    i=$((i + 1))
done
check "planted <target>.<pid> links: expand works" expand-template /etc/svc
check "planted links: victim untouched" victim_ok
check_eq "planted links: target rendered" "rendered" "$(tail -n1 "$ROOT/etc/svc")"
[ -f "$ROOT/etc/svc" ] && [ ! -L "$ROOT/etc/svc" ] && ok "planted links: target is a regular file" || not_ok "planted links: target is a regular file"
rm -f "$ROOT"/etc/svc.*

# A symlink planted at the output path is neither followed nor replaced.
frag templates /etc/linked 10 "rendered$NL"
ln -s "$victim" "$ROOT/etc/linked"
check_fails "symlink target: refused" expand-template /etc/linked
check_eq "symlink target: message" "ERROR: /etc/linked is a symbolic link: refusing to follow or replace it" "$(cat "$T_TMP/err")"
check "symlink target: victim untouched" victim_ok
check "symlink target: link left as it was" test -L "$ROOT/etc/linked"
check_fails "symlink target, --diff: refused (no leak of its content)" expand-template --diff /etc/linked
check_fails "symlink target, --diff: nothing printed" grep -q precious "$T_TMP/out"

# A fifo at the output path would block a reader: refused at once.
mkfifo "$ROOT/etc/fifo"
frag templates /etc/fifo 10 "x$NL"
check_fails "fifo target: refused" timeout 5 expand-template /etc/fifo

# rpm leftovers that are links: the links go, their targets stay.
frag templates /etc/rpm 10 "x$NL"
ln -s "$victim" "$ROOT/etc/rpm.rpmsave"
check "rpmsave link: expand" expand-template /etc/rpm
check_fails "rpmsave link: link removed" test -L "$ROOT/etc/rpm.rpmsave"
check "rpmsave link: victim untouched" victim_ok

# Escapes out of $ESMITH_ROOT through '..' are refused, also from metadata.
check_fails "../../etc/shadow refused" expand-template ../../etc/shadow
check_fails "/../../etc/shadow refused" expand-template /../../etc/shadow
frag templates /etc/meta 10 "x$NL"
meta /etc/meta "OUTPUT_FILENAME=\"/etc/../../../victim\"$NL"
check_fails "metadata OUTPUT_FILENAME with '..': refused" expand-template /etc/meta
check_eq "metadata OUTPUT_FILENAME with '..': message" \
    "ERROR: output file '/etc/../../../victim' has an empty, '.' or '..' component: refused" "$(cat "$T_TMP/err")"
meta /etc/meta "TEMPLATE_PATH=\"/../../tmp\"$NL"
check_fails "metadata TEMPLATE_PATH with '..': refused" expand-template /etc/meta
check "escapes: victim untouched" victim_ok

# Fragments writable by group or others: expanded, with a warning.
frag templates /etc/gw 10 "x$NL"
chmod 0666 "$E/templates/etc/gw/10"
check "group-writable fragment: expands" expand-template /etc/gw
check_eq "group-writable fragment: warned" \
    "WARNING: template fragment /etc/e-smith/templates/etc/gw/10 is writable by group or others" \
    "$(cat "$T_TMP/err")"

# Temporary files of killed expansions (".NAME.esmith-" and 16 random
# characters) are removed by the next expansion of NAME; one that a live
# expansion holds (its flock) stays, and so does anything else.
frag templates /etc/tmps 10 "v1$NL"
check "temporary files: first expansion" expand-template /etc/tmps
stale="$ROOT/etc/.tmps.esmith-0123456789abcdef"
held="$ROOT/etc/.tmps.esmith-heldheldheldheld"
other="$ROOT/etc/.tmps.esmith-short"
printf 'half' >"$stale"
printf 'live' >"$held"
printf 'x' >"$other"
ln -s "$victim" "$ROOT/etc/.tmps.esmith-linklinklinklink"
# One process holds the lock, so killing it by PID frees the lock.
perl -MFcntl=:flock -e 'open my $f, "<", $ARGV[0] or die; flock $f, LOCK_EX or die; sleep 30' "$held" &
holder=$!
# Wait until the lock is there.
tries=50
while flock -n "$held" true && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
frag templates /etc/tmps 10 "v2$NL"
check "temporary files: expansion with leftovers beside the target" expand-template /etc/tmps
check_eq "temporary files: target rendered" "v2" "$(tail -n1 "$ROOT/etc/tmps")"
check_fails "temporary files: a dead expansion's file removed" test -e "$stale"
check "temporary files: a live expansion's (locked) file kept" test -e "$held"
check "temporary files: a name not ours kept" test -e "$other"
check "temporary files: a link with our name not followed, kept" test -L "$ROOT/etc/.tmps.esmith-linklinklinklink"
check "temporary files: victim untouched" victim_ok
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "temporary files: an unchanged expansion removes them too" expand-template /etc/tmps
check_fails "temporary files: the no longer locked one removed" test -e "$held"
