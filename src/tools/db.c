/*
 * db / config - the e-smith database command line.
 *
 *   db DBNAME COMMAND [ARGS...]
 *   config COMMAND [ARGS...]        (the same as: db configuration ...)
 *
 * Output and exit codes are those of the original Perl tool for valid
 * input (README, "db and config"); bad input gets one line on stderr and
 * exit 1 with the db untouched; usage errors exit 255.
 *
 * Every write command builds its new record inside a transaction (start,
 * get, modify, put) and reaches commit through one place, run_write(),
 * where checks against the pending state belong.
 */
#include "db.h"

#include "buf.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 255

struct cli {
    const char *prog; /* "db" or "config", the prefix of messages */
    esm_db *db;
    esm_err err;
};

static void usage(const char *prog)
{
    const char *db = strcmp(prog, "config") == 0 ? "" : " dbfile";
    static const char *const lines[] = {
        "keys",
        "print [key]",
        "show [key]",
        "printjson [key]",
        "get key",
        "set key type [prop1 val1] [prop2 val2] ...",
        "setdefault key type [prop1 val1] [prop2 val2] ...",
        "delete key",
        "printtype [key]",
        "gettype key",
        "settype key type",
        "printprop key [prop1] [prop2] [prop3] ...",
        "getprop key prop",
        "setprop key prop1 val1 [prop2 val2] [prop3 val3] ...",
        "delprop key prop1 [prop2] [prop3] ...",
        "describe key [prop]",
        "check [key]",
    };
    fprintf(stderr, "usage:\n");
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        fprintf(stderr, "    %s%s %s\n", prog, db, lines[i]);
}

static int fail(struct cli *c)
{
    fprintf(stderr, "%s: %s\n", c->prog, c->err.msg);
    return 1;
}

static int no_record(struct cli *c, const char *key)
{
    fprintf(stderr, "%s: %s: no record '%s'\n", c->prog, esm_db_name(c->db), key);
    return 1;
}

static int is_perl_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Lookup keys are trimmed, as the original's FETCH does. Modifies arg. */
static char *lookup_key(char *arg)
{
    while (is_perl_space(*arg))
        arg++;
    size_t n = strlen(arg);
    while (n > 0 && is_perl_space(arg[n - 1]))
        arg[--n] = '\0';
    return arg;
}

/* ---- reading ---- */

/* The keys a listing command covers: the one given (if it exists) or all.
 * Returns -1 on error, else the count (0: nothing to show). */
static int listed_keys(struct cli *c, int argc, char **argv, char ***keys)
{
    size_t count;
    if (argc >= 1) {
        char *key = lookup_key(argv[0]);
        esm_record *rec;
        int found = esm_db_get(c->db, key, &rec, &c->err);
        esm_record_free(rec);
        if (found < 0)
            return -1;
        *keys = esm_xcalloc(2, sizeof **keys);
        if (found)
            (*keys)[0] = esm_xstrdup(key);
        return found;
    }
    if (esm_db_keys(c->db, keys, &count, &c->err) != 0)
        return -1;
    return (int)count;
}

static int cmd_keys(struct cli *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char **keys;
    size_t count;
    if (esm_db_keys(c->db, &keys, &count, &c->err) != 0)
        return fail(c);
    for (size_t i = 0; i < count; i++)
        printf("%s\n", keys[i]);
    esm_strv_free(keys);
    return count ? 0 : 1;
}

/* print, printtype and show: one block per record of the listing. */
enum listing { LIST_RAW, LIST_TYPE, LIST_SHOW };

static int list_records(struct cli *c, int argc, char **argv, enum listing how)
{
    char **keys;
    int count = listed_keys(c, argc, argv, &keys);
    if (count < 0)
        return fail(c);
    int rc = count ? 0 : 1;
    for (int i = 0; i < count && rc == 0; i++) {
        char *raw;
        int found = esm_db_get_raw(c->db, keys[i], &raw, &c->err);
        if (found < 0) {
            rc = fail(c);
            break;
        }
        if (!found)
            continue;
        if (how == LIST_RAW) {
            printf("%s=%s\n", keys[i], raw);
        } else {
            esm_record *rec = esm_record_decode(raw, strlen(raw));
            printf("%s=%s\n", keys[i], esm_record_type(rec));
            for (size_t p = 0; how == LIST_SHOW && p < esm_record_count(rec); p++)
                printf("    %s=%s\n", esm_record_name_at(rec, p), esm_record_value_at(rec, p));
            esm_record_free(rec);
        }
        free(raw);
    }
    esm_strv_free(keys);
    return rc;
}

