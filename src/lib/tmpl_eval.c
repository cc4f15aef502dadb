/*
 * tmpl_eval.c - evaluates a parsed block with Perl's semantics.
 *
 * Every expression is evaluated either in scalar context (a counted tsv is
 * returned) or in list context (counted tsvs are pushed on a tlist); array
 * and hash elements are pushed as the containers themselves so foreach,
 * map and grep alias them as Perl does. A NULL result means the evaluation
 * unwinds: an error (env->err filled), next, last or return.
 *
 * A block's value is its last evaluated statement in scalar context, as
 * Perl's eval gives it; if/unless/while yield the last condition when no
 * branch ran, loops yield undef (all checked against Text::Template).
 */
#include "lazylib.h"
#include "tmpl_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

/* Whether msg is an error Perl itself raises at run time, in Perl's words
 * (division by zero, a method called on undef, a bad dereference...): the
 * original shows those as Perl's $@, "MSG at FILE line N.", so the broken
 * handler gets that text too. Our own limits and refusals are lower-case
 * and keep only their located form. */
static int is_perl_message(const char *msg)
{
    static const char *const prefixes[] = {"Illegal ",        "Can't ",         "Not a",
                                           "Modification of", "substr outside", NULL};
    for (const char *const *p = prefixes; *p; p++)
        if (strncmp(msg, *p, strlen(*p)) == 0)
            return 1;
    return 0;
}

static void set_error(esm_tmpl_env *env, const tnode *n, const char *msg)
{
    if (env->unwind == U_ERR)
        return;
    env->unwind = U_ERR;
    esm_err_set(env->err, ESM_E_FAIL, "%s:%d:%d: %s", env->filename, n ? n->line : 0,
                n ? n->col : 0, msg);
    if (n && is_perl_message(msg)) {
        esm_buf text = ESM_BUF_INIT;
        esm_buf_printf(&text, "%s at %s line %d", msg, env->filename, n->line);
        tmpl_io_last_read(env, &text);
        esm_buf_puts(&text, ".\n");
        free(env->perl_error);
        env->perl_error = esm_buf_steal(&text);
    }
}

void *tmpl_die(esm_tmpl_env *env, const tnode *n, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    set_error(env, n, msg);
    return NULL;
}

void *tmpl_unsupported(esm_tmpl_env *env, const tnode *n, const char *what)
{
    return tmpl_die(env, n, "unsupported Perl: %s", what);
}

int tmpl_charge(esm_tmpl_env *env, const tnode *n, long steps)
{
    env->budget -= steps;
    if (env->budget < 0) {
        tmpl_die(env, n, "iteration budget exhausted (a loop that does not end?)");
        return -1;
    }
    return 0;
}

int tmpl_charge_bytes(esm_tmpl_env *env, const tnode *n, size_t bytes)
{
    env->bytes += bytes;
    if (env->bytes > TMPL_MAX_BYTES || bytes > TMPL_MAX_BYTES) {
        tmpl_die(env, n, "string size limit exceeded");
        return -1;
    }
    return 0;
}

const char *tmpl_strval(esm_tmpl_env *env, const tnode *n, const tsv *sv, char *buf, size_t *len)
{
    const char *s = tsv_str(sv, buf, len);
    if (!s) {
        tmpl_unsupported(env, n, "reference or object used as a string (Perl prints an address)");
        return NULL;
    }
    return s;
}

static tsv *sv_yes(void)
{
    return tsv_new_iv(1);
}

static tsv *sv_no(void)
{
    return tsv_new_str("", 0);
}

void tmpl_free_mortals(esm_tmpl_env *env, size_t mark)
{
    while (env->mortals.n > mark)
        tsv_dec(env->mortals.v[--env->mortals.n]);
}

/* ---- variables ---- */

/* The innermost lexical of that name; NULL when there is none or when
 * the innermost is an `our` (an entry without a variable): the name then
 * means the package global. */
static void *lex_find(esm_tmpl_env *env, char sigil, const char *name)
{
    for (size_t i = env->nlex; i-- > 0;) {
        tlex *l = &env->lex[i];
        if (l->sigil == sigil && l->name[0] == name[0] && strcmp(l->name, name) == 0)
            return l->var;
    }
    return NULL;
}

static void lex_push(esm_tmpl_env *env, char sigil, const char *name, void *var)
{
    if (env->nlex == env->caplex) {
        env->caplex = env->caplex ? env->caplex * 2 : 32;
        env->lex = esm_xrealloc(env->lex, env->caplex * sizeof(*env->lex));
    }
    env->lex[env->nlex].sigil = sigil;
    env->lex[env->nlex].name = name;
    env->lex[env->nlex].var = var;
    env->nlex++;
}

static void lex_pop_to(esm_tmpl_env *env, size_t mark)
{
    while (env->nlex > mark) {
        tlex *l = &env->lex[--env->nlex];
        if (!l->var)
            continue; /* an `our` */
        if (l->sigil == '$')
            tsv_dec(l->var);
        else if (l->sigil == '@')
            tav_dec(l->var);
        else
            thv_dec(l->var);
    }
}

static int is_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* The value of $N / $& from the last successful match. */
static tsv *capture_var(esm_tmpl_env *env, const char *name)
{
    if (name[0] == '!' || name[0] == '.')
        return tmpl_io_special(env, name[0]);
    int idx = name[0] == '&' ? 0 : atoi(name);
    if (!env->match_subject || idx >= env->ovec_n)
        return tsv_new();
    size_t b = env->ovec[2 * idx], e = env->ovec[2 * idx + 1];
    if (b == (size_t)-1 || e < b)
        return tsv_new();
    return tsv_new_str(env->match_subject + b, e - b);
}

static tglob *glob_for(esm_tmpl_env *env, const tnode *n, const char *name)
{
    tglob *g = tmpl_glob(env, name, 1);
    if (!g && env->unwind != U_ERR)
        tmpl_die(env, n, "cannot read the configuration database for $%s", name);
    if (!g)
        return NULL;
    return g;
}

static tsv *scalar_container(esm_tmpl_env *env, const tnode *n, const char *name)
{
    tsv *sv = lex_find(env, '$', name);
    if (sv)
        return sv;
    tglob *g = glob_for(env, n, name);
    if (!g)
        return NULL;
    if (!g->sv)
        g->sv = tsv_new();
    return g->sv;
}

static tav *array_named(esm_tmpl_env *env, const tnode *n, const char *name)
{
    tav *av = lex_find(env, '@', name);
    if (av)
        return av;
    tglob *g = glob_for(env, n, name);
    if (!g)
        return NULL;
    if (!g->av)
        g->av = tav_new();
    return g->av;
}

static thv *hash_named(esm_tmpl_env *env, const tnode *n, const char *name)
{
    thv *hv = lex_find(env, '%', name);
    if (hv)
        return hv;
    tglob *g = glob_for(env, n, name);
    if (!g)
        return NULL;
    if (!g->hv)
        g->hv = thv_new();
    return g->hv;
}

/* Declares the variables of a `my`; returns the first scalar (counted)
 * for use as an lvalue. */
static void declare(esm_tmpl_env *env, tnode *v)
{
    if (v->kind == N_SVAR)
        lex_push(env, '$', v->str, tsv_new());
    else if (v->kind == N_AVAR)
        lex_push(env, '@', v->str, tav_new());
    else
        lex_push(env, '%', v->str, thv_new());
}

static int is_special_name(const char *name);

/* `our`: each variable's name means its global until the enclosing block
 * ends, also where a `my` of the same name is in scope. */
static void declare_our(esm_tmpl_env *env, tnode *n)
{
    for (int i = 0; i < n->nkids; i++) {
        tnode *v = n->kids[i];
        lex_push(env, v->kind == N_SVAR ? '$' : v->kind == N_AVAR ? '@' : '%', v->str, NULL);
    }
}

/* `local`: keeps a global's value for the end of the enclosing block and
 * gives it a fresh one (undef, empty), as Perl's local does. The glob is
 * remembered by index: the glob table may grow meanwhile. */
static int localize(esm_tmpl_env *env, tnode *v)
{
    char sigil = v->kind == N_SVAR ? '$' : v->kind == N_AVAR ? '@' : '%';
    if (lex_find(env, sigil, v->str)) {
        tmpl_die(env, v, "Can't localize lexical variable %c%s", sigil, v->str);
        return -1;
    }
    if (sigil == '$' && is_special_name(v->str)) {
        tmpl_unsupported(env, v, "local on a special variable");
        return -1;
    }
    tglob *g = glob_for(env, v, v->str);
    if (!g)
        return -1;
    if (env->nsaves == env->capsaves) {
        env->capsaves = env->capsaves ? env->capsaves * 2 : 8;
        env->saves = esm_xrealloc(env->saves, env->capsaves * sizeof(*env->saves));
    }
    struct tsave *s = &env->saves[env->nsaves++];
    s->glob = (size_t)(g - env->globs);
    s->sigil = sigil;
    if (sigil == '$') {
        s->old = g->sv;
        g->sv = tsv_new();
    } else if (sigil == '@') {
        s->old = g->av;
        g->av = tav_new();
    } else {
        s->old = g->hv;
        g->hv = thv_new();
    }
    return 0;
}

void tmpl_restore_locals(esm_tmpl_env *env, size_t mark)
{
    while (env->nsaves > mark) {
        struct tsave *s = &env->saves[--env->nsaves];
        tglob *g = &env->globs[s->glob];
        if (s->sigil == '$') {
            tsv_dec(g->sv);
            g->sv = s->old;
        } else if (s->sigil == '@') {
            tav_dec(g->av);
            g->av = s->old;
        } else {
            thv_dec(g->hv);
            g->hv = s->old;
        }
    }
}

static int localize_all(esm_tmpl_env *env, tnode *n)
{
    for (int i = 0; i < n->nkids; i++)
        if (localize(env, n->kids[i]) < 0)
            return -1;
    return 0;
}

