#!/bin/sh
# Median whole-process latency of `db ... get`, `getprop`, `setprop` on
# databases of 100, 10,000 and 100,000 records, next to a bare /bin/true
# start. Each run is one fork+exec+wait of the real binary (what a shell
# script calling `config getprop` pays). Figures, not pass/fail.
set -eu
O=${O:-build}
BIN="$(pwd)/$O/bin"
RUNS=${RUNS:-200}
WRITE_RUNS=${WRITE_RUNS:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/esmith-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home/e-smith/db"
export ESMITH_ROOT="$work"

# median_us RUNS cmd...: median wall time of RUNS runs, in microseconds,
# then that of /bin/true run alternately with it (the machine's load
# drifts; alternating keeps the two comparable). An argument @RUN@ becomes
# the run's number (so every setprop changes the value and really
# rewrites the TDB and the flat file).
median_us() {
    perl -MTime::HiRes=time -e '
        my $runs = shift; my (@t, @base);
        open my $report, ">&", \*STDOUT or die;
        open STDOUT, ">", "/dev/null";
        sub run1 { my $t0 = time; my $pid = fork // die;
            if (!$pid) { exec @_ or exit 127 }
            waitpid $pid, 0; die "failed: @_\n" if $?; time - $t0 }
        for my $run (1 .. $runs) {
            push @t, run1(map { (my $a = $_) =~ s/\@RUN\@/$run/; $a } @ARGV);
            push @base, run1("/bin/true");
        }
        my $median = sub { my @s = sort { $a <=> $b } @_; 1e6 * $s[$#s / 2] };
        printf $report "%.0f %.0f\n", $median->(@t), $median->(@base);' "$@"
}

# flat_file N: an e-smith flat file with N service records.
flat_file() {
    perl -e '
        print "# DO NOT MODIFY THIS FILE.\n#\n";
        printf "svc%06d=service|InitscriptOrder|%d|access|private|status|enabled\n", $_, $_ % 99
            for 1 .. $ARGV[0];' "$1"
}

printf '%-8s %8s %8s %8s %10s  (median microseconds per process;\n' records get getprop setprop /bin/true
printf '%47s\n' '/bin/true alternated with getprop)'
for n in 100 10000 100000; do
    db="$work/home/e-smith/db/bench$n"
    flat_file "$n" >"$db"
    "$BIN/db" "bench$n" get svc000001 >/dev/null # first use imports the flat file
    key=$(printf 'svc%06d' $((n / 2)))
    set -- $(median_us "$RUNS" "$BIN/db" "bench$n" get "$key")
    get=$1
    set -- $(median_us "$RUNS" "$BIN/db" "bench$n" getprop "$key" status)
    getprop=$1 true_us=$2
    set -- $(median_us "$WRITE_RUNS" "$BIN/db" "bench$n" setprop "$key" status "v@RUN@")
    setprop=$1
    printf '%-8s %8s %8s %8s %10s\n' "$n" "$get" "$getprop" "$setprop" "$true_us"
done
