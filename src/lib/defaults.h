/*
 * defaults.h - default and forced values of the databases (reference §3).
 *
 * DIR/NAME/defaults/KEY/PROP holds the default of PROP of record KEY in
 * database NAME: applied only where the prop is not set, creating the
 * record when missing (with the type from defaults/KEY/type).
 * DIR/NAME/force/KEY/PROP is applied always, after the defaults. The file
 * content, less one trailing newline, is the value. DIR is
 * $ESMITH_DB_DEFAULTSDIR when set (a path used as given, like $DBPATH),
 * else /etc/e-smith/db.
 */
#ifndef ESM_DEFAULTS_H
#define ESM_DEFAULTS_H

#include "err.h"

/* The directory in effect, malloc'd. */
char *esm_defaults_dir(void);

/* Applies the defaults and forced values of database dbname found under
 * dir, in one transaction that is only committed when a record changed.
 * *changed (when not NULL) gets the number of records written. On error
 * nothing of this database is written. */
int esm_defaults_apply(const char *dir, const char *dbname, int *changed, esm_err *err);

/* The databases that have a directory under dir, in byte order, as a
 * malloc'd NULL-terminated vector (esm_strv_free); an empty vector when
 * dir does not exist. */
char **esm_defaults_databases(const char *dir, esm_err *err);

#endif