static int is_special_name(const char *name)
{
    return is_digits(name) || strcmp(name, "&") == 0 || strcmp(name, "!") == 0 ||
           strcmp(name, ".") == 0;
}

/* Follows a reference value to the array it refers to. A string is a
 * symbolic reference to a global (Text::Template code runs without
 * `use strict`). */
static tav *deref_array(esm_tmpl_env *env, const tnode *n, tsv *sv, int create)
{
    if (sv->t == T_REF) {
        if (sv->rk == RK_ARRAY)
            return sv->ref;
        return tmpl_die(env, n, "Not an ARRAY reference");
    }
    if (sv->t == T_UNDEF) {
        if (!create)
            return NULL;
        tav *av = tav_new();
        tsv_set_undef(sv);
        sv->t = T_REF;
        sv->rk = RK_ARRAY;
        sv->ref = av;
        return av;
    }
    char buf[64];
    size_t len;
    const char *s = tsv_str(sv, buf, &len);
    if (!s || len == 0 || memchr(s, '\0', len))
        return tmpl_die(env, n, "Can't use string as an ARRAY ref");
    char *name = esm_xstrndup(s, len);
    tav *av = array_named(env, n, name);
    free(name);
    return av;
}

static thv *deref_hash(esm_tmpl_env *env, const tnode *n, tsv *sv, int create)
{
    if (sv->t == T_REF) {
        if (sv->rk == RK_HASH)
            return sv->ref;
        if (sv->rk == RK_RECORD || sv->rk == RK_DB)
            return tmpl_unsupported(env, n, "direct access to an object's internal hash");
        return tmpl_die(env, n, "Not a HASH reference");
    }
    if (sv->t == T_UNDEF) {
        if (!create)
            return NULL;
        thv *hv = thv_new();
        tsv_set_undef(sv);
        sv->t = T_REF;
        sv->rk = RK_HASH;
        sv->ref = hv;
        return hv;
    }
    char buf[64];
    size_t len;
    const char *s = tsv_str(sv, buf, &len);
    if (!s || len == 0 || memchr(s, '\0', len))
        return tmpl_die(env, n, "Can't use string as a HASH ref");
    char *name = esm_xstrndup(s, len);
    thv *hv = hash_named(env, n, name);
    free(name);
    return hv;
}

/* Whether evaluating n as an lvalue is meaningful (for autovivification
 * of $x->{a}{b} and friends). */
static int is_lvalue_node(const tnode *n)
{
    return n->kind == N_SVAR || n->kind == N_ELEM || n->kind == N_HELEM || n->kind == N_RV2SV ||
           n->kind == N_MY;
}

/* The array an array-valued node denotes (@a, @$r, @{...}, my @a). */
tav *tmpl_array_of(esm_tmpl_env *env, tnode *n, int create)
{
    switch (n->kind) {
    case N_AVAR:
        return array_named(env, n, n->str);
    case N_MY:
        if (n->nkids == 1 && n->kids[0]->kind == N_AVAR) {
            declare(env, n->kids[0]);
            return env->lex[env->nlex - 1].var;
        }
        break;
    case N_OUR:
        if (n->nkids == 1 && n->kids[0]->kind == N_AVAR) {
            declare_our(env, n);
            return tmpl_array_of(env, n->kids[0], create);
        }
        break;
    case N_RV2AV: {
        tnode *inner = n->kids[0];
        int lv = is_lvalue_node(inner) && (create || inner->kind != N_SVAR);
        tsv *sv = lv ? tmpl_lvalue(env, inner) : tmpl_eval_scalar(env, inner);
        if (!sv)
            return NULL;
        tav *r = deref_array(env, n, sv, lv);
        /* a temporary ([1,2] in "@{[...]}") must outlive this call */
        tlist_push(&env->mortals, sv);
        return r;
    }
    default:
        break;
    }
    return tmpl_die(env, n, "not an array");
}

thv *tmpl_hash_of(esm_tmpl_env *env, tnode *n, int create)
{
    switch (n->kind) {
    case N_HVAR:
        return hash_named(env, n, n->str);
    case N_MY:
        if (n->nkids == 1 && n->kids[0]->kind == N_HVAR) {
            declare(env, n->kids[0]);
            return env->lex[env->nlex - 1].var;
        }
        break;
    case N_OUR:
        if (n->nkids == 1 && n->kids[0]->kind == N_HVAR) {
            declare_our(env, n);
            return tmpl_hash_of(env, n->kids[0], create);
        }
        break;
    case N_RV2HV: {
        tnode *inner = n->kids[0];
        int lv = is_lvalue_node(inner) && (create || inner->kind != N_SVAR);
        tsv *sv = lv ? tmpl_lvalue(env, inner) : tmpl_eval_scalar(env, inner);
        if (!sv)
            return NULL;
        thv *r = deref_hash(env, n, sv, lv);
        /* a temporary ([1,2] in "@{[...]}") must outlive this call */
        tlist_push(&env->mortals, sv);
        return r;
    }
    default:
        break;
    }
    return tmpl_die(env, n, "not a hash");
}

/* The key of a subscript, without a copy: a constant key is the tree's
 * own string; otherwise the caller keeps *hold (to drop after use) and
 * buf (64 bytes, for a number's digits) alive while it uses the key. */
static const char *key_of(esm_tmpl_env *env, tnode *k, size_t *klen, char *buf, tsv **hold)
{
    *hold = NULL;
    if (k->kind == N_STR) {
        *klen = k->slen;
        return k->str;
    }
    tsv *sv;
    if (k->kind == N_LIST && k->nkids > 1)
        return tmpl_unsupported(env, k, "multidimensional hash key $h{a,b}");
    sv = tmpl_eval_scalar(env, k);
    if (!sv)
        return NULL;
    const char *s = tmpl_strval(env, k, sv, buf, klen);
    if (!s) {
        tsv_dec(sv);
        return NULL;
    }
    *hold = sv;
    return s;
}

static int index_of(esm_tmpl_env *env, tnode *k, int64_t *out)
{
    tsv *sv = tmpl_eval_scalar(env, k);
    if (!sv)
        return -1;
    if (sv->t == T_REF) {
        tsv_dec(sv);
        tmpl_unsupported(env, k, "reference used as an array index");
        return -1;
    }
    *out = tsv_iv(sv);
    tsv_dec(sv);
    return 0;
}

tsv *tmpl_lvalue(esm_tmpl_env *env, tnode *n)
{
    switch (n->kind) {
    case N_SVAR: {
        if (is_special_name(n->str))
            return tmpl_die(env, n, "Modification of a read-only value attempted");
        tsv *sv = scalar_container(env, n, n->str);
        return sv ? tsv_inc(sv) : NULL;
    }
    case N_MY:
        if (n->nkids == 1 && n->kids[0]->kind == N_SVAR) {
            declare(env, n->kids[0]);
            return tsv_inc(env->lex[env->nlex - 1].var);
        }
        return tmpl_die(env, n, "Can't use my list as a scalar lvalue");
    case N_LOCAL:
        if (localize_all(env, n) < 0)
            return NULL;
        if (n->nkids == 1 && n->kids[0]->kind == N_SVAR)
            return tmpl_lvalue(env, n->kids[0]);
        return tmpl_die(env, n, "Can't use a local list as a scalar lvalue");
    case N_OUR:
        declare_our(env, n);
        if (n->nkids == 1 && n->kids[0]->kind == N_SVAR)
            return tmpl_lvalue(env, n->kids[0]);
        return tmpl_die(env, n, "Can't use an our list as a scalar lvalue");
    case N_ELEM: {
        tav *av = tmpl_array_of(env, n->kids[0], 1);
        if (!av)
            return NULL;
        av->rc++;
        int64_t i;
        if (index_of(env, n->kids[1], &i) < 0) {
            tav_dec(av);
            return NULL;
        }
        if (i > 10000000) {
            tav_dec(av);
            return tmpl_die(env, n, "array index too large");
        }
        tsv *sv = tav_fetch(av, i, 1);
        if (!sv) {
            tav_dec(av);
            return tmpl_die(env, n,
                            "Modification of non-creatable array value attempted, "
                            "subscript %lld",
                            (long long)i);
        }
        tsv_inc(sv);
        tav_dec(av);
        return sv;
    }
    case N_HELEM: {
        thv *hv = tmpl_hash_of(env, n->kids[0], 1);
        if (!hv)
            return NULL;
        hv->rc++;
        size_t kl;
        char kbuf[64];
        tsv *hold;
        const char *k = key_of(env, n->kids[1], &kl, kbuf, &hold);
        if (!k) {
            thv_dec(hv);
            return NULL;
        }
        tsv *sv = tsv_inc(thv_fetch(hv, k, kl, 1));
        tsv_dec(hold);
        thv_dec(hv);
        return sv;
    }
    case N_RV2SV: {
        tnode *inner = n->kids[0];
        tsv *r = is_lvalue_node(inner) ? tmpl_lvalue(env, inner) : tmpl_eval_scalar(env, inner);
        if (!r)
            return NULL;
        tsv *res = NULL;
        if (r->t == T_REF && r->rk == RK_SCALAR) {
            res = tsv_inc(r->ref);
        } else if (r->t == T_UNDEF && is_lvalue_node(inner)) {
            tsv *target = tsv_new();
            r->t = T_REF;
            r->rk = RK_SCALAR;
            r->ref = tsv_inc(target);
            res = target;
        } else if (r->t == T_STR && r->len > 0) {
            res = scalar_container(env, n, r->s);
            if (res)
                tsv_inc(res);
        } else {
            tmpl_die(env, n, "Not a SCALAR reference");
        }
        tsv_dec(r);
        return res;
    }
    case N_COND: {
        tsv *c = tmpl_eval_scalar(env, n->kids[0]);
        if (!c)
            return NULL;
        int t = tsv_true(c);
        tsv_dec(c);
        return tmpl_lvalue(env, n->kids[t ? 1 : 2]);
    }
    case N_ASSIGN:
    case N_PREINC:
    case N_PREDEC:
        return tmpl_eval_scalar(env, n);
    case N_LIST:
        if (n->nkids == 1)
            return tmpl_lvalue(env, n->kids[0]);
        break;
    default:
        break;
    }
    return tmpl_die(env, n, "Can't modify non-lvalue subexpression");
}

