/*
 * tmpl_val.c - Perl values for the template engine: scalars with Perl's
 * string/number duality, arrays and insertion-ordered hashes.
 *
 * Numbers print the way Perl prints them (integers exactly, doubles with
 * %.15g, Inf/NaN spelled Perl's way) and strings convert to numbers by
 * Perl's rules (leading blanks, the longest numeric prefix, else 0),
 * because a template's output depends on both.
 */
#include "tmpl_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scalar is allocated with room for a short string right behind it:
 * most strings a template handles (record values, keys, words) fit, and
 * one allocation instead of two per string value is a tenth of the
 * instructions of an expansion. */
#define TSV_INLINE 32

static char *inline_buf(tsv *sv)
{
    return (char *)(sv + 1);
}

static void free_str(tsv *sv)
{
    if (sv->s != inline_buf(sv))
        free(sv->s);
}

/* Dropped scalars are kept on a free list for the next tsv_new: an
 * expansion makes and drops thousands of temporaries, and taking one off a
 * list costs a tenth of a malloc/free pair. Per thread, a bounded number,
 * released with each environment (tmpl_val_release). Not under ASan,
 * which must see every scalar die. */
#if defined(__SANITIZE_ADDRESS__)
#define TSV_POOL_MAX 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TSV_POOL_MAX 0
#endif
#endif
#ifndef TSV_POOL_MAX
#define TSV_POOL_MAX 1024
#endif
static _Thread_local tsv *tsv_pool; /* linked through ref */
static _Thread_local size_t tsv_pool_len;

void tmpl_val_release(void)
{
    while (tsv_pool) {
        tsv *next = tsv_pool->ref;
        free(tsv_pool);
        tsv_pool = next;
    }
    tsv_pool_len = 0;
}

tsv *tsv_new(void)
{
    tsv *sv = tsv_pool;
    if (sv) {
        tsv_pool = sv->ref;
        tsv_pool_len--;
    } else {
        /* malloc, not calloc: glibc's calloc bypasses its per-thread cache */
        sv = esm_xmalloc(sizeof(*sv) + TSV_INLINE);
    }
    *sv = (tsv){.rc = 1, .t = T_UNDEF, .s = inline_buf(sv), .cap = TSV_INLINE, .pos = -1};
    return sv;
}

tsv *tsv_new_str(const char *s, size_t len)
{
    tsv *sv = tsv_new();
    tsv_set_str(sv, s, len);
    return sv;
}

tsv *tsv_new_cstr(const char *s)
{
    return tsv_new_str(s, strlen(s));
}

tsv *tsv_new_iv(int64_t iv)
{
    tsv *sv = tsv_new();
    sv->t = T_IV;
    sv->iv = iv;
    return sv;
}

tsv *tsv_new_nv(double nv)
{
    tsv *sv = tsv_new();
    sv->t = T_NV;
    sv->nv = nv;
    return sv;
}

tsv *tsv_new_ref(int rk, void *ref)
{
    tsv *sv = tsv_new();
    sv->t = T_REF;
    sv->rk = (unsigned char)rk;
    sv->ref = ref;
    return sv;
}

static void *ref_inc(int rk, void *ref)
{
    switch (rk) {
    case RK_SCALAR:
        ((tsv *)ref)->rc++;
        break;
    case RK_ARRAY:
        ((tav *)ref)->rc++;
        break;
    case RK_HASH:
        ((thv *)ref)->rc++;
        break;
    default:
        ((tobj *)ref)->rc++;
        break;
    }
    return ref;
}

void tref_dec(int rk, void *ref)
{
    switch (rk) {
    case RK_SCALAR:
        tsv_dec(ref);
        break;
    case RK_ARRAY:
        tav_dec(ref);
        break;
    case RK_HASH:
        thv_dec(ref);
        break;
    default:
        tobj_dec(ref);
        break;
    }
}

tsv *tsv_copy(const tsv *src)
{
    tsv *sv = tsv_new();
    if (src)
        tsv_set(sv, src);
    return sv;
}

tsv *tsv_inc(tsv *sv)
{
    sv->rc++;
    return sv;
}

