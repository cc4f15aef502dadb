#!/bin/sh
# tests/pkg/rpm.sh - the RPM, built the way a packager builds it.
#
# `make rpm` (git archive + rpmbuild), then:
#  - the package lists exactly what `make install` installs from this
#    checkout (every file, link and directory the package owns; see
#    spec/filelist.sh), so a file somebody adds under root/ or a new tool
#    fails here with the %files line to add, instead of going missing;
#  - ownership and modes: root:root everywhere, tools 0755, templates
#    0644, directories 0755, event registrations as links and empty files;
#  - rpmlint reports no errors;
#  - the unpacked package (rpm2cpio | cpio into an empty directory) works
#    as an SME root through ESMITH_ROOT: post-upgrade, the HELO setprop,
#    email-update, and the rendered peers/0 line; and the %post scriptlet
#    does its job there.
. tests/lib.sh

skip() { echo "ok - $1 # SKIP $2"; }
need_tool() { [ -f "$TOP/src/tools/$1.c" ]; }

if ! need_tool db; then
    skip "rpm: %files, build and contents" "src/tools/db.c absent: not built yet"
    exit 0
fi

# ---- the %files list against make install (no rpmbuild needed) ----
# report_diff NAME WANT HAVE: ok when HAVE lists exactly WANT; else the
# %files lines to add and the paths to drop.
report_diff() {
    missing=$(LC_ALL=C comm -23 "$2" "$3")
    extra=$(LC_ALL=C comm -13 "$2" "$3")
    if [ -z "$missing" ] && [ -z "$extra" ]; then ok "$1"; return; fi
    not_ok "$1"
    [ -n "$missing" ] && echo "#   missing; add to %files in spec/esmith-c.spec:" &&
        sh spec/filelist.sh --spec "$T_TMP/inst" | while read -r line; do
            p=$(echo "${line##* }" | sed 's|^%{_mandir}|/usr/share/man|;s|\*$||')
            echo "$missing" | grep -qxF "$p" && echo "#     $line"
        done
    [ -n "$extra" ] && echo "#   listed but not installed by make install:" &&
        echo "$extra" | sed 's/^/#     /'
}
if make -s install DESTDIR="$T_TMP/inst" >"$T_TMP/install.log" 2>&1; then
    ok "make install DESTDIR=..."
else
    not_ok "make install DESTDIR=..."
    sed 's/^/#   /' "$T_TMP/install.log"
fi
sh spec/filelist.sh "$T_TMP/inst" >"$T_TMP/want"
sh spec/filelist.sh --of-spec spec/esmith-c.spec >"$T_TMP/spec-list"
report_diff "%files names every path make install installs, and no other" "$T_TMP/want" "$T_TMP/spec-list"

# ---- build ----
if ! command -v rpmbuild >/dev/null 2>&1; then
    skip "rpm: build and contents" "rpmbuild not installed (tools/install-deps.sh installs it)"
    exit 0
fi
out="$TOP/$O/test-rpm"
if RPMOUT="$out" sh "$TOP/spec/make-rpm.sh" >"$T_TMP/build.log" 2>&1; then
    ok "make rpm builds"
else
    not_ok "make rpm builds"
    sed -n '/RPM build errors/,$p' "$T_TMP/build.log" | head -30 | sed 's/^/#   /'
    tail -n 20 "$T_TMP/build.log" | sed 's/^/#   | /'
    exit 1
