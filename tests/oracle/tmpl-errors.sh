#!/bin/sh
# What the template engine refuses: every construct outside the subset and
# every syntax error gives one located line "FILE:LINE:COL: ..." and a
# non-zero exit, with nothing printed on stdout; runaway fragments stop.
. "${ESMITH_SRC:-.}/tests/lib.sh"
render="$TOP/$O/helpers/render"
f="$T_TMP/frag"
cp "$TOP/tests/oracle/oracle.db" "$T_TMP/configuration"

# refused NAME FRAGMENT EXPECTED-MESSAGE (after "frag:")
refused() {
    printf '%s' "$2" >"$f"
    if "$render" --db "$T_TMP/configuration" "$f" >"$T_TMP/out" 2>"$T_TMP/err"; then
        not_ok "$1: accepted"
        return
    fi
    check_eq "$1" "$f:$3" "$(cat "$T_TMP/err")"
    check_eq "$1: no output" "" "$(cat "$T_TMP/out")"
}

refused backticks 'x{ `id` }' '1:4: unsupported Perl: backticks'
refused qx 'x{ qx(id) }' '1:4: unsupported Perl: qx (command execution)'
refused system '{ system("id") }' '1:3: unsupported Perl: system'
refused exec '{
  exec "/bin/sh" }' '2:3: unsupported Perl: exec'
refused sub '{ sub f { 1 } f() }' '1:3: unsupported Perl: sub'
refused eval '{ eval { 1 } }' '1:3: unsupported Perl: eval'
refused require '{ require POSIX; }' '1:3: unsupported Perl: require'
refused use-module '{ use POSIX; }' '1:3: unsupported Perl: use POSIX'
refused print '{ print "x" }' '1:3: unsupported Perl: print'
refused file-test '{ -M "/etc/passwd" }' '1:3: unsupported Perl: file test -M'
refused readline-stdin '{ <STDIN> }' '1:3: unsupported Perl: <STDIN> read'
refused readline-argv '{ my @l = <>; }' '1:11: unsupported Perl: <> read (the ARGV files)'
refused glob '{ my @f = <*.conf>; }' '1:11: unsupported Perl: <...> glob or read of an expression'
refused local-element '{ local $h{x} = 1 }' '1:9: unsupported Perl: local on a hash or array element'
refused local-lexical '{ my $x; local $x = 1 }' "1:16: Can't localize lexical variable \$x"
refused eof-argv '{ eof() }' '1:3: unsupported Perl: eof() (end of all the ARGV files)'
refused stdout '{ close(STDOUT) }' '1:9: unsupported Perl: standard input/output handle'
refused unknown-function '{ frobnicate(1) }' "1:3: unsupported Perl: call of unknown function or bareword 'frobnicate'"
refused bitwise '{ 1 | 2 }' '1:5: unsupported Perl: bitwise operator | or ^'
refused tr-range '{ my $s = "x"; $s =~ tr/z-a//; }' '1:22: Invalid range "z-a" in transliteration operator'
refused tr-wide '{ my $s = "x"; $s =~ tr/\x{100}//; }' '1:22: unsupported Perl: character above \xff in tr///'
refused tr-modifier '{ my $s = "x"; $s =~ tr/a/b/e; }' '1:22: unsupported Perl: regex modifier /e'
refused subst-e '{ $x =~ s/a/b/e }' '1:9: unsupported Perl: regex modifier /e'
refused class-method '{ Foo::Bar->new }' '1:13: unsupported Perl: class method Foo::Bar->new'
refused db-class-write '{ esmith::ConfigDB->create("x") }' '1:21: unsupported Perl: class method esmith::ConfigDB->create'
refused other-module '{ use esmith::templates; 1 }' '1:3: unsupported Perl: use esmith::templates'
refused db-write '{ $DB->get("sshd")->set_prop("x", 1) }' '1:21: unsupported Perl: ->set_prop (a template cannot change the database)'
refused ref-as-string '{ [1] }' '1:2: unsupported Perl: block value is a reference or object (Perl prints an address)'
refused foreach-our '{ for our $i (1..3) { $OUT .= $i } }' '1:7: unsupported Perl: foreach our $var'
refused our-qualified '{ our $a::b = 1 }' '1:7: syntax error: bad variable name after our'
refused bareword-strict '{ use strict; Foo }' "1:15: unsupported Perl: call of unknown function or bareword 'Foo'"
refused bareword-lowercase '{ foo }' "1:3: unsupported Perl: call of unknown function or bareword 'foo'"
refused bareword-call '{ Foo(1) }' "1:3: unsupported Perl: call of unknown function or bareword 'Foo'"
refused bareword-argument '{ Foo 1 }' "1:3: unsupported Perl: call of unknown function or bareword 'Foo'"
refused package-var-in-string '{ my $t = "v"; "[$t::]" }' '1:18: unsupported Perl: package-qualified variable'
refused record-internal-field '{ $DB->get("sshd")->{type} }' "1:21: unsupported Perl: direct access to an object's internal hash"
refused missing-record-key '{ $DB->get("nope")->{key} }' "1:21: Can't use an undefined value as a HASH reference"
refused smartmatch-numeric-strings '{ "1" ~~ ["1.0"] }' '1:7: unsupported Perl: ~~ between strings that look like numbers'
refused smartmatch-hash '{ my %h = (a => 1); "a" ~~ %h }' '1:25: unsupported Perl: ~~ with a hash, a regex or an array on the left'
refused smartmatch-regex '{ "a" ~~ /a/ }' '1:7: unsupported Perl: ~~ with a hash, a regex or an array on the left'
refused flip-flop '{ my $x = (1..2) ? 1 : 0; }' '1:13: unsupported Perl: .. in scalar context (flip-flop)'