/* Drops what the scalar holds, keeping its string buffer for reuse. */
static void tsv_drop(tsv *sv)
{
    if (sv->t == T_REF) {
        void *r = sv->ref;
        int rk = sv->rk;
        sv->ref = NULL;
        sv->t = T_UNDEF;
        tref_dec(rk, r);
    }
    sv->t = T_UNDEF;
    sv->pos = -1;
}

void tsv_dec(tsv *sv)
{
    if (!sv || --sv->rc > 0)
        return;
    tsv_drop(sv);
    free_str(sv);
    if (tsv_pool_len < TSV_POOL_MAX) {
        sv->ref = tsv_pool;
        tsv_pool = sv;
        tsv_pool_len++;
    } else {
        free(sv);
    }
}

void tsv_set_undef(tsv *sv)
{
    tsv_drop(sv);
}

void tsv_set_str(tsv *sv, const char *s, size_t len)
{
    if (sv->s && s >= sv->s && s < sv->s + sv->cap) {
        /* assigning a piece of itself */
        char *tmp = esm_xstrndup(s, len);
        tsv_set_str(sv, tmp, len);
        free(tmp);
        return;
    }
    tsv_drop(sv);
    if (sv->cap < len + 1) {
        free_str(sv);
        sv->cap = len + 1;
        sv->s = esm_xmalloc(sv->cap);
    }
    if (len)
        memcpy(sv->s, s, len);
    sv->s[len] = '\0';
    sv->len = len;
    sv->t = T_STR;
}

void tsv_set_iv(tsv *sv, int64_t iv)
{
    tsv_drop(sv);
    sv->t = T_IV;
    sv->iv = iv;
}

void tsv_set_nv(tsv *sv, double nv)
{
    tsv_drop(sv);
    sv->t = T_NV;
    sv->nv = nv;
}

void tsv_set(tsv *dst, const tsv *src)
{
    if (dst == src)
        return;
    switch (src->t) {
    case T_UNDEF:
        tsv_set_undef(dst);
        break;
    case T_IV:
        tsv_set_iv(dst, src->iv);
        break;
    case T_NV:
        tsv_set_nv(dst, src->nv);
        break;
    case T_STR:
        tsv_set_str(dst, src->s, src->len);
        break;
    case T_REF: {
        void *r = ref_inc(src->rk, src->ref);
        int rk = src->rk;
        tsv_drop(dst);
        dst->t = T_REF;
        dst->rk = (unsigned char)rk;
        dst->ref = r;
        break;
    }
    }
}

void tsv_append(tsv *sv, const char *s, size_t len)
{
    if (sv->t != T_STR) {
        char buf[64];
        size_t l = 0;
        const char *cur = sv->t == T_UNDEF ? "" : tsv_str(sv, buf, &l);
        if (!cur)
            cur = "";
        tsv_set_str(sv, cur, sv->t == T_UNDEF ? 0 : l);
    }
    if (s >= sv->s && s < sv->s + sv->cap) {
        char *tmp = esm_xstrndup(s, len);
        tsv_append(sv, tmp, len);
        free(tmp);
        return;
    }
    if (sv->len + len + 1 > sv->cap) {
        size_t cap = sv->cap * 2;
        if (cap < sv->len + len + 1)
            cap = sv->len + len + 1;
        if (sv->s == inline_buf(sv)) {
            char *s2 = esm_xmalloc(cap);
            memcpy(s2, sv->s, sv->len);
            sv->s = s2;
        } else {
            sv->s = esm_xrealloc(sv->s, cap);
        }
        sv->cap = cap;
    }
    memcpy(sv->s + sv->len, s, len);
    sv->len += len;
    sv->s[sv->len] = '\0';
}

int tsv_defined(const tsv *sv)
{
    return sv && sv->t != T_UNDEF;
}

int tsv_true(const tsv *sv)
{
    if (!sv)
        return 0;
    switch (sv->t) {
    case T_UNDEF:
        return 0;
    case T_IV:
        return sv->iv != 0;
    case T_NV:
        return sv->nv != 0.0;
    case T_STR:
        return !(sv->len == 0 || (sv->len == 1 && sv->s[0] == '0'));
    default:
        return 1;
    }
}

