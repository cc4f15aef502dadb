/*
 * schema_check.c - a database against its schema: the guard around each
 * write command, `config check`, `config describe` and completion.
 *
 * Rules are evaluated with the template engine on an environment built on
 * the db handle itself, so inside a write's transaction a condition like
 * `$qpsmtpd{HeloPolicy} eq 'rfc'` reads the value about to be committed.
 */
#include "schema_int.h"

#include "tmpl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

esm_schema *esm_schema_load_for(const esm_db *db, esm_err *err)
{
    esm_schema *s = esm_schema_new();
    char *dir = esm_schema_dir(esm_db_name(db));
    int rc = esm_schema_add_dir(s, dir, err);
    free(dir);
    if (rc < 0) {
        esm_schema_free(s);
        return NULL;
    }
    return s;
}

/* ---- rules ---- */

static void ignore_warning(void *ctx, const char *filename, const char *msg)
{
    (void)ctx, (void)filename, (void)msg;
}

/* Evaluates rule's condition for key against db as it is now (pending
 * state included). Returns 1 when the condition holds (the rule's message
 * applies), 0 when not, -1 with err when it cannot be evaluated. The
 * condition is one code block; its value is judged by Perl's truth. */
static int rule_holds(esm_db *db, const char *key, const struct schema_rule *rule, esm_err *err)
{
    esm_tmpl_env *env = esm_tmpl_env_new(db);
    esm_tmpl_env_on_warning(env, ignore_warning, NULL);
    esm_tmpl_env_set_scalar(env, "KEY", key);
    int truthy = 0;
    esm_err why;
    int rc = esm_tmpl_eval(env, rule->condition, strlen(rule->condition), rule->origin, NULL,
                           &truthy, &why);
    esm_tmpl_env_free(env);
    if (rc != 0)
        return esm_err_set(err, ESM_E_INVALID, "%s: the rule at %s cannot be evaluated: %.700s",
                           key, rule->origin, why.msg);
    return truthy != 0;
}

/* ---- the write guard ---- */

struct esm_schema_guard {
    esm_db *db;
    char *key;
    esm_schema *schema;        /* NULL when the db has no schema directory */
    const esm_schema_key *def; /* NULL when key is free-form */
    esm_record *before;        /* NULL when the key did not exist */
    unsigned char *failing;    /* per rule: an error rule that already held before */
};