fi
rpm=$(ls "$out"/*.rpm | grep -v '\.src\.rpm$' | head -1)
srpm=$(ls "$out"/*.src.rpm 2>/dev/null | head -1)
check "binary RPM produced" test -f "$rpm"
check "source RPM produced" test -f "$srpm"
check_eq "SRPM carries the spec and the tarball" \
    "esmith-c-$(sed -n 's/^Version:[[:space:]]*//p' spec/esmith-c.spec).tar.gz esmith-c.spec" \
    "$(rpm -qlp "$srpm" 2>/dev/null | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"

# ---- contents: rpm -qlp against make install ----
# The package also has its %doc and %license files and, on RHEL, build-id links; man
# pages are compressed where brp-compress works (RHEL; Debian's is broken
# under dash).
rpm -qlp "$rpm" 2>/dev/null | grep -v -e '^/usr/share/doc/' -e '^/usr/share/licenses/' -e '^/usr/lib/\.build-id' |
    sed 's|^\(/usr/share/man/.*\)\.gz$|\1|' | LC_ALL=C sort >"$T_TMP/have"
report_diff "rpm -qlp lists every path make install installs, and no other" "$T_TMP/want" "$T_TMP/have"
check "the package has its README" sh -c "rpm -qlp '$rpm' | grep -q '^/usr/share/doc/esmith-c[^/]*/README.md$'"
# %license: /usr/share/licenses (rpm >= 4.11) or with the docs (older rpm)
check "the package has its LICENSE, the GPL version 2" sh -c "rpm -qlp '$rpm' |
    grep -qE '^/usr/share/(licenses|doc)/esmith-c[^/]*/LICENSE$' && grep -q 'Version 2, June 1991' LICENSE"

# Expected content, named, so a tree that lost them fails even when the
# spec and the Makefile lost them together.
for f in /sbin/e-smith/db /sbin/e-smith/config /home/e-smith/db \
    /usr/share/man/man8/db.8 /usr/share/man/man8/config.8 \
    /usr/share/man/man8/expand-template.8 /usr/share/man/man8/signal-event.8 \
    /usr/share/man/man5/esmith-schema.5; do
    check "package contains $f" grep -qxF "$f" "$T_TMP/have"
done
for t in expand-template signal-event; do
    if need_tool $t; then check "package contains /sbin/e-smith/$t" grep -qxF "/sbin/e-smith/$t" "$T_TMP/have"; else
        skip "package contains /sbin/e-smith/$t" "src/tools/$t.c absent: not built yet"
    fi
done
peers=/etc/e-smith/templates/var/service/qpsmtpd/config/peers/0
if [ -d root$peers ]; then
    check "package contains the peers/0 15helo fragment" grep -qxF "$peers/15helo" "$T_TMP/have"
    check "package contains the qpsmtpd defaults" grep -qxF /etc/e-smith/db/configuration/defaults/qpsmtpd/status "$T_TMP/have"
    check "package registers peers/0 for email-update" \
        grep -qxF /etc/e-smith/events/email-update/templates2expand/var/service/qpsmtpd/config/peers/0 "$T_TMP/have"
    check "package registers the qpsmtpd restart for email-update" \
        grep -qxF /etc/e-smith/events/email-update/services2adjust/qpsmtpd "$T_TMP/have"
else
    skip "package contains the qpsmtpd templates, defaults, registrations" "root$peers absent: not on this branch yet"
fi

# libexpat and libpcre2 are dlopen()ed: only the spec's Requires names them.
for dep in libtdb expat pcre2; do
    check "the package requires $dep" sh -c "rpm -qp --requires '$rpm' 2>/dev/null | grep -qx '$dep'"
done

# ---- ownership and modes ----
rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILESIZE} %{FILENAMES} %{FILELINKTOS}\n]' \
    "$rpm" 2>/dev/null >"$T_TMP/modes"
