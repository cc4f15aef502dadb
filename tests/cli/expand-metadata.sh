#!/bin/sh
# templates.metadata: file and directory forms, literal values only.
. tests/lib.sh
new_root
. tests/cli/expand-common.inc
NL='
'
mkdir -p "$ROOT/srv"

# File form: owner, group, mode for a new file.
frag templates /srv/owned 10 "x$NL"
meta /srv/owned "UID=\"nobody\"
GID=65534
PERMS=0640
"
check "file form: expand" expand-template /srv/owned
check_eq "file form: owner, group, mode" "640 65534:65534" "$(stat -c '%a %u:%g' "$ROOT/srv/owned")"

# An existing target keeps the owner and mode the admin gave it.
chown 0:0 "$ROOT/srv/owned"
chmod 0604 "$ROOT/srv/owned"
frag templates /srv/owned 20 "y$NL"
check "existing target: expand" expand-template /srv/owned
check_eq "existing target: its owner and mode kept" "604 0:0" "$(stat -c '%a %u:%g' "$ROOT/srv/owned")"
check_eq "existing target: new content" "y" "$(tail -n1 "$ROOT/srv/owned")"

# Directory form: one file per key, content is the value; quoted octal too.
frag templates /srv/dirform 10 "x$NL"
mkdir -p "$E/templates.metadata/srv/dirform"
echo "'0600'" >"$E/templates.metadata/srv/dirform/PERMS"
echo '"nogroup";' >"$E/templates.metadata/srv/dirform/GID"
check "dir form: expand" expand-template /srv/dirform
check_eq "dir form: mode and group" "600 0:65534" "$(stat -c '%a %u:%g' "$ROOT/srv/dirform")"

# Perl's rule: decimal 416 is 0640.
frag templates /srv/dec 10 "x$NL"
meta /srv/dec "PERMS=416$NL"
check "decimal PERMS: expand" expand-template /srv/dec
check_eq "decimal PERMS: 416 is 0640" "640" "$(stat -c '%a' "$ROOT/srv/dec")"

# TEMPLATE_PATH renders another path's template; OUTPUT_FILENAME redirects.
frag templates /srv/shared 10 "shared text$NL"
meta /srv/alias "TEMPLATE_PATH='/srv/shared'$NL"
check "TEMPLATE_PATH: expand" expand-template /srv/alias
check_eq "TEMPLATE_PATH: other template, this file" "# default begin|shared text" "$(out /srv/alias | tr '\n' '|' | sed 's/|$//')"
frag templates /srv/redir 10 "redirected$NL"
meta /srv/redir "OUTPUT_FILENAME=\"/srv/elsewhere\"$NL"
check "OUTPUT_FILENAME: expand" expand-template /srv/redir
check_eq "OUTPUT_FILENAME: written there" "redirected" "$(tail -n1 "$ROOT/srv/elsewhere")"
check_fails "OUTPUT_FILENAME: not at the path" test -e "$ROOT/srv/redir"

# DELETE removes the output instead; nothing to delete is fine.
frag templates /srv/gone 10 "x$NL"
expand-template /srv/gone
meta /srv/gone "DELETE=1$NL"
check "DELETE: expand" expand-template /srv/gone
check_fails "DELETE: output removed" test -e "$ROOT/srv/gone"
check "DELETE, already gone: exit 0" expand-template /srv/gone
meta /srv/gone "DELETE=0$NL"
check "DELETE=0: expand" expand-template /srv/gone
check "DELETE=0: written" test -f "$ROOT/srv/gone"

# Comments, blank lines, spaces around '=' and ';' are accepted.
frag templates /srv/style 10 "x$NL"
meta /srv/style "# permissions for style
PERMS = 0604 ;

UID = 0 # root
"
check "comments and spaces: expand" expand-template /srv/style
check_eq "comments and spaces: mode" "604" "$(stat -c '%a' "$ROOT/srv/style")"

# Unknown user: the original's warning and root.
frag templates /srv/nouser 10 "x$NL"
meta /srv/nouser "UID='no-such-user-xyz'$NL"
check "unknown user: expands" expand-template /srv/nouser
check_eq "unknown user: warning" "WARNING: Invalid user: no-such-user-xyz, defaulting to 'root' user (0)." "$(cat "$T_TMP/err")"
check_eq "unknown user: root" "0" "$(stat -c '%u' "$ROOT/srv/nouser")"

# Not literal: refused with file, line and key; target untouched.
frag templates /srv/refuse 10 "new$NL"
printf 'old\n' >"$ROOT/srv/refuse"
refuse() {
    name=$1
    meta /srv/refuse "$2"
    check_fails "refused $name: exit non-zero" expand-template /srv/refuse
    check_eq "refused $name: message" "$3" "$(cat "$T_TMP/err")"
    check_eq "refused $name: target untouched" "old" "$(cat "$ROOT/srv/refuse")"
}
refuse "FILTER" "PERMS=0644
FILTER=sub { \$_[0] }
" "ERROR: /etc/e-smith/templates.metadata/srv/refuse:2: FILTER: not a literal value (the original evaluates Perl here; esmith-c accepts numbers, quoted strings and undef)"
refuse "FILTER string" "FILTER='x'$NL" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse:1: FILTER: a FILTER is Perl code, which esmith-c does not run"
refuse "interpolation" "UID=\"\$user\"$NL" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse:1: UID: variable interpolation in a string is not a literal value"
refuse "function call" "UID=getpwnam('x')$NL" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse:1: UID: not a literal value (the original evaluates Perl here; esmith-c accepts numbers, quoted strings and undef)"
refuse "bad mode" "PERMS=0999$NL" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse:1: PERMS: illegal digit in number"
refuse "mode too large" "PERMS=070000$NL" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse:1: PERMS: not a file mode (octal with a leading 0, at most 07777)"
refuse "MORE_DATA code" "MORE_DATA={ a => \$x }$NL" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse:1: MORE_DATA: not a literal value (the original evaluates Perl here; esmith-c accepts numbers, quoted strings and undef)"
refuse "line without =" "PERMS$NL" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse:1: expected KEY=value"
refuse "two values" "PERMS=0644 0600$NL" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse:1: PERMS: unexpected text after the value (esmith-c accepts one literal)"
rm "$E/templates.metadata/srv/refuse"
mkdir -p "$E/templates.metadata/srv/refuse"
echo 'sub { 1 }' >"$E/templates.metadata/srv/refuse/FILTER"
check_fails "dir form FILTER: refused" expand-template /srv/refuse
check_eq "dir form FILTER: message names the file" \
    "ERROR: /etc/e-smith/templates.metadata/srv/refuse/FILTER: FILTER: not a literal value (the original evaluates Perl here; esmith-c accepts numbers, quoted strings and undef)" \
    "$(cat "$T_TMP/err")"

# Unknown keys: a warning, as in the original.
frag templates /srv/unknown 10 "x$NL"
meta /srv/unknown "COLOUR='blue'$NL"
check "unknown key: expands" expand-template /srv/unknown
check_eq "unknown key: warning" "WARNING: Unknown parameter 'COLOUR' in templates.metadata for /srv/unknown" "$(cat "$T_TMP/err")"

# MORE_DATA: literal variables for the fragments.
frag templates /srv/more 10 'port={ $port } name={ $name }'"$NL"
meta /srv/more "MORE_DATA={ port => 25, 'name' => \"smtp\", }$NL"
check "MORE_DATA: expand" expand-template /srv/more
check_eq "MORE_DATA: variables set" "port=25 name=smtp" "$(tail -n1 "$ROOT/srv/more")"
