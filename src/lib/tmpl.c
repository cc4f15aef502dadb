/*
 * tmpl.c - the template environment and the two entry points: rendering a
 * fragment (text with { code } blocks) and evaluating one expression.
 *
 * A fragment is rendered as Text::Template's fill_in does it: each block
 * is compiled as "CODE;\n;" (so a trailing comment or a heredoc
 * terminator on the last line works the same), starts with an undefined
 * lexical $OUT, and contributes $OUT when that was set, else its value.
 * A top-level `next` drops the block's output and `last` ends the
 * fragment, because in Text::Template they leave fill_in's own loop.
 */
#include "tmpl_int.h"

#include <stdlib.h>
#include <string.h>

esm_tmpl_env *esm_tmpl_env_new(esm_db *config)
{
    esm_tmpl_env *env = esm_xcalloc(1, sizeof(*env));
    env->config = config;
    env->globals_index = thv_new();
    if (config) {
        tglob *g = tmpl_glob(env, "DB", 1);
        if (g) {
            tsv_dec(g->sv);
            g->sv = tsv_new_ref(RK_DB, tmpl_db_object(config, "esmith::ConfigDB"));
        }
        env->unwind = U_NONE;
    }
    esm_tmpl_env_set_scalar(env, "/", "\n"); /* $/ for <FH> and chomp */
    return env;
}

void esm_tmpl_env_free(esm_tmpl_env *env)
{
    if (!env)
        return;
    tmpl_restore_locals(env, 0);
    free(env->saves);
    thv_dec(env->handles);
    thv_dec(env->dirhandles);
    for (size_t i = 0; i < env->nglobs; i++) {
        tsv_dec(env->globs[i].sv);
        tav_dec(env->globs[i].av);
        thv_dec(env->globs[i].hv);
    }
    free(env->globs);
    for (size_t i = 0; i < env->nopened; i++)
        esm_db_close(env->opened[i]);
    free(env->opened);
    thv_dec(env->globals_index);
    free(env->lex);
    tlist_free(&env->mortals);
    tsv_dec(env->retval);
    free(env->match_subject);
    free(env->ovec);
    free(env->perl_error);
    free(env);
    tmpl_val_release();
    tmpl_parse_release();
}

void esm_tmpl_env_set_scalar(esm_tmpl_env *env, const char *name, const char *value)
{
    esm_err err;
    env->err = &err;
    env->filename = "template";
    tglob *g = tmpl_glob(env, name, 1);
    env->err = NULL;
    env->unwind = U_NONE;
    if (!g)
        return;
    if (!g->sv)
        g->sv = tsv_new();
    if (value)
        tsv_set_str(g->sv, value, strlen(value));
    else
        tsv_set_undef(g->sv);
}

void esm_tmpl_env_on_warning(esm_tmpl_env *env, esm_tmpl_warn_fn fn, void *ctx)
{
    env->warn_fn = fn;
    env->warn_ctx = ctx;
}

void esm_tmpl_env_on_broken(esm_tmpl_env *env, esm_tmpl_broken_fn fn, void *ctx)
{
    env->broken_fn = fn;
    env->broken_ctx = ctx;
}

/* A block failed: with a broken handler it is reported and rendering goes
 * on (returns 1), as Text::Template does when BROKEN returns a string;
 * otherwise the fragment ends (returns 0). */
static int block_broken(esm_tmpl_env *env, const tmpl_piece *p, esm_err *err)
{
    if (!env->broken_fn)
        return 0;
    env->broken_fn(env->broken_ctx, env->filename, p->line,
                   env->perl_error ? env->perl_error : err->msg);
    free(env->perl_error);
    env->perl_error = NULL;
    env->unwind = U_NONE;
    return 1;
}

/* Parses and runs one block; returns its value (counted), NULL with
 * env->unwind set otherwise. */
static tsv *run_code(esm_tmpl_env *env, const char *code, size_t len, int line, int col,
                     esm_err *err)
{
    /* Text::Template evaluates "CODE;\n;" */
    char *src = esm_xmalloc(len + 4);
    memcpy(src, code, len);
    memcpy(src + len, ";\n;", 4);
    tnode *root = tmpl_parse(src, len + 3, env->filename, line, col, err);
    free(src);
    if (!root) {
        env->unwind = U_ERR;
        return NULL;
    }
    free(env->perl_error);
    env->perl_error = NULL;
    tsv *v = tmpl_run_block(env, root);
    tmpl_free_mortals(env, 0);
    tnode_free(root);
    return v;
}

static void begin(esm_tmpl_env *env, const char *filename, esm_err *err)
{
    env->filename = filename ? filename : "template";
    env->err = err;
    env->unwind = U_NONE;
    env->budget = TMPL_BUDGET;
    env->bytes = 0;
    env->read_bytes = 0;
    env->depth = 0;
}

int esm_tmpl_render(esm_tmpl_env *env, const char *src, size_t len, const char *filename,
                    esm_buf *out, esm_err *err)
{
    begin(env, filename, err);
    tmpl_piece *pieces;
    int n = tmpl_split(src, len, env->filename, &pieces, err);
    if (n < 0)
        return -1;
    esm_buf result = ESM_BUF_INIT;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        tmpl_piece *p = &pieces[i];
        if (!p->is_code) {
            esm_buf_append(&result, p->text, p->len);
            continue;
        }
        tsv *v = run_code(env, p->text, p->len, p->line, p->col, err);
        if (!v) {
            if (env->unwind == U_NEXT) {
                env->unwind = U_NONE;
                continue;
            }
            if (env->unwind == U_LAST) {
                env->unwind = U_NONE;
                break;
            }
            rc = -1;
            if (block_broken(env, p, err))
                continue;
            break;
        }
        char buf[64];
        size_t l;
        const char *s = tsv_str(v, buf, &l);
        if (!s) {
            tsv_dec(v);
            esm_err_set(err, ESM_E_FAIL,
                        "%s:%d:%d: unsupported Perl: block value is a reference or object "
                        "(Perl prints an address)",
                        env->filename, p->line, p->col);
            rc = -1;
            if (block_broken(env, p, err))
                continue;
            break;
        }
        esm_buf_append(&result, s, l);
        tsv_dec(v);
    }
    tmpl_pieces_free(pieces, n);
    env->err = NULL;
    if (rc == 0 && result.len)
        esm_buf_append(out, result.data, result.len);
    esm_buf_free(&result);
    return rc;
}

int esm_tmpl_eval(esm_tmpl_env *env, const char *code, size_t len, const char *filename,
                  char **value_out, int *truthy, esm_err *err)
{
    begin(env, filename, err);
    tsv *v = run_code(env, code, len, 1, 1, err);
    env->err = NULL;
    if (!v) {
        if (env->unwind == U_NEXT || env->unwind == U_LAST)
            esm_err_set(err, ESM_E_INVALID, "%s:1:1: next/last outside a loop", env->filename);
        env->unwind = U_NONE;
        return -1;
    }
    char buf[64];
    size_t l;
    const char *s = tsv_str(v, buf, &l);
    if (!s) {
        tsv_dec(v);
        return esm_err_set(err, ESM_E_FAIL,
                           "%s:1:1: unsupported Perl: value is a reference or object",
                           env->filename);
    }
    if (truthy)
        *truthy = tsv_true(v);
    if (value_out)
        *value_out = esm_xstrndup(s, l);
    tsv_dec(v);
    return 0;
}