bad=$(awk '$2 != "root:root"' "$T_TMP/modes")
check_eq "every file is root:root" "" "$bad"
bad=$(awk '$1 ~ /^d/ && $1 != "drwxr-xr-x"' "$T_TMP/modes")
check_eq "directories are 0755" "" "$bad"
bad=$(awk '$4 ~ "^/sbin/e-smith/" && $1 ~ /^-/ && $1 != "-rwxr-xr-x"' "$T_TMP/modes")
check_eq "tools are 0755" "" "$bad"
bad=$(awk '$4 ~ "^/etc/e-smith/templates/" && $1 ~ /^-/ && $1 != "-rw-r--r--"' "$T_TMP/modes")
check_eq "templates are 0644" "" "$bad"
bad=$(awk '$4 ~ "^/usr/share/man/" && $1 ~ /^-/ && $1 != "-rw-r--r--"' "$T_TMP/modes")
check_eq "man pages are 0644" "" "$bad"
bad=$(awk '$4 ~ "^/etc/e-smith/events/[^/]+/templates2expand/" && $1 ~ /^-/ && ($1 != "-rw-r--r--" || $3 != 0)' "$T_TMP/modes")
check_eq "template registrations are empty 0644 files" "" "$bad"
bad=$(awk '$4 ~ "^/etc/e-smith/events/[^/]+/services2adjust/" && $1 !~ /^l/' "$T_TMP/modes")
check_eq "service registrations are links" "" "$bad"
bad=$(awk '$4 ~ "^/etc/e-smith/events/[^/]+/S[0-9][0-9]" && ($1 !~ /^l/ || $5 !~ "^\\.\\./actions/")' "$T_TMP/modes")
check_eq "action registrations are links to ../actions/" "" "$bad"
# Every regular file keeps the mode make install gave it, every link its target.
bad=$(while read -r perms owner size path target; do
    f=$T_TMP/inst$path
    case "$perms" in
    l*) [ "$(readlink "$f")" = "$target" ] || echo "$path -> $target" ;;
    -*) [ -f "$f" ] && [ "$(stat -c %A "$f")" != "$perms" ] && echo "$path $perms" ;;
    esac
done <"$T_TMP/modes")
check_eq "modes and link targets match make install" "" "$bad"

# ---- rpmlint ----
if command -v rpmlint >/dev/null 2>&1; then
    rpmlint --ignore-unused-rpmlintrc -r spec/esmith-c.rpmlintrc "$rpm" "$srpm" spec/esmith-c.spec \
        >"$T_TMP/lint" 2>&1
    sed 's/^/# rpmlint: /' "$T_TMP/lint"
    summary=$(grep -E '[0-9]+ errors?, [0-9]+ warnings?' "$T_TMP/lint" | tail -1)
    case "$summary" in
    *" 0 errors"*) ok "rpmlint: no errors ($summary)" ;;
    *) not_ok "rpmlint: no errors ($summary)" ;;
    esac
else
    skip "rpmlint" "rpmlint not installed"
fi

# ---- the unpacked package as an SME root ----
unpack() {
    rm -rf "$1"
    mkdir -p "$1"
    (cd "$1" && rpm2cpio "$rpm" | cpio -idm --quiet)
}
U=$T_TMP/unpacked
unpack "$U"
check "rpm2cpio | cpio unpacks the package" test -x "$U/sbin/e-smith/db"
check "config is db" test "$(readlink "$U/sbin/e-smith/config")" = db
check "the db directory is there" test -d "$U/home/e-smith/db"
check "the directory peers/0 renders into is there" test -d "$U/var/service/qpsmtpd/config/peers"

# Only the package's tools: actions find their helpers through PATH (on a
# server /sbin/e-smith), never this checkout's build/bin.
PATH_NO_BUILD=$(echo "$PATH" | sed "s|$BIN:||")

