# tests/oracle-lib.sh - sourced after tests/lib.sh by the oracle tests that
# compare our engine with Debian's Text::Template (not a test itself:
# tests/run.sh runs only the tests/*/*.sh files).

# oracle_compare NAME ROOT ARG...: renders ARG... (tt-render.pl's and our
# render helper's options and fragments) with both engines and reports one
# ok when both succeed with byte-identical output, so a case cannot pass
# on an engine's error. With ROOT set, Perl runs from ROOT (where the
# cases' relative paths lead) and our engine gets ESMITH_ROOT=ROOT;
# empty, both read the real `/`.
oracle_compare() {
    oc_name=$1
    oc_root=$2
    shift 2
    if ! (cd "${oc_root:-.}" && perl "$TOP/tests/oracle/tt-render.pl" "$@") \
        >"$T_TMP/want" 2>"$T_TMP/want.err"; then
        not_ok "$oc_name: Text::Template fails on the case"
        sed 's/^/#   /' "$T_TMP/want.err" | head -5
        return
    fi
    if ! (if [ -n "$oc_root" ]; then export ESMITH_ROOT="$oc_root"; fi &&
        "$TOP/$O/helpers/render" "$@") >"$T_TMP/got" 2>"$T_TMP/got.err"; then
        not_ok "$oc_name: our engine fails"
        sed 's/^/#   /' "$T_TMP/got.err" | head -5
        return
    fi
    if cmp -s "$T_TMP/want" "$T_TMP/got"; then
        ok "$oc_name: byte-identical to Text::Template"
    else
        not_ok "$oc_name: differs from Text::Template"
        diff "$T_TMP/want" "$T_TMP/got" | head -10 | sed 's/^/#   /'
    fi
}
