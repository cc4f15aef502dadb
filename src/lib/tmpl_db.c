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
#include <ctype.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static const char record_class[] = "esmith::DB::db::Record";

/* Whether name can be a record key installed as a variable. Text::Template
 * installs every key of the hash it is given, whatever its bytes, so keys
 * such as `wg-quick@wg0` or `openvpn:1` are reached through symbolic
 * references. Perl's special variables ($_, $1, $&, $!, ...) never come
 * from the database, and a name with a package separator (`::` or `'`)
 * would live in another package. */
static int from_database(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || strspn(name, "0123456789") == len || strstr(name, "::") || strchr(name, '\''))
        return 0;
    if (len == 1)
        return name[0] == '_' ? 0 : (isalpha((unsigned char)name[0]) != 0);
    return 1;
}

/* %key of a record as e-smith builds it: the props plus `type`, so a
 * fragment can test $key{type} like any prop. */
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
    char *raw = NULL;
    esm_err err;
    int rc = esm_db_get_raw(env->config, name, &raw, &err);
    if (rc < 0) {
        env->unwind = U_ERR;
        esm_err_set(env->err, err.code, "%s: %s", env->filename ? env->filename : "template",
                    err.msg);
        return -1;
    }
    if (rc == 0)
        return 0;
    /* the raw value as stored is what esm_record_encode of the unmodified
     * record gives: no need to build it again */
    g->sv = tsv_new_cstr(raw);
    esm_record *rec = esm_record_decode(raw, strlen(raw));
    free(raw);
    if (esm_record_count(rec) > 0)
        g->hv = record_hash(rec);
    esm_record_free(rec);
    return 0;
}

/* The glob of a package variable; the first lookup of a name that can be
 * a record key binds $name and %name from the database (lazily, see the
 * top of this file). */
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

/* A record object answering ->key, ->prop, ->props; takes rec. */
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

/* A database object of class class_name over db (not owned): the class
 * decides which shorthands it answers. */
tobj *tmpl_db_object(esm_db *db, const char *class_name)
{
    tobj *o = esm_xcalloc(1, sizeof(*o));
    o->rc = 1;
    o->kind = RK_DB;
    o->db = db;
    o->class_name = class_name;
    return o;
}

/* Argument i as a malloc'd string; undef or missing is a located error
 * naming what, since no method here has a meaning for it. */
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

/* ->prop($p) of the original: `type` gives the record's type unless a
 * prop of that name exists. */
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

/* Methods that would change the database: a template only reads, so
 * these are refused by name rather than reported as unknown. */
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

/* The database classes of esmith: default db name and the variable
 * that overrides it. */
static const char config_class[] = "esmith::ConfigDB", accounts_class[] = "esmith::AccountsDB",
                  hosts_class[] = "esmith::HostsDB", domains_class[] = "esmith::DomainsDB",
                  networks_class[] = "esmith::NetworksDB";
static const struct db_class {
    const char *name, *db, *env_var;
} db_classes[] = {
    {config_class, "configuration", "ESMITH_CONFIG_DB"},
    {accounts_class, "accounts", "ESMITH_ACCOUNT_DB"},
    {hosts_class, "hosts", NULL},
    {domains_class, "domains", NULL},
    {networks_class, "networks", NULL},
    {NULL, NULL, NULL},
};

/* The flat file a database name designates, as esm_db_open resolves it,
 * made canonical (NULL when it does not exist). */
static char *db_file(const char *name)
{
    char *path = esm_db_resolve_path(name);
    char *real = realpath(path, NULL);
    free(path);
    return real;
}

/* Whether the open handle db designates the canonical flat file file. */
static int db_has_file(esm_db *db, const char *file)
{
    char *own = db_file(esm_db_name(db));
    int same = own && strcmp(own, file) == 0;
    free(own);
    return same;
}

/* A read-only handle on the database called name, or NULL when its flat
 * file is missing (as the original, even if our TDB copy remains) or it
 * cannot be opened. One handle per database, kept until the env is freed:
 * TDB cannot open a file twice in a process. A handle is found by name
 * first (fragments repeat open_ro), then by the file both designate, with
 * name resolved once. */