# ---- the HELO story in the unpacked package ----
if need_tool signal-event && need_tool expand-template && [ -d root$peers ]; then
    ESMITH_ROOT=$U
    export ESMITH_ROOT
    S=$U/sbin/e-smith
    PATH="$S:$PATH_NO_BUILD"
    export PATH
    rendered=$U/var/service/qpsmtpd/config/peers/0
    check "signal-event post-upgrade" "$S/signal-event" post-upgrade
    check_eq "post-upgrade applied the qpsmtpd defaults" "enabled" "$("$S/config" getprop qpsmtpd status 2>&1)"
    check_eq "post-upgrade rendered peers/0 with the default helo line" \
        "helo policy lenient reject naughty" "$(grep '^helo' "$rendered" 2>&1)"
    check "config setprop qpsmtpd HeloPolicy rfc" "$S/config" setprop qpsmtpd HeloPolicy rfc
    check_eq "the flat file has the new prop" "rfc" \
        "$(sed -n 's/^qpsmtpd=.*|HeloPolicy|\([^|]*\).*/\1/p' "$U/home/e-smith/db/configuration")"
    # No daemon here: the services look supervised (runit control fifos,
    # held open by this shell), so email-update writes its restart there
    # and never reaches the host's systemd.
    for svc in qpsmtpd sqpsmtpd; do
        mkdir -p "$U/service/$svc/supervise"
        mkfifo "$U/service/$svc/supervise/control"
    done
    exec 3<>"$U/service/qpsmtpd/supervise/control" 4<>"$U/service/sqpsmtpd/supervise/control"
    check "signal-event email-update" "$S/signal-event" email-update
    check_eq "email-update rendered the rfc helo line" \
        "helo policy rfc reject naughty" "$(grep '^helo' "$rendered" 2>&1)"
    check_eq "email-update restarted qpsmtpd (runit: t, then u)" "tu" \
        "$(timeout 2 dd bs=64 count=1 status=none <&3)"
    check_eq "email-update restarted sqpsmtpd (runit: t, then u)" "tu" \
        "$(timeout 2 dd bs=64 count=1 status=none <&4)"
    exec 3>&- 4>&-
else
    skip "unpacked package: post-upgrade, setprop, email-update, peers/0" \
        "signal-event, expand-template or the qpsmtpd templates absent: not built yet"
fi

# ---- %post, as rpm runs it after installing on a server ----
if ! need_tool expand-template || ! need_tool initialize-default-databases || [ ! -d root$peers ]; then
    skip "%post on an unconfigured and a configured root" \
        "expand-template, initialize-default-databases or the qpsmtpd templates absent: not built yet"
    exit 0
fi
rpm -qp --qf '%{POSTIN}' "$rpm" 2>/dev/null >"$T_TMP/post.sh"
check "the package has a %post scriptlet" test -s "$T_TMP/post.sh"
# %post expands every template the package registers for an event.
unlisted=$(cd "$T_TMP/inst/etc/e-smith/events" && find . -path '*/templates2expand/*' -type f |
    sed 's|^\./[^/]*/templates2expand||' | LC_ALL=C sort -u | while read -r t; do
        grep -q "[ /]$t\( \|;\|\$\)" "$T_TMP/post.sh" || echo "$t"
    done)
check_eq "%post expands every registered template" "" "$unlisted"
U2=$T_TMP/post
unpack "$U2"
ESMITH_ROOT=$U2
export ESMITH_ROOT
PATH="$U2/sbin/e-smith:$PATH_NO_BUILD"
export PATH
check_eq "%post on an unconfigured root: silent" "" "$(sh "$T_TMP/post.sh" 1 2>&1)"
check "%post on an unconfigured root creates no database" test ! -e "$U2/home/e-smith/db/configuration"
"$U2/sbin/e-smith/config" set SystemName testbox >/dev/null 2>&1
check_eq "%post on a configured server: no warning" "" "$(sh "$T_TMP/post.sh" 2 2>&1)"
check_eq "%post applied the package's defaults" "enabled" \
    "$("$U2/sbin/e-smith/config" getprop qpsmtpd status 2>&1)"
check_eq "%post expanded the package's templates" \
    "helo policy lenient reject naughty" "$(grep '^helo' "$U2/var/service/qpsmtpd/config/peers/0" 2>&1)"
check_eq "%post kept the existing data" "testbox" "$("$U2/sbin/e-smith/config" get SystemName 2>&1)"
