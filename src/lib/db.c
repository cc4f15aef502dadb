/*
 * db.c - the e-smith database store: records in a TDB beside the flat file,
 * kept in sync with it (see db.h and the README, "Architecture").
 *
 * The TDB maps each key to the record's raw value exactly as the flat file
 * has it (newlines real), plus one internal entry, the stamp of the flat
 * file version the TDB reflects. Reading is: open the TDB, compare the
 * stamp with a stat of the flat file, fetch. When they differ, someone
 * else wrote the flat file: under the flat file's lock a fresh TDB is
 * built from it and renamed into place. Writing is: lock, TDB
 * transaction, then at commit the whole flat file is written beside the
 * old one and renamed over it, the TDB transaction committed, the stamp
 * updated, the change logged.
 */
#include "db.h"

#include "buf.h"
#include "changelog.h"
#include "flatfile.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <tdb.h>
#include <unistd.h>

/* Where the stamp lives: '=' cannot be part of an e-smith key, so no
 * record can collide with it, and keys/get skip it. */
static const char META_KEY[] = "=esmith-c-sync";

/* One effective change of a transaction, for the change log and for
 * applying it again when another writer slipped in (see commit): what
 * the record was and what we made of it (the intent, merged prop by prop
 * into whatever the other writer left), and what the log shows. */
struct op {
    char *key;
    char *base_raw; /* before our change; NULL: the key did not exist */
    char *mine_raw; /* our result; NULL: deleted */
    char *old_raw;  /* for the log: the value we replaced */
    char *new_raw;  /* for the log: the value we stored */
};

struct esm_db {
    char *name; /* for messages */
    char *path; /* the flat file */
    char *tdb_path;
    char *lock_path;
    enum esm_db_mode mode;
    struct tdb_context *tdb;
    int tdb_writable;
    int lock_fd;
    /* Locks taken at commit on lock files that replaced ours (see
     * restart_transaction); held with lock_fd until the end. */
    int relock_fds[8];
    int relock_count;
    int in_txn;
    struct esm_stamp saved_stamp; /* the stamp before the open transaction */
    struct op *ops;
    size_t op_count, op_cap;
    /* Read-only fallback when the TDB cannot be brought in sync (no write
     * access, read-only filesystem): the flat file parsed in memory. */
    int in_memory;
    struct esm_flat mem;
    int read_locked; /* esm_db_read_begin holds the whole-db read lock */
};

static TDB_DATA tdb_data_of(const char *s, size_t n)
{
    TDB_DATA d;
    d.dptr = (unsigned char *)s;
    d.dsize = n;
    return d;
}

static TDB_DATA meta_key(void)
{
    return tdb_data_of(META_KEY, sizeof META_KEY - 1);
}

