/*
 * schema.c - reading schema files with libexpat into the model of
 * schema_int.h, and looking things up in it.
 *
 * A file is all or nothing: its definitions join the schema only when
 * the whole file is good. A broken file is remembered with the keys it
 * names so writes to them are refused (schema.h says why).
 *
 * Hostile input is bounded: a DOCTYPE (the only way to declare entities,
 * hence the "billion laughs") is refused outright, files over
 * ESM_SCHEMA_MAX_FILE_BYTES are not read, nesting stops at
 * ESM_SCHEMA_MAX_DEPTH (unknown elements are errors anyway), text per
 * element at ESM_SCHEMA_MAX_TEXT_BYTES and expat's own memory at
 * ESM_SCHEMA_MAX_PARSER_MEMORY.
 */
#include "schema_int.h"

#include "lazylib.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the parse ---- */

enum elem {
    E_NONE,
    E_SCHEMA,
    E_KEY,
    E_PROP,
    E_RULE,
    E_SUMMARY,
    E_DESCRIPTION,
    E_CHOICE,
    E_CONDITION,
    E_MESSAGE
};

static const char *const elem_names[] = {
    [E_NONE] = "",
    [E_SCHEMA] = "schema",
    [E_KEY] = "key",
    [E_PROP] = "prop",
    [E_RULE] = "rule",
    [E_SUMMARY] = "summary",
    [E_DESCRIPTION] = "description",
    [E_CHOICE] = "choice",
    [E_CONDITION] = "condition",
    [E_MESSAGE] = "message",
};

struct parse {
    esm_schema *schema; /* where earlier files' keys are */
    const struct esm_expat_api *x;
    XML_Parser parser;
    const char *file;
    int depth;
    enum elem stack[ESM_SCHEMA_MAX_DEPTH + 1];
    /* what this file defines so far */
    struct esm_schema_key **keys;
    size_t nkeys;
    struct esm_schema_key *key;                      /* open <key> */
    struct esm_schema_prop *prop;                    /* open <prop> */
    struct schema_rule *rule;                        /* open <rule> */
    int key_summary, prop_summary, prop_description; /* seen in the open element */
    esm_buf text;
    int failed;
    esm_err err;
};

static unsigned long current_line(struct parse *ps)
{
    return (unsigned long)ps->x->GetCurrentLineNumber(ps->parser);
}

