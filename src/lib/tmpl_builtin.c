/*
 * tmpl_builtin.c - the Perl builtins of the template subset, regex
 * matching and substitution (PCRE2), and Perl's sprintf.
 *
 * Each builtin follows perlfunc for the cases templates meet: context
 * (scalar vs list results), defaults ($_), undef handling and the exact
 * output format. What we do not implement is refused at parse time or
 * with a located runtime error, never approximated.
 */
#include "tmpl_int.h"

#include <ctype.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* ---- helpers ---- */

static tsv *arg_scalar(esm_tmpl_env *env, tnode *n, int i)
{
    if (i < n->nkids)
        return tmpl_eval_scalar(env, n->kids[i]);
    /* the default argument is $_ */
    tglob *g = tmpl_glob(env, "_", 1);
    if (!g)
        return NULL;
    return g->sv ? tsv_inc(g->sv) : tsv_new();
}

/* $_ as the target of an operator that may assign to it (s///, tr///,
 * chomp, m//g's pos): its scalar, created when $_ has none yet. Counted;
 * NULL on an error raised. */
static tsv *topic_target(esm_tmpl_env *env)
{
    tglob *g = tmpl_glob(env, "_", 1);
    if (!g)
        return NULL;
    if (!g->sv)
        g->sv = tsv_new();
    return tsv_inc(g->sv);
}

/* What s/// or tr/// works on: the bound expression (as an lvalue when
 * the operator changes it in place), else $_. Counted; NULL on an error
 * raised. */
static tsv *bound_target(esm_tmpl_env *env, tnode *n, int in_place)
{
    if (!n->kids[0])
        return topic_target(env);
    return in_place ? tmpl_lvalue(env, n->kids[0]) : tmpl_eval_scalar(env, n->kids[0]);
}

static int args_list(esm_tmpl_env *env, tnode *n, int from, tlist *out)
{
    for (int i = from; i < n->nkids; i++)
        if (tmpl_eval_list(env, n->kids[i], out) < 0)
            return -1;
    return 0;
}

tsv *tmpl_result(int want_list, tlist *out, tsv *v)
{
    if (want_list && v) {
        tlist_push(out, v);
        return tsv_new();
    }
    return v;
}

static tsv *list_result(int want_list, tlist *out, tlist *items)
{
    if (want_list) {
        for (size_t i = 0; i < items->n; i++)
            tlist_push(out, items->v[i]);
        items->n = 0;
        tlist_free(items);
        return tsv_new();
    }
    /* a list operator in scalar context gives its last element */
    tsv *r = items->n ? tsv_inc(items->v[items->n - 1]) : tsv_new();
    tlist_free(items);
    return r;
}

/* The string of argument i (of $_ past the last one) as a copy the
 * caller frees, its length in *len when len is set: the file names and
 * texts builtins here, in tmpl_io.c and tmpl_util.c work on. NULL on an
 * error raised (a reference where a string is needed, as in Perl's
 * strict refs). */
char *tmpl_arg_strdup(esm_tmpl_env *env, tnode *n, int i, size_t *len)
{
    tsv *a = arg_scalar(env, n, i);
    if (!a)
        return NULL;
    char buf[64];
    size_t l;
    const char *s = tmpl_strval(env, n, a, buf, &l);
    char *r = s ? esm_xstrndup(s, l) : NULL;
    tsv_dec(a);
    if (len)
        *len = l;
    return r;
}

static tsv *case_map(esm_tmpl_env *env, tnode *n, int id)
{
    size_t len;
    char *s = tmpl_arg_strdup(env, n, 0, &len);
    if (!s)
        return NULL;
    switch (id) {
    case B_LC:
        for (size_t i = 0; i < len; i++)
            s[i] = (char)tolower((unsigned char)s[i]);
        break;
    case B_UC:
        for (size_t i = 0; i < len; i++)
            s[i] = (char)toupper((unsigned char)s[i]);
        break;
    case B_LCFIRST:
        if (len)
            s[0] = (char)tolower((unsigned char)s[0]);
        break;
    default:
        if (len)
            s[0] = (char)toupper((unsigned char)s[0]);
        break;
    }
    /* only ASCII letters change case for byte strings in Perl */
    tsv *r = tsv_new_str(s, len);
    free(s);
    return r;
}

static tsv *quotemeta(esm_tmpl_env *env, tnode *n)
{
    size_t len;
    char *s = tmpl_arg_strdup(env, n, 0, &len);
    if (!s)
        return NULL;
    esm_buf b = ESM_BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c == '_' || c >= 128))
            esm_buf_putc(&b, '\\');
        esm_buf_putc(&b, (char)c);
    }
    free(s);
    tsv *r = tsv_new_str(esm_buf_str(&b), b.len);
    esm_buf_free(&b);
    return r;
}

/* ---- sort, map, grep ---- */

typedef struct sort_ctx {
    esm_tmpl_env *env;
    tnode *block;  /* NULL: string comparison */
    size_t ga, gb; /* $a and $b by index: the block may grow the glob table */
    int failed;
} sort_ctx;

static int sort_cmp(sort_ctx *c, tsv *x, tsv *y)
{
    if (c->failed)
        return 0;
    if (!c->block) {
        char bx[64], by[64];
        size_t lx, ly;
        const char *sx = tmpl_strval(c->env, NULL, x, bx, &lx);
        const char *sy = sx ? tmpl_strval(c->env, NULL, y, by, &ly) : NULL;
        if (!sy) {
            c->failed = 1;
            return 0;
        }
        size_t m = lx < ly ? lx : ly;
        int r = memcmp(sx, sy, m);
        if (r)
            return r < 0 ? -1 : 1;
        return lx < ly ? -1 : lx > ly;
    }
    if (tmpl_charge(c->env, c->block, 1) < 0) {
        c->failed = 1;
        return 0;
    }
    tglob *ga = &c->env->globs[c->ga], *gb = &c->env->globs[c->gb];
    tsv_dec(ga->sv);
    tsv_dec(gb->sv);
    ga->sv = tsv_inc(x);
    gb->sv = tsv_inc(y);
    size_t mark = c->env->mortals.n;
    tsv *v = tmpl_eval_scalar(c->env, c->block);
    tmpl_free_mortals(c->env, mark);
    if (!v) {
        c->failed = 1;
        return 0;
    }
    double d = tsv_nv(v);
    tsv_dec(v);
    return d < 0 ? -1 : d > 0;
}

