/*
 * tmpl_parse.c - parses the Perl subset of a template block into a tree.
 *
 * Perl cannot be tokenised without parsing ('/' divides after a term and
 * starts a regex before one; '{' opens a block, a hash or a subscript), so
 * this is one recursive-descent parser that scans characters directly and
 * always knows whether it expects a term or an operator. Precedence levels
 * follow perlop. Everything outside the subset is refused here, with the
 * construct's name and position, so that evaluation never meets it.
 */
#include "tmpl_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

typedef struct parser {
    const char *s;
    size_t len, pos;
    const char *file;
    int line0, col0;
    esm_err *err;
    int failed;
    int depth;
    size_t *nl; /* offsets of newlines, for positions */
    size_t nnl;
    size_t nl_hint; /* newlines before the last position asked for */
    /* heredoc bodies: reaching the newline skip_from[i] continues at
     * skip_to[i] (kept for good, as the parser may back up over them) */
    size_t *skip_from, *skip_to;
    size_t nskip;
    int interp;            /* parsing a variable inside a string: no method calls */
    size_t stmt_start;     /* where the statement being parsed begins */
    size_t ws_from, ws_to; /* the last run of blanks skipped */
    struct tarena **arena; /* where the tree's nodes and strings live */
    int strict;            /* `use strict` seen: barewords are errors in Perl */
} parser;

/* The tree of one block is allocated in chunks and freed at once: a block
 * has hundreds of small nodes, and malloc/free of each was a third of the
 * time of an expansion. */
typedef struct tarena {
    struct tarena *next;
    size_t used, cap;
    max_align_t data[];
} tarena;

#define ARENA_CHUNK 8192

/* The chunk of the last tree freed, for the next parse: blocks are parsed
 * one after another, and a fresh chunk (too big for malloc's fast paths)
 * for every block cost more than anything else in allocating the tree.
 * Not under ASan, which must see every tree's memory die with it. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_KEEP_SPARE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_KEEP_SPARE 0
#endif
#endif
#ifndef ARENA_KEEP_SPARE
#define ARENA_KEEP_SPARE 1
#endif
static _Atomic(tarena *) spare_chunk;

void tmpl_parse_release(void)
{
    free(atomic_exchange(&spare_chunk, NULL));
}

/* Starts a chunk of at least n bytes. */
static __attribute__((noinline)) tarena *arena_grow(parser *p, size_t n)
{
    size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
    tarena *b = cap == ARENA_CHUNK ? atomic_exchange(&spare_chunk, NULL) : NULL;
    if (b == NULL)
        b = esm_xmalloc(sizeof(*b) + cap);
    b->next = *p->arena;
    b->used = 0;
    b->cap = cap;
    *p->arena = b;
    return b;
}

/* Inline: a block's tree is a few hundred of these. */
static inline void *arena_alloc(parser *p, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    tarena *a = *p->arena;
    if (!a || a->used + n > a->cap)
        a = arena_grow(p, n);
    void *r = (char *)a->data + a->used;
    a->used += n;
    return r;
}

static char *pstrndup(parser *p, const char *s, size_t n)
{
    char *r = arena_alloc(p, n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

static void arena_free(tarena *a)
{
    while (a) {
        tarena *next = a->next, *none = NULL;
        if (!ARENA_KEEP_SPARE || a->cap != ARENA_CHUNK ||
            !atomic_compare_exchange_strong(&spare_chunk, &none, a))
            free(a);
        a = next;
    }
}

static void ws_scan(parser *p);

static tnode *parse_expr(parser *p);
static tnode *parse_assign(parser *p);
static tnode *parse_comma(parser *p);
static tnode *parse_unary(parser *p);
static tnode *parse_term(parser *p);
static tnode *parse_postfix(parser *p, tnode *t);
static tnode *parse_shift(parser *p);
static tnode *parse_block(parser *p);
static tnode *parse_stmts(parser *p, int until_brace);
static tnode *parse_interp(parser *p, const char *s, size_t len, int regex, size_t at);

/* ---- positions and errors ---- */

/* Nodes are mostly created in source order: the count of newlines before
 * pos is found by walking on from the last answer, by bisection when pos
 * lies before it. */
static void position(parser *p, size_t pos, int *line, int *col)
{
    size_t lo = p->nl_hint <= p->nnl ? p->nl_hint : 0;
    if (lo > 0 && p->nl[lo - 1] >= pos) {
        size_t hi = lo;
        lo = 0;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (p->nl[mid] < pos)
                lo = mid + 1;
            else
                hi = mid;
        }
    } else {
        while (lo < p->nnl && p->nl[lo] < pos)
            lo++;
    }
    p->nl_hint = lo;
    *line = p->line0 + (int)lo;
    if (lo == 0)
        *col = p->col0 + (int)pos;
    else
        *col = (int)(pos - p->nl[lo - 1]);
}

static void *fail_at(parser *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void *fail_at(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return NULL;
    p->failed = 1;
    int line, col;
    position(p, pos, &line, &col);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    esm_err_set(p->err, ESM_E_INVALID, "%s:%d:%d: %s", p->file, line, col, msg);
    return NULL;
}

static void *unsupported(parser *p, size_t pos, const char *what)
{
    return fail_at(p, pos, "unsupported Perl: %s", what);
}

static tnode *node_at(parser *p, int kind, size_t pos)
{
    tnode *n = arena_alloc(p, sizeof(*n));
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    position(p, pos, &n->line, &n->col);
    return n;
}

static void add_kid_p(parser *p, tnode *n, tnode *k)
{
    /* room for 4 at first (most nodes have 1 to 3 kids), then doubling at
     * powers of two: the count alone tells the capacity */
    if (n->nkids == 0 || (n->nkids >= 4 && (n->nkids & (n->nkids - 1)) == 0)) {
        tnode **kids = arena_alloc(p, (size_t)(n->nkids ? n->nkids * 2 : 4) * sizeof(*kids));
        if (n->nkids)
            memcpy(kids, n->kids, (size_t)n->nkids * sizeof(*kids));
        n->kids = kids;
    }
    n->kids[n->nkids++] = k;
}
#define add_kid(n, k) add_kid_p(p, (n), (k))

static tnode *node1(parser *p, int kind, size_t pos, tnode *a)
{
    tnode *n = node_at(p, kind, pos);
    add_kid(n, a);
    return n;
}

static tnode *node2(parser *p, int kind, size_t pos, tnode *a, tnode *b)
{
    tnode *n = node1(p, kind, pos, a);
    add_kid(n, b);
    return n;
}

/* Frees what evaluation attached to the tree (compiled regexes) and, for
 * a root, the arena holding the tree. Freeing a subtree during parsing
 * only detaches it: its memory goes with the arena. */
void tnode_free(tnode *n)
{
    if (!n)
        return;
    if (!tmpl_regex_live()) {
        /* nothing attached: only a root's memory to free */
        if (n->arena)
            arena_free(n->arena);
        return;
    }
    for (int i = 0; i < n->nkids; i++)
        tnode_free(n->kids[i]);
    if (n->re)
        tmpl_regex_free(n->re);
    n->re = NULL;
    n->nkids = 0;
    if (n->arena)
        arena_free(n->arena);
}

static tnode *str_node(parser *p, size_t pos, const char *s, size_t len)
{
    tnode *n = node_at(p, N_STR, pos);
    n->str = pstrndup(p, s, len);
    n->slen = len;
    return n;
}

/* ---- characters ---- */

static int at_end(const parser *p)
{
    return p->pos >= p->len;
}

static char peekc(const parser *p, size_t off)
{
    return p->pos + off < p->len ? p->s[p->pos + off] : '\0';
}

/* ASCII, as isalpha/isalnum in the C locale the tools run in */
static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Skips blanks, comments and heredoc bodies. */
static void ws_slow(parser *p) __attribute__((noinline));

/* The bytes that start blanks or a comment. */
static const unsigned char blank_start[256] = {
    [' '] = 1, ['\n'] = 1, ['\t'] = 1, ['#'] = 1, ['\r'] = 1, ['\f'] = 1,
};

static inline void ws(parser *p)
{
    /* called before every token test: most calls find a token at once */
    if (p->pos < p->len && !blank_start[(unsigned char)p->s[p->pos]])
        return;
    ws_slow(p);
}

/* After a backtrack the same blanks are skipped again from memory. */
static void ws_slow(parser *p)
{
    if (p->pos == p->ws_from) {
        p->pos = p->ws_to;
        return;
    }
    size_t from = p->pos;
    ws_scan(p);
    p->ws_from = from;
    p->ws_to = p->pos;
}

static void ws_scan(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\n') {
            size_t k = 0;
            while (k < p->nskip && p->skip_from[k] != p->pos)
                k++;
            if (k < p->nskip) {
                p->pos = p->skip_to[k];
                continue;
            }
            p->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
            p->pos++;
        } else if (c == '#') {
            while (p->pos < p->len && p->s[p->pos] != '\n')
                p->pos++;
        } else {
            break;
        }
    }
}

/* Whether the source continues with the operator op of n bytes (after
 * blanks), without consuming it. The parser asks this constantly: the
 * macros below pass the length of a literal as a constant. */
static inline int looking_at_n(parser *p, const char *op, size_t n)
{
    ws(p);
    const char *at = p->s + p->pos;
    return p->len - p->pos >= n && at[0] == op[0] && memcmp(at + 1, op + 1, n - 1) == 0;
}
#define looking_at(p, op) looking_at_n((p), (op), strlen(op))

/* Inline, so that the usual answer (the next byte differs) costs no call. */
static inline int accept_n(parser *p, const char *op, size_t n)
{
    if (!looking_at_n(p, op, n))
        return 0;
    p->pos += n;
    return 1;
}
#define accept(p, op) accept_n((p), (op), strlen(op))

/* Accepts a word operator (and, eq, x...) only when not part of a longer
 * identifier. */
static inline int accept_word_n(parser *p, const char *w, size_t n)
{
    ws(p);
    if (p->pos >= p->len || p->s[p->pos] != w[0])
        return 0;
    if (p->pos + n <= p->len && memcmp(p->s + p->pos, w, n) == 0 &&
        !(p->pos + n < p->len && is_ident_char(p->s[p->pos + n]))) {
        p->pos += n;
        return 1;
    }
    return 0;
}
#define accept_word(p, w) accept_word_n((p), (w), strlen(w))

static int looking_at_word(parser *p, const char *w)
{
    size_t save = p->pos;
    int r = accept_word(p, w);
    p->pos = save;
    return r;
}

static int expect(parser *p, const char *op)
{
    if (accept(p, op))
        return 1;
    if (at_end(p))
        fail_at(p, p->pos, "syntax error: missing '%s' at end of block", op);
    else
        fail_at(p, p->pos, "syntax error: expected '%s' near '%.10s'", op, p->s + p->pos);
    return 0;
}

/* Reads an identifier (with :: package separators) at pos, or returns 0. */
static size_t ident_len(const parser *p, size_t pos)
{
    size_t i = pos;
    if (i >= p->len || !is_ident_start(p->s[i]))
        return 0;
    for (;;) {
        while (i < p->len && is_ident_char(p->s[i]))
            i++;
        if (i + 2 < p->len && p->s[i] == ':' && p->s[i + 1] == ':' && is_ident_start(p->s[i + 2]))
            i += 2;
        else
            break;
    }
    return i - pos;
}

/* ---- quoted constructs ---- */

static char closing_delim(char open)
{
    switch (open) {
    case '(':
        return ')';
    case '[':
        return ']';
    case '{':
        return '}';
    case '<':
        return '>';
    default:
        return open;
    }
}

/* Reads text up to the closing delimiter (nesting for bracket pairs,
 * backslash protects the next character). p->pos is just after the opening
 * delimiter; on return it is just after the closing one. The raw text
 * (backslashes kept) is returned through start and len. */
static int read_delimited(parser *p, char open, size_t *start, size_t *len)
{
    char close = closing_delim(open);
    int nest = 0;
    size_t begin = p->pos;
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\\' && p->pos + 1 < p->len) {
            p->pos += 2;
            continue;
        }
        if (c == close && nest == 0) {
            *start = begin;
            *len = p->pos - begin;
            p->pos++;
            return 1;
        }
        if (open != close) {
            if (c == open)
                nest++;
            else if (c == close)
                nest--;
        }
        p->pos++;
    }
    fail_at(p, begin > 0 ? begin - 1 : 0, "syntax error: can't find string terminator '%c'", close);
    return 0;
}

/* Single-quoted text: only \\ and \<delimiter> are escapes. */
static tnode *single_quoted(parser *p, size_t at, const char *s, size_t len, char open)
{
    char close = closing_delim(open);
    esm_buf b = ESM_BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len &&
            (s[i + 1] == '\\' || s[i + 1] == open || s[i + 1] == close)) {
            esm_buf_putc(&b, s[i + 1]);
            i++;
        } else {
            esm_buf_putc(&b, s[i]);
        }
    }
    tnode *n = str_node(p, at, esm_buf_str(&b), b.len);
    esm_buf_free(&b);
    return n;
}

/* Removes backslashes protecting the delimiter of a qq/m/s construct whose
 * delimiter is not a character with meaning of its own. */
static char *undelimit(const char *s, size_t len, char open, size_t *out_len)
{
    char close = closing_delim(open);
    char *r = esm_xmalloc(len + 1);
    size_t w = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len && (s[i + 1] == open || s[i + 1] == close) &&
            !isalnum((unsigned char)open) && open != '\\') {
            /* keep the backslash when the delimiter is a regex or string
             * metacharacter whose escaped form still means the literal */
            r[w++] = s[++i];
            continue;
        }
        r[w++] = s[i];
        if (s[i] == '\\' && i + 1 < len)
            r[w++] = s[++i];
    }
    r[w] = '\0';
    *out_len = w;
    return r;
}

static tnode *qw_list(parser *p, size_t at, const char *s, size_t len)
{
    tnode *n = node_at(p, N_LIST, at);
    n->flags |= F_PAREN;
    size_t i = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)s[i]))
            i++;
        size_t b = i;
        while (i < len && !isspace((unsigned char)s[i]))
            i++;
        if (i > b)
            add_kid(n, single_quoted(p, at, s + b, i - b, '\0'));
    }
    return n;
}

