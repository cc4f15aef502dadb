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
case "$log" in /*) ;; *) log="$top/$log" ;; esac
passed=0
failed=0
# Sanitizer (SAN=1 builds) and valgrind (make valgrind) reports go to files
# in a directory per test, not to stderr: a tool that dies of a sanitizer
# report where the test expected it to fail must still fail the test.
# LeakSanitizer is on; the first report ends the process.
san_options() {
    rep=$1
    ESM_REPORT_DIR=$rep
    ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1"
    ASAN_OPTIONS="$ASAN_OPTIONS:detect_stack_use_after_return=1:check_initialization_order=1"
    ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$rep/asan"
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1:log_path=$rep/ubsan"
    LSAN_OPTIONS="report_objects=1"
    export ESM_REPORT_DIR ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
}
run_one() {
    name=$1
    shift
    out="$log/$(basename "$name").log"
    rep="$log/reports/$(basename "$name")"
    rm -rf "$rep"
    mkdir -p "$rep"
    chmod 1777 "$rep" # tools a test runs as another user report here too
    (san_options "$rep" && "$@") >"$out" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$out")
    f=$(grep -c '^not ok ' "$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "not ok - $name exited with status $rc" >>"$out"
    fi
    for r in $(find "$rep" -type f -size +0c | sort); do
        f=$((f + 1))
        echo "not ok - $name: sanitizer/valgrind report $r" >>"$out"
        head -n 40 "$r" | sed 's/^/#   /' >>"$out"
    done
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