/* Merge sort: stable like Perl's. */
static void merge_sort(sort_ctx *c, tsv **v, tsv **tmp, size_t n)
{
    if (n < 2 || c->failed)
        return;
    size_t h = n / 2;
    merge_sort(c, v, tmp, h);
    merge_sort(c, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = sort_cmp(c, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

static tsv *do_sort(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    int from = (n->flags & F_BLOCKARG) ? 1 : 0;
    tlist items = {0};
    if (args_list(env, n, from, &items) < 0) {
        tlist_free(&items);
        return NULL;
    }
    if (!want_list) {
        tlist_free(&items);
        return tmpl_unsupported(env, n, "sort in scalar context");
    }
    sort_ctx c = {env, from ? n->kids[0] : NULL, 0, 0, 0};
    tsv *sa = NULL, *sb = NULL;
    if (c.block) {
        tglob *ga = tmpl_glob(env, "a", 1);
        if (ga)
            c.ga = (size_t)(ga - env->globs);
        tglob *gb = ga ? tmpl_glob(env, "b", 1) : NULL;
        if (!gb) {
            tlist_free(&items);
            return NULL;
        }
        c.gb = (size_t)(gb - env->globs);
        ga = &env->globs[c.ga];
        sa = ga->sv;
        sb = gb->sv;
        ga->sv = tsv_new();
        gb->sv = tsv_new();
    }
    if (tmpl_charge(env, n, (long)items.n) < 0) {
        c.failed = 1;
    } else {
        tsv **tmp = esm_xmalloc((items.n + 1) * sizeof(*tmp));
        merge_sort(&c, items.v, tmp, items.n);
        free(tmp);
    }
    if (c.block) {
        tglob *ga = &env->globs[c.ga], *gb = &env->globs[c.gb];
        tsv_dec(ga->sv);
        tsv_dec(gb->sv);
        ga->sv = sa;
        gb->sv = sb;
    }
    if (c.failed) {
        tlist_free(&items);
        if (!env->unwind)
            tmpl_die(env, n, "sort failed");
        return NULL;
    }
    return list_result(want_list, out, &items);
}

static tsv *do_map_grep(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    tlist items = {0};
    if (args_list(env, n, 1, &items) < 0) {
        tlist_free(&items);
        return NULL;
    }
    tglob *g = tmpl_glob(env, "_", 1);
    if (!g) {
        tlist_free(&items);
        return NULL;
    }
    size_t gi = (size_t)(g - env->globs); /* the block may grow the glob table */
    tsv *saved = g->sv;
    g->sv = NULL;
    tlist res = {0};
    int64_t count = 0;
    int failed = 0;
    tnode *code = n->kids[0];
    for (size_t i = 0; i < items.n && !failed; i++) {
        if (tmpl_charge(env, n, 1) < 0) {
            failed = 1;
            break;
        }
        g = &env->globs[gi];
        tsv_dec(g->sv);
        g->sv = tsv_inc(items.v[i]);
        size_t mark = env->mortals.n;
        if (n->op == B_GREP) {
            tsv *v = tmpl_eval_scalar(env, code);
            if (!v) {
                failed = 1;
            } else {
                if (tsv_true(v)) {
                    count++;
                    tlist_push(&res, tsv_inc(items.v[i]));
                }
                tsv_dec(v);
            }
        } else {
            size_t before = res.n;
            if (tmpl_eval_list(env, code, &res) < 0)
                failed = 1;
            /* copy: the block's values may be its own lexicals */
            for (size_t k = before; k < res.n; k++) {
                tsv *c = tsv_copy(res.v[k]);
                tsv_dec(res.v[k]);
                res.v[k] = c;
            }
            count += (int64_t)(res.n - before);
        }
        tmpl_free_mortals(env, mark);
    }
    g = &env->globs[gi];
    tsv_dec(g->sv);
    g->sv = saved;
    tlist_free(&items);
    if (failed) {
        tlist_free(&res);
        return NULL;
    }
    if (want_list)
        return list_result(1, out, &res);
    tlist_free(&res);
    return tsv_new_iv(count);
}

/* ---- regexes ---- */

typedef struct tre {
    char *src;
    size_t len;
    uint32_t opts;
    pcre2_code *code;
} tre;

/* Compiled patterns attached to trees, in all threads: tnode_free need
 * not walk a tree for them while there is none. */
static atomic_long live_regexes;

int tmpl_regex_live(void)
{
    return atomic_load(&live_regexes) != 0;
}

void tmpl_regex_free(void *re)
{
    tre *r = re;
    atomic_fetch_sub(&live_regexes, 1);
    free(r->src);
    pcre2_code_free(r->code);
    free(r);
}

static uint32_t regex_opts(const char *flags)
{
    uint32_t o = 0;
    for (const char *f = flags; f && *f; f++) {
        if (*f == 'i')
            o |= PCRE2_CASELESS;
        else if (*f == 'm')
            o |= PCRE2_MULTILINE;
        else if (*f == 's')
            o |= PCRE2_DOTALL;
        else if (*f == 'x')
            o |= PCRE2_EXTENDED;
    }
    return o;
}

/* The compiled pattern of node pat (N_STR or N_INTERP); constant patterns
 * and repeated identical ones are compiled once and kept on the node. */
static pcre2_code *regex_for(esm_tmpl_env *env, tnode *owner, tnode *pat, uint32_t opts)
{
    tsv *v = tmpl_eval_scalar(env, pat);
    if (!v)
        return NULL;
    char buf[64];
    size_t len;
    const char *s = tmpl_strval(env, pat, v, buf, &len);
    if (!s) {
        tsv_dec(v);
        return NULL;
    }
    tre *cache = owner->re;
    if (cache && cache->len == len && cache->opts == opts && memcmp(cache->src, s, len) == 0) {
        tsv_dec(v);
        return cache->code;
    }
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)s, len, opts, &errcode, &erroff, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        tmpl_die(env, pat, "regular expression error: %s in /%.*s/", (char *)msg,
                 (int)(len > 60 ? 60 : len), s);
        tsv_dec(v);
        return NULL;
    }
    if (cache)
        tmpl_regex_free(cache);
    cache = esm_xcalloc(1, sizeof(*cache));
    cache->src = esm_xstrndup(s, len);
    cache->len = len;
    cache->opts = opts;
    cache->code = code;
    atomic_fetch_add(&live_regexes, 1);
    owner->re = cache;
    tsv_dec(v);
    return code;
}

/* Remembers the captures of a successful match for $1, $2, $&. */
static void set_captures(esm_tmpl_env *env, const char *subj, size_t len, pcre2_match_data *md,
                         int rc)
{
    free(env->match_subject);
    free(env->ovec);
    env->match_subject = esm_xstrndup(subj, len);
    env->match_len = len;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    uint32_t count = pcre2_get_ovector_count(md);
    env->ovec_n = (int)count;
    env->ovec = esm_xmalloc(2 * count * sizeof(size_t));
    for (uint32_t i = 0; i < count; i++) {
        if ((int)i < rc) {
            env->ovec[2 * i] = ov[2 * i] == PCRE2_UNSET ? (size_t)-1 : ov[2 * i];
            env->ovec[2 * i + 1] = ov[2 * i + 1] == PCRE2_UNSET ? (size_t)-1 : ov[2 * i + 1];
        } else {
            env->ovec[2 * i] = env->ovec[2 * i + 1] = (size_t)-1;
        }
    }
}

static tsv *group_value(const char *subj, PCRE2_SIZE *ov, int i, int rc)
{
    if (i >= rc || ov[2 * i] == PCRE2_UNSET)
        return tsv_new();
    return tsv_new_str(subj + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
}

/* One match attempt from start; handles Perl's rule that an empty match
 * cannot repeat at the position where the previous match ended. */
static int match_at(esm_tmpl_env *env, tnode *n, pcre2_code *code, const char *s, size_t len,
                    size_t start, int after_empty, pcre2_match_data *md)
{
    uint32_t opts = after_empty ? (PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED) : 0;
    int rc = pcre2_match(code, (PCRE2_SPTR)s, len, start, opts, md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH && after_empty) {
        if (start >= len)
            return PCRE2_ERROR_NOMATCH;
        rc = pcre2_match(code, (PCRE2_SPTR)s, len, start + 1, 0, md, NULL);
    }
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
        tmpl_die(env, n, "regular expression match failed (error %d)", rc);
        return -2;
    }
    if (rc == 0)
        rc = (int)pcre2_get_ovector_count(md);
    return rc;
}

tsv *tmpl_regex_match(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    if (!out)
        want_list = 0; /* list results need somewhere to go */
    const char *flags = n->str ? n->str : "";
    int global = strchr(flags, 'g') != NULL;
    tsv *target;
    if (n->kids[0]) {
        target = global && !want_list ? tmpl_lvalue(env, n->kids[0]) : NULL;
        if (!target && env->unwind)
            return NULL;
        if (!target)
            target = tmpl_eval_scalar(env, n->kids[0]);
    } else {
        target = topic_target(env);
    }
    if (!target)
        return NULL;
    pcre2_code *code = regex_for(env, n, n->kids[1], regex_opts(flags));
    if (!code) {
        tsv_dec(target);
        return NULL;
    }
    char buf[64];
    size_t len;
    const char *s0 = tmpl_strval(env, n, target, buf, &len);
    if (!s0) {
        tsv_dec(target);
        return NULL;
    }
    char *s = esm_xstrndup(s0, len);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    tsv *res = NULL;
    int ngroups = (int)pcre2_get_ovector_count(md);
    if (!global) {
        int rc = match_at(env, n, code, s, len, 0, 0, md);
        if (rc >= 0)
            set_captures(env, s, len, md, rc);
        if (rc >= 0 && want_list && !n->op) {
            /* the captures, or (1) without groups */
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            if (ngroups == 1)
                tlist_push(out, tsv_new_iv(1));
            for (int i = 1; i < ngroups; i++)
                tlist_push(out, group_value(s, ov, i, rc));
            res = tsv_new();
        } else if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) {
            int matched = (rc >= 0) != (n->op != 0);
            if (want_list) {
                /* a failed match is the empty list; !~ gives its truth value */
                if (n->op)
                    tlist_push(out, matched ? tsv_new_iv(1) : tsv_new_str("", 0));
                res = tsv_new();
            } else {
                res = matched ? tsv_new_iv(1) : tsv_new_str("", 0);
            }
        }
    } else if (want_list && !n->op) {
        size_t pos = 0;
        int after_empty = 0, rc = 0;
        for (;;) {
            if (tmpl_charge(env, n, 1) < 0) {
                rc = -2;
                break;
            }
            rc = match_at(env, n, code, s, len, pos, after_empty, md);
            if (rc < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            set_captures(env, s, len, md, rc);
            if (ngroups == 1)
                tlist_push(out, group_value(s, ov, 0, rc));
            for (int i = 1; i < ngroups; i++)
                tlist_push(out, group_value(s, ov, i, rc));
            after_empty = ov[0] == ov[1];
            pos = ov[1];
        }
        if (rc != -2)
            res = tsv_new();
        target->pos = -1;
    } else {
        /* scalar //g: continue from pos() */
        size_t pos = target->pos >= 0 ? (size_t)target->pos : 0;
        int after_empty = target->pos >= 0 && (target->t & 0) == 0 && 0;
        if (pos > len) {
            pos = 0;
        }
        int rc = match_at(env, n, code, s, len, pos, after_empty, md);
        if (rc >= 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            if (ov[0] == ov[1] && target->pos >= 0 && ov[1] == (size_t)target->pos) {
                rc = match_at(env, n, code, s, len, pos, 1, md);
                ov = pcre2_get_ovector_pointer(md);
            }
            if (rc >= 0) {
                set_captures(env, s, len, md, rc);
                target->pos = (long)ov[1];
            }
        }
        if (rc == -2) {
            res = NULL;
        } else if (rc >= 0) {
            res = n->op ? tsv_new_str("", 0) : tsv_new_iv(1);
        } else {
            target->pos = -1;
            res = n->op ? tsv_new_iv(1) : tsv_new_str("", 0);
        }
        if (res && want_list) {
            tlist_push(out, res);
            res = tsv_new();
        }
    }
    pcre2_match_data_free(md);
    free(s);
    tsv_dec(target);
    return res;
}

/* tr/// (y///): each byte of the target mapped through the table the
 * parser built; the value is the number of bytes found in the search list
 * (the new string with /r). A pure count leaves the target alone, so it
 * may be any expression, as in Perl. */
tsv *tmpl_transliterate(esm_tmpl_env *env, tnode *n)
{
    const short *map = (const short *)n->str;
    int flags = (int)n->iv;
    int in_place = !(flags & (TR_RETURN | TR_COUNT_ONLY));
    tsv *target = bound_target(env, n, in_place);
    if (!target)
        return NULL;
    char buf[64];
    size_t len = 0;
    const char *s = tsv_defined(target) ? tmpl_strval(env, n, target, buf, &len) : "";
    if (!s || tmpl_charge(env, n, (long)(len / 64 + 1)) < 0) {
        tsv_dec(target);
        return NULL;
    }
    esm_buf out = ESM_BUF_INIT;
    int64_t count = 0;
    int last = -1; /* the last byte a transliteration wrote, for /s */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        short m = map[c];
        if (m == TR_KEEP) {
            esm_buf_append(&out, (const char *)&c, 1);
            last = -1;
            continue;
        }
        count++;
        if (m == TR_DELETE)
            continue;
        if ((flags & TR_SQUEEZE) && m == last)
            continue;
        char b = (char)m;
        esm_buf_append(&out, &b, 1);
        last = m;
    }
    tsv *r;
    if (flags & TR_RETURN) {
        r = tsv_new_str(out.data ? out.data : "", out.len);
    } else {
        if (in_place && (out.len != len || (len && memcmp(out.data, s, len) != 0)))
            tsv_set_str(target, out.data ? out.data : "", out.len);
        r = n->op ? (count ? tsv_new_str("", 0) : tsv_new_iv(1)) : tsv_new_iv(count);
    }
    esm_buf_free(&out);
    tsv_dec(target);
    return r;
}

