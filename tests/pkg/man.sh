#!/bin/sh
# tests/pkg/man.sh - the man pages in man/: they format without a groff
# warning, and they cover what the built tools really offer (every command
# of db's usage text, every option of the other tools' usage text).
. tests/lib.sh

for m in man/*.[0-9]; do
    if ! command -v groff >/dev/null 2>&1; then
        echo "ok - $m formats cleanly # SKIP groff not installed"
        continue
    fi
    warnings=$(groff -man -ww -z "$m" 2>&1)
    check_eq "$m formats without groff warnings" "" "$warnings"
    check "$m has NAME, SYNOPSIS, DESCRIPTION, SEE ALSO" \
        sh -c "grep -q '^\.SH NAME' $m && grep -q '^\.SH SYNOPSIS' $m &&
               grep -q '^\.SH DESCRIPTION' $m && grep -q '^\.SH SEE ALSO' $m"
done

# documented WORD PAGE: the page shows WORD in bold as a command or option
# name: first word of a .B/.BR/.BI line, or \fBWORD\fP (roff writes its
# hyphens as \-).
documented() {
    w=$(printf '%s' "$1" | sed 's/-/\\\\-/g')
    grep -q -e "^\.B[IR]* $w\( \|$\)" -e "^\.B[IR]* \"$w[ \"]" -e "^\.RB \[ *$w\( \|$\)" \
        -e "\\\\fB$w\\\\f" "$2"
}

if [ -x "$BIN/db" ]; then
    # "    db dbfile CMD ..." lines of the usage text
    cmds=$("$BIN/db" 2>&1 | sed -n 's/^ *db [a-z]* \([a-z]*\).*/\1/p')
    check "db prints its usage with commands" test -n "$cmds"
    for c in $cmds; do
        check "db(8) documents '$c'" documented "$c" man/db.8
    done
else
    echo "ok - db(8) covers db's commands # SKIP db not built yet"
fi

for t in expand-template signal-event; do
    if [ -x "$BIN/$t" ]; then
        opts=$("$BIN/$t" --help 2>&1 | grep -o -e '--[a-z_-]*' -e '\[-[a-z]\]' | tr -d '[]' | sort -u)
        for o in $opts; do
            [ "$o" = "--help" ] && continue
            check "$t(8) documents $o" documented "$o" "man/$t.8"
        done
    else
        echo "ok - $t(8) covers its options # SKIP $t not built yet"
    fi
done
