# qpsmtpd-harness.sh - sourced by tests/e2e/qpsmtpd_helo.sh and tools/demo.sh.
#
# Runs Debian's real qpsmtpd-forkserver (as `qpsmtpd` on 127.0.0.1:25 and
# `sqpsmtpd` on 127.0.0.1:465) under real runsvdir/runsv, with DNS answered
# by dnsmasq on 127.0.0.1, and talks to it with swaks. Everything happens
# inside private mount, network and PID namespaces:
#   - qpsmtpd-forkserver runs Perl in taint mode, so Net::DNS ignores
#     RES_NAMESERVERS and only /etc/resolv.conf counts: a private mount
#     namespace lets us bind-mount our own resolv.conf without touching the
#     host's;
#   - a private network namespace has nothing but its own loopback, so no
#     packet leaves the machine and port 25 never clashes with a host daemon;
#   - a private PID namespace is a safety net: whatever survives our own
#     by-PID shutdown dies with the namespace.
#
# Caller sets H_ROOT (the $ESMITH_ROOT of the system under test) and H_DIR
# (scratch directory for logs), then calls, in order:
#   harness_enter CMD...        re-executes CMD inside the namespaces (once)
#   harness_dns                 loopback up, private resolv.conf, dnsmasq
#   harness_services            service dirs for qpsmtpd and sqpsmtpd
#   harness_start               runsvdir, waits until both daemons listen
#   ... harness_pid NAME, harness_wait_restart NAME OLDPID, smtp_* ...
#   harness_stop                (from an EXIT trap) stops all by PID
#
# The plugin list both daemons load is the rendered
# $H_ROOT/var/service/qpsmtpd/config/peers/0 (sqpsmtpd shares it, as on SME).

H_DNS_PID=
H_RUNSVDIR_PID=
H_DAEMON_PIDS=
H_SERVICES="qpsmtpd:25 sqpsmtpd:465"
# Names the fake Internet knows: forward and reverse agree for mail.example.org.
H_HOST_RECORDS="mail.example.org,127.0.0.1"

harness_die() {
    # A test (H_TAP=1) reports the failure as a TAP line too.
    [ "${H_TAP:-}" = 1 ] && echo "not ok - harness: $*"
    echo "harness: $*" >&2
    for log in "${H_DIR:-/nonexistent}"/*.log; do
        [ -s "$log" ] && tail -n 5 "$log" | sed "s|^|harness: ${log##*/}: |" >&2
    done
    exit 1
}

# Re-executes "$@" inside new mount+network+PID namespaces, unless we are
# already inside. --kill-child: if unshare itself is killed, the namespace's
# first process gets SIGKILL and with it every process in the namespace.
harness_enter() {
    [ "${ESMITH_HARNESS_NS:-}" = 1 ] && return 0
    [ "$(id -u)" = 0 ] || harness_die "needs root (unshare of mount and network namespaces)"
    for tool in unshare ip dnsmasq runsvdir runsv sv swaks qpsmtpd-forkserver; do
        command -v "$tool" >/dev/null 2>&1 || harness_die "missing $tool (run tools/install-deps.sh)"
    done
    ESMITH_HARNESS_NS=1
    export ESMITH_HARNESS_NS
    exec unshare --mount --net --pid --fork --mount-proc --kill-child -- "$@"
}

# harness_wait SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
harness_wait() {
    tries=$(($1 * 10))
    shift
    while ! "$@" 2>/dev/null; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return 1
        sleep 0.1
    done
}

# True when something listens on 127.0.0.1:PORT/PROTO (tcp or udp) in our
# network namespace (/proc/net is per namespace).
harness_listening() {
    hexport=$(printf '%04X' "$2")
    if [ "$1" = tcp ]; then
        grep -q "^ *[0-9]*: 0100007F:$hexport 00000000:0000 0A " /proc/net/tcp
    else
        grep -q "^ *[0-9]*: 0100007F:$hexport 00000000:0000 07 " /proc/net/udp
    fi
}

# Loopback up, /etc/resolv.conf -> 127.0.0.1 (a bind mount private to our
# mount namespace), dnsmasq answering our names and NXDOMAIN for every other
# one: `--address=/#/` without an address means NXDOMAIN, and NXDOMAIN is what
# makes the helo plugin fail a name (a REFUSED answer makes it skip the test).
harness_dns() {
    ip link set lo up || harness_die "cannot bring up loopback"
    printf 'nameserver 127.0.0.1\n' >"$H_DIR/resolv.conf"
    chmod 0644 "$H_DIR/resolv.conf"
    target=/etc/resolv.conf
    if [ -L "$target" ] && [ ! -e "$target" ]; then
        # A dangling symlink (e.g. to an absent resolved stub): give its
        # directory a private tmpfs so the mount point exists only for us.
        target=$(readlink -f "$target")
        mkdir -p "$(dirname "$target")" 2>/dev/null || true
        mount -t tmpfs tmpfs "$(dirname "$target")" || harness_die "cannot mount tmpfs for $target"
        : >"$target"
    fi
    mount --bind "$H_DIR/resolv.conf" "$target" || harness_die "cannot bind-mount $target"
    set -- --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --listen-address=127.0.0.1 --bind-interfaces --port=53 --pid-file= \
        --log-facility="$H_DIR/dnsmasq.log" --log-queries --address=/#/
    for rec in $H_HOST_RECORDS; do set -- "$@" --host-record="$rec"; done
    dnsmasq "$@" </dev/null >>"$H_DIR/dnsmasq.log" 2>&1 &
    H_DNS_PID=$!
    harness_wait 10 harness_listening udp 53 || harness_die "dnsmasq did not start (see $H_DIR/dnsmasq.log)"
}

