/*
 * tmpl_split.c - cuts a fragment into literal text and { code } blocks
 * exactly as Text::Template's compile() does.
 *
 * Text::Template splits on /(\\\\(?=\\*[{}])|\\[{}]|[{}\n])/: a pair of
 * backslashes followed (after more backslashes) by a brace is one
 * backslash, a backslash before a brace makes it literal, braces nest
 * without any knowledge of Perl, and every other byte passes unchanged.
 * The same rules apply inside code, which is why '\{' in a block is '{'.
 */
#include "tmpl_int.h"

#include <stdlib.h>
#include <string.h>

/* Every piece's text lives in one buffer (text): the output never needs
 * more than the source, since escapes only shrink and each terminating
 * NUL takes the place of a brace at depth 0. */
typedef struct splitter {
    tmpl_piece *v;
    int n, cap;
    char *text;       /* len + 1 bytes */
    size_t used, cur; /* bytes of text written; start of the current piece */
} splitter;

static void piece_push(splitter *sp, int is_code, int line, int col)
{
    size_t len = sp->used - sp->cur;
    if (len == 0)
        return;
    if (sp->n == sp->cap) {
        sp->cap = sp->cap ? sp->cap * 2 : 8;
        sp->v = esm_xrealloc(sp->v, (size_t)sp->cap * sizeof(*sp->v));
    }
    tmpl_piece *p = &sp->v[sp->n++];
    p->is_code = is_code;
    p->len = len;
    p->text = sp->text + sp->cur;
    p->text[len] = '\0';
    p->line = line;
    p->col = col;
    sp->cur = sp->used = sp->used + 1;
}

/* Whether src[i] starts "\\" followed by backslashes and then a brace. */
static int double_backslash_before_brace(const char *src, size_t len, size_t i)
{
    if (i + 1 >= len || src[i] != '\\' || src[i + 1] != '\\')
        return 0;
    size_t j = i + 2;
    while (j < len && src[j] == '\\')
        j++;
    return j < len && (src[j] == '{' || src[j] == '}');
}

static void split_abort(splitter *sp)
{
    free(sp->v);
    free(sp->text);
}

/* The bytes that end a run of ordinary text. */
static const unsigned char run_end[256] = {['\\'] = 1, ['{'] = 1, ['}'] = 1, ['\n'] = 1};

int tmpl_split(const char *src, size_t len, const char *filename, tmpl_piece **pieces_out,
               esm_err *err)
{
    splitter sp = {NULL, 0, 0, esm_xmalloc(len + 1), 0, 0};
    int depth = 0, line = 1;
    size_t line_start = 0; /* the column of src[i] is i - line_start + 1 */
    int prog_line = 0, prog_col = 0;
    size_t i = 0;
    while (i < len) {
        char c = src[i];
        if (!run_end[(unsigned char)c]) {
            /* a run of ordinary bytes in one copy */
            size_t j = i + 1;
            while (j < len && !run_end[(unsigned char)src[j]])
                j++;
            memcpy(sp.text + sp.used, src + i, j - i);
            sp.used += j - i;
            i = j;
        } else if (c == '\n') {
            sp.text[sp.used++] = c;
            line++;
            line_start = ++i;
        } else if (double_backslash_before_brace(src, len, i)) {
            sp.text[sp.used++] = '\\';
            i += 2;
        } else if (c == '\\' && i + 1 < len && (src[i + 1] == '{' || src[i + 1] == '}')) {
            sp.text[sp.used++] = src[i + 1];
            i += 2;
        } else if (c == '\\') {
            sp.text[sp.used++] = c;
            i++;
        } else if (c == '{') {
            if (depth == 0) {
                piece_push(&sp, 0, line, 0);
                prog_line = line;
                prog_col = (int)(i - line_start) + 2;
            } else {
                sp.text[sp.used++] = c;
            }
            depth++;
            i++;
        } else {
            depth--;
            if (depth < 0) {
                split_abort(&sp);
                return esm_err_set(err, ESM_E_INVALID, "%s:%d:%d: unmatched close brace", filename,
                                   line, (int)(i - line_start) + 1);
            }
            if (depth == 0)
                piece_push(&sp, 1, prog_line, prog_col);
            else
                sp.text[sp.used++] = c;
            i++;
        }
    }
    if (depth > 0) {
        split_abort(&sp);
        return esm_err_set(err, ESM_E_INVALID,
                           "%s:%d:%d: end of data inside program text that began here", filename,
                           prog_line, prog_col - 1);
    }
    piece_push(&sp, 0, line, 0);
    if (sp.n == 0) {
        split_abort(&sp);
        sp.v = NULL;
    }
    *pieces_out = sp.v;
    return sp.n;
}

void tmpl_pieces_free(tmpl_piece *pieces, int count)
{
    if (count > 0)
        free(pieces[0].text); /* the buffer of every piece */
    free(pieces);
}