/* ---- numbers and operators ---- */

static int refuse_ref(esm_tmpl_env *env, const tnode *n, const tsv *a, const tsv *b)
{
    if ((a && a->t == T_REF) || (b && b->t == T_REF)) {
        tmpl_unsupported(env, n, "arithmetic or comparison on a reference");
        return -1;
    }
    return 0;
}

/* x ** y through libm's pow, loaded on first use (see lazylib.h). */
static tsv *nv_pow(esm_tmpl_env *env, const tnode *n, double x, double y)
{
    esm_err err;
    esm_pow_fn pow_fn = esm_libm_pow(&err);
    if (pow_fn == NULL)
        return tmpl_die(env, n, "%s", err.msg);
    return tsv_new_nv(pow_fn(x, y));
}

static tsv *arith(esm_tmpl_env *env, const tnode *n, int op, const tsv *a, const tsv *b)
{
    if (refuse_ref(env, n, a, b) < 0)
        return NULL;
    int ai, bi;
    int64_t av, bv;
    double an, bn;
    tsv_num(a, &ai, &av, &an);
    tsv_num(b, &bi, &bv, &bn);
    if (ai)
        an = (double)av;
    if (bi)
        bn = (double)bv;
    int64_t r;
    switch (op) {
    case OP_ADD:
        if (ai && bi && !__builtin_add_overflow(av, bv, &r))
            return tsv_new_iv(r);
        return tsv_new_nv(an + bn);
    case OP_SUB:
        if (ai && bi && !__builtin_sub_overflow(av, bv, &r))
            return tsv_new_iv(r);
        return tsv_new_nv(an - bn);
    case OP_MUL:
        if (ai && bi && !__builtin_mul_overflow(av, bv, &r))
            return tsv_new_iv(r);
        return tsv_new_nv(an * bn);
    case OP_DIV:
        if (bn == 0.0)
            return tmpl_die(env, n, "Illegal division by zero");
        if (ai && bi && bv != 0 && av % bv == 0 && !(av == INT64_MIN && bv == -1))
            return tsv_new_iv(av / bv);
        return tsv_new_nv(an / bn);
    case OP_MOD: {
        if (!ai && (isnan(an) || isinf(an) || fabs(an) >= 9.2e18))
            return tmpl_unsupported(env, n, "% on a number outside the integer range");
        if (!bi && (isnan(bn) || isinf(bn) || fabs(bn) >= 9.2e18))
            return tmpl_unsupported(env, n, "% on a number outside the integer range");
        int64_t x = ai ? av : (int64_t)an, y = bi ? bv : (int64_t)bn;
        if (y == 0)
            return tmpl_die(env, n, "Illegal modulus zero");
        if (y == -1)
            return tsv_new_iv(0);
        int64_t m = x % y;
        if (m != 0 && ((m < 0) != (y < 0)))
            m += y;
        return tsv_new_iv(m);
    }
    case OP_POW: {
        /* Perl's pp_pow: integer ** non-negative integer is exact when a
         * power of two stays below 2**53, or when the bits of the base times
         * the power fit in 64; otherwise it is pow() */
        if (ai && bi && bv >= 0) {
            int neg = av < 0;
            uint64_t base = neg ? (uint64_t)0 - (uint64_t)av : (uint64_t)av;
            if ((base & (base - 1)) == 0) {
                tsv *pr = nv_pow(env, n, neg ? -(double)base : (double)base, (double)bv);
                if (pr && fabs(pr->nv) < 9007199254740992.0)
                    tsv_set_iv(pr, (int64_t)pr->nv);
                return pr;
            }
            unsigned bits = 0;
            while (bits < 64 && (base >> bits) != 0)
                bits++;
            if ((uint64_t)bv * bits <= 64) {
                uint64_t acc = 1;
                for (int64_t k = 0; k < bv; k++)
                    acc *= base;
                int negative = neg && (bv & 1);
                if (!negative && acc <= (uint64_t)INT64_MAX)
                    return tsv_new_iv((int64_t)acc);
                if (negative && acc <= (uint64_t)INT64_MAX)
                    return tsv_new_iv(-(int64_t)acc);
                return tsv_new_nv(negative ? -(double)acc : (double)acc);
            }
        }
        return nv_pow(env, n, an, bn);
    }
    default:
        break;
    }
    return tmpl_die(env, n, "internal error: bad arithmetic operator");
}

static int num_cmp(const tsv *a, const tsv *b, int *undef_result)
{
    int ai, bi;
    int64_t av, bv;
    double an, bn;
    tsv_num(a, &ai, &av, &an);
    tsv_num(b, &bi, &bv, &bn);
    *undef_result = 0;
    if (ai && bi)
        return av < bv ? -1 : av > bv;
    if (ai)
        an = (double)av;
    if (bi)
        bn = (double)bv;
    if (isnan(an) || isnan(bn)) {
        *undef_result = 1;
        return 0;
    }
    return an < bn ? -1 : an > bn;
}

static int str_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    size_t m = al < bl ? al : bl;
    int c = memcmp(a, b, m);
    if (c)
        return c < 0 ? -1 : 1;
    return al < bl ? -1 : al > bl;
}

static tsv *binop(esm_tmpl_env *env, tnode *n, int op, const tsv *a, const tsv *b)
{
    char ba[64], bb[64];
    size_t al, bl;
    switch (op) {
    case OP_CONCAT: {
        const char *as = tmpl_strval(env, n, a, ba, &al);
        if (!as)
            return NULL;
        const char *bs = tmpl_strval(env, n, b, bb, &bl);
        if (!bs || tmpl_charge_bytes(env, n, al + bl) < 0)
            return NULL;
        tsv *r = tsv_new_str(as, al);
        tsv_append(r, bs, bl);
        return r;
    }
    case OP_REPEAT: {
        const char *as = tmpl_strval(env, n, a, ba, &al);
        if (!as || refuse_ref(env, n, b, NULL) < 0)
            return NULL;
        int64_t times = tsv_iv(b);
        if (times <= 0)
            return tsv_new_str("", 0);
        if (al && (uint64_t)times > TMPL_MAX_BYTES / al)
            return tmpl_die(env, n, "string size limit exceeded");
        if (tmpl_charge_bytes(env, n, al * (size_t)times) < 0)
            return NULL;
        tsv *r = tsv_new_str("", 0);
        char *copy = esm_xstrndup(as, al);
        for (int64_t i = 0; i < times; i++)
            tsv_append(r, copy, al);
        free(copy);
        return r;
    }
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    case OP_MOD:
    case OP_POW:
        return arith(env, n, op, a, b);
    case OP_NUM_EQ:
    case OP_NUM_NE:
    case OP_NUM_LT:
    case OP_NUM_GT:
    case OP_NUM_LE:
    case OP_NUM_GE:
    case OP_NUM_CMP: {
        if (refuse_ref(env, n, a, b) < 0)
            return NULL;
        int und;
        int c = num_cmp(a, b, &und);
        if (op == OP_NUM_CMP)
            return und ? tsv_new() : tsv_new_iv(c);
        int r;
        switch (op) {
        case OP_NUM_EQ:
            r = !und && c == 0;
            break;
        case OP_NUM_NE:
            r = und || c != 0;
            break;
        case OP_NUM_LT:
            r = !und && c < 0;
            break;
        case OP_NUM_GT:
            r = !und && c > 0;
            break;
        case OP_NUM_LE:
            r = !und && c <= 0;
            break;
        default:
            r = !und && c >= 0;
            break;
        }
        return r ? sv_yes() : sv_no();
    }
    default: {
        const char *as = tmpl_strval(env, n, a, ba, &al);
        if (!as)
            return NULL;
        const char *bs = tmpl_strval(env, n, b, bb, &bl);
        if (!bs)
            return NULL;
        int c = str_cmp(as, al, bs, bl);
        int r;
        switch (op) {
        case OP_STR_EQ:
            r = c == 0;
            break;
        case OP_STR_NE:
            r = c != 0;
            break;
        case OP_STR_LT:
            r = c < 0;
            break;
        case OP_STR_GT:
            r = c > 0;
            break;
        case OP_STR_LE:
            r = c <= 0;
            break;
        case OP_STR_GE:
            r = c >= 0;
            break;
        case OP_STR_CMP:
            return tsv_new_iv(c);
        default:
            return tmpl_die(env, n, "internal error: bad operator");
        }
        return r ? sv_yes() : sv_no();
    }
    }
}

/* Perl's magic string increment: "aa9" -> "ab0", "Az" -> "Ba", "zz" -> "aaa". */
static int magic_increment(tsv *sv)
{
    if (sv->t != T_STR || sv->len == 0)
        return 0;
    size_t i = 0;
    while (i < sv->len &&
           ((sv->s[i] >= 'a' && sv->s[i] <= 'z') || (sv->s[i] >= 'A' && sv->s[i] <= 'Z')))
        i++;
    while (i < sv->len && sv->s[i] >= '0' && sv->s[i] <= '9')
        i++;
    if (i != sv->len)
        return 0;
    char *s = esm_xstrndup(sv->s, sv->len);
    size_t len = sv->len;
    size_t k = len;
    for (;;) {
        if (k == 0) {
            char first = s[0];
            char add = first >= '0' && first <= '9'   ? '1'
                       : first >= 'a' && first <= 'z' ? 'a'
                                                      : 'A';
            char *t = esm_xmalloc(len + 2);
            t[0] = add;
            memcpy(t + 1, s, len);
            free(s);
            s = t;
            len++;
            break;
        }
        char c = s[k - 1];
        if (c == 'z') {
            s[k - 1] = 'a';
        } else if (c == 'Z') {
            s[k - 1] = 'A';
        } else if (c == '9') {
            s[k - 1] = '0';
        } else {
            s[k - 1] = (char)(c + 1);
            break;
        }
        k--;
    }
    tsv_set_str(sv, s, len);
    free(s);
    return 1;
}