static int is_perl_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A key or name made printable for a one-line message. */
static const char *shown(const char *s, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = s; *p && o + 5 < size; p++) {
        if (*p == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if ((unsigned char)*p < 0x20) {
            out[o++] = '?';
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
    return out;
}

/* ---- opening ---- */

char *esm_db_resolve_path(const char *name_or_path)
{
    if (strchr(name_or_path, '/') != NULL)
        return esm_xstrdup(name_or_path);
    const char *dbpath = getenv("DBPATH");
    if (dbpath != NULL && dbpath[0] != '\0')
        return esm_xasprintf("%s/%s", dbpath, name_or_path);
    char *dir = esm_path_dup("/home/e-smith/db");
    char *path = esm_xasprintf("%s/%s", dir, name_or_path);
    free(dir);
    return path;
}

/* Opens the existing TDB: read-write when we may (so reads take TDB's
 * record locks and never see a commit half done), else read-only. Never
 * through a symlink (libtdb may write to what it opens: recovery).
 * Returns 1 when open, 0 when there is none, -1 on error. */
static int attach_tdb(esm_db *db, esm_err *err)
{
    db->tdb_writable = 1;
    db->tdb = tdb_open(db->tdb_path, 0, TDB_DEFAULT, O_RDWR | O_NOFOLLOW, 0);
    if (db->tdb == NULL && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        db->tdb_writable = 0;
        db->tdb = tdb_open(db->tdb_path, 0, TDB_DEFAULT, O_RDONLY | O_NOFOLLOW, 0);
    }
    if (db->tdb != NULL)
        return 1;
    if (errno == ENOENT)
        return 0;
    if (errno == EIO || errno == 0)
        return esm_err_set(err, ESM_E_FAIL, "%s: %s is damaged or not a TDB database", db->name,
                           esm_path_unroot(db->tdb_path));
    return esm_err_sys(err, errno, "%s: cannot open %s", db->name, esm_path_unroot(db->tdb_path));
}

static void detach_tdb(esm_db *db)
{
    db->read_locked = 0; /* tdb_close drops every lock */
    if (db->tdb != NULL)
        tdb_close(db->tdb);
    db->tdb = NULL;
}

/* Another process may have renamed a freshly built TDB into place since
 * we opened ours: then ours is an orphan and must be reopened. */
static int reattach_if_replaced(esm_db *db, esm_err *err)
{
    if (db->tdb != NULL && esm_fd_is_named(tdb_fd(db->tdb), db->tdb_path))
        return 0;
    detach_tdb(db);
    return attach_tdb(db, err) < 0 ? -1 : 0;
}

static int read_stamp(esm_db *db, struct esm_stamp *stamp, esm_err *err)
{
    TDB_DATA d = tdb_fetch(db->tdb, meta_key());
    int ok = d.dptr != NULL && d.dsize == sizeof *stamp;
    if (ok) {
        memcpy(stamp, d.dptr, sizeof *stamp);
        ok = stamp->magic == ESM_STAMP_MAGIC;
    }
    free(d.dptr);
    if (!ok)
        return esm_err_set(err, ESM_E_FAIL, "%s: %s is not an esmith-c store (no sync stamp)",
                           db->name, esm_path_unroot(db->tdb_path));
    return 0;
}

/* 1 when the TDB reflects the flat file, 0 when it must be rebuilt from
 * it, -1 on error. A missing flat file leaves the TDB authoritative: the
 * next write recreates the file. */
static int tdb_in_sync(esm_db *db, esm_err *err)
{
    struct esm_stamp stored, now;
    if (read_stamp(db, &stored, err) != 0)
        return -1;
    if (esm_stamp_of(db->path, &now, db->name, err) != 0)
        return -1;
    if (!now.present)
        return 1;
    return esm_stamp_equal(&stored, &now);
}

/* Builds a new TDB from the flat file (an empty one when there is no flat
 * file) and renames it over the old. The caller holds the flat file's
 * exclusive lock. A whole rebuild rather than an update in place: it
 * sizes the hash table for the data (reads stay O(1) at any size) and a
 * reader with the old TDB open keeps a consistent view. */
static int rebuild_tdb(esm_db *db, esm_err *err)
{
    struct esm_flat flat = {NULL, 0};
    struct stat st;
    struct esm_stamp stamp;
    int have_flat = 1;
    if (esm_flat_load(db->path, db->name, &flat, &st, err) != 0) {
        if (err == NULL || err->code != ESM_E_NOTFOUND)
            return -1;
        have_flat = 0;
        memset(&stamp, 0, sizeof stamp);
        stamp.magic = ESM_STAMP_MAGIC;
    } else {
        esm_stamp_from_stat(&stamp, &st);
    }

    /* Hold the old TDB's transaction lock while replacing it: our writers
     * serialise on it even when they hold different lock files (the Perl
     * tools delete the lock file), and one that waited for it sees the
     * replacement (start_tdb_transaction). */
    struct tdb_context *guarded =
        db->tdb != NULL && db->tdb_writable && tdb_transaction_start(db->tdb) == 0 ? db->tdb : NULL;
    int hash_size = (int)(flat.count + flat.count / 2) | 1;
    if (hash_size < 1031)
        hash_size = 1031;
    char *tmp = esm_xasprintf("%s.%ld.new", db->tdb_path, (long)getpid());
    unlink(tmp);
    mode_t mode = have_flat ? (st.st_mode & 0666) : 0644;
    int rc = -1;
    struct tdb_context *fresh =
        tdb_open(tmp, hash_size, TDB_NOLOCK | TDB_NOSYNC | TDB_INCOMPATIBLE_HASH,
                 O_RDWR | O_CREAT | O_EXCL, mode);
    if (fresh == NULL) {
        esm_err_sys(err, errno, "%s: cannot create %s", db->name, esm_path_unroot(tmp));
        goto out;
    }
    if (have_flat) {
        int chown_rc = fchown(tdb_fd(fresh), st.st_uid, st.st_gid);
        (void)chown_rc;
        int chmod_rc = fchmod(tdb_fd(fresh), mode);
        (void)chmod_rc;
    }
    int failed = tdb_store(fresh, meta_key(), tdb_data_of((const char *)&stamp, sizeof stamp),
                           TDB_REPLACE) != 0;
    for (size_t i = 0; i < flat.count && !failed; i++) {
        const struct esm_flat_entry *e = &flat.entries[i];
        failed = tdb_store(fresh, tdb_data_of(e->key, strlen(e->key)),
                           tdb_data_of(e->raw, e->raw_len), TDB_REPLACE) != 0;
    }
    if (failed || fsync(tdb_fd(fresh)) != 0) {
        int e = errno;
        tdb_close(fresh);
        unlink(tmp);
        esm_err_sys(err, e ? e : EIO, "%s: cannot write %s", db->name, esm_path_unroot(tmp));
        goto out;
    }
    if (tdb_close(fresh) != 0) {
        unlink(tmp);
        esm_err_sys(err, errno, "%s: cannot write %s", db->name, esm_path_unroot(tmp));
        goto out;
    }
    if (esm_flat_install(tmp, db->tdb_path, db->name, err) != 0)
        goto out;
    detach_tdb(db); /* closing cancels the guard */
    guarded = NULL;
    if (attach_tdb(db, err) != 1) {
        if (db->tdb == NULL && err != NULL && err->code == ESM_OK)
            esm_err_set(err, ESM_E_FAIL, "%s: %s vanished", db->name,
                        esm_path_unroot(db->tdb_path));
        goto out;
    }
    rc = 0;
out:
    if (guarded != NULL)
        tdb_transaction_cancel(guarded);
    free(tmp);
    esm_flat_free(&flat);
    return rc;
}

/* The TDB file we have open is no longer the one at its path. */
static int tdb_replaced(esm_db *db)
{
    return !esm_fd_is_named(tdb_fd(db->tdb), db->tdb_path);
}

/* Brings the TDB in sync with the flat file under the exclusive lock
 * (another process may have done it while we waited). */
static int sync_locked(esm_db *db, esm_err *err)
{
    if (reattach_if_replaced(db, err) != 0)
        return -1;
    if (db->tdb != NULL) {
        int in_sync = tdb_in_sync(db, err);
        if (in_sync != 0)
            return in_sync < 0 ? -1 : 0;
    }
    return rebuild_tdb(db, err);
}

static int sync_with_lock(esm_db *db, esm_err *err)
{
    int fd = esm_flat_lock(db->lock_path, LOCK_EX, db->name, err);
    if (fd < 0)
        return -1;
    int rc = sync_locked(db, err);
    close(fd);
    return rc;
}

/* A reader that cannot update the TDB still gets the current data. */
static int fall_back_to_memory(esm_db *db, esm_err *err)
{
    struct stat st;
    detach_tdb(db);
    if (esm_flat_load(db->path, db->name, &db->mem, &st, err) != 0)
        return -1;
    db->in_memory = 1;
    esm_err_clear(err);
    return 0;
}

static int open_store(esm_db *db, esm_err *err)
{
    int have_tdb = attach_tdb(db, err);
    if (have_tdb < 0)
        return -1;
    if (have_tdb) {
        int in_sync = tdb_in_sync(db, err);
        if (in_sync != 0)
            return in_sync < 0 ? -1 : 0;
    } else if (db->mode == ESM_DB_READ && access(db->path, F_OK) != 0) {
        return esm_err_set(err, ESM_E_NOTFOUND, "%s: no such database (%s)", db->name,
                           esm_path_unroot(db->path));
    }
    if (sync_with_lock(db, err) == 0)
        return 0;
    if (db->mode == ESM_DB_READ && (err == NULL || err->code != ESM_E_NOMEM))
        return fall_back_to_memory(db, err);
    return -1;
}

esm_db *esm_db_open(const char *name_or_path, enum esm_db_mode mode, esm_err *err)
{
    if (name_or_path == NULL || name_or_path[0] == '\0') {
        esm_err_set(err, ESM_E_INVALID, "empty database name");
        return NULL;
    }
    esm_db *db = esm_xcalloc(1, sizeof *db);
    db->name = esm_xstrdup(name_or_path);
    db->path = esm_db_resolve_path(name_or_path);
    db->tdb_path = esm_xasprintf("%s.tdb", db->path);
    db->lock_path = esm_xasprintf("%s.lock", db->path);
    db->mode = mode;
    db->lock_fd = -1;
    if (open_store(db, err) != 0) {
        esm_db_close(db);
        return NULL;
    }
    return db;
}

static void free_ops(esm_db *db)
{
    for (size_t i = 0; i < db->op_count; i++) {
        free(db->ops[i].key);
        free(db->ops[i].base_raw);
        free(db->ops[i].mine_raw);
        free(db->ops[i].old_raw);
        free(db->ops[i].new_raw);
    }
    db->op_count = 0;
}

void esm_db_close(esm_db *db)
{
    if (db == NULL)
        return;
    if (db->in_txn)
        esm_db_transaction_cancel(db);
    detach_tdb(db);
    esm_flat_free(&db->mem);
    free(db->ops);
    free(db->name);
    free(db->path);
    free(db->tdb_path);
    free(db->lock_path);
    free(db);
}

const char *esm_db_name(const esm_db *db)
{
    return db->name;
}

/* ---- reading ---- */

static int compare_entry_key(const void *key, const void *entry)
{
    return strcmp(key, ((const struct esm_flat_entry *)entry)->key);
}

/* The raw value of key (malloc'd, *len_out its length), NULL when absent
 * (errors of the TDB set *failed). */
static char *fetch_raw(esm_db *db, const char *key, size_t *len_out, int *failed, esm_err *err)
{
    *failed = 0;
    if (strchr(key, '=') != NULL) /* never a record: hides the stamp */
        return NULL;
    if (db->in_memory) {
        const struct esm_flat_entry *e =
            bsearch(key, db->mem.entries, db->mem.count, sizeof *e, compare_entry_key);
        if (e == NULL)
            return NULL;
        *len_out = e->raw_len;
        return esm_xstrndup(e->raw, e->raw_len);
    }
    TDB_DATA d = tdb_fetch(db->tdb, tdb_data_of(key, strlen(key)));
    if (d.dptr == NULL) {
        if (tdb_error(db->tdb) != TDB_ERR_NOEXIST) {
            *failed = 1;
            esm_err_set(err, ESM_E_FAIL, "%s: cannot read '%s' from %s: %s", db->name, key,
                        esm_path_unroot(db->tdb_path), tdb_errorstr(db->tdb));
        }
        return NULL;
    }
    char *raw = esm_xstrndup((const char *)d.dptr, d.dsize);
    *len_out = d.dsize;
    free(d.dptr);
    return raw;
}

int esm_db_get(esm_db *db, const char *key, esm_record **out, esm_err *err)
{
    size_t len = 0;
    int failed;
    *out = NULL;
    char *raw = fetch_raw(db, key, &len, &failed, err);
    if (raw == NULL)
        return failed ? -1 : 0;
    *out = esm_record_decode(raw, len);
    free(raw);
    return 1;
}

int esm_db_get_raw(esm_db *db, const char *key, char **raw_out, esm_err *err)
{
    size_t len = 0;
    int failed;
    *raw_out = fetch_raw(db, key, &len, &failed, err);
    if (*raw_out == NULL)
        return failed ? -1 : 0;
    return 1;
}

void esm_db_read_begin(esm_db *db)
{
    /* without the lock every get still locks its own hash chain */
    if (db && db->tdb && !db->in_memory && !db->in_txn && !db->read_locked)
        db->read_locked = tdb_lockall_read(db->tdb) == 0;
}

void esm_db_read_end(esm_db *db)
{
    if (db && db->read_locked) {
        tdb_unlockall_read(db->tdb);
        db->read_locked = 0;
    }
}

struct collect {
    struct esm_flat *flat;
    size_t cap;
    int with_values;
};

static int collect_entry(struct tdb_context *tdb, TDB_DATA key, TDB_DATA value, void *ctx)
{
    (void)tdb;
    struct collect *c = ctx;
    if (key.dsize > 0 && key.dptr[0] == '=')
        return 0;
    if (c->flat->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->flat->entries = esm_xrealloc(c->flat->entries, c->cap * sizeof *c->flat->entries);
    }
    struct esm_flat_entry *e = &c->flat->entries[c->flat->count++];
    e->key = esm_xstrndup((const char *)key.dptr, key.dsize);
    e->raw = c->with_values ? esm_xstrndup((const char *)value.dptr, value.dsize) : NULL;
    e->raw_len = c->with_values ? value.dsize : 0;
    return 0;
}

/* Every record (keys only, or with values), sorted by key. */
static int collect_all(esm_db *db, int with_values, struct esm_flat *out, esm_err *err)
{
    struct collect c = {out, 0, with_values};
    out->entries = NULL;
    out->count = 0;
    int rc = db->in_txn ? tdb_traverse(db->tdb, collect_entry, &c)
                        : tdb_traverse_read(db->tdb, collect_entry, &c);
    if (rc < 0) {
        esm_flat_free(out);
        return esm_err_set(err, ESM_E_FAIL, "%s: cannot read %s: %s", db->name,
                           esm_path_unroot(db->tdb_path), tdb_errorstr(db->tdb));
    }
    esm_flat_sort(out);
    return 0;
}

int esm_db_keys(esm_db *db, char ***keys_out, size_t *count_out, esm_err *err)
{
    struct esm_flat all = {NULL, 0};
    const struct esm_flat *src = &db->mem;
    if (!db->in_memory) {
        if (collect_all(db, 0, &all, err) != 0)
            return -1;
        src = &all;
    }
    char **keys = esm_xmalloc((src->count + 1) * sizeof *keys);
    for (size_t i = 0; i < src->count; i++) {
        if (db->in_memory) {
            keys[i] = esm_xstrdup(src->entries[i].key);
        } else {
            keys[i] = all.entries[i].key;
            all.entries[i].key = NULL;
        }
    }
    keys[src->count] = NULL;
    *count_out = src->count;
    *keys_out = keys;
    esm_flat_free(&all);
    return 0;
}

void esm_strv_free(char **strv)
{
    if (strv == NULL)
        return;
    for (char **p = strv; *p; p++)
        free(*p);
    free(strv);
}

/* ---- input rules ---- */

int esm_db_check_key(const esm_db *db, const char *key, esm_err *err)
{
    char buf[256];
    const char *why = NULL;
    size_t n = strlen(key);
    if (n == 0)
        return esm_err_set(err, ESM_E_INVALID, "%s: empty key", db->name);
    if (strchr(key, '='))
        why = "contains '='";
    else if (strchr(key, '|'))
        why = "contains '|'";
    else if (strchr(key, '\n'))
        why = "contains a newline";
    else if (is_perl_space(key[0]) || is_perl_space(key[n - 1]))
        why = "has leading or trailing blanks";
    else if (key[0] == '#')
        why = "starts with '#' (the flat file would read it as a comment)";
    else if (strstr(key, "\\n"))
        why = "contains a backslash followed by 'n' (the flat file would read a newline)";
    if (why)
        return esm_err_set(err, ESM_E_INVALID, "%s: invalid key '%s': %s", db->name,
                           shown(key, buf, sizeof buf), why);
    return 0;
}

int esm_db_check_prop(const esm_db *db, const char *key, const char *prop, esm_err *err)
{
    char kbuf[256], pbuf[256];
    const char *why = NULL;
    if (prop[0] == '\0')
        return esm_err_set(err, ESM_E_INVALID, "%s: %s: empty prop name", db->name,
                           shown(key, kbuf, sizeof kbuf));
    if (strchr(prop, '|'))
        why = "contains '|'";
    else if (strchr(prop, '='))
        why = "contains '='";
    else if (strchr(prop, '\n'))
        why = "contains a newline";
    if (why)
        return esm_err_set(err, ESM_E_INVALID, "%s: %s: invalid prop name '%s': %s", db->name,
                           shown(key, kbuf, sizeof kbuf), shown(prop, pbuf, sizeof pbuf), why);
    return 0;
}

/* Which field of rec (the type, or a prop's value) contains needle. */
static const char *culprit(const esm_record *rec, const char *needle, int at_end)
{
    size_t nl = strlen(needle);
    const char *t = esm_record_type(rec);
    size_t tl = strlen(t);
    if (at_end ? (tl >= nl && strcmp(t + tl - nl, needle) == 0) : strstr(t, needle) != NULL)
        return NULL;
    for (size_t i = 0; i < esm_record_count(rec); i++) {
        const char *v = esm_record_value_at(rec, i);
        size_t vl = strlen(v);
        if (at_end ? (vl >= nl && strcmp(v + vl - nl, needle) == 0) : strstr(v, needle) != NULL)
            return esm_record_name_at(rec, i);
        if (strstr(esm_record_name_at(rec, i), needle))
            return esm_record_name_at(rec, i);
    }
    return NULL;
}

static int same_record(const esm_record *a, const esm_record *b)
{
    if (strcmp(esm_record_type(a), esm_record_type(b)) != 0)
        return 0;
    if (esm_record_count(a) != esm_record_count(b))
        return 0;
    for (size_t i = 0; i < esm_record_count(a); i++)
        if (strcmp(esm_record_name_at(a, i), esm_record_name_at(b, i)) != 0 ||
            strcmp(esm_record_value_at(a, i), esm_record_value_at(b, i)) != 0)
            return 0;
    return 1;
}

static int unstorable(const esm_db *db, const char *key, const char *prop, const char *why,
                      esm_err *err)
{
    char kbuf[256], pbuf[256];
    if (prop == NULL)
        return esm_err_set(err, ESM_E_INVALID, "%s: %s: the type %s", db->name,
                           shown(key, kbuf, sizeof kbuf), why);
    return esm_err_set(err, ESM_E_INVALID, "%s: %s: the value of prop '%s' %s", db->name,
                       shown(key, kbuf, sizeof kbuf), shown(prop, pbuf, sizeof pbuf), why);
}

/* The raw value to store for rec, or NULL with err when the flat file
 * cannot carry it so that a Perl reader sees exactly rec. Trims the two
 * ends of the whole raw value as esmith::config does. */
static char *storable_raw(const esm_db *db, const char *key, const esm_record *rec, esm_err *err)
{
    char kbuf[256];
    for (size_t i = 0; i < esm_record_count(rec); i++)
        if (esm_db_check_prop(db, key, esm_record_name_at(rec, i), err) != 0)
            return NULL;
    char *raw = esm_record_encode(rec);
    if (strstr(raw, "\\n") != NULL) {
        unstorable(db, key, culprit(rec, "\\n", 0),
                   "contains a backslash followed by 'n', which e-smith reads back as a newline",
                   err);
        free(raw);
        return NULL;
    }
    esm_record *back = esm_record_decode(raw, strlen(raw));
    int same = same_record(rec, back);
    esm_record_free(back);
    if (!same) {
        unstorable(db, key, culprit(rec, "\\", 1),
                   "ends with a backslash, which would escape the '|' after it", err);
        free(raw);
        return NULL;
    }
    size_t start = 0, end = strlen(raw);
    while (start < end && is_perl_space(raw[start]))
        start++;
    while (end > start && is_perl_space(raw[end - 1]))
        end--;
    if (start == end || raw[start] == '|') {
        free(raw);
        esm_err_set(err, ESM_E_INVALID, "%s: %s: empty type", db->name,
                    shown(key, kbuf, sizeof kbuf));
        return NULL;
    }
    char *trimmed = esm_xstrndup(raw + start, end - start);
    free(raw);
    return trimmed;
}

/* ---- writing ---- */

/* TDB reports I/O failures (a full disk) as TDB_ERR_IO or not at all:
 * errno says what happened. */
static int tdb_failure(esm_db *db, const char *what, esm_err *err)
{
    int saved = errno;
    enum TDB_ERROR code = tdb_error(db->tdb);
    struct statvfs vfs;
    struct stat st;
    /* TDB does not keep errno reliably: a file system with less room than
     * the TDB's size cannot take its recovery area, whatever errno says. */
    if ((code == TDB_SUCCESS || code == TDB_ERR_IO) && fstatvfs(tdb_fd(db->tdb), &vfs) == 0 &&
        fstat(tdb_fd(db->tdb), &st) == 0 &&
        (uint64_t)vfs.f_bavail * vfs.f_frsize < (uint64_t)st.st_size)
        saved = ENOSPC;
    if ((code == TDB_SUCCESS || code == TDB_ERR_IO) && saved != 0)
        return esm_err_sys(err, saved, "%s: cannot %s %s", db->name, what,
                           esm_path_unroot(db->tdb_path));
    return esm_err_set(err, ESM_E_FAIL, "%s: cannot %s %s: %s", db->name, what,
                       esm_path_unroot(db->tdb_path), tdb_errorstr(db->tdb));
}

static void unlock_flat(esm_db *db)
{
    if (db->lock_fd >= 0)
        close(db->lock_fd);
    db->lock_fd = -1;
    while (db->relock_count > 0)
        close(db->relock_fds[--db->relock_count]);
}

/* Starts the TDB transaction, first overwriting the stored stamp with
 * one no flat file can have. A writer killed inside libtdb's commit can
 * leave a TDB that libtdb opens but tdb_check rejects (fill bytes where
 * the recovery area should be, a free list into them); with the stamp
 * spoiled, the next open rebuilds the TDB from the flat file instead of
 * using it. The commit stores the real stamp again (store_stamp); a
 * cancel puts the old one back. The overwrite is in place and not
 * synced: libtdb's first fsync in the commit flushes it before any
 * record is changed in place.
 * Whoever held the transaction lock before us may have replaced the TDB
 * meanwhile (a rebuild): then start again on the new one. */
static int start_tdb_transaction(esm_db *db, esm_err *err)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        if (!db->tdb_writable)
            return esm_err_set(err, ESM_E_FAIL, "%s: cannot write %s: permission denied", db->name,
                               esm_path_unroot(db->tdb_path));
        if (read_stamp(db, &db->saved_stamp, err) != 0)
            return -1;
        struct esm_stamp spoiled;
        memset(&spoiled, 0, sizeof spoiled);
        spoiled.magic = ESM_STAMP_MAGIC;
        spoiled.present = 1;
        if (tdb_store(db->tdb, meta_key(), tdb_data_of((const char *)&spoiled, sizeof spoiled),
                      TDB_REPLACE) != 0 ||
            tdb_transaction_start(db->tdb) != 0)
            return tdb_failure(db, "start a transaction on", err);
        if (!tdb_replaced(db))
            return 0;
        tdb_transaction_cancel(db->tdb);
        if (sync_locked(db, err) != 0)
            return -1;
    }
    return esm_err_set(err, ESM_E_FAIL, "%s: %s keeps being replaced", db->name,
                       esm_path_unroot(db->tdb_path));
}

