/* Rules and the write guard against a real db and the real template
 * engine: conditions see pending values and $KEY, error rules refuse
 * only what they newly catch, unevaluable rules are reported, and only
 * changed props are judged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "db.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char root[256];

static void write_schema(const char *xml)
{
    char *path = esm_xasprintf("%s/etc/e-smith/db/configuration/schema/test.xml", root);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(xml, f);
    fclose(f);
    free(path);
}

static const char *const schema_xml =
    "<schema>\n"
    " <key name='a b'>\n"
    "  <prop name='lo' type='integer'/>\n"
    "  <prop name='hi' type='integer'/>\n"
    "  <prop name='mode' type='enum'><choice>x</choice><choice>y</choice></prop>\n"
    "  <rule level='error'>\n"
    "   <condition><![CDATA[ my $lo = $DB->get_prop($KEY, 'lo'); my $hi = $DB->get_prop($KEY, "
    "'hi');\n"
    "     defined $lo && defined $hi && $lo > $hi ]]></condition>\n"
    "   <message>lo above hi</message>\n"
    "  </rule>\n"
    "  <rule level='warning'>\n"
    "   <condition>($DB->get_prop($KEY, 'mode') || '') eq 'y'</condition>\n"
    "   <message>mode y is risky</message>\n"
    "  </rule>\n"
    " </key>\n"
    " <key name='c'>\n"
    "  <rule level='warning'><condition>$c{x} eq 'w' and die 'boom'</condition>"
    "<message>never</message></rule>\n"
    "  <rule level='error'><condition>$c{x} eq 'e' and die 'bang'</condition>"
    "<message>never</message></rule>\n"
    " </key>\n"
    "</schema>\n";

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "%s/esm-test-rules.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(root) == NULL)
        return -1;
    setenv("ESMITH_ROOT", root, 1);
    unsetenv("ESMITH_DB_DEFAULTSDIR");
    char *cmd = esm_xasprintf("mkdir -p %s/home/e-smith/db %s/etc/e-smith/db/configuration/schema",
                              root, root);
    int rc = system(cmd);
    free(cmd);
    write_schema(schema_xml);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd = esm_xasprintf("rm -rf %s", root);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

/* Applies props (name, value, ..., NULL) to key as one guarded write and
 * commits when the guard agrees. Returns the guard's verdict; warnings
 * and the error message land in the given buffers. */
static int guarded_write(const char *key, esm_buf *warnings, esm_err *err, ...)
{
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, err);
    assert_non_null(db);
    assert_int_equal(esm_db_transaction_start(db, err), 0);
    esm_schema_guard *g = esm_schema_guard_begin(db, key, err);
    if (g == NULL) {
        esm_db_transaction_cancel(db);
        esm_db_close(db);
        return -1;
    }
    esm_record *rec;
    if (esm_db_get(db, key, &rec, err) == 0)
        rec = esm_record_new("thing");
    va_list ap;
    va_start(ap, err);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL)
        esm_record_set(rec, name, va_arg(ap, const char *));
    va_end(ap);
    assert_int_equal(esm_db_put(db, key, rec, err), 0);
    esm_record_free(rec);
    int rc = esm_schema_guard_check(g, warnings, err);
    esm_schema_guard_free(g);
    if (rc == 0)
        assert_int_equal(esm_db_transaction_commit(db, err), 0);
    else
        esm_db_transaction_cancel(db);
    esm_db_close(db);
    return rc;
}

static char *prop_now(const char *key, const char *prop)
{
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_READ, &err);
    assert_non_null(db);
    esm_record *rec;
    char *v = NULL;
    if (esm_db_get(db, key, &rec, &err) == 1 && esm_record_get(rec, prop) != NULL)
        v = esm_xstrdup(esm_record_get(rec, prop));
    esm_record_free(rec);
    esm_db_close(db);
    return v;
}

