#!/bin/sh
# make valgrind: the unit tests, tests/cli and tests/oracle again, with every
# tool and every unit test program run under valgrind (memcheck, leaks).
#
# Wrappers in $O-vg/{bin,tests,helpers} exec the real programs of $O under
# valgrind; the tests run with O=$O-vg, so they find the wrappers wherever
# they look for a tool. Valgrind writes its findings into the per-test
# report directory tests/run.sh provides ($ESM_REPORT_DIR): any error there
# fails the test, also where the tool itself was expected to fail.
# Tests that only make sense at native speed (crash-*: SIGKILL timing) see
# ESM_VALGRIND=1 and skip themselves. VALGRIND_TESTS="p1 p2" picks the
# TESTS patterns to run (default: unit, cli and oracle tests).
set -eu
O=${O:-build}
top=$(pwd)
# The tests get O as given (relative, usually): some build paths as $TOP/$O.
case "$O" in /*) real=$O ;; *) real=$top/$O ;; esac
vg=$real-vg
vg_o=$O-vg
supp=$top/tests/valgrind.supp
rm -rf "$vg"
mkdir -p "$vg/bin" "$vg/tests" "$vg/helpers"

# wrap PROGRAM WRAPPER [DIR]: a script that runs PROGRAM under valgrind.
# With DIR, PROGRAM is a bare name valgrind finds in DIR through PATH, so
# the tool sees the argv[0] a test gave it ("config", not a path: config
# is a link to db, and argv[0] shows in its log lines). Tools they start
# themselves then run without valgrind.
wrap() {
    path_set=""
    [ -n "${3:-}" ] && path_set="PATH=\"$3:\$PATH\" "
    cat >"$2" <<WRAP
#!/bin/sh
${path_set}exec valgrind -q --error-exitcode=99 --leak-check=full \\
  --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \\
  --suppressions=$supp \\
  --log-file="\${ESM_REPORT_DIR:-$vg}/valgrind.%p" "$1" "\$@"
WRAP
    chmod 0755 "$2"
}
for p in "$real"/bin/*; do
    [ -x "$p" ] && wrap "$(basename "$p")" "$vg/bin/$(basename "$p")" "$real/bin"
done
mkdir -p "$vg/fuzz-replay"
for p in "$real"/fuzz-replay/*; do
    [ -x "$p" ] && wrap "$p" "$vg/fuzz-replay/$(basename "$p")"
done
for p in "$real"/tests/test_*; do
    [ -x "$p" ] && wrap "$p" "$vg/tests/$(basename "$p")"
done
for p in "$real"/helpers/*; do
    [ -x "$p" ] && wrap "$p" "$vg/helpers/$(basename "$p")"
done

passed=0
failed=0
for pat in ${VALGRIND_TESTS:-$vg_o/tests/test_ tests/cli/ tests/oracle/}; do
    ESM_VALGRIND=1 O=$vg_o TESTS=$pat sh tests/run.sh | tee "$vg/run.out" || true
    last=$(tail -n 1 "$vg/run.out")
    p=${last%% passed*}
    f=${last#*passed, }
    f=${f%% failed*}
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