void tmpl_fmt_nv(double nv, char *buf, size_t size)
{
    if (isnan(nv)) {
        snprintf(buf, size, "NaN");
    } else if (isinf(nv)) {
        snprintf(buf, size, nv < 0 ? "-Inf" : "Inf");
    } else if (nv == 0.0) {
        snprintf(buf, size, "0");
    } else {
        snprintf(buf, size, "%.15g", nv);
    }
}

const char *tsv_str(const tsv *sv, char *buf, size_t *len_out)
{
    switch (sv ? sv->t : T_UNDEF) {
    case T_UNDEF:
        *len_out = 0;
        return "";
    case T_IV:
        *len_out = (size_t)snprintf(buf, 40, "%lld", (long long)sv->iv);
        return buf;
    case T_NV:
        tmpl_fmt_nv(sv->nv, buf, 40);
        *len_out = strlen(buf);
        return buf;
    case T_STR:
        *len_out = sv->len;
        return sv->s;
    default:
        *len_out = 0;
        return NULL;
    }
}

static int is_perl_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of the numeric prefix of s (after blanks): sign, digits, '.',
 * digits, exponent. *has_frac tells whether a '.' or an exponent was used. */
static size_t numeric_prefix(const char *s, size_t len, int *has_frac, size_t *start)
{
    size_t i = 0;
    while (i < len && is_perl_space(s[i]))
        i++;
    *start = i;
    *has_frac = 0;
    size_t j = i;
    if (j < len && (s[j] == '+' || s[j] == '-'))
        j++;
    size_t digits = 0;
    while (j < len && isdigit((unsigned char)s[j])) {
        j++;
        digits++;
    }
    if (j < len && s[j] == '.') {
        size_t k = j + 1, frac = 0;
        while (k < len && isdigit((unsigned char)s[k])) {
            k++;
            frac++;
        }
        if (digits + frac > 0) {
            j = k;
            digits += frac;
            *has_frac = 1;
        }
    }
    if (digits == 0)
        return 0;
    if (j < len && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < len && (s[k] == '+' || s[k] == '-'))
            k++;
        if (k < len && isdigit((unsigned char)s[k])) {
            while (k < len && isdigit((unsigned char)s[k]))
                k++;
            j = k;
            *has_frac = 1;
        }
    }
    return j - i;
}

/* Perl accepts "Inf", "Infinity" and "NaN" in any case, with a sign. */
static int special_number(const char *p, size_t n, double *nv, size_t *used)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        neg = p[i++] == '-';
    if (n - i >= 8 && strncasecmp(p + i, "infinity", 8) == 0) {
        *nv = neg ? -INFINITY : INFINITY;
        *used = i + 8;
        return 1;
    }
    if (n - i >= 3 && strncasecmp(p + i, "inf", 3) == 0) {
        *nv = neg ? -INFINITY : INFINITY;
        *used = i + 3;
        return 1;
    }
    if (n - i >= 3 && strncasecmp(p + i, "nan", 3) == 0) {
        *nv = NAN;
        *used = i + 3;
        return 1;
    }
    return 0;
}

void tmpl_str_num(const char *s, size_t len, int *is_int, int64_t *iv, double *nv)
{
    int has_frac;
    size_t start;
    size_t n = numeric_prefix(s, len, &has_frac, &start);
    *is_int = 0;
    *iv = 0;
    *nv = 0.0;
    if (n == 0) {
        size_t used;
        if (special_number(s + start, len - start, nv, &used))
            return;
        *is_int = 1;
        return;
    }
    char tmp[512];
    if (n >= sizeof(tmp)) {
        char *big = esm_xstrndup(s + start, n);
        *nv = strtod(big, NULL);
        free(big);
        return;
    }
    memcpy(tmp, s + start, n);
    tmp[n] = '\0';
    if (!has_frac) {
        errno = 0;
        long long v = strtoll(tmp, NULL, 10);
        if (errno == 0) {
            *is_int = 1;
            *iv = v;
            *nv = (double)v;
            return;
        }
    }
    *nv = strtod(tmp, NULL);
}