/* Records the first problem at the current line and stops expat. */
__attribute__((format(printf, 2, 3))) static void parse_fail(struct parse *ps, const char *fmt, ...)
{
    if (ps->failed)
        return;
    char why[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    esm_err_set(&ps->err, ESM_E_INVALID, "%s:%lu: %s", ps->file, current_line(ps), why);
    ps->failed = 1;
    ps->x->StopParser(ps->parser, XML_FALSE);
}

static char *origin_here(struct parse *ps)
{
    return esm_xasprintf("%s:%lu", ps->file, current_line(ps));
}

static enum elem elem_of(const char *name)
{
    for (size_t i = E_SCHEMA; i < sizeof elem_names / sizeof *elem_names; i++)
        if (strcmp(elem_names[i], name) == 0)
            return (enum elem)i;
    return E_NONE;
}

/* Which element may appear inside which. */
static int allowed_in(enum elem child, enum elem parent)
{
    switch (child) {
    case E_SCHEMA:
        return parent == E_NONE;
    case E_KEY:
        return parent == E_SCHEMA;
    case E_PROP:
    case E_RULE:
        return parent == E_KEY;
    case E_SUMMARY:
        return parent == E_KEY || parent == E_PROP;
    case E_DESCRIPTION:
        return parent == E_PROP;
    case E_CHOICE:
        return parent == E_PROP;
    case E_CONDITION:
    case E_MESSAGE:
        return parent == E_RULE;
    case E_NONE:
        break;
    }
    return 0;
}

static int is_text_elem(enum elem e)
{
    return e == E_SUMMARY || e == E_DESCRIPTION || e == E_CHOICE || e == E_CONDITION ||
           e == E_MESSAGE;
}

/* The value of attribute name, or NULL. Every attribute must be one of
 * known (NULL-terminated), else the parse fails. */
static int check_attrs(struct parse *ps, enum elem e, const char **attrs, const char *const *known)
{
    for (size_t i = 0; attrs[i] != NULL; i += 2) {
        size_t k;
        for (k = 0; known[k] != NULL; k++)
            if (strcmp(attrs[i], known[k]) == 0)
                break;
        if (known[k] == NULL) {
            parse_fail(ps, "unknown attribute '%s' on <%s>", attrs[i], elem_names[e]);
            return -1;
        }
    }
    return 0;
}

static const char *attr(const char **attrs, const char *name)
{
    for (size_t i = 0; attrs[i] != NULL; i += 2)
        if (strcmp(attrs[i], name) == 0)
            return attrs[i + 1];
    return NULL;
}

static int parse_bound(struct parse *ps, const char *name, const char *value, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    if (value[0] == '\0' || *end != '\0' || errno != 0) {
        parse_fail(ps, "%s='%s' is not an integer", name, value);
        return -1;
    }
    *out = v;
    return 0;
}

/* A key (any definition of this or an earlier file) already covering name. */
static const struct esm_schema_key *defined_key(struct parse *ps, const char *name)
{
    const esm_schema_key *k = esm_schema_find_key(ps->schema, name);
    for (size_t i = 0; k == NULL && i < ps->nkeys; i++)
        for (size_t n = 0; n < ps->keys[i]->nnames; n++)
            if (strcmp(ps->keys[i]->names[n], name) == 0)
                return ps->keys[i];
    return k;
}

static void start_key(struct parse *ps, const char **attrs)
{
    static const char *const known[] = {"name", "type", NULL};
    if (check_attrs(ps, E_KEY, attrs, known) != 0)
        return;
    const char *names = attr(attrs, "name");
    if (names == NULL || names[strspn(names, " \t\r\n")] == '\0') {
        parse_fail(ps, "<key> needs a name");
        return;
    }
    struct esm_schema_key *k = esm_xcalloc(1, sizeof *k);
    ps->keys = esm_xrealloc(ps->keys, (ps->nkeys + 1) * sizeof *ps->keys);
    ps->keys[ps->nkeys++] = k;
    ps->key = k;
    k->origin = origin_here(ps);
    const char *type = attr(attrs, "type");
    k->type = type ? esm_xstrdup(type) : NULL;
    /* name lists every key the definition covers: "qpsmtpd sqpsmtpd". */
    const char *p = names;
    for (;;) {
        p += strspn(p, " \t\r\n");
        size_t len = strcspn(p, " \t\r\n");
        if (len == 0)
            break;
        char *name = esm_xstrndup(p, len);
        const struct esm_schema_key *other = defined_key(ps, name);
        if (other != NULL) {
            parse_fail(ps, "key %s is already described at %s", name, other->origin);
            free(name);
            return;
        }
        k->names = esm_xrealloc(k->names, (k->nnames + 1) * sizeof *k->names);
        k->names[k->nnames++] = name;
        p += len;
    }
}

static void start_prop(struct parse *ps, const char **attrs)
{
    static const char *const known[] = {"name", "type", "default", "regex", "min", "max", NULL};
    if (check_attrs(ps, E_PROP, attrs, known) != 0)
        return;
    const char *name = attr(attrs, "name");
    const char *type = attr(attrs, "type");
    if (name == NULL || name[0] == '\0') {
        parse_fail(ps, "<prop> needs a name");
        return;
    }
    if (esm_schema_find_prop(ps->key, name) != NULL) {
        parse_fail(ps, "prop %s is described twice in key %s", name, ps->key->names[0]);
        return;
    }
    if (type == NULL) {
        parse_fail(ps, "prop %s needs a type", name);
        return;
    }
    size_t t;
    for (t = 0; t <= ESM_SCHEMA_PORT; t++)
        if (strcmp(type, esm_schema_type_name((enum esm_schema_type)t)) == 0)
            break;
    if (t > ESM_SCHEMA_PORT) {
        parse_fail(ps,
                   "prop %s: unknown type '%s' (string, enum, integer, switch, ipv4, ipv6, "
                   "hostname, port)",
                   name, type);
        return;
    }
    struct esm_schema_prop *p = esm_xcalloc(1, sizeof *p);
    p->name = esm_xstrdup(name);
    p->type = (enum esm_schema_type)t;
    p->summary = esm_xstrdup("");
    p->description = esm_xstrdup("");
    struct esm_schema_key *k = ps->key;
    k->props = esm_xrealloc(k->props, (k->nprops + 1) * sizeof *k->props);
    k->props[k->nprops++] = p;
    ps->prop = p;
    const char *def = attr(attrs, "default");
    p->def = def ? esm_xstrdup(def) : NULL;
    const char *regex = attr(attrs, "regex");
    const char *min = attr(attrs, "min");
    const char *max = attr(attrs, "max");
    if (regex != NULL && p->type != ESM_SCHEMA_STRING) {
        parse_fail(ps, "prop %s: regex is only for type string", name);
        return;
    }
    if ((min != NULL || max != NULL) && p->type != ESM_SCHEMA_INTEGER) {
        parse_fail(ps, "prop %s: min and max are only for type integer", name);
        return;
    }
    if (min != NULL && parse_bound(ps, "min", min, &p->min) != 0)
        return;
    if (max != NULL && parse_bound(ps, "max", max, &p->max) != 0)
        return;
    p->has_min = min != NULL;
    p->has_max = max != NULL;
    if (p->has_min && p->has_max && p->min > p->max) {
        parse_fail(ps, "prop %s: min %s is above max %s", name, min, max);
        return;
    }
    if (regex != NULL) {
        p->regex = esm_xstrdup(regex);
        esm_err why;
        if (schema_prop_compile(p, &why) != 0)
            parse_fail(ps, "prop %s: %s", name, why.msg);
    }
}

static void start_rule(struct parse *ps, const char **attrs)
{
    static const char *const known[] = {"level", NULL};
    if (check_attrs(ps, E_RULE, attrs, known) != 0)
        return;
    const char *level = attr(attrs, "level");
    if (level == NULL || (strcmp(level, "error") != 0 && strcmp(level, "warning") != 0)) {
        parse_fail(ps, "<rule> needs level=\"error\" or level=\"warning\"");
        return;
    }
    struct esm_schema_key *k = ps->key;
    k->rules = esm_xrealloc(k->rules, (k->nrules + 1) * sizeof *k->rules);
    ps->rule = &k->rules[k->nrules++];
    memset(ps->rule, 0, sizeof *ps->rule);
    ps->rule->level = strcmp(level, "error") == 0 ? LEVEL_ERROR : LEVEL_WARNING;
    ps->rule->origin = origin_here(ps);
}

static void XMLCALL on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
    struct parse *ps = data;
    if (ps->failed)
        return;
    enum elem parent = ps->stack[ps->depth];
    enum elem e = elem_of(name);
    if (ps->depth >= ESM_SCHEMA_MAX_DEPTH) {
        parse_fail(ps, "elements nested deeper than %d", ESM_SCHEMA_MAX_DEPTH);
        return;
    }
    if (parent == E_NONE && e != E_SCHEMA) {
        parse_fail(ps, "the root element must be <schema>, not <%s>", name);
        return;
    }
    if (e == E_NONE) {
        parse_fail(ps, "unknown element <%s>", name);
        return;
    }
    if (!allowed_in(e, parent)) {
        parse_fail(ps, "<%s> is not allowed in <%s>", name, elem_names[parent]);
        return;
    }
    ps->stack[++ps->depth] = e;
    esm_buf_reset(&ps->text);
    static const char *const none[] = {NULL};
    switch (e) {
    case E_KEY:
        ps->key_summary = 0;
        start_key(ps, attrs);
        return;
    case E_PROP:
        ps->prop_summary = ps->prop_description = 0;
        start_prop(ps, attrs);
        return;
    case E_RULE:
        start_rule(ps, attrs);
        return;
    case E_CHOICE:
        if (ps->prop->type != ESM_SCHEMA_ENUM) {
            parse_fail(ps, "prop %s: <choice> is only for type enum", ps->prop->name);
            return;
        }
        break;
    case E_SUMMARY:
    case E_DESCRIPTION: {
        int *seen = e == E_DESCRIPTION ? &ps->prop_description
                    : ps->prop != NULL ? &ps->prop_summary
                                       : &ps->key_summary;
        if (*seen) {
            parse_fail(ps, "<%s> given twice", name);
            return;
        }
        *seen = 1;
        break;
    }
    case E_CONDITION:
    case E_MESSAGE: {
        char **slot = e == E_CONDITION ? &ps->rule->condition : &ps->rule->message;
        if (*slot != NULL) {
            parse_fail(ps, "<%s> given twice", name);
            return;
        }
        break;
    }
    case E_SCHEMA:
    case E_NONE:
        break;
    }
    check_attrs(ps, e, attrs, none);
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
    struct parse *ps = data;
    if (ps->failed)
        return;
    if (is_text_elem(ps->stack[ps->depth])) {
        if (ps->text.len + (size_t)len > ESM_SCHEMA_MAX_TEXT_BYTES) {
            parse_fail(ps, "<%s> text longer than %d bytes", elem_names[ps->stack[ps->depth]],
                       ESM_SCHEMA_MAX_TEXT_BYTES);
            return;
        }
        esm_buf_append(&ps->text, s, (size_t)len);
        return;
    }
    for (int i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
            parse_fail(ps, "text is not allowed in <%s>",
                       ps->depth ? elem_names[ps->stack[ps->depth]] : "the document");
            return;
        }
}