tsv *tmpl_regex_subst(esm_tmpl_env *env, tnode *n)
{
    const char *flags = n->str ? n->str : "";
    int global = strchr(flags, 'g') != NULL;
    int ret_new = strchr(flags, 'r') != NULL;
    tsv *target = bound_target(env, n, !ret_new);
    if (!target)
        return NULL;
    pcre2_code *code = regex_for(env, n, n->kids[1], regex_opts(flags));
    if (!code) {
        tsv_dec(target);
        return NULL;
    }
    char buf[64];
    size_t len;
    const char *s0 = tmpl_strval(env, n, target, buf, &len);
    if (!s0) {
        tsv_dec(target);
        return NULL;
    }
    char *s = esm_xstrndup(s0, len);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    esm_buf outb = ESM_BUF_INIT;
    size_t pos = 0, copied = 0;
    int after_empty = 0;
    int64_t count = 0;
    int failed = 0;
    for (;;) {
        if (tmpl_charge(env, n, 1) < 0) {
            failed = 1;
            break;
        }
        int rc = match_at(env, n, code, s, len, pos, after_empty, md);
        if (rc == -2) {
            failed = 1;
            break;
        }
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        set_captures(env, s, len, md, rc);
        tsv *rep = tmpl_eval_scalar(env, n->kids[2]);
        if (!rep) {
            failed = 1;
            break;
        }
        char rb[64];
        size_t rl;
        const char *rs = tmpl_strval(env, n, rep, rb, &rl);
        if (!rs || tmpl_charge_bytes(env, n, rl + (ov[0] - copied)) < 0) {
            tsv_dec(rep);
            failed = 1;
            break;
        }
        esm_buf_append(&outb, s + copied, ov[0] - copied);
        esm_buf_append(&outb, rs, rl);
        tsv_dec(rep);
        copied = ov[1];
        count++;
        after_empty = ov[0] == ov[1];
        pos = ov[1];
        if (!global)
            break;
    }
    tsv *res = NULL;
    if (!failed) {
        esm_buf_append(&outb, s + copied, len - copied);
        if (ret_new) {
            res = count ? tsv_new_str(esm_buf_str(&outb), outb.len) : tsv_copy(target);
        } else {
            if (count)
                tsv_set_str(target, esm_buf_str(&outb), outb.len);
            res = count ? tsv_new_iv(count) : tsv_new_str("", 0);
        }
    }
    esm_buf_free(&outb);
    pcre2_match_data_free(md);
    free(s);
    tsv_dec(target);
    return res;
}

/* split PATTERN, EXPR, LIMIT with Perl's special cases: ' ' (awk mode),
 * /^/ (multiline), trailing empty fields dropped unless LIMIT < 0,
 * captures included, a leading empty field kept except for a zero-width
 * match at the start. */
