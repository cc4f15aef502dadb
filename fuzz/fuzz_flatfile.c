/* libFuzzer target: the flat-file parser. Any bytes parse or fail with a
 * message; parsed entries are sorted, unique, and carry no escaped
 * newline the writer would not reproduce. */
#include "flatfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct esm_flat flat;
    esm_err err;
    if (esm_flat_parse((const char *)data, size, "fuzz", "/fuzz", &flat, &err) != 0) {
        if (err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL)
            abort();
        return 0;
    }
    for (size_t i = 0; i < flat.count; i++) {
        if (strchr(flat.entries[i].key, '=') != NULL || strchr(flat.entries[i].key, '\n'))
            abort();
        if (i > 0 && strcmp(flat.entries[i - 1].key, flat.entries[i].key) >= 0)
            abort();
        if (strlen(flat.entries[i].raw) != flat.entries[i].raw_len)
            abort();
    }
    esm_flat_free(&flat);
    return 0;
}
