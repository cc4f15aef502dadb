#!/bin/sh
# Every change is logged to syslog as the original does (local1.info,
# "PATH: OLD key=old", "PATH: NEW key=new", "PATH: DELETE key=old"); an
# unchanged value logs nothing. A listener on $ESMITH_ROOT/dev/log plays
# the log daemon.
. tests/lib.sh
new_root
mkdir -p "$ROOT/dev"
LOG="$T_TMP/syslog"
perl -MIO::Socket::UNIX -e '
    my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM(), Local => $ARGV[0]) or die "listen: $!";
    open my $out, ">>", $ARGV[1] or die; $out->autoflush(1);
    print STDOUT "ready\n"; close STDOUT;
    while (defined $s->recv(my $msg, 65536)) { print $out "$msg\n" }' \
    "$ROOT/dev/log" "$LOG" >"$T_TMP/ready" &
listener=$!
n=0
while [ ! -s "$T_TMP/ready" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done

config set qpsmtpd service status enabled >/dev/null
config setprop qpsmtpd HeloPolicy rfc Note "two
lines" >/dev/null
config setprop qpsmtpd HeloPolicy rfc Note "two
lines" >/dev/null
config setprop qpsmtpd Name "caf$(printf '\351')" >/dev/null
config delete qpsmtpd >/dev/null
sleep 0.2
kill "$listener"

F=/home/e-smith/db/configuration
sed 's/^<\([0-9]*\)>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} \([^[]*\)\[[0-9]*\]: /<\1> \2: /' "$LOG" >"$T_TMP/got"
cat >"$T_TMP/want" <<WANT
<142> config: $F: OLD qpsmtpd=(undefined)
<142> config: $F: NEW qpsmtpd=service|status|enabled
<142> config: $F: OLD qpsmtpd=service|status|enabled
<142> config: $F: NEW qpsmtpd=service|HeloPolicy|rfc|Note|two\\nlines|status|enabled
<142> config: $F: OLD qpsmtpd=service|HeloPolicy|rfc|Note|two\\nlines|status|enabled
<142> config: $F: NEW qpsmtpd=service|HeloPolicy|rfc|Name|caf_|Note|two\\nlines|status|enabled
<142> config: $F: DELETE qpsmtpd=service|HeloPolicy|rfc|Name|caf_|Note|two\\nlines|status|enabled
WANT
if cmp -s "$T_TMP/want" "$T_TMP/got"; then ok "changes logged as the original does"; else
    not_ok "changes logged as the original does"
    diff "$T_TMP/want" "$T_TMP/got" | sed 's/^/#   /'
fi
grep -q '^<142>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} config\[[0-9]*\]: ' "$LOG" &&
    ok "RFC 3164 header: time, program, pid" || not_ok "RFC 3164 header: time, program, pid"
check "no log daemon: writes still work" env ESMITH_ROOT="$T_TMP/nolog" sh -c \
    'mkdir -p "$ESMITH_ROOT/home/e-smith/db" && config set a b && config get a'
