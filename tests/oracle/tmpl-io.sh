#!/bin/sh
# Oracle test of the template engine's read-only file access: every case
# under tests/oracle/io-cases is rendered by our engine with $ESMITH_ROOT
# set to a test root and by Debian's Text::Template running from that root,
# against the same db; the outputs must be byte-identical.
#
# Both engines must see the same files. Perl reads absolute paths from the
# real `/`, so the root holds copies of the system files the cases read
# (/etc/shells, /etc/passwd ...) and no file a real Debian system lacks at
# its absolute path; the files only this test has are read through paths
# relative to the root (Perl's cwd), which our engine takes from the root.
. "${ESMITH_SRC:-.}/tests/lib.sh"
. "$TOP/tests/oracle-lib.sh"
here="$TOP/tests/oracle"
cp "$here/oracle.db" "$T_TMP/configuration"
cp "$here/accounts.db" "$T_TMP/accounts"
DBPATH=$T_TMP
export DBPATH
ROOT="$T_TMP/root"
mkdir -p "$ROOT/etc" "$ROOT/srv/oracle/certs"
for f in passwd group shells login.defs os-release hostname; do
    if [ -f "/etc/$f" ]; then cp "/etc/$f" "$ROOT/etc/$f"; fi
done
d="$ROOT/srv/oracle"
printf '# hosts allowed to relay\n10.0.0.1\n\n# office\n192.168.1.0/24 office\n172.16.5.4  lab\n' >"$d/relay.list"
printf 'alice\nbob\ncarol\n' >"$d/users"
printf 'no newline at the end' >"$d/partial"
: >"$d/empty"
printf '#!/bin/sh\nexit 0\n' >"$d/hook.sh"
chmod 0755 "$d/hook.sh"
printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' >"$d/certs/server.crt"
ln -s server.crt "$d/certs/current.crt"
ln -s missing.crt "$d/certs/dangling.crt"
printf 'key=value\nname = esmith\n[section]\nkey2=v2\n' >"$d/settings.ini"

for case in "$here"/io-cases/*; do
    oracle_compare "$(basename "$case")" "$ROOT" --db "$T_TMP/configuration" \
        --event test-event "$case"
done
