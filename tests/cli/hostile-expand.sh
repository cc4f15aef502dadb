#!/bin/sh
# Hostile filesystem, expand-template (issue 7, SECURITY.md), beyond
# tests/cli/expand-hostile.sh: directories on the way to the target that
# are symlinks. A link root made inside $ESMITH_ROOT is followed (SME has
# /service -> /var/service); a link that leads out of $ESMITH_ROOT, or one
# owned by another user (planted in a directory that user owns), is
# refused, and nothing outside the root is written.
. tests/lib.sh
new_root
. tests/cli/expand-common.inc
OUT="$T_TMP/outside"
mkdir -p "$OUT"
outside_empty() { [ -z "$(ls -A "$OUT")" ]; }

# ---- a directory link out of the root ----
frag templates /etc/away/f 10 "rendered
"
ln -s "$OUT" "$ROOT/etc/away"
check_fails "directory link out of the root: refused" expand-template /etc/away/f
check_eq "directory link out of the root: says so" \
    "ERROR: /etc/away/f: its directory leads outside \$ESMITH_ROOT to $OUT: refused" \
    "$(cat "$T_TMP/err")"
check "directory link out of the root: nothing written outside" outside_empty

# Also when the link is further up the path.
mkdir -p "$OUT/sub"
frag templates /etc/away2/sub/f 10 "rendered
"
ln -s "$OUT" "$ROOT/etc/away2"
check_fails "link higher up the path, out of the root: refused" expand-template /etc/away2/sub/f
check_fails "link higher up the path: nothing written outside" test -e "$OUT/sub/f"

# ---- a link planted by another user ----
# /var/service/svc belongs to the service's user, who replaces its config
# directory by a link to a directory of root's choosing.
mkdir -p "$ROOT/var/service/svc" "$ROOT/etc/secret"
chown nobody "$ROOT/var/service/svc"
ln -s ../../../etc/secret "$ROOT/var/service/svc/config"
chown -h nobody "$ROOT/var/service/svc/config"
frag templates /var/service/svc/config/run 10 "rendered
"
check_fails "directory link owned by another user: refused" \
    expand-template /var/service/svc/config/run
check_eq "directory link owned by another user: says so" \
    "ERROR: /var/service/svc/config/run: directory /var/service/svc/config is a symbolic link owned by uid $(id -u nobody): refused" \
    "$(cat "$T_TMP/err")"
check_fails "directory link owned by another user: nothing written through it" \
    test -e "$ROOT/etc/secret/run"

# ---- root's own links inside the root are followed ----
mkdir -p "$ROOT/var/service/qp/config"
ln -s var/service "$ROOT/service"
frag templates /service/qp/config/peers 10 "rendered
"
check "root's directory link inside the root: followed" expand-template /service/qp/config/peers
check_eq "root's directory link inside the root: rendered there" "rendered" \
    "$(tail -n 1 "$ROOT/var/service/qp/config/peers")"