# harness_traversable DIR: true when every directory from / down to DIR
# lets others through (the qpsmtpd user reads its config below DIR).
harness_traversable() {
    d=$1
    while [ -n "$d" ] && [ "$d" != / ]; do
        case $(stat -L -c %A "$d") in ?????????[xt]) ;; *) return 1 ;; esac
        d=$(dirname "$d")
    done
}

# H_VIEW: the path by which the daemons see $H_ROOT. Normally $H_ROOT
# itself; when one of its parents is closed to others (a clone under
# /root, a 0700 mktemp dir), $H_ROOT is bind-mounted at a path of our
# private mount namespace (on a tmpfs, so the host never sees it), and the
# daemons read the very same files through it.
harness_view() {
    if harness_traversable "$H_ROOT"; then
        H_VIEW=$H_ROOT
        return 0
    fi
    for base in /mnt /srv /media /opt; do
        [ -d "$base" ] || continue
        mount -t tmpfs -o mode=0755 esmith-view "$base" || continue
        mkdir -p "$base/esmith-root" && mount --bind "$H_ROOT" "$base/esmith-root" || break
        H_VIEW="$base/esmith-root"
        return 0
    done
    harness_die "cannot give the qpsmtpd user a path to $H_ROOT"
}

# The run directory of each service, laid out as on SME: the daemon lives in
# $H_ROOT/var/service/NAME, $H_ROOT/service/NAME links to it, and its config
# dir holds qpsmtpd's small settings plus `plugins`, a link to the rendered
# peers/0 (which therefore must be readable by the qpsmtpd user).
harness_services() {
    chmod 0755 "$H_ROOT"
    harness_view
    mkdir -p "$H_ROOT/service" "$H_ROOT/var/spool/qpsmtpd" "$H_ROOT/var/service/qpsmtpd/config/peers"
    chown qpsmtpd:qpsmtpd "$H_ROOT/var/spool/qpsmtpd"
    chmod 0700 "$H_ROOT/var/spool/qpsmtpd"
    for entry in $H_SERVICES; do
        name=${entry%%:*}
        port=${entry#*:}
        svc="$H_ROOT/var/service/$name"
        view="$H_VIEW/var/service/$name"
        mkdir -p "$svc/config"
        printf 'smeserver.example.org\n' >"$svc/config/me"
        printf 'example.org\n' >"$svc/config/rcpthosts"
        printf '/usr/share/qpsmtpd/plugins\n' >"$svc/config/plugin_dirs"
        printf '%s\n' "$H_VIEW/var/spool/qpsmtpd" >"$svc/config/spool_dir"
        printf 'logging/warn LOGINFO\n' >"$svc/config/logging"
        printf '6\n' >"$svc/config/loglevel"
        ln -sfn ../../qpsmtpd/config/peers/0 "$svc/config/plugins"
        cat >"$svc/run" <<RUN
#!/bin/sh
# $name: the real qpsmtpd on 127.0.0.1:$port, plugin list from peers/0.
exec 2>>"$H_DIR/$name.log" </dev/null
QPSMTPD_CONFIG="$view/config"
export QPSMTPD_CONFIG
exec qpsmtpd-forkserver --listen-address 127.0.0.1 --port $port --user qpsmtpd
RUN
        chmod 0755 "$svc/run"
        ln -sfn "../var/service/$name" "$H_ROOT/service/$name"
    done
}

harness_pid() {
    cat "$H_ROOT/service/$1/supervise/pid" 2>/dev/null
}

harness_port() {
    for entry in $H_SERVICES; do
        [ "${entry%%:*}" = "$1" ] && echo "${entry#*:}"
    done
}

# harness_banner PORT: true when the daemon on PORT greets with 220. The
# forkserver binds its port before it loads its plugins and accepts only
# after, so a greeting (not just a listening socket) means every plugin loaded.
harness_banner() {
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], Timeout => 5) or exit 1;
        local $SIG{ALRM} = sub { exit 1 }; alarm 10;
        my $line = <$s>; print $s "QUIT\r\n"; exit(($line // "") =~ /^220 / ? 0 : 1)' "$1"
}

# True when service NAME runs a daemon whose PID is not OLDPID and which
# greets its clients; remembers the PID for harness_stop.
harness_daemon_ready() {
    pid=$(harness_pid "$1")
    [ -n "$pid" ] && [ "$pid" != "${2:-}" ] || return 1
    case " $H_DAEMON_PIDS " in *" $pid "*) ;; *) H_DAEMON_PIDS="$H_DAEMON_PIDS $pid" ;; esac
    harness_listening tcp "$(harness_port "$1")" && harness_banner "$(harness_port "$1")" &&
        [ "$(harness_pid "$1")" = "$pid" ]
}