static void test_error_rule_sees_pending_values(void **state)
{
    (void)state;
    esm_buf w = ESM_BUF_INIT;
    esm_err err;
    assert_int_equal(guarded_write("a", &w, &err, "lo", "1", "hi", "5", (char *)NULL), 0);
    assert_int_equal(guarded_write("a", &w, &err, "lo", "9", (char *)NULL), -1);
    assert_string_equal(err.msg, "a: lo above hi");
    char *lo = prop_now("a", "lo");
    assert_string_equal(lo, "1");
    free(lo);
    /* both together: the rule stays false */
    assert_int_equal(guarded_write("a", &w, &err, "lo", "9", "hi", "10", (char *)NULL), 0);
    /* $KEY makes the same definition work for b */
    assert_int_equal(guarded_write("b", &w, &err, "lo", "3", "hi", "2", (char *)NULL), -1);
    assert_string_equal(err.msg, "b: lo above hi");
    assert_string_equal(esm_buf_str(&w), "");
    esm_buf_free(&w);
}

static void test_warning_rule(void **state)
{
    (void)state;
    esm_buf w = ESM_BUF_INIT;
    esm_err err;
    assert_int_equal(guarded_write("a", &w, &err, "mode", "y", (char *)NULL), 0);
    assert_string_equal(esm_buf_str(&w), "a: mode y is risky\n");
    esm_buf_reset(&w);
    assert_int_equal(guarded_write("a", &w, &err, "mode", "x", (char *)NULL), 0);
    assert_string_equal(esm_buf_str(&w), "");
    esm_buf_free(&w);
}

/* A record already failing an error rule (written by a Perl tool) can
 * still be changed; the rule is then reported as a warning. */
static void test_error_rule_already_failing(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_WRITE, &err);
    esm_record *rec = esm_record_new("thing");
    esm_record_set(rec, "lo", "7");
    esm_record_set(rec, "hi", "1");
    esm_record_set(rec, "mode", "bogus");
    assert_int_equal(esm_db_put(db, "b", rec, &err), 0); /* no guard: like a Perl tool */
    esm_record_free(rec);
    esm_db_close(db);
    esm_buf w = ESM_BUF_INIT;
    assert_int_equal(guarded_write("b", &w, &err, "other", "1", (char *)NULL), 0);
    assert_string_equal(esm_buf_str(&w), "b: lo above hi (already so before this change)\n");
    esm_buf_reset(&w);
    /* an unchanged invalid mode does not block; a changed one is judged */
    assert_int_equal(guarded_write("b", &w, &err, "mode", "z", (char *)NULL), -1);
    assert_string_equal(err.msg, "b mode: 'z' is not one of x, y");
    esm_buf_free(&w);
}

static void test_unevaluable_rules(void **state)
{
    (void)state;
    esm_buf w = ESM_BUF_INIT;
    esm_err err;
    assert_int_equal(guarded_write("c", &w, &err, "x", "w", (char *)NULL), 0);
    assert_non_null(strstr(
        esm_buf_str(&w),
        "c: the rule at /etc/e-smith/db/configuration/schema/test.xml:17 cannot be evaluated: "));
    assert_non_null(strstr(esm_buf_str(&w), "boom"));
    assert_int_equal(guarded_write("c", &w, &err, "x", "e", (char *)NULL), -1);
    assert_non_null(strstr(
        err.msg,
        "c: the rule at /etc/e-smith/db/configuration/schema/test.xml:18 cannot be evaluated: "));
    assert_non_null(strstr(err.msg, "bang"));
    esm_buf_free(&w);
}

static void test_check_db(void **state)
{
    (void)state;
    esm_err err;
    esm_db *db = esm_db_open("configuration", ESM_DB_READ, &err);
    assert_non_null(db);
    esm_buf report = ESM_BUF_INIT;
    int errors = esm_schema_check_db(db, NULL, &report, &err);
    assert_int_equal(errors, 2);
    assert_non_null(strstr(esm_buf_str(&report), "error: b: lo above hi\n"));
    assert_non_null(strstr(esm_buf_str(&report), "error: b mode: 'bogus' is not one of x, y\n"));
    esm_buf_reset(&report);
    assert_int_equal(esm_schema_check_db(db, "a", &report, &err), 0);
    assert_string_equal(esm_buf_str(&report), "");
    esm_buf_free(&report);
    esm_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_rule_sees_pending_values),
        cmocka_unit_test(test_warning_rule),
        cmocka_unit_test(test_error_rule_already_failing),
        cmocka_unit_test(test_unevaluable_rules),
        cmocka_unit_test(test_check_db),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