/* Cancels the TDB transaction and puts the stamp spoiled at its start back. */
static void cancel_tdb_transaction(esm_db *db)
{
    tdb_transaction_cancel(db->tdb);
    tdb_store(db->tdb, meta_key(),
              tdb_data_of((const char *)&db->saved_stamp, sizeof db->saved_stamp), TDB_REPLACE);
}

int esm_db_transaction_start(esm_db *db, esm_err *err)
{
    if (db->in_txn)
        return esm_err_set(err, ESM_E_FAIL, "%s: a transaction is already open", db->name);
    if (db->mode != ESM_DB_WRITE || db->in_memory)
        return esm_err_set(err, ESM_E_FAIL, "%s: opened read-only", db->name);
    esm_db_read_end(db); /* TDB starts no transaction under a read lock */
    int fd = esm_flat_lock(db->lock_path, LOCK_EX, db->name, err);
    if (fd < 0)
        return -1;
    if (sync_locked(db, err) != 0) {
        close(fd);
        return -1;
    }
    if (start_tdb_transaction(db, err) != 0) {
        close(fd);
        return -1;
    }
    db->lock_fd = fd;
    db->in_txn = 1;
    free_ops(db);
    return 0;
}

void esm_db_transaction_cancel(esm_db *db)
{
    if (!db->in_txn)
        return;
    cancel_tdb_transaction(db);
    db->in_txn = 0;
    free_ops(db);
    unlock_flat(db);
}

