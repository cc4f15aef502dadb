#include "defaults.h"

#include "buf.h"
#include "db.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *esm_defaults_dir(void)
{
    const char *env = getenv("ESMITH_DB_DEFAULTSDIR");
    if (env != NULL && env[0] != '\0')
        return esm_xstrdup(env);
    return esm_path_dup("/etc/e-smith/db");
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of dir of the wanted kind (want_dirs: directories, else regular
 * files; symlinks followed), dot files skipped, sorted. A missing dir is an
 * empty list. Returns NULL (err set) when dir cannot be read. */
static char **list_entries(const char *dir, int want_dirs, esm_err *err)
{
    size_t n = 0, cap = 8;
    char **names = esm_xcalloc(cap, sizeof *names);
    DIR *d = opendir(dir);
    if (d == NULL) {
        if (errno == ENOENT || errno == ENOTDIR)
            return names;
        esm_err_sys(err, errno, "cannot read %s", esm_path_unroot(dir));
        free(names);
        return NULL;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        struct stat st;
        if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0)
            continue;
        if (want_dirs ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
            continue;
        if (n + 1 >= cap)
            names = esm_xrealloc(names, (cap *= 2) * sizeof *names);
        names[n++] = esm_xstrdup(e->d_name);
    }
    closedir(d);
    names[n] = NULL;
    qsort(names, n, sizeof *names, cmp_names);
    return names;
}

char **esm_defaults_databases(const char *dir, esm_err *err)
{
    return list_entries(dir, 1, err);
}

/* The value a defaults file holds: its content less one trailing newline. */
static char *read_value(const char *path, esm_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        esm_err_sys(err, errno, "cannot read %s", esm_path_unroot(path));
        return NULL;
    }
    esm_buf b = ESM_BUF_INIT;
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        esm_buf_append(&b, chunk, (size_t)n);
    int read_errno = errno;
    close(fd);
    if (n < 0) {
        esm_buf_free(&b);
        esm_err_sys(err, read_errno, "cannot read %s", esm_path_unroot(path));
        return NULL;
    }
    if (b.len > 0 && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    return esm_buf_steal(&b);
}

/* Applies DIR/KEY/<prop> files to *rec (created when NULL). force: every
 * prop is set; otherwise only props rec does not have, and the type only
 * for a record created here. */
static int apply_props(const char *keydir, int force, int created, esm_record **rec, esm_err *err)
{
    char **props = list_entries(keydir, 0, err);
    if (props == NULL)
        return -1;
    int rc = 0;
    for (size_t i = 0; props[i] != NULL && rc == 0; i++) {
        int is_type = strcmp(props[i], "type") == 0;
        if (!force && (is_type ? !created : esm_record_get(*rec, props[i]) != NULL))
            continue;
        char *path = esm_xasprintf("%s/%s", keydir, props[i]);
        char *value = read_value(path, err);
        free(path);
        if (value == NULL) {
            rc = -1;
            break;
        }
        if (is_type)
            esm_record_set_type(*rec, value);
        else
            esm_record_set(*rec, props[i], value);
        free(value);
    }
    esm_strv_free(props);
    return rc;
}

/* The type a new record KEY gets: force/KEY/type, else defaults/KEY/type. */
static char *new_record_type(const char *defaults_key, const char *force_key, esm_err *err)
{
    const char *dirs[] = {force_key, defaults_key};
    for (size_t i = 0; i < 2; i++) {
        char *path = esm_xasprintf("%s/type", dirs[i]);
        struct stat st;
        int exists = stat(path, &st) == 0 && S_ISREG(st.st_mode);
        char *type = exists ? read_value(path, err) : NULL;
        free(path);
        if (exists)
            return type;
    }
    esm_err_set(err, ESM_E_INVALID, "%s: no type for the new record (no file 'type')",
                esm_path_unroot(defaults_key));
    return NULL;
}

/* Applies defaults then force to record key; *changed is set when the
 * record was written. */
static int apply_key(esm_db *db, const char *base, const char *key, int *changed, esm_err *err)
{
    char *defaults_key = esm_xasprintf("%s/defaults/%s", base, key);
    char *force_key = esm_xasprintf("%s/force/%s", base, key);
    esm_record *rec = NULL;
    char *before = NULL;
    int created = 0;
    int rc = esm_db_get(db, key, &rec, err);
    if (rc == 1) {
        before = esm_record_encode(rec);
        rc = 0;
    } else if (rc == 0) {
        char *type = new_record_type(defaults_key, force_key, err);
        rc = type != NULL ? 0 : -1;
        if (type != NULL)
            rec = esm_record_new(type);
        created = 1;
        free(type);
    }
    if (rc == 0)
        rc = apply_props(defaults_key, 0, created, &rec, err);
    if (rc == 0)
        rc = apply_props(force_key, 1, created, &rec, err);
    if (rc == 0) {
        char *after = esm_record_encode(rec);
        if (before == NULL || strcmp(before, after) != 0) {
            rc = esm_db_put(db, key, rec, err);
            *changed += rc == 0;
        }
        free(after);
    }
    free(before);
    esm_record_free(rec);
    free(force_key);
    free(defaults_key);
    return rc;
}

/* Keys named under defaults/ or force/, each once, sorted. */
static char **union_keys(const char *base, esm_err *err)
{
    char *ddir = esm_xasprintf("%s/defaults", base);
    char *fdir = esm_xasprintf("%s/force", base);
    char **d = list_entries(ddir, 1, err);
    char **f = d != NULL ? list_entries(fdir, 1, err) : NULL;
    free(ddir);
    free(fdir);
    if (f == NULL) {
        esm_strv_free(d);
        return NULL;
    }
    size_t nd = 0, nf = 0;
    while (d[nd] != NULL)
        nd++;
    while (f[nf] != NULL)
        nf++;
    char **keys = esm_xcalloc(nd + nf + 1, sizeof *keys);
    size_t i = 0, j = 0, n = 0;
    while (i < nd || j < nf) {
        int c = i == nd ? 1 : j == nf ? -1 : strcmp(d[i], f[j]);
        keys[n++] = esm_xstrdup(c <= 0 ? d[i] : f[j]);
        i += c <= 0;
        j += c >= 0;
    }
    esm_strv_free(d);
    esm_strv_free(f);
    return keys;
}

int esm_defaults_apply(const char *dir, const char *dbname, int *changed, esm_err *err)
{
    int count = 0;
    if (changed != NULL)
        *changed = 0;
    if (dbname[0] == '\0' || dbname[0] == '.' || strchr(dbname, '/') != NULL)
        return esm_err_set(err, ESM_E_INVALID, "'%s' is not a database name", dbname);
    char *base = esm_xasprintf("%s/%s", dir, dbname);
    char **keys = union_keys(base, err);
    if (keys == NULL || keys[0] == NULL) {
        esm_strv_free(keys);
        free(base);
        return keys == NULL ? -1 : 0;
    }
    int rc = -1;
    esm_db *db = esm_db_open(dbname, ESM_DB_WRITE, err);
    if (db != NULL && esm_db_transaction_start(db, err) == 0) {
        rc = 0;
        for (size_t i = 0; keys[i] != NULL && rc == 0; i++)
            rc = apply_key(db, base, keys[i], &count, err);
        if (rc == 0 && count > 0)
            rc = esm_db_transaction_commit(db, err);
        else
            esm_db_transaction_cancel(db);
    }
    if (rc < 0)
        count = 0;
    if (changed != NULL)
        *changed = count;
    esm_db_close(db);
    esm_strv_free(keys);
    free(base);
    return rc;
}
