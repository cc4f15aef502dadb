/*
 * metadata.h - templates.metadata: per-template settings for expansion.
 *
 * /etc/e-smith/templates.metadata/<path> is either a file of KEY=value
 * lines or a directory with one file per KEY whose content is the value.
 * In the original every value is a Perl expression handed to eval; real
 * packages only use literals, so we accept exactly the literals and refuse
 * anything else with a message naming the file, line and key:
 *
 *   numbers     0640 (octal, leading 0), 420, 0x1a4, 0b1   (Perl's rules)
 *   strings     'root'  "root"  (escapes; "$x"/"@x" interpolation refused)
 *   undef       the key is treated as absent
 *   MORE_DATA   { name => 'value', 'n2' => 42, ... }  (literal values only)
 *
 * FILTER is Perl code in the original (a sub reference): it is refused
 * unless undef.
 */
#ifndef ESM_METADATA_H
#define ESM_METADATA_H

#include "err.h"

#include <stddef.h>

typedef struct esm_meta {
    char *uid;             /* user name or number; NULL: not given */
    char *gid;             /* group name or number; NULL: not given */
    char *perms;           /* the value as Perl would stringify it; NULL: not given */
    char *template_path;   /* render this path's template instead */
    char *output_filename; /* write here instead */
    int delete_output;     /* DELETE was true (Perl truth) */
    char **more_data;      /* NULL or name, value, name, value, ..., NULL */
    char **unknown_keys;   /* NULL or keys the original does not know, NULL-terminated */
} esm_meta;

#define ESM_META_INIT                                                                              \
    {                                                                                              \
        NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL                                                \
    }

/* Applies one KEY=expr setting; where names the origin ("FILE:LINE") for
 * messages. A later setting of the same key replaces an earlier one. */
int esm_meta_set(esm_meta *meta, const char *key, const char *expr, size_t len, const char *where,
                 esm_err *err);

/* Parses the file form: KEY=value lines (key: everything before the first
 * '='; blank lines and '#' comments skipped). filename is for messages. */
int esm_meta_parse_lines(esm_meta *meta, const char *text, size_t len, const char *filename,
                         esm_err *err);

/* Loads the metadata of the template at server path template_path, file
 * or directory form. Returns 1 when found, 0 when there is none, -1 on
 * error (unreadable, or a value that is not a literal). */
int esm_meta_load(esm_meta *meta, const char *template_path, esm_err *err);

/* Parses the octal/decimal mode the way the original applies PERMS: a
 * value starting with 0 is octal, anything else decimal. -1 when it is not
 * a number or above 07777. */
long esm_meta_perms(const char *value);

void esm_meta_free(esm_meta *meta);

#endif