/* Whitespace runs become one space, ends trimmed; a blank line separates
 * paragraphs, kept as "\n\n", so descriptions can be indented freely in
 * the XML and still read well in `config describe`. */
static char *normalize_text(const char *s)
{
    esm_buf b = ESM_BUF_INIT;
    int pending_space = 0, pending_par = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            if (*p == '\n') {
                const char *q = p + 1;
                q += strspn(q, " \t\r");
                if (*q == '\n')
                    pending_par = 1;
            }
            pending_space = 1;
            continue;
        }
        if (b.len > 0 && pending_par)
            esm_buf_puts(&b, "\n\n");
        else if (b.len > 0 && pending_space)
            esm_buf_putc(&b, ' ');
        pending_space = pending_par = 0;
        esm_buf_putc(&b, *p);
    }
    return esm_buf_steal(&b);
}

static void end_prop(struct parse *ps)
{
    struct esm_schema_prop *p = ps->prop;
    ps->prop = NULL;
    if (p->type == ESM_SCHEMA_ENUM && p->nchoices == 0) {
        parse_fail(ps, "prop %s: an enum needs at least one <choice>", p->name);
        return;
    }
    if (p->def != NULL) {
        esm_err why;
        if (esm_schema_check_value(p, ps->key->names[0], p->def, &why) != 0)
            parse_fail(ps, "the default of %s", why.msg);
    }
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
    struct parse *ps = data;
    (void)name;
    if (ps->failed)
        return;
    enum elem e = ps->stack[ps->depth--];
    char *text = NULL;
    if (e == E_CONDITION) {
        /* code keeps its layout; only the ends are trimmed */
        const char *s = esm_buf_str(&ps->text);
        s += strspn(s, " \t\r\n");
        size_t n = strlen(s);
        while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
            n--;
        text = esm_xstrndup(s, n);
    } else if (is_text_elem(e)) {
        text = normalize_text(esm_buf_str(&ps->text));
    }
    switch (e) {
    case E_KEY:
        ps->key = NULL;
        return;
    case E_PROP:
        end_prop(ps);
        return;
    case E_RULE:
        if (ps->rule->condition == NULL || ps->rule->message == NULL)
            parse_fail(ps, "a <rule> needs a <condition> and a <message>");
        ps->rule = NULL;
        return;
    case E_SUMMARY:
        if (ps->prop != NULL) {
            free(ps->prop->summary);
            ps->prop->summary = text;
        } else {
            free(ps->key->summary);
            ps->key->summary = text;
        }
        return;
    case E_DESCRIPTION:
        free(ps->prop->description);
        ps->prop->description = text;
        return;
    case E_CHOICE: {
        struct esm_schema_prop *p = ps->prop;
        for (size_t i = 0; i < p->nchoices; i++)
            if (strcmp(p->choices[i], text) == 0) {
                parse_fail(ps, "prop %s: choice '%s' given twice", p->name, text);
                free(text);
                return;
            }
        p->choices = esm_xrealloc(p->choices, (p->nchoices + 1) * sizeof *p->choices);
        p->choices[p->nchoices++] = text;
        return;
    }
    case E_CONDITION:
        if (text[0] == '\0')
            parse_fail(ps, "empty <condition>");
        ps->rule->condition = text;
        return;
    case E_MESSAGE:
        ps->rule->message = text;
        return;
    case E_SCHEMA:
    case E_NONE:
        break;
    }
    free(text);
}