static tnode *heredoc(parser *p, size_t at)
{
    /* p->pos is after "<<" */
    int indent = 0, interpolate = 1;
    if (peekc(p, 0) == '~') {
        indent = 1;
        p->pos++;
    }
    size_t ts, tl;
    char q = peekc(p, 0);
    if (q == '"' || q == '\'') {
        p->pos++;
        if (!read_delimited(p, q, &ts, &tl))
            return NULL;
        interpolate = q == '"';
    } else if (is_ident_start(q)) {
        ts = p->pos;
        tl = ident_len(p, p->pos);
        p->pos += tl;
    } else {
        return unsupported(p, at, "<< without a terminator word");
    }
    /* the body starts on the line after this one (or after a previous
     * heredoc's body on the same line) */
    const char *nl = memchr(p->s + p->pos, '\n', p->len - p->pos);
    if (!nl)
        return fail_at(p, at, "syntax error: can't find heredoc terminator \"%.*s\"", (int)tl,
                       p->s + ts);
    size_t nl_at = (size_t)(nl - p->s), body = nl_at + 1;
    size_t skip = 0;
    while (skip < p->nskip && p->skip_from[skip] != nl_at)
        skip++;
    if (skip < p->nskip) {
        /* a second heredoc on the same line: its body follows the first's */
        body = p->skip_to[skip];
    } else {
        p->skip_from = esm_xrealloc(p->skip_from, (p->nskip + 1) * sizeof(size_t));
        p->skip_to = esm_xrealloc(p->skip_to, (p->nskip + 1) * sizeof(size_t));
        p->skip_from[p->nskip] = nl_at;
        p->nskip++;
    }
    size_t line = body;
    esm_buf text = ESM_BUF_INIT;
    size_t found = 0;
    size_t min_indent = SIZE_MAX;
    while (line < p->len) {
        const char *e = memchr(p->s + line, '\n', p->len - line);
        size_t end = e ? (size_t)(e - p->s) : p->len;
        size_t lb = line;
        if (indent)
            while (lb < end && (p->s[lb] == ' ' || p->s[lb] == '\t'))
                lb++;
        if (end - lb == tl && memcmp(p->s + lb, p->s + ts, tl) == 0 && e) {
            found = end + 1;
            if (indent)
                min_indent = lb - line;
            break;
        }
        esm_buf_append(&text, p->s + line, end - line);
        esm_buf_putc(&text, '\n');
        if (!e)
            break;
        line = end + 1;
    }
    if (!found) {
        esm_buf_free(&text);
        return fail_at(p, at, "syntax error: can't find heredoc terminator \"%.*s\"", (int)tl,
                       p->s + ts);
    }
    if (indent && min_indent > 0) {
        /* <<~ removes the terminator's indentation from every line */
        esm_buf out = ESM_BUF_INIT;
        const char *t = esm_buf_str(&text);
        size_t i = 0;
        while (i < text.len) {
            const char *e = memchr(t + i, '\n', text.len - i);
            size_t end = e ? (size_t)(e - t) + 1 : text.len;
            size_t cut = 0;
            while (cut < min_indent && i + cut < end && (t[i + cut] == ' ' || t[i + cut] == '\t'))
                cut++;
            esm_buf_append(&out, t + i + cut, end - i - cut);
            i = end;
        }
        esm_buf_free(&text);
        text = out;
    }
    p->skip_to[skip] = found;
    tnode *n;
    if (interpolate)
        n = parse_interp(p, esm_buf_str(&text), text.len, 0, body);
    else
        n = str_node(p, at, esm_buf_str(&text), text.len);
    esm_buf_free(&text);
    return n;
}

/* ---- interpolation ---- */

typedef struct interp_state {
    tnode *parts; /* N_INTERP */
    esm_buf lit;
    size_t at;
} interp_state;

static void flush_lit(parser *p, interp_state *st)
{
    if (st->lit.len) {
        add_kid(st->parts, str_node(p, st->at, esm_buf_str(&st->lit), st->lit.len));
        esm_buf_reset(&st->lit);
    }
}

/* End of the bracketed text starting at s[i] (an opening bracket), or 0. */
static size_t match_bracket(const char *s, size_t len, size_t i)
{
    char open = s[i], close = closing_delim(open);
    int nest = 0;
    for (; i < len; i++) {
        if (s[i] == '\\') {
            i++;
            continue;
        }
        if (s[i] == open)
            nest++;
        else if (s[i] == close && --nest == 0)
            return i + 1;
    }
    return 0;
}

/* Whether "[...]" after a variable in a string is a subscript: Perl guesses;
 * we take the common forms (a number, a variable, a simple expression
 * starting with one of those). */
static int looks_like_index(const char *s, size_t b, size_t e)
{
    size_t i = b + 1;
    if (i < e && s[i] == '-')
        i++;
    return i < e && (isdigit((unsigned char)s[i]) || s[i] == '$');
}

/* Length of the variable expression at s[i] ('$' or '@'), 0 when the
 * sigil is literal. */
static size_t interp_var_len(const char *s, size_t len, size_t i, int regex)
{
    size_t j = i + 1;
    if (j >= len)
        return 0;
    char c = s[j];
    if (s[i] == '$' && regex && (c == ')' || c == '|'))
        return 0;
    if (c == '{') {
        size_t e = match_bracket(s, len, j);
        if (!e)
            return 0;
        j = e;
    } else if (c == '$' && s[i] == '$' && j + 1 < len &&
               (is_ident_start(s[j + 1]) || s[j + 1] == '{')) {
        /* $$ref */
        j++;
        if (s[j] == '{') {
            size_t e = match_bracket(s, len, j);
            if (!e)
                return 0;
            j = e;
        } else {
            while (j < len && is_ident_char(s[j]))
                j++;
        }
    } else if (c == '$' && s[i] == '@' && j + 1 < len && is_ident_start(s[j + 1])) {
        j++;
        while (j < len && is_ident_char(s[j]))
            j++;
    } else if (is_ident_start(c)) {
        for (;;) {
            while (j < len && is_ident_char(s[j]))
                j++;
            if (j + 2 < len && s[j] == ':' && s[j + 1] == ':' && is_ident_start(s[j + 2]))
                j += 2;
            else
                break;
        }
        if (j + 1 < len && s[j] == ':' && s[j + 1] == ':')
            return j + 2 - i; /* $t:: is a package variable: the parser refuses it */
    } else if (s[i] == '$' && isdigit((unsigned char)c)) {
        while (j < len && isdigit((unsigned char)s[j]))
            j++;
        return j - i; /* no subscripts on $1 */
    } else if (s[i] == '$' && (c == '&' || c == '!' || c == '.')) {
        return 2;
    } else if (s[i] == '$' && c == '#' && j + 1 < len &&
               (is_ident_start(s[j + 1]) || s[j + 1] == '{' || s[j + 1] == '$')) {
        j++;
        if (s[j] == '{') {
            size_t e = match_bracket(s, len, j);
            return e ? e - i : 0;
        }
        if (s[j] == '$')
            j++;
        while (j < len && is_ident_char(s[j]))
            j++;
        return j - i;
    } else {
        return 0;
    }
    /* subscripts */
    int first = 1;
    for (;;) {
        if (j < len && s[j] == '[') {
            size_t e = match_bracket(s, len, j);
            if (!e || !looks_like_index(s, j, e) || (regex && !first && 0))
                break;
            j = e;
        } else if (j < len && s[j] == '{' &&
                   !(regex && j + 1 < len && isdigit((unsigned char)s[j + 1]))) {
            size_t e = match_bracket(s, len, j);
            if (!e)
                break;
            j = e;
        } else if (j + 2 < len && s[j] == '-' && s[j + 1] == '>' &&
                   (s[j + 2] == '[' || s[j + 2] == '{')) {
            size_t e = match_bracket(s, len, j + 2);
            if (!e)
                break;
            j = e;
        } else {
            break;
        }
        first = 0;
        if (s[i] == '@')
            break; /* @a[..] / @h{..} slices take one subscript */
    }
    return j - i;
}

/* Parses a variable expression found in a string with a sub-parser. */
static tnode *interp_var(parser *p, const char *s, size_t len, size_t at)
{
    parser sub = *p;
    sub.s = s;
    sub.len = len;
    sub.pos = 0;
    sub.interp = 1;
    sub.nl = NULL;
    sub.nnl = 0;
    sub.nl_hint = 0;
    sub.skip_from = sub.skip_to = NULL;
    sub.nskip = 0;
    sub.ws_from = sub.ws_to = (size_t)-1;
    int line, col;
    position(p, at, &line, &col);
    sub.line0 = line;
    sub.col0 = col;
    tnode *t = parse_term(&sub);
    if (t && !sub.failed)
        t = parse_postfix(&sub, t);
    if (!sub.failed && sub.pos != sub.len) {
        tnode_free(t);
        t = fail_at(&sub, sub.pos, "syntax error in interpolated variable");
    }
    if (sub.failed) {
        p->failed = 1;
        tnode_free(t);
        return NULL;
    }
    return t;
}

static int hexval(char c)
{
    if (isdigit((unsigned char)c))
        return c - '0';
    return (tolower((unsigned char)c) - 'a') + 10;
}

/* Appends the UTF-8 or byte form of code point cp as Perl would for a
 * byte string: code points above 255 make a UTF-8 string, which we
 * refuse rather than guess at. */
static int put_codepoint(parser *p, esm_buf *b, unsigned long cp, size_t at)
{
    if (cp > 255) {
        unsupported(p, at, "character escape above \\x{ff}");
        return 0;
    }
    esm_buf_putc(b, (char)cp);
    return 1;
}

enum { CASE_NONE, CASE_U, CASE_L, CASE_Q };

/* The node for a \U \L or \Q group of an interpolated string, with a
 * \u or \l that came just before it applied to the result. */
static tnode *case_group(parser *p, size_t at, int mode, int shot, tnode *parts)
{
    tnode *f = node_at(p, N_FUNC, at);
    f->op = mode == CASE_U ? B_UC : mode == CASE_L ? B_LC : B_QUOTEMETA;
    add_kid(f, parts);
    if (shot != CASE_NONE) {
        tnode *g = node1(p, N_FUNC, at, f);
        g->op = shot == CASE_U ? B_UCFIRST : B_LCFIRST;
        f = g;
    }
    return f;
}

/* Builds an N_INTERP from string content s (escapes still in it).
 * regex: keep backslash escapes for PCRE2 and treat a trailing $ as an
 * anchor. at: position of the content in the source, for messages. */
static tnode *parse_interp(parser *p, const char *s, size_t len, int regex, size_t at)
{
    interp_state st = {node_at(p, N_INTERP, at), ESM_BUF_INIT, at};
    /* \U \L \Q ... \E: parts collected into a group, wrapped at \E */
    tnode *outer = NULL;
    int case_mode = CASE_NONE;
    int one_shot = CASE_NONE; /* \u \l for the next character or variable */
    int group_shot = CASE_NONE;
    for (size_t i = 0; i < len && !p->failed; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len) {
            char e = s[++i];
            if (e == 'U' || e == 'L' || e == 'Q' || e == 'E') {
                if (case_mode != CASE_NONE) {
                    flush_lit(p, &st);
                    add_kid(outer, case_group(p, at, case_mode, group_shot, st.parts));
                    st.parts = outer;
                    outer = NULL;
                    case_mode = CASE_NONE;
                }
                if (e != 'E') {
                    flush_lit(p, &st);
                    outer = st.parts;
                    st.parts = node_at(p, N_INTERP, at);
                    case_mode = e == 'U' ? CASE_U : e == 'L' ? CASE_L : CASE_Q;
                    /* "\u\L$name" is ucfirst(lc($name)) */
                    group_shot = one_shot;
                    one_shot = CASE_NONE;
                }
                continue;
            }
            if (e == 'u' || e == 'l') {
                one_shot = e == 'u' ? CASE_U : CASE_L;
                continue;
            }
            if (regex) {
                esm_buf_putc(&st.lit, '\\');
                esm_buf_putc(&st.lit, e);
                continue;
            }
            char out;
            switch (e) {
            case 'n':
                out = '\n';
                break;
            case 't':
                out = '\t';
                break;
            case 'r':
                out = '\r';
                break;
            case 'f':
                out = '\f';
                break;
            case 'b':
                out = '\b';
                break;
            case 'a':
                out = '\a';
                break;
            case 'e':
                out = 27;
                break;
            case 'x': {
                unsigned long cp = 0;
                if (i + 1 < len && s[i + 1] == '{') {
                    size_t j = i + 2;
                    while (j < len && s[j] != '}') {
                        if (isxdigit((unsigned char)s[j]))
                            cp = cp * 16 + (unsigned long)hexval(s[j]);
                        j++;
                    }
                    i = j;
                } else {
                    int k = 0;
                    while (k < 2 && i + 1 < len && isxdigit((unsigned char)s[i + 1])) {
                        cp = cp * 16 + (unsigned long)hexval(s[++i]);
                        k++;
                    }
                }
                if (!put_codepoint(p, &st.lit, cp, at))
                    goto fail;
                continue;
            }
            case 'c':
                if (i + 1 < len) {
                    out = (char)(toupper((unsigned char)s[++i]) ^ 64);
                    break;
                }
                out = 'c';
                break;
            case 'N':
                unsupported(p, at, "\\N{...} escape");
                goto fail;
            default:
                if (e >= '0' && e <= '7') {
                    unsigned long cp = (unsigned long)(e - '0');
                    int k = 1;
                    while (k < 3 && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7') {
                        cp = cp * 8 + (unsigned long)(s[++i] - '0');
                        k++;
                    }
                    if (!put_codepoint(p, &st.lit, cp, at))
                        goto fail;
                    continue;
                }
                out = e;
                break;
            }
            if (one_shot != CASE_NONE) {
                out = (char)(one_shot == CASE_U ? toupper((unsigned char)out)
                                                : tolower((unsigned char)out));
                one_shot = CASE_NONE;
            }
            esm_buf_putc(&st.lit, out);
            continue;
        }
        if ((c == '$' || c == '@') && i + 1 < len) {
            size_t vl = interp_var_len(s, len, i, regex);
            if (vl) {
                flush_lit(p, &st);
                tnode *v = interp_var(p, s + i, vl, at + i);
                if (!v)
                    goto fail;
                if (c == '@') {
                    tnode *j = node1(p, N_JOINLIST, at + i, v);
                    v = j;
                }
                if (one_shot != CASE_NONE) {
                    tnode *f = node1(p, N_FUNC, at + i, v);
                    f->op = one_shot == CASE_U ? B_UCFIRST : B_LCFIRST;
                    v = f;
                    one_shot = CASE_NONE;
                }
                add_kid(st.parts, v);
                i += vl - 1;
                continue;
            }
        }
        if (one_shot != CASE_NONE) {
            c = (char)(one_shot == CASE_U ? toupper((unsigned char)c) : tolower((unsigned char)c));
            one_shot = CASE_NONE;
        }
        esm_buf_putc(&st.lit, c);
    }
    if (p->failed)
        goto fail;
    flush_lit(p, &st);
    if (case_mode != CASE_NONE) {
        add_kid(outer, case_group(p, at, case_mode, group_shot, st.parts));
        st.parts = outer;
    }
    esm_buf_free(&st.lit);
    if (st.parts->nkids == 1 && st.parts->kids[0]->kind == N_STR) {
        tnode *only = st.parts->kids[0];
        st.parts->nkids = 0;
        tnode_free(st.parts);
        return only;
    }
    if (st.parts->nkids == 0) {
        tnode_free(st.parts);
        return str_node(p, at, "", 0);
    }
    return st.parts;
