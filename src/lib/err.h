/*
 * err.h - how the library reports failure.
 *
 * The library never prints and never exits: a failing call returns -1 (or
 * NULL) and fills an esm_err with one line, without a trailing newline, that
 * names what was involved (db, key, prop, file, line). The CLI prints it.
 */
#ifndef ESM_ERR_H
#define ESM_ERR_H

#include <stddef.h>

/* Error kinds the CLIs turn into exit codes or special handling. */
enum esm_err_code {
    ESM_OK = 0,
    ESM_E_FAIL,     /* generic failure: I/O, corrupt data, refused input */
    ESM_E_NOTFOUND, /* a key, prop, file or event that does not exist */
    ESM_E_INVALID,  /* input refused before anything was changed */
    ESM_E_NOMEM,
};

typedef struct esm_err {
    enum esm_err_code code;
    char msg[1024];
} esm_err;

/* Fills err (when not NULL) and returns -1, so callers can write
 * `return esm_err_set(err, ESM_E_FAIL, "...")`. */
int esm_err_set(esm_err *err, enum esm_err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like esm_err_set, with ": strerror(errno_value)" appended. */
int esm_err_sys(esm_err *err, int errno_value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err to ESM_OK and an empty message. */
void esm_err_clear(esm_err *err);

#endif
