#include "udiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT 3
/* Myers' algorithm keeps O(D^2) history; past this many differing lines
 * the middle part is shown as removed-then-added, still a correct diff. */
#define MAX_EDIT_DISTANCE 2000

struct line {
    const char *s;
    size_t len; /* includes the '\n' when there is one */
    uint64_t hash;
};

enum op_kind { OP_EQUAL, OP_DELETE, OP_INSERT };

struct op {
    enum op_kind kind;
    size_t old_i; /* 0-based line index in the old text (for EQUAL/DELETE) */
    size_t new_i; /* 0-based line index in the new text (for EQUAL/INSERT) */
};

struct script {
    struct op *ops;
    size_t len, cap;
};

static void push_op(struct script *sc, enum op_kind kind, size_t old_i, size_t new_i)
{
    if (sc->len == sc->cap) {
        sc->cap = sc->cap ? sc->cap * 2 : 64;
        sc->ops = esm_xrealloc(sc->ops, sc->cap * sizeof *sc->ops);
    }
    sc->ops[sc->len++] = (struct op){kind, old_i, new_i};
}

/* FNV-1a: lines are compared by hash first, bytes only on a match. */
static size_t split_lines(const char *text, size_t len, struct line **out)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            count++;
    if (len > 0 && text[len - 1] != '\n')
        count++;
    struct line *lines = esm_xcalloc(count ? count : 1, sizeof *lines);
    size_t n = 0;
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        uint64_t h = 1469598103934665603ULL;
        for (size_t i = start; i < end; i++)
            h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
        lines[n++] = (struct line){text + start, end - start, h};
        start = end;
    }
    *out = lines;
    return n;
}

static int same_line(const struct line *a, const struct line *b)
{
    return a->hash == b->hash && a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* Myers' greedy O(ND) shortest edit script between a[0..n) and b[0..m),
 * appended to sc with indices shifted by base. Returns -1 (and appends
 * nothing) when the distance exceeds MAX_EDIT_DISTANCE. */
static int myers(const struct line *a, size_t n, const struct line *b, size_t m, size_t base,
                 struct script *sc)
{
    long max = (long)(n + m);
    long *v = esm_xcalloc((size_t)(2 * max + 3), sizeof *v);
    long off = max + 1;
    /* history[d] holds v[k] for k in [-d-1, d+1] as it was before step d */
    long **history = esm_xcalloc((size_t)(MAX_EDIT_DISTANCE + 1), sizeof *history);
    long found = -1;
    for (long d = 0; d <= max && d <= MAX_EDIT_DISTANCE; d++) {
        history[d] = esm_xmalloc((size_t)(2 * d + 3) * sizeof(long));
        memcpy(history[d], v + off - d - 1, (size_t)(2 * d + 3) * sizeof(long));
        for (long k = -d; k <= d; k += 2) {
            long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1]
                                                                              : v[off + k - 1] + 1;
            long y = x - k;
            while (x < (long)n && y < (long)m && same_line(&a[x], &b[y])) {
                x++;
                y++;
            }
            v[off + k] = x;
            if (x >= (long)n && y >= (long)m) {
                found = d;
                break;
            }
        }
        if (found >= 0)
            break;
    }
    int rc = -1;
    if (found >= 0) {
        /* Walk back from (n, m), collecting ops in reverse. */
        struct script rev = {NULL, 0, 0};
        long x = (long)n, y = (long)m;
        for (long d = found; d >= 0; d--) {
            const long *hv = history[d] + d + 1; /* hv[k] for k in [-d-1, d+1] */
            long k = x - y;
            long prev_k = (k == -d || (k != d && hv[k - 1] < hv[k + 1])) ? k + 1 : k - 1;
            long prev_x = hv[prev_k];
            long prev_y = prev_x - prev_k;
            while (x > prev_x && y > prev_y) {
                x--;
                y--;
                push_op(&rev, OP_EQUAL, (size_t)x, (size_t)y);
            }
            if (d > 0) {
                if (x == prev_x)
                    push_op(&rev, OP_INSERT, (size_t)x, (size_t)(y - 1));
                else
                    push_op(&rev, OP_DELETE, (size_t)(x - 1), (size_t)y);
            }
            x = prev_x;
            y = prev_y;
        }
        for (size_t i = rev.len; i > 0; i--) {
            struct op o = rev.ops[i - 1];
            push_op(sc, o.kind, o.old_i + base, o.new_i + base);
        }
        free(rev.ops);
        rc = 0;
    }
    for (long d = 0; d <= MAX_EDIT_DISTANCE && history[d]; d++)
        free(history[d]);
    free(history);
    free(v);
    return rc;
}

/* The edit script for whole texts: common prefix and suffix are matched
 * directly (the usual case for config files is a few changed lines). */