fail:
    esm_buf_free(&st.lit);
    tnode_free(st.parts);
    tnode_free(outer);
    return NULL;
}

/* ---- regexes ---- */

static int read_flags(parser *p, const char *allowed, char *flags, size_t size, size_t at)
{
    size_t n = 0;
    while (p->pos < p->len && isalpha((unsigned char)p->s[p->pos])) {
        char f = p->s[p->pos];
        if (!strchr(allowed, f)) {
            char what[40];
            snprintf(what, sizeof(what), "regex modifier /%c", f);
            unsupported(p, at, what);
            return 0;
        }
        if (n + 1 < size && !strchr(flags, f)) {
            flags[n++] = f;
            flags[n] = '\0';
        }
        p->pos++;
    }
    return 1;
}

/* Parses the pattern text of m//, s/// or split into a node; a pattern
 * without variables is compiled now so its errors are located here. */
static tnode *regex_pattern(parser *p, size_t at, size_t start, size_t len, char open)
{
    size_t plen;
    char *pat = undelimit(p->s + start, len, open, &plen);
    tnode *n;
    if (open == '\'')
        n = str_node(p, start, pat, plen);
    else
        n = parse_interp(p, pat, plen, 1, start);
    free(pat);
    (void)at;
    return n;
}

/* The replacement part of s/// and tr///: after a bracketing first part
 * it has its own delimiters, whitespace allowed before them (s{a} {b},
 * tr[a-z][A-Z]), else it runs to the next delimiter (s/a/b/). Its
 * delimiter in *ropen; 0 with the error raised, WHAT naming the operator
 * as Perl's message does. */
static int read_replacement(parser *p, size_t at, char open, const char *what, char *ropen,
                            size_t *start, size_t *len)
{
    *ropen = open;
    if (closing_delim(open) != open) {
        ws(p);
        if (at_end(p)) {
            fail_at(p, at, "syntax error: %s replacement not terminated", what);
            return 0;
        }
        *ropen = p->s[p->pos++];
    }
    return read_delimited(p, *ropen, start, len);
}

static tnode *match_op(parser *p, size_t at, char open)
{
    size_t start, len;
    if (!read_delimited(p, open, &start, &len))
        return NULL;
    tnode *pat = regex_pattern(p, at, start, len, open);
    if (!pat)
        return NULL;
    char flags[16] = "";
    if (!read_flags(p, "imsxg", flags, sizeof(flags), at)) {
        tnode_free(pat);
        return NULL;
    }
    tnode *n = node_at(p, N_MATCH, at);
    add_kid(n, NULL);
    add_kid(n, pat);
    n->str = pstrndup(p, flags, strlen(flags));
    return n;
}

static tnode *subst_op(parser *p, size_t at, char open)
{
    size_t start, len, rstart, rlen;
    if (!read_delimited(p, open, &start, &len))
        return NULL;
    char ropen;
    if (!read_replacement(p, at, open, "substitution", &ropen, &rstart, &rlen))
        return NULL;
    char flags[16] = "";
    if (!read_flags(p, "imsxgr", flags, sizeof(flags), at))
        return NULL;
    tnode *pat = regex_pattern(p, at, start, len, open);
    if (!pat)
        return NULL;
    tnode *repl;
    size_t ulen;
    char *u = undelimit(p->s + rstart, rlen, ropen, &ulen);
    if (ropen == '\'')
        repl = str_node(p, rstart, u, ulen);
    else
        repl = parse_interp(p, u, ulen, 0, rstart);
    free(u);
    if (!repl) {
        tnode_free(pat);
        return NULL;
    }
    tnode *n = node_at(p, N_SUBST, at);
    add_kid(n, NULL);
    add_kid(n, pat);
    add_kid(n, repl);
    n->str = pstrndup(p, flags, strlen(flags));
    return n;
}

/* One character of a tr/// list at s[*i] (escapes as Perl reads them in
 * tr, which interpolates nothing). */
static int tr_char(const char *s, size_t len, size_t *i)
{
    unsigned char c = (unsigned char)s[(*i)++];
    if (c != '\\' || *i >= len)
        return c;
    c = (unsigned char)s[(*i)++];
    switch (c) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    case 'f':
        return '\f';
    case 'e':
        return 27;
    case 'a':
        return 7;
    case 'b': /* backspace in tr, as in a double-quoted string */
        return '\b';
    case 'c': /* \cX: the control character of X */
        if (*i >= len)
            return -1;
        return toupper((unsigned char)s[(*i)++]) ^ 64;
    case 'x': {
        int v = 0, braced = *i < len && s[*i] == '{';
        if (braced)
            (*i)++;
        for (int k = 0; *i < len && (braced || k < 2) && hexval(s[*i]) >= 0; k++)
            v = v * 16 + hexval(s[(*i)++]);
        if (braced && *i < len && s[*i] == '}')
            (*i)++;
        return v > 255 ? -1 : v;
    }
    default:
        if (c >= '0' && c <= '7') {
            int v = c - '0';
            for (int k = 1; k < 3 && *i < len && s[*i] >= '0' && s[*i] <= '7'; k++)
                v = v * 8 + (s[(*i)++] - '0');
            return v > 255 ? -1 : v;
        }
        return c; /* \\ \- \/ and any other escaped character */
    }
}

/* Expands a tr/// list with its ranges (a-z) into out (at most 1024
 * characters, as a list longer than that means nothing more for bytes);
 * the count, or -1 with the error raised. */
static int tr_list(parser *p, size_t at, const char *s, size_t len, unsigned char *out)
{
    int n = 0;
    size_t i = 0;
    while (i < len) {
        int c = tr_char(s, len, &i);
        if (c < 0)
            return unsupported(p, at, "character above \\xff in tr///"), -1;
        if (i + 1 < len && s[i] == '-') {
            i++;
            int e = tr_char(s, len, &i);
            if (e < 0)
                return unsupported(p, at, "character above \\xff in tr///"), -1;
            if (e < c)
                return fail_at(p, at, "Invalid range \"%c-%c\" in transliteration operator", c, e),
                       -1;
            for (int k = c; k <= e && n < 1024; k++)
                out[n++] = (unsigned char)k;
            continue;
        }
        if (n < 1024)
            out[n++] = (unsigned char)c;
    }
    return n;
}

/* tr/SEARCH/REPLACE/cdsr and y///: the lists are expanded here into a
 * table of what each byte becomes (TR_KEEP: not in the list, TR_DELETE:
 * deleted), kept in the node's str; iv holds the flags. */
static tnode *trans_op(parser *p, size_t at, char open)
{
    size_t start, len, rstart, rlen;
    if (!read_delimited(p, open, &start, &len))
        return NULL;
    char ropen;
    if (!read_replacement(p, at, open, "transliteration", &ropen, &rstart, &rlen))
        return NULL;
    char flags[8] = "";
    if (!read_flags(p, "cdsr", flags, sizeof(flags), at))
        return NULL;
    unsigned char search[1024], repl[1024];
    size_t ul;
    char *u = undelimit(p->s + start, len, open, &ul);
    int ns = tr_list(p, at, u, ul, search);
    free(u);
    u = undelimit(p->s + rstart, rlen, ropen, &ul);
    int nr = ns < 0 ? -1 : tr_list(p, at, u, ul, repl);
    free(u);
    if (nr < 0)
        return NULL;
    int del = strchr(flags, 'd') != NULL;
    if (strchr(flags, 'c')) {
        /* the complement, in byte order */
        unsigned char in[256] = {0};
        for (int i = 0; i < ns; i++)
            in[search[i]] = 1;
        ns = 0;
        for (int c = 0; c < 256; c++)
            if (!in[c])
                search[ns++] = (unsigned char)c;
    }
    short *map = arena_alloc(p, 256 * sizeof(short));
    for (int c = 0; c < 256; c++)
        map[c] = TR_KEEP;
    int identity = 1;
    for (int i = 0; i < ns; i++) {
        unsigned char c = search[i];
        if (map[c] != TR_KEEP)
            continue; /* the first occurrence counts */
        if (i < nr)
            map[c] = repl[i];
        else if (del)
            map[c] = TR_DELETE;
        else
            map[c] = nr ? repl[nr - 1] : c;
        identity &= map[c] == c;
    }
    tnode *n = node_at(p, N_TRANS, at);
    add_kid(n, NULL);
    n->str = (char *)map;
    n->slen = 256 * sizeof(short);
    n->iv = (strchr(flags, 'r') ? TR_RETURN : 0) | (strchr(flags, 's') ? TR_SQUEEZE : 0) |
            (identity && !strchr(flags, 's') ? TR_COUNT_ONLY : 0);
    return n;
}

/* ---- numbers ---- */

static tnode *number(parser *p)
{
    size_t at = p->pos;
    const char *s = p->s;
    size_t i = p->pos;
    char digits[128];
    size_t nd = 0;
    tnode *n = node_at(p, N_NUM, at);
    if (s[i] == '0' && i + 1 < p->len &&
        (s[i + 1] == 'x' || s[i + 1] == 'X' || s[i + 1] == 'b' || s[i + 1] == 'B')) {
        int base = (s[i + 1] == 'x' || s[i + 1] == 'X') ? 16 : 2;
        i += 2;
        uint64_t v = 0;
        while (i < p->len && (isxdigit((unsigned char)s[i]) || s[i] == '_')) {
            if (s[i] != '_') {
                int d = hexval(s[i]);
                if (d >= base)
                    break;
                v = v * (uint64_t)base + (uint64_t)d;
            }
            i++;
        }
        p->pos = i;
        n->iv = (int64_t)v;
        n->flags |= F_INT;
        return n;
    }
    if (s[i] == '0' && i + 1 < p->len && isdigit((unsigned char)s[i + 1])) {
        uint64_t v = 0;
        i++;
        while (i < p->len && (isdigit((unsigned char)s[i]) || s[i] == '_')) {
            if (s[i] == '8' || s[i] == '9') {
                tnode_free(n);
                return fail_at(p, i, "Illegal octal digit '%c'", s[i]);
            }
            if (s[i] != '_')
                v = v * 8 + (uint64_t)(s[i] - '0');
            i++;
        }
        p->pos = i;
        n->iv = (int64_t)v;
        n->flags |= F_INT;
        return n;
    }
    int is_float = 0;
    while (i < p->len && (isdigit((unsigned char)s[i]) || s[i] == '_')) {
        if (s[i] != '_' && nd < sizeof(digits) - 8)
            digits[nd++] = s[i];
        i++;
    }
    if (i < p->len && s[i] == '.' && !(i + 1 < p->len && s[i + 1] == '.')) {
        is_float = 1;
        digits[nd++] = '.';
        i++;
        while (i < p->len && (isdigit((unsigned char)s[i]) || s[i] == '_')) {
            if (s[i] != '_' && nd < sizeof(digits) - 8)
                digits[nd++] = s[i];
            i++;
        }
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        size_t k = i + 1;
        if (k < p->len && (s[k] == '+' || s[k] == '-'))
            k++;
        if (k < p->len && isdigit((unsigned char)s[k])) {
            /* one sign, then digits: in 2e3+0.5 the + is an operator */
            is_float = 1;
            digits[nd++] = 'e';
            if (s[i + 1] == '+' || s[i + 1] == '-')
                digits[nd++] = s[++i];
            i++;
            while (i < p->len && (isdigit((unsigned char)s[i]) || s[i] == '_')) {
                if (s[i] != '_' && nd < sizeof(digits) - 2)
                    digits[nd++] = s[i];
                i++;
            }
        }
    }
    digits[nd] = '\0';
    p->pos = i;
    int is_int;
    tmpl_str_num(digits, nd, &is_int, &n->iv, &n->nv);
    if (is_int && !is_float)
        n->flags |= F_INT;
    else if (is_int)
        n->nv = (double)n->iv;
    return n;
}

/* ---- terms ---- */

typedef struct builtin_def {
    const char *name;
    int id;
    int style; /* 'u': named unary, 'l': list operator, 'b': block-or-expr list op, '0': no args */
    int min, max;
} builtin_def;