/* A DOCTYPE is where entities are declared: refusing it is what stops
 * entity expansion bombs before they start. */
static void XMLCALL on_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    parse_fail(data, "a DOCTYPE is not allowed in a schema (entities are refused)");
}

static void XMLCALL on_entity(void *data, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid, (void)pubid,
        (void)notation;
    parse_fail(data, "entity '%s' refused: schemas cannot declare entities", name);
}

/* expat's memory, counted so that no input can make it grow without
 * bound. Each block carries its size in front. */
static size_t parser_memory;

static void *counted_malloc(size_t n)
{
    if (n > ESM_SCHEMA_MAX_PARSER_MEMORY || parser_memory + n > ESM_SCHEMA_MAX_PARSER_MEMORY)
        return NULL;
    max_align_t *block = malloc(sizeof(max_align_t) + n);
    if (block == NULL)
        return NULL;
    *(size_t *)block = n;
    parser_memory += n;
    return block + 1;
}

static void counted_free(void *p)
{
    if (p == NULL)
        return;
    max_align_t *block = (max_align_t *)p - 1;
    parser_memory -= *(size_t *)block;
    free(block);
}

static void *counted_realloc(void *p, size_t n)
{
    if (p == NULL)
        return counted_malloc(n);
    max_align_t *block = (max_align_t *)p - 1;
    size_t old = *(size_t *)block;
    if (n > old && (n > ESM_SCHEMA_MAX_PARSER_MEMORY ||
                    parser_memory - old + n > ESM_SCHEMA_MAX_PARSER_MEMORY))
        return NULL;
    max_align_t *grown = realloc(block, sizeof(max_align_t) + n);
    if (grown == NULL)
        return NULL;
    *(size_t *)grown = n;
    parser_memory = parser_memory - old + n;
    return grown + 1;
}