static esm_db *open_db(esm_tmpl_env *env, const char *name)
{
    if (env->config && strcmp(esm_db_name(env->config), name) == 0)
        return env->config;
    for (size_t i = 0; i < env->nopened; i++)
        if (strcmp(esm_db_name(env->opened[i]), name) == 0)
            return env->opened[i];
    char *file = db_file(name);
    if (!file)
        return NULL;
    esm_db *found = env->config && db_has_file(env->config, file) ? env->config : NULL;
    for (size_t i = 0; !found && i < env->nopened; i++)
        if (db_has_file(env->opened[i], file))
            found = env->opened[i];
    free(file);
    if (found)
        return found;
    esm_err err;
    esm_db *db = esm_db_open(name, ESM_DB_READ, &err);
    if (db) {
        env->opened = esm_xrealloc(env->opened, (env->nopened + 1) * sizeof(*env->opened));
        env->opened[env->nopened++] = db;
    }
    return db;
}

/* open_db for the name a fragment gives: an absolute path is a server
 * path (open_ro('/home/e-smith/db/wireguard')), under $ESMITH_ROOT like
 * every path the tools use. */
static esm_db *open_db_named(esm_tmpl_env *env, const char *name)
{
    if (name[0] != '/')
        return open_db(env, name);
    char *path = esm_path_dup(name);
    esm_db *db = open_db(env, path);
    free(path);
    return db;
}

/* One condition of get_all_by_prop: the prop must be defined and match
 * Perl's /(?:^|,)V(?:,|$)/, so V is a regex matched against one element
 * of a comma-separated list. */
typedef struct prop_filter {
    char *prop;
    pcre2_code *re;
    pcre2_match_data *md; /* made once, used for every record scanned */
} prop_filter;

static void filter_clear(prop_filter *f)
{
    free(f->prop);
    pcre2_match_data_free(f->md);
    pcre2_code_free(f->re);
}

/* Frees the first n conditions and the array. */
static void filters_free(prop_filter *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        filter_clear(&f[i]);
    free(f);
}

/* Compiles one condition once for the whole scan; 0, or -1 with a located
 * error when V is not a valid regex. */
static int filter_init(esm_tmpl_env *env, tnode *n, prop_filter *f, const char *prop,
                       const char *want)
{
    char *re = esm_xasprintf("(?:^|,)%s(?:,|$)", want);
    int ec;
    PCRE2_SIZE eo;
    f->re = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
    free(re);
    if (!f->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof(msg));
        tmpl_die(env, n, "%s: regular expression error: %s in /%s/", n->str, (char *)msg, want);
        return -1;
    }
    f->prop = esm_xstrdup(prop);
    f->md = pcre2_match_data_create_from_pattern(f->re, NULL);
    return 0;
}

/* Whether rec satisfies every condition. */
static int filters_match(const esm_record *rec, const prop_filter *f, size_t nf)
{
    for (size_t i = 0; i < nf; i++) {
        const char *have = prop_of(rec, f[i].prop);
        if (!have)
            return 0;
        if (pcre2_match(f[i].re, (PCRE2_SPTR)have, strlen(have), 0, 0, f[i].md, NULL) < 0)
            return 0;
    }
    return 1;
}

/* Pushes on res, in key order, the records of db that satisfy every
 * condition (their keys when keys_only): what keys, get_all,
 * get_all_by_prop and the typed shorthands all return. -1 on error. */
