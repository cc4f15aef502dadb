/* Unit tests of the esm_expand() library API (src/lib/expand.c): the
 * results, $EVENT, dry runs with diffs, message delivery and a
 * caller-supplied environment - what signal-event relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void put(const char *server_path, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", root, server_path);
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *server_path)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", root, server_path);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    static char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

struct messages {
    int errors, warnings;
    char last[1024];
};

static void collect(void *ctx, enum esm_expand_level level, const char *line)
{
    struct messages *m = ctx;
    if (level == ESM_EXPAND_ERROR)
        m->errors++;
    else
        m->warnings++;
    snprintf(m->last, sizeof m->last, "%s", line);
}

static void event_is_visible(void **state)
{
    (void)state;
    put("/etc/e-smith/templates/srv/ev/10", "event={ $EVENT }\n");
    struct esm_expand_opts opts = {.event = "email-update"};
    esm_err err;
    assert_int_equal(esm_expand("/srv/ev", &opts, NULL, NULL, NULL, &err), ESM_EXPAND_CHANGED);
    assert_string_equal(slurp("/srv/ev"), "event=email-update\n");
    assert_int_equal(esm_expand("/srv/ev", &opts, NULL, NULL, NULL, &err), ESM_EXPAND_UNCHANGED);
}

static void dry_run_only_diffs(void **state)
{
    (void)state;
    put("/etc/e-smith/templates/srv/dry/10", "new\n");
    struct esm_expand_opts opts = {.dry_run = 1};
    esm_buf diff = ESM_BUF_INIT;
    esm_err err;
    assert_int_equal(esm_expand("/srv/dry", &opts, NULL, NULL, &diff, &err), ESM_EXPAND_CHANGED);
    assert_null(slurp("/srv/dry"));
    assert_string_equal(esm_buf_str(&diff), "--- /dev/null\n+++ /srv/dry\n@@ -0,0 +1 @@\n+new\n");
    put("/srv/dry", "new\n");
    esm_buf_reset(&diff);
    assert_int_equal(esm_expand("/srv/dry", &opts, NULL, NULL, &diff, &err), ESM_EXPAND_UNCHANGED);
    assert_int_equal(diff.len, 0);
    esm_buf_free(&diff);
}

static void errors_reach_the_callback(void **state)
{
    (void)state;
    put("/etc/e-smith/templates/srv/bad/10", "{ `id` }\n");
    put("/etc/e-smith/templates/srv/bad/20", "{ warn \"w\\n\"; '' }ok\n");
    struct messages m = {0, 0, ""};
    struct esm_expand_opts opts = {.on_message = collect, .msg_ctx = &m};
    esm_err err;
    assert_int_equal(esm_expand("/srv/bad", &opts, NULL, NULL, NULL, &err), -1);
    assert_int_equal(m.errors, 1);
    assert_int_equal(m.warnings, 1);
    assert_string_equal(err.msg, "Template processing failed for /srv/bad: 1 fragment generated "
                                 "warnings, 1 fragment generated errors");
    assert_null(slurp("/srv/bad"));
}

static void caller_env_keeps_globals(void **state)
{
    (void)state;
    put("/etc/e-smith/templates/srv/env/10", "{ $shared = 'kept'; '' }\n");
    esm_tmpl_env *env = esm_tmpl_env_new(NULL);
    esm_err err;
    assert_int_equal(esm_expand("/srv/env", NULL, NULL, env, NULL, &err), ESM_EXPAND_CHANGED);
    esm_buf out = ESM_BUF_INIT;
    assert_int_equal(esm_tmpl_render(env, "{ $shared }", 11, "t", &out, &err), 0);
    assert_string_equal(esm_buf_str(&out), "kept");
    esm_buf_free(&out);
    esm_tmpl_env_free(env);
}

static void path_rules(void **state)
{
    (void)state;
    esm_err err;
    assert_int_equal(esm_expand_check_path("/etc/x", "p", &err), 0);
    assert_int_equal(esm_expand_check_path("etc/x", "p", &err), -1);
    assert_int_equal(esm_expand_check_path("/etc/../x", "p", &err), -1);
    assert_int_equal(esm_expand_check_path("/etc/./x", "p", &err), -1);
    assert_int_equal(esm_expand_check_path("/etc//x", "p", &err), -1);
    assert_int_equal(esm_expand_check_path("/etc/x/", "p", &err), -1);
    assert_int_equal(esm_expand_check_path("/etc/..x", "p", &err), 0);
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/esmith-test-expand.%ld", (long)getpid());
    char srv[128];
    snprintf(srv, sizeof srv, "%s/srv", root);
    mkdir(root, 0755);
    mkdir(srv, 0755);
    setenv("ESMITH_ROOT", root, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(event_is_visible),
        cmocka_unit_test(dry_run_only_diffs),
        cmocka_unit_test(errors_reach_the_callback),
        cmocka_unit_test(caller_env_keeps_globals),
        cmocka_unit_test(path_rules),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
