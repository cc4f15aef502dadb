#!/bin/sh
# bench-expand.sh - issue 3 item 5: expanding a 30-fragment file against a
# 3,000-record configuration db, as a whole process (exec, db open, render,
# compare/write), versus the same fragments through Debian's Text::Template
# in Perl (the oracle driver tests/oracle/tt-render.pl). Prints ms per
# expansion for both and the ratio. Figures, not pass/fail.
#   RUNS=N (default 200) C runs; PERL_RUNS=N (default 20) Perl runs.
set -eu
O=${O:-build}
TOP=$(pwd)
BIN="$TOP/$O/bin"
RUNS=${RUNS:-200}
PERL_RUNS=${PERL_RUNS:-20}
DRIVER=${DRIVER:-"$TOP/tests/oracle/tt-render.pl"}
[ -x "$BIN/expand-template" ] || { echo "bench-expand: build first ($BIN/expand-template missing)"; exit 1; }
[ -f "$DRIVER" ] || { echo "bench-expand: oracle driver $DRIVER missing"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/esmith-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ROOT="$tmp/root"
tdir="$ROOT/etc/e-smith/templates/etc/bench.conf"
mkdir -p "$ROOT/home/e-smith/db" "$ROOT/etc" "$tdir"

# 3,000 records: services with props, and single-value records.
awk 'BEGIN {
    print "# DO NOT MODIFY THIS FILE."
    print "# This file is automatically maintained by the Mitel Networks SME Server"
    print "# configuration software.  Manually editing this file may put your "
    print "# system in an unknown state."
    print "#"
    print "# updated: Sun Nov 29 03:12:35 2026"
    for (i = 0; i < 3000; i++) {
        k = sprintf("rec%04d", i)
        if (i % 3 == 0) printf "%s=value-%d\n", k, i
        else printf "%s=service|TCPPort|%d|access|%s|status|%s\n", k, 1000 + i,
            (i % 2 ? "public" : "private"), (i % 5 ? "enabled" : "disabled")
    }
    print "DomainName=example.org"
    print "qpsmtpd=service|HeloPolicy|rfc|HeloReject|1|status|enabled"
}' | sort >"$ROOT/home/e-smith/db/configuration"

# 30 fragments in the style of real SME ones: record lookups, conditions,
# loops appending to $OUT, string operators, sprintf, join.
printf '#\n# bench.conf - generated\n#\n' >"$tdir/template-begin"
i=1
while [ $i -le 29 ]; do
    a=$(printf 'rec%04d' $((i * 97 % 3000 / 3 * 3 + 1)))
    b=$(printf 'rec%04d' $((i * 61 % 3000 / 3 * 3 + 2)))
    c=$(printf 'rec%04d' $((i * 31 % 3000 / 3 * 3)))
    cat >"$tdir/$(printf '%02d' $((i * 3)))frag" <<FRAG
# fragment $i
{
    my \$status = \$$a{status} || 'disabled';
    \$OUT = '';
    if (\$status eq 'enabled') {
        \$OUT .= "listen $a port \$$a{TCPPort} (\$$a{access})\n";
    } else {
        \$OUT .= "# $a is \$status\n";
    }
    foreach my \$p (qw(TCPPort access status)) {
        \$OUT .= sprintf("%-8s %s\n", \$p, defined \$$b{\$p} ? \$$b{\$p} : '-');
    }
}
value of $c: { \$$c }
{ join(",", map { "\$_=\$$b{\$_}" } sort keys %$b) }
helo { \$qpsmtpd{HeloPolicy} || 'lenient' } reject { \$qpsmtpd{HeloReject} || 'naughty' }
{ \$count = (\$count || 0) + 1; "fragments so far: \$count" }
FRAG
    i=$((i + 1))
done
ls "$tdir" | wc -l | awk '{ printf "fragments: %d, records: 3000\n", $1 }'

export ESMITH_ROOT="$ROOT"
"$BIN/expand-template" /etc/bench.conf # imports the flat file into TDB once
perl "$DRIVER" --db "$ROOT/home/e-smith/db/configuration" "$tdir/template-begin" \
    $(ls "$tdir" | grep -v template-begin | sed "s|^|$tdir/|") >"$tmp/perl.out"
if cmp -s "$tmp/perl.out" "$ROOT/etc/bench.conf"; then
    echo "outputs: byte-identical ($(wc -c <"$tmp/perl.out") bytes)"
else
    echo "outputs: DIFFER (the comparison below is not meaningful)"
fi

now_ns() { date +%s%N; }
t0=$(now_ns)
n=0
while [ $n -lt "$RUNS" ]; do
    "$BIN/expand-template" /etc/bench.conf
    n=$((n + 1))
done
t1=$(now_ns)
# The same with a change to write each time (temp file, fsync, rename).
n=0
while [ $n -lt "$RUNS" ]; do
    echo "x" >>"$ROOT/etc/bench.conf"
    "$BIN/expand-template" /etc/bench.conf
    n=$((n + 1))
done
t2=$(now_ns)
n=0
while [ $n -lt "$RUNS" ]; do
    echo "x" >>"$ROOT/etc/bench.conf"
    n=$((n + 1))
done
t3=$(now_ns)
frags=$(ls "$tdir" | grep -v template-begin | sed "s|^|$tdir/|")
n=0
while [ $n -lt "$PERL_RUNS" ]; do
    perl "$DRIVER" --db "$ROOT/home/e-smith/db/configuration" "$tdir/template-begin" $frags >/dev/null
    n=$((n + 1))
done
t4=$(now_ns)

awk -v c=$((t1 - t0)) -v w=$((t2 - t1 - (t3 - t2))) -v p=$((t4 - t3)) -v r="$RUNS" -v pr="$PERL_RUNS" 'BEGIN {
    cm = c / r / 1e6; wm = w / r / 1e6; pm = p / pr / 1e6
    printf "expand-template (unchanged target): %.2f ms per expansion (%d runs)\n", cm, r
    printf "expand-template (target rewritten): %.2f ms per expansion\n", wm
    printf "Text::Template (tt-render.pl):      %.2f ms per expansion (%d runs)\n", pm, pr
    printf "ratio: %.1fx faster (unchanged), %.1fx (rewritten)\n", pm / cm, pm / wm
}'
