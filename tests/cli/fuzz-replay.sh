#!/bin/sh
# Every committed fuzz corpus (fuzz/corpus/NAME/, seeds and the inputs of
# crashes found) replayed through its target built as a plain program
# ($O/fuzz-replay/fuzz_NAME, tests/fuzz-replay.c): no input may crash,
# and under SAN=1 none may make a sanitizer report (tests/run.sh).
. tests/lib.sh
set -- "$TOP/$O"/fuzz-replay/fuzz_*
[ -x "$1" ] || not_ok "no fuzz-replay programs in $O/fuzz-replay (make test builds them)"
for prog in "$@"; do
    [ -x "$prog" ] || continue
    name=${prog##*/fuzz_}
    set -- "$TOP/fuzz/corpus/$name"/*
    [ -e "$1" ] || set --
    if [ $# -eq 0 ]; then
        not_ok "fuzz corpus $name: no committed inputs"
        continue
    fi
    if "$prog" "$@" >"$T_TMP/out" 2>"$T_TMP/err"; then
        ok "fuzz corpus $name: $# inputs replayed"
    else
        not_ok "fuzz corpus $name: exit $? on $(grep '^# ' "$T_TMP/err" | tail -n 1 | cut -c3-)"
        tail -n 5 "$T_TMP/err" | sed 's/^/#   /'
    fi
done