static const builtin_def builtins[] = {
    {"defined", B_DEFINED, 'u', 0, 1},
    {"exists", B_EXISTS, 'u', 1, 1},
    {"delete", B_DELETE, 'u', 1, 1},
    {"keys", B_KEYS, 'u', 1, 1},
    {"values", B_VALUES, 'u', 1, 1},
    {"each", B_EACH, 'u', 1, 1},
    {"sort", B_SORT, 'b', 0, -1},
    {"reverse", B_REVERSE, 'l', 0, -1},
    {"join", B_JOIN, 'l', 1, -1},
    {"split", B_SPLIT, 'l', 0, 3},
    {"push", B_PUSH, 'l', 1, -1},
    {"pop", B_POP, 'u', 1, 1},
    {"shift", B_SHIFT, 'u', 1, 1},
    {"unshift", B_UNSHIFT, 'l', 1, -1},
    {"scalar", B_SCALAR, 'u', 1, 1},
    {"length", B_LENGTH, 'u', 0, 1},
    {"lc", B_LC, 'u', 0, 1},
    {"uc", B_UC, 'u', 0, 1},
    {"lcfirst", B_LCFIRST, 'u', 0, 1},
    {"ucfirst", B_UCFIRST, 'u', 0, 1},
    {"substr", B_SUBSTR, 'l', 2, 4},
    {"index", B_INDEX, 'l', 2, 3},
    {"rindex", B_RINDEX, 'l', 2, 3},
    {"sprintf", B_SPRINTF, 'l', 1, -1},
    {"grep", B_GREP, 'b', 1, -1},
    {"map", B_MAP, 'b', 1, -1},
    {"abs", B_ABS, 'u', 0, 1},
    {"int", B_INT, 'u', 0, 1},
    {"hex", B_HEX, 'u', 0, 1},
    {"oct", B_OCT, 'u', 0, 1},
    {"ord", B_ORD, 'u', 0, 1},
    {"chr", B_CHR, 'u', 0, 1},
    {"sqrt", B_SQRT, 'u', 0, 1},
    {"quotemeta", B_QUOTEMETA, 'u', 0, 1},
    {"die", B_DIE, 'l', 0, -1},
    {"warn", B_WARN, 'l', 0, -1},
    {"chomp", B_CHOMP, 'u', 0, 1},
    {"chop", B_CHOP, 'u', 0, 1},
    {"undef", B_UNDEF, 'u', 0, 1},
    {"ref", B_REF, 'u', 0, 1},
    /* esmith::util, loaded by the original before any fragment runs (the
     * prototypes ($) and () make them a named unary and a term), and the
     * expanding Text::Template's own file reader */
    {"esmith::util::ldapBase", B_LDAPBASE, 'u', 1, 1},
    {"esmith::util::LdapPassword", B_LDAPPASSWORD, '0', 0, 0},
    {"Text::Template::_load_text", B_LOAD_TEXT, 'l', 1, -1},
    {NULL, 0, 0, 0, 0},
};

/* Words that are Perl but outside the subset, with the reason shown. */
static const char *const refused_words[] = {
    "sub",     "eval",      "require",  "use",      "no",        "package",  "BEGIN",
    "END",     "system",    "exec",     "fork",     "open",      "close",    "print",
    "printf",  "say",       "unlink",   "rename",   "mkdir",     "rmdir",    "chdir",
    "kill",    "exit",      "sleep",    "local",    "goto",      "dump",     "wait",
    "waitpid", "syscall",   "binmode",  "select",   "sysopen",   "sysread",  "syswrite",
    "seek",    "tell",      "read",     "eof",      "glob",      "chmod",    "chown",
    "symlink", "link",      "utime",    "time",     "localtime", "gmtime",   "rand",
    "srand",   "bless",     "tie",      "untie",    "format",    "write",    "pos",
    "lock",    "wantarray", "caller",   "qr",       "study",     "reset",    "pack",
    "unpack",  "vec",       "sprintf_", "lstat",    "stat",      "readline", "readpipe",
    "socket",  "connect",   "truncate", "fcntl",    "ioctl",     "flock",    "pipe",
    "umask",   "getpwnam",  "getgrnam", "getpwuid", "getgrgid",  "splice",   "wantarray_",
    "do_",     "last_",     "redo",     "continue", "given",     "when",     "default",
    "state",   "lcfirst_",  "xor",      NULL,
};

/* The entry of table named w (n bytes, not NUL-terminated: the name must
 * end where w does); no strlen per entry, as every word parsed asks. */
static const builtin_def *find_in(const builtin_def *table, const char *w, size_t n)
{
    if (n == 0)
        return NULL;
    for (const builtin_def *b = table; b->name; b++)
        if (b->name[0] == w[0] && strncmp(b->name, w, n) == 0 && b->name[n] == '\0')
            return b;
    return NULL;
}

static const builtin_def *find_builtin(const char *w, size_t n)
{
    return find_in(builtins, w, n);
}

static int is_refused(const char *w, size_t n)
{
    if (n == 0)
        return 0;
    for (const char *const *r = refused_words; *r; r++)
        if ((*r)[0] == w[0] && strncmp(*r, w, n) == 0 && (*r)[n] == '\0')
            return 1;
    return 0;
}

/* Whether the source continues with an expression (a term can start here),
 * used by list operators and return to decide whether they have arguments. */
static int term_follows(parser *p)
{
    ws(p);
    if (at_end(p))
        return 0;
    char c = p->s[p->pos];
    if (strchr(");]},:?", c))
        return 0;
    if (c == '=' && peekc(p, 1) != '~')
        return peekc(p, 1) == '=' ? 0 : 0;
    if ((c == '|' || c == '&') && peekc(p, 1) == c)
        return 0;
    if (c == '.' && peekc(p, 1) != '.' && !isdigit((unsigned char)peekc(p, 1)))
        return 0;
    if (c == '*' || c == '>' || (c == '!' && peekc(p, 1) == '=') ||
        (c == '~' && peekc(p, 1) == '~'))
        return 0;
    static const char *const stop[] = {"or",  "and",     "if", "unless", "while", "until",
                                       "for", "foreach", "x",  "eq",     "ne",    "lt",
                                       "gt",  "le",      "ge", "cmp",    "xor",   NULL};
    if (!isalpha((unsigned char)c))
        return 1;
    for (const char *const *w = stop; *w; w++)
        if ((*w)[0] == c && looking_at_word(p, *w))
            return 0;
    return 1;
}

/* Variable name after a sigil: identifier, ${name}, or a special one.
 * Returns the name (in the tree's arena) or NULL when what follows is
 * ${ expr }. */
static char *var_name(parser *p, char sigil, size_t at)
{
    size_t n = ident_len(p, p->pos);
    if (n) {
        char *name = pstrndup(p, p->s + p->pos, n);
        p->pos += n;
        if (strncmp(name, "main::", 6) == 0)
            return name + 6;
        /* Perl reads $t:: (also in "$t::") as a package variable */
        if (memchr(name, ':', n) || (peekc(p, 0) == ':' && peekc(p, 1) == ':'))
            return unsupported(p, at, "package-qualified variable");
        return name;
    }
    char c = peekc(p, 0);
    if (sigil == '$' && isdigit((unsigned char)c)) {
        size_t b = p->pos;
        while (isdigit((unsigned char)peekc(p, 0)))
            p->pos++;
        return pstrndup(p, p->s + b, p->pos - b);
    }
    if (c == '{') {
        /* ${name} is the plain variable; ${ expr } a dereference */
        size_t save = p->pos;
        p->pos++;
        ws(p);
        size_t m = ident_len(p, p->pos);
        if (m) {
            size_t b = p->pos;
            p->pos += m;
            ws(p);
            if (peekc(p, 0) == '}') {
                p->pos++;
                return pstrndup(p, p->s + b, m);
            }
        }
        p->pos = save;
        return NULL;
    }
    if (sigil == '$' && (c == '&' || c == '"' || c == ',' || c == ';' || c == '/' || c == '\\' ||
                         c == '!' || c == '.')) {
        p->pos++;
        return pstrndup(p, &c, 1);
    }
    if (sigil == '$' && c == ':' && peekc(p, 1) == ':') {
        p->pos += 2;
        return var_name(p, sigil, at);
    }
    return NULL;
}

/* A variable node named name (a string of the tree's arena). */
static tnode *var_node(parser *p, int kind, size_t at, char *name)
{
    tnode *n = node_at(p, kind, at);
    n->slen = strlen(name);
    n->str = name;
    return n;
}

/* A subscript in braces: a bareword (possibly -bareword) is a string. */
static tnode *hash_key(parser *p)
{
    size_t save = p->pos;
    ws(p);
    size_t at = p->pos;
    int neg = 0;
    if (peekc(p, 0) == '-' && is_ident_start(peekc(p, 1))) {
        neg = 1;
        p->pos++;
    }
    size_t n = ident_len(p, p->pos);
    if (n) {
        size_t b = p->pos;
        p->pos += n;
        ws(p);
        if (peekc(p, 0) == '}') {
            p->pos++;
            return str_node(p, at, p->s + b - neg, n + (size_t)neg);
        }
    }
    p->pos = save;
    tnode *k = parse_expr(p);
    if (!k)
        return NULL;
    if (!expect(p, "}")) {
        tnode_free(k);
        return NULL;
    }
    return k;
}

static tnode *index_expr(parser *p)
{
    tnode *k = parse_expr(p);
    if (!k)
        return NULL;
    if (!expect(p, "]")) {
        tnode_free(k);
        return NULL;
    }
    return k;
}

/* The expression of a ${ ... } or @{ ... } block: full Perl even inside a
 * string ("@{[ map { $_->key } @list ]}"), so method calls are allowed. */
static tnode *deref_expr(parser *p)
{
    int interp = p->interp;
    p->interp = 0;
    tnode *e = parse_expr(p);
    p->interp = interp;
    return e;
}

/* $name followed by [ or { : element of @name / %name. */
static tnode *scalar_var(parser *p, size_t at)
{
    char *name = var_name(p, '$', at);
    if (p->failed)
        return NULL;
    if (!name) {
        char c = peekc(p, 0);
        if (c == '{') {
            p->pos++;
            tnode *e = deref_expr(p);
            if (!e || !expect(p, "}")) {
                tnode_free(e);
                return NULL;
            }
            /* ${ expr }[i] and ${ expr }{k} are elements of @{expr} / %{expr} */
            if (peekc(p, 0) == '[') {
                p->pos++;
                tnode *idx = index_expr(p);
                if (!idx)
                    return tnode_free(e), NULL;
                return node2(p, N_ELEM, at, node1(p, N_RV2AV, at, e), idx);
            }
            if (peekc(p, 0) == '{') {
                p->pos++;
                tnode *k = hash_key(p);
                if (!k)
                    return tnode_free(e), NULL;
                return node2(p, N_HELEM, at, node1(p, N_RV2HV, at, e), k);
            }
            return node1(p, N_RV2SV, at, e);
        }
        if (c == '$') {
            p->pos++;
            tnode *inner = scalar_var(p, at);
            if (!inner)
                return NULL;
            /* $$r[0] / $$r{k}: element of the referenced array/hash */
            if (inner->kind == N_ELEM || inner->kind == N_HELEM) {
                tnode *base = inner->kids[0];
                inner->kids[0] =
                    node1(p, inner->kind == N_ELEM ? N_RV2AV : N_RV2HV, at, node_at(p, N_SVAR, at));
                inner->kids[0]->kids[0]->str = base->str;
                inner->kids[0]->kids[0]->slen = base->slen;
                base->str = NULL;
                tnode_free(base);
                return inner;
            }
            return node1(p, N_RV2SV, at, inner);
        }
        if (c == '#') {
            p->pos++;
            if (peekc(p, 0) == '{' || peekc(p, 0) == '$') {
                tnode *r;
                if (peekc(p, 0) == '{') {
                    p->pos++;
                    r = parse_expr(p);
                    if (!r || !expect(p, "}")) {
                        tnode_free(r);
                        return NULL;
                    }
                } else {
                    p->pos++;
                    r = scalar_var(p, at);
                    if (!r)
                        return NULL;
                }
                return node1(p, N_ALAST, at, node1(p, N_RV2AV, at, r));
            }
            char *an = var_name(p, '@', at);
            if (!an)
                return p->failed ? NULL : fail_at(p, at, "syntax error after $#");
            return node1(p, N_ALAST, at, var_node(p, N_AVAR, at, an));
        }
        return fail_at(p, at, "syntax error: unexpected character after '$'");
    }
    if (peekc(p, 0) == '[' && !(p->interp == 0 && 0)) {
        p->pos++;
        tnode *idx = index_expr(p);
        if (!idx)
            return NULL;
        return node2(p, N_ELEM, at, var_node(p, N_AVAR, at, name), idx);
    }
    if (peekc(p, 0) == '{') {
        p->pos++;
        tnode *k = hash_key(p);
        if (!k)
            return NULL;
        return node2(p, N_HELEM, at, var_node(p, N_HVAR, at, name), k);
    }
    return var_node(p, N_SVAR, at, name);
}

/* @name, @name[..], @name{..}, @{expr}, @$ref */
static tnode *array_var(parser *p, size_t at)
{
    tnode *base;
    char *name = var_name(p, '@', at);
    if (p->failed)
        return NULL;
    int is_ref = 0;
    if (!name) {
        if (peekc(p, 0) == '{') {
            p->pos++;
            tnode *e = deref_expr(p);
            if (!e || !expect(p, "}")) {
                tnode_free(e);
                return NULL;
            }
            base = e;
        } else if (peekc(p, 0) == '$') {
            p->pos++;
            char *rn = var_name(p, '$', at);
            if (!rn)
                return p->failed ? NULL : fail_at(p, at, "syntax error after '@$'");
            base = var_node(p, N_SVAR, at, rn);
        } else {
            return fail_at(p, at, "syntax error: unexpected character after '@'");
        }
        is_ref = 1;
    } else {
        base = NULL;
    }
    if (peekc(p, 0) == '[') {
        p->pos++;
        tnode *idx = index_expr(p);
        if (!idx) {
            tnode_free(base);
            return NULL;
        }
        tnode *arr = is_ref ? node1(p, N_RV2AV, at, base) : var_node(p, N_AVAR, at, name);
        return node2(p, N_SLICE, at, arr, idx);
    }
    if (peekc(p, 0) == '{') {
        p->pos++;
        tnode *k = hash_key(p);
        if (!k) {
            tnode_free(base);
            return NULL;
        }
        tnode *h = is_ref ? node1(p, N_RV2HV, at, base) : var_node(p, N_HVAR, at, name);
        return node2(p, N_HSLICE, at, h, k);
    }
    if (is_ref)
        return node1(p, N_RV2AV, at, base);
    return var_node(p, N_AVAR, at, name);
}