static int select_records(esm_tmpl_env *env, tnode *n, esm_db *db, const prop_filter *f, size_t nf,
                          int keys_only, tlist *res)
{
    char **keys;
    size_t count;
    esm_err err;
    if (esm_db_keys(db, &keys, &count, &err) < 0) {
        tmpl_die(env, n, "%s", err.msg);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        if (keys_only && nf == 0) {
            tlist_push(res, tsv_new_cstr(keys[i]));
            continue;
        }
        esm_record *rec = NULL;
        if (fetch(env, n, db, keys[i], &rec) < 0) {
            rc = -1;
            break;
        }
        if (!rec)
            continue;
        if (!filters_match(rec, f, nf))
            esm_record_free(rec);
        else if (keys_only)
            tlist_push(res, tsv_new_cstr(keys[i])), esm_record_free(rec);
        else
            tlist_push(res, tsv_new_ref(RK_RECORD, record_obj(db, keys[i], rec)));
    }
    esm_strv_free(keys);
    return rc;
}

/* Hands a method's list result to the caller: the elements in list
 * context, their count in scalar context (as `return @list` gives). */
static tsv *list_result(tlist *res, int want_list, tlist *out)
{
    if (want_list) {
        for (size_t i = 0; i < res->n; i++)
            tlist_push(out, res->v[i]);
        free(res->v);
        return tsv_new();
    }
    tsv *r = tsv_new_iv((int64_t)res->n);
    tlist_free(res);
    return r;
}

/* The records of one type, through the same comma-list match as
 * get_all_by_prop(type => TYPE), as the original's shorthands do. */
static int select_type(esm_tmpl_env *env, tnode *n, esm_db *db, const char *type, int keys_only,
                       tlist *res)
{
    prop_filter f;
    if (filter_init(env, n, &f, "type", type) < 0)
        return -1;
    int rc = select_records(env, n, db, &f, 1, keys_only, res);
    filter_clear(&f);
    return rc;
}

/* keys, get_all and get_all_by_prop(p1 => v1, ...). */
static tsv *db_list_method(esm_tmpl_env *env, tnode *n, tobj *db, tlist *args, int want_list,
                           tlist *out)
{
    const char *m = n->str;
    int by_prop = strcmp(m, "get_all_by_prop") == 0;
    if (by_prop && (args->n - 1) % 2 != 0)
        return tmpl_die(env, n, "get_all_by_prop: odd number of arguments");
    size_t nf = by_prop ? (args->n - 1) / 2 : 0;
    prop_filter *f = esm_xcalloc(nf ? nf : 1, sizeof(*f));
    for (size_t i = 0; i < nf; i++) {
        char *p = string_arg(env, n, args, 1 + 2 * i, "prop");
        char *v = p ? string_arg(env, n, args, 2 + 2 * i, "value") : NULL;
        int bad = !v || filter_init(env, n, &f[i], p, v) < 0;
        free(p);
        free(v);
        if (bad) {
            filters_free(f, i);
            return NULL;
        }
    }
    tlist res = {0};
    int rc = select_records(env, n, db->db, f, nf, strcmp(m, "keys") == 0, &res);
    filters_free(f, nf);
    if (rc < 0) {
        tlist_free(&res);
        return NULL;
    }
    return list_result(&res, want_list, out);
}

/* NetworksDB local_access_spec: the hosts.allow client list for an
 * access level, pushed on res. An unknown level warns, as the original
 * does, and leaves only localhost. */
static int local_access(esm_tmpl_env *env, tnode *n, esm_db *networks, const char *access,
                        tlist *res)
{
    if (strcmp(access, "public") == 0) {
        tlist_push(res, tsv_new_cstr("ALL"));
        return 0;
    }
    tlist_push(res, tsv_new_cstr("127.0.0.1"));
    if (strcmp(access, "private") == 0) {
        tlist nets = {0};
        if (select_type(env, n, networks, "network", 0, &nets) < 0) {
            tlist_free(&nets);
            return -1;
        }
        for (size_t i = 0; i < nets.n; i++) {
            tobj *net = nets.v[i]->ref;
            const char *mask = esm_record_get(net->rec, "Mask");
            if (mask && strcmp(mask, "255.255.255.255") == 0)
                tlist_push(res, tsv_new_cstr(net->key));
            else {
                char *spec = esm_xasprintf("%s/%s", net->key, mask ? mask : "");
                tlist_push(res, tsv_new_cstr(spec));
                free(spec);
            }
        }
        tlist_free(&nets);
    } else if (strcmp(access, "localhost") != 0 && env->warn_fn) {
        /* as Perl's carp words it: located at the caller, and (unlike
         * warn) never naming the last handle read */
        char *msg = esm_xasprintf("local_access_spec: unknown access value %s at %s line %d.\n",
                                  access, env->filename, n->line);
        env->warn_fn(env->warn_ctx, env->filename, msg);
        free(msg);
    }
    return 0;
}

