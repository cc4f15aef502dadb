#!/bin/sh
# Hostile filesystem, db/config (issue 7, SECURITY.md): symlinks planted at
# the lock file, the flat file, the TDB and the temporary files a write
# creates; a db owned by another user. Whatever happens, nothing outside
# $ESMITH_ROOT is created or changed, and the db is the old or the new
# state (a refusal comes with one line on stderr).
. tests/lib.sh
OUT="$T_TMP/outside"

# fresh: a new root with a small db, and an empty $OUT holding one
# precious file.
fresh() {
    new_root
    DB="$ROOT/home/e-smith/db"
    rm -rf "$OUT"
    mkdir -p "$OUT"
    printf 'precious\n' >"$OUT/victim"
    chmod 0640 "$OUT/victim"
    touch -d '2001-01-01' "$OUT/victim"
    config set k service status enabled >/dev/null 2>&1
}

# What $OUT holds: names, modes, owners, sizes, mtimes and contents.
outside() { (cd "$OUT" && ls -lAn --time-style=+%s && cat ./* 2>/dev/null) | cksum; }

# The records of the flat file (its header skipped), as a writer left it.
records() { grep -v '^#' "$DB/configuration" 2>/dev/null; }

# before NAME: remembers $OUT and the records before a write of new=t.
before() {
    before_out=$(outside)
    old_records=$(records)
    new_records=$(printf '%s\nnew=t\n' "$old_records" | grep -v '^$' | LC_ALL=C sort)
}

# after_write NAME: $OUT is unchanged, and the flat file holds the old or
# the new records, never anything else. After a successful write the
# TDB agrees with it.
after_write() {
    if [ "$(outside)" = "$before_out" ]; then ok "$1: nothing outside the root changed"; else
        not_ok "$1: something outside the root changed"
        ls -la "$OUT" | sed 's/^/#   /'
    fi
    got=$(records)
    if [ "$got" = "$old_records" ] || [ "$got" = "$new_records" ]; then
        ok "$1: the flat file is the old or the new state"
    else
        not_ok "$1: the flat file is neither the old nor the new state"
        printf '%s\n' "$got" | head -5 | sed 's/^/#   /'
    fi
    if [ "$write_rc" = 0 ]; then
        check_eq "$1: config print agrees with the flat file" "$got" "$(config print 2>&1)"
    fi
}

# write NAME: config set new t; a refusal must say why in one line.
write() {
    before
    config set new t >"$T_TMP/out" 2>"$T_TMP/err"
    write_rc=$?
    if [ $write_rc = 0 ]; then
        ok "$1: config set ran"
    elif [ "$(wc -l <"$T_TMP/err")" = 1 ]; then
        ok "$1: config set refused: $(cat "$T_TMP/err")"
    else
        not_ok "$1: config set failed without a one-line reason"
        sed 's/^/#   /' "$T_TMP/err" | head -5
    fi
    after_write "$1"
}

# ---- the lock file ----
fresh
rm -f "$DB/configuration.lock"
ln -s "$OUT/created-by-root" "$DB/configuration.lock"
write "dangling symlink at the lock file"
check_fails "dangling symlink at the lock file: no file created through it" \
    test -e "$OUT/created-by-root"

fresh
rm -f "$DB/configuration.lock"
ln -s "$OUT/victim" "$DB/configuration.lock"
write "symlink at the lock file to a file outside"

# ---- the flat file and the TDB ----
fresh
cp "$DB/configuration" "$OUT/victim"
chmod 0640 "$OUT/victim"
touch -d '2001-01-01' "$OUT/victim"
rm "$DB/configuration"
ln -s "$OUT/victim" "$DB/configuration"
write "flat file is a symlink to a file outside"

fresh
tdbtool "$OUT/victim.tdb" create </dev/null >/dev/null 2>&1 ||
    tdbtool <<EOF >/dev/null 2>&1
create $OUT/victim.tdb
insert precious value
quit
EOF
touch -d '2001-01-01' "$OUT/victim.tdb"
rm "$DB/configuration.tdb"
ln -s "$OUT/victim.tdb" "$DB/configuration.tdb"
write "TDB is a symlink to a TDB outside"

# ---- the temporary files of a write ----
# A write creates NAME.<pid> (and, when it rebuilds the TDB after an
# external edit, NAME.tdb.<pid>.new). config runs as pid 1 of a new pid
# namespace, so the test knows those names for sure (pids of a busy
# machine cannot be predicted from outside).
plant_and_write() {
    name=$1
    ln -s "$OUT/victim" "$DB/configuration.1"
    ln -s "$OUT/tdb-created-by-root" "$DB/configuration.tdb.1.new"
    before
    unshare --pid --fork sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$T_TMP/pid" \
        config set new t >"$T_TMP/out" 2>"$T_TMP/err"
    write_rc=$?
    check_eq "$name: config ran as pid 1" 1 "$(cat "$T_TMP/pid")"
    if [ $write_rc = 0 ] || [ "$(wc -l <"$T_TMP/err")" = 1 ]; then
        ok "$name: config set ran or refused in one line ($(cat "$T_TMP/err"))"
    else
        not_ok "$name: config set failed without a one-line reason"
    fi
    after_write "$name"
    find "$DB" -type l -delete
}

fresh
plant_and_write "symlinks at the flat file's temporary paths"

fresh
# An external edit (as a Perl writer would make) forces a TDB rebuild.
printf 'ext=t\n' >>"$DB/configuration"
plant_and_write "symlinks at the TDB rebuild's temporary paths"

# ---- a db owned by another user ----
# Whoever owns a db file controls that database (SECURITY.md); a write
# keeps the owner and mode, so that user's tools keep working, and never
# hands the file to anybody else.
fresh
chown nobody:nogroup "$DB/configuration" "$DB/configuration.tdb"
chmod 0640 "$DB/configuration"
check "db owned by nobody: root can write it" config set new t
check_eq "db owned by nobody: the flat file keeps its owner and mode" "nobody:nogroup 640" \
    "$(stat -c '%U:%G %a' "$DB/configuration")"
check_eq "db owned by nobody: the write is there" "t" "$(config get new)"
