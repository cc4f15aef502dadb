/*
 * schema_int.h - the schema model shared by the loader (schema.c), the
 * value checks (schema_types.c) and the database checks (schema_check.c).
 */
#ifndef ESM_SCHEMA_INT_H
#define ESM_SCHEMA_INT_H

#include "schema.h"

#include <stdint.h>

struct esm_schema_prop {
    char *name;
    enum esm_schema_type type;
    char *def; /* NULL: no default */
    char *summary;
    char *description;
    char **choices; /* enum */
    size_t nchoices;
    char *regex; /* string: the source, NULL when any text */
    void *code;  /* string: the compiled pcre2_code */
    int has_min, has_max;
    int64_t min, max;
};

enum schema_level { LEVEL_ERROR, LEVEL_WARNING };

struct schema_rule {
    enum schema_level level;
    char *condition;
    char *message;
    char *origin; /* "FILE:LINE" */
};

struct esm_schema_key {
    char **names; /* the keys this definition covers */
    size_t nnames;
    char *type; /* required record type, NULL when any */
    char *summary;
    char *origin;
    struct esm_schema_prop **props;
    size_t nprops;
    struct schema_rule *rules;
    size_t nrules;
};

struct broken_file {
    char *message;  /* "FILE:LINE: why" */
    char **covered; /* keys it names */
    size_t ncovered;
};

struct esm_schema {
    struct esm_schema_key **keys;
    size_t nkeys;
    struct broken_file *broken;
    size_t nbroken;
};

/* Frees a prop and everything it owns (its compiled regex too). */
void schema_prop_free(struct esm_schema_prop *p);
/* Compiles p->regex into p->code. Returns 0 or -1 with the PCRE2 reason
 * and offset in err. */
int schema_prop_compile(struct esm_schema_prop *p, esm_err *err);
/* Appends value to b as it should appear quoted in a one-line message:
 * control bytes escaped, long values shortened. */
void schema_quote_value(esm_buf *b, const char *value);

#endif