static void add_op(esm_db *db, const char *key, char *old_raw, const char *new_raw)
{
    if (db->op_count == db->op_cap) {
        db->op_cap = db->op_cap ? db->op_cap * 2 : 8;
        db->ops = esm_xrealloc(db->ops, db->op_cap * sizeof *db->ops);
    }
    struct op *op = &db->ops[db->op_count++];
    op->key = esm_xstrdup(key);
    op->base_raw = old_raw ? esm_xstrdup(old_raw) : NULL;
    op->mine_raw = new_raw ? esm_xstrdup(new_raw) : NULL;
    op->old_raw = old_raw;
    op->new_raw = new_raw ? esm_xstrdup(new_raw) : NULL;
}

/* Stores raw (NULL: deletes) under key inside the open transaction.
 * Returns 1 when something changed, 0 when it was already so, -1. When
 * record_op, the change is remembered for the log and for re-applying. */
static int apply_in_txn(esm_db *db, const char *key, const char *raw, int record_op, char **old_out,
                        esm_err *err)
{
    size_t len = 0;
    int failed;
    char *old = fetch_raw(db, key, &len, &failed, err);
    if (failed)
        return -1;
    if (raw == NULL ? old == NULL : (old != NULL && strcmp(old, raw) == 0)) {
        free(old);
        return 0;
    }
    TDB_DATA k = tdb_data_of(key, strlen(key));
    int rc = raw == NULL ? tdb_delete(db->tdb, k)
                         : tdb_store(db->tdb, k, tdb_data_of(raw, strlen(raw)), TDB_REPLACE);
    if (rc != 0) {
        free(old);
        return tdb_failure(db, raw ? "write" : "delete from", err);
    }
    if (record_op)
        add_op(db, key, old, raw);
    else if (old_out != NULL)
        *old_out = old;
    else
        free(old);
    return 1;
}