static tsv *incdec(esm_tmpl_env *env, tnode *n)
{
    tsv *sv = tmpl_lvalue(env, n->kids[0]);
    if (!sv)
        return NULL;
    if (sv->t == T_REF) {
        tsv_dec(sv);
        return tmpl_unsupported(env, n, "++ or -- on a reference");
    }
    int inc = n->kind == N_PREINC || n->kind == N_POSTINC;
    int post = n->kind == N_POSTINC || n->kind == N_POSTDEC;
    tsv *old = post ? tsv_copy(sv) : NULL;
    if (post && old->t == T_UNDEF && inc)
        tsv_set_iv(old, 0);
    if (!(inc && magic_increment(sv))) {
        int is_int;
        int64_t iv;
        double nv;
        tsv_num(sv, &is_int, &iv, &nv);
        if (post && old->t == T_STR) {
            if (is_int)
                tsv_set_iv(old, iv);
            else
                tsv_set_nv(old, nv);
        }
        int64_t r;
        if (is_int &&
            !(inc ? __builtin_add_overflow(iv, 1, &r) : __builtin_sub_overflow(iv, 1, &r)))
            tsv_set_iv(sv, r);
        else
            tsv_set_nv(sv, (is_int ? (double)iv : nv) + (inc ? 1 : -1));
    }
    if (post) {
        tsv_dec(sv);
        return old;
    }
    return sv;
}

static tsv *negate(esm_tmpl_env *env, tnode *n, tsv *v)
{
    if (refuse_ref(env, n, v, NULL) < 0)
        return NULL;
    if (v->t == T_STR && v->len > 0 && !tmpl_looks_like_number(v->s, v->len)) {
        char c = v->s[0];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
            tsv *r = tsv_new_str("-", 1);
            tsv_append(r, v->s, v->len);
            return r;
        }
        if (c == '-' || c == '+') {
            tsv *r = tsv_new_str(c == '-' ? "+" : "-", 1);
            tsv_append(r, v->s + 1, v->len - 1);
            return r;
        }
    }
    int is_int;
    int64_t iv;
    double nv;
    tsv_num(v, &is_int, &iv, &nv);
    if (is_int && iv != INT64_MIN)
        return tsv_new_iv(-iv);
    return tsv_new_nv(-(is_int ? (double)iv : nv));
}

/* ---- lists ---- */

static int list_of_kids(esm_tmpl_env *env, tnode *n, tlist *out)
{
    for (int i = 0; i < n->nkids; i++)
        if (tmpl_eval_list(env, n->kids[i], out) < 0)
            return -1;
    return 0;
}

static void push_array(tav *av, tlist *out)
{
    for (size_t i = 0; i < av->n; i++) {
        if (!av->v[i])
            av->v[i] = tsv_new();
        tlist_push(out, tsv_inc(av->v[i]));
    }
}

static void push_hash(thv *hv, tlist *out)
{
    for (size_t i = 0; i < hv->n; i++) {
        if (!hv->ents[i].val)
            continue;
        tlist_push(out, tsv_new_str(hv->ents[i].key, hv->ents[i].klen));
        tlist_push(out, tsv_inc(hv->ents[i].val));
    }
}

/* Perl's RANGE_IS_NUMERIC: a number on either side, or both strings that
 * look like numbers with the left one not starting with '0' ('01'..'03'
 * is a string range). */
static int range_is_numeric(const tsv *a, const tsv *b)
{
    if (a->t == T_IV || a->t == T_NV || a->t == T_UNDEF || b->t == T_IV || b->t == T_NV ||
        b->t == T_UNDEF)
        return 1;
    return tmpl_looks_like_number(a->s, a->len) && a->len > 0 && a->s[0] != '0' &&
           tmpl_looks_like_number(b->s, b->len);
}

static int range_list(esm_tmpl_env *env, tnode *n, tlist *out)
{
    tsv *a = tmpl_eval_scalar(env, n->kids[0]);
    if (!a)
        return -1;
    tsv *b = tmpl_eval_scalar(env, n->kids[1]);
    if (!b) {
        tsv_dec(a);
        return -1;
    }
    int rc = 0;
    if (refuse_ref(env, n, a, b) < 0) {
        rc = -1;
    } else if (!range_is_numeric(a, b)) {
        /* string range: magic increment until the length exceeds b's */
        char buf[64];
        size_t bl;
        const char *bs = tsv_str(b, buf, &bl);
        tsv *cur = tsv_copy(a);
        for (;;) {
            if (cur->len > bl)
                break;
            if (tmpl_charge(env, n, 4) < 0) {
                rc = -1;
                break;
            }
            tlist_push(out, tsv_copy(cur));
            if (cur->len == bl && memcmp(cur->s, bs, bl) == 0)
                break;
            if (!magic_increment(cur))
                break;
        }
        tsv_dec(cur);
    } else {
        int64_t lo = tsv_iv(a), hi = tsv_iv(b);
        if (hi >= lo && hi - lo > 10000000) {
            rc = -1;
            tmpl_die(env, n, "range too large");
        }
        for (int64_t i = lo; rc == 0 && i <= hi; i++) {
            if (tmpl_charge(env, n, 4) < 0) {
                rc = -1;
                break;
            }
            tlist_push(out, tsv_new_iv(i));
        }
    }
    tsv_dec(a);
    tsv_dec(b);
    return rc;
}

/* Copies the values of a list so that assigning them cannot see its own
 * writes (($a, $b) = ($b, $a)). */
static void copy_values(tlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        tsv *c = tsv_copy(l->v[i]);
        tsv_dec(l->v[i]);
        l->v[i] = c;
    }
}

int tmpl_is_list_lhs(const tnode *n)
{
    switch (n->kind) {
    case N_AVAR:
    case N_HVAR:
    case N_RV2AV:
    case N_RV2HV:
    case N_SLICE:
    case N_HSLICE:
        return 1;
    case N_LIST:
        return (n->flags & F_PAREN) != 0;
    case N_MY:
    case N_LOCAL:
    case N_OUR:
        return (n->flags & F_PAREN) || n->kids[0]->kind != N_SVAR;
    default:
        return 0;
    }
}

static void assign_array(tav *av, tlist *vals, size_t from)
{
    tav_clear(av);
    for (size_t i = from; i < vals->n; i++)
        tav_push(av, tsv_inc(vals->v[i]));
}

static int assign_hash(esm_tmpl_env *env, tnode *n, thv *hv, tlist *vals, size_t from)
{
    thv_clear(hv);
    for (size_t i = from; i < vals->n; i += 2) {
        char buf[64];
        size_t kl;
        const char *k = tmpl_strval(env, n, vals->v[i], buf, &kl);
        if (!k)
            return -1;
        char *key = esm_xstrndup(k, kl);
        thv_store(hv, key, kl, i + 1 < vals->n ? tsv_inc(vals->v[i + 1]) : tsv_new());
        free(key);
    }
    return 0;
}

/* Assigns vals to one element of a list assignment's left side; returns
 * how many values it took. */
static int assign_target(esm_tmpl_env *env, tnode *t, tlist *vals, size_t *at)
{
    switch (t->kind) {
    case N_AVAR:
    case N_RV2AV: {
        tav *av = tmpl_array_of(env, t, 1);
        if (!av)
            return -1;
        assign_array(av, vals, *at);
        *at = vals->n;
        return 0;
    }
    case N_HVAR:
    case N_RV2HV: {
        thv *hv = tmpl_hash_of(env, t, 1);
        if (!hv)
            return -1;
        if (assign_hash(env, t, hv, vals, *at) < 0)
            return -1;
        *at = vals->n;
        return 0;
    }
    case N_MY:
        for (int i = 0; i < t->nkids; i++) {
            if (t->kids[i]->kind == N_FUNC) { /* my ($a, undef, $b): skips a value */
                if (*at < vals->n)
                    (*at)++;
                continue;
            }
            declare(env, t->kids[i]);
            tlex *l = &env->lex[env->nlex - 1];
            if (l->sigil == '$') {
                if (*at < vals->n)
                    tsv_set(l->var, vals->v[(*at)++]);
            } else if (l->sigil == '@') {
                assign_array(l->var, vals, *at);
                *at = vals->n;
            } else {
                if (assign_hash(env, t, l->var, vals, *at) < 0)
                    return -1;
                *at = vals->n;
            }
        }
        return 0;
    case N_LOCAL:
    case N_OUR:
        if (t->kind == N_OUR)
            declare_our(env, t);
        else if (localize_all(env, t) < 0)
            return -1;
        for (int i = 0; i < t->nkids; i++)
            if (assign_target(env, t->kids[i], vals, at) < 0)
                return -1;
        return 0;
    case N_LIST:
        for (int i = 0; i < t->nkids; i++)
            if (assign_target(env, t->kids[i], vals, at) < 0)
                return -1;
        return 0;
    case N_FUNC:
        if (t->op == B_UNDEF && t->nkids == 0) {
            (*at)++;
            return 0;
        }
        break;
    case N_SLICE:
    case N_HSLICE: {
        tlist idx = {0};
        if (tmpl_eval_list(env, t->kids[1], &idx) < 0)
            return -1;
        for (size_t i = 0; i < idx.n; i++) {
            tsv *dst;
            if (t->kind == N_SLICE) {
                tav *av = tmpl_array_of(env, t->kids[0], 1);
                dst = av ? tav_fetch(av, tsv_iv(idx.v[i]), 1) : NULL;
            } else {
                thv *hv = tmpl_hash_of(env, t->kids[0], 1);
                char buf[64];
                size_t kl;
                const char *k = hv ? tmpl_strval(env, t, idx.v[i], buf, &kl) : NULL;
                char *key = k ? esm_xstrndup(k, kl) : NULL;
                dst = key ? thv_fetch(hv, key, kl, 1) : NULL;
                free(key);
            }
            if (!dst) {
                tlist_free(&idx);
                return env->unwind ? -1 : (tmpl_die(env, t, "bad slice assignment"), -1);
            }
            if (*at < vals->n)
                tsv_set(dst, vals->v[(*at)++]);
            else
                tsv_set_undef(dst);
        }
        tlist_free(&idx);
        return 0;
    }
    default:
        break;
    }
    tsv *dst = tmpl_lvalue(env, t);
    if (!dst)
        return -1;
    if (*at < vals->n)
        tsv_set(dst, vals->v[(*at)++]);
    else
        tsv_set_undef(dst);
    tsv_dec(dst);
    return 0;
}

