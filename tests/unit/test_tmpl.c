/* Unit tests of the template engine: block splitting (tmpl_split.c), the
 * parser (tmpl_parse.c), values (tmpl_val.c) and the evaluator through
 * esm_tmpl_render / esm_tmpl_eval, including a db inside a transaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void assert_split(const char *src, int count, const char *const *want_text,
                         const int *want_code)
{
    tmpl_piece *p;
    esm_err err;
    int n = tmpl_split(src, strlen(src), "f", &p, &err);
    assert_int_equal(n, count);
    for (int i = 0; i < n; i++) {
        assert_string_equal(p[i].text, want_text[i]);
        assert_int_equal(p[i].is_code, want_code[i]);
    }
    tmpl_pieces_free(p, n);
}

static void test_split_text_and_blocks(void **state)
{
    (void)state;
    const char *t[] = {"a ", " 1 ", " b\n", "x"};
    const int c[] = {0, 1, 0, 1};
    assert_split("a { 1 } b\n{x}", 4, t, c);
}

static void test_split_backslashes(void **state)
{
    (void)state;
    /* \{ is a literal brace, \\ before a brace one backslash, others kept */
    const char *t[] = {"\\n {", "'{'", "\\\\"};
    const int c[] = {0, 1, 0};
    assert_split("\\n \\{{'\\{'}\\\\", 3, t, c);
    const char *t2[] = {"x\\", "1"};
    const int c2[] = {0, 1};
    assert_split("x\\\\{1}", 2, t2, c2);
}

static void test_split_nested_and_empty(void **state)
{
    (void)state;
    const char *t[] = {" if (1) { 2 } ", "z"};
    const int c[] = {1, 0};
    assert_split("{ if (1) { 2 } }{}z", 2, t, c);
}

static void test_split_unbalanced(void **state)
{
    (void)state;
    tmpl_piece *p;
    esm_err err;
    assert_int_equal(tmpl_split("a\n }", 4, "frag", &p, &err), -1);
    assert_string_equal(err.msg, "frag:2:2: unmatched close brace");
    assert_int_equal(tmpl_split("{ {", 3, "frag", &p, &err), -1);
    assert_string_equal(err.msg, "frag:1:1: end of data inside program text that began here");
}

static void test_parse_tree_shapes(void **state)
{
    (void)state;
    esm_err err;
    tnode *n = tmpl_parse("1 + 2 * 3", 9, "f", 1, 1, &err);
    assert_non_null(n);
    assert_int_equal(n->kind, N_STMTS);
    tnode *e = n->kids[0];
    assert_int_equal(e->kind, N_BINOP);
    assert_int_equal(e->op, OP_ADD);
    assert_int_equal(e->kids[1]->op, OP_MUL);
    tnode_free(n);
    /* named unary operators bind tighter than comparison */
    n = tmpl_parse("length $x > 3", 13, "f", 1, 1, &err);
    assert_non_null(n);
    assert_int_equal(n->kids[0]->kind, N_BINOP);
    assert_int_equal(n->kids[0]->kids[0]->kind, N_FUNC);
    tnode_free(n);
    /* postfix modifiers wrap the statement */
    n = tmpl_parse("$a = 1 unless $b", 16, "f", 1, 1, &err);
    assert_non_null(n);
    assert_int_equal(n->kids[0]->kind, N_IF);
    assert_int_equal(n->kids[0]->op, 1);
    tnode_free(n);
}

static void test_parse_errors_located(void **state)
{
    (void)state;
    esm_err err;
    assert_null(tmpl_parse("\n  `ls`", 7, "frag", 3, 5, &err));
    assert_string_equal(err.msg, "frag:4:3: unsupported Perl: backticks");
    assert_null(tmpl_parse("$x = ;", 6, "frag", 1, 1, &err));
    assert_null(tmpl_parse("foo(", 4, "frag", 1, 1, &err));
}

