/* libFuzzer target: the schema loader on arbitrary bytes. Any input must
 * give a schema or a located error, never a crash, leak or hang; a good
 * input's definitions are then looked up and described in words. */
#include "schema.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    esm_schema *s = esm_schema_new();
    esm_err err;
    if (esm_schema_add_buffer(s, "fuzz.xml", (const char *)data, size, &err) == 0) {
        const esm_schema_key *k = esm_schema_find_key(s, "k");
        for (size_t i = 0; k != NULL && i < esm_schema_prop_count(k); i++) {
            const esm_schema_prop *p = esm_schema_prop_at(k, i);
            free(esm_schema_prop_allowed(p));
            esm_schema_check_value(p, "k", "value", &err);
            esm_schema_check_value(p, "k", "10.0.0.1", &err);
        }
    } else {
        esm_schema_blocks(s, "k", &err);
    }
    esm_schema_free(s);
    return 0;
}
