# tests/lib.sh - sourced by the shell tests. Prints TAP-style lines that
# tests/run.sh counts, and gives each test file a private SME root.
#
#   . tests/lib.sh
#   new_root                 # $ROOT: an empty SME layout; ESMITH_ROOT exported
#   check "name" cmd...      # ok when cmd exits 0
#   check_eq "name" expected actual
#   check_fails "name" cmd...# ok when cmd exits non-zero
set -u
O=${O:-build}
TOP=${ESMITH_SRC:-$(pwd)}
case "$O" in /*) BIN="$O/bin" ;; *) BIN="$TOP/$O/bin" ;; esac
PATH="$BIN:$PATH"
export PATH
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/esmith-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

check() {
    name=$1
    shift
    if "$@" >"$T_TMP/out" 2>"$T_TMP/err"; then ok "$name"; else
        not_ok "$name (exit $?)"
        sed 's/^/#   /' "$T_TMP/err" | head -5
    fi
}

check_fails() {
    name=$1
    shift
    if "$@" >"$T_TMP/out" 2>"$T_TMP/err"; then not_ok "$name (expected failure)"; else ok "$name"; fi
}

check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else
        not_ok "$1"
        printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
    fi
}

# A fresh, empty SME layout under $T_TMP/root.
new_root() {
    ROOT="$T_TMP/root"
    rm -rf "$ROOT"
    mkdir -p "$ROOT/home/e-smith/db" "$ROOT/etc/e-smith"
    ESMITH_ROOT="$ROOT"
    export ESMITH_ROOT
}