static void test_numbers_print_like_perl(void **state)
{
    (void)state;
    char buf[64];
    tmpl_fmt_nv(10.0 / 3, buf, sizeof(buf));
    assert_string_equal(buf, "3.33333333333333");
    tmpl_fmt_nv(1e21, buf, sizeof(buf));
    assert_string_equal(buf, "1e+21");
    tmpl_fmt_nv(1.0 / 0.0, buf, sizeof(buf));
    assert_string_equal(buf, "Inf");
    int is_int;
    int64_t iv;
    double nv;
    tmpl_str_num(" 12abc", 6, &is_int, &iv, &nv);
    assert_true(is_int);
    assert_int_equal(iv, 12);
    tmpl_str_num("1.5e2x", 6, &is_int, &iv, &nv);
    assert_false(is_int);
    assert_true(nv == 150.0);
    assert_true(tmpl_looks_like_number(" 3 ", 3));
    assert_false(tmpl_looks_like_number("3x", 2));
}

static void test_hash_order_and_delete(void **state)
{
    (void)state;
    thv *hv = thv_new();
    char key[16];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        thv_store(hv, key, strlen(key), tsv_new_iv(i));
    }
    for (int i = 0; i < 100; i += 2) {
        snprintf(key, sizeof(key), "k%d", i);
        tsv_dec(thv_delete(hv, key, strlen(key)));
    }
    assert_int_equal(hv->live, 50);
    assert_null(thv_fetch(hv, "k0", 2, 0));
    assert_int_equal(thv_fetch(hv, "k99", 3, 0)->iv, 99);
    thv_dec(hv);
}

static char *render(esm_tmpl_env *env, const char *src)
{
    esm_buf out = ESM_BUF_INIT;
    esm_err err;
    if (esm_tmpl_render(env, src, strlen(src), "t", &out, &err) < 0) {
        esm_buf_free(&out);
        return esm_xasprintf("ERROR %s", err.msg);
    }
    return esm_buf_steal(&out);
}

