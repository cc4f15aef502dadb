#!/bin/sh
# Installs the Debian packages the build, the tests and the demo need, only
# when one is missing, so `make check` works on a fresh Debian 12 machine.
set -eu
PKGS="build-essential pkg-config libtdb-dev libexpat1-dev libpcre2-dev libcmocka-dev
tdb-tools libtext-template-perl qpsmtpd runit swaks dnsmasq util-linux iproute2
rpm rpmlint cpio file groff-base clang valgrind clang-format cppcheck procps"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages:$missing (run as root or install them)" >&2
    exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