static int dir_exists(const char *dir)
{
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

esm_schema_guard *esm_schema_guard_begin(esm_db *db, const char *key, esm_err *err)
{
    esm_schema_guard *g = esm_xcalloc(1, sizeof *g);
    g->db = db;
    g->key = esm_xstrdup(key);
    char *dir = esm_schema_dir(esm_db_name(db));
    int has_schema = dir_exists(dir);
    free(dir);
    if (!has_schema)
        return g; /* the common fast path: no parser is even loaded */
    g->schema = esm_schema_load_for(db, err);
    if (g->schema == NULL || esm_schema_blocks(g->schema, key, err)) {
        esm_schema_guard_free(g);
        return NULL;
    }
    g->def = esm_schema_find_key(g->schema, key);
    if (g->def == NULL)
        return g;
    if (esm_db_get(db, key, &g->before, err) < 0) {
        esm_schema_guard_free(g);
        return NULL;
    }
    g->failing = esm_xcalloc(g->def->nrules + 1, 1);
    for (size_t i = 0; g->before != NULL && i < g->def->nrules; i++) {
        esm_err ignored; /* an unevaluable rule is reported after the change */
        if (g->def->rules[i].level == LEVEL_ERROR)
            g->failing[i] = rule_holds(db, key, &g->def->rules[i], &ignored) == 1;
    }
    return g;
}

void esm_schema_guard_free(esm_schema_guard *g)
{
    if (g == NULL)
        return;
    free(g->key);
    esm_schema_free(g->schema);
    esm_record_free(g->before);
    free(g->failing);
    free(g);
}

/* The record type check shared by the guard and `check`. */
static int check_type(const esm_schema_key *def, const char *key, const esm_record *rec,
                      esm_err *err)
{
    if (def->type == NULL || strcmp(def->type, esm_record_type(rec)) == 0)
        return 0;
    esm_buf b = ESM_BUF_INIT;
    esm_buf_printf(&b, "%s: type ", key);
    schema_quote_value(&b, esm_record_type(rec));
    esm_buf_printf(&b, " is not %s", def->type);
    esm_err_set(err, ESM_E_INVALID, "%s", esm_buf_str(&b));
    esm_buf_free(&b);
    return -1;
}

static int same_record(const esm_record *a, const esm_record *b)
{
    char *ea = esm_record_encode(a), *eb = esm_record_encode(b);
    int same = strcmp(ea, eb) == 0;
    free(ea);
    free(eb);
    return same;
}

int esm_schema_guard_check(esm_schema_guard *g, esm_buf *warnings, esm_err *err)
{
    if (g->def == NULL)
        return 0;
    esm_record *after;
    int found = esm_db_get(g->db, g->key, &after, err);
    if (found <= 0)
        return found; /* deleted: nothing left to check */
    int rc = -1;
    const esm_record *before = g->before;
    if (before != NULL && same_record(before, after)) {
        rc = 0; /* nothing changes (setdefault on an existing key): nothing to say */
        goto out;
    }
    /* Only what this command changes is judged: a value a Perl tool wrote
     * earlier must not block an unrelated setprop (`check` finds it). */
    if ((before == NULL || strcmp(esm_record_type(before), esm_record_type(after)) != 0) &&
        check_type(g->def, g->key, after, err) != 0)
        goto out;
    for (size_t i = 0; i < esm_record_count(after); i++) {
        const char *name = esm_record_name_at(after, i);
        const char *value = esm_record_value_at(after, i);
        const esm_schema_prop *p = esm_schema_find_prop(g->def, name);
        const char *old = before ? esm_record_get(before, name) : NULL;
        if (p == NULL || (old != NULL && strcmp(old, value) == 0))
            continue;
        if (esm_schema_check_value(p, g->key, value, err) != 0)
            goto out;
    }
    for (size_t i = 0; i < g->def->nrules; i++) {
        const struct schema_rule *rule = &g->def->rules[i];
        esm_err why;
        int holds = rule_holds(g->db, g->key, rule, &why);
        if (holds < 0 && rule->level == LEVEL_ERROR) {
            esm_err_set(err, ESM_E_INVALID, "%s", why.msg);
            goto out;
        }
        if (holds < 0) {
            esm_buf_printf(warnings, "%s\n", why.msg);
        } else if (holds && rule->level == LEVEL_ERROR && !g->failing[i]) {
            esm_err_set(err, ESM_E_INVALID, "%s: %.900s", g->key, rule->message);
            goto out;
        } else if (holds) {
            esm_buf_printf(warnings, "%s: %s%s\n", g->key, rule->message,
                           rule->level == LEVEL_ERROR ? " (already so before this change)" : "");
        }
    }
    rc = 0;
out:
    esm_record_free(after);
    return rc;
}

/* ---- config check ---- */

/* Checks one described record completely; returns the number of errors. */
static int check_record(esm_db *db, const esm_schema_key *def, const char *key,
                        const esm_record *rec, esm_buf *report)
{
    int errors = 0;
    esm_err why;
    if (check_type(def, key, rec, &why) != 0) {
        esm_buf_printf(report, "error: %s\n", why.msg);
        errors++;
    }
    for (size_t i = 0; i < esm_record_count(rec); i++) {
        const esm_schema_prop *p = esm_schema_find_prop(def, esm_record_name_at(rec, i));
        if (p != NULL && esm_schema_check_value(p, key, esm_record_value_at(rec, i), &why) != 0) {
            esm_buf_printf(report, "error: %s\n", why.msg);
            errors++;
        }
    }
    for (size_t i = 0; i < def->nrules; i++) {
        const struct schema_rule *rule = &def->rules[i];
        int holds = rule_holds(db, key, rule, &why);
        if (holds < 0) {
            int is_error = rule->level == LEVEL_ERROR;
            esm_buf_printf(report, "%s: %s\n", is_error ? "error" : "warning", why.msg);
            errors += is_error;
        } else if (holds) {
            int is_error = rule->level == LEVEL_ERROR;
            esm_buf_printf(report, "%s: %s: %s\n", is_error ? "error" : "warning", key,
                           rule->message);
            errors += is_error;
        }
    }
    return errors;
}

int esm_schema_check_db(esm_db *db, const char *key, esm_buf *report, esm_err *err)
{
    esm_schema *s = esm_schema_load_for(db, err);
    if (s == NULL)
        return -1;
    int errors = 0;
    for (size_t i = 0; i < s->nbroken; i++) {
        int covers = key == NULL;
        for (size_t n = 0; !covers && n < s->broken[i].ncovered; n++)
            covers = strcmp(s->broken[i].covered[n], key) == 0;
        if (covers) {
            esm_buf_printf(report, "error: %s\n", s->broken[i].message);
            errors++;
        }
    }
    char **keys;
    size_t count;
    if (key != NULL) {
        keys = esm_xcalloc(2, sizeof *keys);
        keys[0] = esm_xstrdup(key);
        count = 1;
    } else if (esm_db_keys(db, &keys, &count, err) != 0) {
        esm_schema_free(s);
        return -1;
    }
    for (size_t i = 0; i < count && errors >= 0; i++) {
        const esm_schema_key *def = esm_schema_find_key(s, keys[i]);
        if (def == NULL)
            continue;
        esm_record *rec;
        int found = esm_db_get(db, keys[i], &rec, err);
        if (found < 0)
            errors = -1;
        else if (found)
            errors += check_record(db, def, keys[i], rec, report);
        esm_record_free(rec);
    }
    esm_strv_free(keys);
    esm_schema_free(s);
    return errors;
}

/* ---- describe and complete ---- */

/* Appends text wrapped at 78 columns, every line indented; "\n\n" in
 * text (a paragraph break) stays a blank line. */
static void put_wrapped(esm_buf *out, const char *text, int indent)
{
    const int width = 78;
    int col = 0;
    const char *p = text;
    while (*p) {
        if (p[0] == '\n') {
            esm_buf_puts(out, col ? "\n\n" : "\n");
            col = 0;
            p += strspn(p, "\n");
            continue;
        }
        p += strspn(p, " ");
        size_t word = strcspn(p, " \n");
        if (word == 0)
            continue;
        if (col > indent && col + 1 + (int)word > width) {
            esm_buf_putc(out, '\n');
            col = 0;
        }
        if (col == 0) {
            esm_buf_printf(out, "%*s", indent, "");
            col = indent;
        } else {
            esm_buf_putc(out, ' ');
            col++;
        }
        esm_buf_append(out, p, word);
        col += (int)word;
        p += word;
    }
    if (col)
        esm_buf_putc(out, '\n');
}

static void describe_prop(esm_buf *out, const esm_schema_prop *p, const esm_record *rec)
{
    esm_buf_printf(out, "%s", p->name);
    if (p->summary[0])
        esm_buf_printf(out, " - %s", p->summary);
    char *allowed = esm_schema_prop_allowed(p);
    esm_buf_printf(out, "\n    type:    %s\n    allowed: %s\n", esm_schema_type_name(p->type),
                   allowed);
    free(allowed);
    esm_buf_printf(out, "    default: %s\n", p->def ? p->def : "(none)");
    const char *current = rec ? esm_record_get(rec, p->name) : NULL;
    if (current != NULL) {
        esm_buf_puts(out, "    current: ");
        schema_quote_value(out, current);
        esm_buf_putc(out, '\n');
    } else {
        esm_buf_puts(out, "    current: (not set)\n");
    }
    if (p->description[0]) {
        esm_buf_putc(out, '\n');
        put_wrapped(out, p->description, 4);
    }
}

/* The definition of key (or NULL with err) and its record (may be NULL). */
static const esm_schema_key *described(esm_db *db, esm_schema *s, const char *key, esm_record **rec,
                                       esm_err *err)
{
    *rec = NULL;
    if (esm_schema_blocks(s, key, err))
        return NULL;
    const esm_schema_key *def = esm_schema_find_key(s, key);
    if (def == NULL) {
        esm_err_set(err, ESM_E_NOTFOUND,
                    "%s: no schema describes this key (its props are free-form)", key);
        return NULL;
    }
    if (esm_db_get(db, key, rec, err) < 0)
        return NULL;
    return def;
}

int esm_schema_describe(esm_db *db, const char *key, const char *prop, esm_buf *out, esm_err *err)
{
    esm_schema *s = esm_schema_load_for(db, err);
    if (s == NULL)
        return -1;
    esm_record *rec;
    const esm_schema_key *def = described(db, s, key, &rec, err);
    int rc = -1;
    if (def == NULL)
        goto out;
    if (prop != NULL) {
        const esm_schema_prop *p = esm_schema_find_prop(def, prop);
        if (p == NULL) {
            esm_err_set(err, ESM_E_NOTFOUND, "%s %s: not described by the schema (free-form)", key,
                        prop);
            goto out;
        }
        describe_prop(out, p, rec);
        rc = 0;
        goto out;
    }
    esm_buf_printf(out, "%s", key);
    if (def->summary && def->summary[0])
        esm_buf_printf(out, " - %s", def->summary);
    esm_buf_printf(out, "\n    schema:  %s\n", def->origin);
    if (def->type != NULL)
        esm_buf_printf(out, "    type:    %s\n", def->type);
    esm_buf_printf(out, "    record:  %s\n", rec ? "exists" : "(does not exist)");
    for (size_t i = 0; i < def->nprops; i++) {
        esm_buf_putc(out, '\n');
        describe_prop(out, def->props[i], rec);
    }
    if (def->nrules > 0)
        esm_buf_puts(out, "\nRules:\n");
    for (size_t i = 0; i < def->nrules; i++) {
        esm_buf_printf(out, "  %s (%s):\n", esm_schema_rule_level(def, i), def->rules[i].origin);
        put_wrapped(out, def->rules[i].message, 4);
    }
    int free_form = 0;
    for (size_t i = 0; rec != NULL && i < esm_record_count(rec); i++) {
        const char *name = esm_record_name_at(rec, i);
        if (esm_schema_find_prop(def, name) != NULL)
            continue;
        esm_buf_printf(out, "%s%s", free_form++ ? ", " : "\nFree-form props: ", name);
    }
    if (free_form)
        esm_buf_putc(out, '\n');
    rc = 0;
out:
    esm_record_free(rec);
    esm_schema_free(s);
    return rc;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int esm_schema_complete(esm_db *db, const char *key, const char *prop, esm_buf *out, esm_err *err)
{
    esm_schema *s = esm_schema_load_for(db, err);
    if (s == NULL)
        return -1;
    const esm_schema_key *def = esm_schema_find_key(s, key);
    esm_record *rec = NULL;
    if (esm_db_get(db, key, &rec, err) < 0) {
        esm_schema_free(s);
        return -1;
    }
    if (prop != NULL) {
        const esm_schema_prop *p = def ? esm_schema_find_prop(def, prop) : NULL;
        for (size_t i = 0; p != NULL && i < esm_schema_choice_count(p); i++)
            esm_buf_printf(out, "%s\n", esm_schema_choice_at(p, i));
    } else {
        size_t n = (def ? def->nprops : 0) + (rec ? esm_record_count(rec) : 0);
        const char **names = esm_xcalloc(n + 1, sizeof *names);
        size_t count = 0;
        for (size_t i = 0; def != NULL && i < def->nprops; i++)
            names[count++] = def->props[i]->name;
        for (size_t i = 0; rec != NULL && i < esm_record_count(rec); i++)
            names[count++] = esm_record_name_at(rec, i);
        if (count > 0)
            qsort(names, count, sizeof *names, by_string);
        for (size_t i = 0; i < count; i++)
            if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
                esm_buf_printf(out, "%s\n", names[i]);
        free(names);
    }
    esm_record_free(rec);
    esm_schema_free(s);
    return 0;
}
