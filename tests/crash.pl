#!/usr/bin/perl
# tests/crash.pl - crash-safety loops for tests/cli/crash-*.sh.
#
#   perl tests/crash.pl db       config setprop/set/delete
#   perl tests/crash.pl expand   expand-template
#   perl tests/crash.pl event    signal-event expanding a template
#
# Each round runs one command to completion on a copy of the SME root (the
# reference: what "new" looks like, and how long the command takes), then
# starts the same command on the real root and SIGKILLs it after a random
# delay within that duration. After the kill the state must be exactly the
# old one or exactly the new one, and every file must be whole. The rounds
# are bounded by CRASH_SECONDS (default 40; on a slow machine up to twice
# that until CRASH_MIN_ROUNDS, default 100, have run) and CRASH_ROUNDS
# (default 400); CRASH_SEED makes a run repeatable. Prints TAP lines for tests/run.sh.
# Expects ESMITH_ROOT (an SME layout, see tests/lib.sh) and the tools on PATH.
use strict;
use warnings;
use Time::HiRes qw(time usleep);
use POSIX qw(_exit);
use File::Copy qw(copy);

my $mode = shift @ARGV // die "usage: crash.pl db|expand|event\n";
my $root = $ENV{ESMITH_ROOT} // die "crash.pl: ESMITH_ROOT is not set\n";
my $seconds = $ENV{CRASH_SECONDS} // 40;
my $max_rounds = $ENV{CRASH_ROUNDS} // 400;
my $min_rounds = $ENV{CRASH_MIN_ROUNDS} // 100;
my $seed = $ENV{CRASH_SEED} // (time() * 1000 ^ $$) % 1_000_000;
srand($seed);
print "# crash.pl $mode: seed $seed (CRASH_SEED=$seed repeats this run)\n";

my $scratch = "$root.ref";
my @failures;

# CRASH_KEEP=DIR keeps a copy of the root as it was at the first failure.
sub fail_round {
    my ($round, $what) = @_;
    push @failures, "round $round: $what";
    system('cp', '-a', $root, $ENV{CRASH_KEEP}) if $ENV{CRASH_KEEP} && @failures == 1;
    return 0;
}

# Runs argv to completion with ESMITH_ROOT=$r; returns (exit status, stdout,
# stderr, seconds taken).
sub run_capture {
    my ($r, @argv) = @_;
    my $out = "$root.out";
    my $t0 = time;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        $ENV{ESMITH_ROOT} = $r;
        open STDOUT, '>', "$out.1" or _exit(126);
        open STDERR, '>', "$out.2" or _exit(126);
        exec { $argv[0] } @argv or _exit(127);
    }
    waitpid $pid, 0;
    my $status = $?;
    my $took = time - $t0;
    return ($status, slurp("$out.1"), slurp("$out.2"), $took);
}

# Starts argv on the real root and SIGKILLs it after $delay seconds (when
# it is still running). Returns 1 when the kill hit a running command.
sub run_killed {
    my ($delay, @argv) = @_;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        # Under SAN=1: a SIGKILL that lands while LeakSanitizer checks the
        # exiting process makes its helper thread report "Unable to get
        # registers"; leaks are checked on the reference run instead.
        $ENV{ASAN_OPTIONS} = join ':', grep { $_ } $ENV{ASAN_OPTIONS}, 'detect_leaks=0';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', '/dev/null';
        exec { $argv[0] } @argv or _exit(127);
    }
    usleep($delay * 1e6) if $delay > 0;
    my $hit = kill('KILL', $pid);
    waitpid $pid, 0;
    return $hit && ($? & 127) == 9 ? 1 : 0;
}

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or return undef;
    local $/;
    my $data = <$fh>;
    return $data // '';
}

sub copy_root {
    system('rm', '-rf', $scratch) == 0 or die "rm $scratch failed\n";
    system('cp', '-a', $root, $scratch) == 0 or die "cp -a $root failed\n";
}