/* Runs one change as its own transaction when none is open. */
static int write_one(esm_db *db, const char *key, const char *raw, esm_err *err)
{
    int own = !db->in_txn;
    if (own && esm_db_transaction_start(db, err) != 0)
        return -1;
    int rc = apply_in_txn(db, key, raw, 1, NULL, err);
    if (own) {
        if (rc < 0)
            esm_db_transaction_cancel(db);
        else if (esm_db_transaction_commit(db, err) != 0)
            return -1;
    }
    return rc;
}

int esm_db_put(esm_db *db, const char *key, const esm_record *rec, esm_err *err)
{
    if (esm_db_check_key(db, key, err) != 0)
        return -1;
    char *raw = storable_raw(db, key, rec, err);
    if (raw == NULL)
        return -1;
    int rc = write_one(db, key, raw, err);
    free(raw);
    return rc < 0 ? -1 : 0;
}

int esm_db_delete(esm_db *db, const char *key, esm_err *err)
{
    if (esm_db_check_key(db, key, err) != 0)
        return -1;
    return write_one(db, key, NULL, err);
}

/* Our change of one record applied to what another writer left: the
 * type and the props we changed or removed (from base to mine) are
 * applied to the current record, the other props stay as they are now. */
static char *merged_raw(esm_db *db, const struct op *op, const char *current, esm_err *err)
{
    if (op->mine_raw == NULL || current == NULL ||
        (op->base_raw != NULL && strcmp(op->base_raw, current) == 0))
        return op->mine_raw ? esm_xstrdup(op->mine_raw) : NULL;
    esm_record *mine = esm_record_decode(op->mine_raw, strlen(op->mine_raw));
    esm_record *base =
        op->base_raw ? esm_record_decode(op->base_raw, strlen(op->base_raw)) : esm_record_new("");
    esm_record *result = esm_record_decode(current, strlen(current));
    if (strcmp(esm_record_type(mine), esm_record_type(base)) != 0)
        esm_record_set_type(result, esm_record_type(mine));
    for (size_t i = 0; i < esm_record_count(mine); i++) {
        const char *name = esm_record_name_at(mine, i);
        const char *was = esm_record_get(base, name);
        if (was == NULL || strcmp(was, esm_record_value_at(mine, i)) != 0)
            esm_record_set(result, name, esm_record_value_at(mine, i));
    }
    for (size_t i = 0; i < esm_record_count(base); i++)
        if (esm_record_get(mine, esm_record_name_at(base, i)) == NULL)
            esm_record_unset(result, esm_record_name_at(base, i));
    char *raw = storable_raw(db, op->key, result, err);
    esm_record_free(result);
    esm_record_free(base);
    esm_record_free(mine);
    return raw;
}

