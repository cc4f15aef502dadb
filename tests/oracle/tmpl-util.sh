#!/bin/sh
# Oracle test of esmith::util's functions and of directory reads: every
# case under tests/oracle/util-cases is rendered by our engine with
# $ESMITH_ROOT set to a test root and by Debian's Text::Template running
# from that root (its esmith::util::LdapPassword reads under $ESMITH_ROOT
# too), against the same db; the outputs must be byte-identical.
# The directories the cases list exist only under the root, so the cases
# name them by paths relative to it (Perl's cwd, our engine's `/`); a
# database opened by an absolute path is read under the root by both.
. "${ESMITH_SRC:-.}/tests/lib.sh"
. "$TOP/tests/oracle-lib.sh"
here="$TOP/tests/oracle"
cp "$here/oracle.db" "$T_TMP/configuration"
ROOT="$T_TMP/root"
mkdir -p "$ROOT/etc/openldap" "$ROOT/srv/templates/etc/hosts.allow" "$ROOT/srv/templates/empty"
printf 'Zm9vYmFyYmF6\nnot this line\n' >"$ROOT/etc/openldap/ldap.pw"
d="$ROOT/srv/templates/etc/hosts.allow"
for f in 00header 10sshd 20ftp 0 90local.rpmsave README; do
    printf '%s\n' "$f" >"$d/$f"
done
mkdir "$d/subdir"
ln -s 10sshd "$d/15link"
# the default template-begin a wordpress fragment includes, an empty file
mkdir -p "$ROOT/etc/e-smith/templates-default"
printf '#------\n# DO NOT MODIFY THIS FILE.\n#------\n' >"$ROOT/etc/e-smith/templates-default/template-begin"
: >"$ROOT/srv/templates/emptyfile"
# a database opened by its absolute server path (wireguard's peers)
mkdir -p "$ROOT/home/e-smith/db"
printf 'wg-quick@wg0=service|status|enabled\nalice=wg_peer|ip|10.10.0.2|pubkey|QUxJQ0U=|status|enabled\nbob=wg_peer|ip|10.10.0.3|pubkey|Qk9C|status|disabled\n' \
    >"$ROOT/home/e-smith/db/wireguard"

# its esmith::util reads under $ESMITH_ROOT as our engine does
ESMITH_ROOT=$ROOT
export ESMITH_ROOT
for case in "$here"/util-cases/*; do
    oracle_compare "$(basename "$case")" "$ROOT" --db "$T_TMP/configuration" "$case"
done
