/*
 * fuzz_tmpl.c - libFuzzer target for the template engine: the input is a
 * fragment, split, parsed and evaluated (no database) under the engine's
 * own budgets. Any crash, leak, sanitizer report or hang is a bug: a
 * fragment must only ever render or fail with a message.
 */
#include "tmpl.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The second run goes on after a failed block, as expand-template's does. */
static void ignore_broken(void *ctx, const char *filename, int line, const char *error)
{
    (void)ctx;
    (void)filename;
    (void)line;
    (void)error;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    esm_tmpl_env *env = esm_tmpl_env_new(NULL);
    esm_tmpl_env_set_scalar(env, "EVENT", "fuzz");
    esm_buf out = ESM_BUF_INIT;
    esm_err err;
    /* twice in one env: the second run sees the globals of the first */
    esm_tmpl_render(env, (const char *)data, size, "fuzz", &out, &err);
    esm_tmpl_env_on_broken(env, ignore_broken, NULL);
    esm_tmpl_render(env, (const char *)data, size, "fuzz", &out, &err);
    esm_buf_free(&out);
    esm_tmpl_env_free(env);
    return 0;
}