static tsv *do_split(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    int64_t limit = env->split_limit;
    env->split_limit = 0;
    tnode *patn = n->nkids > 0 ? n->kids[0] : NULL;
    int awk = 0;
    const char *flags = "";
    tnode *pat = NULL;
    tnode *owner = n;
    if (!patn) {
        awk = 1;
    } else if (patn->kind == N_MATCH && !patn->kids[0]) {
        pat = patn->kids[1];
        flags = patn->str;
        owner = patn;
        if (pat->kind == N_STR && pat->slen == 1 && pat->str[0] == ' ')
            awk = 0; /* split / / is a real single-space pattern */
    } else if (patn->kind == N_STR && patn->slen == 1 && patn->str[0] == ' ') {
        awk = 1;
    } else {
        pat = patn;
    }
    tsv *subject = n->nkids > 1 ? tmpl_eval_scalar(env, n->kids[1]) : NULL;
    if (n->nkids <= 1) {
        tglob *g = tmpl_glob(env, "_", 1);
        if (!g)
            return NULL;
        subject = g->sv ? tsv_inc(g->sv) : tsv_new();
    }
    if (!subject)
        return NULL;
    if (n->nkids > 2) {
        tsv *l = tmpl_eval_scalar(env, n->kids[2]);
        if (!l) {
            tsv_dec(subject);
            return NULL;
        }
        limit = tsv_iv(l);
        tsv_dec(l);
    }
    char buf[64];
    size_t len;
    const char *s0 = tmpl_strval(env, n, subject, buf, &len);
    if (!s0) {
        tsv_dec(subject);
        return NULL;
    }
    char *s = esm_xstrndup(s0, len);
    tsv_dec(subject);
    size_t start = 0;
    pcre2_code *code;
    if (awk) {
        while (start < len && isspace((unsigned char)s[start]))
            start++;
        char ws_re[] = "\\s+";
        tnode *ws_pat = &(tnode){.kind = N_STR, .str = ws_re, .slen = 3};
        code = regex_for(env, n, ws_pat, 0);
    } else {
        uint32_t opts = regex_opts(flags);
        if (pat->kind == N_STR && pat->slen == 1 && pat->str[0] == '^')
            opts |= PCRE2_MULTILINE;
        code = regex_for(env, owner, pat, opts);
    }
    if (!code) {
        free(s);
        return NULL;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    int ngroups = (int)pcre2_get_ovector_count(md);
    tlist fields = {0};
    size_t field_start = start, pos = start;
    int failed = 0;
    while (pos <= len) {
        if (limit > 0 && (int64_t)fields.n >= limit - 1)
            break;
        if (tmpl_charge(env, n, 1) < 0) {
            failed = 1;
            break;
        }
        int rc = pcre2_match(code, (PCRE2_SPTR)s, len, pos, 0, md, NULL);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            tmpl_die(env, n, "split: regular expression match failed (error %d)", rc);
            failed = 1;
            break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1];
        if (me == ms) {
            /* a zero-width match splits between characters, never at the
             * start of a field */
            if (ms >= len)
                break;
            if (ms == field_start) {
                rc = pcre2_match(code, (PCRE2_SPTR)s, len, ms + 1, 0, md, NULL);
                if (rc == PCRE2_ERROR_NOMATCH)
                    break;
                if (rc < 0) {
                    failed = 1;
                    tmpl_die(env, n, "split: regular expression match failed");
                    break;
                }
                ov = pcre2_get_ovector_pointer(md);
                ms = ov[0];
                me = ov[1];
                if (ms >= len && me == ms)
                    break;
            }
        }
        if (!(ms == 0 && me == 0)) {
            tlist_push(&fields, tsv_new_str(s + field_start, ms - field_start));
            for (int i = 1; i < ngroups; i++)
                tlist_push(&fields, group_value(s, ov, i, rc));
        }
        field_start = me;
        pos = me > ms ? me : me;
        if (me == ms)
            pos = me; /* next search from here; the empty-at-start rule skips it */
    }
    if (!failed) {
        tlist_push(&fields, tsv_new_str(s + field_start, len - field_start));
        if (limit == 0) {
            while (fields.n > 0) {
                tsv *last = fields.v[fields.n - 1];
                if (last->t == T_STR && last->len == 0)
                    tsv_dec(fields.v[--fields.n]);
                else if (last->t == T_UNDEF)
                    tsv_dec(fields.v[--fields.n]);
                else
                    break;
            }
        }
        if (len == 0) {
            /* splitting an empty string gives an empty list */
            tlist_free(&fields);
        }
    }
    pcre2_match_data_free(md);
    free(s);
    if (failed) {
        tlist_free(&fields);
        return NULL;
    }
    if (want_list)
        return list_result(1, out, &fields);
    tsv *r = tsv_new_iv((int64_t)fields.n);
    tlist_free(&fields);
    return r;
}

/* ---- sprintf ---- */

