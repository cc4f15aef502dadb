#!/bin/sh
# expand-template --diff: a unified diff of what would change; nothing written.
. tests/lib.sh
new_root
. tests/cli/expand-common.inc
NL='
'
mkdir -p "$ROOT/srv"

frag templates /srv/conf 10 "one$NL"
frag templates /srv/conf 20 "two$NL"
expand-template /srv/conf
touch -d '2020-01-01 00:00' "$ROOT/srv/conf"
before=$(stat -c '%i %a %s %Y' "$ROOT/srv/conf")
frag templates /srv/conf 15 "one and a half$NL"
check "diff: exit 0" expand-template --diff /srv/conf
check_eq "diff: output" "--- /srv/conf
+++ /srv/conf
@@ -1,3 +1,4 @@
 # default begin
 one
+one and a half
 two" "$(cat "$T_TMP/out")"
check_eq "diff: target untouched" "$before" "$(stat -c '%i %a %s %Y' "$ROOT/srv/conf")"
check "diff: no temporary file" only_files /srv conf

cp "$ROOT/srv/conf" "$T_TMP/conf.old"
expand-template --diff /srv/conf >"$T_TMP/conf.diff"
check "diff: patch(1) applies it" patch -s -f --batch "$T_TMP/conf.old" -i "$T_TMP/conf.diff"
expand-template /srv/conf
check "diff: patched old equals the real expansion" cmp "$T_TMP/conf.old" "$ROOT/srv/conf"

check "unchanged: exit 0" expand-template --diff /srv/conf
check_eq "unchanged: no output" "" "$(cat "$T_TMP/out")"

frag templates /srv/new 10 "fresh$NL"
check "new file: exit 0" expand-template --diff /srv/new
check_eq "new file: from /dev/null" "--- /dev/null
+++ /srv/new
@@ -0,0 +1,2 @@
+# default begin
+fresh" "$(cat "$T_TMP/out")"
check_fails "new file: not created" test -e "$ROOT/srv/new"

meta /srv/conf "DELETE=1$NL"
check "DELETE: exit 0" expand-template --diff /srv/conf
check_eq "DELETE: to /dev/null" "+++ /dev/null" "$(sed -n 2p "$T_TMP/out")"
check "DELETE: target kept" test -f "$ROOT/srv/conf"
rm "$E/templates.metadata/srv/conf"

# Missing final newline on either side.
whole templates /srv/nonl "a${NL}b"
printf 'a\nb\n' >"$ROOT/srv/nonl"
check "no final newline: exit 0" expand-template --diff /srv/nonl
check_eq "no final newline: marked" "--- /srv/nonl
+++ /srv/nonl
@@ -1,2 +1,2 @@
 a
-b
+b
\\ No newline at end of file" "$(cat "$T_TMP/out")"

# Random texts: the diff applied by patch(1) gives the new text, and it
# changes as many lines as GNU diff's (both are minimal).
n=0
fails=0
while [ $n -lt 40 ]; do
    awk -v seed=$n 'BEGIN { srand(seed); split("alpha beta gamma delta eps zeta eta theta", w, " ");
        lines = int(rand() * 40); for (i = 0; i < lines; i++) print w[int(rand() * 8) + 1] }' >"$T_TMP/old"
    awk -v seed=$n 'BEGIN { srand(seed + 1000) } { r = rand(); if (r < 0.15) next;
        if (r < 0.3) print "new " int(rand() * 5); print } END { if (rand() < 0.5) print "tail" }' \
        "$T_TMP/old" >"$T_TMP/new"
    if [ $((n % 7)) -eq 3 ]; then printf 'last' >>"$T_TMP/new"; fi
    whole templates /srv/rand "$(cat "$T_TMP/new"; printf x)"
    # the template is the new text exactly (the x above keeps final newlines)
    head -c -1 "$E/templates/srv/rand" >"$T_TMP/tmpl" && mv "$T_TMP/tmpl" "$E/templates/srv/rand"
    cp "$T_TMP/old" "$ROOT/srv/rand"
    expand-template --diff /srv/rand >"$T_TMP/rand.diff" 2>"$T_TMP/rand.err" || fails=$((fails + 1))
    cp "$T_TMP/old" "$T_TMP/patched"
    if [ -s "$T_TMP/rand.diff" ]; then patch -s -f --batch "$T_TMP/patched" "$T_TMP/rand.diff" </dev/null >/dev/null 2>&1 || fails=$((fails + 1)); fi
    cmp -s "$T_TMP/patched" "$E/templates/srv/rand" || fails=$((fails + 1))
    ours=$(grep -c '^[-+][^-+]\|^[-+]$' "$T_TMP/rand.diff")
    gnu=$(diff -u "$T_TMP/old" "$E/templates/srv/rand" | grep -c '^[-+][^-+]\|^[-+]$')
    [ "$ours" = "$gnu" ] || fails=$((fails + 1))
    cmp -s "$T_TMP/old" "$ROOT/srv/rand" || fails=$((fails + 1))
    n=$((n + 1))
done
check_eq "40 random diffs: patch gives the new text, minimal, target untouched" 0 "$fails"

# Past the edit-distance bound the middle is shown as removed then added:
# still a correct diff.
seq 1 2500 | sed 's/^/old /' >"$T_TMP/big.old"
{ echo same; seq 1 2500 | sed 's/^/new /'; } >"$E/templates/srv/big"
{ echo same; cat "$T_TMP/big.old"; } >"$ROOT/srv/big"
cp "$ROOT/srv/big" "$T_TMP/big.patched"
check "big diff: exit 0" timeout 20 expand-template --diff /srv/big
cp "$T_TMP/out" "$T_TMP/big.diff"
check "big diff: patch applies it" patch -s -f --batch "$T_TMP/big.patched" -i "$T_TMP/big.diff"
check "big diff: gives the new text" cmp "$T_TMP/big.patched" "$E/templates/srv/big"
