/* libFuzzer target: the unified diff generator on any pair of texts (the
 * input split at its first NUL byte, or in half). It must not crash, leak
 * or hang, and it must report "equal" exactly when the texts are equal. */
#include "udiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t old_len = nul ? (size_t)(nul - text) : size / 2;
    const char *new_text = text + old_len + (nul ? 1 : 0);
    size_t new_len = size - (size_t)(new_text - text);
    esm_buf out = ESM_BUF_INIT;
    int changed = esm_udiff(text, old_len, new_text, new_len, "a", "b", &out);
    int equal = old_len == new_len && memcmp(text, new_text, old_len) == 0;
    if (changed == equal || (changed && out.len == 0) || (!changed && out.len != 0))
        abort();
    esm_buf_free(&out);
    return 0;
}
