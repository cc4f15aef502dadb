/*
 * schema.h - typed property schemas: which values a prop of a record may
 * hold, and rules over a whole record (README "Schemas", esmith-schema(5)).
 *
 * A package ships XML files under /etc/e-smith/db/DBNAME/schema/ (or
 * $ESMITH_DB_DEFAULTSDIR/DBNAME/schema/); together they are the schema of
 * that database. Props a schema does not describe stay free-form, as in
 * e-smith. A file that cannot be read or is malformed describes nothing
 * and blocks writes to every key it names, so a broken package cannot
 * silently turn validation off.
 *
 * The write path of `db`/`config` uses the guard: begin before the
 * command changes a key, check after (inside the same transaction), then
 * commit or cancel. libexpat and PCRE2 are loaded only when a schema
 * directory exists (see lazylib.h).
 */
#ifndef ESM_SCHEMA_H
#define ESM_SCHEMA_H

#include "buf.h"
#include "db.h"
#include "err.h"

#include <stddef.h>

typedef struct esm_schema esm_schema;
typedef struct esm_schema_key esm_schema_key;
typedef struct esm_schema_prop esm_schema_prop;

enum esm_schema_type {
    ESM_SCHEMA_STRING, /* any text, or text matching a PCRE2 regex */
    ESM_SCHEMA_ENUM,
    ESM_SCHEMA_INTEGER, /* optional min and max */
    ESM_SCHEMA_SWITCH,  /* enabled | disabled */
    ESM_SCHEMA_IPV4,
    ESM_SCHEMA_IPV6,
    ESM_SCHEMA_HOSTNAME,
    ESM_SCHEMA_PORT, /* 1 .. 65535 */
};

/* Limits that keep a hostile or broken file from costing more than a
 * moment: larger or deeper files are refused with a message. */
#define ESM_SCHEMA_MAX_FILE_BYTES (1024 * 1024)
#define ESM_SCHEMA_MAX_DEPTH 16
#define ESM_SCHEMA_MAX_TEXT_BYTES (64 * 1024)
#define ESM_SCHEMA_MAX_PARSER_MEMORY (32 * 1024 * 1024)

/* ---- loading ---- */

/* The malloc'd schema directory of database dbname (a name, or a path
 * whose last component is used). */
char *esm_schema_dir(const char *dbname);

esm_schema *esm_schema_new(void);
void esm_schema_free(esm_schema *s);

/* Adds one file's content; filename is used in messages. Returns 0 when
 * the file is good, else -1 with "FILE:LINE: why" in err: the file then
 * adds no definition and blocks the keys it names (see esm_schema_blocks).
 * Never fails in any other way. */
int esm_schema_add_buffer(esm_schema *s, const char *filename, const char *xml, size_t len,
                          esm_err *err);
/* Reads path and adds it as above (an unreadable file is a broken one). */
int esm_schema_add_file(esm_schema *s, const char *path, esm_err *err);
/* Adds every *.xml file of dir in byte order of names. A missing dir is
 * no error. Returns the number of broken files (their messages through
 * esm_schema_broken_at), or -1 when dir exists but cannot be listed. */
int esm_schema_add_dir(esm_schema *s, const char *dir, esm_err *err);

/* The schema of db (its directory), or NULL with err when that directory
 * cannot be listed. A db without a schema directory gives an empty
 * schema; libexpat is then never loaded. */
esm_schema *esm_schema_load_for(const esm_db *db, esm_err *err);

size_t esm_schema_broken_count(const esm_schema *s);
/* "FILE:LINE: why" of the i-th broken file. */
const char *esm_schema_broken_at(const esm_schema *s, size_t i);

/* Returns 1 (and the reason in err) when a broken file names key, so
 * writes to it are refused; 0 otherwise. */
int esm_schema_blocks(const esm_schema *s, const char *key, esm_err *err);

/* ---- looking up ---- */

/* The definition covering key, or NULL: the key is free-form. */
const esm_schema_key *esm_schema_find_key(const esm_schema *s, const char *key);
/* "FILE:LINE" of the definition. */
const char *esm_schema_key_origin(const esm_schema_key *k);
/* The record type the key must have, or NULL when any. */
const char *esm_schema_key_type(const esm_schema_key *k);
const char *esm_schema_key_summary(const esm_schema_key *k);
size_t esm_schema_prop_count(const esm_schema_key *k);
const esm_schema_prop *esm_schema_prop_at(const esm_schema_key *k, size_t i);
const esm_schema_prop *esm_schema_find_prop(const esm_schema_key *k, const char *prop);
size_t esm_schema_rule_count(const esm_schema_key *k);
/* Level ("error" or "warning") and message of rule i. */
const char *esm_schema_rule_level(const esm_schema_key *k, size_t i);
const char *esm_schema_rule_message(const esm_schema_key *k, size_t i);

const char *esm_schema_prop_name(const esm_schema_prop *p);
enum esm_schema_type esm_schema_prop_type(const esm_schema_prop *p);
/* "string", "enum", ... as written in the XML. */
const char *esm_schema_type_name(enum esm_schema_type t);
const char *esm_schema_prop_default(const esm_schema_prop *p); /* NULL: none */
const char *esm_schema_prop_summary(const esm_schema_prop *p); /* "" when none */
const char *esm_schema_prop_description(const esm_schema_prop *p);
/* The values an enum or switch allows, else 0. */
size_t esm_schema_choice_count(const esm_schema_prop *p);
const char *esm_schema_choice_at(const esm_schema_prop *p, size_t i);
/* What the prop accepts, in words ("one of lenient, rfc, strict"),
 * malloc'd. */
char *esm_schema_prop_allowed(const esm_schema_prop *p);

/* ---- checking ---- */

/* Returns 0 when value is acceptable for p, else -1 with
 * "KEY PROP: 'VALUE' is not one of ..." in err. */
int esm_schema_check_value(const esm_schema_prop *p, const char *key, const char *value,
                           esm_err *err);

/* Guards one write command on one key, inside its transaction. */
typedef struct esm_schema_guard esm_schema_guard;

/* Before the change: loads db's schema and notes the record as it is.
 * Returns NULL with err when a broken schema covers key or the schema
 * directory cannot be read. */
esm_schema_guard *esm_schema_guard_begin(esm_db *db, const char *key, esm_err *err);
/* After the change, before commit (gets see the pending state): every
 * changed prop that the schema describes must be valid, the record type
 * must be the one required, and no error rule may newly fail. Returns 0
 * (warning lines, each ending in '\n', appended to warnings) or -1 with
 * the first problem in err. */
int esm_schema_guard_check(esm_schema_guard *g, esm_buf *warnings, esm_err *err);
void esm_schema_guard_free(esm_schema_guard *g);

/* `config check [KEY]`: validates every described key (or just key) and
 * every broken file. Appends "error: ..." and "warning: ..." lines to
 * report; returns the number of errors, or -1 with err when the check
 * itself could not run. */
int esm_schema_check_db(esm_db *db, const char *key, esm_buf *report, esm_err *err);

/* `config describe KEY [PROP]`: appends a readable description of the
 * props (type, allowed values, default, current value, summary,
 * description) and rules. Returns 0, or -1 with err (key not described,
 * no such prop in the schema). */
int esm_schema_describe(esm_db *db, const char *key, const char *prop, esm_buf *out, esm_err *err);

/* For shell completion: the prop names of key (schema and record, sorted,
 * one a line) or, with prop, its allowed values one a line. */
int esm_schema_complete(esm_db *db, const char *key, const char *prop, esm_buf *out, esm_err *err);

#endif