/* Applies op again in the restarted transaction (see merged_raw). */
static int replay_op(esm_db *db, struct op *op, esm_err *err)
{
    size_t len = 0;
    int failed;
    char *current = fetch_raw(db, op->key, &len, &failed, err);
    if (failed)
        return -1;
    char *raw = merged_raw(db, op, current, err);
    if (raw == NULL && op->mine_raw != NULL) {
        free(current);
        return -1;
    }
    char *old = NULL;
    int rc = apply_in_txn(db, op->key, raw, 0, &old, err);
    if (rc > 0) {
        free(op->old_raw);
        op->old_raw = old;
        free(op->new_raw);
        op->new_raw = raw ? esm_xstrdup(raw) : NULL;
    }
    free(raw);
    free(current);
    return rc < 0 ? -1 : 0;
}

/* Whether the lock file we hold (the last taken) lost its name: a Perl
 * writer deletes the lock file after unlocking, so the next Perl writer
 * may be locking a new file and writing right now, unseen by us. */
static int lock_replaced(esm_db *db)
{
    int held = db->relock_count ? db->relock_fds[db->relock_count - 1] : db->lock_fd;
    return !esm_fd_is_named(held, db->lock_path);
}

/* Starts our transaction over when another writer may have slipped in:
 * cancel it (releasing the TDB's transaction lock, so that waiting for a
 * lock file below cannot deadlock with our own writers), lock the file
 * that now has the lock's name as well (keeping the first, so writers
 * queued on it stay queued), rebuild the TDB from the flat file if that
 * changed, and apply our changes again: neither side loses records. */