# syntax errors
refused unbalanced-close 'a } b' '1:3: unmatched close brace'
refused unbalanced-open 'a { b' '1:3: end of data inside program text that began here'
refused missing-paren '{ if (1 { 2 } }' "1:9: syntax error: expected ')' near '{ 2 } ;
;'"
refused heredoc-terminator '{ <<EOT
text
EOT}' '1:3: syntax error: can'"'"'t find heredoc terminator "EOT"'
refused octal '{ 089 }' "1:4: Illegal octal digit '8'"

# files: reading only, under the root, bounded
refused open-write '{ open(FH, ">", "/tmp/x") }' '1:3: unsupported Perl: open for writing or appending'
refused open-append '{ open(my $fh, ">>/var/log/x") }' '1:3: unsupported Perl: open for writing or appending'
refused open-rw '{ open(FH, "+<", "/etc/passwd") }' '1:3: unsupported Perl: open for writing or appending'
refused open-pipe-from '{ open(FH, "id |") }' '1:3: unsupported Perl: pipe open'
refused open-pipe-to '{ open(FH, "| mail root") }' '1:3: unsupported Perl: pipe open'
refused open-pipe-3arg '{ open(FH, "-|", "id") }' '1:3: unsupported Perl: pipe open'
refused open-layer '{ open(FH, "<:encoding(UTF-8)", "/etc/passwd") }' "1:3: unsupported Perl: open mode other than '<'"
refused open-1arg '{ open(FH) }' '1:3: unsupported Perl: one-argument open'
refused escape-dotdot '{ open(FH, "/../../etc/passwd") }' '1:3: file access outside the server root refused: /../../etc/passwd'
refused escape-test '{ -e "/etc/../../x" }' '1:3: file access outside the server root refused: /etc/../../x'
refused read-dev-zero '{ open(Z, "/dev/zero"); my $l = <Z>; }' '1:33: file read limit exceeded: a fragment may read 16777216 bytes'
truncate -s 20M "$T_TMP/big"
refused read-big-file '{ open(B, "'"$T_TMP/big"'"); my @all = <B>; scalar(@all) }' '1:'"$((${#T_TMP} + 30))"': file read limit exceeded: a fragment may read 16777216 bytes'
rm -f "$T_TMP/big"
mkfifo "$T_TMP/fifo"
refused open-fifo '{ open(P, "'"$T_TMP/fifo"'") }' '1:3: unsupported Perl: open of a pipe or socket'
rm -f "$T_TMP/fifo"

