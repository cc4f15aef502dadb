#!/bin/sh
# filelist.sh - what the package must own, derived from an install tree.
#
#   sh spec/filelist.sh DESTDIR          one path a line (what `rpm -qlp`
#                                        must list, man pages uncompressed)
#   sh spec/filelist.sh --spec DESTDIR   the same as %files lines, with the
#                                        installed modes, to paste into
#                                        spec/esmith-c.spec
#   sh spec/filelist.sh --of-spec SPEC   the paths the %files section of
#                                        SPEC names, in the first form
#
# DESTDIR is a tree made by `make install DESTDIR=...`. Directories that
# belong to the base system (the `filesystem` package on RHEL, or
# bash-completion) are left out: the package puts files in them but must
# not own them.
set -eu
if [ "${1:-}" = "--of-spec" ]; then
    sed -n '/^%files/,/^%changelog/p' "${2:?usage: filelist.sh --of-spec SPEC}" |
        grep -v -e '^%files' -e '^%changelog' -e '^%defattr' -e '^%doc' -e '^%license' -e '^#' -e '^[[:space:]]*$' |
        sed -e 's/^.* //' -e 's|^%{_mandir}|/usr/share/man|' -e 's|\*$||' | LC_ALL=C sort
    exit 0
fi
spec=0
if [ "${1:-}" = "--spec" ]; then
    spec=1
    shift
fi
dest=${1:?usage: filelist.sh [--spec] DESTDIR}

system_dirs="/ /etc /home /sbin /usr /usr/share /usr/share/man /usr/share/man/man5
/usr/share/man/man8 /usr/share/doc /usr/share/bash-completion
/usr/share/bash-completion/completions /var /var/service"

is_system_dir() {
    for d in $system_dirs; do [ "$1" = "$d" ] && return 0; done
    return 1
}

(cd "$dest" && find . -mindepth 1 | sed 's|^\.||' | LC_ALL=C sort) | while read -r p; do
    f=$dest$p
    if [ -d "$f" ] && [ ! -L "$f" ]; then
        is_system_dir "$p" && continue
        [ $spec = 1 ] && echo "%dir %attr($(stat -c %a "$f" | sed 's/^/000/;s/.*\(....\)$/\1/'),root,root) $p" ||
            echo "$p"
        continue
    fi
    case "$p" in
    /usr/share/man/man*/*)
        [ $spec = 1 ] && echo "%{_mandir}${p#/usr/share/man}*" || echo "$p"
        continue
        ;;
    esac
    if [ $spec = 1 ] && [ ! -L "$f" ]; then
        echo "%attr($(stat -c %a "$f" | sed 's/^/000/;s/.*\(....\)$/\1/'),root,root) $p"
    else
        echo "$p"
    fi
done