static void key_free(struct esm_schema_key *k)
{
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->nnames; i++)
        free(k->names[i]);
    free(k->names);
    free(k->type);
    free(k->summary);
    free(k->origin);
    for (size_t i = 0; i < k->nprops; i++)
        schema_prop_free(k->props[i]);
    free(k->props);
    for (size_t i = 0; i < k->nrules; i++) {
        free(k->rules[i].condition);
        free(k->rules[i].message);
        free(k->rules[i].origin);
    }
    free(k->rules);
    free(k);
}

/* The keys a broken file names: what it defined before the error, plus
 * every <key name="..."> found by a plain scan of the bytes (the error
 * may come before them), plus the file's own name without ".xml", the
 * convention for a package's main key. */
static void note_broken(esm_schema *s, const char *filename, const char *xml, size_t len,
                        struct parse *ps, const char *message)
{
    struct broken_file *b;
    s->broken = esm_xrealloc(s->broken, (s->nbroken + 1) * sizeof *s->broken);
    b = &s->broken[s->nbroken++];
    memset(b, 0, sizeof *b);
    b->message = esm_xstrdup(message);
    esm_buf names = ESM_BUF_INIT;
    for (size_t i = 0; ps != NULL && i < ps->nkeys; i++)
        for (size_t n = 0; n < ps->keys[i]->nnames; n++)
            esm_buf_printf(&names, "%s ", ps->keys[i]->names[n]);
    for (size_t i = 0; i + 5 < len; i++) {
        if (memcmp(xml + i, "<key", 4) != 0 || strchr(" \t\r\n", xml[i + 4]) == NULL)
            continue;
        const char *end = memchr(xml + i, '>', len - i);
        size_t tag_len = end ? (size_t)(end - (xml + i)) : len - i;
        char *tag = esm_xstrndup(xml + i, tag_len);
        const char *at = strstr(tag, "name");
        if (at != NULL) {
            at += 4;
            at += strspn(at, " \t\r\n=");
            if (*at == '"' || *at == '\'') {
                const char *close = strchr(at + 1, *at);
                if (close != NULL)
                    esm_buf_append(&names, at + 1, (size_t)(close - at - 1));
                esm_buf_putc(&names, ' ');
            }
        }
        free(tag);
    }
    const char *base = strrchr(filename, '/');
    base = base ? base + 1 : filename;
    size_t blen = strlen(base);
    if (blen > 4 && strcmp(base + blen - 4, ".xml") == 0)
        esm_buf_append(&names, base, blen - 4);
    const char *p = esm_buf_str(&names);
    for (;;) {
        p += strspn(p, " \t\r\n");
        size_t n = strcspn(p, " \t\r\n");
        if (n == 0)
            break;
        b->covered = esm_xrealloc(b->covered, (b->ncovered + 1) * sizeof *b->covered);
        b->covered[b->ncovered++] = esm_xstrndup(p, n);
        p += n;
    }
    esm_buf_free(&names);
}