/* List assignment; returns the number of right-hand values (its scalar
 * value) or -1. lhs values are pushed on out when given. */
/* How many scalars a list assignment's left side takes, or -1 when it
 * has an array or hash (which takes everything). */
static int scalar_targets(const tnode *t)
{
    switch (t->kind) {
    case N_SVAR:
    case N_ELEM:
    case N_HELEM:
        return 1;
    case N_FUNC:
        return t->op == B_UNDEF && t->nkids == 0 ? 1 : -1;
    case N_MY:
    case N_OUR:
    case N_LIST: {
        int count = 0;
        for (int i = 0; i < t->nkids; i++) {
            int c = scalar_targets(t->kids[i]);
            if (c < 0)
                return -1;
            count += c;
        }
        return count;
    }
    default:
        return -1;
    }
}

static int64_t list_assign(esm_tmpl_env *env, tnode *n, tlist *out)
{
    tlist vals = {0};
    tnode *rhs = n->kids[1];
    if (rhs->kind == N_FUNC && rhs->op == B_SPLIT && rhs->nkids < 3) {
        /* Perl gives split a LIMIT of one more than the scalars assigned */
        int c = scalar_targets(n->kids[0]);
        env->split_limit = c >= 0 ? c + 1 : 0;
    }
    if (tmpl_eval_list(env, rhs, &vals) < 0) {
        tlist_free(&vals);
        return -1;
    }
    copy_values(&vals);
    size_t at = 0;
    int rc = assign_target(env, n->kids[0], &vals, &at);
    int64_t count = (int64_t)vals.n;
    tlist_free(&vals);
    if (rc < 0)
        return -1;
    tnode *lhs = n->kids[0];
    if (out && (lhs->kind == N_LOCAL || lhs->kind == N_OUR)) {
        for (int i = 0; i < lhs->nkids; i++)
            if (tmpl_eval_list(env, lhs->kids[i], out) < 0)
                return -1;
    } else if (out && tmpl_eval_list(env, lhs, out) < 0)
        return -1;
    return count;
}

static tsv *assign(esm_tmpl_env *env, tnode *n)
{
    tnode *lhs = n->kids[0];
    if (n->op == 0) {
        if (tmpl_is_list_lhs(lhs)) {
            int64_t c = list_assign(env, n, NULL);
            return c < 0 ? NULL : tsv_new_iv(c);
        }
        tsv *v = tmpl_eval_scalar(env, n->kids[1]);
        if (!v)
            return NULL;
        tsv *dst = tmpl_lvalue(env, lhs);
        if (!dst) {
            tsv_dec(v);
            return NULL;
        }
        tsv_set(dst, v);
        tsv_dec(v);
        return dst;
    }
    if (tmpl_is_list_lhs(lhs)) {
        if (n->op == OP_REPEAT || lhs->kind == N_AVAR)
            return tmpl_unsupported(env, n, "compound assignment to an array or list");
        return tmpl_unsupported(env, n, "compound assignment to a list");
    }
    tsv *dst = tmpl_lvalue(env, lhs);
    if (!dst)
        return NULL;
    if (n->op == OP_OR_ASSIGN || n->op == OP_AND_ASSIGN || n->op == OP_DOR_ASSIGN) {
        int keep = n->op == OP_OR_ASSIGN    ? tsv_true(dst)
                   : n->op == OP_AND_ASSIGN ? !tsv_true(dst)
                                            : tsv_defined(dst);
        if (keep)
            return dst;
        tsv *v = tmpl_eval_scalar(env, n->kids[1]);
        if (!v) {
            tsv_dec(dst);
            return NULL;
        }
        tsv_set(dst, v);
        tsv_dec(v);
        return dst;
    }
    tsv *v = tmpl_eval_scalar(env, n->kids[1]);
    if (!v) {
        tsv_dec(dst);
        return NULL;
    }
    if (n->op == OP_CONCAT) {
        char buf[64];
        size_t l;
        const char *s = tmpl_strval(env, n, v, buf, &l);
        if (!s || (dst->t == T_REF && !tmpl_strval(env, n, dst, buf, &l)) ||
            tmpl_charge_bytes(env, n, l) < 0) {
            tsv_dec(v);
            tsv_dec(dst);
            return NULL;
        }
        tsv_append(dst, s, l);
        tsv_dec(v);
        return dst;
    }
    tsv *r = binop(env, n, n->op, dst, v);
    tsv_dec(v);
    if (!r) {
        tsv_dec(dst);
        return NULL;
    }
    tsv_set(dst, r);
    tsv_dec(r);
    return dst;
}

/* ---- statements ---- */

static tsv *exec_stmts(esm_tmpl_env *env, tnode *n);
static int exec_stmts_list(esm_tmpl_env *env, tnode *n, tlist *out);

static tsv *exec_if(esm_tmpl_env *env, tnode *n)
{
    int i = 0;
    for (; i + 1 < n->nkids; i += 2) {
        tsv *c = tmpl_eval_scalar(env, n->kids[i]);
        if (!c)
            return NULL;
        int t = tsv_true(c);
        if (i == 0 && n->op)
            t = !t;
        int last_cond = i + 2 >= n->nkids;
        if (t) {
            tsv_dec(c);
            if (n->flags & F_POSTFIX)
                return tmpl_eval_scalar(env, n->kids[i + 1]);
            return exec_stmts(env, n->kids[i + 1]);
        }
        if (last_cond)
            return c;
        tsv_dec(c);
    }
    /* else branch */
    return exec_stmts(env, n->kids[i]);
}

static tsv *exec_loop_body(esm_tmpl_env *env, tnode *body, int postfix, int *stop)
{
    *stop = 0;
    tsv *v = postfix ? tmpl_eval_scalar(env, body) : exec_stmts(env, body);
    if (v)
        return v;
    if (env->unwind == U_NEXT) {
        env->unwind = U_NONE;
        return tsv_new();
    }
    if (env->unwind == U_LAST) {
        env->unwind = U_NONE;
        *stop = 1;
        return tsv_new();
    }
    return NULL;
}

/* A `my` in the condition (while (my $l = <FH>)) belongs to the loop: one
 * variable per iteration, gone when the loop ends, so that reading a big
 * file does not keep every line. */
static tsv *exec_while(esm_tmpl_env *env, tnode *n)
{
    size_t mark = env->nlex;
    tsv *r = NULL;
    for (;;) {
        lex_pop_to(env, mark);
        if (tmpl_charge(env, n, 1) < 0)
            break;
        tsv *c = tmpl_eval_scalar(env, n->kids[0]);
        if (!c)
            break;
        int t = tsv_true(c);
        if (n->op)
            t = !t;
        if (!t) {
            r = c;
            break;
        }
        tsv_dec(c);
        int stop;
        tsv *v = exec_loop_body(env, n->kids[1], n->flags & F_POSTFIX, &stop);
        if (!v)
            break;
        tsv_dec(v);
        if (stop) {
            r = tsv_new();
            break;
        }
    }
    lex_pop_to(env, mark);
    return r;
}

static tsv *exec_cfor(esm_tmpl_env *env, tnode *n)
{
    size_t mark = env->nlex;
    tsv *r = NULL;
    if (n->kids[0]) {
        tsv *v = tmpl_eval_scalar(env, n->kids[0]);
        if (!v)
            goto out;
        tsv_dec(v);
    }
    for (;;) {
        if (tmpl_charge(env, n, 1) < 0)
            goto out;
        if (n->kids[1]) {
            tsv *c = tmpl_eval_scalar(env, n->kids[1]);
            if (!c)
                goto out;
            int t = tsv_true(c);
            tsv_dec(c);
            if (!t)
                break;
        }
        int stop;
        tsv *v = exec_loop_body(env, n->kids[3], 0, &stop);
        if (!v)
            goto out;
        tsv_dec(v);
        if (stop)
            break;
        if (n->kids[2]) {
            tsv *s = tmpl_eval_scalar(env, n->kids[2]);
            if (!s)
                goto out;
            tsv_dec(s);
        }
    }
    r = tsv_new();
out:
    lex_pop_to(env, mark);
    return r;
}