# runsvdir over $H_ROOT/service; returns when both daemons listen.
harness_start() {
    runsvdir "$H_ROOT/service" </dev/null >>"$H_DIR/runsvdir.log" 2>&1 &
    H_RUNSVDIR_PID=$!
    for entry in $H_SERVICES; do
        harness_wait 20 harness_daemon_ready "${entry%%:*}" ||
            harness_die "${entry%%:*} did not start (see $H_DIR/${entry%%:*}.log)"
    done
}

# harness_wait_restart NAME OLDPID: waits for a new daemon PID and its port.
harness_wait_restart() {
    harness_wait 20 harness_daemon_ready "$1" "$2"
}

# Stops everything this harness started, each by its PID. runsvdir goes
# first: it restarts a runsv that exits (at its next scan, every 5 s), so
# stopping the services under a live runsvdir can race with it and leave a
# fresh runsv and daemon behind. TERM makes runsvdir exit and leave its
# runsv children alone; then both services are brought down and their runsv
# told to exit (sv, which never blocks on a dead supervisor's fifo); then
# any runsv or daemon PID still alive is killed, then dnsmasq. Returns once
# every one of those PIDs is gone (reaped, not a zombie). Safe to call twice
# and from a trap after a partial start.
harness_stop() {
    h_runsv_pids=
    if [ -n "$H_RUNSVDIR_PID" ]; then
        h_runsv_pids=$(ps -o pid= --ppid "$H_RUNSVDIR_PID" 2>/dev/null)
        kill -TERM "$H_RUNSVDIR_PID" 2>/dev/null
        wait "$H_RUNSVDIR_PID" 2>/dev/null
        H_RUNSVDIR_PID=
    fi
    for entry in $H_SERVICES; do
        svc="$H_ROOT/service/${entry%%:*}"
        [ -e "$svc/supervise/ok" ] && sv -w 7 force-shutdown "$svc" >/dev/null 2>&1
    done
    # runsv exits just after its service is down: give it a moment.
    harness_wait 3 harness_all_gone $h_runsv_pids
    for pid in $h_runsv_pids $H_DAEMON_PIDS; do
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    done
    harness_wait 5 harness_all_gone $h_runsv_pids $H_DAEMON_PIDS
    H_DAEMON_PIDS=
    if [ -n "$H_DNS_PID" ]; then
        kill -TERM "$H_DNS_PID" 2>/dev/null
        wait "$H_DNS_PID" 2>/dev/null
        H_DNS_PID=
    fi
    return 0
}

# harness_all_gone PID...: true when none of the PIDs exists any more. The
# orphans of runsvdir are our children here (PID 1 of the namespace), so
# the `sleep` of harness_wait reaps them.
harness_all_gone() {
    for pid in "$@"; do
        kill -0 "$pid" 2>/dev/null && return 1
    done
    return 0
}

# smtp_ehlo NAME [PORT]: connects, says EHLO NAME, quits. Prints the
# server's answer to the EHLO (first line, e.g. "250-smeserver.example.org
# Hi ..." or "550 HELO name is not fully qualified. Read RFC 2821").
smtp_ehlo() {
    swaks --server 127.0.0.1 --port "${2:-25}" --ehlo "$1" --quit-after EHLO \
        --timeout 20 >"$H_DIR/swaks.out" 2>&1
    smtp_reply_to "EHLO"
}

# smtp_mail HELO [PORT]: a whole transaction up to RCPT. Prints the first
# refusal with the command it answered ("RCPT 550 ...") or "accepted".
smtp_mail() {
    swaks --server 127.0.0.1 --port "${2:-25}" --ehlo "$1" \
        --from sender@mail.example.org --to postmaster@example.org \
        --quit-after RCPT --timeout 20 >"$H_DIR/swaks.out" 2>&1
    awk '/^ *-> / { cmd = $2 }
         /^<[-*~]+ +[45][0-9][0-9]/ { sub(/^<[-*~]+ +/, ""); print cmd " " $0; found = 1; exit }
         END { if (!found) print "accepted" }' "$H_DIR/swaks.out"
}

# smtp_reply_to CMD: the first server line after the client sent CMD.
smtp_reply_to() {
    awk -v cmd="$1" '
        $0 ~ "^ *-> " cmd { want = 1; next }
        want && /^<[-*~]/ { sub(/^<[-*~]+ +/, ""); print; exit }' "$H_DIR/swaks.out"
}
