#!/bin/sh
# Crash safety of signal-event (issue 7): "a kill -9 during signal-event"
# must not leave a half-written config file. Hundreds of runs of an event
# that expands a growing file, each SIGKILLed at a random moment; the
# target is always the old or the new complete file. See tests/crash.pl.
. tests/lib.sh
if [ "${ESM_VALGRIND:-}" = 1 ]; then
    echo "# skipped under valgrind: the kill timing needs native speed"
    exit 0
fi
new_root
CRASH_SECONDS=${CRASH_SECONDS:-25} perl "$TOP/tests/crash.pl" event
