#!/bin/sh
# die and warn in fragments, reported on stderr byte for byte as e-smith's
# expand-template reports them: expand-template's stderr is compared with
# tt-render.pl --esmith, which runs Debian's Text::Template with the
# original esmith::templates BROKEN handler and $SIG{__WARN__}. A die
# leaves the target untouched; warnings let the expansion go on.
. "${ESMITH_SRC:-.}/tests/lib.sh"
new_root
here="$TOP/tests/oracle"
cp "$here/oracle.db" "$ROOT/home/e-smith/db/configuration"
mkdir -p "$ROOT/etc"
cp /etc/shells "$ROOT/etc/shells" # read by both engines: Perl from /, ours under the root
T="$ROOT/etc/e-smith/templates"

# diag NAME TARGET: expands TARGET with both engines; compares stderr,
# exit status, and (when it succeeds) the rendered text.
diag() {
    name=$1
    target=$2
    printf 'old\n' >"$ROOT$target"
    perl "$here/tt-render.pl" --db "$ROOT/home/e-smith/db/configuration" --root "$ROOT" \
        --esmith "$target" "$T$target"/* >"$T_TMP/want" 2>"$T_TMP/want.err"
    want_rc=$?
    expand-template "$target" 2>"$T_TMP/got.err"
    got_rc=$?
    if cmp -s "$T_TMP/want.err" "$T_TMP/got.err"; then
        ok "$name: stderr byte-identical to the original's"
    else
        not_ok "$name: stderr differs from the original's"
        diff "$T_TMP/want.err" "$T_TMP/got.err" | head -10 | sed 's/^/#   /'
    fi
    if [ "$want_rc" -ne 0 ]; then
        check_eq "$name: fails" "1" "$got_rc"
        check_eq "$name: target untouched" "old" "$(cat "$ROOT$target")"
    else
        check_eq "$name: succeeds" "0" "$got_rc"
        check "$name: output byte-identical" cmp "$T_TMP/want" "$ROOT$target"
    fi
}

mkdir -p "$T/etc/die" "$T/etc/warn" "$T/etc/mixed" "$T/etc/fh" "$T/etc/record"

# every form of die, in several blocks and fragments: each failing block
# is one "ERROR in" line and counts as one in the closing line
printf 'a{ die "with newline\\n" }b\n{ 1 }{ die "without newline" }\n' >"$T/etc/die/10forms"
printf '{ die }\n{\n  die "first line\\nsecond line";\n}\n' >"$T/etc/die/20default"
printf '{ my $n = 3;\n  die "list ", "of ", $n, " items" if $n > 2; }\n' >"$T/etc/die/30list"
printf '{ die "trailing newlines\\n\\n\\n" }\n' >"$T/etc/die/40newlines"
diag "die forms" /etc/die

# warn: the expansion succeeds, every warning counted
printf '{ warn "careful"; "a" }\n{ warn "line\\n"; warn; "b" }\n' >"$T/etc/warn/10warn"
printf '{ warn "two\\nlines"; warn "list ", 2, "\\n"; "c" }\n' >"$T/etc/warn/20warn"
diag "warn forms" /etc/warn
printf 'plain\n' >"$T/etc/warn/20warn"
printf '{ "x" }\n' >"$T/etc/warn/10warn"
printf '{ warn "only one\\n"; "x" }\n' >"$T/etc/warn/30one"
diag "one warning: singular" /etc/warn

# warnings and an error together
printf '{ warn "odd value 7\\n"; "" }\n' >"$T/etc/mixed/10warn"
printf '{ die "stop\\n" }\n' >"$T/etc/mixed/20die"
diag "warning and error" /etc/mixed

# a die after reading a file names the handle and its line count
cat >"$T/etc/fh/10read" <<'EOF'
{ open(SHELLS, "/etc/shells") or die "no shells: $!"; my $first = <SHELLS>; "" }
{ die "after a read" }
{ open(my $fh, "<", "/etc/shells") or die; my @all = <$fh>;
  die "lexical handle" }
{ close(SHELLS); die "after close" }
{ open(FH, "<", "/etc/missing-file") or die "cannot open /etc/missing-file: $!" }
EOF
diag "die after reading" /etc/fh

# the SME idioms: a die on a missing record, a warn on an odd value
cat >"$T/etc/record/10record" <<'EOF'
{
    my $rec = $DB->get('nosuchservice')
        or die "no nosuchservice record in the configuration db\n";
    $rec->prop('status');
}
EOF
cat >"$T/etc/record/20odd" <<'EOF'
{
    my $port = $sshd{TCPPort} || 22;
    warn "sshd TCPPort $port is not a number\n" unless $port =~ /^\d+$/;
    "Port $port\n";
}
EOF
diag "die on a missing record" /etc/record

# errors Perl itself raises are shown in Perl's words too
mkdir -p "$T/etc/runtime"
cat >"$T/etc/runtime/10runtime" <<'EOF2'
{ $DB->get('nosuchrecord')->prop('status') }
{ my $zero = 0;
  my $ratio = 10 / $zero; }
{ my %h = (a => 1); my $r = \%h; @$r }
EOF2
diag "Perl's own runtime errors" /etc/runtime

# the line Perl names is its statement's: where the statement starts, or
# after a '{' a later token's
mkdir -p "$T/etc/lines"
cat >"$T/etc/lines/10lines" <<'EOF2'
{ my $r = $DB->get("nosuch")
   or die "K"; }
{ my $r = $nothing
   || die "L"; }
{ my $v = $sshd{nosuchprop}
   or die "M"; }
{ my %h; my $v = $h{x} ||
   $h{y} or die "O"; }
{ $z = 0 or
  die "P"; }
{ my @a = ()
  or die "Q"; }
{ open(FH, "/etc/e-smith/missing")
    or die "cannot open: $!"; }
{ die "A",
"b" if 1; }
{ my $v = 1;
 die "F",
"b" if $v; }
{ warn "W1",
  "w2";
  my $u = $sshd{status}
    and warn "W3"; "" }
EOF2
diag "die and warn in statements over several lines" /etc/lines
