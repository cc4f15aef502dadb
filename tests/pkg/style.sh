#!/bin/sh
# The code style the guide asks for, checked by `make test` before every
# landing as CI checks it (.ci/run: make format-check cppcheck): every
# tracked C file clang-formatted and cppcheck clean. Fix the first with
# `make format`.
. tests/lib.sh
cd "$TOP" || exit 1
if ! git rev-parse --git-dir >/dev/null 2>&1; then
    echo "ok - style # SKIP not a git checkout"
    exit 0
fi
if command -v clang-format >/dev/null; then
    # shellcheck disable=SC2046
    bad=$(clang-format --dry-run -Werror $(git ls-files '*.c' '*.h') 2>&1 |
        sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error:.*/\1/p' | sort -u | tr '\n' ' ')
    check_eq "every tracked C file is clang-formatted (fix: make format)" "" "$bad"
else
    echo "ok - clang-format # SKIP not installed (make deps)"
fi
if command -v cppcheck >/dev/null; then
    if make -s --no-print-directory cppcheck >"$T_TMP/cppcheck" 2>&1; then
        ok "cppcheck clean (make cppcheck)"
    else
        not_ok "cppcheck clean (make cppcheck)"
        sed 's/^/#   /' "$T_TMP/cppcheck" | head -20
    fi
else
    echo "ok - cppcheck # SKIP not installed (make deps)"
fi
