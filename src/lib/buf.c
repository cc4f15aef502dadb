#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Out of memory is not recoverable for a config tool (see buf.h). */
static void out_of_memory(void)
{
    static const char msg[] = "esmith: out of memory\n";
    fwrite(msg, 1, sizeof msg - 1, stderr);
    abort();
}

void *esm_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        out_of_memory();
    return p;
}

void *esm_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        out_of_memory();
    return p;
}

void *esm_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        out_of_memory();
    return q;
}

char *esm_xstrndup(const char *s, size_t n)
{
    char *d = esm_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *esm_xstrdup(const char *s)
{
    return esm_xstrndup(s, strlen(s));
}

char *esm_xasprintf(const char *fmt, ...)
{
    esm_buf b = ESM_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        out_of_memory();
    if ((size_t)n < sizeof small)
        return esm_xstrndup(small, (size_t)n);
    b.data = esm_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b.data, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return b.data;
}

/* Grows geometrically so appending byte by byte stays linear. */
static void reserve(esm_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = esm_xrealloc(b->data, cap);
    b->cap = cap;
}

void esm_buf_append(esm_buf *b, const void *bytes, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void esm_buf_puts(esm_buf *b, const char *s)
{
    esm_buf_append(b, s, strlen(s));
}

void esm_buf_putc_grow(esm_buf *b, char c)
{
    esm_buf_append(b, &c, 1);
}

void esm_buf_printf(esm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        out_of_memory();
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void esm_buf_reset(esm_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *esm_buf_steal(esm_buf *b)
{
    char *s = b->data ? b->data : esm_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void esm_buf_free(esm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *esm_buf_str(const esm_buf *b)
{
    return b->data ? b->data : "";
}
