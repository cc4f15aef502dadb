#!/bin/sh
# expand-template: where fragments come from, their order, the output file.
. tests/lib.sh
new_root
. tests/cli/expand-common.inc
NL='
'

# Order: template-begin, byte order (uppercase before lowercase, dot files
# included as in the original), template-end.
frag templates /etc/order template-end "end$NL"
frag templates /etc/order template-begin "begin$NL"
frag templates /etc/order b "b$NL"
frag templates /etc/order Zed "Zed$NL"
frag templates /etc/order 10a "10a$NL"
frag templates /etc/order 9z "9z$NL"
frag templates /etc/order .dot "dot$NL"
check "order: expand" expand-template /etc/order
check_eq "order: begin, byte order, end" "begin dot 10a 9z Zed b end" "$(out /etc/order | tr '\n' ' ' | sed 's/ $//')"
check_eq "order: new file is 0644 root:root" "644 0:0" "$(stat -c '%a %u:%g' "$ROOT/etc/order")"
check "order: no temporary file left" only_files /etc e-smith order

# templates-custom overrides by name and adds names; default template-begin.
frag templates /etc/merge 10a "a$NL"
frag templates /etc/merge 20b "b$NL"
frag templates-custom /etc/merge 20b "custom b$NL"
frag templates-custom /etc/merge 15new "new$NL"
check "merge: expand" expand-template /etc/merge
check_eq "merge: custom wins, new names added, default begin" \
    "# default begin|a|new|custom b" "$(out /etc/merge | tr '\n' '|' | sed 's/|$//')"

# Skipped: editor/rpm leftovers, sub-directories, zero-length fragments.
for n in 30x~ 30x.swp 30x.orig 30x.rpmsave 30x.rpmnew 30x.rpmorig; do
    frag templates /etc/skip "$n" "SKIPPED $n$NL"
done
frag templates /etc/skip 10keep "keep$NL"
frag templates /etc/skip 20empty ""
mkdir -p "$E/templates/etc/skip/25subdir"
echo "SKIPPED subdir" >"$E/templates/etc/skip/25subdir/x"
check "skip: expand" expand-template /etc/skip
check_eq "skip: only the real fragment" "# default begin|keep" "$(out /etc/skip | tr '\n' '|' | sed 's/|$//')"

# An empty custom template-begin replaces the default one (and is skipped).
frag templates /etc/nobegin 10a "a$NL"
frag templates-custom /etc/nobegin template-begin ""
check "empty custom begin: expand" expand-template /etc/nobegin
check_eq "empty custom begin: no begin at all" "a" "$(out /etc/nobegin)"

# Whole-file templates: no default begin; a custom file replaces a
# directory (the original still adds the default begin: it saw a directory);
# a custom directory replaces a file.
whole templates /etc/whole "whole file$NL"
check "whole: expand" expand-template /etc/whole
check_eq "whole: the file alone" "whole file" "$(out /etc/whole)"
frag templates /etc/fileoverdir 10a "a$NL"
whole templates-custom /etc/fileoverdir "custom file$NL"
check "custom file over dir: expand" expand-template /etc/fileoverdir
check_eq "custom file over dir: default begin + file" "# default begin|custom file" \
    "$(out /etc/fileoverdir | tr '\n' '|' | sed 's/|$//')"
whole templates /etc/diroverfile "file$NL"
frag templates-custom /etc/diroverfile 10a "a$NL"
check "custom dir over file: expand" expand-template /etc/diroverfile
check_eq "custom dir over file: the file is dropped" "# default begin|a" \
    "$(out /etc/diroverfile | tr '\n' '|' | sed 's/|$//')"

# --expand_queue replaces both sources.
mkdir -p "$ROOT/q/etc/queued"
echo "from queue" >"$ROOT/q/etc/queued/10q"
frag templates /etc/queued 10q "from templates$NL"
check "expand_queue: expand" expand-template --expand_queue /q /etc/queued
check_eq "expand_queue: only the queue dir" "# default begin|from queue" \
    "$(out /etc/queued | tr '\n' '|' | sed 's/|$//')"
check "expand_queue=DIR form" expand-template --expand_queue=/q /etc/queued