static tsv *exec_foreach(esm_tmpl_env *env, tnode *n)
{
    tlist items = {0};
    if (tmpl_eval_list(env, n->kids[1], &items) < 0) {
        tlist_free(&items);
        return NULL;
    }
    tnode *var = n->kids[0];
    size_t mark = env->nlex;
    tglob *g = NULL;
    size_t gi = 0; /* g by index: the body may grow the glob table */
    tsv *saved = NULL;
    int lexical = 0;
    if (var && (var->flags & F_MYVAR)) {
        lexical = 1;
    } else if (var && lex_find(env, '$', var->str)) {
        lexical = 2; /* an outer my variable: alias a new binding of it */
    } else {
        g = glob_for(env, n, var ? var->str : "_");
        if (!g) {
            tlist_free(&items);
            return NULL;
        }
        gi = (size_t)(g - env->globs);
        saved = g->sv;
        g->sv = NULL;
    }
    tsv *r = tsv_new();
    for (size_t i = 0; i < items.n; i++) {
        if (tmpl_charge(env, n, 1) < 0) {
            tsv_dec(r);
            r = NULL;
            break;
        }
        if (lexical) {
            lex_pop_to(env, mark);
            lex_push(env, '$', var->str, tsv_inc(items.v[i]));
        } else {
            g = &env->globs[gi];
            tsv_dec(g->sv);
            g->sv = tsv_inc(items.v[i]);
        }
        int stop;
        tsv *v = exec_loop_body(env, n->kids[2], n->flags & F_POSTFIX, &stop);
        if (!v) {
            tsv_dec(r);
            r = NULL;
            break;
        }
        tsv_dec(v);
        if (stop)
            break;
    }
    lex_pop_to(env, mark);
    if (g) {
        g = &env->globs[gi];
        tsv_dec(g->sv);
        g->sv = saved;
    }
    tlist_free(&items);
    return r;
}

/* Value of one statement (its scalar value). */
static tsv *exec_stmt(esm_tmpl_env *env, tnode *s)
{
    if (tmpl_charge(env, s, 1) < 0)
        return NULL;
    switch (s->kind) {
    case N_IF:
        return exec_if(env, s);
    case N_WHILE:
        return exec_while(env, s);
    case N_FOREACH:
        return exec_foreach(env, s);
    case N_CFOR:
        return exec_cfor(env, s);
    case N_BLOCK: {
        tsv *v = exec_stmts(env, s->kids[0]);
        if (!v && (env->unwind == U_NEXT || env->unwind == U_LAST)) {
            env->unwind = U_NONE;
            return tsv_new();
        }
        return v;
    }
    default:
        return tmpl_eval_scalar(env, s);
    }
}

static tsv *exec_stmts(esm_tmpl_env *env, tnode *n)
{
    if (++env->depth > TMPL_MAX_DEPTH * 2) {
        env->depth--;
        return tmpl_die(env, n, "nesting too deep");
    }
    size_t mark = env->nlex, saves = env->nsaves;
    tsv *val = tsv_new();
    for (int i = 0; i < n->nkids; i++) {
        size_t mortal_mark = env->mortals.n;
        tsv *v = exec_stmt(env, n->kids[i]);
        tmpl_free_mortals(env, mortal_mark);
        tsv_dec(val);
        val = v;
        if (!v)
            break;
    }
    /* the value may be a lexical about to go out of scope: keep it alive */
    lex_pop_to(env, mark);
    tmpl_restore_locals(env, saves);
    env->depth--;
    return val;
}

/* Runs statements with the last one in list context (map blocks, do). */
static int exec_stmts_list(esm_tmpl_env *env, tnode *n, tlist *out)
{
    size_t mark = env->nlex, saves = env->nsaves;
    int rc = 0;
    for (int i = 0; i < n->nkids; i++) {
        tnode *s = n->kids[i];
        if (i + 1 == n->nkids && s->kind != N_IF && s->kind != N_WHILE && s->kind != N_FOREACH &&
            s->kind != N_CFOR && s->kind != N_BLOCK) {
            tlist tmp = {0};
            rc = tmpl_eval_list(env, s, &tmp);
            /* values of lexicals about to die must be copied */
            for (size_t k = 0; k < tmp.n; k++)
                tlist_push(out, tsv_copy(tmp.v[k]));
            tlist_free(&tmp);
            break;
        }
        tsv *v = exec_stmt(env, s);
        if (!v) {
            rc = -1;
            break;
        }
        if (i + 1 == n->nkids)
            tlist_push(out, v);
        else
            tsv_dec(v);
    }
    lex_pop_to(env, mark);
    tmpl_restore_locals(env, saves);
    return rc;
}

/* ---- expressions: scalar context ---- */

static tsv *interp(esm_tmpl_env *env, tnode *n)
{
    tsv *r = tsv_new_str("", 0);
    for (int i = 0; i < n->nkids; i++) {
        tsv *v = tmpl_eval_scalar(env, n->kids[i]);
        if (!v) {
            tsv_dec(r);
            return NULL;
        }
        char buf[64];
        size_t l;
        const char *s = tmpl_strval(env, n->kids[i], v, buf, &l);
        if (!s || tmpl_charge_bytes(env, n, l) < 0) {
            tsv_dec(v);
            tsv_dec(r);
            return NULL;
        }
        tsv_append(r, s, l);
        tsv_dec(v);
    }
    return r;
}

static tsv *join_list(esm_tmpl_env *env, tnode *n, tnode *list)
{
    tlist l = {0};
    if (tmpl_eval_list(env, list, &l) < 0) {
        tlist_free(&l);
        return NULL;
    }
    tglob *g = tmpl_glob(env, "\"", 1);
    tsv *sep = g && g->sv ? g->sv : NULL;
    char sbuf[64];
    size_t sl = 1;
    const char *sp = sep ? tmpl_strval(env, n, sep, sbuf, &sl) : " ";
    tsv *r = tsv_new_str("", 0);
    for (size_t i = 0; sp && i < l.n; i++) {
        char buf[64];
        size_t len;
        const char *s = tmpl_strval(env, n, l.v[i], buf, &len);
        if (!s || tmpl_charge_bytes(env, n, len + sl) < 0) {
            tsv_dec(r);
            r = NULL;
            break;
        }
        if (i)
            tsv_append(r, sp, sl);
        tsv_append(r, s, len);
    }
    if (!sp) {
        tsv_dec(r);
        r = NULL;
    }
    tlist_free(&l);
    return r;
}

/* The value of hv's element named by the key node k (undef when absent). */
static tsv *hash_elem(esm_tmpl_env *env, thv *hv, tnode *k)
{
    hv->rc++;
    size_t kl;
    char kbuf[64];
    tsv *hold;
    const char *key = key_of(env, k, &kl, kbuf, &hold);
    tsv *sv = key ? thv_fetch(hv, key, kl, 0) : NULL;
    tsv_dec(hold);
    tsv *r = !key ? NULL : sv ? tsv_inc(sv) : tsv_new();
    thv_dec(hv);
    return r;
}

/* EXPR->{k} where EXPR is a variable or a method call, which may give a
 * record object. A record is a hash in the original
 * (esmith::DB::db::Record) and fragments read its key as $rec->{key} or
 * $db->get($k)->{key} (mailman's virtual hosts): that field is given, any
 * other stays refused. *handled is 0 when a variable holds no record: an
 * ordinary element then (reading a variable twice has no side effects);
 * a method's value is never evaluated twice, and is an error when undef
 * as in Perl (only a variable is autovivified). */
static tsv *record_field(esm_tmpl_env *env, tnode *n, int *handled)
{
    tnode *inner = n->kids[0]->kids[0];
    *handled = inner->kind == N_SVAR || inner->kind == N_METHOD;
    if (!*handled)
        return NULL;
    tsv *obj = tmpl_eval_scalar(env, inner);
    if (!obj)
        return NULL;
    tsv *r = NULL;
    if (obj->t == T_REF && obj->rk == RK_RECORD) {
        tnode *k = n->kids[1];
        if (k->kind == N_STR && k->slen == 3 && memcmp(k->str, "key", 3) == 0)
            r = tsv_new_cstr(((tobj *)obj->ref)->key);
        else
            tmpl_unsupported(env, n, "direct access to an object's internal hash");
    } else if (inner->kind == N_SVAR) {
        *handled = 0;
    } else if (obj->t == T_UNDEF) {
        /* a temporary is not autovivified: $db->get('missing')->{key} */
        tmpl_die(env, n, "Can't use an undefined value as a HASH reference");
    } else {
        thv *hv = deref_hash(env, n, obj, 0);
        r = hv ? hash_elem(env, hv, n->kids[1]) : env->unwind ? NULL : tsv_new();
    }
    tsv_dec(obj);
    return r;
}

static tsv *elem_rvalue(esm_tmpl_env *env, tnode *n)
{
    if (n->kind == N_ELEM) {
        tav *av;
        if (n->kids[0]->kind == N_LIST) {
            return tmpl_unsupported(env, n, "list slice in scalar context");
        }
        av = tmpl_array_of(env, n->kids[0], 0);
        if (!av)
            return env->unwind ? NULL : tsv_new();
        av->rc++;
        int64_t i;
        if (index_of(env, n->kids[1], &i) < 0) {
            tav_dec(av);
            return NULL;
        }
        tsv *sv = tav_fetch(av, i, 0);
        tsv *r = sv ? tsv_inc(sv) : tsv_new();
        tav_dec(av);
        return r;
    }
    tnode *base = n->kids[0];
    if (base->kind == N_RV2HV) {
        int handled;
        tsv *r = record_field(env, n, &handled);
        if (handled)
            return r;
    }
    thv *hv = tmpl_hash_of(env, base, 0);
    if (!hv)
        return env->unwind ? NULL : tsv_new();
    return hash_elem(env, hv, n->kids[1]);
}

/* One test of perlop's smartmatch table for two plain scalars: undef
 * matches undef, a number on the right (or on the left, with a numeric
 * string on the right) compares with ==, anything else with eq. 1 or 0;
 * -1 with the error raised where Perl's answer would depend on whether a
 * string was once used as a number (flags this engine does not keep):
 * two different strings one of which looks like a number. */