# A value of about $len bytes that differs every round; now and then with
# a newline (stored as "\n") or a '|' (stored as "\|").
sub value_for {
    my ($round, $len) = @_;
    my @chars = ('a' .. 'z', 'A' .. 'Z', '0' .. '9', ' ', '.', ',', ':', '-', '_', '@');
    my $v = "r$round-";
    $v .= $chars[int rand @chars] while length $v < $len;
    substr($v, int($len / 2), 1) = "\n" if $round % 3 == 0;
    substr($v, int($len / 3), 1) = '|' if $round % 5 == 0;
    return "$v.";
}

# ---- db ----

my @HEADER = (
    '# DO NOT MODIFY THIS FILE.',
    '# This file is automatically maintained by the Mitel Networks SME Server',
    '# configuration software.  Manually editing this file may put your ',
    '# system in an unknown state.',
    '#',
);

# The flat file as `config print` shows it (newlines restored), or undef
# and why it is not a whole, well-formed e-smith flat file.
sub flat_as_print {
    my ($path) = @_;
    my $data = slurp($path);
    return (undef, "flat file missing") unless defined $data;
    return (undef, "flat file does not end with a newline") unless $data =~ /\n\z/;
    my @lines = split /\n/, $data;
    for my $i (0 .. $#HEADER) {
        my $line = $lines[$i] // '';
        return (undef, "header line " . ($i + 1) . " is '$line'") unless $line eq $HEADER[$i];
    }
    return (undef, "no '# updated:' line")
        unless ($lines[5] // '') =~ /^# updated: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/;
    my ($prev, $print) = (undef, '');
    for my $n (6 .. $#lines) {
        my ($key, $value) = $lines[$n] =~ /^([^=]+)=(.*)$/s
            or return (undef, "line " . ($n + 1) . " is not key=value: '$lines[$n]'");
        return (undef, "line " . ($n + 1) . ": key '$key' out of order")
            if defined $prev && $key le $prev;
        $prev = $key;
        $value =~ s/\\n/\n/g;
        $print .= "$key=$value\n";
    }
    return ($print, '');
}

sub db_print {
    my ($r) = @_;
    my ($status, $out, $err) = run_capture($r, 'config', 'print');
    my $rc = $status >> 8;
    return (undef, "config print exited with status $status: $err")
        if ($status & 127) || ($rc != 0 && !($rc == 1 && $out eq ''));
    return (undef, "config print wrote to stderr: $err") if $err ne '';
    return ($out, '');
}

# 1 when a copy of the TDB fails tdbtool check (the copy: tdbtool's own
# recovery must not do the next command's work). Counted, not a failure.
my $torn_tdb = 0;

sub tdb_torn {
    my ($tdb) = @_;
    return 0 unless -e $tdb;
    copy($tdb, "$tdb.check") or die "cannot copy $tdb: $!\n";
    my $bad = tdb_check("$tdb.check");
    unlink "$tdb.check";
    return $bad ? 1 : 0;
}

# tdbtool check: '' when the TDB passes, else what it says.
sub tdb_check {
    my ($tdb) = @_;
    return '' unless -e $tdb;
    my $out = `tdbtool '$tdb' check 2>&1`;
    return $out =~ /Database integrity is OK/ ? '' : "tdbtool check: $out";
}

sub db_keys {
    my ($print) = @_;
    return sort keys %{{ map { /^([^=]+)=/ ? ($1 => 1) : () } split /\n/, $print }};
}

# The command of one round: mostly setprop of one or two props with values
# growing from round to round, sometimes a whole set or a delete.
sub db_command {
    my ($round, $print) = @_;
    my @keys = db_keys($print);
    my $len = 20 + 160 * $round;
    $len = 65536 if $len > 65536;
    my $pick = rand;
    if (@keys > 4 && $pick < 0.15) {
        return ('config', 'delete', $keys[int rand @keys]);
    }
    if (!@keys || $pick < 0.4) {
        my $key = sprintf 'k%02d', int rand 12;
        return ('config', 'set', $key, 'service', 'status', 'enabled',
                'big', value_for($round, $len), 'small', "s$round");
    }
    my $key = $keys[int rand @keys];
    return ('config', 'setprop', $key, 'big', value_for($round, $len))
        if $round % 2;
    return ('config', 'setprop', $key, 'big', value_for($round, $len),
            'other', value_for($round + 1, 1 + int($len / 4)));
}

sub crash_db {
    my $dbdir = "$root/home/e-smith/db";
    my $flat = "$dbdir/configuration";
    for my $i (0 .. 5) {
        my $key = sprintf 'k%02d', $i;
        my ($status, undef, $err) = run_capture($root, 'config', 'set', $key, 'service',
                                                'status', 'enabled', 'big', "initial $i");
        die "setup: config set $key failed: $err\n" if $status != 0;
    }
    my ($old, $why) = db_print($root);
    die "setup: $why\n" unless defined $old;

    my ($rounds, $killed, $saw_old, $saw_new, $t_end) = (0, 0, 0, 0, time + $seconds);
    while ($rounds < $max_rounds && @failures < 5
        && (time < $t_end || ($rounds < $min_rounds && time < $t_end + $seconds))) {
        my $round = ++$rounds;
        my @cmd = db_command($round, $old);
        copy_root();
        my ($status, undef, $err, $took) = run_capture($scratch, @cmd);
        if ($status != 0) {
            fail_round($round, "reference run of '@cmd[0..2]' failed ($status): $err");
            last;
        }
        my ($new, $why_new) = db_print($scratch);
        if (!defined $new) {
            fail_round($round, "reference: $why_new");
            last;
        }
        $killed += run_killed(rand($took * 1.2), @cmd);

        # Right after the kill, before any tool repairs anything: the flat
        # file is whole and old or new. (The TDB may be mid-transaction
        # here; libtdb's own recovery and our rebuild deal with that when
        # the next command opens it, checked below.)
        $torn_tdb += tdb_torn("$flat.tdb");
        my ($flat_view, $why_flat) = flat_as_print($flat);
        if (!defined $flat_view) {
            fail_round($round, "after the kill: $why_flat");
            next;
        }
        if ($flat_view ne $old && $flat_view ne $new) {
            fail_round($round, "flat file is neither the old nor the new state after '@cmd[0..2]'");
            next;
        }
        # The next command sees the TDB agree with the flat file, and the
        # TDB it leaves passes tdbtool check.
        my ($view, $why_view) = db_print($root);
        if (!defined $view) {
            fail_round($round, "after the kill: $why_view");
            next;
        }
        fail_round($round, "config print differs from the flat file after '@cmd[0..2]'")
            if $view ne $flat_view;
        my $bad = tdb_check("$flat.tdb");
        fail_round($round, "after the next command: $bad") if $bad;
        my ($flat_after) = flat_as_print($flat);
        fail_round($round, "the next command changed the flat file")
            if !defined $flat_after || $flat_after ne $flat_view;
        $saw_old++ if $view eq $old && $old ne $new;
        $saw_new++ if $view eq $new && $old ne $new;
        $old = $view;
    }
    # The db still takes writes: no lock or transaction was left behind.
    my ($status, undef, $err) = run_capture($root, 'config', 'set', 'final', 'service',
                                            'status', 'enabled');
    push @failures, "config set after the last kill failed: $err" if $status != 0;
    my @temps = grep { !/\/configuration(\.tdb|\.lock)?$/ } glob "$dbdir/*";
    print "# $rounds rounds, $killed killed while running; state after a kill: "
        . "old $saw_old times, new $saw_new times; " . scalar(@temps)
        . " temporary files left by killed writers; $torn_tdb times the TDB failed tdbtool check right after the kill\n";
    report($rounds, $killed, $saw_old, $saw_new);
}

# ---- expand-template ----

# A whole-file template under templates/ of the copy at $r: literal text
# only, so the expected output is exactly the template.
sub expand_content {
    my ($round) = @_;
    my $len = 100 + 2000 * $round;
    $len = 1 << 20 if $len > 1 << 20;
    my $line = "round $round " . ('x' x 60) . "\n";
    my $text = '';
    $text .= $line while length $text < $len;
    return $text;
}

# expand: the command is expand-template TARGET; event: signal-event of
# an event that has TARGET in its templates2expand/ (the expansion runs
# inside signal-event).
sub crash_expand {
    my $target = '/etc/crash-test.conf';
    my $tmpl = "$root/etc/e-smith/templates$target";
    my $out = "$root$target";
    my @cmd = ('expand-template', $target);
    system('mkdir', '-p', "$root/etc/e-smith/templates/etc") == 0 or die "mkdir failed\n";
    if ($mode eq 'event') {
        my $reg = "$root/etc/e-smith/events/crash-ev/templates2expand$target";
        system('mkdir', '-p', "$root/etc/e-smith/events/crash-ev/templates2expand/etc") == 0
            or die "mkdir failed\n";
        write_file($reg, '');
        @cmd = ('signal-event', 'crash-ev');
    }
    write_file($tmpl, expand_content(0));
    my ($status, undef, $err) = run_capture($root, @cmd);
    die "setup: @cmd failed: $err\n" if $status != 0;
    my $old = slurp($out);
    die "setup: @cmd wrote nothing\n" unless defined $old && $old ne '';

    my ($rounds, $killed, $saw_old, $saw_new, $t_end) = (0, 0, 0, 0, time + $seconds);
    while ($rounds < $max_rounds && @failures < 5
        && (time < $t_end || ($rounds < $min_rounds && time < $t_end + $seconds))) {
        my $round = ++$rounds;
        my $text = expand_content($round);
        write_file($tmpl, $text);
        copy_root();
        my ($st, undef, $e, $took) = run_capture($scratch, @cmd);
        my $new = slurp("$scratch$target");
        if ($st != 0 || !defined $new || $new ne $text) {
            fail_round($round, "reference expansion failed ($st) or differs from the template: $e");
            last;
        }
        $killed += run_killed(rand($took * 1.2), @cmd);
        my $now = slurp($out);
        if (!defined $now) {
            fail_round($round, "target missing after the kill");
            last;
        }
        if ($now ne $old && $now ne $new) {
            fail_round($round, "target is neither the old nor the new file ("
                . length($now) . " bytes; old " . length($old) . ", new " . length($new) . ")");
            last;
        }
        $saw_old++ if $now eq $old;
        $saw_new++ if $now eq $new;
        $old = $now;
    }
    my @temps = glob "$root/etc/.crash-test.conf.*";
    ($status, undef, $err) = run_capture($root, @cmd);
    push @failures, "$cmd[0] after the last kill failed: $err" if $status != 0;
    my @after = glob "$root/etc/.crash-test.conf.*";
    print "# $rounds rounds, $killed killed while running; target after a kill: "
        . "old $saw_old times, new $saw_new times; " . scalar(@temps)
        . " temporary files left by killed expansions before the last run, "
        . scalar(@after) . " after it\n";
    report($rounds, $killed, $saw_old, $saw_new);
    # Each expansion removes what killed ones left beside its target.
    print((@after ? "not ok" : "ok")
        . " - $mode: no temporary file left once an expansion ran after the kills\n");
}

sub write_file {
    my ($path, $data) = @_;
    open my $fh, '>:raw', $path or die "cannot write $path: $!\n";
    print $fh $data;
    close $fh or die "cannot write $path: $!\n";
}

sub report {
    my ($rounds, $killed, $saw_old, $saw_new) = @_;
    if (@failures) {
        print "not ok - $mode: state after SIGKILL is whole and old or new\n";
        print "#   $_\n" for @failures;
    } else {
        print "ok - $mode: state after every SIGKILL is whole and old or new ($rounds rounds)\n";
    }
    # A loop that never hits the window proves nothing.
    if ($rounds >= $min_rounds) {
        print "ok - $mode: $rounds rounds ran\n";
    } else {
        print "not ok - $mode: only $rounds rounds ran (want $min_rounds)\n";
    }
    if ($killed * 4 >= $rounds) {
        print "ok - $mode: a quarter of the kills or more hit a running command\n";
    } else {
        print "not ok - $mode: only $killed of $rounds kills hit a running command\n";
    }
    if ($saw_old > 0 && $saw_new > 0) {
        print "ok - $mode: kills landed both before and after the commit\n";
    } else {
        print "not ok - $mode: kills never left the "
            . ($saw_old ? 'new' : 'old') . " state (old $saw_old, new $saw_new)\n";
    }
}

if ($mode eq 'db') {
    crash_db();
} elsif ($mode eq 'expand' || $mode eq 'event') {
    crash_expand();
} else {
    die "crash.pl: unknown mode $mode\n";
}
system('rm', '-rf', $scratch, "$root.out.1", "$root.out.2");
exit 0;
