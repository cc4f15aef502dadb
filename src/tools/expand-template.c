/*
 * expand-template - render a configuration file from its templates.
 *
 *   expand-template [--output_filename F] [--expand_queue DIR] [--diff] /path...
 *
 * Paths are server paths (under $ESMITH_ROOT when set). --diff prints a
 * unified diff of what would change and writes nothing. Exit 0 when every
 * path expanded, 1 when one failed (its target untouched), 2 on bad usage.
 * The rules are in src/lib/expand.h.
 */
#include "db.h"
#include "expand.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *to)
{
    fputs("Usage: expand-template [--output_filename FILE] [--expand_queue DIR] [--diff] "
          "/path/to/file/to/expand...\n",
          to);
}

/* Every message line of the expansion goes to stderr, as the original's. */
static void print_message(void *ctx, enum esm_expand_level level, const char *line)
{
    (void)ctx;
    (void)level;
    fprintf(stderr, "%s\n", line);
}

/* Accepts --name VALUE, --name=VALUE and the single-dash forms that
 * Getopt::Long allowed in the original. */
static const char *option_value(const char *name, int argc, char **argv, int *i)
{
    const char *arg = argv[*i] + (argv[*i][1] == '-' ? 2 : 1);
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return NULL;
    if (arg[n] == '=')
        return arg + n + 1;
    if (arg[n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

int main(int argc, char **argv)
{
    /* As the original CLI: an existing target keeps its owner and mode. */
    struct esm_expand_opts opts = {.keep_owner_mode = 1, .on_message = print_message};
    int diff = 0;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        const char *value;
        if (strcmp(argv[i], "--") == 0) {
            first = i + 1;
            break;
        }
        if (argv[i][0] != '-' || argv[i][1] == '\0') {
            first = i;
            break;
        }
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--diff") == 0 || strcmp(argv[i], "-diff") == 0) {
            diff = 1;
        } else if ((value = option_value("output_filename", argc, argv, &i)) != NULL) {
            opts.output_filename = value;
        } else if ((value = option_value("expand_queue", argc, argv, &i)) != NULL) {
            opts.expand_queue = value;
        } else {
            fprintf(stderr, "expand-template: unknown or incomplete option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (first >= argc) {
        usage(stderr);
        return 2;
    }
    if (opts.output_filename && argc - first > 1) {
        fputs("expand-template: --output_filename takes exactly one path to expand\n", stderr);
        return 2;
    }
    opts.dry_run = diff;

    esm_err err;
    esm_err_clear(&err);
    /* Templates without record variables still expand on a system whose
     * configuration db does not exist yet; any other failure is fatal. */
    esm_db *config = esm_db_open("configuration", ESM_DB_READ, &err);
    if (config == NULL && err.code != ESM_E_NOTFOUND) {
        fprintf(stderr, "ERROR: %s\n", err.msg);
        return 1;
    }

    int status = 0;
    esm_buf out = ESM_BUF_INIT;
    for (int i = first; i < argc; i++) {
        esm_err_clear(&err);
        esm_buf_reset(&out);
        if (esm_expand(argv[i], &opts, config, NULL, diff ? &out : NULL, &err) < 0) {
            fprintf(stderr, "ERROR: %s\n", err.msg);
            status = 1;
            continue;
        }
        if (diff)
            fwrite(esm_buf_str(&out), 1, out.len, stdout);
    }
    esm_buf_free(&out);
    if (config)
        esm_db_close(config);
    if (fflush(stdout) != 0) {
        perror("expand-template: stdout");
        status = 1;
    }
    return status;
}
