#!/bin/sh
# Crash safety of expand-template (issue 7): hundreds of expansions of a
# growing file, each SIGKILLed at a random moment; the target is always
# the old or the new complete file, never empty or partial. See
# tests/crash.pl.
. tests/lib.sh
if [ "${ESM_VALGRIND:-}" = 1 ]; then
    echo "# skipped under valgrind: the kill timing needs native speed"
    exit 0
fi
new_root
perl "$TOP/tests/crash.pl" expand
