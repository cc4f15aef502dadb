/* libFuzzer target: the templates.metadata parser (file form and one
 * directory-form value) must never crash, leak or hang on any input. */
#include "metadata.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    esm_meta meta = ESM_META_INIT;
    esm_err err;
    esm_meta_parse_lines(&meta, (const char *)data, size, "fuzz", &err);
    esm_meta_free(&meta);
    esm_meta_set(&meta, "MORE_DATA", (const char *)data, size, "fuzz", &err);
    esm_meta_set(&meta, "PERMS", (const char *)data, size, "fuzz", &err);
    esm_meta_free(&meta);
    return 0;
}