static int smart_scalar(esm_tmpl_env *env, tnode *n, const tsv *a, const tsv *b)
{
    if (a->t == T_REF || b->t == T_REF) {
        tmpl_unsupported(env, n, "~~ on a reference or object");
        return -1;
    }
    if (b->t == T_UNDEF || a->t == T_UNDEF)
        return a->t == b->t;
    int a_num = a->t == T_IV || a->t == T_NV, b_num = b->t == T_IV || b->t == T_NV;
    char ba[64], bb[64];
    size_t la, lb;
    const char *sa = tsv_str(a, ba, &la), *sb = tsv_str(b, bb, &lb);
    int b_nummy = b_num || tmpl_looks_like_number(sb, lb);
    if (b_num || (a_num && b_nummy)) {
        tsv *eq = binop(env, n, OP_NUM_EQ, a, b);
        if (!eq)
            return -1;
        int r = tsv_true(eq);
        tsv_dec(eq);
        return r;
    }
    int same = la == lb && memcmp(sa, sb, la) == 0;
    if (!a_num && (b_nummy || tmpl_looks_like_number(sa, la)) &&
        !(same && tsv_nv(a) == tsv_nv(a))) {
        tmpl_unsupported(env, n, "~~ between strings that look like numbers");
        return -1;
    }
    return same;
}

/* EXPR ~~ @array / EXPR ~~ [...] (any element matches) and EXPR ~~ EXPR
 * for plain scalars, as the original's fragments use it (a service key
 * in a list of exceptions); hashes, regexes, code and arrays on the left
 * are refused. Perl's yes or no. */
static tsv *smartmatch(esm_tmpl_env *env, tnode *n)
{
    tnode *l = n->kids[0], *r = n->kids[1];
    if (l->kind == N_AVAR || l->kind == N_HVAR || l->kind == N_RV2AV || l->kind == N_RV2HV ||
        r->kind == N_HVAR || r->kind == N_RV2HV || r->kind == N_MATCH)
        return tmpl_unsupported(env, n, "~~ with a hash, a regex or an array on the left");
    tsv *a = tmpl_eval_scalar(env, l);
    if (!a)
        return NULL;
    tav *av = NULL;
    tsv *b = NULL;
    if (r->kind == N_AVAR || r->kind == N_RV2AV) {
        av = tmpl_array_of(env, r, 0);
        if (!av && env->unwind) {
            tsv_dec(a);
            return NULL;
        }
    } else {
        b = tmpl_eval_scalar(env, r);
        if (!b) {
            tsv_dec(a);
            return NULL;
        }
        if (b->t == T_REF && b->rk == RK_ARRAY)
            av = b->ref;
    }
    int found = 0;
    if (av || !b) {
        if (av)
            av->rc++;
        tsv *undef = tsv_new();
        for (size_t i = 0; av && i < av->n && found == 0; i++)
            found = smart_scalar(env, n, a, av->v[i] ? av->v[i] : undef);
        tsv_dec(undef);
        if (av)
            tav_dec(av);
    } else {
        found = smart_scalar(env, n, a, b);
    }
    tsv_dec(a);
    if (b)
        tsv_dec(b);
    if (found < 0)
        return NULL;
    return found ? tsv_new_iv(1) : tsv_new_str("", 0);
}

static tsv *last_of_list(esm_tmpl_env *env, tnode *n)
{
    tlist l = {0};
    if (tmpl_eval_list(env, n, &l) < 0) {
        tlist_free(&l);
        return NULL;
    }
    tsv *r = l.n ? tsv_inc(l.v[l.n - 1]) : tsv_new();
    tlist_free(&l);
    return r;
}

static tsv *eval_scalar_inner(esm_tmpl_env *env, tnode *n)
{
    switch (n->kind) {
    case N_NUM:
        return (n->flags & F_INT) ? tsv_new_iv(n->iv) : tsv_new_nv(n->nv);
    case N_STR:
        return tsv_new_str(n->str, n->slen);
    case N_INTERP:
        return interp(env, n);
    case N_JOINLIST:
        return join_list(env, n, n->kids[0]);
    case N_SVAR: {
        if (is_special_name(n->str))
            return capture_var(env, n->str);
        tsv *sv = scalar_container(env, n, n->str);
        return sv ? tsv_inc(sv) : NULL;
    }
    case N_LOCAL:
        return localize_all(env, n) < 0 ? NULL : tsv_new();
    case N_OUR:
        /* in scalar context a list gives its last item */
        declare_our(env, n);
        return tmpl_eval_scalar(env, n->kids[n->nkids - 1]);
    case N_AVAR:
    case N_RV2AV: {
        tav *av = tmpl_array_of(env, n, 0);
        if (!av)
            return env->unwind ? NULL : tsv_new_iv(0);
        return tsv_new_iv((int64_t)av->n);
    }
    case N_HVAR:
    case N_RV2HV: {
        thv *hv = tmpl_hash_of(env, n, 0);
        if (!hv)
            return env->unwind ? NULL : tsv_new_iv(0);
        return tsv_new_iv((int64_t)hv->live);
    }
    case N_ALAST: {
        tav *av = tmpl_array_of(env, n->kids[0], 0);
        if (!av)
            return env->unwind ? NULL : tsv_new_iv(-1);
        return tsv_new_iv((int64_t)av->n - 1);
    }
    case N_ELEM:
    case N_HELEM:
        return elem_rvalue(env, n);
    case N_RV2SV:
        return tmpl_lvalue(env, n);
    case N_SLICE:
    case N_HSLICE:
        return last_of_list(env, n);
    case N_LIST:
        /* the comma operator: every item, the value of the last in scalar context */
        if (n->nkids == 0)
            return tsv_new();
        for (int i = 0; i + 1 < n->nkids; i++) {
            tsv *v = tmpl_eval_scalar(env, n->kids[i]);
            if (!v)
                return NULL;
            tsv_dec(v);
        }
        return tmpl_eval_scalar(env, n->kids[n->nkids - 1]);
    case N_MY:
        if (n->nkids == 1 && n->kids[0]->kind == N_SVAR)
            return tmpl_lvalue(env, n);
        for (int i = 0; i < n->nkids; i++)
            if (n->kids[i]->kind != N_FUNC)
                declare(env, n->kids[i]);
        return tsv_new();
    case N_ANONA: {
        tav *av = tav_new();
        tlist l = {0};
        if (n->nkids && tmpl_eval_list(env, n->kids[0], &l) < 0) {
            tlist_free(&l);
            tav_dec(av);
            return NULL;
        }
        for (size_t i = 0; i < l.n; i++)
            tav_push(av, tsv_copy(l.v[i]));
        tlist_free(&l);
        return tsv_new_ref(RK_ARRAY, av);
    }
    case N_ANONH: {
        thv *hv = thv_new();
        tlist l = {0};
        if (n->nkids && tmpl_eval_list(env, n->kids[0], &l) < 0) {
            tlist_free(&l);
            thv_dec(hv);
            return NULL;
        }
        copy_values(&l);
        int rc = assign_hash(env, n, hv, &l, 0);
        tlist_free(&l);
        if (rc < 0) {
            thv_dec(hv);
            return NULL;
        }
        return tsv_new_ref(RK_HASH, hv);
    }
    case N_ASSIGN:
        return assign(env, n);
    case N_BINOP: {
        tsv *a = tmpl_eval_scalar(env, n->kids[0]);
        if (!a)
            return NULL;
        tsv *b = tmpl_eval_scalar(env, n->kids[1]);
        if (!b) {
            tsv_dec(a);
            return NULL;
        }
        tsv *r = binop(env, n, n->op, a, b);
        tsv_dec(a);
        tsv_dec(b);
        return r;
    }
    case N_AND:
    case N_OR:
    case N_DOR: {
        tsv *a = tmpl_eval_scalar(env, n->kids[0]);
        if (!a)
            return NULL;
        int decided = n->kind == N_AND  ? !tsv_true(a)
                      : n->kind == N_OR ? tsv_true(a)
                                        : tsv_defined(a);
        if (decided)
            return a;
        tsv_dec(a);
        return tmpl_eval_scalar(env, n->kids[1]);
    }
    case N_NOT: {
        tsv *a = tmpl_eval_scalar(env, n->kids[0]);
        if (!a)
            return NULL;
        int t = tsv_true(a);
        tsv_dec(a);
        return t ? sv_no() : sv_yes();
    }
    case N_NEG: {
        tsv *a = tmpl_eval_scalar(env, n->kids[0]);
        if (!a)
            return NULL;
        tsv *r = negate(env, n, a);
        tsv_dec(a);
        return r;
    }
    case N_COND: {
        tsv *c = tmpl_eval_scalar(env, n->kids[0]);
        if (!c)
            return NULL;
        int t = tsv_true(c);
        tsv_dec(c);
        return tmpl_eval_scalar(env, n->kids[t ? 1 : 2]);
    }
    case N_RANGE:
        return tmpl_unsupported(env, n, ".. in scalar context (flip-flop)");
    case N_PREINC:
    case N_PREDEC:
    case N_POSTINC:
    case N_POSTDEC:
        return incdec(env, n);
    case N_MATCH:
        return tmpl_regex_match(env, n, 0, NULL);
    case N_SUBST:
        return tmpl_regex_subst(env, n);
    case N_TRANS:
        return tmpl_transliterate(env, n);
    case N_SMARTMATCH:
        return smartmatch(env, n);
    case N_FUNC:
        return tmpl_builtin(env, n, 0, NULL);
    case N_METHOD:
        return tmpl_method(env, n, 0, NULL);
    case N_CLASS:
        return tsv_new_str(n->str, n->slen);
    case N_NEXT:
        env->unwind = U_NEXT;
        return NULL;
    case N_LAST:
        env->unwind = U_LAST;
        return NULL;
    case N_RETURN: {
        tsv *v = n->nkids ? tmpl_eval_scalar(env, n->kids[0]) : tsv_new();
        if (!v)
            return NULL;
        tsv_dec(env->retval);
        env->retval = v;
        env->unwind = U_RETURN;
        return NULL;
    }
    case N_DO:
        return exec_stmts(env, n->kids[0]);
    case N_REF: {
        tnode *k = n->kids[0];
        if (k->kind == N_AVAR || k->kind == N_RV2AV) {
            tav *av = tmpl_array_of(env, k, 1);
            if (!av)
                return NULL;
            av->rc++;
            return tsv_new_ref(RK_ARRAY, av);
        }
        if (k->kind == N_HVAR || k->kind == N_RV2HV) {
            thv *hv = tmpl_hash_of(env, k, 1);
            if (!hv)
                return NULL;
            hv->rc++;
            return tsv_new_ref(RK_HASH, hv);
        }
        if (k->kind == N_SVAR || k->kind == N_ELEM || k->kind == N_HELEM) {
            tsv *sv = tmpl_lvalue(env, k);
            if (!sv)
                return NULL;
            return tsv_new_ref(RK_SCALAR, sv);
        }
        if (k->kind == N_LIST || k->kind == N_MY)
            return tmpl_unsupported(env, n, "reference to a list");
        tsv *v = tmpl_eval_scalar(env, k);
        if (!v)
            return NULL;
        tsv *c = tsv_copy(v);
        tsv_dec(v);
        return tsv_new_ref(RK_SCALAR, c);
    }
    case N_IF:
    case N_WHILE:
    case N_FOREACH:
    case N_CFOR:
    case N_BLOCK:
        return exec_stmt(env, n);
    case N_STMTS:
        return exec_stmts(env, n);
    default:
        return tmpl_die(env, n, "internal error: cannot evaluate node %d", n->kind);
    }
}

