/* libFuzzer target: the record codec. Any bytes decode; an untouched
 * record encodes to its own bytes; a modified record whose fields do not
 * end in a backslash survives encode + decode unchanged. */
#include "db.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ends_with_backslash(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && s[n - 1] == '\\';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    esm_record *rec = esm_record_decode((const char *)data, size);
    char *raw = esm_record_encode(rec);
    size_t upto = strnlen((const char *)data, size);
    if (strlen(raw) != upto || memcmp(raw, data, upto) != 0)
        abort();
    free(raw);

    esm_record_set(rec, "fuzz", "a|b\\|c");
    int clean = !ends_with_backslash(esm_record_type(rec));
    for (size_t i = 0; i < esm_record_count(rec); i++)
        clean &= !ends_with_backslash(esm_record_name_at(rec, i)) &&
                 !ends_with_backslash(esm_record_value_at(rec, i));
    raw = esm_record_encode(rec);
    esm_record *back = esm_record_decode(raw, strlen(raw));
    if (clean) {
        if (strcmp(esm_record_type(back), esm_record_type(rec)) != 0 ||
            esm_record_count(back) != esm_record_count(rec))
            abort();
        for (size_t i = 0; i < esm_record_count(rec); i++)
            if (strcmp(esm_record_name_at(back, i), esm_record_name_at(rec, i)) != 0 ||
                strcmp(esm_record_value_at(back, i), esm_record_value_at(rec, i)) != 0)
                abort();
    }
    esm_record_free(back);
    free(raw);
    esm_record_free(rec);
    return 0;
}
