#!/bin/sh
# Runs every test and prints one closing line "N passed, N failed".
#
# Each test program or script prints TAP-style lines: "ok ..." for a passed
# check, "not ok ..." for a failed one. A program that exits non-zero
# without reporting a failure counts as one failure, so a crash is never
# silent. Set TESTS="pattern" to run only matching files.
O=${O:-build}
export O
top=$(pwd)
export ESMITH_SRC="$top"
log="$O/test-logs"
mkdir -p "$log"
passed=0
failed=0
run_one() {
    name=$1
    shift
    out="$log/$(basename "$name").log"
    "$@" >"$out" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$out")
    f=$(grep -c '^not ok ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $name exited with status $rc" >>"$out"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -gt 0 ]; then
        echo "FAIL $name ($p passed, $f failed; log: $out)"
        grep '^not ok ' "$out" | head -20 | sed 's/^/    /'
        tail -n 15 "$out" | sed 's/^/    | /'
    else
        echo "PASS $name ($p passed)"
    fi
}
for t in "$O"/tests/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *"${TESTS:-}"*) ;; *) continue ;; esac
    CMOCKA_MESSAGE_OUTPUT=TAP run_one "$t" "$t"
done
for t in tests/cli/*.sh tests/oracle/*.sh tests/e2e/*.sh tests/pkg/*.sh; do
    [ -f "$t" ] || continue
    case "$t" in *"${TESTS:-}"*) ;; *) continue ;; esac
    run_one "$t" sh "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
