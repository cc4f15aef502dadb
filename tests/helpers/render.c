/*
 * render - renders template fragments with the library's engine, the way
 * the oracle tests need it: every FRAGMENT file in order, in one
 * environment (one Perl package), printed concatenated to stdout.
 *
 *   render [--db NAME_OR_PATH] [--event NAME] FRAGMENT...
 *   render [--db NAME_OR_PATH] --eval CODE     prints "value\ntruthy\n"
 *
 * The real code paths (esm_db_open, esm_tmpl_render), not a test double:
 * tests/oracle compares its output byte for byte with Text::Template.
 */
#include "buf.h"
#include "db.h"
#include "err.h"
#include "tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_warning(void *ctx, const char *filename, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "WARNING in %s: %s", filename, msg);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    esm_buf b = ESM_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        esm_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return esm_buf_steal(&b);
}

int main(int argc, char **argv)
{
    const char *dbname = NULL, *event = NULL, *code = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            dbname = argv[++i];
        else if (strcmp(argv[i], "--event") == 0 && i + 1 < argc)
            event = argv[++i];
        else if (strcmp(argv[i], "--eval") == 0 && i + 1 < argc)
            code = argv[++i];
        else
            break;
    }
    if (i >= argc && !code) {
        fprintf(stderr, "usage: render [--db DB] [--event NAME] FRAGMENT... | --eval CODE\n");
        return 2;
    }
    esm_err err;
    esm_db *db = NULL;
    if (dbname) {
        db = esm_db_open(dbname, ESM_DB_READ, &err);
        if (!db) {
            fprintf(stderr, "render: %s\n", err.msg);
            return 1;
        }
    }
    esm_tmpl_env *env = esm_tmpl_env_new(db);
    esm_tmpl_env_on_warning(env, print_warning, NULL);
    if (event)
        esm_tmpl_env_set_scalar(env, "EVENT", event);
    int rc = 0;
    if (code) {
        char *value = NULL;
        int truthy = 0;
        if (esm_tmpl_eval(env, code, strlen(code), "eval", &value, &truthy, &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            rc = 1;
        } else {
            printf("%s\n%d\n", value, truthy);
            free(value);
        }
    }
    esm_buf out = ESM_BUF_INIT;
    for (; !code && i < argc; i++) {
        size_t len;
        char *src = read_file(argv[i], &len);
        if (!src) {
            fprintf(stderr, "render: cannot read %s\n", argv[i]);
            rc = 1;
            break;
        }
        int r = esm_tmpl_render(env, src, len, argv[i], &out, &err);
        free(src);
        if (r < 0) {
            fprintf(stderr, "%s\n", err.msg);
            rc = 1;
            break;
        }
    }
    if (rc == 0 && out.len)
        fwrite(out.data, 1, out.len, stdout);
    esm_buf_free(&out);
    esm_tmpl_env_free(env);
    if (db)
        esm_db_close(db);
    return rc;
}