static tnode *hash_var(parser *p, size_t at)
{
    char *name = var_name(p, '%', at);
    if (p->failed)
        return NULL;
    if (name)
        return var_node(p, N_HVAR, at, name);
    if (peekc(p, 0) == '{') {
        p->pos++;
        tnode *e = parse_expr(p);
        if (!e || !expect(p, "}")) {
            tnode_free(e);
            return NULL;
        }
        return node1(p, N_RV2HV, at, e);
    }
    if (peekc(p, 0) == '$') {
        p->pos++;
        char *rn = var_name(p, '$', at);
        if (!rn)
            return p->failed ? NULL : fail_at(p, at, "syntax error after '%%$'");
        return node1(p, N_RV2HV, at, var_node(p, N_SVAR, at, rn));
    }
    return fail_at(p, at, "syntax error: unexpected '%%'");
}

/* Arguments of a builtin or method: (LIST) or, for list operators, the
 * rest of the list expression. */
static tnode *call_args(parser *p, int style, int *had_parens)
{
    tnode *args = node_at(p, N_LIST, p->pos);
    *had_parens = 0;
    if (accept(p, "(")) {
        *had_parens = 1;
        if (!accept(p, ")")) {
            tnode *e = parse_expr(p);
            if (!e || !expect(p, ")")) {
                tnode_free(e);
                tnode_free(args);
                return NULL;
            }
            if (e->kind == N_LIST && !(e->flags & F_PAREN)) {
                args->kids = e->kids;
                args->nkids = e->nkids;
                e->kids = NULL;
                e->nkids = 0;
                tnode_free(e);
            } else {
                add_kid(args, e);
            }
        }
        return args;
    }
    if (style == '0' || !term_follows(p))
        return args;
    tnode *e = style == 'u' ? parse_shift(p) : parse_comma(p);
    if (!e) {
        tnode_free(args);
        return NULL;
    }
    if (style != 'u' && e->kind == N_LIST && !(e->flags & F_PAREN)) {
        args->kids = e->kids;
        args->nkids = e->nkids;
        e->kids = NULL;
        e->nkids = 0;
        tnode_free(e);
    } else {
        add_kid(args, e);
    }
    return args;
}

/* Whether '{' after map/grep/sort opens a block. Perl guesses an
 * anonymous hash when the first thing inside is a string or word followed
 * by ',' or '=>'; that guess then fails to parse, so we refuse it too. */
static tnode *block_builtin(parser *p, const builtin_def *b, size_t at)
{
    tnode *n = node_at(p, N_FUNC, at);
    n->op = b->id;
    int parens = accept(p, "(");
    ws(p);
    if (peekc(p, 0) == '{') {
        p->pos++;
        tnode *blk = parse_stmts(p, 1);
        if (!blk || !expect(p, "}")) {
            tnode_free(blk);
            tnode_free(n);
            return NULL;
        }
        add_kid(n, blk);
        n->flags |= F_BLOCKARG;
        accept(p, ",");
    } else if (b->id != B_SORT) {
        tnode *e = parse_assign(p);
        if (!e || !expect(p, ",")) {
            tnode_free(e);
            tnode_free(n);
            return NULL;
        }
        add_kid(n, e);
    } else if (is_ident_start(peekc(p, 0)) && !find_builtin(p->s + p->pos, ident_len(p, p->pos)) &&
               !looking_at_word(p, "qw") && !looking_at_word(p, "q") && !looking_at_word(p, "qq") &&
               !looking_at_word(p, "my")) {
        tnode_free(n);
        return unsupported(p, at, "sort with a subroutine name");
    }
    tnode *rest = NULL;
    if (parens) {
        if (!looking_at(p, ")"))
            rest = parse_expr(p);
        if (p->failed || !expect(p, ")")) {
            tnode_free(rest);
            tnode_free(n);
            return NULL;
        }
    } else if (term_follows(p)) {
        rest = parse_comma(p);
        if (!rest) {
            tnode_free(n);
            return NULL;
        }
    }
    if (rest) {
        if (rest->kind == N_LIST && !(rest->flags & F_PAREN)) {
            for (int i = 0; i < rest->nkids; i++)
                add_kid(n, rest->kids[i]);
            rest->nkids = 0;
            tnode_free(rest);
        } else {
            add_kid(n, rest);
        }
    }
    return n;
}

/* The builtins that take a filehandle (tmpl_io.c); "open", "close" and
 * "eof" are also in refused_words, which they are looked up before. */
static const builtin_def handle_builtins[] = {
    {"open", B_OPEN, 'l', 2, 3},
    {"close", B_CLOSE, 'l', 1, 1},
    {"eof", B_EOF, 'l', 0, 1},
    {"opendir", B_OPENDIR, 'l', 2, 2},
    {"readdir", B_READDIR, 'l', 1, 1},
    {"closedir", B_CLOSEDIR, 'l', 1, 1},
    {NULL, 0, 0, 0, 0},
};

/* open, close, eof and the directory functions take a handle first: a
 * bareword (FH), or a scalar (`open(my $fh, ...)`, `close $fh`). */
static tnode *handle_call(parser *p, const builtin_def *b, size_t at)
{
    int parens = accept(p, "(");
    if (b->id == B_EOF && (parens ? looking_at(p, ")") : !term_follows(p))) {
        if (parens)
            return unsupported(p, at, "eof() (end of all the ARGV files)");
        tnode *e = node_at(p, N_FUNC, at);
        e->op = B_EOF;
        return e;
    }
    tnode *n = node_at(p, N_FUNC, at);
    n->op = b->id;
    ws(p);
    size_t hat = p->pos;
    size_t l = ident_len(p, hat);
    tnode *h;
    if (l && !(l == 2 && memcmp(p->s + hat, "my", 2) == 0) &&
        !(l == 3 && memcmp(p->s + hat, "our", 3) == 0) && !memchr(p->s + hat, ':', l)) {
        if ((l == 5 && memcmp(p->s + hat, "STDIN", 5) == 0) ||
            (l == 6 && memcmp(p->s + hat, "STDOUT", 6) == 0) ||
            (l == 6 && memcmp(p->s + hat, "STDERR", 6) == 0))
            return unsupported(p, hat, "standard input/output handle");
        h = str_node(p, hat, p->s + hat, l);
        h->flags |= F_HANDLE;
        p->pos += l;
    } else {
        h = parse_assign(p);
        if (!h)
            return NULL;
    }
    add_kid(n, h);
    while ((b->id == B_OPEN || b->id == B_OPENDIR) && accept(p, ",")) {
        tnode *e = parse_assign(p);
        if (!e)
            return NULL;
        add_kid(n, e);
    }
    if (parens && !expect(p, ")"))
        return NULL;
    if (n->nkids < b->min || n->nkids > b->max) {
        if (b->id == B_OPEN && n->nkids == 1)
            return unsupported(p, at, "one-argument open");
        return fail_at(p, at, "wrong number of arguments for %s", b->name);
    }
    return n;
}

/* The line Perl's die and warn name: that of Perl's statement (its
 * nextstate), which is where the statement starts -- `open(...)\n or die`
 * says the open's line -- unless a '{' came first (a subscript, a block),
 * after which Perl takes a later token's line: then the die's own. */
static int statement_line(parser *p, size_t at)
{
    size_t from = p->stmt_start <= at ? p->stmt_start : at;
    int line, col;
    position(p, memchr(p->s + from, '{', at - from) ? at : from, &line, &col);
    return line;
}

static tnode *builtin_call(parser *p, const builtin_def *b, size_t at)
{
    if (b->style == 'b')
        return block_builtin(p, b, at);
    if (b->id == B_SPLIT) {
        /* split's first argument is a pattern even when written as /.../ */
        int parens = accept(p, "(");
        tnode *n = node_at(p, N_FUNC, at);
        n->op = B_SPLIT;
        if (parens ? !looking_at(p, ")") : term_follows(p)) {
            tnode *e = parens ? parse_expr(p) : parse_comma(p);
            if (!e) {
                tnode_free(n);
                return NULL;
            }
            if (e->kind == N_LIST && !(e->flags & F_PAREN)) {
                for (int i = 0; i < e->nkids; i++)
                    add_kid(n, e->kids[i]);
                e->nkids = 0;
                tnode_free(e);
            } else {
                add_kid(n, e);
            }
        }
        if (parens && !expect(p, ")")) {
            tnode_free(n);
            return NULL;
        }
        if (n->nkids > 3) {
            tnode_free(n);
            return fail_at(p, at, "Too many arguments for split");
        }
        return n;
    }
    int parens;
    tnode *args = call_args(p, b->style, &parens);
    if (!args)
        return NULL;
    args->kind = N_FUNC;
    args->op = b->id;
    args->line = 0;
    position(p, at, &args->line, &args->col);
    if (b->id == B_DIE || b->id == B_WARN)
        args->iv = statement_line(p, at);
    if (args->nkids < b->min || (b->max >= 0 && args->nkids > b->max)) {
        tnode_free(args);
        return fail_at(p, at, "wrong number of arguments for %s", b->name);
    }
    if ((b->id == B_SHIFT || b->id == B_POP) && args->nkids == 0) {
        tnode_free(args);
        return unsupported(p, at, "shift/pop without an array (@ARGV/@_)");
    }
    return args;
}

static tnode *quote_like(parser *p, const char *w, size_t wl, size_t at)
{
    ws(p);
    if (at_end(p))
        return fail_at(p, at, "syntax error: %.*s without delimiter", (int)wl, w);
    char open = p->s[p->pos];
    if (is_ident_char(open) || isspace((unsigned char)open))
        return fail_at(p, at, "syntax error: bad delimiter after %.*s", (int)wl, w);
    p->pos++;
    if (wl == 1 && w[0] == 'm')
        return match_op(p, at, open);
    if (wl == 1 && w[0] == 's')
        return subst_op(p, at, open);
    if (w[0] == 'y' || w[0] == 't')
        return trans_op(p, at, open);
    size_t start, len;
    if (!read_delimited(p, open, &start, &len))
        return NULL;
    if (wl == 1 && w[0] == 'q')
        return single_quoted(p, start, p->s + start, len, open);
    if (wl == 2 && w[1] == 'w')
        return qw_list(p, at, p->s + start, len);
    /* qq */
    size_t ulen;
    char *u = undelimit(p->s + start, len, open, &ulen);
    tnode *n = parse_interp(p, u, ulen, 0, start);
    free(u);
    return n;
}

/* The node kind of a variable with that sigil ($, @ or %). */
static int var_kind(char sigil)
{
    return sigil == '$' ? N_SVAR : sigil == '@' ? N_AVAR : N_HVAR;
}

/* One variable of a my or our declaration ($x, @a or %h, no package):
 * its node, or NULL with the error raised. */
static tnode *declared_var(parser *p, const char *decl)
{
    size_t vat = p->pos;
    char sigil = peekc(p, 0);
    if (sigil != '$' && sigil != '@' && sigil != '%')
        return fail_at(p, vat, "syntax error: expected a variable after %s", decl);
    p->pos++;
    size_t l = ident_len(p, p->pos);
    if (!l || memchr(p->s + p->pos, ':', l))
        return fail_at(p, vat, "syntax error: bad variable name after %s", decl);
    tnode *v = var_node(p, var_kind(sigil), vat, pstrndup(p, p->s + p->pos, l));
    p->pos += l;
    return v;
}

static tnode *my_decl(parser *p, size_t at)
{
    tnode *n = node_at(p, N_MY, at);
    ws(p);
    int paren = accept(p, "(");
    if (paren)
        n->flags |= F_PAREN;
    do {
        ws(p);
        if (paren && looking_at(p, ")"))
            break;
        size_t vat = p->pos;
        if (paren && accept_word(p, "undef")) { /* my ($a, undef, $b) = ... */
            tnode *u = node_at(p, N_FUNC, vat);
            u->op = B_UNDEF;
            add_kid(n, u);
            continue;
        }
        tnode *v = declared_var(p, "my");
        if (!v)
            return NULL;
        v->flags |= F_MYVAR;
        add_kid(n, v);
    } while (paren && accept(p, ","));
    if (paren && !expect(p, ")")) {
        tnode_free(n);
        return NULL;
    }
    return n;
}

/* <FH> and <$fh> read a line (all lines in list context); <STDIN>, <>
 * and glob patterns stay outside the subset. */
static tnode *readline_op(parser *p, size_t at)
{
    size_t k = p->pos + 1;
    int lexical = k < p->len && p->s[k] == '$';
    size_t l = ident_len(p, k + (size_t)lexical);
    size_t end = k + (size_t)lexical + l;
    if (!l || end >= p->len || p->s[end] != '>' || memchr(p->s + k, ':', end - k)) {
        if (k < p->len && p->s[k] == '>')
            return unsupported(p, at, "<> read (the ARGV files)");
        return unsupported(p, at, "<...> glob or read of an expression");
    }
    const char *name = p->s + k + lexical;
    if (!lexical && l == 5 && memcmp(name, "STDIN", 5) == 0)
        return unsupported(p, at, "<STDIN> read");
    tnode *h = lexical ? var_node(p, N_SVAR, k, pstrndup(p, name, l)) : str_node(p, k, name, l);
    if (!lexical)
        h->flags |= F_HANDLE;
    p->pos = end + 1;
    tnode *n = node1(p, N_FUNC, at, h);
    n->op = B_READLINE;
    return n;
}

/* local $x / @a / %h / (LIST): a global saved until the enclosing block
 * ends. Elements (local $h{k}) stay outside the subset. */
static tnode *local_decl(parser *p, size_t at)
{
    tnode *n = node_at(p, N_LOCAL, at);
    int paren = accept(p, "(");
    if (paren)
        n->flags |= F_PAREN;
    do {
        ws(p);
        size_t vat = p->pos;
        char sigil = peekc(p, 0);
        if (sigil != '$' && sigil != '@' && sigil != '%')
            return unsupported(p, vat, "local on something else than a variable");
        p->pos++;
        char *name = var_name(p, sigil, vat);
        if (!name)
            return p->failed ? NULL : unsupported(p, vat, "local on an expression");
        tnode *v = var_node(p, var_kind(sigil), vat, name);
        if (peekc(p, 0) == '{' || peekc(p, 0) == '[')
            return unsupported(p, vat, "local on a hash or array element");
        add_kid(n, v);
    } while (paren && accept(p, ","));
    if (paren && !expect(p, ")"))
        return NULL;
    return n;
}

/* our $x / @a / %h / (LIST): Perl's lexical alias of the package global,
 * so that the name means the global again even where a `my` of the same
 * name is in scope. Fragments use it to share settings with the later
 * fragments of a template (all run in one package). */
