# system.sh - sourced after qpsmtpd-harness.sh by the e2e test and the demo:
# lays out an SME system under $H_ROOT from this source tree and drives it
# with our own tools (`config`, `signal-event`, `expand-template`).
#
#   system_install          make install DESTDIR=$H_ROOT, tools on PATH
#   sys_config ARGS...      config ARGS... on that system
#   sys_event EVENT         signal-event EVENT on that system
#   helo_line               the helo line of the rendered peers/0
#
# While one of our tools is not built yet (the parallel work lands piece by
# piece), SYSTEM_INTERIM names the missing ones and the Perl reference
# stands in: Text::Template renders peers/0 and the service adjustment of
# e-smith-behaviour.md section 5 is written to runsv's control fifo. Once
# all three tools exist, nothing of the stand-in runs.

PEERS0=/var/service/qpsmtpd/config/peers/0
SYSTEM_INTERIM=

system_install() {
    top=${ESMITH_SRC:-$(pwd)}
    bin="$top/${O:-build}/bin"
    if [ -x "$bin/db" ]; then
        make -s --no-print-directory -C "$top" install DESTDIR="$H_ROOT" O="${O:-build}" \
            >"$H_DIR/install.log" 2>&1 || harness_die "make install DESTDIR=$H_ROOT failed (see $H_DIR/install.log)"
    else
        # Interim: no tools to install yet, only the package tree.
        { sh "$top/createlinks" && cp -a "$top/root/." "$H_ROOT/"; } || harness_die "cannot copy root/ to $H_ROOT"
    fi
    mkdir -p "$H_ROOT/home/e-smith/db"
    ESMITH_ROOT=$H_ROOT
    export ESMITH_ROOT
    PATH="$H_ROOT/sbin/e-smith:$bin:$PATH"
    export PATH
    for tool in config signal-event expand-template; do
        command -v "$tool" >/dev/null 2>&1 || SYSTEM_INTERIM="$SYSTEM_INTERIM $tool"
    done
    SYSTEM_INTERIM=${SYSTEM_INTERIM# }
}

sys_config() {
    case " $SYSTEM_INTERIM " in
    *" config "*) interim_config "$@" ;;
    *) config "$@" ;;
    esac
}

sys_event() {
    if [ -z "$SYSTEM_INTERIM" ]; then
        signal-event "$@"
    else
        interim_event "$@"
    fi
}

helo_line() {
    grep '^helo ' "$H_ROOT$PEERS0"
}

# ---- stand-ins, used only while a tool is missing ----

# interim_config setprop|delprop|getprop KEY ...: edits the flat file as
# e-smith does (record "key=type|prop|val...", props sorted).
interim_config() {
    perl -e '
        my ($db, $cmd, $key, @args) = @ARGV;
        my %rec;
        if (open(my $fh, "<", $db)) {
            while (<$fh>) { chomp; next if /^\s*(#|$)/; my ($k, $v) = split /=/, $_, 2; $rec{$k} = $v; }
        }
        my ($type, %p) = split /\|/, ($rec{$key} // ""), -1;
        if ($cmd eq "getprop") { exit 1 unless defined $p{$args[0]}; print "$p{$args[0]}\n"; exit 0 }
        die "interim config: no record $key\n" unless exists $rec{$key};
        if ($cmd eq "setprop") { %p = (%p, @args) }
        elsif ($cmd eq "delprop") { delete @p{@args} }
        else { die "interim config: $cmd unsupported\n" }
        $rec{$key} = join "|", $type, map { ($_, $p{$_}) } sort keys %p;
        open(my $out, ">", "$db.new") or die "$db.new: $!\n";
        print $out "# interim\n", map { "$_=$rec{$_}\n" } sort keys %rec;
        close $out; rename "$db.new", $db or die "$db: $!\n";
    ' "$H_ROOT/home/e-smith/db/configuration" "$@"
}

# interim_event EVENT: defaults (post-upgrade), then every template
# registered for EVENT rendered by Text::Template, then (not post-upgrade)
# each services2adjust entry as control characters: t, then u if enabled.
interim_event() {
    ev="$H_ROOT/etc/e-smith/events/$1"
    [ -d "$ev" ] || { echo "interim signal-event: no event $1" >&2; return 1; }
    if [ "$1" = post-upgrade ]; then
        db="$H_ROOT/home/e-smith/db/configuration"
        [ -f "$db" ] || : >"$db"
        for rec in "$H_ROOT"/etc/e-smith/db/configuration/defaults/*; do
            key=${rec##*/}
            grep -q "^$key=" "$db" || printf '%s=%s|status|%s\n' "$key" "$(cat "$rec/type")" "$(cat "$rec/status")" >>"$db"
        done
    fi
    (cd "$ev/templates2expand" 2>/dev/null && find . -type f) | while read -r rel; do
        path=${rel#.}
        mkdir -p "$(dirname "$H_ROOT$path")"
        case " $SYSTEM_INTERIM " in
        *" expand-template "*)
            perl "${ESMITH_SRC:-.}/tests/e2e/lib/render-oracle.pl" "$H_ROOT" "$path" >"$H_ROOT$path.tmp" || return 1
            chmod 0644 "$H_ROOT$path.tmp"
            mv "$H_ROOT$path.tmp" "$H_ROOT$path"
            ;;
        *) expand-template "$path" || return 1 ;;
        esac
    done
    [ "$1" = post-upgrade ] && return 0
    for svc in "$ev"/services2adjust/*; do
        [ -e "$svc" ] || [ -L "$svc" ] || continue
        name=${svc##*/}
        ctl="$H_ROOT/service/$name/supervise/control"
        [ -p "$ctl" ] || { echo "interim signal-event: $name not supervised" >&2; return 1; }
        printf tu >"$ctl"
    done
}
