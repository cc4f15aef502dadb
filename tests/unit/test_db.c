/* Unit tests of the db store (src/lib/db.c, flatfile.c): a private
 * ESMITH_ROOT per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];
static char dbfile[512];

/* The root is read once per process (paths.c), so all tests share one
 * and each starts with an empty db directory. */
static int make_root(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "%s/esm-test-db.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(root) == NULL)
        return -1;
    snprintf(dbfile, sizeof dbfile, "%s/home/e-smith/db/configuration", root);
    setenv("ESMITH_ROOT", root, 1);
    return 0;
}

static int remove_root(void **state)
{
    (void)state;
    char *cmd = esm_xasprintf("rm -rf %s", root);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

static int fresh_db_dir(void **state)
{
    (void)state;
    char *cmd = esm_xasprintf("rm -rf %s/home && mkdir -p %s/home/e-smith/db", root, root);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    esm_buf b = ESM_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        esm_buf_append(&b, chunk, n);
    fclose(f);
    return esm_buf_steal(&b);
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char HEADER[] = "# DO NOT MODIFY THIS FILE.\n#\n";

static void put_prop(esm_db *db, const char *key, const char *type, const char *prop,
                     const char *value)
{
    esm_err err;
    esm_record *rec = esm_record_new(type);
    if (prop)
        esm_record_set(rec, prop, value);
    assert_int_equal(esm_db_put(db, key, rec, &err), 0);
    esm_record_free(rec);
}

static void test_read_missing_db_fails(void **state)
{
    (void)state;
    esm_err err;
    esm_err_clear(&err);
    assert_null(esm_db_open("configuration", ESM_DB_READ, &err));
    assert_int_equal(err.code, ESM_E_NOTFOUND);
    assert_non_null(strstr(err.msg, "configuration"));
}

static void test_write_creates_and_reads_back(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    assert_non_null(db);
    assert_string_equal(esm_db_name(db), "configuration");
    put_prop(db, "qpsmtpd", "service", "HeloPolicy", "rfc");
    esm_db_close(db);

    db = esm_db_open("configuration", ESM_DB_READ, &err);
    assert_non_null(db);
    esm_record *rec;
    assert_int_equal(esm_db_get(db, "qpsmtpd", &rec, &err), 1);
    assert_string_equal(esm_record_get(rec, "HeloPolicy"), "rfc");
    esm_record_free(rec);
    assert_int_equal(esm_db_get(db, "nope", &rec, &err), 0);
    assert_null(rec);
    esm_db_close(db);

    char *text = slurp(dbfile);
    assert_non_null(strstr(text, "\nqpsmtpd=service|HeloPolicy|rfc\n"));
    assert_non_null(strstr(text, "# updated: "));
    free(text);
}

static void test_keys_sorted_stamp_hidden(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    assert_non_null(db);
    put_prop(db, "imaps", "service", NULL, NULL);
    put_prop(db, "HTTP", "service", NULL, NULL);
    put_prop(db, "imap", "service", NULL, NULL);
    put_prop(db, "httpd", "service", NULL, NULL);
    char **keys;
    size_t n;
    assert_int_equal(esm_db_keys(db, &keys, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(keys[0], "HTTP");
    assert_string_equal(keys[1], "httpd");
    assert_string_equal(keys[2], "imap");
    assert_string_equal(keys[3], "imaps");
    assert_null(keys[4]);
    esm_strv_free(keys);
    esm_record *rec;
    assert_int_equal(esm_db_get(db, "=esmith-c-sync", &rec, &err), 0);
    esm_db_close(db);
}

static void test_transaction_sees_pending_and_cancel(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    assert_non_null(db);
    put_prop(db, "a", "t", "p", "1");
    char *before = slurp(dbfile);

    assert_int_equal(esm_db_transaction_start(db, &err), 0);
    put_prop(db, "a", "t", "p", "2");
    put_prop(db, "b", "t", "p", "3");
    esm_record *rec;
    assert_int_equal(esm_db_get(db, "a", &rec, &err), 1);
    assert_string_equal(esm_record_get(rec, "p"), "2");
    esm_record_free(rec);
    assert_int_equal(esm_db_delete(db, "a", &err), 1);
    assert_int_equal(esm_db_get(db, "a", &rec, &err), 0);
    char **keys;
    size_t n;
    assert_int_equal(esm_db_keys(db, &keys, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(keys[0], "b");
    esm_strv_free(keys);
    esm_db_transaction_cancel(db);

    char *after = slurp(dbfile);
    assert_string_equal(before, after);
    assert_int_equal(esm_db_get(db, "a", &rec, &err), 1);
    assert_string_equal(esm_record_get(rec, "p"), "1");
    esm_record_free(rec);
    assert_int_equal(esm_db_get(db, "b", &rec, &err), 0);

    assert_int_equal(esm_db_transaction_start(db, &err), 0);
    put_prop(db, "b", "t", "p", "3");
    put_prop(db, "c", "t", "p", "4");
    assert_int_equal(esm_db_transaction_commit(db, &err), 0);
    char *text = slurp(dbfile);
    assert_non_null(strstr(text, "\na=t|p|1\nb=t|p|3\nc=t|p|4\n"));
    free(text);
    free(before);
    free(after);
    esm_db_close(db);
}

static void test_unchanged_value_does_not_rewrite(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    put_prop(db, "a", "t", "p", "1");
    struct stat st1, st2;
    assert_int_equal(stat(dbfile, &st1), 0);
    put_prop(db, "a", "t", "p", "1");
    assert_int_equal(stat(dbfile, &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino);
    assert_int_equal(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
    esm_db_close(db);
}

static void test_check_key_and_prop(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    const char *bad_keys[] = {"", "a=b", "a|b", "a\nb", " lead", "trail ", "#hash", "a\\nb"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof *bad_keys; i++) {
        esm_err_clear(&err);
        assert_int_equal(esm_db_check_key(db, bad_keys[i], &err), -1);
        assert_int_equal(err.code, ESM_E_INVALID);
        assert_non_null(strstr(err.msg, "configuration"));
        assert_null(strchr(err.msg, '\n'));
    }
    assert_int_equal(esm_db_check_key(db, "0", &err), 0);
    assert_int_equal(esm_db_check_key(db, "C:\\dir", &err), 0);
    const char *bad_props[] = {"", "a|b", "a=b", "a\nb"};
    for (size_t i = 0; i < sizeof bad_props / sizeof *bad_props; i++) {
        assert_int_equal(esm_db_check_prop(db, "k", bad_props[i], &err), -1);
        assert_non_null(strstr(err.msg, "'k'") ? err.msg : strstr(err.msg, "k"));
    }
    assert_int_equal(esm_db_check_prop(db, "k", "status", &err), 0);
    esm_db_close(db);
}

static void test_unstorable_values_refused(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    put_prop(db, "k", "t", "p", "ok");
    char *before = slurp(dbfile);
    esm_record *rec = esm_record_new("t");
    esm_record_set(rec, "a", "C:\\new");
    assert_int_equal(esm_db_put(db, "k", rec, &err), -1);
    assert_non_null(strstr(err.msg, "prop 'a'"));
    esm_record_free(rec);

    rec = esm_record_new("t");
    esm_record_set(rec, "a", "ends\\");
    esm_record_set(rec, "b", "x");
    assert_int_equal(esm_db_put(db, "k", rec, &err), -1);
    assert_non_null(strstr(err.msg, "backslash"));
    esm_record_free(rec);

    rec = esm_record_new("");
    assert_int_equal(esm_db_put(db, "k", rec, &err), -1);
    assert_non_null(strstr(err.msg, "empty type"));
    esm_record_free(rec);

    rec = esm_record_new("t");
    esm_record_set(rec, "b|c", "x");
    assert_int_equal(esm_db_put(db, "k", rec, &err), -1);
    esm_record_free(rec);

    char *after = slurp(dbfile);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* the last prop may end with a backslash: nothing follows it */
    rec = esm_record_new("t");
    esm_record_set(rec, "z", "dir\\");
    assert_int_equal(esm_db_put(db, "k", rec, &err), 0);
    esm_record_free(rec);
    esm_db_close(db);
}

static void test_external_edit_seen(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    put_prop(db, "a", "t", "p", "1");
    esm_db_close(db);
    /* same size, same second: only the nanoseconds/ctime differ */
    char *text = slurp(dbfile);
    char *at = strstr(text, "a=t|p|1");
    at[6] = '2';
    spit(dbfile, text);
    free(text);
    db = esm_db_open("configuration", ESM_DB_READ, &err);
    assert_non_null(db);
    esm_record *rec;
    assert_int_equal(esm_db_get(db, "a", &rec, &err), 1);
    assert_string_equal(esm_record_get(rec, "p"), "2");
    esm_record_free(rec);
    esm_db_close(db);
}

static void test_flat_file_without_tdb_imported(void **state)
{
    (void)state;
    esm_err err;
    char *text = esm_xasprintf("%s\n  \n# comment\nb=x|p|multi\\nline\na=t\nb=y|q|1\n", HEADER);
    spit(dbfile, text);
    free(text);
    esm_db *db = esm_db_open("configuration", ESM_DB_READ, &err);
    assert_non_null(db);
    esm_record *rec;
    assert_int_equal(esm_db_get(db, "b", &rec, &err), 1);
    assert_string_equal(esm_record_type(rec), "y"); /* last duplicate wins */
    esm_record_free(rec);
    char **keys;
    size_t n;
    assert_int_equal(esm_db_keys(db, &keys, &n, &err), 0);
    assert_int_equal(n, 2);
    esm_strv_free(keys);
    esm_db_close(db);

    spit(dbfile, "a=t|p|multi\\nline\n");
    db = esm_db_open("configuration", ESM_DB_READ, &err);
    char *raw;
    assert_int_equal(esm_db_get_raw(db, "a", &raw, &err), 1);
    assert_string_equal(raw, "t|p|multi\nline");
    free(raw);
    esm_db_close(db);
}

static void test_damaged_flat_file_named(void **state)
{
    (void)state;
    esm_err err;
    spit(dbfile, "a=t\nno equals here\n");
    assert_null(esm_db_open("configuration", ESM_DB_READ, &err));
    assert_non_null(strstr(err.msg, "line 2"));
    assert_non_null(strstr(err.msg, "/home/e-smith/db/configuration"));
}

static void test_foreign_store_refused(void **state)
{
    (void)state;
    esm_err err;
    spit(dbfile, "a=t\n");
    char *tdb = esm_xasprintf("%s.tdb", dbfile);
    spit(tdb, "this is not a tdb file at all, just text......................\n");
    char *before = slurp(tdb);
    assert_null(esm_db_open("configuration", ESM_DB_WRITE, &err));
    assert_non_null(strstr(err.msg, "configuration.tdb"));
    char *after = slurp(tdb);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(tdb);
}

static void test_dbpath_and_absolute_path(void **state)
{
    (void)state;
    esm_err err;
    char *dir = esm_xasprintf("%s/home/e-smith/db", root);
    setenv("DBPATH", dir, 1);
    esm_db *db = esm_db_open("accounts", ESM_DB_WRITE, &err);
    unsetenv("DBPATH");
    assert_non_null(db);
    put_prop(db, "admin", "user", NULL, NULL);
    esm_db_close(db);
    char *path = esm_xasprintf("%s/accounts", dir);
    db = esm_db_open(path, ESM_DB_READ, &err);
    assert_non_null(db);
    assert_string_equal(esm_db_name(db), path);
    esm_db_close(db);
    free(path);
    free(dir);
}

/* A Perl writer holding a lock on an unlinked lock file rewrites the flat
 * file while our transaction is open: commit notices, takes its file and
 * applies our changes again. */
static void test_commit_merges_a_concurrent_rewrite(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    put_prop(db, "a", "t", "p", "1");
    put_prop(db, "c", "t", "p", "1");
    esm_record *d = esm_record_decode("t|gone|x|keep|y", 15);
    assert_int_equal(esm_db_put(db, "d", d, &err), 0);
    assert_int_equal(esm_db_transaction_start(db, &err), 0);
    put_prop(db, "b", "t", "p", "2");
    put_prop(db, "c", "t", "p", "ours");
    esm_record_unset(d, "gone");
    esm_record_set(d, "mine", "z");
    assert_int_equal(esm_db_put(db, "d", d, &err), 0);
    esm_record_free(d);
    /* theirs: c.p changed (we win: we changed it too), d.keep changed and
     * d.their added (kept: we did not touch them), a new record */
    char *tmp = esm_xasprintf("%s.perl", dbfile);
    spit(tmp, "# header\na=t|p|1\nc=t|p|theirs\nd=t|gone|x|keep|new|their|w\next=perl\n");
    assert_int_equal(rename(tmp, dbfile), 0);
    free(tmp);
    assert_int_equal(esm_db_transaction_commit(db, &err), 0);
    char *text = slurp(dbfile);
    assert_non_null(strstr(text, "\na=t|p|1\nb=t|p|2\nc=t|p|ours\n"
                                 "d=t|keep|new|mine|z|their|w\next=perl\n"));
    free(text);
    esm_record *rec;
    assert_int_equal(esm_db_get(db, "ext", &rec, &err), 1);
    assert_string_equal(esm_record_type(rec), "perl");
    esm_record_free(rec);
    esm_db_close(db);
}

/* Many keys written into a small db: the TDB is rebuilt with a larger
 * hash table on the way, and every record is still there. */
static void test_growth_keeps_every_record(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    assert_int_equal(esm_db_transaction_start(db, &err), 0);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%05d", i);
        put_prop(db, key, "t", "n", key);
    }
    assert_int_equal(esm_db_transaction_commit(db, &err), 0);
    put_prop(db, "last", "t", NULL, NULL);
    esm_db_close(db);
    db = esm_db_open("configuration", ESM_DB_READ, &err);
    assert_non_null(db);
    for (int i = 0; i < 5000; i += 7) {
        snprintf(key, sizeof key, "k%05d", i);
        esm_record *rec;
        assert_int_equal(esm_db_get(db, key, &rec, &err), 1);
        assert_string_equal(esm_record_get(rec, "n"), key);
        esm_record_free(rec);
    }
    char **keys;
    size_t n;
    assert_int_equal(esm_db_keys(db, &keys, &n, &err), 0);
    assert_int_equal(n, 5001);
    esm_strv_free(keys);
    esm_db_close(db);
}

#define T(f) cmocka_unit_test_setup(f, fresh_db_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_read_missing_db_fails),
        T(test_write_creates_and_reads_back),
        T(test_keys_sorted_stamp_hidden),
        T(test_transaction_sees_pending_and_cancel),
        T(test_unchanged_value_does_not_rewrite),
        T(test_check_key_and_prop),
        T(test_unstorable_values_refused),
        T(test_external_edit_seen),
        T(test_flat_file_without_tdb_imported),
        T(test_damaged_flat_file_named),
        T(test_foreign_store_refused),
        T(test_dbpath_and_absolute_path),
        T(test_commit_merges_a_concurrent_rewrite),
        T(test_growth_keeps_every_record),
    };
    return cmocka_run_group_tests(tests, make_root, remove_root);
}