int esm_schema_add_buffer(esm_schema *s, const char *filename, const char *xml, size_t len,
                          esm_err *err)
{
    esm_err why;
    if (len > ESM_SCHEMA_MAX_FILE_BYTES) {
        esm_err_set(&why, ESM_E_INVALID, "%s:1: file too large (%zu bytes, at most %d)", filename,
                    len, ESM_SCHEMA_MAX_FILE_BYTES);
        note_broken(s, filename, "", 0, NULL, why.msg);
        return esm_err_set(err, ESM_E_INVALID, "%s", why.msg);
    }
    struct parse ps = {.schema = s, .file = filename};
    ps.x = esm_expat(&why);
    if (ps.x == NULL) {
        esm_err_set(&why, ESM_E_FAIL, "%s:1: %.900s", filename, why.msg);
        note_broken(s, filename, xml, len, NULL, why.msg);
        return esm_err_set(err, ESM_E_FAIL, "%s", why.msg);
    }
    static const XML_Memory_Handling_Suite memory = {counted_malloc, counted_realloc, counted_free};
    ps.parser = ps.x->ParserCreate_MM(NULL, &memory, NULL);
    if (ps.parser == NULL) {
        esm_err_set(&why, ESM_E_NOMEM, "%s:1: out of memory", filename);
        note_broken(s, filename, xml, len, NULL, why.msg);
        return esm_err_set(err, ESM_E_NOMEM, "%s", why.msg);
    }
    ps.x->SetUserData(ps.parser, &ps);
    ps.x->SetElementHandler(ps.parser, on_start, on_end);
    ps.x->SetCharacterDataHandler(ps.parser, on_text);
    ps.x->SetStartDoctypeDeclHandler(ps.parser, on_doctype);
    ps.x->SetEntityDeclHandler(ps.parser, on_entity);
    /* XML_Parse takes an int length; the size limit above keeps len small */
    enum XML_Status st = ps.x->Parse(ps.parser, xml, (int)len, XML_TRUE);
    if (st != XML_STATUS_OK && !ps.failed) {
        enum XML_Error code = ps.x->GetErrorCode(ps.parser);
        esm_err_set(&ps.err, ESM_E_INVALID, "%s:%lu: %s", filename, current_line(&ps),
                    ps.x->ErrorString(code));
        ps.failed = 1;
    }
    ps.x->ParserFree(ps.parser);
    esm_buf_free(&ps.text);
    int rc = 0;
    if (ps.failed) {
        note_broken(s, filename, xml, len, &ps, ps.err.msg);
        for (size_t i = 0; i < ps.nkeys; i++)
            key_free(ps.keys[i]);
        rc = esm_err_set(err, ESM_E_INVALID, "%s", ps.err.msg);
    } else {
        s->keys = esm_xrealloc(s->keys, (s->nkeys + ps.nkeys + 1) * sizeof *s->keys);
        memcpy(s->keys + s->nkeys, ps.keys, ps.nkeys * sizeof *ps.keys);
        s->nkeys += ps.nkeys;
    }
    free(ps.keys);
    return rc;
}