static void test_render_semantics(void **state)
{
    (void)state;
    esm_tmpl_env *env = esm_tmpl_env_new(NULL);
    struct {
        const char *src, *want;
    } cases[] = {
        {"{ $OUT = ''; 'x' }", ""},
        {"[{ if (0) { 1 } }]", "[0]"},
        {"{ my @l = (1,2,3); @l }", "3"},
        {"{ $g = 5; '' }{ $g + 1 }", "6"},
        {"a{ next; }b", "ab"},
        {"a{ last; }b", "a"},
        {"{ 'a' . undef . 'b' }", "ab"},
        {"{ '0' || 'd' }", "d"},
        {"{ 10 / 3 }", "3.33333333333333"},
        {"{ join ',', map { $_ * 2 } grep { $_ % 2 } 1..5 }", "2,6,10"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = render(env, cases[i].src);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
    esm_tmpl_env_free(env);
}

static void test_render_error_leaves_output(void **state)
{
    (void)state;
    esm_tmpl_env *env = esm_tmpl_env_new(NULL);
    esm_buf out = ESM_BUF_INIT;
    esm_buf_puts(&out, "kept");
    esm_err err;
    assert_int_equal(esm_tmpl_render(env, "x{ 1 }{ die 'no' }", 18, "f", &out, &err), -1);
    assert_string_equal(esm_buf_str(&out), "kept");
    assert_string_equal(err.msg, "f:1:9: died: no at f line 1.");
    esm_buf_free(&out);
    esm_tmpl_env_free(env);
}

static void test_eval_value_and_truth(void **state)
{
    (void)state;
    esm_tmpl_env *env = esm_tmpl_env_new(NULL);
    esm_tmpl_env_set_scalar(env, "EVENT", "ev");
    char *v;
    int t;
    esm_err err;
    assert_int_equal(esm_tmpl_eval(env, "$EVENT eq 'ev'", 14, "rule", &v, &t, &err), 0);
    assert_string_equal(v, "1");
    assert_int_equal(t, 1);
    free(v);
    assert_int_equal(esm_tmpl_eval(env, "'0'", 3, "rule", &v, &t, &err), 0);
    assert_string_equal(v, "0");
    assert_int_equal(t, 0);
    free(v);
    assert_int_equal(esm_tmpl_eval(env, "1 +", 3, "rule", &v, &t, &err), -1);
    esm_tmpl_env_free(env);
}

static int warnings_seen;
static void count_warning(void *ctx, const char *file, const char *msg)
{
    (void)ctx;
    assert_string_equal(file, "w");
    assert_string_equal(msg, "careful at w line 1.\n");
    warnings_seen++;
}

static void test_warn_callback(void **state)
{
    (void)state;
    esm_tmpl_env *env = esm_tmpl_env_new(NULL);
    esm_tmpl_env_on_warning(env, count_warning, NULL);
    esm_buf out = ESM_BUF_INIT;
    esm_err err;
    assert_int_equal(esm_tmpl_render(env, "{ warn 'careful'; 'ok' }", 24, "w", &out, &err), 0);
    assert_string_equal(esm_buf_str(&out), "ok");
    assert_int_equal(warnings_seen, 1);
    esm_buf_free(&out);
    esm_tmpl_env_free(env);
}

/* The broken handler sees each failed block (die as Perl's $@, other
 * errors located), and rendering goes on with the next block. */
static char broken_seen[512];
static void collect_broken(void *ctx, const char *file, int line, const char *error)
{
    (void)ctx;
    size_t n = strlen(broken_seen);
    snprintf(broken_seen + n, sizeof(broken_seen) - n, "%s@%d[%s]", file, line, error);
}

static void test_broken_callback(void **state)
{
    (void)state;
    esm_tmpl_env *env = esm_tmpl_env_new(NULL);
    esm_tmpl_env_on_broken(env, collect_broken, NULL);
    esm_buf out = ESM_BUF_INIT;
    esm_buf_puts(&out, "kept");
    esm_err err;
    const char *src = "a{ die 'x' }b\n{ `id` }{ $after = 1; die \"y\\n\" }{ $after }";
    assert_int_equal(esm_tmpl_render(env, src, strlen(src), "f", &out, &err), -1);
    assert_string_equal(esm_buf_str(&out), "kept");
    assert_string_equal(broken_seen, "f@1[x at f line 1.\n]"
                                     "f@2[f:2:3: unsupported Perl: backticks]"
                                     "f@2[y\n]");
    esm_tmpl_env_free(env);
    esm_buf_free(&out);
}

/* An env created inside an open transaction sees the pending records. */
static void test_db_bindings_in_transaction(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_tmpl.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = esm_xasprintf("%s/configuration", dir);
    esm_err err;
    esm_db *db = esm_db_open(path, ESM_DB_WRITE, &err);
    assert_non_null(db);
    esm_record *rec = esm_record_new("service");
    esm_record_set(rec, "TCPPort", "25");
    assert_int_equal(esm_db_put(db, "qpsmtpd", rec, &err), 0);
    assert_int_equal(esm_db_transaction_start(db, &err), 0);
    esm_record_set(rec, "TCPPort", "2525");
    assert_int_equal(esm_db_put(db, "qpsmtpd", rec, &err), 0);
    esm_record_free(rec);
    esm_tmpl_env *env = esm_tmpl_env_new(db);
    char *got = render(env, "{ $qpsmtpd{TCPPort} } { $qpsmtpd } { $DB->get_prop('qpsmtpd', "
                            "'TCPPort') } { $qpsmtpd{type} }[{ $nosuch }]");
    assert_string_equal(got, "2525 service|TCPPort|2525 2525 service[]");
    free(got);
    esm_tmpl_env_free(env);
    esm_db_transaction_cancel(db);
    esm_db_close(db);
    char *cmd = esm_xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_text_and_blocks),
        cmocka_unit_test(test_split_backslashes),
        cmocka_unit_test(test_split_nested_and_empty),
        cmocka_unit_test(test_split_unbalanced),
        cmocka_unit_test(test_parse_tree_shapes),
        cmocka_unit_test(test_parse_errors_located),
        cmocka_unit_test(test_numbers_print_like_perl),
        cmocka_unit_test(test_hash_order_and_delete),
        cmocka_unit_test(test_render_semantics),
        cmocka_unit_test(test_render_error_leaves_output),
        cmocka_unit_test(test_eval_value_and_truth),
        cmocka_unit_test(test_warn_callback),
        cmocka_unit_test(test_broken_callback),
        cmocka_unit_test(test_db_bindings_in_transaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