static tnode *our_decl(parser *p, size_t at)
{
    tnode *n = node_at(p, N_OUR, at);
    ws(p);
    int paren = accept(p, "(");
    if (paren)
        n->flags |= F_PAREN;
    do {
        ws(p);
        tnode *v = declared_var(p, "our");
        if (!v)
            return NULL;
        add_kid(n, v);
    } while (paren && accept(p, ","));
    if (paren && !expect(p, ")"))
        return NULL;
    return n;
}

/* Whether the word just read is a bareword Perl takes as its own name:
 * without `use strict` a word that is no function, not followed by an
 * argument, is a string -- accidental braces in template text such as
 * `{ManagerTimeout}` or `%{REQUEST_METHOD}` render as the word. Only
 * words with a capital letter (every Perl function is lower case, so no
 * unknown function can be mistaken for one), without a package, and
 * followed by the end of an expression. */
static int bareword_string(parser *p, const char *w, size_t wl)
{
    static const char *const special[] = {"BEGIN",   "END",      "INIT",  "CHECK",  "UNITCHECK",
                                          "DESTROY", "AUTOLOAD", "STDIN", "STDOUT", "STDERR",
                                          "ARGV",    "ARGVOUT",  "ENV",   "INC",    "SIG",
                                          "DATA",    "CORE",     "SUPER", NULL};
    if (p->strict || memchr(w, ':', wl) || (wl >= 2 && w[0] == '_' && w[1] == '_'))
        return 0;
    int upper = 0;
    for (size_t i = 0; i < wl; i++)
        upper |= isupper((unsigned char)w[i]) != 0;
    if (!upper)
        return 0;
    for (const char *const *sp = special; *sp; sp++)
        if (strlen(*sp) == wl && memcmp(*sp, w, wl) == 0)
            return 0;
    size_t save = p->pos;
    ws(p);
    int end = at_end(p) || strchr(";)]},", p->s[p->pos]) != NULL ||
              (p->s[p->pos] == ':' && peekc(p, 1) != ':');
    p->pos = save;
    return end;
}

static tnode *parse_term_inner(parser *p)
{
    ws(p);
    size_t at = p->pos;
    if (at_end(p))
        return fail_at(p, at, "syntax error: unexpected end of block");
    char c = p->s[p->pos];
    switch (c) {
    case '$':
        p->pos++;
        return scalar_var(p, at);
    case '@':
        p->pos++;
        return array_var(p, at);
    case '%':
        p->pos++;
        return hash_var(p, at);
    case '&':
        return unsupported(p, at, "subroutine call with &");
    case '*':
        return unsupported(p, at, "typeglob");
    case '`':
        return unsupported(p, at, "backticks");
    case '<':
        if (peekc(p, 1) == '<' && (peekc(p, 2) == '"' || peekc(p, 2) == '\'' ||
                                   peekc(p, 2) == '~' || is_ident_start(peekc(p, 2)))) {
            p->pos += 2;
            return heredoc(p, at);
        }
        if (peekc(p, 1) == '<' && (peekc(p, 2) == ' ' || peekc(p, 2) == '\t')) {
            /* a quoted terminator may follow blanks: $OUT .= << 'EOF'; */
            size_t k = 2;
            while (peekc(p, k) == ' ' || peekc(p, k) == '\t')
                k++;
            if (peekc(p, k) == '"' || peekc(p, k) == '\'') {
                p->pos += k;
                return heredoc(p, at);
            }
        }
        return readline_op(p, at);
    case '\'': {
        p->pos++;
        size_t s, l;
        if (!read_delimited(p, '\'', &s, &l))
            return NULL;
        return single_quoted(p, at, p->s + s, l, '\'');
    }
    case '"': {
        p->pos++;
        size_t s, l;
        if (!read_delimited(p, '"', &s, &l))
            return NULL;
        size_t ul;
        char *u = undelimit(p->s + s, l, '"', &ul);
        tnode *n = parse_interp(p, u, ul, 0, s);
        free(u);
        return n;
    }
    case '/':
        p->pos++;
        return match_op(p, at, '/');
    case '?':
        return unsupported(p, at, "?PATTERN? match-once");
    case '(': {
        p->pos++;
        tnode *n;
        if (accept(p, ")")) {
            n = node_at(p, N_LIST, at);
        } else {
            n = parse_expr(p);
            if (!n || !expect(p, ")")) {
                tnode_free(n);
                return NULL;
            }
            if (n->kind != N_LIST) {
                tnode *l = node_at(p, N_LIST, at);
                add_kid(l, n);
                n = l;
            }
        }
        n->flags |= F_PAREN;
        /* list slice (LIST)[...] */
        if (looking_at(p, "[")) {
            p->pos++;
            tnode *idx = index_expr(p);
            if (!idx) {
                tnode_free(n);
                return NULL;
            }
            return node2(p, N_SLICE, at, n, idx);
        }
        return n;
    }
    case '[': {
        p->pos++;
        tnode *n = node_at(p, N_ANONA, at);
        if (!accept(p, "]")) {
            tnode *e = parse_expr(p);
            if (!e || !expect(p, "]")) {
                tnode_free(e);
                tnode_free(n);
                return NULL;
            }
            add_kid(n, e);
        }
        return n;
    }
    case '{': {
        p->pos++;
        tnode *n = node_at(p, N_ANONH, at);
        if (!accept(p, "}")) {
            tnode *e = parse_expr(p);
            if (!e || !expect(p, "}")) {
                tnode_free(e);
                tnode_free(n);
                return NULL;
            }
            add_kid(n, e);
        }
        return n;
    }
    default:
        break;
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)peekc(p, 1))))
        return number(p);
    size_t wl = ident_len(p, p->pos);
    if (!wl)
        return fail_at(p, at, "syntax error near '%.10s'", p->s + p->pos);
    const char *w = p->s + p->pos;
    p->pos += wl;
    /* word => is a string */
    {
        size_t save = p->pos;
        if (looking_at(p, "=>")) {
            p->pos = save;
            return str_node(p, at, w, wl);
        }
        p->pos = save;
    }
    if (wl == 2 && memcmp(w, "my", 2) == 0)
        return my_decl(p, at);
    if (wl == 5 && memcmp(w, "local", 5) == 0)
        return local_decl(p, at);
    if (wl == 3 && memcmp(w, "our", 3) == 0)
        return our_decl(p, at);
    const builtin_def *h = find_in(handle_builtins, w, wl);
    if (h)
        return handle_call(p, h, at);
    if ((wl == 1 && (w[0] == 'q' || w[0] == 'm' || w[0] == 's' || w[0] == 'y')) ||
        (wl == 2 && ((w[0] == 'q' && (w[1] == 'q' || w[1] == 'w')) || memcmp(w, "tr", 2) == 0)))
        return quote_like(p, w, wl, at);
    if (wl == 2 && memcmp(w, "qx", 2) == 0)
        return unsupported(p, at, "qx (command execution)");
    if (wl == 2 && memcmp(w, "do", 2) == 0) {
        ws(p);
        if (peekc(p, 0) != '{')
            return unsupported(p, at, "do FILE");
        p->pos++;
        tnode *b = parse_stmts(p, 1);
        if (!b || !expect(p, "}")) {
            tnode_free(b);
            return NULL;
        }
        return node1(p, N_DO, at, b);
    }
    if ((wl == 4 && memcmp(w, "next", 4) == 0) || (wl == 4 && memcmp(w, "last", 4) == 0)) {
        ws(p);
        if (is_ident_start(peekc(p, 0)) && isupper((unsigned char)peekc(p, 0)))
            return unsupported(p, at, "loop label");
        return node_at(p, w[0] == 'n' ? N_NEXT : N_LAST, at);
    }
    if (wl == 6 && memcmp(w, "return", 6) == 0) {
        tnode *n = node_at(p, N_RETURN, at);
        if (term_follows(p)) {
            tnode *e = parse_comma(p);
            if (!e) {
                tnode_free(n);
                return NULL;
            }
            add_kid(n, e);
        }
        return n;
    }
    if (wl == 8 && memcmp(w, "__FILE__", 8) == 0)
        return unsupported(p, at, "__FILE__");
    if (wl == 8 && memcmp(w, "__LINE__", 8) == 0)
        return unsupported(p, at, "__LINE__");
    if (wl == 3 && memcmp(w, "not", 3) == 0)
        return unsupported(p, at, "not in this position");
    const builtin_def *b = find_builtin(w, wl);
    if (b)
        return builtin_call(p, b, at);
    if (is_refused(w, wl)) {
        char what[64];
        snprintf(what, sizeof(what), "%.*s", (int)wl, w);
        return unsupported(p, at, what);
    }
    /* Class->method */
    if (looking_at(p, "->")) {
        tnode *n = node_at(p, N_CLASS, at);
        n->str = pstrndup(p, w, wl);
        n->slen = wl;
        return n;
    }
    if (bareword_string(p, w, wl))
        return str_node(p, at, w, wl);
    char what[96];
    snprintf(what, sizeof(what), "call of unknown function or bareword '%.*s'", (int)wl, w);
    return unsupported(p, at, what);
}

static tnode *parse_term(parser *p)
{
    if (++p->depth > TMPL_MAX_DEPTH) {
        p->depth--;
        return fail_at(p, p->pos, "expression nested too deeply");
    }
    tnode *t = parse_term_inner(p);
    p->depth--;
    return t;
}

/* Subscripts and method calls after a term: ->[..] ->{..} ->meth(...) and
 * the implicit arrow between subscripts ($a[0][1], $h{a}{b}). */
static tnode *parse_postfix(parser *p, tnode *t)
{
    while (t && !p->failed) {
        int subscripted = t->kind == N_ELEM || t->kind == N_HELEM;
        size_t save = p->pos;
        if (p->interp) {
            /* inside a string: no blanks, and only subscripts */
            if (p->pos + 2 < p->len && p->s[p->pos] == '-' && p->s[p->pos + 1] == '>' &&
                (p->s[p->pos + 2] == '[' || p->s[p->pos + 2] == '{'))
                p->pos += 2;
            else if (!(subscripted && p->pos < p->len &&
                       (p->s[p->pos] == '[' || p->s[p->pos] == '{')))
                break;
        } else if (accept(p, "->")) {
            ws(p);
            char c = peekc(p, 0);
            if (c != '[' && c != '{') {
                size_t mat = p->pos;
                if (c == '$' || c == '@' || c == '%' || c == '&' || c == '(')
                    return tnode_free(t), unsupported(p, mat, "dynamic method call or code ref");
                size_t ml = ident_len(p, p->pos);
                if (!ml)
                    return tnode_free(t), fail_at(p, mat, "syntax error after ->");
                tnode *m = node_at(p, N_METHOD, mat);
                m->str = pstrndup(p, p->s + p->pos, ml);
                m->slen = ml;
                p->pos += ml;
                add_kid(m, t);
                if (accept(p, "(")) {
                    if (!accept(p, ")")) {
                        tnode *e = parse_expr(p);
                        if (!e || !expect(p, ")")) {
                            tnode_free(e);
                            tnode_free(m);
                            return NULL;
                        }
                        if (e->kind == N_LIST && !(e->flags & F_PAREN)) {
                            for (int i = 0; i < e->nkids; i++)
                                add_kid(m, e->kids[i]);
                            e->nkids = 0;
                            tnode_free(e);
                        } else {
                            add_kid(m, e);
                        }
                    }
                }
                t = m;
                continue;
            }
        } else {
            ws(p);
            if (!(subscripted && (peekc(p, 0) == '[' || peekc(p, 0) == '{'))) {
                p->pos = save;
                break;
            }
        }
        size_t at = p->pos;
        char c = p->s[p->pos++];
        if (c == '[') {
            tnode *idx = index_expr(p);
            if (!idx)
                return tnode_free(t), NULL;
            t = node2(p, N_ELEM, at, node1(p, N_RV2AV, at, t), idx);
        } else {
            tnode *k = hash_key(p);
            if (!k)
                return tnode_free(t), NULL;
            t = node2(p, N_HELEM, at, node1(p, N_RV2HV, at, t), k);
        }
    }
    if (p->failed) {
        tnode_free(t);
        return NULL;
    }
    return t;
}

static tnode *parse_incdec(parser *p)
{
    ws(p);
    size_t at = p->pos;
    if (accept(p, "++") || accept(p, "--")) {
        int inc = p->s[at] == '+';
        tnode *t = parse_incdec(p);
        if (!t)
            return NULL;
        return node1(p, inc ? N_PREINC : N_PREDEC, at, t);
    }
    tnode *t = parse_term(p);
    if (!t)
        return NULL;
    t = parse_postfix(p, t);
    if (!t)
        return NULL;
    size_t pat = p->pos;
    ws(p);
    if (accept(p, "++"))
        return node1(p, N_POSTINC, pat, t);
    if (accept(p, "--"))
        return node1(p, N_POSTDEC, pat, t);
    return t;
}

static tnode *parse_pow(parser *p)
{
    tnode *a = parse_incdec(p);
    if (!a)
        return NULL;
    ws(p);
    size_t at = p->pos;
    if (looking_at(p, "**") && !looking_at(p, "**=")) {
        p->pos += 2;
        tnode *b = parse_unary(p);
        if (!b)
            return tnode_free(a), NULL;
        tnode *n = node2(p, N_BINOP, at, a, b);
        n->op = OP_POW;
        return n;
    }
    return a;
}

