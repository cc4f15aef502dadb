#!/bin/sh
# Oracle test of the template engine: every case under tests/oracle/cases
# (a fragment file, or a directory of fragments rendered in name order in
# one package) is rendered by our engine (build/helpers/render) and by
# Debian's Text::Template (tt-render.pl) against the same db; the outputs
# must be byte-identical and both must succeed.
. "${ESMITH_SRC:-.}/tests/lib.sh"
here="$TOP/tests/oracle"
render="$TOP/$O/helpers/render"
cp "$here/oracle.db" "$T_TMP/configuration"
cp "$here/accounts.db" "$T_TMP/accounts"
for db in networks hosts domains; do
    cp "$here/$db.db" "$T_TMP/$db"
done
# Class->open(NAME) finds NAME here, in both engines
DBPATH=$T_TMP
export DBPATH
for case in "$here"/cases/*; do
    name=$(basename "$case")
    if [ -d "$case" ]; then
        set -- "$case"/*
    else
        set -- "$case"
    fi
    if ! perl "$here/tt-render.pl" --db "$T_TMP/configuration" --event test-event "$@" \
        >"$T_TMP/want" 2>"$T_TMP/want.err"; then
        not_ok "$name: Text::Template fails on the case"
        sed 's/^/#   /' "$T_TMP/want.err" | head -5
        continue
    fi
    if ! "$render" --db "$T_TMP/configuration" --event test-event "$@" >"$T_TMP/got" \
        2>"$T_TMP/got.err"; then
        not_ok "$name: our engine fails"
        sed 's/^/#   /' "$T_TMP/got.err" | head -5
        continue
    fi
    if cmp -s "$T_TMP/want" "$T_TMP/got"; then
        ok "$name: byte-identical to Text::Template"
    else
        not_ok "$name: differs from Text::Template"
        diff "$T_TMP/want" "$T_TMP/got" | head -10 | sed 's/^/#   /'
    fi
done
