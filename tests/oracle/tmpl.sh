#!/bin/sh
# Oracle test of the template engine: every case under tests/oracle/cases
# (a fragment file, or a directory of fragments rendered in name order in
# one package) is rendered by our engine (build/helpers/render) and by
# Debian's Text::Template (tt-render.pl) against the same db; the outputs
# must be byte-identical and both must succeed.
. "${ESMITH_SRC:-.}/tests/lib.sh"
. "$TOP/tests/oracle-lib.sh"
here="$TOP/tests/oracle"
cp "$here/oracle.db" "$T_TMP/configuration"
cp "$here/accounts.db" "$T_TMP/accounts"
for db in networks hosts domains; do
    cp "$here/$db.db" "$T_TMP/$db"
done
# Class->open(NAME) finds NAME here, in both engines
DBPATH=$T_TMP
export DBPATH
for case in "$here"/cases/*; do
    if [ -d "$case" ]; then
        set -- "$case"/*
    else
        set -- "$case"
    fi
    oracle_compare "$(basename "$case")" "" --db "$T_TMP/configuration" --event test-event "$@"
done