static int cmd_print(struct cli *c, int argc, char **argv)
{
    return list_records(c, argc, argv, LIST_RAW);
}

static int cmd_show(struct cli *c, int argc, char **argv)
{
    return list_records(c, argc, argv, LIST_SHOW);
}

static int cmd_printtype(struct cli *c, int argc, char **argv)
{
    return list_records(c, argc, argv, LIST_TYPE);
}

static int cmd_get(struct cli *c, int argc, char **argv)
{
    (void)argc;
    char *raw;
    int found = esm_db_get_raw(c->db, lookup_key(argv[0]), &raw, &c->err);
    if (found < 0)
        return fail(c);
    if (!found)
        return 1;
    printf("%s\n", raw);
    free(raw);
    return 0;
}

static int cmd_gettype(struct cli *c, int argc, char **argv)
{
    (void)argc;
    esm_record *rec;
    int found = esm_db_get(c->db, lookup_key(argv[0]), &rec, &c->err);
    if (found < 0)
        return fail(c);
    if (!found)
        return 1;
    printf("%s\n", esm_record_type(rec));
    esm_record_free(rec);
    return 0;
}

static int cmd_getprop(struct cli *c, int argc, char **argv)
{
    (void)argc;
    esm_record *rec;
    char *key = lookup_key(argv[0]);
    int found = esm_db_get(c->db, key, &rec, &c->err);
    if (found < 0)
        return fail(c);
    if (!found)
        return no_record(c, key);
    const char *value = esm_record_get(rec, argv[1]);
    if (value != NULL)
        printf("%s\n", value);
    esm_record_free(rec);
    return value ? 0 : 1;
}

static int cmd_printprop(struct cli *c, int argc, char **argv)
{
    esm_record *rec;
    int found = esm_db_get(c->db, lookup_key(argv[0]), &rec, &c->err);
    if (found < 0)
        return fail(c);
    if (argc == 1) {
        int any = found && esm_record_count(rec) > 0;
        for (size_t p = 0; any && p < esm_record_count(rec); p++)
            printf("%s=%s\n", esm_record_name_at(rec, p), esm_record_value_at(rec, p));
        esm_record_free(rec);
        return any ? 0 : 1;
    }
    for (int i = 1; found && i < argc; i++) {
        const char *value = esm_record_get(rec, argv[i]);
        if (value != NULL)
            printf("%s=%s\n", argv[i], value);
    }
    esm_record_free(rec);
    return 0;
}

/* A JSON string for any bytes: valid UTF-8 passes through, every other
 * byte is taken as Latin-1 and written \u00XX (what Perl's JSON does with
 * a byte string). */
static void json_string(esm_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    esm_buf_putc(b, '"');
    while (*p) {
        unsigned char ch = *p;
        size_t len = 0;
        if (ch >= 0x80) {
            if (ch >= 0xc2 && ch <= 0xdf)
                len = 2;
            else if (ch >= 0xe0 && ch <= 0xef)
                len = 3;
            else if (ch >= 0xf0 && ch <= 0xf4)
                len = 4;
            for (size_t i = 1; i < len; i++)
                if ((p[i] & 0xc0) != 0x80)
                    len = 0;
            /* overlong, surrogate and beyond-U+10FFFF forms are not UTF-8 */
            if ((len == 3 && ch == 0xe0 && p[1] < 0xa0) ||
                (len == 3 && ch == 0xed && p[1] >= 0xa0) ||
                (len == 4 && ch == 0xf0 && p[1] < 0x90) || (len == 4 && ch == 0xf4 && p[1] >= 0x90))
                len = 0;
            if (len) {
                esm_buf_append(b, p, len);
                p += len;
            } else {
                esm_buf_printf(b, "\\u%04x", ch);
                p++;
            }
            continue;
        }
        switch (ch) {
        case '"':
            esm_buf_puts(b, "\\\"");
            break;
        case '\\':
            esm_buf_puts(b, "\\\\");
            break;
        case '\n':
            esm_buf_puts(b, "\\n");
            break;
        case '\r':
            esm_buf_puts(b, "\\r");
            break;
        case '\t':
            esm_buf_puts(b, "\\t");
            break;
        case '\b':
            esm_buf_puts(b, "\\b");
            break;
        case '\f':
            esm_buf_puts(b, "\\f");
            break;
        default:
            if (ch < 0x20)
                esm_buf_printf(b, "\\u%04x", ch);
            else
                esm_buf_putc(b, (char)ch);
        }
        p++;
    }
    esm_buf_putc(b, '"');
}

