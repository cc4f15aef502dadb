#!/bin/sh
# Crash safety of db/config (issue 7): hundreds of config setprop/set/delete
# with growing values, each SIGKILLed at a random moment; after every kill
# tdbtool check passes, the flat file is whole and equals `config print`,
# and the db is exactly the old or the new state. See tests/crash.pl.
. tests/lib.sh
if [ "${ESM_VALGRIND:-}" = 1 ]; then
    echo "# skipped under valgrind: the kill timing needs native speed"
    exit 0
fi
new_root
perl "$TOP/tests/crash.pl" db
