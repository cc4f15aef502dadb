/*
 * record.c - a record (a type plus props) and its raw e-smith form
 * "type|prop|value|...".
 *
 * The raw form is what the Perl tools parse: fields are separated by '|'
 * characters not preceded by a backslash, and the record API turns "\|"
 * back into "|". We write a '|' inside a field as "\|", so a value with a
 * pipe survives. Props are kept sorted by name (byte order) so encoding
 * gives the sorted form the flat file wants; a record decoded and never
 * modified keeps its raw bytes, so untouched records round-trip exactly.
 */
#include "db.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

struct prop {
    char *name;
    char *value;
};

struct esm_record {
    char *type;
    struct prop *props; /* sorted by name */
    size_t count;
    size_t cap;
    char *raw; /* the decoded-from bytes while unmodified, else NULL */
    size_t raw_len;
};

esm_record *esm_record_new(const char *type)
{
    esm_record *rec = esm_xcalloc(1, sizeof *rec);
    rec->type = esm_xstrdup(type);
    return rec;
}

esm_record *esm_record_dup(const esm_record *rec)
{
    esm_record *copy = esm_record_new(rec->type);
    copy->props = esm_xcalloc(rec->count, sizeof *copy->props);
    copy->cap = rec->count;
    for (size_t i = 0; i < rec->count; i++) {
        copy->props[i].name = esm_xstrdup(rec->props[i].name);
        copy->props[i].value = esm_xstrdup(rec->props[i].value);
    }
    copy->count = rec->count;
    if (rec->raw != NULL) {
        copy->raw = esm_xstrndup(rec->raw, rec->raw_len);
        copy->raw_len = rec->raw_len;
    }
    return copy;
}

void esm_record_free(esm_record *rec)
{
    if (rec == NULL)
        return;
    for (size_t i = 0; i < rec->count; i++) {
        free(rec->props[i].name);
        free(rec->props[i].value);
    }
    free(rec->props);
    free(rec->type);
    free(rec->raw);
    free(rec);
}

/* Any change makes the kept raw bytes stale: encode must rebuild them. */
static void forget_raw(esm_record *rec)
{
    free(rec->raw);
    rec->raw = NULL;
    rec->raw_len = 0;
}

const char *esm_record_type(const esm_record *rec)
{
    return rec->type;
}

void esm_record_set_type(esm_record *rec, const char *type)
{
    char *copy = esm_xstrdup(type);
    free(rec->type);
    rec->type = copy;
    forget_raw(rec);
}

/* Binary search: the index of prop, or where it would be inserted (*found
 * tells which). */
static size_t find_prop(const esm_record *rec, const char *prop, int *found)
{
    size_t lo = 0, hi = rec->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rec->props[mid].name, prop);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

const char *esm_record_get(const esm_record *rec, const char *prop)
{
    int found;
    size_t i = find_prop(rec, prop, &found);
    return found ? rec->props[i].value : NULL;
}

/* Adds a property at i, where find_prop said it belongs, so the
 * properties stay sorted by name; takes name and value (malloc'd). */
static void insert_prop(esm_record *rec, size_t i, char *name, char *value)
{
    if (rec->count == rec->cap) {
        rec->cap = rec->cap ? rec->cap * 2 : 8;
        rec->props = esm_xrealloc(rec->props, rec->cap * sizeof *rec->props);
    }
    memmove(&rec->props[i + 1], &rec->props[i], (rec->count - i) * sizeof *rec->props);
    rec->props[i].name = name;
    rec->props[i].value = value;
    rec->count++;
}

/* Sets without touching the raw bytes: the decoder uses it, so a freshly
 * decoded record still counts as unmodified. */
static void set_prop_n(esm_record *rec, const char *prop, const char *value, size_t value_len)
{
    int found;
    size_t i = find_prop(rec, prop, &found);
    char *copy = esm_xstrndup(value, value_len);
    if (found) {
        free(rec->props[i].value);
        rec->props[i].value = copy;
        return;
    }
    insert_prop(rec, i, esm_xstrdup(prop), copy);
}

