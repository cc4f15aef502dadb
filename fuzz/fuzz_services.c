/* libFuzzer target: services2adjust entries. The input becomes one entry
 * of /etc/e-smith/events/ev/services2adjust/ (a file of actions, or a
 * symlink whose target is the action) in a private $ESMITH_ROOT, and the
 * S90adjust-services handler runs over it in dry-run mode, for a
 * supervised and for a systemd service, enabled or not. The action list
 * also goes straight to the two planners. Nothing may crash, leak or
 * hang, and dry-run must never touch a service. */
#include "buf.h"
#include "db.h"
#include "services.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[64];
static char entry_dir[256];
static esm_db *config;

static void ignore(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

static void mkdirs(const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static void remove_root(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_services: cannot remove %s\n", root);
}

/* One private SME root for the whole run: a config db with two service
 * records, one of them supervised (its control "fifo" is a plain file:
 * dry-run never opens it). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(root, sizeof root, "/tmp/fuzz-services.XXXXXX");
    if (mkdtemp(root) == NULL)
        abort();
    atexit(remove_root);
    setenv("ESMITH_ROOT", root, 1);
    char path[512];
    snprintf(path, sizeof path, "%s/home/e-smith/db", root);
    mkdirs(path);
    snprintf(path, sizeof path, "%s/service/sup/supervise", root);
    mkdirs(path);
    snprintf(path, sizeof path, "%s/service/sup/supervise/control", root);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        abort();
    fclose(f);
    snprintf(entry_dir, sizeof entry_dir, "%s/etc/e-smith/events/ev/services2adjust", root);
    mkdirs(entry_dir);
    esm_err err;
    config = esm_db_open("configuration", ESM_DB_WRITE, &err);
    if (config == NULL)
        abort();
    esm_record *rec = esm_record_new("service");
    esm_record_set(rec, "status", "enabled");
    if (esm_db_put(config, "sup", rec, &err) != 0 || esm_db_put(config, "sysd", rec, &err) != 0)
        abort();
    esm_record_set(rec, "status", "disabled");
    if (esm_db_put(config, "off", rec, &err) != 0)
        abort();
    esm_record_free(rec);
    return 0;
}

/* The input split on blanks and newlines, as a NULL-terminated vector. */
static char **words_of(const char *text, size_t *n)
{
    size_t cap = 8;
    char **words = esm_xmalloc(cap * sizeof *words);
    *n = 0;
    for (const char *p = text; *p;) {
        p += strspn(p, " \t\r\n");
        size_t len = strcspn(p, " \t\r\n");
        if (len == 0)
            break;
        if (*n + 1 >= cap)
            words = esm_xrealloc(words, (cap *= 2) * sizeof *words);
        words[(*n)++] = strndup(p, len);
        p += len;
    }
    words[*n] = NULL;
    return words;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const services[] = {"sup", "sysd", "off", "norecord"};
    const char *service = services[data[0] & 3];
    int as_link = (data[0] & 4) != 0;
    /* The input is not NUL-terminated: copy, do not strndup it. */
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    char path[512];
    snprintf(path, sizeof path, "%s/%s", entry_dir, service);
    unlink(path);
    if (as_link) {
        if (text[0] != '\0')
            symlink(text, path);
    } else {
        FILE *f = fopen(path, "w");
        if (f == NULL)
            abort();
        fwrite(data + 1, 1, size - 1, f);
        fclose(f);
    }
    esm_svc_opts opts = {1, ignore, ignore, NULL, NULL};
    esm_err err;
    esm_svc_adjust_event("ev", config, &opts, &err);
    unlink(path);

    size_t n;
    char **words = words_of(text, &n);
    char chars[64];
    esm_svc_control_chars((const char *const *)words, n, data[0] & 8, chars, sizeof chars, &err);
    const char **steps = esm_svc_systemd_steps((const char *const *)words, n, data[0] & 8, &err);
    free(steps);
    esm_strv_free(words);
    free(text);
    return 0;
}
