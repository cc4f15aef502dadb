#!/bin/sh
# expand-template failures: one clear message, non-zero exit, target untouched.
. tests/lib.sh
new_root
. tests/cli/expand-common.inc
NL='
'
# A target with known content, owner, mode and inode to compare against.
mkdir -p "$ROOT/srv"
frag templates /srv/t 10a "a$NL"
expand-template /srv/t
chmod 0640 "$ROOT/srv/t"
before=$(stat -c '%i %a %s %Y' "$ROOT/srv/t")
untouched() { [ "$(stat -c '%i %a %s %Y' "$ROOT/srv/t")" = "$before" ] && only_files /srv t; }

# A broken fragment: every broken fragment is reported the original's way,
# then one failure line; the target is untouched.
frag templates /srv/t 20bad 'x{ `id` }'"$NL"
frag templates /srv/t 30bad "ok$NL"'{ system("id") }'"$NL"
check_fails "broken fragments: exit non-zero" expand-template /srv/t
cp "$T_TMP/err" "$T_TMP/broken.err"
check "broken: first fragment reported" grep -qF \
    "ERROR in /etc/e-smith/templates/srv/t/20bad: Program fragment delivered error <</etc/e-smith/templates/srv/t/20bad:1:" "$T_TMP/broken.err"
check_eq "broken: second fragment reported at its line" "at template line 2" \
    "$(grep '30bad' "$T_TMP/broken.err" | sed 's/.*>> //')"
check_eq "broken: failure line" "ERROR: Template processing failed for /srv/t: 2 fragments generated errors" \
    "$(tail -n1 "$T_TMP/broken.err")"
check "broken: target untouched" untouched
frag templates /srv/t 30bad "fine$NL"
check_fails "one broken fragment: exit non-zero" expand-template /srv/t
check_eq "one broken: singular" "ERROR: Template processing failed for /srv/t: 1 fragment generated errors" \
    "$(tail -n1 "$T_TMP/err")"
check "one broken: target untouched" untouched
rm "$E/templates/srv/t/20bad" "$E/templates/srv/t/30bad"

# No template at all; a target that is a directory; a missing directory.
check_fails "no templates: exit non-zero" expand-template /etc/none
check_eq "no templates: message" "ERROR: No templates were found for /etc/none" "$(cat "$T_TMP/err")"
check_fails "no templates: nothing created" test -e "$ROOT/etc/none"
mkdir -p "$ROOT/etc/isdir"
frag templates /etc/isdir 10 "x$NL"
check_fails "target is a directory: exit non-zero" expand-template /etc/isdir
check_eq "target is a directory: message" "ERROR: Could not expand /etc/isdir template - it is a directory" "$(cat "$T_TMP/err")"
frag templates /etc/nodir/file 10 "x$NL"
check_fails "missing target directory: exit non-zero" expand-template /etc/nodir/file
check_eq "missing target directory: message" "ERROR: cannot open the directory of /etc/nodir/file: No such file or directory" "$(cat "$T_TMP/err")"

# Paths: relative, '..' and '.' components are refused before anything.
check_fails "relative path refused" expand-template etc/t
check_fails "'..' refused" expand-template /etc/../srv/t
check_eq "'..': message" "ERROR: template path '/etc/../srv/t' has an empty, '.' or '..' component: refused" "$(cat "$T_TMP/err")"
check_fails "output_filename with '..' refused" expand-template --output_filename /srv/x/../t /srv/t
check "paths: target untouched" untouched

# Usage errors exit 2.
expand-template >/dev/null 2>&1
check_eq "no argument: exit 2" 2 $?
expand-template --bogus /srv/t >/dev/null 2>&1
check_eq "unknown option: exit 2" 2 $?
expand-template --output_filename /etc/a /srv/t /srv/t >/dev/null 2>&1
check_eq "output_filename with two paths: exit 2" 2 $?

# One failing path does not stop the others, but the exit is non-zero.
frag templates /etc/good 10 "good$NL"
check_fails "mixed paths: exit non-zero" expand-template /etc/none /etc/good
check_eq "mixed paths: the good one written" "# default begin|good" "$(out /etc/good | tr '\n' '|' | sed 's/|$//')"
check "finally: target untouched" untouched