/* The strings of list joined by one space, as Perl's join(' ', ...) and
 * "@list" give them. */
static char *join_spaces(tlist *list)
{
    esm_buf b = ESM_BUF_INIT;
    for (size_t i = 0; i < list->n; i++) {
        char nb[64];
        size_t l;
        const char *s = tsv_str(list->v[i], nb, &l);
        if (i)
            esm_buf_putc(&b, ' ');
        esm_buf_append(&b, s, l);
    }
    return esm_buf_steal(&b);
}

/* The database a class opens when no name is given: its env variable
 * when set, else its default name. */
static const char *class_db_name(const struct db_class *c)
{
    const char *e = c->env_var ? getenv(c->env_var) : NULL;
    return e && *e ? e : c->db;
}

/* The class entry of name, NULL for a class that is not built in. */
static const struct db_class *find_class(const char *name)
{
    const struct db_class *c = db_classes;
    while (c->name && strcmp(c->name, name) != 0)
        c++;
    return c->name ? c : NULL;
}

/* "$daemon: " and the clients local_access_spec gives for the record's
 * access (`|| 'private'`), read from the networks database NetworksDB
 * opens by default. NULL with a located error on failure. */
static char *allow_line(esm_tmpl_env *env, tnode *n, const esm_record *rec, const char *service,
                        tlist *args)
{
    esm_db *networks = open_db(env, class_db_name(find_class(networks_class)));
    if (!networks) {
        tmpl_die(env, n, "hosts_allow_spec: cannot open the networks database");
        return NULL;
    }
    const char *access = prop_of(rec, "access");
    if (!access || !*access || strcmp(access, "0") == 0)
        access = "private";
    tlist spec = {0};
    if (local_access(env, n, networks, access, &spec) < 0) {
        tlist_free(&spec);
        return NULL;
    }
    char *daemon = args->n > 2 && tsv_true(args->v[2]) ? string_arg(env, n, args, 2, "daemon")
                                                       : esm_xstrdup(service);
    if (!daemon) {
        tlist_free(&spec);
        return NULL;
    }
    char *clients = join_spaces(&spec);
    char *line = esm_xasprintf("%s: %s", daemon, clients);
    free(clients);
    tlist_free(&spec);
    free(daemon);
    return line;
}

/* ConfigDB hosts_allow_spec($service [, $daemon]): the hosts.allow line
 * of a service, or a comment saying why it has none. */
static tsv *hosts_allow_spec(esm_tmpl_env *env, tnode *n, tobj *db, tlist *args)
{
    char *service = string_arg(env, n, args, 1, "service");
    if (!service)
        return NULL;
    esm_record *rec = NULL;
    if (fetch(env, n, db->db, service, &rec) < 0) {
        free(service);
        return NULL;
    }
    const char *status = rec ? prop_of(rec, "status") : NULL;
    char *line;
    if (!rec)
        line = esm_xasprintf("# '%s' is not defined in the configuration database", service);
    else if (!status || strcmp(status, "enabled") != 0)
        line = esm_xasprintf("# '%s' is disabled in the configuration database", service);
    else
        line = allow_line(env, n, rec, service, args);
    esm_record_free(rec);
    free(service);
    if (!line)
        return NULL;
    tsv *r = tsv_new_cstr(line);
    free(line);
    return r;
}

/* Methods only one class has in the original. Called on another class
 * they fail as Perl fails: "Can't locate object method". */