# a symlink cannot lead out of $ESMITH_ROOT: an absolute target is taken
# under the root, a relative one may not climb above it
mkdir -p "$T_TMP/r/etc/pki" "$T_TMP/outside"
echo secret >"$T_TMP/outside/key"
echo inside >"$T_TMP/r/etc/pki/real"
ln -s /etc/pki/real "$T_TMP/r/etc/pki/abs"
ln -s ../../../outside/key "$T_TMP/r/etc/pki/rel"
printf '{ open(K, "/etc/pki/abs") or die "$!"; <K> }' >"$f"
check_eq "absolute symlink: read under the root" "inside" "$(ESMITH_ROOT="$T_TMP/r" "$render" "$f")"
printf '{ open(K, "/etc/pki/rel") or die "$!"; <K> }' >"$f"
check_fails "relative symlink out of the root: refused" env ESMITH_ROOT="$T_TMP/r" "$render" "$f"
check_eq "relative symlink out of the root: message" \
    "$f:1:3: file access outside the server root refused: /etc/pki/rel" "$(cat "$T_TMP/err")"
printf '{ -e "/etc/pki/rel" ? "yes" : "no" }' >"$f"
check_fails "file test through an escaping symlink: refused" env ESMITH_ROOT="$T_TMP/r" "$render" "$f"

# esmith::util: LdapPassword without its file would create one (refused);
# the functions that run programs or change the system stay unknown
mkdir -p "$T_TMP/ldaproot"
printf '{ esmith::util::LdapPassword() }' >"$f"
check_fails "LdapPassword without ldap.pw: refused" env ESMITH_ROOT="$T_TMP/ldaproot" "$render" "$f"
check_eq "LdapPassword without ldap.pw: message" \
    "$f:1:3: unsupported Perl: esmith::util::LdapPassword without /etc/openldap/ldap.pw (the original would create the password file)" \
    "$(cat "$T_TMP/err")"
refused util-ldapbase-no-arg '{ esmith::util::ldapBase() }' '1:3: wrong number of arguments for esmith::util::ldapBase'
refused util-password-change '{ esmith::util::setUnixPassword("admin", "x") }' "1:3: unsupported Perl: call of unknown function or bareword 'esmith::util::setUnixPassword'"
refused util-service-control '{ esmith::util::serviceControl(NAME => "sshd", ACTION => "restart") }' "1:3: unsupported Perl: call of unknown function or bareword 'esmith::util::serviceControl'"
refused util-network-module '{ use esmith::util::network qw(isValidIP); 1 }' '1:3: unsupported Perl: use esmith::util::network'

# directories: read-only under the root, one kind of handle per name
refused opendir-escape '{ opendir(D, "/etc/../..") }' '1:3: file access outside the server root refused: /etc/../..'
refused opendir-on-filehandle '{ open(FH, "/etc/passwd"); opendir(FH, "/etc") }' '1:28: Cannot open FH as a dirhandle: it is already open as a filehandle'
refused open-on-dirhandle '{ opendir(my $d, "/etc"); open($d, "<", "/etc/passwd") }' '1:27: Cannot open $d as a filehandle: it is already open as a dirhandle'
refused rewinddir '{ opendir(D, "/etc"); rewinddir(D) }' "1:23: unsupported Perl: call of unknown function or bareword 'rewinddir'"

# runtime errors, located
refused die '{ die "no way" }' '1:3: died: no way at '"$f"' line 1.'
refused division-by-zero '{ my $z = 0; 1 / $z }' '1:16: Illegal division by zero'
refused method-on-undef '{ $DB->get("x")->prop("y") }' '1:18: Can'"'"'t call method "prop" on an undefined value'

# runaway fragments stop
refused endless-while '{ while (1) { } }' '1:3: iteration budget exhausted (a loop that does not end?)'
refused endless-for '{ for (my $i = 0; ; $i++) { } }' '1:3: iteration budget exhausted (a loop that does not end?)'
refused huge-string '{ my $s = "x" x 100000000 }' '1:15: string size limit exceeded'
deep=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "("; printf "1"; for (i = 0; i < 300; i++) printf ")" }')
printf '{ %s }' "$deep" >"$f"
check_fails "deep nesting refused" "$render" "$f"
cp "$T_TMP/err" "$T_TMP/deep.err"
check "deep nesting: message" grep -q 'nested too deeply' "$T_TMP/deep.err"

# an error leaves earlier output unprinted (the caller's buffer untouched)
printf 'a{ 1 }b{ die "x\\n" }' >"$f"
check_fails "error after output" "$render" "$f"
check_eq "error after output: nothing printed" "" "$(cat "$T_TMP/out")"
