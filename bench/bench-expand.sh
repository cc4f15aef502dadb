#!/bin/sh
# bench-expand.sh - issue 3 item 5: expanding a 30-fragment file against a
# 3,000-record configuration db, as a whole process (exec, db open, render,
# compare/write), versus the same fragments through Debian's Text::Template
# in Perl (the oracle driver tests/oracle/tt-render.pl). Prints ms per
# expansion for both and the ratio. Figures, not pass/fail.
#   RUNS=N (default 200) C runs; PERL_RUNS=N (default 30) Perl runs.
set -eu
O=${O:-build}
TOP=$(pwd)
BIN="$TOP/$O/bin"
RUNS=${RUNS:-200}
PERL_RUNS=${PERL_RUNS:-30}
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

# median_us RUNS DIRTY cmd...: median wall time of RUNS runs of cmd, in
# microseconds, then that of /bin/true run alternately with it (the load
# of the shared machine drifts; alternating keeps them comparable), then
# cmd's mean CPU time (user+sys, which load hardly changes). DIRTY
# (a file or -) is appended to before each run, outside the timing, so the
# expansion really rewrites it.
median_us() {
    perl -MTime::HiRes=time -e '
        my ($runs, $dirty) = splice @ARGV, 0, 2; my (@t, @base, $cpu);
        open my $report, ">&", \*STDOUT or die;
        open STDOUT, ">", "/dev/null";
        sub run1 { my $t0 = time; my $pid = fork // die;
            if (!$pid) { exec @_ or exit 127 }
            waitpid $pid, 0; die "failed: @_\n" if $?; time - $t0 }
        for (1 .. $runs) {
            if ($dirty ne "-") { open my $f, ">>", $dirty or die; print $f "x\n"; close $f }
            my @c0 = times;
            push @t, run1(@ARGV);
            my @c1 = times;
            $cpu += $c1[2] + $c1[3] - $c0[2] - $c0[3];
            push @base, run1("/bin/true");
        }
        my $median = sub { my @s = sort { $a <=> $b } @_; 1e6 * $s[$#s / 2] };
        printf $report "%.0f %.0f %.0f\n", $median->(@t), $median->(@base), 1e6 * $cpu / $runs;' "$@"
}

frags=$(ls "$tdir" | grep -v template-begin | sed "s|^|$tdir/|")
set -- $(median_us "$RUNS" - "$BIN/expand-template" /etc/bench.conf)
same=$1 true_us=$2 same_cpu=$3
set -- $(median_us "$RUNS" "$ROOT/etc/bench.conf" "$BIN/expand-template" /etc/bench.conf)
rewritten=$1 rewritten_cpu=$3
# shellcheck disable=SC2086
set -- $(median_us "$PERL_RUNS" - perl "$DRIVER" --db "$ROOT/home/e-smith/db/configuration" \
    "$tdir/template-begin" $frags)
perl_us=$1 perl_cpu=$3

awk -v c="$same" -v w="$rewritten" -v p="$perl_us" -v t="$true_us" \
    -v cc="$same_cpu" -v wc="$rewritten_cpu" -v pc="$perl_cpu" 'BEGIN {
    printf "per expansion, whole process: median wall time (/bin/true: %.2f ms), mean CPU time\n", t / 1000
    printf "  expand-template, target unchanged:  %6.2f ms  %6.2f ms CPU\n", c / 1000, cc / 1000
    printf "  expand-template, target rewritten:  %6.2f ms  %6.2f ms CPU\n", w / 1000, wc / 1000
    printf "  Text::Template (tt-render.pl):      %6.2f ms  %6.2f ms CPU\n", p / 1000, pc / 1000
    printf "ratio (wall): %.1fx faster (unchanged), %.1fx (rewritten)\n", p / c, p / w
    if (cc > 0 && wc > 0)
        printf "ratio (CPU):  %.1fx faster (unchanged), %.1fx (rewritten)\n", pc / cc, pc / wc
}'