int tmpl_looks_like_number(const char *s, size_t len)
{
    int has_frac;
    size_t start;
    size_t n = numeric_prefix(s, len, &has_frac, &start);
    size_t end;
    if (n == 0) {
        double nv;
        size_t used;
        if (!special_number(s + start, len - start, &nv, &used))
            return 0;
        end = start + used;
    } else {
        end = start + n;
    }
    while (end < len && is_perl_space(s[end]))
        end++;
    return end == len;
}

void tsv_num(const tsv *sv, int *is_int, int64_t *iv, double *nv)
{
    switch (sv ? sv->t : T_UNDEF) {
    case T_IV:
        *is_int = 1;
        *iv = sv->iv;
        *nv = (double)sv->iv;
        return;
    case T_NV:
        *is_int = 0;
        *iv = 0;
        *nv = sv->nv;
        return;
    case T_STR:
        tmpl_str_num(sv->s, sv->len, is_int, iv, nv);
        return;
    case T_REF:
        /* an address in Perl; callers refuse references before this */
        *is_int = 1;
        *iv = 1;
        *nv = 1.0;
        return;
    default:
        *is_int = 1;
        *iv = 0;
        *nv = 0.0;
        return;
    }
}

double tsv_nv(const tsv *sv)
{
    int is_int;
    int64_t iv;
    double nv;
    tsv_num(sv, &is_int, &iv, &nv);
    return is_int ? (double)iv : nv;
}

int64_t tsv_iv(const tsv *sv)
{
    int is_int;
    int64_t iv;
    double nv;
    tsv_num(sv, &is_int, &iv, &nv);
    if (is_int)
        return iv;
    if (isnan(nv))
        return 0;
    if (nv >= 9223372036854775807.0)
        return INT64_MAX;
    if (nv <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)nv;
}

/* ---- arrays ---- */

tav *tav_new(void)
{
    tav *av = esm_xcalloc(1, sizeof(*av));
    av->rc = 1;
    return av;
}

void tav_clear(tav *av)
{
    size_t n = av->n;
    tsv **v = av->v;
    av->v = NULL;
    av->n = av->cap = 0;
    for (size_t i = 0; i < n; i++)
        tsv_dec(v[i]);
    free(v);
}

void tav_dec(tav *av)
{
    if (!av || --av->rc > 0)
        return;
    tav_clear(av);
    free(av);
}

static void tav_grow(tav *av, size_t n)
{
    if (n <= av->cap)
        return;
    size_t cap = av->cap ? av->cap * 2 : 8;
    while (cap < n)
        cap *= 2;
    av->v = esm_xrealloc(av->v, cap * sizeof(*av->v));
    av->cap = cap;
}

void tav_push(tav *av, tsv *sv)
{
    tav_grow(av, av->n + 1);
    av->v[av->n++] = sv;
}

tsv *tav_fetch(tav *av, int64_t i, int create)
{
    if (i < 0)
        i += (int64_t)av->n;
    if (i < 0)
        return NULL;
    if ((uint64_t)i >= av->n) {
        if (!create)
            return NULL;
        tav_grow(av, (size_t)i + 1);
        while (av->n <= (size_t)i)
            av->v[av->n++] = NULL;
    }
    if (!av->v[i] && create)
        av->v[i] = tsv_new();
    return av->v[i];
}

/* ---- hashes ---- */

thv *thv_new(void)
{
    thv *hv = esm_xcalloc(1, sizeof(*hv));
    hv->rc = 1;
    return hv;
}

void thv_clear(thv *hv)
{
    thv_ent *ents = hv->ents;
    size_t n = hv->n;
    free(hv->idx);
    hv->ents = NULL;
    hv->idx = NULL;
    hv->n = hv->cap = hv->live = hv->idx_cap = 0;
    for (size_t i = 0; i < n; i++) {
        free(ents[i].key);
        tsv_dec(ents[i].val);
    }
    free(ents);
}

