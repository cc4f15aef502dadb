#!/bin/sh
# 8 writers at once, 200 setprops each, on a shared record and on one
# private record each: 6 of ours (`config setprop`) and 2 Perl writers with
# the Perl tools' lock discipline. Afterwards every value is there, in the
# TDB view and in the flat file.
. tests/lib.sh
new_root
DB="$ROOT/home/e-smith/db"
FLAT="$DB/configuration"
cp "$TOP/tests/data/sample-configuration" "$FLAT"
config set shared service >/dev/null
for w in 1 2 3 4 5 6 7 8; do config set "private$w" service >/dev/null; done

c_writer() {
    w=$1
    j=1
    while [ $j -le 100 ]; do
        config setprop shared "c${w}_$j" "$j" || echo "writer $w: setprop shared failed" >&2
        config setprop "private$w" "n$j" "$j" || echo "writer $w: setprop private failed" >&2
        j=$((j + 1))
    done
}
p_writer() {
    w=$1
    perl "$TOP/tests/perl-writer.pl" "$FLAT" shared "p${w}_" 100 0.02 &&
        perl "$TOP/tests/perl-writer.pl" "$FLAT" "private$w" n 100 0.02
}

for w in 1 2 3 4 5 6; do c_writer $w 2>>"$T_TMP/errors" & done
for w in 7 8; do p_writer $w 2>>"$T_TMP/errors" & done
wait
check_eq "no writer failed" "" "$(cat "$T_TMP/errors")"

# The flat file as a Perl reader sees it.
perl -e '
    open my $in, "<", $ARGV[0] or die;
    while (<$in>) { chomp; next if /^\s*(#|$)/; my ($k, $v) = split /=/, $_, 2;
        next unless $k =~ /^(shared|private\d)$/;
        my ($t, %p) = split /(?<!\\)\|/, $v, -1;
        print "$k $_=$p{$_}\n" for sort keys %p }' "$FLAT" | sort >"$T_TMP/flat"
# The TDB view.
for k in shared private1 private2 private3 private4 private5 private6 private7 private8; do
    config printprop "$k" | sed "s/^/$k /"
done | sort >"$T_TMP/tdb"
# What must be there.
for w in 1 2 3 4 5 6 7 8; do
    if [ $w -le 6 ]; then p="c${w}_"; else p="p${w}_"; fi
    j=1
    while [ $j -le 100 ]; do
        echo "shared $p$j=$j"
        echo "private$w n$j=$j"
        j=$((j + 1))
    done
done | sort >"$T_TMP/want"
check_eq "all 1600 values in the flat file" 0 "$(comm -23 "$T_TMP/want" "$T_TMP/flat" | wc -l)"
check_eq "all 1600 values in the TDB view" 0 "$(comm -23 "$T_TMP/want" "$T_TMP/tdb" | wc -l)"
check_eq "TDB view and flat file agree" "" "$(diff "$T_TMP/flat" "$T_TMP/tdb")"
check_eq "the sample's records survived" "service|chroot|yes|status|enabled|Forwarder1|1.2.3.4" "$(config get named)"
check_eq "no temporary files left" "configuration configuration.lock configuration.tdb" "$(cd "$DB" && echo *)"

# The original deletes the lock file after unlocking, so a writer can end
# up holding a lock nobody else sees. One such Perl writer against 4 of
# ours: still nothing lost on either side.
config set shared2 service >/dev/null
: >"$T_TMP/errors"
for w in 1 2 3 4; do
    (j=1; while [ $j -le 40 ]; do
        config setprop shared2 "c${w}_$j" "$j" || echo "writer $w failed" >&2
        j=$((j + 1))
    done) 2>>"$T_TMP/errors" &
done
perl "$TOP/tests/perl-writer.pl" "$FLAT" shared2 p_ 80 0.01 0 unlink 2>>"$T_TMP/errors" &
wait
check_eq "unlinking Perl writer: no writer failed" "" "$(cat "$T_TMP/errors")"
{
    for w in 1 2 3 4; do j=1; while [ $j -le 40 ]; do echo "c${w}_$j=$j"; j=$((j + 1)); done; done
    j=1; while [ $j -le 80 ]; do echo "p_$j=$j"; j=$((j + 1)); done
} | sort >"$T_TMP/want2"
config printprop shared2 | sort >"$T_TMP/got2"
check_eq "unlinking Perl writer: all 240 values there" 0 "$(comm -23 "$T_TMP/want2" "$T_TMP/got2" | wc -l)"