tsv *tmpl_eval_scalar(esm_tmpl_env *env, tnode *n)
{
    if (++env->depth > TMPL_MAX_DEPTH * 4) {
        env->depth--;
        return tmpl_die(env, n, "expression nested too deeply");
    }
    tsv *r = eval_scalar_inner(env, n);
    env->depth--;
    return r;
}

/* ---- expressions: list context ---- */

static int slice_list(esm_tmpl_env *env, tnode *n, tlist *out)
{
    tlist idx = {0};
    if (tmpl_eval_list(env, n->kids[1], &idx) < 0) {
        tlist_free(&idx);
        return -1;
    }
    int rc = 0;
    if (n->kind == N_SLICE && n->kids[0]->kind == N_LIST) {
        tlist src = {0};
        rc = tmpl_eval_list(env, n->kids[0], &src);
        for (size_t i = 0; rc == 0 && i < idx.n; i++) {
            int64_t k = tsv_iv(idx.v[i]);
            if (k < 0)
                k += (int64_t)src.n;
            tlist_push(out, k >= 0 && (uint64_t)k < src.n ? tsv_inc(src.v[k]) : tsv_new());
        }
        tlist_free(&src);
    } else if (n->kind == N_SLICE) {
        tav *av = tmpl_array_of(env, n->kids[0], 0);
        if (!av && env->unwind)
            rc = -1;
        for (size_t i = 0; rc == 0 && i < idx.n; i++) {
            tsv *sv = av ? tav_fetch(av, tsv_iv(idx.v[i]), 0) : NULL;
            tlist_push(out, sv ? tsv_inc(sv) : tsv_new());
        }
    } else {
        thv *hv = tmpl_hash_of(env, n->kids[0], 0);
        if (!hv && env->unwind)
            rc = -1;
        for (size_t i = 0; rc == 0 && i < idx.n; i++) {
            char buf[64];
            size_t kl;
            const char *k = tmpl_strval(env, n, idx.v[i], buf, &kl);
            if (!k) {
                rc = -1;
                break;
            }
            tsv *sv = hv ? thv_fetch(hv, k, kl, 0) : NULL;
            tlist_push(out, sv ? tsv_inc(sv) : tsv_new());
        }
    }
    tlist_free(&idx);
    return rc;
}

int tmpl_eval_list(esm_tmpl_env *env, tnode *n, tlist *out)
{
    switch (n->kind) {
    case N_LIST:
        return list_of_kids(env, n, out);
    case N_AVAR:
    case N_RV2AV: {
        tav *av = tmpl_array_of(env, n, 0);
        if (!av)
            return env->unwind ? -1 : 0;
        push_array(av, out);
        return 0;
    }
    case N_HVAR:
    case N_RV2HV: {
        thv *hv = tmpl_hash_of(env, n, 0);
        if (!hv)
            return env->unwind ? -1 : 0;
        push_hash(hv, out);
        return 0;
    }
    case N_OUR:
        declare_our(env, n);
        for (int i = 0; i < n->nkids; i++)
            if (tmpl_eval_list(env, n->kids[i], out) < 0)
                return -1;
        return 0;
    case N_MY: {
        if (n->nkids == 1 && n->kids[0]->kind == N_SVAR && !(n->flags & F_PAREN))
            break;
        for (int i = 0; i < n->nkids; i++) {
            if (n->kids[i]->kind == N_FUNC) {
                tlist_push(out, tsv_new());
                continue;
            }
            declare(env, n->kids[i]);
            tlex *l = &env->lex[env->nlex - 1];
            if (l->sigil == '$')
                tlist_push(out, tsv_inc(l->var));
        }
        return 0;
    }
    case N_SLICE:
    case N_HSLICE:
        return slice_list(env, n, out);
    case N_RANGE:
        return range_list(env, n, out);
    case N_ASSIGN:
        if (n->op == 0 && tmpl_is_list_lhs(n->kids[0])) {
            /* ($a, $b) = ... in list context gives the assigned variables */
            tlist tmp = {0};
            int64_t c = list_assign(env, n, NULL);
            tlist_free(&tmp);
            if (c < 0)
                return -1;
            tnode *lhs = n->kids[0];
            if (lhs->kind == N_MY) {
                /* the variables were just declared: push them */
                size_t first = env->nlex - (size_t)lhs->nkids;
                for (size_t i = first; i < env->nlex; i++) {
                    tlex *l = &env->lex[i];
                    if (l->sigil == '$')
                        tlist_push(out, tsv_inc(l->var));
                    else if (l->sigil == '@')
                        push_array(l->var, out);
                    else
                        push_hash(l->var, out);
                }
                return 0;
            }
            return tmpl_eval_list(env, lhs, out);
        }
        break;
    case N_AND:
    case N_OR:
    case N_DOR: {
        tsv *a = tmpl_eval_scalar(env, n->kids[0]);
        if (!a)
            return -1;
        int decided = n->kind == N_AND  ? !tsv_true(a)
                      : n->kind == N_OR ? tsv_true(a)
                                        : tsv_defined(a);
        if (decided) {
            tlist_push(out, a);
            return 0;
        }
        tsv_dec(a);
        return tmpl_eval_list(env, n->kids[1], out);
    }
    case N_COND: {
        tsv *c = tmpl_eval_scalar(env, n->kids[0]);
        if (!c)
            return -1;
        int t = tsv_true(c);
        tsv_dec(c);
        return tmpl_eval_list(env, n->kids[t ? 1 : 2], out);
    }
    case N_MATCH: {
        tsv *r = tmpl_regex_match(env, n, 1, out);
        if (!r)
            return -1;
        tsv_dec(r);
        return 0;
    }
    case N_FUNC: {
        tsv *r = tmpl_builtin(env, n, 1, out);
        if (!r)
            return -1;
        tsv_dec(r);
        return 0;
    }
    case N_METHOD: {
        tsv *r = tmpl_method(env, n, 1, out);
        if (!r)
            return -1;
        tsv_dec(r);
        return 0;
    }
    case N_DO:
        return exec_stmts_list(env, n->kids[0], out);
    case N_STMTS:
        return exec_stmts_list(env, n, out);
    case N_RETURN: {
        tsv *v = tmpl_eval_scalar(env, n);
        if (v)
            tsv_dec(v);
        return -1;
    }
    case N_BINOP:
        if (n->op == OP_REPEAT && n->kids[0]->kind == N_LIST && (n->kids[0]->flags & F_PAREN)) {
            tlist items = {0};
            if (tmpl_eval_list(env, n->kids[0], &items) < 0) {
                tlist_free(&items);
                return -1;
            }
            tsv *t = tmpl_eval_scalar(env, n->kids[1]);
            if (!t) {
                tlist_free(&items);
                return -1;
            }
            int64_t times = tsv_iv(t);
            tsv_dec(t);
            int rc = 0;
            for (int64_t k = 0; k < times && rc == 0; k++) {
                if (tmpl_charge(env, n, (long)items.n + 1) < 0) {
                    rc = -1;
                    break;
                }
                for (size_t i = 0; i < items.n; i++)
                    tlist_push(out, tsv_copy(items.v[i]));
            }
            tlist_free(&items);
            return rc;
        }
        break;
    default:
        break;
    }
    tsv *v = tmpl_eval_scalar(env, n);
    if (!v)
        return -1;
    tlist_push(out, v);
    return 0;
}

/* ---- blocks ---- */

tsv *tmpl_run_block(esm_tmpl_env *env, tnode *root)
{
    env->unwind = U_NONE;
    size_t mark = env->nlex;
    /* Text::Template's `my $OUT` is visible to the block as a lexical */
    lex_push(env, '$', "OUT", tsv_new());
    tsv *out_var = tsv_inc(env->lex[env->nlex - 1].var);
    tsv *v = exec_stmts(env, root);
    if (!v && env->unwind == U_RETURN) {
        v = env->retval;
        env->retval = NULL;
        env->unwind = U_NONE;
    }
    if (v && tsv_defined(out_var)) {
        tsv_dec(v);
        v = tsv_copy(out_var);
    } else if (v) {
        tsv *c = tsv_copy(v);
        tsv_dec(v);
        v = c;
    }
    tsv_dec(out_var);
    lex_pop_to(env, mark);
    return v;
}