static void edit_script(const struct line *a, size_t n, const struct line *b, size_t m,
                        struct script *sc)
{
    size_t pre = 0;
    while (pre < n && pre < m && same_line(&a[pre], &b[pre]))
        pre++;
    size_t suf = 0;
    while (suf < n - pre && suf < m - pre && same_line(&a[n - 1 - suf], &b[m - 1 - suf]))
        suf++;
    for (size_t i = 0; i < pre; i++)
        push_op(sc, OP_EQUAL, i, i);
    size_t mid_n = n - pre - suf, mid_m = m - pre - suf;
    if (myers(a + pre, mid_n, b + pre, mid_m, 0, sc) < 0) {
        for (size_t i = 0; i < mid_n; i++)
            push_op(sc, OP_DELETE, i, 0);
        for (size_t j = 0; j < mid_m; j++)
            push_op(sc, OP_INSERT, mid_n, j);
    }
    /* myers() used base 0 for the middle: shift those ops by pre. */
    for (size_t i = pre; i < sc->len; i++) {
        sc->ops[i].old_i += pre;
        sc->ops[i].new_i += pre;
    }
    for (size_t i = 0; i < suf; i++)
        push_op(sc, OP_EQUAL, n - suf + i, m - suf + i);
}

static void put_line(esm_buf *out, char mark, const struct line *l)
{
    esm_buf_putc(out, mark);
    esm_buf_append(out, l->s, l->len);
    if (l->len == 0 || l->s[l->len - 1] != '\n')
        esm_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* "start,count" as diff -u writes it: an empty range names the line
 * before it, a single line omits the count. */
static void put_range(esm_buf *out, size_t first0, size_t count)
{
    if (count == 0)
        esm_buf_printf(out, "%zu,0", first0);
    else if (count == 1)
        esm_buf_printf(out, "%zu", first0 + 1);
    else
        esm_buf_printf(out, "%zu,%zu", first0 + 1, count);
}

int esm_udiff(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
              const char *old_label, const char *new_label, esm_buf *out)
{
    if (old_len == new_len && (old_len == 0 || memcmp(old_text, new_text, old_len) == 0))
        return 0;
    struct line *a, *b;
    size_t n = split_lines(old_text, old_len, &a);
    size_t m = split_lines(new_text, new_len, &b);
    struct script sc = {NULL, 0, 0};
    edit_script(a, n, b, m, &sc);

    esm_buf_printf(out, "--- %s\n+++ %s\n", old_label, new_label);
    size_t i = 0;
    while (i < sc.len) {
        while (i < sc.len && sc.ops[i].kind == OP_EQUAL)
            i++;
        if (i == sc.len)
            break;
        /* A hunk: from CONTEXT equal lines before the first change to
         * CONTEXT after the last change not followed within 2*CONTEXT
         * equal lines by another change. */
        size_t start = i >= CONTEXT ? i - CONTEXT : 0;
        size_t end = i;
        for (;;) {
            while (end < sc.len && sc.ops[end].kind != OP_EQUAL)
                end++;
            size_t run = end;
            while (run < sc.len && sc.ops[run].kind == OP_EQUAL)
                run++;
            if (run < sc.len && run - end <= 2 * CONTEXT) {
                end = run;
                continue;
            }
            end = end + CONTEXT < run ? end + CONTEXT : run;
            break;
        }
        size_t old_count = 0, new_count = 0;
        size_t old_first = n, new_first = m;
        for (size_t j = start; j < end; j++) {
            const struct op *o = &sc.ops[j];
            if (o->kind != OP_INSERT) {
                old_count++;
                if (old_first == n)
                    old_first = o->old_i;
            }
            if (o->kind != OP_DELETE) {
                new_count++;
                if (new_first == m)
                    new_first = o->new_i;
            }
        }
        /* An empty side is placed after the lines that precede the hunk. */
        if (old_count == 0)
            old_first = sc.ops[start].old_i;
        if (new_count == 0)
            new_first = sc.ops[start].new_i;
        esm_buf_puts(out, "@@ -");
        put_range(out, old_first, old_count);
        esm_buf_puts(out, " +");
        put_range(out, new_first, new_count);
        esm_buf_puts(out, " @@\n");
        /* Within a run of changes diff -u shows the removed lines first. */
        for (size_t j = start; j < end;) {
            if (sc.ops[j].kind == OP_EQUAL) {
                put_line(out, ' ', &a[sc.ops[j].old_i]);
                j++;
                continue;
            }
            size_t run_end = j;
            while (run_end < end && sc.ops[run_end].kind != OP_EQUAL)
                run_end++;
            for (size_t r = j; r < run_end; r++)
                if (sc.ops[r].kind == OP_DELETE)
                    put_line(out, '-', &a[sc.ops[r].old_i]);
            for (size_t r = j; r < run_end; r++)
                if (sc.ops[r].kind == OP_INSERT)
                    put_line(out, '+', &b[sc.ops[r].new_i]);
            j = run_end;
        }
        i = end;
    }
    free(sc.ops);
    free(a);
    free(b);
    return 1;
}
