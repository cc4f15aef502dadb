#!/bin/sh
# The default template-begin (reference §4): a directory template without
# a template-begin of its own starts with the shipped
# /etc/e-smith/templates-default/template-begin, a "DO NOT MODIFY" block.
# The tree is the package's own root/, as make install lays it out.
. tests/lib.sh
new_root
cp -R "$TOP/root/." "$ROOT/"
E="$ROOT/etc/e-smith"
BEGIN="$E/templates-default/template-begin"

check "the package ships templates-default/template-begin" test -s "$BEGIN"
check "it is a plain comment block (no template code)" sh -c "! grep -q '[{}]' '$BEGIN' && ! grep -qv '^#' '$BEGIN'"
check "it says DO NOT MODIFY" grep -q "DO NOT MODIFY THIS FILE" "$BEGIN"

mkdir -p "$E/templates/etc/demo.conf" "$ROOT/etc"
printf 'a={ 1 + 1 }\n' >"$E/templates/etc/demo.conf/10a"
check "a directory template without template-begin expands" expand-template /etc/demo.conf
check_eq "it starts with the default template-begin" \
    "$(cat "$BEGIN"; echo 'a=2')" "$(cat "$ROOT/etc/demo.conf")"

printf '# own begin\n' >"$E/templates/etc/demo.conf/template-begin"
check "a template-begin of its own" expand-template /etc/demo.conf
check_eq "replaces the default" "$(printf '# own begin\na=2')" "$(cat "$ROOT/etc/demo.conf")"

mkdir -p "$E/templates/etc"
printf 'whole={ 3 }\n' >"$E/templates/etc/whole.conf"
check "a whole-file template" expand-template /etc/whole.conf
check_eq "gets no template-begin" "whole=3" "$(cat "$ROOT/etc/whole.conf")"

# The package's own peers/0 template has its own template-begin.
mkdir -p "$ROOT/var/service/qpsmtpd/config/peers"
check "peers/0 renders" expand-template /var/service/qpsmtpd/config/peers/0
check "peers/0 keeps its own header" sh -c "grep -q 'DO NOT MODIFY' '$ROOT/var/service/qpsmtpd/config/peers/0' && ! grep -q 'expand-template generates it' '$ROOT/var/service/qpsmtpd/config/peers/0'"
