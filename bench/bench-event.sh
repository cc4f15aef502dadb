#!/bin/sh
# bench-event.sh - the framework cost of `signal-event email-update` as a
# whole process (fork+exec+wait, what an admin's shell pays): start-up,
# handler collection, the peers/0 expansion, the service adjustment of
# qpsmtpd and sqpsmtpd, the log. The daemons' own restart is excluded:
# they are runit services whose `run` is a sleep, restarted by runsv after
# our control write, outside our process. Two cases: nothing changed (the
# rendered file is identical, nothing written) and HeloPolicy changed
# before every run (setprop untimed; the file is rewritten and fsync'd).
# Medians, next to /bin/true run alternately. Target: <= 10 ms.
set -eu
O=${O:-build}
TOP=$(pwd)
BIN="$TOP/$O/bin"
RUNS=${RUNS:-100}
R=$(mktemp -d "${TMPDIR:-/tmp}/esmith-bench-event.XXXXXX")
# runsv ignores a plain TERM while its service runs: `sv exit` stops both.
cleanup() {
    for s in qpsmtpd sqpsmtpd; do sv exit "$R/service/$s" >/dev/null 2>&1 || true; done
    wait
    rm -rf "$R"
}
trap cleanup EXIT
export ESMITH_ROOT="$R"
PATH="$BIN:$PATH"

mkdir -p "$R/home/e-smith/db" "$R/var/service/qpsmtpd/config/peers"
cp -a "$TOP/root/." "$R/"
initialize-default-databases
for s in qpsmtpd sqpsmtpd; do
    mkdir -p "$R/service/$s"
    printf '#!/bin/sh\nexec sleep 1000\n' >"$R/service/$s/run"
    chmod +x "$R/service/$s/run"
    runsv "$R/service/$s" </dev/null >/dev/null 2>&1 &
done
n=0
until [ -p "$R/service/qpsmtpd/supervise/control" ] && [ -p "$R/service/sqpsmtpd/supervise/control" ]; do
    n=$((n + 1))
    [ "$n" -lt 200 ] || { echo "runsv did not start" >&2; exit 1; }
    sleep 0.05
done
signal-event -v email-update

# median_ms RUNS CHANGE: median wall time of signal-event email-update,
# that of /bin/true run alternately, and the event's mean CPU time (user +
# system: what the shared machine's load does not inflate); with CHANGE,
# HeloPolicy flips before each run (untimed).
median_ms() {
    perl -MTime::HiRes=time -e '
        my ($runs, $change) = @ARGV; my (@t, @base, $cpu);
        sub run1 { my @c0 = times; my $t0 = time; my $pid = fork // die;
            if (!$pid) { open STDOUT, ">", "/dev/null"; exec @_ or exit 127 }
            waitpid $pid, 0; die "failed: @_\n" if $?; my $t = time - $t0; my @c1 = times;
            return ($t, $c1[2] + $c1[3] - $c0[2] - $c0[3]) }
        for my $run (1 .. $runs) {
            system("config", "setprop", "qpsmtpd", "HeloPolicy", $run % 2 ? "rfc" : "lenient")
                == 0 or die "setprop failed\n" if $change;
            my ($t, $c) = run1("signal-event", "email-update");
            push @t, $t; $cpu += $c;
            push @base, (run1("/bin/true"))[0];
        }
        my $median = sub { my @s = sort { $a <=> $b } @_; 1e3 * $s[$#s / 2] };
        printf "%.2f %.2f %.2f\n", $median->(@t), $median->(@base), 1e3 * $cpu / $runs;' "$@"
}
echo "signal-event email-update ($RUNS runs each; target <= 10 ms):"
set -- $(median_ms "$RUNS" 0)
echo "  nothing changed:    $1 ms median wall, $3 ms mean CPU (/bin/true: $2 ms wall)"
set -- $(median_ms "$RUNS" 1)
echo "  HeloPolicy changed: $1 ms median wall, $3 ms mean CPU (/bin/true: $2 ms wall)"