static int cmd_printjson(struct cli *c, int argc, char **argv)
{
    char **keys;
    int count = listed_keys(c, argc, argv, &keys);
    if (count < 0)
        return fail(c);
    if (argc >= 1 && count == 0) {
        esm_strv_free(keys);
        return 1;
    }
    esm_buf out = ESM_BUF_INIT;
    esm_buf_putc(&out, '[');
    int rc = 0;
    for (int i = 0; i < count; i++) {
        esm_record *rec;
        int found = esm_db_get(c->db, keys[i], &rec, &c->err);
        if (found < 0) {
            rc = fail(c);
            break;
        }
        if (!found)
            continue;
        if (out.len > 1)
            esm_buf_putc(&out, ',');
        esm_buf_puts(&out, "{\"name\":");
        json_string(&out, keys[i]);
        esm_buf_puts(&out, ",\"type\":");
        json_string(&out, esm_record_type(rec));
        esm_buf_puts(&out, ",\"props\":{");
        for (size_t p = 0; p < esm_record_count(rec); p++) {
            if (p > 0)
                esm_buf_putc(&out, ',');
            json_string(&out, esm_record_name_at(rec, p));
            esm_buf_putc(&out, ':');
            json_string(&out, esm_record_value_at(rec, p));
        }
        esm_buf_puts(&out, "}}");
        esm_record_free(rec);
    }
    esm_buf_puts(&out, "]\n");
    if (rc == 0)
        fwrite(out.data, 1, out.len, stdout);
    esm_buf_free(&out);
    esm_strv_free(keys);
    return rc;
}

/* ---- writing ---- */

/* Builds the pending change inside the open transaction. Returns 0 to
 * commit, -1 on error (message in c->err), any other value to end with
 * exit 1 and nothing changed (a missing key: the original exits 1 too, or
 * BUILD_REFUSED after the builder printed why). */
typedef int (*build_fn)(struct cli *c, int argc, char **argv);

/* Each line of warnings as "PROG: warning: LINE" on stderr. */
static void print_warnings(struct cli *c, const esm_buf *warnings)
{
    const char *line = esm_buf_str(warnings);
    while (*line) {
        size_t n = strcspn(line, "\n");
        fprintf(stderr, "%s: warning: %.*s\n", c->prog, (int)n, line);
        line += n + (line[n] == '\n');
    }
}

/* Message already printed by the builder: exit 1, nothing changed. */
#define BUILD_REFUSED 2

static int run_write(struct cli *c, build_fn build, int argc, char **argv)
{
    if (esm_db_transaction_start(c->db, &c->err) != 0)
        return fail(c);
    char *key = esm_xstrdup(argv[0]);
    esm_schema_guard *guard = esm_schema_guard_begin(c->db, lookup_key(key), &c->err);
    free(key);
    if (guard == NULL) {
        esm_db_transaction_cancel(c->db);
        return fail(c);
    }
    int rc = build(c, argc, argv);
    if (rc != 0) {
        esm_schema_guard_free(guard);
        esm_db_transaction_cancel(c->db);
        return rc < 0 ? fail(c) : 1;
    }
    /* The schema judges the pending record (esm_db_get sees it); on
     * refusal nothing is written. Warnings are for a write that happened. */
    esm_buf warnings = ESM_BUF_INIT;
    rc = esm_schema_guard_check(guard, &warnings, &c->err);
    esm_schema_guard_free(guard);
    if (rc != 0 || esm_db_transaction_commit(c->db, &c->err) != 0) {
        if (rc != 0)
            esm_db_transaction_cancel(c->db);
        esm_buf_free(&warnings);
        return fail(c);
    }
    print_warnings(c, &warnings);
    esm_buf_free(&warnings);
    return 0;
}

static int refuse(struct cli *c, const char *fmt, const char *what)
{
    esm_err_set(&c->err, ESM_E_INVALID, fmt, esm_db_name(c->db), what);
    return -1;
}

/* The record `set KEY TYPE [P V]...` describes. TYPE alone may be a whole
 * raw value "type|p|v..." (stored as given, as the original does). */