# --output_filename writes elsewhere; the template path itself is not written.
frag templates /etc/src 10a "a$NL"
check "output_filename: expand" expand-template --output_filename /etc/dest /etc/src
check_eq "output_filename: dest written" "# default begin|a" "$(out /etc/dest | tr '\n' '|' | sed 's/|$//')"
check_fails "output_filename: src not written" test -e "$ROOT/etc/src"

# Existing target: owner and mode kept when it changes; byte-identical
# content is not rewritten (same inode, same mtime); changed content is a
# new inode (renamed into place); rpm leftovers removed.
frag templates /etc/keep 10a "a$NL"
expand-template /etc/keep
chown 65534:65534 "$ROOT/etc/keep"
chmod 0600 "$ROOT/etc/keep"
touch -d '2020-01-01 00:00' "$ROOT/etc/keep"
i1=$(ino /etc/keep)
m1=$(stat -c %Y "$ROOT/etc/keep")
check "identical: expand" expand-template /etc/keep
check_eq "identical: same inode" "$i1" "$(ino /etc/keep)"
check_eq "identical: same mtime" "$m1" "$(stat -c %Y "$ROOT/etc/keep")"
frag templates /etc/keep 20b "b$NL"
touch "$ROOT/etc/keep.rpmsave" "$ROOT/etc/keep.rpmnew"
check "changed: expand" expand-template /etc/keep
check_eq "changed: new content" "# default begin|a|b" "$(out /etc/keep | tr '\n' '|' | sed 's/|$//')"
check_eq "changed: owner and mode kept" "600 65534:65534" "$(stat -c '%a %u:%g' "$ROOT/etc/keep")"
[ "$i1" != "$(ino /etc/keep)" ] && ok "changed: renamed into place (new inode)" || not_ok "changed: renamed into place (new inode)"
check_fails "changed: .rpmsave removed" test -e "$ROOT/etc/keep.rpmsave"
check_fails "changed: .rpmnew removed" test -e "$ROOT/etc/keep.rpmnew"

# Several paths in one call.
frag templates /etc/m1 10 "one$NL"
frag templates /etc/m2 10 "two$NL"
check "two paths: expand" expand-template /etc/m1 /etc/m2
check_eq "two paths: both written" "one two" "$(tail -n1 "$ROOT/etc/m1") $(tail -n1 "$ROOT/etc/m2")"

# Code blocks: all fragments of one file share one package; warn goes to
# stderr as "WARNING in <fragment>: ...".
frag templates /etc/code 10set '{ $shared = "from 10"; "" }'"$NL"
frag templates /etc/code 20use 'shared={ $shared }'"$NL"
frag templates /etc/code 30warn '{ warn "careful\n"; "" }x'"$NL"
check "code: expand" expand-template /etc/code
check_eq "code: a global crosses fragments" "shared=from 10" "$(sed -n 3p "$ROOT/etc/code")"
check_eq "code: warn on stderr" "WARNING in /etc/e-smith/templates/etc/code/30warn: careful" \
    "$(grep '^WARNING in' "$T_TMP/err")"

# Not root (a developer under $ESMITH_ROOT): a new file is the caller's own,
# since only root could give it to root.
# (Not under make valgrind: its report directory is root's.)
if [ "$(id -u)" = 0 ] && [ -z "${ESM_VALGRIND:-}" ] && command -v setpriv >/dev/null 2>&1; then
    nr="$T_TMP/nonroot"
    mkdir -p "$nr/etc/e-smith/templates/etc/mine"
    echo "mine" >"$nr/etc/e-smith/templates/etc/mine/10"
    chmod 755 "$T_TMP"
    chown -R 65534:65534 "$nr"
    check "non-root: expands a new file" setpriv --reuid=65534 --regid=65534 --clear-groups \
        env ESMITH_ROOT="$nr" "$BIN/expand-template" /etc/mine
    check_eq "non-root: the file is the caller's" "65534:65534 mine" \
        "$(stat -c '%u:%g' "$nr/etc/mine") $(cat "$nr/etc/mine")"
else
    echo "ok - non-root expansion # SKIP needs root and setpriv, not valgrind"
fi