int tmpl_sprintf(esm_tmpl_env *env, const tnode *n, tsv **args, size_t nargs, esm_buf *out)
{
    char b0[64];
    size_t flen;
    const char *fmt = tmpl_strval(env, n, nargs ? args[0] : NULL, b0, &flen);
    if (!fmt)
        return -1;
    char *f = esm_xstrndup(fmt, flen);
    size_t ai = 1;
    for (size_t i = 0; i < flen; i++) {
        if (f[i] != '%') {
            esm_buf_putc(out, f[i]);
            continue;
        }
        size_t start = i++;
        char spec[64];
        size_t sl = 0;
        spec[sl++] = '%';
        while (i < flen && strchr("-+ 0#", f[i])) {
            if (sl < 20)
                spec[sl++] = f[i];
            i++;
        }
        if (i < flen && f[i] == 'v') {
            free(f);
            return (tmpl_unsupported(env, n, "sprintf vector flag %v"), -1);
        }
        if (i < flen && f[i] == '*') {
            int64_t w = ai < nargs ? tsv_iv(args[ai]) : 0;
            ai++;
            if (w < 0) {
                spec[sl++] = '-';
                w = -w;
            }
            if (w > 10000)
                w = 10000;
            sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, "%d", (int)w);
            i++;
        } else {
            while (i < flen && isdigit((unsigned char)f[i])) {
                if (sl < 30)
                    spec[sl++] = f[i];
                i++;
            }
            if (i < flen && f[i] == '$') {
                free(f);
                return (tmpl_unsupported(env, n, "sprintf explicit argument index"), -1);
            }
        }
        int has_prec = 0;
        int64_t prec = 0;
        if (i < flen && f[i] == '.') {
            has_prec = 1;
            i++;
            if (i < flen && f[i] == '*') {
                prec = ai < nargs ? tsv_iv(args[ai]) : 0;
                ai++;
                i++;
                if (prec < 0)
                    has_prec = 0;
            } else {
                while (i < flen && isdigit((unsigned char)f[i])) {
                    prec = prec * 10 + (f[i] - '0');
                    if (prec > 10000)
                        prec = 10000;
                    i++;
                }
            }
            if (has_prec)
                sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, ".%d", (int)prec);
        }
        while (i < flen && strchr("hlqLV", f[i]))
            i++;
        if (i >= flen) {
            esm_buf_append(out, f + start, flen - start);
            break;
        }
        char conv = f[i];
        if (conv == '%') {
            if (i == start + 1) {
                esm_buf_putc(out, '%');
            } else {
                esm_buf_append(out, f + start, i + 1 - start);
            }
            continue;
        }
        if (!strchr("csdiuoxXeEfFgGbB", conv)) {
            esm_buf_append(out, f + start, i + 1 - start);
            continue;
        }
        tsv *a = ai < nargs ? args[ai] : NULL;
        ai++;
        if (a && a->t == T_REF) {
            free(f);
            return (tmpl_unsupported(env, n, "reference formatted by sprintf"), -1);
        }
        char tmp[512];
        char *big = NULL;
        switch (conv) {
        case 'c': {
            int64_t c = a ? tsv_iv(a) : 0;
            if (c > 255 || c < 0) {
                free(f);
                return (tmpl_unsupported(env, n, "sprintf %c above 255"), -1);
            }
            spec[sl++] = 'c';
            spec[sl] = '\0';
            snprintf(tmp, sizeof(tmp), spec, (int)c);
            if (c == 0) {
                /* %c of 0 is a NUL byte inside the field */
                esm_buf_append(out, tmp, strlen(tmp) + (strlen(tmp) == 0 ? 1 : 0));
                continue;
            }
            break;
        }
        case 's': {
            char sb[64];
            size_t slen;
            const char *sv = a ? tsv_str(a, sb, &slen) : "";
            if (!a)
                slen = 0;
            spec[sl++] = '.';
            spec[sl++] = '*';
            spec[sl++] = 's';
            spec[sl] = '\0';
            /* build with explicit length so NUL bytes survive */
            size_t use = has_prec && (size_t)prec < slen ? (size_t)prec : slen;
            int width = 0;
            int left = 0;
            for (size_t k = 1; k < sl; k++) {
                if (spec[k] == '-')
                    left = 1;
                else if (isdigit((unsigned char)spec[k]) && !(spec[k] == '0' && width == 0)) {
                    while (k < sl && isdigit((unsigned char)spec[k]))
                        width = width * 10 + (spec[k++] - '0');
                    break;
                }
            }
            int zero = 0;
            for (size_t k = 1; k < sl && !isdigit((unsigned char)spec[k]) && spec[k] != '.'; k++)
                if (spec[k] == '0')
                    zero = 1;
            for (size_t k = 1; k < sl && spec[k] != '.'; k++)
                if (spec[k] == '0' && (k == 1 || !isdigit((unsigned char)spec[k - 1])))
                    zero = 1;
            size_t pad = (size_t)width > use ? (size_t)width - use : 0;
            if (!left)
                for (size_t k = 0; k < pad; k++)
                    esm_buf_putc(out, zero ? '0' : ' ');
            esm_buf_append(out, sv, use);
            if (left)
                for (size_t k = 0; k < pad; k++)
                    esm_buf_putc(out, ' ');
            continue;
        }
        case 'd':
        case 'i': {
            spec[sl++] = 'l';
            spec[sl++] = 'l';
            spec[sl++] = 'd';
            spec[sl] = '\0';
            int is_int;
            int64_t iv;
            double nv;
            tsv_num(a, &is_int, &iv, &nv);
            if (!is_int) {
                if (isnan(nv) || isinf(nv)) {
                    free(f);
                    return (tmpl_unsupported(env, n, "sprintf %d of Inf or NaN"), -1);
                }
                iv = tsv_iv(a);
            }
            snprintf(tmp, sizeof(tmp), spec, (long long)iv);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            spec[sl++] = 'l';
            spec[sl++] = 'l';
            spec[sl++] = conv;
            spec[sl] = '\0';
            int64_t iv = a ? tsv_iv(a) : 0;
            if (a && iv == 0 && tsv_nv(a) < 0) {
                iv = 0;
            }
            snprintf(tmp, sizeof(tmp), spec, (unsigned long long)iv);
            break;
        }
        case 'b':
        case 'B': {
            uint64_t v = a ? (uint64_t)tsv_iv(a) : 0;
            char bits[80];
            size_t nb = 0;
            do {
                bits[nb++] = (char)('0' + (v & 1));
                v >>= 1;
            } while (v);
            esm_buf digits = ESM_BUF_INIT;
            int alt = strchr(spec, '#') != NULL && !(nb == 1 && bits[0] == '0');
            if (has_prec)
                for (int64_t k = (int64_t)nb; k < prec; k++)
                    esm_buf_putc(&digits, '0');
            while (nb)
                esm_buf_putc(&digits, bits[--nb]);
            spec[sl++] = 's';
            spec[sl] = '\0';
            char s2[64];
            size_t s2l = 0;
            s2[s2l++] = '%';
            for (size_t k = 1; k < sl - 1 && spec[k] != '.'; k++)
                if (spec[k] != '#' && spec[k] != '+' && spec[k] != ' ')
                    s2[s2l++] = spec[k];
            s2[s2l++] = 's';
            s2[s2l] = '\0';
            char *with_prefix =
                esm_xasprintf("%s%s", alt ? (conv == 'b' ? "0b" : "0B") : "", esm_buf_str(&digits));
            if (strchr(s2, '0') && !strchr(s2, '-') && alt) {
                /* zero padding goes after the prefix */
                snprintf(tmp, sizeof(tmp), "%s", with_prefix);
            } else {
                snprintf(tmp, sizeof(tmp), s2, with_prefix);
            }
            free(with_prefix);
            esm_buf_free(&digits);
            break;
        }
        default: {
            spec[sl++] = conv;
            spec[sl] = '\0';
            double v = a ? tsv_nv(a) : 0.0;
            if (isinf(v) || isnan(v)) {
                tmpl_fmt_nv(v, tmp, sizeof(tmp));
                break;
            }
            int need = snprintf(tmp, sizeof(tmp), spec, v);
            if (need >= (int)sizeof(tmp)) {
                big = esm_xmalloc((size_t)need + 1);
                snprintf(big, (size_t)need + 1, spec, v);
            }
            break;
        }
        }
        esm_buf_puts(out, big ? big : tmp);
        free(big);
    }
    free(f);
    return 0;
}

/* ---- the builtins ---- */

static tsv *do_substr(esm_tmpl_env *env, tnode *n)
{
    tsv *str = n->nkids == 4 ? tmpl_lvalue(env, n->kids[0]) : tmpl_eval_scalar(env, n->kids[0]);
    if (!str)
        return NULL;
    tsv *o = tmpl_eval_scalar(env, n->kids[1]);
    tsv *l = o && n->nkids > 2 ? tmpl_eval_scalar(env, n->kids[2]) : NULL;
    tsv *rep = o && n->nkids > 3 ? tmpl_eval_scalar(env, n->kids[3]) : NULL;
    tsv *res = NULL;
    if (!o || (n->nkids > 2 && !l) || (n->nkids > 3 && !rep))
        goto out;
    char buf[64];
    size_t len;
    const char *s = tmpl_strval(env, n, str, buf, &len);
    if (!s)
        goto out;
    int64_t off = tsv_iv(o), slen = (int64_t)len;
    if (off < 0)
        off += slen;
    if (off < 0 || off > slen) {
        if (rep) {
            tmpl_die(env, n, "substr outside of string");
            goto out;
        }
        res = tsv_new();
        goto out;
    }
    int64_t cnt = slen - off;
    if (l && l->t != T_UNDEF) {
        int64_t want = tsv_iv(l);
        if (want < 0)
            cnt = slen - off + want;
        else if (want < cnt)
            cnt = want;
        if (cnt < 0)
            cnt = 0;
    }
    res = tsv_new_str(s + off, (size_t)cnt);
    if (rep) {
        char rb[64];
        size_t rl;
        const char *rs = tmpl_strval(env, n, rep, rb, &rl);
        if (!rs) {
            tsv_dec(res);
            res = NULL;
            goto out;
        }
        esm_buf nb = ESM_BUF_INIT;
        esm_buf_append(&nb, s, (size_t)off);
        esm_buf_append(&nb, rs, rl);
        esm_buf_append(&nb, s + off + cnt, (size_t)(slen - off - cnt));
        tsv_set_str(str, esm_buf_str(&nb), nb.len);
        esm_buf_free(&nb);
    }
out:
    tsv_dec(str);
    tsv_dec(o);
    tsv_dec(l);
    tsv_dec(rep);
    return res;
}

