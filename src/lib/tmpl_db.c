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
#include "paths.h"
#include "tmpl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

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

/* Whether value matches Perl's /(?:^|,)V(?:,|$)/ for get_all_by_prop: V
 * is a regex matched against one element of a comma-separated list. */
static int prop_matches(esm_tmpl_env *env, tnode *n, const char *value, const char *want, int *err)
{
    char *re = esm_xasprintf("(?:^|,)%s(?:,|$)", want);
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
    free(re);
    if (!code) {
        *err = 1;
        tmpl_die(env, n, "get_all_by_prop: bad pattern /%s/", want);
        return 0;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    int rc = pcre2_match(code, (PCRE2_SPTR)value, strlen(value), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    return rc >= 0;
}

/* keys, get_all and get_all_by_prop: lists in key order (a count in
 * scalar context, as the original's lists give). */
static tsv *db_list_method(esm_tmpl_env *env, tnode *n, tobj *db, tlist *args, int want_list,
                           tlist *out)
{
    const char *m = n->str;
    int by_prop = strcmp(m, "get_all_by_prop") == 0, keys_only = strcmp(m, "keys") == 0;
    if (by_prop && (args->n - 1) % 2 != 0)
        return tmpl_die(env, n, "get_all_by_prop: odd number of arguments");
    char **keys;
    size_t count;
    esm_err err;
    if (esm_db_keys(db->db, &keys, &count, &err) < 0)
        return tmpl_die(env, n, "%s", err.msg);
    tlist res = {0};
    int failed = 0;
    for (size_t i = 0; i < count && !failed; i++) {
        if (keys_only) {
            tlist_push(&res, tsv_new_cstr(keys[i]));
            continue;
        }
        esm_record *rec = NULL;
        if (fetch(env, n, db->db, keys[i], &rec) < 0) {
            failed = 1;
            break;
        }
        if (!rec)
            continue;
        int keep = 1;
        for (size_t a = 1; by_prop && keep && a + 1 < args->n; a += 2) {
            char *p = string_arg(env, n, args, a, "prop");
            char *v = p ? string_arg(env, n, args, a + 1, "value") : NULL;
            if (!v) {
                free(p);
                failed = 1;
                break;
            }
            const char *have = prop_of(rec, p);
            keep = have && prop_matches(env, n, have, v, &failed);
            free(p);
            free(v);
        }
        if (keep && !failed) {
            tlist_push(&res, tsv_new_ref(RK_RECORD, record_obj(db->db, keys[i], rec)));
            rec = NULL;
        }
        if (rec)
            esm_record_free(rec);
    }
    esm_strv_free(keys);
    if (failed) {
        tlist_free(&res);
        return NULL;
    }
    if (want_list) {
        for (size_t i = 0; i < res.n; i++)
            tlist_push(out, res.v[i]);
        free(res.v);
        return tsv_new();
    }
    tsv *r = tsv_new_iv((int64_t)res.n);
    tlist_free(&res);
    return r;
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
    if (strcmp(m, "keys") == 0 || strcmp(m, "get_all") == 0 || strcmp(m, "get_all_by_prop") == 0)
        return db_list_method(env, n, db, args, want_list, out);
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

/* The database classes of esmith: default db name and the variable
 * that overrides it. */
static const struct db_class {
    const char *name, *db, *env_var;
} db_classes[] = {
    {"esmith::ConfigDB", "configuration", "ESMITH_CONFIG_DB"},
    {"esmith::AccountsDB", "accounts", "ESMITH_ACCOUNT_DB"},
    {"esmith::HostsDB", "hosts", NULL},
    {"esmith::DomainsDB", "domains", NULL},
    {"esmith::NetworksDB", "networks", NULL},
    {NULL, NULL, NULL},
};

/* The flat file a database name designates, as esm_db_open resolves it,
 * made canonical (NULL when it does not exist). */
static char *db_file(const char *name)
{
    char *path;
    const char *dbpath = getenv("DBPATH");
    if (strchr(name, '/')) {
        path = esm_xstrdup(name);
    } else if (dbpath && *dbpath) {
        path = esm_xasprintf("%s/%s", dbpath, name);
    } else {
        char *dir = esm_path_dup("/home/e-smith/db");
        path = esm_xasprintf("%s/%s", dir, name);
        free(dir);
    }
    char *real = realpath(path, NULL);
    free(path);
    return real;
}

static int same_db(esm_db *db, const char *name)
{
    if (!db)
        return 0;
    if (strcmp(esm_db_name(db), name) == 0)
        return 1;
    char *a = db_file(esm_db_name(db)), *b = db_file(name);
    int same = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

/* Class->open / Class->open_ro: a read-only database object, or undef
 * when the database cannot be opened (hence `->open_ro || die`). */
static tsv *class_method(esm_tmpl_env *env, tnode *n, tlist *args)
{
    const char *cls = n->kids[0]->str, *m = n->str;
    const struct db_class *c = db_classes;
    while (c->name && strcmp(c->name, cls) != 0)
        c++;
    if (!c->name || (strcmp(m, "open") != 0 && strcmp(m, "open_ro") != 0)) {
        char what[160];
        snprintf(what, sizeof(what), "class method %s->%s", cls, m);
        return tmpl_unsupported(env, n, what);
    }
    char *name;
    if (args->n > 1 && args->v[1]->t != T_UNDEF) {
        name = string_arg(env, n, args, 1, "database name");
        if (!name)
            return NULL;
    } else {
        const char *e = c->env_var ? getenv(c->env_var) : NULL;
        name = esm_xstrdup(e && *e ? e : c->db);
    }
    /* one handle per database: TDB cannot open a file twice in a process */
    esm_db *db = same_db(env->config, name) ? env->config : NULL;
    for (size_t i = 0; !db && i < env->nopened; i++)
        if (same_db(env->opened[i], name))
            db = env->opened[i];
    if (!db) {
        esm_err err;
        db = esm_db_open(name, ESM_DB_READ, &err);
        if (db) {
            env->opened = esm_xrealloc(env->opened, (env->nopened + 1) * sizeof(*env->opened));
            env->opened[env->nopened++] = db;
        }
    }
    free(name);
    if (!db)
        return tsv_new();
    return tsv_new_ref(RK_DB, tmpl_db_object(db, c->name));
}

tsv *tmpl_method(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    if (!out)
        want_list = 0; /* list results need somewhere to go */
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
        r = class_method(env, n, &args);
        if (r && want_list) {
            tlist_push(out, r);
            r = tsv_new();
        }
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