/* ---- files and directories ---- */

int esm_schema_add_file(esm_schema *s, const char *path, esm_err *err)
{
    const char *shown = esm_path_unroot(path);
    esm_err why;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        esm_err_sys(&why, errno, "%s:1: cannot read", shown);
    } else if (!S_ISREG(st.st_mode)) {
        esm_err_set(&why, ESM_E_INVALID, "%s:1: not a regular file", shown);
    } else if (st.st_size > ESM_SCHEMA_MAX_FILE_BYTES) {
        esm_err_set(&why, ESM_E_INVALID, "%s:1: file too large (%lld bytes, at most %d)", shown,
                    (long long)st.st_size, ESM_SCHEMA_MAX_FILE_BYTES);
    } else {
        size_t cap = (size_t)st.st_size + 1, len = 0;
        char *xml = esm_xmalloc(cap);
        ssize_t n;
        while ((n = read(fd, xml + len, cap - len)) > 0) {
            len += (size_t)n;
            if (len == cap)
                break; /* grew while we read: the limit still applies */
        }
        int rc;
        if (n < 0)
            rc = esm_err_sys(err, errno, "%s:1: cannot read", shown);
        else
            rc = esm_schema_add_buffer(s, shown, xml, len, err);
        if (n < 0)
            note_broken(s, shown, xml, len, NULL, err->msg);
        free(xml);
        close(fd);
        return rc;
    }
    if (fd >= 0)
        close(fd);
    note_broken(s, shown, "", 0, NULL, why.msg);
    return esm_err_set(err, ESM_E_INVALID, "%s", why.msg);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int esm_schema_add_dir(esm_schema *s, const char *dir, esm_err *err)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        if (errno == ENOENT)
            return 0;
        return esm_err_sys(err, errno, "schema directory %s", esm_path_unroot(dir));
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        size_t n = strlen(ent->d_name);
        if (ent->d_name[0] == '.' || n <= 4 || strcmp(ent->d_name + n - 4, ".xml") != 0)
            continue;
        names = esm_xrealloc(names, (count + 1) * sizeof *names);
        names[count++] = esm_xstrdup(ent->d_name);
    }
    closedir(d);
    if (count > 0)
        qsort(names, count, sizeof *names, by_name);
    int broken = 0;
    for (size_t i = 0; i < count; i++) {
        char *path = esm_xasprintf("%s/%s", dir, names[i]);
        esm_err ignored; /* recorded in s->broken */
        broken += esm_schema_add_file(s, path, &ignored) != 0;
        free(path);
        free(names[i]);
    }
    free(names);
    return broken;
}

