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

static void piece_push(tmpl_piece **v, int *n, int *cap, int is_code, esm_buf *text, int line,
                       int col)
{
    if (text->len == 0)
        return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *v = esm_xrealloc(*v, (size_t)*cap * sizeof(**v));
    }
    tmpl_piece *p = &(*v)[(*n)++];
    p->is_code = is_code;
    p->len = text->len;
    p->text = esm_buf_steal(text);
    p->line = line;
    p->col = col;
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

int tmpl_split(const char *src, size_t len, const char *filename, tmpl_piece **pieces_out,
               esm_err *err)
{
    tmpl_piece *v = NULL;
    int n = 0, cap = 0;
    esm_buf cur = ESM_BUF_INIT;
    int depth = 0, line = 1, col = 1;
    int prog_line = 0, prog_col = 0;
    size_t i = 0;
    while (i < len) {
        char c = src[i];
        if (double_backslash_before_brace(src, len, i)) {
            esm_buf_putc(&cur, '\\');
            i += 2;
            col += 2;
        } else if (c == '\\' && i + 1 < len && (src[i + 1] == '{' || src[i + 1] == '}')) {
            esm_buf_putc(&cur, src[i + 1]);
            i += 2;
            col += 2;
        } else if (c == '{') {
            if (depth == 0) {
                piece_push(&v, &n, &cap, 0, &cur, line, 0);
                esm_buf_reset(&cur);
                prog_line = line;
                prog_col = col + 1;
            } else {
                esm_buf_putc(&cur, c);
            }
            depth++;
            i++;
            col++;
        } else if (c == '}') {
            depth--;
            if (depth < 0) {
                esm_buf_free(&cur);
                tmpl_pieces_free(v, n);
                return esm_err_set(err, ESM_E_INVALID, "%s:%d:%d: unmatched close brace", filename,
                                   line, col);
            }
            if (depth == 0) {
                piece_push(&v, &n, &cap, 1, &cur, prog_line, prog_col);
                esm_buf_reset(&cur);
            } else {
                esm_buf_putc(&cur, c);
            }
            i++;
            col++;
        } else if (c == '\n') {
            esm_buf_putc(&cur, c);
            line++;
            col = 1;
            i++;
        } else {
            /* a run of ordinary bytes in one append */
            size_t j = i + 1;
            while (j < len && src[j] != '\\' && src[j] != '{' && src[j] != '}' && src[j] != '\n')
                j++;
            esm_buf_append(&cur, src + i, j - i);
            col += (int)(j - i);
            i = j;
        }
    }
    if (depth > 0) {
        esm_buf_free(&cur);
        tmpl_pieces_free(v, n);
        return esm_err_set(err, ESM_E_INVALID,
                           "%s:%d:%d: end of data inside program text that began here", filename,
                           prog_line, prog_col - 1);
    }
    piece_push(&v, &n, &cap, 0, &cur, line, 0);
    esm_buf_free(&cur);
    *pieces_out = v;
    return n;
}

void tmpl_pieces_free(tmpl_piece *pieces, int count)
{
    for (int i = 0; i < count; i++)
        free(pieces[i].text);
    free(pieces);
}