enum { CM_RECORDS, CM_KEYS, CM_LOCAL_ACCESS, CM_HOSTS_ALLOW };
static const struct class_only {
    const char *method, *class_name, *type;
    int kind;
} class_only[] = {
    {"services", config_class, "service", CM_KEYS},
    {"hosts_allow_spec", config_class, NULL, CM_HOSTS_ALLOW},
    {"users", accounts_class, "user", CM_RECORDS},
    {"groups", accounts_class, "group", CM_RECORDS},
    {"ibays", accounts_class, "ibay", CM_RECORDS},
    {"printers", accounts_class, "printer", CM_RECORDS},
    {"pseudonyms", accounts_class, "pseudonym", CM_RECORDS},
    {"networks", networks_class, "network", CM_RECORDS},
    {"local_access_spec", networks_class, NULL, CM_LOCAL_ACCESS},
    {"hosts", hosts_class, "host", CM_RECORDS},
    {"domains", domains_class, "domain", CM_RECORDS},
    {NULL, NULL, NULL, 0},
};

/* Runs a class-specific method (the shorthands, local_access_spec,
 * hosts_allow_spec) on a database object of the right class. */
static tsv *class_only_method(esm_tmpl_env *env, tnode *n, tobj *db, const struct class_only *cm,
                              tlist *args, int want_list, tlist *out)
{
    tlist res = {0};
    int rc;
    if (cm->kind == CM_HOSTS_ALLOW) {
        tsv *r = hosts_allow_spec(env, n, db, args);
        if (r && want_list) {
            tlist_push(out, r);
            return tsv_new();
        }
        return r;
    }
    if (cm->kind == CM_LOCAL_ACCESS) {
        char *access = args->n > 1 && tsv_true(args->v[1]) ? string_arg(env, n, args, 1, "access")
                                                           : esm_xstrdup("private");
        rc = access ? local_access(env, n, db->db, access, &res) : -1;
        free(access);
        if (rc == 0 && !want_list) {
            /* scalar context: the elements joined by one space */
            char *joined = join_spaces(&res);
            tlist_free(&res);
            tsv *r = tsv_new_cstr(joined);
            free(joined);
            return r;
        }
    } else {
        rc = select_type(env, n, db->db, cm->type, cm->kind == CM_KEYS, &res);
    }
    if (rc < 0) {
        tlist_free(&res);
        return NULL;
    }
    return list_result(&res, want_list, out);
}

/* The methods of a database object: the reads of §4.2, the shorthands of
 * its class; writes and anything else are located errors. */
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
    for (const struct class_only *cm = class_only; cm->method; cm++) {
        if (strcmp(cm->method, m) != 0)
            continue;
        if (strcmp(cm->class_name, db->class_name) == 0)
            return class_only_method(env, n, db, cm, args, want_list, out);
        return tmpl_die(env, n, "Can't locate object method \"%s\" via package \"%s\"", m,
                        db->class_name);
    }
    char what[96];
    if (is_write_method(m))
        snprintf(what, sizeof(what), "->%s (a template cannot change the database)", m);
    else
        snprintf(what, sizeof(what), "database method ->%s", m);
    return tmpl_unsupported(env, n, what);
}

/* The read methods of a record object; writes and anything else are
 * located errors. */
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

/* Class->open / Class->open_ro: a read-only database object, or undef
 * when the database cannot be opened (hence `->open_ro || die`). */
static tsv *class_method(esm_tmpl_env *env, tnode *n, tlist *args)
{
    const char *cls = n->kids[0]->str, *m = n->str;
    const struct db_class *c = find_class(cls);
    if (!c || (strcmp(m, "open") != 0 && strcmp(m, "open_ro") != 0)) {
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
        name = esm_xstrdup(class_db_name(c));
    }
    esm_db *db = open_db_named(env, name);
    free(name);
    if (!db)
        return tsv_new();
    return tsv_new_ref(RK_DB, tmpl_db_object(db, c->name));
}

/* Evaluates a method call node: Class->open... or a method of a database
 * or record object, with Perl's errors for an undefined or plain
 * invocant. */
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