static tsv *do_index(esm_tmpl_env *env, tnode *n, int reverse)
{
    tsv *a = tmpl_eval_scalar(env, n->kids[0]);
    tsv *b = a ? tmpl_eval_scalar(env, n->kids[1]) : NULL;
    tsv *p = b && n->nkids > 2 ? tmpl_eval_scalar(env, n->kids[2]) : NULL;
    tsv *res = NULL;
    char ba[64], bb[64];
    size_t al, bl;
    const char *as, *bs;
    if (!a || !b || (n->nkids > 2 && !p))
        goto out;
    as = tmpl_strval(env, n, a, ba, &al);
    bs = as ? tmpl_strval(env, n, b, bb, &bl) : NULL;
    if (!bs)
        goto out;
    int64_t pos = p ? tsv_iv(p) : (reverse ? (int64_t)al : 0);
    if (pos < 0)
        pos = 0;
    if (pos > (int64_t)al)
        pos = (int64_t)al;
    int64_t found = -1;
    if (!reverse) {
        for (int64_t i = pos; i + (int64_t)bl <= (int64_t)al; i++)
            if (memcmp(as + i, bs, bl) == 0) {
                found = i;
                break;
            }
    } else {
        int64_t startp = pos;
        if (startp + (int64_t)bl > (int64_t)al)
            startp = (int64_t)al - (int64_t)bl;
        for (int64_t i = startp; i >= 0; i--)
            if (memcmp(as + i, bs, bl) == 0) {
                found = i;
                break;
            }
    }
    res = tsv_new_iv(found);
out:
    tsv_dec(a);
    tsv_dec(b);
    tsv_dec(p);
    return res;
}

static tsv *do_join(esm_tmpl_env *env, tnode *n)
{
    tsv *sep = tmpl_eval_scalar(env, n->kids[0]);
    if (!sep)
        return NULL;
    tlist items = {0};
    if (args_list(env, n, 1, &items) < 0) {
        tsv_dec(sep);
        tlist_free(&items);
        return NULL;
    }
    char sb[64];
    size_t sl;
    const char *ss = tmpl_strval(env, n, sep, sb, &sl);
    esm_buf joined = ESM_BUF_INIT;
    int failed = ss == NULL;
    for (size_t i = 0; !failed && i < items.n; i++) {
        char b[64];
        size_t l;
        const char *s = tmpl_strval(env, n, items.v[i], b, &l);
        if (!s || tmpl_charge_bytes(env, n, l + sl) < 0) {
            failed = 1;
            break;
        }
        if (i)
            esm_buf_append(&joined, ss, sl);
        esm_buf_append(&joined, s, l);
    }
    tsv *r = failed ? NULL : tsv_new_str(esm_buf_str(&joined), joined.len);
    esm_buf_free(&joined);
    tsv_dec(sep);
    tlist_free(&items);
    return r;
}

static tsv *do_exists_delete(esm_tmpl_env *env, tnode *n, int del)
{
    tnode *e = n->kids[0];
    if (e->kind == N_HELEM) {
        thv *hv = tmpl_hash_of(env, e->kids[0], 0);
        if (!hv)
            return env->unwind ? NULL : (del ? tsv_new() : tsv_new_str("", 0));
        hv->rc++;
        tsv *k = tmpl_eval_scalar(env, e->kids[1]);
        if (!k) {
            thv_dec(hv);
            return NULL;
        }
        char b[64];
        size_t kl;
        const char *ks = tmpl_strval(env, e, k, b, &kl);
        tsv *r = NULL;
        if (ks) {
            if (del) {
                tsv *old = thv_delete(hv, ks, kl);
                r = old ? old : tsv_new();
            } else {
                r = thv_fetch(hv, ks, kl, 0) ? tsv_new_iv(1) : tsv_new_str("", 0);
            }
        }
        tsv_dec(k);
        thv_dec(hv);
        return r;
    }
    if (e->kind == N_ELEM && !del) {
        tav *av = tmpl_array_of(env, e->kids[0], 0);
        if (!av)
            return env->unwind ? NULL : tsv_new_str("", 0);
        tsv *k = tmpl_eval_scalar(env, e->kids[1]);
        if (!k)
            return NULL;
        int64_t i = tsv_iv(k);
        tsv_dec(k);
        if (i < 0)
            i += (int64_t)av->n;
        return i >= 0 && (uint64_t)i < av->n && av->v[i] ? tsv_new_iv(1) : tsv_new_str("", 0);
    }
    return tmpl_unsupported(env, n,
                            del ? "delete of something other than a hash element"
                                : "exists of something other than an element");
}

static tsv *do_defined(esm_tmpl_env *env, tnode *n)
{
    if (n->nkids) {
        tnode *e = n->kids[0];
        if (e->kind == N_AVAR || e->kind == N_HVAR)
            return tmpl_die(env, n,
                            "Can't use 'defined(%c%s)' (Maybe you should just omit the "
                            "defined()?)",
                            e->kind == N_AVAR ? '@' : '%', e->str);
        if (e->kind == N_ELEM || e->kind == N_HELEM) {
            tsv *v = tmpl_eval_scalar(env, e);
            if (!v)
                return NULL;
            int d = tsv_defined(v);
            tsv_dec(v);
            return d ? tsv_new_iv(1) : tsv_new_str("", 0);
        }
    }
    tsv *v = arg_scalar(env, n, 0);
    if (!v)
        return NULL;
    int d = tsv_defined(v);
    tsv_dec(v);
    return d ? tsv_new_iv(1) : tsv_new_str("", 0);
}

static tsv *do_keys_values(esm_tmpl_env *env, tnode *n, int want_list, tlist *out, int values)
{
    tnode *e = n->kids[0];
    if (e->kind == N_AVAR || e->kind == N_RV2AV) {
        tav *av = tmpl_array_of(env, e, 0);
        if (!av)
            return env->unwind ? NULL : (want_list ? tsv_new() : tsv_new_iv(0));
        if (!want_list)
            return tsv_new_iv((int64_t)av->n);
        for (size_t i = 0; i < av->n; i++)
            tlist_push(out, values ? (av->v[i] ? tsv_inc(av->v[i]) : tsv_new())
                                   : tsv_new_iv((int64_t)i));
        return tsv_new();
    }
    if (e->kind != N_HVAR && e->kind != N_RV2HV)
        return tmpl_die(env, n, "Experimental %s on scalar is now forbidden",
                        values ? "values" : "keys");
    thv *hv = tmpl_hash_of(env, e, 0);
    if (!hv)
        return env->unwind ? NULL : (want_list ? tsv_new() : tsv_new_iv(0));
    if (!want_list)
        return tsv_new_iv((int64_t)hv->live);
    if (tmpl_charge(env, n, (long)hv->live) < 0)
        return NULL;
    for (size_t i = 0; i < hv->n; i++) {
        if (!hv->ents[i].val)
            continue;
        tlist_push(out, values ? tsv_inc(hv->ents[i].val)
                               : tsv_new_str(hv->ents[i].key, hv->ents[i].klen));
    }
    return tsv_new();
}