static int restart_transaction(esm_db *db, esm_err *err)
{
    cancel_tdb_transaction(db);
    while (lock_replaced(db)) {
        if (db->relock_count == (int)(sizeof db->relock_fds / sizeof *db->relock_fds))
            return esm_err_set(err, ESM_E_FAIL, "%s: %s keeps being deleted", db->name,
                               esm_path_unroot(db->lock_path));
        int fd = esm_flat_lock(db->lock_path, LOCK_EX, db->name, err);
        if (fd < 0)
            return -1;
        db->relock_fds[db->relock_count++] = fd;
    }
    if (sync_locked(db, err) != 0 || start_tdb_transaction(db, err) != 0)
        return -1;
    for (size_t i = 0; i < db->op_count; i++)
        if (replay_op(db, &db->ops[i], err) != 0)
            return -1;
    return 0;
}

/* The stamp of the flat file we just installed. Stored in place (same
 * size, no transaction): a torn or lost stamp only costs a rebuild. */
static void store_stamp(esm_db *db)
{
    struct esm_stamp stamp;
    if (esm_stamp_of(db->path, &stamp, db->name, NULL) != 0)
        return;
    tdb_store(db->tdb, meta_key(), tdb_data_of((const char *)&stamp, sizeof stamp), TDB_REPLACE);
}