void thv_dec(thv *hv)
{
    if (!hv || --hv->rc > 0)
        return;
    thv_clear(hv);
    free(hv);
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Up to this many entries a hash has no index: a record's hash has a
 * handful of props, and scanning them costs less than hashing the key
 * (and allocating the index). */
#define THV_LINEAR 8

static void thv_reindex(thv *hv)
{
    /* compact away deleted entries, then rebuild the index */
    size_t w = 0;
    for (size_t i = 0; i < hv->n; i++) {
        if (hv->ents[i].val)
            hv->ents[w++] = hv->ents[i];
        else
            free(hv->ents[i].key);
    }
    hv->n = w;
    free(hv->idx);
    hv->idx = NULL;
    hv->idx_cap = 0;
    if (hv->n <= THV_LINEAR)
        return;
    size_t cap = 16;
    while (cap < hv->n * 2 + 2)
        cap *= 2;
    hv->idx = esm_xmalloc(cap * sizeof(size_t));
    hv->idx_cap = cap;
    for (size_t i = 0; i < cap; i++)
        hv->idx[i] = SIZE_MAX;
    for (size_t i = 0; i < hv->n; i++) {
        size_t h = hash_bytes(hv->ents[i].key, hv->ents[i].klen) & (cap - 1);
        while (hv->idx[h] != SIZE_MAX)
            h = (h + 1) & (cap - 1);
        hv->idx[h] = i;
    }
}

/* Index slot of key, or the empty slot where it would go. */
static size_t thv_slot(const thv *hv, const char *key, size_t klen)
{
    size_t mask = hv->idx_cap - 1;
    size_t h = hash_bytes(key, klen) & mask;
    for (;;) {
        size_t e = hv->idx[h];
        if (e == SIZE_MAX)
            return h;
        if (hv->ents[e].klen == klen && memcmp(hv->ents[e].key, key, klen) == 0)
            return h;
        h = (h + 1) & mask;
    }
}

/* The entry of key (live or deleted), or SIZE_MAX. */
static size_t thv_find(const thv *hv, const char *key, size_t klen)
{
    if (hv->idx_cap)
        return hv->idx[thv_slot(hv, key, klen)];
    for (size_t e = 0; e < hv->n; e++)
        if (hv->ents[e].klen == klen && memcmp(hv->ents[e].key, key, klen) == 0)
            return e;
    return SIZE_MAX;
}

tsv *thv_fetch(thv *hv, const char *key, size_t klen, int create)
{
    size_t e = thv_find(hv, key, klen);
    if (e != SIZE_MAX && hv->ents[e].val)
        return hv->ents[e].val;
    if (!create)
        return NULL;
    tsv *sv = tsv_new();
    thv_store(hv, key, klen, sv);
    return sv;
}

void thv_store(thv *hv, const char *key, size_t klen, tsv *sv)
{
    size_t e = thv_find(hv, key, klen);
    if (e != SIZE_MAX) {
        tsv *old = hv->ents[e].val;
        if (old) {
            hv->ents[e].val = sv;
            tsv_dec(old);
            return;
        }
        /* deleted: drop the tombstone so order is the new insertion */
        thv_reindex(hv);
    }
    if (hv->n == hv->cap) {
        hv->cap = hv->cap ? hv->cap * 2 : 8;
        hv->ents = esm_xrealloc(hv->ents, hv->cap * sizeof(*hv->ents));
    }
    hv->ents[hv->n].key = esm_xstrndup(key, klen);
    hv->ents[hv->n].klen = klen;
    hv->ents[hv->n].val = sv;
    hv->n++;
    hv->live++;
    if (hv->idx_cap ? hv->n * 2 > hv->idx_cap : hv->n > THV_LINEAR)
        thv_reindex(hv);
    else if (hv->idx_cap)
        hv->idx[thv_slot(hv, key, klen)] = hv->n - 1;
}

tsv *thv_delete(thv *hv, const char *key, size_t klen)
{
    size_t e = thv_find(hv, key, klen);
    if (e == SIZE_MAX || !hv->ents[e].val)
        return NULL;
    tsv *old = hv->ents[e].val;
    hv->ents[e].val = NULL;
    hv->live--;
    if (hv->live * 4 < hv->n && hv->n > 32)
        thv_reindex(hv);
    return old;
}

void tobj_dec(tobj *o)
{
    if (!o || --o->rc > 0)
        return;
    free(o->key);
    if (o->rec)
        esm_record_free(o->rec);
    if (o->io)
        tmpl_io_free(o->io);
    free(o);
}

void tlist_push(tlist *l, tsv *sv)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = esm_xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = sv;
}

void tlist_free(tlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        tsv_dec(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