static tsv *do_push(esm_tmpl_env *env, tnode *n, int id)
{
    tnode *e = n->kids[0];
    if (e->kind != N_AVAR && e->kind != N_RV2AV && e->kind != N_MY && e->kind != N_OUR)
        return tmpl_die(env, n, "Type of arg 1 to %s must be array",
                        id == B_PUSH      ? "push"
                        : id == B_UNSHIFT ? "unshift"
                        : id == B_POP     ? "pop"
                                          : "shift");
    tav *av = tmpl_array_of(env, e, 1);
    if (!av)
        return NULL;
    av->rc++;
    tsv *r = NULL;
    if (id == B_PUSH || id == B_UNSHIFT) {
        tlist items = {0};
        if (args_list(env, n, 1, &items) == 0) {
            if (tmpl_charge(env, n, (long)items.n) == 0) {
                if (id == B_PUSH) {
                    for (size_t i = 0; i < items.n; i++)
                        tav_push(av, tsv_copy(items.v[i]));
                } else {
                    size_t k = items.n;
                    size_t old = av->n;
                    for (size_t i = 0; i < k; i++)
                        tav_push(av, NULL);
                    memmove(av->v + k, av->v, old * sizeof(*av->v));
                    for (size_t i = 0; i < k; i++)
                        av->v[i] = tsv_copy(items.v[i]);
                }
                r = tsv_new_iv((int64_t)av->n);
            }
        }
        tlist_free(&items);
    } else if (av->n == 0) {
        r = tsv_new();
    } else if (id == B_POP) {
        tsv *v = av->v[--av->n];
        r = v ? v : tsv_new();
    } else {
        tsv *v = av->v[0];
        memmove(av->v, av->v + 1, (av->n - 1) * sizeof(*av->v));
        av->n--;
        r = v ? v : tsv_new();
    }
    tav_dec(av);
    return r;
}

static tsv *do_chomp_chop(esm_tmpl_env *env, tnode *n, int chop)
{
    tlist targets = {0};
    if (n->nkids) {
        tnode *e = n->kids[0];
        /* chomp(my @lines = <FH>) chomps the assigned variables */
        int list_assign = e->kind == N_ASSIGN && e->op == 0 && tmpl_is_list_lhs(e->kids[0]);
        if (e->kind == N_AVAR || e->kind == N_RV2AV || e->kind == N_LIST || e->kind == N_MY ||
            e->kind == N_HVAR || list_assign) {
            if (tmpl_eval_list(env, e, &targets) < 0) {
                tlist_free(&targets);
                return NULL;
            }
        } else {
            tsv *t = tmpl_lvalue(env, e);
            if (!t)
                return NULL;
            tlist_push(&targets, t);
        }
    } else {
        tsv *t = topic_target(env);
        if (!t)
            return NULL;
        tlist_push(&targets, t);
    }
    /* chomp removes a trailing $/ (nothing when $/ is undef: slurp mode,
     * every trailing newline when it is "": paragraph mode) */
    tglob *rs = tmpl_glob(env, "/", 1);
    char rb[64];
    size_t sl = 0;
    const char *sep = rs && rs->sv && tsv_defined(rs->sv) ? tsv_str(rs->sv, rb, &sl) : NULL;
    int64_t removed = 0;
    tsv *last = NULL;
    for (size_t i = 0; i < targets.n; i++) {
        tsv *t = targets.v[i];
        if (t->t == T_UNDEF)
            continue;
        char b[64];
        size_t l;
        const char *s = tmpl_strval(env, n, t, b, &l);
        if (!s) {
            tlist_free(&targets);
            tsv_dec(last);
            return NULL;
        }
        if (chop) {
            if (l) {
                tsv_dec(last);
                last = tsv_new_str(s + l - 1, 1);
                char *c = esm_xstrndup(s, l - 1);
                tsv_set_str(t, c, l - 1);
                free(c);
            }
        } else if (sep) {
            size_t cut = 0;
            if (sl == 0)
                while (cut < l && s[l - 1 - cut] == '\n')
                    cut++;
            else if (l >= sl && memcmp(s + l - sl, sep, sl) == 0)
                cut = sl;
            if (cut) {
                char *c = esm_xstrndup(s, l - cut);
                tsv_set_str(t, c, l - cut);
                free(c);
                removed += (int64_t)cut;
            }
        }
    }
    tlist_free(&targets);
    if (chop)
        return last ? last : tsv_new_str("", 0);
    return tsv_new_iv(removed);
}

/* die and warn build the text Perl gives them: the LIST concatenated (or
 * "Died" / "Warning: something's wrong"), and unless it ends in a newline
 * " at FILE line N.\n" -- FILE being the fragment, since Text::Template
 * evaluates each block after a "#line N FILE" directive. expand-template
 * shows that text exactly as the original's BROKEN handler and
 * $SIG{__WARN__} do, so it must be Perl's, not a located message. */
static tsv *do_die_warn(esm_tmpl_env *env, tnode *n, int die)
{
    tlist items = {0};
    if (args_list(env, n, 0, &items) < 0) {
        tlist_free(&items);
        return NULL;
    }
    esm_buf msg = ESM_BUF_INIT;
    for (size_t i = 0; i < items.n; i++) {
        char b[64];
        size_t l;
        const char *s = tmpl_strval(env, n, items.v[i], b, &l);
        if (!s) {
            tlist_free(&items);
            esm_buf_free(&msg);
            return NULL;
        }
        esm_buf_append(&msg, s, l);
    }
    tlist_free(&items);
    if (msg.len == 0)
        esm_buf_puts(&msg, die ? "Died" : "Warning: something's wrong");
    if (msg.data[msg.len - 1] != '\n') {
        esm_buf_printf(&msg, " at %s line %d", env->filename, n->iv ? (int)n->iv : n->line);
        tmpl_io_last_read(env, &msg);
        esm_buf_puts(&msg, ".\n");
    }
    tsv *r = NULL;
    if (die) {
        env->unwind = U_ERR;
        free(env->perl_error);
        env->perl_error = esm_xstrndup(msg.data, msg.len);
        /* the located form, for callers without a broken handler */
        esm_err_set(env->err, ESM_E_FAIL, "%s:%d:%d: died: %.*s", env->filename, n->line, n->col,
                    (int)msg.len - 1, msg.data);
    } else {
        if (env->warn_fn)
            env->warn_fn(env->warn_ctx, env->filename, esm_buf_str(&msg));
        r = tsv_new_iv(1);
    }
    esm_buf_free(&msg);
    return r;
}