char *esm_schema_dir(const char *dbname)
{
    const char *base = strrchr(dbname, '/');
    base = base ? base + 1 : dbname;
    const char *top = getenv("ESMITH_DB_DEFAULTSDIR");
    if (top != NULL && top[0] != '\0')
        return esm_xasprintf("%s/%s/schema", top, base);
    char *abs = esm_xasprintf("/etc/e-smith/db/%s/schema", base);
    char *dir = esm_path_dup(abs);
    free(abs);
    return dir;
}

esm_schema *esm_schema_new(void)
{
    return esm_xcalloc(1, sizeof(esm_schema));
}

void esm_schema_free(esm_schema *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nkeys; i++)
        key_free(s->keys[i]);
    free(s->keys);
    for (size_t i = 0; i < s->nbroken; i++) {
        free(s->broken[i].message);
        for (size_t n = 0; n < s->broken[i].ncovered; n++)
            free(s->broken[i].covered[n]);
        free(s->broken[i].covered);
    }
    free(s->broken);
    free(s);
}

/* ---- lookups ---- */

size_t esm_schema_broken_count(const esm_schema *s)
{
    return s->nbroken;
}

const char *esm_schema_broken_at(const esm_schema *s, size_t i)
{
    return s->broken[i].message;
}

int esm_schema_blocks(const esm_schema *s, const char *key, esm_err *err)
{
    for (size_t i = 0; i < s->nbroken; i++)
        for (size_t n = 0; n < s->broken[i].ncovered; n++)
            if (strcmp(s->broken[i].covered[n], key) == 0) {
                esm_err_set(err, ESM_E_INVALID,
                            "%s: writes refused while its schema is broken: %.900s", key,
                            s->broken[i].message);
                return 1;
            }
    return 0;
}

const esm_schema_key *esm_schema_find_key(const esm_schema *s, const char *key)
{
    for (size_t i = 0; i < s->nkeys; i++)
        for (size_t n = 0; n < s->keys[i]->nnames; n++)
            if (strcmp(s->keys[i]->names[n], key) == 0)
                return s->keys[i];
    return NULL;
}

const char *esm_schema_key_origin(const esm_schema_key *k)
{
    return k->origin;
}

const char *esm_schema_key_type(const esm_schema_key *k)
{
    return k->type;
}

const char *esm_schema_key_summary(const esm_schema_key *k)
{
    return k->summary ? k->summary : "";
}

size_t esm_schema_prop_count(const esm_schema_key *k)
{
    return k->nprops;
}

const esm_schema_prop *esm_schema_prop_at(const esm_schema_key *k, size_t i)
{
    return k->props[i];
}

const esm_schema_prop *esm_schema_find_prop(const esm_schema_key *k, const char *prop)
{
    for (size_t i = 0; i < k->nprops; i++)
        if (strcmp(k->props[i]->name, prop) == 0)
            return k->props[i];
    return NULL;
}

size_t esm_schema_rule_count(const esm_schema_key *k)
{
    return k->nrules;
}

const char *esm_schema_rule_level(const esm_schema_key *k, size_t i)
{
    return k->rules[i].level == LEVEL_ERROR ? "error" : "warning";
}

const char *esm_schema_rule_message(const esm_schema_key *k, size_t i)
{
    return k->rules[i].message;
}

const char *esm_schema_prop_name(const esm_schema_prop *p)
{
    return p->name;
}

enum esm_schema_type esm_schema_prop_type(const esm_schema_prop *p)
{
    return p->type;
}

const char *esm_schema_prop_default(const esm_schema_prop *p)
{
    return p->def;
}

const char *esm_schema_prop_summary(const esm_schema_prop *p)
{
    return p->summary;
}

const char *esm_schema_prop_description(const esm_schema_prop *p)
{
    return p->description;
}
