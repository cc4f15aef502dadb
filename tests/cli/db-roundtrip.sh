#!/bin/sh
# The sample configuration imported and exported again is byte-identical
# apart from the "updated:" line (untouched records keep their bytes, even
# the unsorted props of "named").
. tests/lib.sh
new_root
DB="$ROOT/home/e-smith/db"
SAMPLE="$TOP/tests/data/sample-configuration"
cp "$SAMPLE" "$DB/configuration"
chmod 640 "$DB/configuration"

check "import on first read" config get named
check "a write forces an export" config set roundtrip-probe t
check "and its removal another" config delete roundtrip-probe
grep -v '^# updated: ' "$SAMPLE" >"$T_TMP/want"
grep -v '^# updated: ' "$DB/configuration" >"$T_TMP/got"
if cmp -s "$T_TMP/want" "$T_TMP/got"; then ok "round trip is byte-identical"; else
    not_ok "round trip is byte-identical"
    diff "$T_TMP/want" "$T_TMP/got" | head -10 | sed 's/^/#   /'
fi
check_eq "exactly one updated: line" 1 "$(grep -c '^# updated: ' "$DB/configuration")"
check_eq "header of six lines" "$(head -5 "$SAMPLE")" "$(head -5 "$DB/configuration")"
grep -Eq '^# updated: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}$' \
    "$DB/configuration" && ok "updated: line in ctime style" || not_ok "updated: line in ctime style"
check_eq "mode of the flat file kept" 640 "$(stat -c %a "$DB/configuration")"
check_eq "the lock file is never deleted" yes "$(test -f "$DB/configuration.lock" && echo yes)"
check_eq "no temporary files left" "configuration configuration.lock configuration.tdb" \
    "$(cd "$DB" && echo *)"

# A Perl reader (the flat-file format as esmith::config parses it) sees our
# writes, including the lossless pipe.
config set perlseen service Mode 'a|b' note "two
lines" >/dev/null
got=$(perl -e '
    open my $fh, "<", $ARGV[0] or die;
    while (<$fh>) { chomp; next if /^\s*(#|$)/; my ($k, $v) = split /=/, $_, 2;
        next unless $k eq "perlseen"; $v =~ s/\\n/\n/g;
        my ($type, %p) = split /(?<!\\)\|/, $v, -1; s/\\\|/|/g for values %p;
        print "$type;$p{Mode};$p{note}" }' "$DB/configuration")
check_eq "a Perl reader sees type and props" "service;a|b;two
lines" "$got"
