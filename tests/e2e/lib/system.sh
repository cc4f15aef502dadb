# system.sh - sourced after qpsmtpd-harness.sh by the e2e tests and the
# demo: lays out an SME system under $H_ROOT from this source tree, to be
# driven with our own tools (`config`, `signal-event`, `expand-template`).
#
#   system_install      make install DESTDIR=$H_ROOT; ESMITH_ROOT=$H_ROOT;
#                       the installed tools first on PATH
#   helo_line           the helo line of the rendered peers/0

PEERS0=/var/service/qpsmtpd/config/peers/0

system_install() {
    top=${ESMITH_SRC:-$(pwd)}
    make -s --no-print-directory -C "$top" install DESTDIR="$H_ROOT" O="${O:-build}" \
        >"$H_DIR/install.log" 2>&1 || harness_die "make install DESTDIR=$H_ROOT failed (see $H_DIR/install.log)"
    mkdir -p "$H_ROOT/home/e-smith/db"
    ESMITH_ROOT=$H_ROOT
    export ESMITH_ROOT
    PATH="$H_ROOT/sbin/e-smith:$PATH"
    export PATH
    for tool in config signal-event expand-template; do
        [ -x "$H_ROOT/sbin/e-smith/$tool" ] || harness_die "make install did not install $tool"
    done
}

helo_line() {
    grep '^helo ' "$H_ROOT$PEERS0"
}
