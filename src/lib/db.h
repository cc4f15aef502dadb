/*
 * db.h - the e-smith configuration database: records on libtdb, kept in
 * sync with the e-smith flat file /home/e-smith/db/NAME.
 *
 * A database is opened by name ("configuration"), by absolute path, or by
 * NAME under $DBPATH. The TDB store lives beside the flat file
 * (NAME.tdb). Every write is one TDB transaction followed by a rewrite of
 * the flat file (temp file + fsync + rename), both under the flat file's
 * flock so Perl tools and ours serialise. A flat file changed by someone
 * else is re-imported before we read or write.
 *
 * Handles are opaque; nothing here prints or exits (see err.h).
 */
#ifndef ESM_DB_H
#define ESM_DB_H

#include "err.h"

#include <stddef.h>

typedef struct esm_db esm_db;
typedef struct esm_record esm_record;

/* ---- records: a type plus props, values are arbitrary byte strings ---- */

esm_record *esm_record_new(const char *type);
esm_record *esm_record_dup(const esm_record *rec);
void esm_record_free(esm_record *rec);

const char *esm_record_type(const esm_record *rec);
void esm_record_set_type(esm_record *rec, const char *type);

/* The value of prop, or NULL when the record has no such prop. */
const char *esm_record_get(const esm_record *rec, const char *prop);
void esm_record_set(esm_record *rec, const char *prop, const char *value);
/* Returns 1 when prop existed and was removed, 0 otherwise. */
int esm_record_unset(esm_record *rec, const char *prop);

/* Props in byte order of their names, index 0 .. count-1. */
size_t esm_record_count(const esm_record *rec);
const char *esm_record_name_at(const esm_record *rec, size_t i);
const char *esm_record_value_at(const esm_record *rec, size_t i);

/* Record codec. The raw form is what follows "key=" in the flat file,
 * before newline escaping: "type|prop|value|...". decode never fails (any
 * string is some record); encode returns a malloc'd raw string, the one
 * decoded from when the record was not modified since (so an untouched
 * record keeps its byte form), else props in sorted order. */
esm_record *esm_record_decode(const char *raw, size_t len);
char *esm_record_encode(const esm_record *rec);
/* How many '|'-separated fields raw has ("type" is 1, "type|p|v" 3): a
 * raw value with an even count has a prop without a value. */
size_t esm_record_field_count(const char *raw);

/* ---- databases ---- */

enum esm_db_mode {
    ESM_DB_READ,  /* fails when the db does not exist; syncing takes the lock */
    ESM_DB_WRITE, /* creates the db (both files) when missing */
};

/* name_or_path: a name resolves to $DBPATH/NAME, else to
 * /home/e-smith/db/NAME under $ESMITH_ROOT; anything with a '/' is a path
 * used as given. The flat file is checked (one stat) against the TDB at
 * open and at each transaction start; a handle kept open long does not
 * notice other writers in between. */
esm_db *esm_db_open(const char *name_or_path, enum esm_db_mode mode, esm_err *err);
/* The flat file path esm_db_open uses for name_or_path (malloc'd). */
char *esm_db_resolve_path(const char *name_or_path);
void esm_db_close(esm_db *db);

/* The name used in messages: "configuration", or the path as given. */
const char *esm_db_name(const esm_db *db);

/* Looks key up. Returns 1 and a record the caller frees, 0 when the key
 * does not exist (*out = NULL), -1 on error. */
int esm_db_get(esm_db *db, const char *key, esm_record **out, esm_err *err);
/* Like esm_db_get, but the raw value as stored (malloc'd), newlines real. */
int esm_db_get_raw(esm_db *db, const char *key, char **raw_out, esm_err *err);

/* Holds a read lock on the whole database until esm_db_read_end, so that
 * a run of gets (an expansion reads dozens of records) sees one state and
 * takes one lock instead of one per get; writers wait meanwhile. A no-op
 * inside a transaction or on the in-memory fallback. Calls do not nest. */
void esm_db_read_begin(esm_db *db);
void esm_db_read_end(esm_db *db);

/* All keys in byte order, as a malloc'd NULL-terminated vector
 * (esm_strv_free). */
int esm_db_keys(esm_db *db, char ***keys_out, size_t *count_out, esm_err *err);
void esm_strv_free(char **strv);

/* Writes. Outside a transaction each call is a transaction of its own.
 * Inside one (start ... commit), gets see the pending state and nothing
 * reaches disk or the flat file until commit. Keys are checked
 * (esm_db_check_key) before anything is written. */
int esm_db_transaction_start(esm_db *db, esm_err *err);
int esm_db_transaction_commit(esm_db *db, esm_err *err);
void esm_db_transaction_cancel(esm_db *db);

/* Returns 0 (also when the stored value was already the same), -1 when
 * the key, a prop name or a value cannot be stored losslessly (see the
 * README, "Lossless storage") or on error. The whole raw value is trimmed
 * of blanks at both ends, as esmith::config does. */
int esm_db_put(esm_db *db, const char *key, const esm_record *rec, esm_err *err);
/* Returns 1 when deleted, 0 when the key did not exist, -1 on error. */
int esm_db_delete(esm_db *db, const char *key, esm_err *err);

/* Input rules shared by the CLI and the library: 0 when acceptable, else
 * -1 with a message naming the db and the offending key/prop. */
int esm_db_check_key(const esm_db *db, const char *key, esm_err *err);
int esm_db_check_prop(const esm_db *db, const char *key, const char *prop, esm_err *err);

#endif