static tnode *parse_unary(parser *p)
{
    ws(p);
    size_t at = p->pos;
    if (++p->depth > TMPL_MAX_DEPTH) {
        p->depth--;
        return fail_at(p, at, "expression nested too deeply");
    }
    tnode *r;
    char c = peekc(p, 0);
    if (c == '!' && peekc(p, 1) != '~' && peekc(p, 1) != '=') {
        p->pos++;
        tnode *t = parse_unary(p);
        r = t ? node1(p, N_NOT, at, t) : NULL;
    } else if (c == '-' && peekc(p, 1) != '-' && peekc(p, 1) != '=' && peekc(p, 1) != '>') {
        if (isalpha((unsigned char)peekc(p, 1)) && !is_ident_char(peekc(p, 2)) &&
            strchr("erwxofdszlpSbcugktTBAMCRWXO", peekc(p, 1))) {
            char op = peekc(p, 1);
            p->depth--;
            if (!strchr("efdrslxz", op)) {
                char what[32];
                snprintf(what, sizeof(what), "file test -%c", op);
                return unsupported(p, at, what);
            }
            p->pos += 2;
            int parens;
            tnode *args = call_args(p, 'u', &parens);
            if (!args)
                return NULL;
            if (args->nkids > 1)
                return fail_at(p, at, "syntax error: -%c takes one file name", op);
            args->kind = N_FUNC;
            args->op = B_FTEST;
            args->iv = op;
            position(p, at, &args->line, &args->col);
            return args;
        }
        if (is_ident_start(peekc(p, 1))) {
            /* -bareword is the string "-bareword" */
            size_t l = ident_len(p, p->pos + 1);
            size_t after = p->pos + 1 + l;
            if (l > 1 && !find_builtin(p->s + p->pos + 1, l) &&
                !(after < p->len && (p->s[after] == '(' || p->s[after] == '-'))) {
                p->pos = after;
                p->depth--;
                return str_node(p, at, p->s + at, l + 1);
            }
        }
        p->pos++;
        tnode *t = parse_unary(p);
        r = t ? node1(p, N_NEG, at, t) : NULL;
    } else if (c == '+' && peekc(p, 1) != '+' && peekc(p, 1) != '=') {
        p->pos++;
        r = parse_unary(p);
    } else if (c == '\\') {
        p->pos++;
        tnode *t = parse_unary(p);
        r = t ? node1(p, N_REF, at, t) : NULL;
    } else if (c == '~') {
        r = unsupported(p, at, "bitwise operator ~");
    } else {
        r = parse_pow(p);
    }
    p->depth--;
    return r;
}

static tnode *parse_bind(parser *p)
{
    tnode *a = parse_unary(p);
    while (a && !p->failed) {
        ws(p);
        size_t at = p->pos;
        int neg;
        if (looking_at(p, "=~"))
            neg = 0;
        else if (looking_at(p, "!~"))
            neg = 1;
        else
            break;
        p->pos += 2;
        tnode *r = parse_unary(p);
        if (!r)
            return tnode_free(a), NULL;
        if (r->kind == N_MATCH || r->kind == N_SUBST || r->kind == N_TRANS) {
            if (r->kids[0]) {
                tnode_free(a);
                tnode_free(r);
                return unsupported(p, at, "=~ on a bound match");
            }
            r->kids[0] = a;
            r->op = neg;
            if (neg && r->kind == N_SUBST) {
                tnode_free(r);
                return fail_at(p, at, "Using !~ with s///r doesn't make sense");
            }
            if (neg && r->kind == N_TRANS && (r->iv & TR_RETURN)) {
                tnode_free(r);
                return fail_at(p, at, "Using !~ with tr///r doesn't make sense");
            }
            a = r;
        } else {
            /* $x =~ $pattern: the expression's value is the pattern */
            tnode *m = node_at(p, N_MATCH, at);
            add_kid(m, a);
            add_kid(m, r);
            m->str = pstrndup(p, "", 0);
            m->op = neg;
            a = m;
        }
    }
    return a;
}

/* Binary operators from `*` down to `||`, by precedence climbing (perlop's
 * levels, higher binds tighter): one scan per operator instead of one
 * function per level keeps parsing cheap. */
enum {
    PREC_NONE = 0,
    PREC_OROR = 2,
    PREC_ANDAND,
    PREC_BITOR,
    PREC_BITAND,
    PREC_EQ,
    PREC_REL,
    PREC_SHIFT,
    PREC_ADD,
    PREC_MUL,
};

typedef struct binop_tok {
    int prec;
    int kind; /* N_BINOP, N_AND, N_OR, N_DOR, N_SMARTMATCH, or -1 for a refused operator */
    int op;
    size_t len;
    const char *refused;
} binop_tok;

static int word_at(const parser *p, const char *w)
{
    size_t n = strlen(w);
    return p->pos + n <= p->len && memcmp(p->s + p->pos, w, n) == 0 &&
           !(p->pos + n < p->len && is_ident_char(p->s[p->pos + n]));
}

/* Identifies the binary operator at the current position (after blanks)
 * without consuming it; prec is PREC_NONE when there is none. */
static binop_tok scan_binop(parser *p)
{
    binop_tok t = {PREC_NONE, N_BINOP, 0, 1, NULL};
    ws(p);
    if (p->pos >= p->len)
        return t;
    char c = p->s[p->pos], d = peekc(p, 1), e = peekc(p, 2);
    switch (c) {
    case '*':
        if (d != '*' && d != '=')
            t.prec = PREC_MUL, t.op = OP_MUL;
        break;
    case '/':
        if (d == '/' && e != '=')
            t.prec = PREC_OROR, t.kind = N_DOR, t.len = 2;
        else if (d != '/' && d != '=')
            t.prec = PREC_MUL, t.op = OP_DIV;
        break;
    case '%':
        if (d != '=')
            t.prec = PREC_MUL, t.op = OP_MOD;
        break;
    case 'x':
        if (d == '=' || (is_ident_char(d) && !isdigit((unsigned char)d)))
            break;
        if (isdigit((unsigned char)d)) {
            size_t j = p->pos + 1;
            while (j < p->len && isdigit((unsigned char)p->s[j]))
                j++;
            if (j < p->len && is_ident_char(p->s[j]))
                break;
        }
        t.prec = PREC_MUL, t.op = OP_REPEAT;
        break;
    case '+':
        if (d != '+' && d != '=')
            t.prec = PREC_ADD, t.op = OP_ADD;
        break;
    case '-':
        if (d != '-' && d != '=' && d != '>')
            t.prec = PREC_ADD, t.op = OP_SUB;
        break;
    case '.':
        if (d != '.' && d != '=')
            t.prec = PREC_ADD, t.op = OP_CONCAT;
        break;
    case '<':
        if (d == '=' && e == '>')
            t.prec = PREC_EQ, t.op = OP_NUM_CMP, t.len = 3;
        else if (d == '=')
            t.prec = PREC_REL, t.op = OP_NUM_LE, t.len = 2;
        else if (d == '<' && e != '=')
            t.prec = PREC_SHIFT, t.kind = -1, t.refused = "bit shift operator";
        else if (d != '<')
            t.prec = PREC_REL, t.op = OP_NUM_LT;
        break;
    case '>':
        if (d == '=')
            t.prec = PREC_REL, t.op = OP_NUM_GE, t.len = 2;
        else if (d == '>' && e != '=')
            t.prec = PREC_SHIFT, t.kind = -1, t.refused = "bit shift operator";
        else if (d != '>')
            t.prec = PREC_REL, t.op = OP_NUM_GT;
        break;
    case '=':
        if (d == '=')
            t.prec = PREC_EQ, t.op = OP_NUM_EQ, t.len = 2;
        break;
    case '!':
        if (d == '=')
            t.prec = PREC_EQ, t.op = OP_NUM_NE, t.len = 2;
        break;
    case '&':
        if (d == '&' && e != '=')
            t.prec = PREC_ANDAND, t.kind = N_AND, t.len = 2;
        else if (d != '&' && d != '=')
            t.prec = PREC_BITAND, t.kind = -1, t.refused = "bitwise operator &";
        break;
    case '|':
        if (d == '|' && e != '=')
            t.prec = PREC_OROR, t.kind = N_OR, t.len = 2;
        else if (d != '|' && d != '=')
            t.prec = PREC_BITOR, t.kind = -1, t.refused = "bitwise operator | or ^";
        break;
    case '^':
        if (d != '=')
            t.prec = PREC_BITOR, t.kind = -1, t.refused = "bitwise operator | or ^";
        break;
    case '~':
        if (d == '~')
            t.prec = PREC_EQ, t.kind = N_SMARTMATCH, t.len = 2;
        break;
    case 'l':
    case 'g':
        if (word_at(p, "lt") || word_at(p, "gt") || word_at(p, "le") || word_at(p, "ge")) {
            t.prec = PREC_REL, t.len = 2;
            t.op =
                c == 'l' ? (d == 't' ? OP_STR_LT : OP_STR_LE) : (d == 't' ? OP_STR_GT : OP_STR_GE);
        }
        break;
    case 'e':
        if (word_at(p, "eq"))
            t.prec = PREC_EQ, t.op = OP_STR_EQ, t.len = 2;
        break;
    case 'n':
        if (word_at(p, "ne"))
            t.prec = PREC_EQ, t.op = OP_STR_NE, t.len = 2;
        break;
    case 'c':
        if (word_at(p, "cmp"))
            t.prec = PREC_EQ, t.op = OP_STR_CMP, t.len = 3;
        break;
    default:
        break;
    }
    return t;
}

static tnode *parse_binary(parser *p, int min_prec)
{
    tnode *a = parse_bind(p);
    if (!a)
        return NULL;
    while (!p->failed) {
        binop_tok t = scan_binop(p);
        if (t.prec == PREC_NONE || t.prec < min_prec)
            break;
        size_t at = p->pos;
        if (t.kind < 0) {
            tnode_free(a);
            return unsupported(p, at, t.refused);
        }
        p->pos += t.len;
        tnode *b = parse_binary(p, t.prec + 1);
        if (!b)
            return tnode_free(a), NULL;
        tnode *n = node2(p, t.kind, at, a, b);
        n->op = t.op;
        a = n;
    }
    return a;
}

/* The argument of a named unary operator (length, lc, defined...): it
 * stops at comparison operators, as in `length $x > 3`. */
static tnode *parse_shift(parser *p)
{
    return parse_binary(p, PREC_SHIFT);
}

static tnode *parse_oror(parser *p)
{
    return parse_binary(p, PREC_OROR);
}

static tnode *parse_range(parser *p)
{
    tnode *a = parse_oror(p);
    if (!a)
        return NULL;
    ws(p);
    size_t at = p->pos;
    if (looking_at(p, "...")) {
        tnode_free(a);
        return unsupported(p, at, "... operator");
    }
    if (looking_at(p, "..")) {
        p->pos += 2;
        tnode *b = parse_oror(p);
        if (!b)
            return tnode_free(a), NULL;
        return node2(p, N_RANGE, at, a, b);
    }
    return a;
}

static tnode *parse_ternary(parser *p)
{
    tnode *c = parse_range(p);
    if (!c)
        return NULL;
    ws(p);
    size_t at = p->pos;
    if (!accept(p, "?"))
        return c;
    tnode *a = parse_assign(p);
    if (!a || !expect(p, ":")) {
        tnode_free(c);
        tnode_free(a);
        return NULL;
    }
    tnode *b = parse_assign(p);
    if (!b) {
        tnode_free(c);
        tnode_free(a);
        return NULL;
    }
    tnode *n = node2(p, N_COND, at, c, a);
    add_kid(n, b);
    return n;
}

typedef struct opdef {
    const char *tok;
    int op;
} opdef;

static const opdef assign_ops[] = {
    {"**=", OP_POW},   {"||=", OP_OR_ASSIGN}, {"&&=", OP_AND_ASSIGN}, {"//=", OP_DOR_ASSIGN},
    {".=", OP_CONCAT}, {"+=", OP_ADD},        {"-=", OP_SUB},         {"*=", OP_MUL},
    {"/=", OP_DIV},    {"%=", OP_MOD},        {"x=", OP_REPEAT},      {NULL, 0},
};

static tnode *parse_assign(parser *p)
{
    tnode *a = parse_ternary(p);
    if (!a)
        return NULL;
    ws(p);
    size_t at = p->pos;
    int op = -1;
    if (at >= p->len || !strchr("=*|&/.+-%x<>^", p->s[at]))
        return a;
    for (const opdef *o = assign_ops; o->tok; o++) {
        if (o->tok[0] == p->s[at] && looking_at(p, o->tok)) {
            op = o->op;
            p->pos += strlen(o->tok);
            break;
        }
    }
    if (op < 0) {
        if (looking_at(p, "=") && !looking_at(p, "==") && !looking_at(p, "=~") &&
            !looking_at(p, "=>")) {
            p->pos++;
            op = 0;
        } else if (looking_at(p, "|=") || looking_at(p, "&=") || looking_at(p, "^=") ||
                   looking_at(p, "<<=") || looking_at(p, ">>=")) {
            tnode_free(a);
            return unsupported(p, at, "bitwise assignment operator");
        } else {
            return a;
        }
    }
    tnode *b = parse_assign(p);
    if (!b)
        return tnode_free(a), NULL;
    tnode *n = node2(p, N_ASSIGN, at, a, b);
    n->op = op;
    return n;
}

/* Comma level: a list of assignments separated by , or => */
static tnode *parse_comma(parser *p)
{
    tnode *a = parse_assign(p);
    if (!a)
        return NULL;
    if (!looking_at(p, ",") && !looking_at(p, "=>"))
        return a;
    tnode *l = node_at(p, N_LIST, p->pos);
    add_kid(l, a);
    while (accept(p, ",") || accept(p, "=>")) {
        while (accept(p, ",") || accept(p, "=>"))
            ;
        if (!term_follows(p))
            break;
        tnode *b = parse_assign(p);
        if (!b)
            return tnode_free(l), NULL;
        add_kid(l, b);
    }
    return l;
}

static tnode *parse_lownot(parser *p)
{
    ws(p);
    size_t at = p->pos;
    if (accept_word(p, "not")) {
        tnode *t = parse_lownot(p);
        return t ? node1(p, N_NOT, at, t) : NULL;
    }
    return parse_comma(p);
}

static tnode *parse_lowand(parser *p)
{
    tnode *a = parse_lownot(p);
    while (a && !p->failed) {
        ws(p);
        size_t at = p->pos;
        if (!accept_word(p, "and"))
            break;
        tnode *b = parse_lownot(p);
        if (!b)
            return tnode_free(a), NULL;
        a = node2(p, N_AND, at, a, b);
    }
    return a;
}

static tnode *parse_expr(parser *p)
{
    tnode *a = parse_lowand(p);
    while (a && !p->failed) {
        ws(p);
        size_t at = p->pos;
        if (looking_at_word(p, "xor"))
            return tnode_free(a), unsupported(p, at, "xor");
        if (!accept_word(p, "or"))
            break;
        tnode *b = parse_lowand(p);
        if (!b)
            return tnode_free(a), NULL;
        a = node2(p, N_OR, at, a, b);
    }
    return a;
}