int esm_db_transaction_commit(esm_db *db, esm_err *err)
{
    if (!db->in_txn)
        return esm_err_set(err, ESM_E_FAIL, "%s: no transaction is open", db->name);
    if (db->op_count == 0) {
        /* Nothing changed: like the original, do not rewrite the file. */
        esm_db_transaction_cancel(db);
        return 0;
    }
    int rc = -1;
    char *tmp = NULL;
    size_t records = 0;
    for (int attempt = 0;; attempt++) {
        struct esm_flat all = {NULL, 0};
        if (collect_all(db, 1, &all, err) != 0)
            goto fail;
        records = all.count;
        int wrote = esm_flat_write_temp(db->path, db->name, &all, &tmp, err);
        esm_flat_free(&all);
        if (wrote != 0)
            goto fail;
        /* Reserve the TDB's space before the flat file is replaced, so a
         * full disk fails here with both files untouched. */
        errno = 0; /* tdb_failure tells a lost reason by errno 0 */
        if (tdb_transaction_prepare_commit(db->tdb) != 0) {
            tdb_failure(db, "commit to", err);
            goto fail;
        }
        /* Last check before the rename: still the only writer, and the
         * flat file still the one the TDB was built from (the stamp saved
         * when the transaction began: the stored one is spoiled)? */
        struct esm_stamp now;
        if (!lock_replaced(db)) {
            if (esm_stamp_of(db->path, &now, db->name, err) != 0)
                goto fail;
            if (!now.present || esm_stamp_equal(&db->saved_stamp, &now))
                break;
        }
        unlink(tmp);
        free(tmp);
        tmp = NULL;
        if (attempt == 20) {
            esm_err_set(err, ESM_E_FAIL, "%s: %s keeps changing under us", db->name,
                        esm_path_unroot(db->path));
            goto fail;
        }
        if (restart_transaction(db, err) != 0)
            goto fail;
    }
    if (esm_flat_install(tmp, db->path, db->name, err) != 0) {
        free(tmp);
        tmp = NULL;
        goto fail;
    }
    free(tmp);
    tmp = NULL;
    errno = 0;
    if (tdb_transaction_commit(db->tdb) != 0) {
        /* The flat file is already new; the stale stamp makes the next
         * open rebuild the TDB from it. */
        tdb_failure(db, "commit to", err);
        db->in_txn = 0;
        free_ops(db);
        unlock_flat(db);
        return -1;
    }
    db->in_txn = 0;
    store_stamp(db);
    /* A db grown by writes outgrows the hash table it was built with:
     * rebuild it (from the file just written) before chains get long.
     * Only an optimisation, so a failure leaves the good TDB in place. */
    if (records > 4 * (size_t)tdb_hash_size(db->tdb))
        rebuild_tdb(db, NULL);
    const char *shown_path = esm_path_unroot(db->path);
    for (size_t i = 0; i < db->op_count; i++)
        esm_changelog_change(shown_path, db->ops[i].key, db->ops[i].old_raw, db->ops[i].new_raw);
    free_ops(db);
    unlock_flat(db);
    return 0;
fail:
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    if (db->in_txn)
        esm_db_transaction_cancel(db);
    return rc;
}