static tsv *numeric_fn(esm_tmpl_env *env, tnode *n, int id)
{
    tsv *a = arg_scalar(env, n, 0);
    if (!a)
        return NULL;
    tsv *r = NULL;
    char b[64];
    size_t l;
    const char *s;
    switch (id) {
    case B_ABS: {
        int is_int;
        int64_t iv;
        double nv;
        tsv_num(a, &is_int, &iv, &nv);
        r = is_int && iv != INT64_MIN ? tsv_new_iv(iv < 0 ? -iv : iv)
                                      : tsv_new_nv(fabs(is_int ? (double)iv : nv));
        break;
    }
    case B_INT: {
        int is_int;
        int64_t iv;
        double nv;
        tsv_num(a, &is_int, &iv, &nv);
        if (is_int)
            r = tsv_new_iv(iv);
        else if (isnan(nv) || isinf(nv))
            r = tsv_new_nv(nv);
        else if (fabs(nv) < 9.2e18)
            r = tsv_new_iv((int64_t)nv);
        else
            r = tsv_new_nv(nv); /* beyond 2**53 every double is an integer */
        break;
    }
    case B_SQRT: {
        double v = tsv_nv(a);
        if (v < 0) {
            tsv_dec(a);
            return tmpl_die(env, n, "Can't take sqrt of %g", v);
        }
        r = tsv_new_nv(sqrt(v));
        break;
    }
    case B_HEX:
    case B_OCT: {
        s = tmpl_strval(env, n, a, b, &l);
        if (!s)
            break;
        size_t i = 0;
        while (i < l && isspace((unsigned char)s[i]))
            i++;
        int base = 16;
        if (id == B_OCT) {
            base = 8;
            if (i < l && s[i] == '0' && i + 1 < l && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
                base = 16;
                i += 2;
            } else if (i < l && s[i] == '0' && i + 1 < l && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
                base = 2;
                i += 2;
            } else if (i < l && (s[i] == 'x' || s[i] == 'X')) {
                base = 16;
                i++;
            } else if (i < l && (s[i] == 'b' || s[i] == 'B')) {
                base = 2;
                i++;
            } else if (i < l && (s[i] == 'o' || s[i] == 'O')) {
                i++;
            }
        } else if (i + 1 < l && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            i += 2;
        } else if (i < l && (s[i] == 'x' || s[i] == 'X')) {
            i++;
        }
        uint64_t v = 0;
        for (; i < l; i++) {
            if (s[i] == '_')
                continue;
            int d;
            if (isdigit((unsigned char)s[i]))
                d = s[i] - '0';
            else if (isalpha((unsigned char)s[i]))
                d = tolower((unsigned char)s[i]) - 'a' + 10;
            else
                break;
            if (d >= base)
                break;
            v = v * (uint64_t)base + (uint64_t)d;
        }
        r = v > (uint64_t)INT64_MAX ? tsv_new_nv((double)v) : tsv_new_iv((int64_t)v);
        break;
    }
    case B_ORD:
        s = tmpl_strval(env, n, a, b, &l);
        if (s)
            r = tsv_new_iv(l ? (unsigned char)s[0] : 0);
        break;
    case B_CHR: {
        int64_t c = tsv_iv(a);
        if (c < 0 || c > 255) {
            tsv_dec(a);
            return tmpl_unsupported(env, n, "chr above 255 (wide characters)");
        }
        char ch = (char)c;
        r = tsv_new_str(&ch, 1);
        break;
    }
    case B_LENGTH:
        if (a->t == T_UNDEF) {
            r = tsv_new();
            break;
        }
        s = tmpl_strval(env, n, a, b, &l);
        if (s)
            r = tsv_new_iv((int64_t)l);
        break;
    default:
        break;
    }
    tsv_dec(a);
    return r;
}

tsv *tmpl_builtin(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    if (!out)
        want_list = 0; /* list results need somewhere to go */
    switch (n->op) {
    case B_DEFINED:
        return tmpl_result(want_list, out, do_defined(env, n));
    case B_EXISTS:
        return tmpl_result(want_list, out, do_exists_delete(env, n, 0));
    case B_DELETE:
        return tmpl_result(want_list, out, do_exists_delete(env, n, 1));
    case B_KEYS:
        return do_keys_values(env, n, want_list, out, 0);
    case B_VALUES:
        return do_keys_values(env, n, want_list, out, 1);
    case B_EACH:
        return tmpl_unsupported(env, n, "each");
    case B_SORT:
        return do_sort(env, n, want_list, out);
    case B_REVERSE: {
        tlist items = {0};
        if (n->nkids == 0 && !want_list) {
            tsv *d = arg_scalar(env, n, 0);
            if (!d)
                return NULL;
            tlist_push(&items, d);
        } else if (args_list(env, n, 0, &items) < 0) {
            tlist_free(&items);
            return NULL;
        }
        if (want_list) {
            for (size_t i = items.n; i-- > 0;)
                tlist_push(out, tsv_inc(items.v[i]));
            tlist_free(&items);
            return tsv_new();
        }
        esm_buf b = ESM_BUF_INIT;
        for (size_t i = 0; i < items.n; i++) {
            char tb[64];
            size_t l;
            const char *s = tmpl_strval(env, n, items.v[i], tb, &l);
            if (!s) {
                esm_buf_free(&b);
                tlist_free(&items);
                return NULL;
            }
            esm_buf_append(&b, s, l);
        }
        tlist_free(&items);
        tsv *r = tsv_new_str("", 0);
        for (size_t i = b.len; i-- > 0;)
            tsv_append(r, b.data + i, 1);
        esm_buf_free(&b);
        return r;
    }
    case B_JOIN:
        return tmpl_result(want_list, out, do_join(env, n));
    case B_SPLIT:
        return do_split(env, n, want_list, out);
    case B_PUSH:
    case B_POP:
    case B_SHIFT:
    case B_UNSHIFT:
        return tmpl_result(want_list, out, do_push(env, n, n->op));
    case B_SCALAR: {
        tsv *v = tmpl_eval_scalar(env, n->kids[0]);
        return tmpl_result(want_list, out, v);
    }
    case B_LENGTH:
    case B_ABS:
    case B_INT:
    case B_HEX:
    case B_OCT:
    case B_ORD:
    case B_CHR:
    case B_SQRT:
        return tmpl_result(want_list, out, numeric_fn(env, n, n->op));
    case B_LC:
    case B_UC:
    case B_LCFIRST:
    case B_UCFIRST:
        return tmpl_result(want_list, out, case_map(env, n, n->op));
    case B_QUOTEMETA:
        return tmpl_result(want_list, out, quotemeta(env, n));
    case B_SUBSTR:
        return tmpl_result(want_list, out, do_substr(env, n));
    case B_INDEX:
    case B_RINDEX:
        return tmpl_result(want_list, out, do_index(env, n, n->op == B_RINDEX));
    case B_SPRINTF: {
        tlist items = {0};
        if (args_list(env, n, 0, &items) < 0) {
            tlist_free(&items);
            return NULL;
        }
        esm_buf b = ESM_BUF_INIT;
        int rc = tmpl_sprintf(env, n, items.v, items.n, &b);
        tlist_free(&items);
        tsv *r = rc < 0 ? NULL : tsv_new_str(esm_buf_str(&b), b.len);
        esm_buf_free(&b);
        return tmpl_result(want_list, out, r);
    }
    case B_GREP:
    case B_MAP:
        return do_map_grep(env, n, want_list, out);
    case B_DIE:
    case B_WARN:
        return tmpl_result(want_list, out, do_die_warn(env, n, n->op == B_DIE));
    case B_OPEN:
    case B_CLOSE:
    case B_EOF:
    case B_READLINE:
    case B_FTEST:
    case B_OPENDIR:
    case B_READDIR:
    case B_CLOSEDIR:
        return tmpl_io_builtin(env, n, want_list, out);
    case B_LDAPBASE:
    case B_LDAPPASSWORD:
    case B_LOAD_TEXT:
        return tmpl_util_builtin(env, n, want_list, out);
    case B_CHOMP:
    case B_CHOP:
        return tmpl_result(want_list, out, do_chomp_chop(env, n, n->op == B_CHOP));
    case B_UNDEF: {
        if (n->nkids) {
            tnode *e = n->kids[0];
            if (e->kind == N_AVAR || e->kind == N_RV2AV) {
                tav *av = tmpl_array_of(env, e, 1);
                if (!av)
                    return NULL;
                tav_clear(av);
            } else if (e->kind == N_HVAR || e->kind == N_RV2HV) {
                thv *hv = tmpl_hash_of(env, e, 1);
                if (!hv)
                    return NULL;
                thv_clear(hv);
            } else {
                tsv *t = tmpl_lvalue(env, e);
                if (!t)
                    return NULL;
                tsv_set_undef(t);
                tsv_dec(t);
            }
        }
        return tmpl_result(want_list, out, tsv_new());
    }
    case B_REF: {
        tsv *v = arg_scalar(env, n, 0);
        if (!v)
            return NULL;
        const char *name = "";
        if (v->t == T_REF) {
            switch (v->rk) {
            case RK_SCALAR:
                name = "SCALAR";
                break;
            case RK_ARRAY:
                name = "ARRAY";
                break;
            case RK_HASH:
                name = "HASH";
                break;
            default:
                name = ((tobj *)v->ref)->class_name;
                break;
            }
        }
        tsv_dec(v);
        return tmpl_result(want_list, out, tsv_new_cstr(name));
    }
    default:
        return tmpl_die(env, n, "internal error: unknown builtin %d", n->op);
    }
}