/* ---- statements ---- */

static tnode *parse_block(parser *p)
{
    if (!expect(p, "{"))
        return NULL;
    tnode *b = parse_stmts(p, 1);
    if (!b || !expect(p, "}")) {
        tnode_free(b);
        return NULL;
    }
    return b;
}

static tnode *paren_expr(parser *p)
{
    if (!expect(p, "("))
        return NULL;
    tnode *e = parse_expr(p);
    if (!e || !expect(p, ")")) {
        tnode_free(e);
        return NULL;
    }
    return e;
}

static tnode *parse_if(parser *p, size_t at, int unless)
{
    tnode *n = node_at(p, N_IF, at);
    n->op = unless;
    for (;;) {
        tnode *c = paren_expr(p);
        if (!c)
            return tnode_free(n), NULL;
        add_kid(n, c);
        tnode *b = parse_block(p);
        if (!b)
            return tnode_free(n), NULL;
        add_kid(n, b);
        if (accept_word(p, "elsif"))
            continue;
        if (accept_word(p, "else")) {
            tnode *e = parse_block(p);
            if (!e)
                return tnode_free(n), NULL;
            add_kid(n, e);
        }
        if (looking_at_word(p, "elseif") || looking_at_word(p, "else if"))
            return tnode_free(n), fail_at(p, p->pos, "syntax error: elseif should be elsif");
        return n;
    }
}

static tnode *parse_foreach(parser *p, size_t at)
{
    ws(p);
    tnode *var = NULL;
    size_t vat = p->pos;
    if (accept_word(p, "my")) {
        ws(p);
        vat = p->pos;
        if (!accept(p, "$"))
            return fail_at(p, vat, "syntax error: expected $variable after foreach my");
        size_t l = ident_len(p, p->pos);
        if (!l)
            return fail_at(p, vat, "syntax error: bad loop variable");
        var = var_node(p, N_SVAR, vat, pstrndup(p, p->s + p->pos, l));
        var->flags |= F_MYVAR;
        p->pos += l;
    } else if (looking_at_word(p, "our")) {
        return unsupported(p, vat, "foreach our $var");
    } else if (peekc(p, 0) == '$') {
        p->pos++;
        size_t l = ident_len(p, p->pos);
        if (!l)
            return fail_at(p, vat, "syntax error: bad loop variable");
        var = var_node(p, N_SVAR, vat, pstrndup(p, p->s + p->pos, l));
        p->pos += l;
    }
    if (!expect(p, "("))
        return tnode_free(var), NULL;
    /* C-style for (init; cond; step) */
    if (!var) {
        tnode *init = NULL;
        if (!looking_at(p, ";")) {
            init = parse_expr(p);
            if (!init)
                return NULL;
        }
        if (accept(p, ";")) {
            tnode *cond = NULL, *step = NULL;
            if (!looking_at(p, ";") && !(cond = parse_expr(p)))
                return tnode_free(init), NULL;
            if (!expect(p, ";"))
                return tnode_free(init), tnode_free(cond), NULL;
            if (!looking_at(p, ")") && !(step = parse_expr(p)))
                return tnode_free(init), tnode_free(cond), NULL;
            tnode *body;
            if (!expect(p, ")") || !(body = parse_block(p)))
                return tnode_free(init), tnode_free(cond), tnode_free(step), NULL;
            tnode *n = node_at(p, N_CFOR, at);
            add_kid(n, init);
            add_kid(n, cond);
            add_kid(n, step);
            add_kid(n, body);
            return n;
        }
        if (!expect(p, ")"))
            return tnode_free(init), NULL;
        tnode *body = parse_block(p);
        if (!body)
            return tnode_free(init), NULL;
        tnode *n = node_at(p, N_FOREACH, at);
        add_kid(n, NULL);
        add_kid(n, init ? init : node_at(p, N_LIST, at));
        add_kid(n, body);
        return n;
    }
    tnode *list = looking_at(p, ")") ? node_at(p, N_LIST, p->pos) : parse_expr(p);
    if (!list || !expect(p, ")"))
        return tnode_free(var), tnode_free(list), NULL;
    tnode *body = parse_block(p);
    if (!body)
        return tnode_free(var), tnode_free(list), NULL;
    tnode *n = node_at(p, N_FOREACH, at);
    add_kid(n, var);
    add_kid(n, list);
    add_kid(n, body);
    return n;
}

/* use strict / use warnings / no warnings are accepted and ignored: they
 * change nothing in what a correct fragment renders. */
/* The e-smith database modules are built in: `use`/`require` of them
 * loads nothing and succeeds. */
static int builtin_module(parser *p)
{
    static const char *const modules[] = {
        "esmith::ConfigDB",  "esmith::AccountsDB", "esmith::HostsDB",
        "esmith::DomainsDB", "esmith::NetworksDB", "esmith::db",
        "esmith::config",    "esmith::util",       NULL};
    ws(p);
    size_t l = ident_len(p, p->pos);
    for (const char *const *m = modules; *m; m++) {
        if (strlen(*m) == l && memcmp(p->s + p->pos, *m, l) == 0) {
            p->pos += l;
            return 1;
        }
    }
    return 0;
}

static int harmless_pragma(parser *p)
{
    size_t save = p->pos;
    if (accept_word(p, "require")) {
        if (builtin_module(p))
            return accept(p, ";"), 1;
        p->pos = save;
        return 0;
    }
    int is_use = accept_word(p, "use");
    if (!is_use && !accept_word(p, "no"))
        return 0;
    if (is_use && looking_at_word(p, "strict"))
        p->strict = 1;
    if (accept_word(p, "strict") || accept_word(p, "warnings")) {
        while (p->pos < p->len && p->s[p->pos] != ';' && p->s[p->pos] != '}' &&
               p->s[p->pos] != '\n')
            p->pos++;
        accept(p, ";");
        return 1;
    }
    if (is_use && builtin_module(p)) {
        accept(p, ";");
        return 1;
    }
    p->pos = save;
    return 0;
}

/* Perl reads `while (<FH>)` as `while (defined($_ = <FH>))` and
 * `while (my $l = <FH>)` as `while (defined(my $l = <FH>))`; readdir
 * likewise (a file named 0 does not end the loop). */
static tnode *implicit_defined(parser *p, tnode *c)
{
    int line = c->line, col = c->col;
    if (c->kind == N_FUNC && (c->op == B_READLINE || c->op == B_READDIR)) {
        tnode *u = node_at(p, N_SVAR, 0);
        u->str = pstrndup(p, "_", 1);
        u->slen = 1;
        tnode *a = node2(p, N_ASSIGN, 0, u, c);
        a->line = u->line = line;
        a->col = u->col = col;
        c = a;
    } else if (!(c->kind == N_ASSIGN && c->op == 0 && c->kids[1]->kind == N_FUNC &&
                 (c->kids[1]->op == B_READLINE || c->kids[1]->op == B_READDIR))) {
        return c;
    }
    tnode *d = node1(p, N_FUNC, 0, c);
    d->op = B_DEFINED;
    d->line = line;
    d->col = col;
    return d;
}

static tnode *parse_statement_inner(parser *p);

/* Keeps where each statement starts, for die's line (statement_line). */
static tnode *parse_statement(parser *p)
{
    ws(p);
    size_t outer = p->stmt_start;
    p->stmt_start = p->pos;
    tnode *r = parse_statement_inner(p);
    p->stmt_start = outer;
    return r;
}

static tnode *parse_statement_inner(parser *p)
{
    ws(p);
    size_t at = p->pos;
    if (harmless_pragma(p))
        return node_at(p, N_NOP, at);
    if (peekc(p, 0) == '{') {
        /* a bare block, unless it is plainly an anonymous hash ({} or
         * { word => ...}) as Perl guesses */
        size_t save = p->pos;
        p->pos++;
        ws(p);
        int anon = peekc(p, 0) == '}';
        if (!anon) {
            size_t l = ident_len(p, p->pos);
            if (!l && (peekc(p, 0) == '\'' || peekc(p, 0) == '"'))
                anon = 0;
            if (l) {
                p->pos += l;
                anon = looking_at(p, "=>") || looking_at(p, ",");
            }
        }
        p->pos = save;
        if (!anon) {
            tnode *b = parse_block(p);
            return b ? node1(p, N_BLOCK, at, b) : NULL;
        }
    }
    size_t wl = ident_len(p, p->pos);
    const char *w = p->s + p->pos;
    if (wl) {
        if ((wl == 2 && memcmp(w, "if", 2) == 0) || (wl == 6 && memcmp(w, "unless", 6) == 0)) {
            p->pos += wl;
            return parse_if(p, at, wl == 6);
        }
        if ((wl == 5 && memcmp(w, "while", 5) == 0) || (wl == 5 && memcmp(w, "until", 5) == 0)) {
            p->pos += wl;
            tnode *c = looking_at(p, "()") ? (p->pos += 2, NULL) : paren_expr(p);
            if (p->failed)
                return NULL;
            if (!c)
                c = str_node(p, at, "1", 1);
            c = implicit_defined(p, c);
            tnode *b = parse_block(p);
            if (!b)
                return tnode_free(c), NULL;
            tnode *n = node2(p, N_WHILE, at, c, b);
            n->op = w[0] == 'u';
            return n;
        }
        if ((wl == 3 && memcmp(w, "for", 3) == 0) || (wl == 7 && memcmp(w, "foreach", 7) == 0)) {
            p->pos += wl;
            return parse_foreach(p, at);
        }
        if (wl == 3 && memcmp(w, "sub", 3) == 0)
            return unsupported(p, at, "sub");
        if ((wl == 3 && memcmp(w, "use", 3) == 0) || (wl == 2 && memcmp(w, "no", 2) == 0)) {
            char what[80];
            size_t m = p->pos + wl;
            while (m < p->len && p->s[m] == ' ')
                m++;
            size_t ml = ident_len(p, m);
            snprintf(what, sizeof(what), "%.*s %.*s", (int)wl, w, (int)ml, p->s + m);
            return unsupported(p, at, what);
        }
        /* LABEL: */
        size_t after = p->pos + wl;
        while (after < p->len && (p->s[after] == ' ' || p->s[after] == '\t'))
            after++;
        if (after < p->len && p->s[after] == ':' &&
            !(after + 1 < p->len && p->s[after + 1] == ':') && isupper((unsigned char)w[0]))
            return unsupported(p, at, "statement label");
    }
    tnode *e = parse_expr(p);
    if (!e)
        return NULL;
    /* statement modifiers */
    ws(p);
    size_t mat = p->pos;
    if (accept_word(p, "if") || accept_word(p, "unless")) {
        int unless = p->s[mat] == 'u';
        tnode *c = parse_expr(p);
        if (!c)
            return tnode_free(e), NULL;
        tnode *n = node2(p, N_IF, mat, c, e);
        n->op = unless;
        n->flags |= F_POSTFIX;
        e = n;
    } else if (accept_word(p, "while") || accept_word(p, "until")) {
        int until = p->s[mat] == 'u';
        tnode *c = parse_expr(p);
        if (!c)
            return tnode_free(e), NULL;
        if (e->kind == N_DO)
            return tnode_free(e), tnode_free(c), unsupported(p, mat, "do BLOCK while");
        c = implicit_defined(p, c);
        tnode *n = node2(p, N_WHILE, mat, c, e);
        n->op = until;
        n->flags |= F_POSTFIX;
        e = n;
    } else if (accept_word(p, "foreach") || accept_word(p, "for")) {
        tnode *l = parse_expr(p);
        if (!l)
            return tnode_free(e), NULL;
        tnode *n = node_at(p, N_FOREACH, mat);
        add_kid(n, NULL);
        add_kid(n, l);
        add_kid(n, e);
        n->flags |= F_POSTFIX;
        e = n;
    }
    ws(p);
    if (at_end(p) || peekc(p, 0) == '}' || accept(p, ";"))
        return e;
    tnode_free(e);
    return fail_at(p, p->pos, "syntax error near '%.12s'", p->s + p->pos);
}

static tnode *parse_stmts(parser *p, int until_brace)
{
    tnode *n = node_at(p, N_STMTS, p->pos);
    if (++p->depth > TMPL_MAX_DEPTH) {
        p->depth--;
        tnode_free(n);
        return fail_at(p, p->pos, "blocks nested too deeply");
    }
    for (;;) {
        ws(p);
        while (accept(p, ";"))
            ws(p);
        if (at_end(p) || (until_brace && peekc(p, 0) == '}'))
            break;
        if (!until_brace && peekc(p, 0) == '}') {
            tnode_free(n);
            p->depth--;
            return fail_at(p, p->pos, "syntax error: unmatched right curly bracket");
        }
        tnode *s = parse_statement(p);
        if (!s) {
            tnode_free(n);
            p->depth--;
            return NULL;
        }
        if (s->kind == N_NOP)
            tnode_free(s);
        else
            add_kid(n, s);
    }
    p->depth--;
    return n;
}

tnode *tmpl_parse(const char *code, size_t len, const char *filename, int line, int col,
                  esm_err *err)
{
    parser p;
    memset(&p, 0, sizeof(p));
    p.s = code;
    p.len = len;
    p.file = filename;
    p.line0 = line;
    p.col0 = col;
    p.err = err;
    p.ws_from = p.ws_to = (size_t)-1;
    tarena *arena = NULL;
    p.arena = &arena;
    size_t nl_small[64];
    for (const char *c = code; (c = memchr(c, '\n', len - (size_t)(c - code))) != NULL; c++)
        p.nnl++;
    p.nl = p.nnl <= 64 ? nl_small : esm_xmalloc(p.nnl * sizeof(size_t));
    size_t k = 0;
    for (const char *c = code; (c = memchr(c, '\n', len - (size_t)(c - code))) != NULL; c++)
        p.nl[k++] = (size_t)(c - code);
    tnode *root = parse_stmts(&p, 0);
    if (p.nl != nl_small)
        free(p.nl);
    free(p.skip_from);
    free(p.skip_to);
    if (p.failed || !root) {
        tnode_free(root);
        arena_free(arena);
        return NULL;
    }
    root->arena = arena;
    return root;
}
