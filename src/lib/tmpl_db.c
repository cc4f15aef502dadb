/*
 * tmpl_db.c - what a fragment sees of the configuration database: %key
 * and $key for every record, and the $DB object with its record objects.
 *
 * Record variables are resolved lazily: the first time a fragment names
 * $key or %key, the record is read from the database (a single TDB
 * lookup), so an expansion costs what it uses rather than the size of the
 * database, and a database inside an open transaction shows its pending
 * records. The values are those e-smith installs with Text::Template's
 * HASH option: $key is the raw "type|prop|value..." string, %key the props
 * plus `type` (no hash for a record with only a type).
 */
#include "tmpl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char record_class[] = "esmith::DB::db::Record";

/* Whether name can be a record key installed as a variable: special
 * variables ($_, $1, $&, $a/$b of sort are ordinary) never come from the
 * database. */
static int from_database(const char *name)
{
    if (!name[0] || (name[0] == '_' && !name[1]))
        return 0;
    for (const char *c = name; *c; c++)
        if (!(*c == '-' || *c == '_' || *c == '.' || (*c >= '0' && *c <= '9') ||
              (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
            return 0;
    return !(name[0] >= '0' && name[0] <= '9' && strspn(name, "0123456789") == strlen(name));
}

static thv *record_hash(const esm_record *rec)
{
    thv *hv = thv_new();
    size_t n = esm_record_count(rec);
    for (size_t i = 0; i < n; i++) {
        const char *k = esm_record_name_at(rec, i);
        thv_store(hv, k, strlen(k), tsv_new_cstr(esm_record_value_at(rec, i)));
    }
    if (!esm_record_get(rec, "type"))
        thv_store(hv, "type", 4, tsv_new_cstr(esm_record_type(rec)));
    return hv;
}

/* Installs $name and %name from the record of that key, if any. */
static int bind_record(esm_tmpl_env *env, tglob *g, const char *name)
{
    esm_record *rec = NULL;
    esm_err err;
    int rc = esm_db_get(env->config, name, &rec, &err);
    if (rc < 0) {
        env->unwind = U_ERR;
        esm_err_set(env->err, err.code, "%s: %s", env->filename ? env->filename : "template",
                    err.msg);
        return -1;
    }
    if (rc == 0)
        return 0;
    char *raw = esm_record_encode(rec);
    g->sv = tsv_new_cstr(raw);
    free(raw);
    if (esm_record_count(rec) > 0)
        g->hv = record_hash(rec);
    esm_record_free(rec);
    return 0;
}

tglob *tmpl_glob(esm_tmpl_env *env, const char *name, int create)
{
    size_t nl = strlen(name);
    tsv *idx = thv_fetch(env->globals_index, name, nl, 0);
    if (idx)
        return &env->globs[idx->iv];
    if (!create)
        return NULL;
    if (env->nglobs == env->capglobs) {
        env->capglobs = env->capglobs ? env->capglobs * 2 : 64;
        env->globs = esm_xrealloc(env->globs, env->capglobs * sizeof(*env->globs));
    }
    size_t i = env->nglobs;
    memset(&env->globs[i], 0, sizeof(env->globs[i]));
    if (env->config && from_database(name) && bind_record(env, &env->globs[i], name) < 0)
        return NULL;
    env->nglobs++;
    thv_store(env->globals_index, name, nl, tsv_new_iv((int64_t)i));
    return &env->globs[i];
}

/* ---- objects ---- */

static tobj *record_obj(esm_db *db, const char *key, esm_record *rec)
{
    tobj *o = esm_xcalloc(1, sizeof(*o));
    o->rc = 1;
    o->kind = RK_RECORD;
    o->db = db;
    o->key = esm_xstrdup(key);
    o->rec = rec;
    o->class_name = record_class;
    return o;
}

tobj *tmpl_db_object(esm_db *db, const char *class_name)
{
    tobj *o = esm_xcalloc(1, sizeof(*o));
    o->rc = 1;
    o->kind = RK_DB;
    o->db = db;
    o->class_name = class_name;
    return o;
}

static char *string_arg(esm_tmpl_env *env, tnode *n, tlist *args, size_t i, const char *what)
{
    if (i >= args->n || args->v[i]->t == T_UNDEF) {
        tmpl_die(env, n, "%s: missing %s argument", n->str, what);
        return NULL;
    }
    char b[64];
    size_t l;
    const char *s = tmpl_strval(env, n, args->v[i], b, &l);
    return s ? esm_xstrndup(s, l) : NULL;
}

static const char *prop_of(const esm_record *rec, const char *prop)
{
    if (strcmp(prop, "type") == 0 && !esm_record_get(rec, "type"))
        return esm_record_type(rec);
    return esm_record_get(rec, prop);
}

/* Reads one record; 0 when absent (*rec NULL), -1 on a database error. */
static int fetch(esm_tmpl_env *env, tnode *n, esm_db *db, const char *key, esm_record **rec)
{
    esm_err err;
    int rc = esm_db_get(db, key, rec, &err);
    if (rc < 0)
        tmpl_die(env, n, "%s", err.msg);
    return rc;
}

static int is_write_method(const char *m)
{
    static const char *const writes[] = {
        "set_prop",   "delete_prop", "merge_props",  "reset_props", "delete", "set_value",
        "new_record", "set_prop_",   "delete_value", "create",      "save",   NULL};
    for (const char *const *w = writes; *w; w++)
        if (strcmp(*w, m) == 0)
            return 1;
    return 0;
}

static tsv *db_method(esm_tmpl_env *env, tnode *n, tobj *db, tlist *args, int want_list, tlist *out)
{
    const char *m = n->str;
    int is_value = strcmp(m, "get_value") == 0, is_prop = strcmp(m, "get_prop") == 0;
    if (strcmp(m, "get") == 0 || is_value || is_prop) {
        char *key = string_arg(env, n, args, 1, "key");
        if (!key)
            return NULL;
        char *prop = NULL;
        if (is_prop && !(prop = string_arg(env, n, args, 2, "prop"))) {
            free(key);
            return NULL;
        }
        esm_record *rec = NULL;
        int rc = fetch(env, n, db->db, key, &rec);
        tsv *r = NULL;
        if (rc >= 0) {
            if (!rec)
                r = tsv_new();
            else if (is_value)
                r = tsv_new_cstr(esm_record_type(rec));
            else if (is_prop) {
                const char *v = prop_of(rec, prop);
                r = v ? tsv_new_cstr(v) : tsv_new();
            } else {
                r = tsv_new_ref(RK_RECORD, record_obj(db->db, key, rec));
                rec = NULL;
            }
        }
        if (rec)
            esm_record_free(rec);
        free(key);
        free(prop);
        if (r && want_list) {
            tlist_push(out, r);
            return tsv_new();
        }
        return r;
    }
    if (is_write_method(m)) {
        char what[96];
        snprintf(what, sizeof(what), "->%s (a template cannot change the database)", m);
        return tmpl_unsupported(env, n, what);
    }
    char what[96];
    snprintf(what, sizeof(what), "database method ->%s", m);
    return tmpl_unsupported(env, n, what);
}

static tsv *record_method(esm_tmpl_env *env, tnode *n, tobj *o, tlist *args, int want_list,
                          tlist *out)
{
    const char *m = n->str;
    tsv *r = NULL;
    if (strcmp(m, "key") == 0) {
        r = tsv_new_cstr(o->key);
    } else if (strcmp(m, "value") == 0) {
        r = tsv_new_cstr(esm_record_type(o->rec));
    } else if (strcmp(m, "prop") == 0) {
        char *p = string_arg(env, n, args, 1, "prop");
        if (!p)
            return NULL;
        if (args->n > 2) {
            free(p);
            return tmpl_unsupported(env, n,
                                    "->prop with a value (a template cannot change "
                                    "the database)");
        }
        const char *v = prop_of(o->rec, p);
        free(p);
        r = v ? tsv_new_cstr(v) : tsv_new();
    } else if (strcmp(m, "props") == 0) {
        thv *hv = record_hash(o->rec);
        if (want_list) {
            for (size_t i = 0; i < hv->n; i++) {
                tlist_push(out, tsv_new_str(hv->ents[i].key, hv->ents[i].klen));
                tlist_push(out, tsv_inc(hv->ents[i].val));
            }
            thv_dec(hv);
            return tsv_new();
        }
        r = tsv_new_iv((int64_t)hv->live);
        thv_dec(hv);
        return r;
    } else if (is_write_method(m)) {
        char what[96];
        snprintf(what, sizeof(what), "->%s (a template cannot change the database)", m);
        return tmpl_unsupported(env, n, what);
    } else {
        char what[96];
        snprintf(what, sizeof(what), "record method ->%s", m);
        return tmpl_unsupported(env, n, what);
    }
    if (want_list) {
        tlist_push(out, r);
        return tsv_new();
    }
    return r;
}

tsv *tmpl_method(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    tlist args = {0};
    /* the invocant, then the arguments in list context */
    tsv *inv = tmpl_eval_scalar(env, n->kids[0]);
    if (!inv)
        return NULL;
    tlist_push(&args, inv);
    for (int i = 1; i < n->nkids; i++) {
        if (tmpl_eval_list(env, n->kids[i], &args) < 0) {
            tlist_free(&args);
            return NULL;
        }
    }
    tsv *r;
    if (n->kids[0]->kind == N_CLASS) {
        char what[160];
        snprintf(what, sizeof(what), "class method %s->%s", n->kids[0]->str, n->str);
        r = tmpl_unsupported(env, n, what);
    } else if (inv->t == T_UNDEF) {
        r = tmpl_die(env, n, "Can't call method \"%s\" on an undefined value", n->str);
    } else if (inv->t != T_REF || (inv->rk != RK_DB && inv->rk != RK_RECORD)) {
        r = tmpl_die(env, n, "Can't call method \"%s\" without a package or object reference",
                     n->str);
    } else if (inv->rk == RK_DB) {
        r = db_method(env, n, inv->ref, &args, want_list, out);
    } else {
        r = record_method(env, n, inv->ref, &args, want_list, out);
    }
    tlist_free(&args);
    return r;
}
