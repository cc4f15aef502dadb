/*
 * buf.h - a growable byte buffer, always NUL-terminated so it can be used
 * as a C string, yet able to hold any bytes (len is authoritative).
 *
 * Used wherever the library builds output of unknown size: flat files,
 * rendered templates, JSON, diffs. Allocation failure aborts through
 * esm_xalloc: the tools cannot do anything useful without memory, and a
 * partial result must never be written.
 */
#ifndef ESM_BUF_H
#define ESM_BUF_H

#include <stddef.h>

typedef struct esm_buf {
    char *data; /* NUL-terminated; NULL only before the first append */
    size_t len;
    size_t cap;
} esm_buf;

/* Kept on one line: clang-format 14 would spread the braces over four. */
/* clang-format off */
#define ESM_BUF_INIT {NULL, 0, 0}
/* clang-format on */

void esm_buf_append(esm_buf *b, const void *bytes, size_t n);
void esm_buf_puts(esm_buf *b, const char *s);
void esm_buf_putc_grow(esm_buf *b, char c);
/* Inline: the template parser appends string literals byte by byte. */
static inline void esm_buf_putc(esm_buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
    } else {
        esm_buf_putc_grow(b, c);
    }
}
void esm_buf_printf(esm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer but keeps its memory for reuse. */
void esm_buf_reset(esm_buf *b);
/* Returns the contents as a malloc'd string the caller owns ("" when empty)
 * and leaves b empty. */
char *esm_buf_steal(esm_buf *b);
void esm_buf_free(esm_buf *b);
/* The contents as a C string, "" when nothing was appended. */
const char *esm_buf_str(const esm_buf *b);

/* malloc/realloc/strdup that abort on failure (see above for why). */
void *esm_xmalloc(size_t n);
void *esm_xcalloc(size_t count, size_t size);
void *esm_xrealloc(void *p, size_t n);
char *esm_xstrdup(const char *s);
char *esm_xstrndup(const char *s, size_t n);
/* Returns a malloc'd formatted string. */
char *esm_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