static esm_record *record_from_args(struct cli *c, int argc, char **argv)
{
    const char *type = argv[1];
    if (type[0] == '\0') {
        refuse(c, "%s: %s: empty type", argv[0]);
        return NULL;
    }
    if (strchr(type, '|') != NULL) {
        if (argc > 2) {
            refuse(c, "%s: %s: a type with props given cannot contain '|'", argv[0]);
            return NULL;
        }
        if (esm_record_field_count(type) % 2 == 0) {
            refuse(c, "%s: %s: the raw value has a prop without a value", argv[0]);
            return NULL;
        }
        return esm_record_decode(type, strlen(type));
    }
    esm_record *rec = esm_record_new(type);
    for (int i = 2; i + 1 < argc; i += 2)
        esm_record_set(rec, argv[i], argv[i + 1]);
    return rec;
}

static int build_set(struct cli *c, int argc, char **argv)
{
    if (esm_db_check_key(c->db, argv[0], &c->err) != 0)
        return -1;
    esm_record *rec = record_from_args(c, argc, argv);
    if (rec == NULL)
        return -1;
    int rc = esm_db_put(c->db, argv[0], rec, &c->err);
    esm_record_free(rec);
    return rc;
}

static int build_setdefault(struct cli *c, int argc, char **argv)
{
    if (esm_db_check_key(c->db, argv[0], &c->err) != 0)
        return -1;
    esm_record *old;
    int found = esm_db_get(c->db, argv[0], &old, &c->err);
    esm_record_free(old);
    if (found < 0)
        return -1;
    return found ? 0 : build_set(c, argc, argv);
}

static int build_delete(struct cli *c, int argc, char **argv)
{
    (void)argc;
    int rc = esm_db_delete(c->db, argv[0], &c->err);
    return rc < 0 ? -1 : rc == 0;
}

/* The existing record of key, or NULL after printing "no record" (the
 * original silently stores nothing there: we say so and exit 1). */
static esm_record *existing(struct cli *c, const char *key, int *rc)
{
    esm_record *rec;
    if (esm_db_check_key(c->db, key, &c->err) != 0) {
        *rc = -1;
        return NULL;
    }
    int found = esm_db_get(c->db, key, &rec, &c->err);
    if (found <= 0) {
        *rc = found < 0 ? -1 : BUILD_REFUSED;
        if (found == 0)
            no_record(c, key);
    }
    return rec;
}

static int build_settype(struct cli *c, int argc, char **argv)
{
    (void)argc;
    int rc = 0;
    esm_record *rec = existing(c, argv[0], &rc);
    if (rec == NULL)
        return rc;
    if (argv[1][0] == '\0' || strchr(argv[1], '|') != NULL) {
        esm_record_free(rec);
        return refuse(c, argv[1][0] ? "%s: %s: a type cannot contain '|'" : "%s: %s: empty type",
                      argv[0]);
    }
    esm_record_set_type(rec, argv[1]);
    rc = esm_db_put(c->db, argv[0], rec, &c->err);
    esm_record_free(rec);
    return rc;
}

static int build_setprop(struct cli *c, int argc, char **argv)
{
    int rc = 0;
    esm_record *rec = existing(c, argv[0], &rc);
    if (rec == NULL)
        return rc;
    for (int i = 1; i + 1 < argc; i += 2)
        esm_record_set(rec, argv[i], argv[i + 1]);
    rc = esm_db_put(c->db, argv[0], rec, &c->err);
    esm_record_free(rec);
    return rc;
}

static int build_delprop(struct cli *c, int argc, char **argv)
{
    int rc = 0;
    esm_record *rec = existing(c, argv[0], &rc);
    if (rec == NULL)
        return rc;
    int changed = 0;
    for (int i = 1; i < argc; i++)
        changed |= esm_record_unset(rec, argv[i]);
    rc = changed ? esm_db_put(c->db, argv[0], rec, &c->err) : 0;
    esm_record_free(rec);
    return rc;
}

static int cmd_set(struct cli *c, int argc, char **argv)
{
    return run_write(c, build_set, argc, argv);
}

static int cmd_setdefault(struct cli *c, int argc, char **argv)
{
    return run_write(c, build_setdefault, argc, argv);
}

static int cmd_delete(struct cli *c, int argc, char **argv)
{
    return run_write(c, build_delete, argc, argv);
}

static int cmd_settype(struct cli *c, int argc, char **argv)
{
    return run_write(c, build_settype, argc, argv);
}

static int cmd_setprop(struct cli *c, int argc, char **argv)
{
    return run_write(c, build_setprop, argc, argv);
}