/* set_prop_n for the decoder, taking name and value (malloc'd): a record
 * read for a template is decoded once and dropped, so copying each field
 * twice was most of the work of reading it. */
static void set_prop_owned(esm_record *rec, char *name, char *value)
{
    int found;
    size_t i = find_prop(rec, name, &found);
    if (found) {
        free(name);
        free(rec->props[i].value);
        rec->props[i].value = value;
        return;
    }
    insert_prop(rec, i, name, value);
}

void esm_record_set(esm_record *rec, const char *prop, const char *value)
{
    set_prop_n(rec, prop, value, strlen(value));
    forget_raw(rec);
}

int esm_record_unset(esm_record *rec, const char *prop)
{
    int found;
    size_t i = find_prop(rec, prop, &found);
    if (!found)
        return 0;
    free(rec->props[i].name);
    free(rec->props[i].value);
    memmove(&rec->props[i], &rec->props[i + 1], (rec->count - i - 1) * sizeof *rec->props);
    rec->count--;
    forget_raw(rec);
    return 1;
}

size_t esm_record_count(const esm_record *rec)
{
    return rec->count;
}

const char *esm_record_name_at(const esm_record *rec, size_t i)
{
    return i < rec->count ? rec->props[i].name : NULL;
}

const char *esm_record_value_at(const esm_record *rec, size_t i)
{
    return i < rec->count ? rec->props[i].value : NULL;
}

/* A field of the raw form with "\|" turned back into "|", as the Perl
 * record API reads it. */
static char *unescape_field(const char *s, size_t n)
{
    char *out = esm_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|')
            continue;
        out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

/* The end of the field starting at s: the first '|' not preceded by a
 * backslash (Perl: split /(?<!\\)\|/), or end. */
static const char *field_end(const char *s, const char *end)
{
    for (const char *p = s; p < end; p++)
        if (*p == '|' && (p == s || p[-1] != '\\'))
            return p;
    return end;
}

esm_record *esm_record_decode(const char *raw, size_t len)
{
    const char *end = raw + len;
    const char *nul = memchr(raw, '\0', len);
    if (nul != NULL)
        end = nul;
    const char *p = raw;
    const char *fe = field_end(p, end);
    esm_record *rec = esm_xcalloc(1, sizeof *rec);
    rec->type = unescape_field(p, (size_t)(fe - p));
    p = fe;
    while (p < end) {
        const char *name_start = p + 1;
        const char *name_end = field_end(name_start, end);
        char *name = unescape_field(name_start, (size_t)(name_end - name_start));
        char *value;
        if (name_end < end) {
            const char *value_end = field_end(name_end + 1, end);
            value = unescape_field(name_end + 1, (size_t)(value_end - name_end - 1));
            p = value_end;
        } else {
            /* An unpaired last name: Perl gives it an undefined value. */
            value = esm_xstrdup("");
            p = name_end;
        }
        set_prop_owned(rec, name, value);
    }
    rec->raw_len = (size_t)(end - raw);
    rec->raw = esm_xstrndup(raw, rec->raw_len);
    return rec;
}

/* A field with each '|' written as "\|" (see the top of this file). */
static void append_escaped(esm_buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '|')
            esm_buf_putc(b, '\\');
        esm_buf_putc(b, *p);
    }
}

char *esm_record_encode(const esm_record *rec)
{
    if (rec->raw != NULL)
        return esm_xstrndup(rec->raw, rec->raw_len);
    esm_buf b = ESM_BUF_INIT;
    append_escaped(&b, rec->type);
    for (size_t i = 0; i < rec->count; i++) {
        esm_buf_putc(&b, '|');
        append_escaped(&b, rec->props[i].name);
        esm_buf_putc(&b, '|');
        append_escaped(&b, rec->props[i].value);
    }
    return esm_buf_steal(&b);
}

size_t esm_record_field_count(const char *raw)
{
    const char *end = raw + strlen(raw);
    size_t n = 1;
    for (const char *p = field_end(raw, end); p < end; p = field_end(p + 1, end))
        n++;
    return n;
}
