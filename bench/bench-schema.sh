#!/bin/sh
# What schemas cost a write: median whole-process latency of
# `config setprop` on qpsmtpd with no schema directory, with the shipped
# qpsmtpd schema (loader, type check, warning rule through the template
# engine), and with 50 more schema files beside it; `config getprop` for
# comparison (it never loads a schema). Figures, not pass/fail.
set -eu
O=${O:-build}
BIN="$(pwd)/$O/bin"
RUNS=${RUNS:-100}
work=$(mktemp -d "${TMPDIR:-/tmp}/esmith-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home/e-smith/db"
export ESMITH_ROOT="$work"
SCHEMA="$work/etc/e-smith/db/configuration/schema"

median_us() {
    perl -MTime::HiRes=time -e '
        my $runs = shift; my @t;
        open my $report, ">&", \*STDOUT or die;
        open STDOUT, ">", "/dev/null"; open STDERR, ">", "/dev/null";
        for my $run (1 .. $runs) {
            my @cmd = map { (my $a = $_) =~ s/\@RUN\@/$run % 2 ? "rfc" : "strict"/e; $a } @ARGV;
            my $t0 = time; my $pid = fork // die;
            if (!$pid) { exec @cmd or exit 127 }
            waitpid $pid, 0; die "failed: @cmd\n" if $?;
            push @t, time - $t0;
        }
        @t = sort { $a <=> $b } @t;
        printf $report "%.0f\n", 1e6 * $t[$#t / 2];' "$@"
}

"$BIN/config" set qpsmtpd service status enabled HeloPolicy lenient HeloReject 1 >/dev/null 2>&1
printf '%-52s %8s\n' "case" "median"
printf '%-52s %6sus\n' "config getprop qpsmtpd HeloPolicy" \
    "$(median_us "$RUNS" "$BIN/config" getprop qpsmtpd HeloPolicy)"
printf '%-52s %6sus\n' "config setprop, no schema directory" \
    "$(median_us "$RUNS" "$BIN/config" setprop qpsmtpd HeloPolicy @RUN@)"
mkdir -p "$SCHEMA"
cp root/etc/e-smith/db/configuration/schema/qpsmtpd.xml "$SCHEMA/"
printf '%-52s %6sus\n' "config setprop, qpsmtpd schema (with warning rule)" \
    "$(median_us "$RUNS" "$BIN/config" setprop qpsmtpd HeloPolicy @RUN@)"
i=0
while [ $i -lt 50 ]; do
    sed "s/qpsmtpd sqpsmtpd/other$i/" "$SCHEMA/qpsmtpd.xml" >"$SCHEMA/other$i.xml"
    i=$((i + 1))
done
printf '%-52s %6sus\n' "config setprop, 51 schema files" \
    "$(median_us "$RUNS" "$BIN/config" setprop qpsmtpd HeloPolicy @RUN@)"