static int cmd_delprop(struct cli *c, int argc, char **argv)
{
    return run_write(c, build_delprop, argc, argv);
}

/* ---- schemas ---- */

/* describe KEY [PROP]; `describe --complete KEY [PROP]` prints prop names
 * or allowed values one a line, for the bash completion. */
static int cmd_describe(struct cli *c, int argc, char **argv)
{
    int complete = strcmp(argv[0], "--complete") == 0;
    if (complete) {
        argc--;
        argv++;
    }
    if (argc < 1 || argc > 2) {
        usage(c->prog);
        return EXIT_USAGE;
    }
    esm_buf out = ESM_BUF_INIT;
    const char *prop = argc > 1 ? argv[1] : NULL;
    int rc = complete ? esm_schema_complete(c->db, lookup_key(argv[0]), prop, &out, &c->err)
                      : esm_schema_describe(c->db, lookup_key(argv[0]), prop, &out, &c->err);
    if (rc == 0)
        fwrite(out.data, 1, out.len, stdout);
    esm_buf_free(&out);
    return rc == 0 ? 0 : fail(c);
}

/* check [KEY]: problems one a line on stdout, exit 1 when any is an error. */
static int cmd_check(struct cli *c, int argc, char **argv)
{
    if (argc > 1) {
        usage(c->prog);
        return EXIT_USAGE;
    }
    esm_buf report = ESM_BUF_INIT;
    int errors = esm_schema_check_db(c->db, argc ? lookup_key(argv[0]) : NULL, &report, &c->err);
    fwrite(report.data, 1, report.len, stdout);
    esm_buf_free(&report);
    if (errors < 0)
        return fail(c);
    return errors > 0;
}

/* ---- dispatch ---- */

enum args_rule { ANY, PAIRS_AFTER_2, PAIRS_AFTER_1 };

static const struct command {
    const char *name;
    int writes;
    int min_args;
    enum args_rule rule;
    int (*run)(struct cli *c, int argc, char **argv);
} commands[] = {
    {"keys", 0, 0, ANY, cmd_keys},
    {"print", 0, 0, ANY, cmd_print},
    {"show", 0, 0, ANY, cmd_show},
    {"printjson", 0, 0, ANY, cmd_printjson},
    {"get", 0, 1, ANY, cmd_get},
    {"printtype", 0, 0, ANY, cmd_printtype},
    {"gettype", 0, 1, ANY, cmd_gettype},
    {"printprop", 0, 1, ANY, cmd_printprop},
    {"getprop", 0, 2, ANY, cmd_getprop},
    {"set", 1, 2, PAIRS_AFTER_2, cmd_set},
    {"setdefault", 1, 2, PAIRS_AFTER_2, cmd_setdefault},
    {"delete", 1, 1, ANY, cmd_delete},
    {"settype", 1, 2, ANY, cmd_settype},
    {"setprop", 1, 3, PAIRS_AFTER_1, cmd_setprop},
    {"delprop", 1, 2, ANY, cmd_delprop},
    {"describe", 0, 1, ANY, cmd_describe},
    {"check", 0, 0, ANY, cmd_check},
};

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
    struct cli c = {.prog = "db"};
    const char *dbname;
    int first;
    if (argc > 0 && strcmp(base_name(argv[0]), "config") == 0) {
        c.prog = "config";
        dbname = "configuration";
        first = 1;
    } else {
        dbname = argc > 1 ? argv[1] : NULL;
        first = 2;
    }
    if (argc <= first) {
        usage(c.prog);
        return EXIT_USAGE;
    }
    const struct command *cmd = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, argv[first]) == 0)
            cmd = &commands[i];
    int nargs = argc - first - 1;
    char **args = argv + first + 1;
    if (cmd == NULL || nargs < cmd->min_args ||
        (cmd->rule == PAIRS_AFTER_2 && (nargs - 2) % 2 != 0) ||
        (cmd->rule == PAIRS_AFTER_1 && (nargs - 1) % 2 != 0)) {
        usage(c.prog);
        return EXIT_USAGE;
    }
    c.db = esm_db_open(dbname, cmd->writes ? ESM_DB_WRITE : ESM_DB_READ, &c.err);
    if (c.db == NULL)
        return fail(&c);
    int rc = cmd->run(&c, nargs, args);
    esm_db_close(c.db);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write the output\n", c.prog);
        return 1;
    }
    return rc;
}
