#!/bin/sh
# createlinks: the registrations of reference §6, idempotent, and --clean.
. tests/lib.sh
SRC="$T_TMP/src"
mkdir -p "$SRC"
cp "$TOP/createlinks" "$SRC/"
cp -a "$TOP/root" "$SRC/"
sh "$SRC/createlinks" --clean

# tree DIR: every path under DIR with its kind, link target and content digest
tree() {
    (cd "$1" && find . -printf '%p %y %l\n' | sort && find . -type f -exec md5sum {} + | sort)
}
check "createlinks runs" sh "$SRC/createlinks"
tree "$SRC/root" >"$T_TMP/first"
check "createlinks runs a second time" sh "$SRC/createlinks"
tree "$SRC/root" >"$T_TMP/second"
check_eq "running it twice gives the same tree" "" "$(diff "$T_TMP/first" "$T_TMP/second")"

E="$SRC/root/etc/e-smith/events"
check_eq "action link: EVENT/S<NN><action> -> ../actions/<action>" \
    "../actions/initialize-default-databases" \
    "$(readlink "$E/post-upgrade/S00initialize-default-databases")"
check "the linked action exists and is executable" test -x "$E/post-upgrade/S00initialize-default-databases"
check "template registration: an empty file" \
    test -f "$E/email-update/templates2expand/var/service/qpsmtpd/config/peers/0" -a \
    ! -s "$E/email-update/templates2expand/var/service/qpsmtpd/config/peers/0"
check_eq "service registration: a symlink to the action" "restart" \
    "$(readlink "$E/email-update/services2adjust/qpsmtpd")"

sh "$SRC/createlinks" --clean
check_eq "--clean leaves only the committed actions" "actions" "$(ls "$E")"
check "--clean keeps the actions" test -x "$E/actions/initialize-default-databases"
check "--clean twice is fine" sh "$SRC/createlinks" --clean
if git -C "$TOP" rev-parse >/dev/null 2>&1; then
    check_eq "nothing generated is committed" "" \
        "$(git -C "$TOP" ls-files root/etc/e-smith/events | grep -v '^root/etc/e-smith/events/actions/')"
fi
