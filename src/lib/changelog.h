/*
 * changelog.h - the audit trail: every change of a db is logged to syslog
 * (facility local1, level info, with the pid) the way esmith::config does,
 * so an admin's existing log watching keeps working:
 *   PATH: OLD key=old-raw-value   ("(undefined)" for a new key)
 *   PATH: NEW key=new-raw-value
 *   PATH: DELETE key=old-raw-value
 * Raw values are shown as in the flat file (newlines as "\n"), and bytes
 * outside ASCII as '_', as the original does. The log socket is /dev/log
 * under $ESMITH_ROOT; without a listener nothing is logged.
 */
#ifndef ESM_CHANGELOG_H
#define ESM_CHANGELOG_H

/* One log line (malloc'd). what is "OLD", "NEW" or "DELETE"; raw may be
 * NULL for "(undefined)". */
char *esm_changelog_format(const char *path, const char *what, const char *key, const char *raw);

/* Logs a key going from old_raw (NULL: did not exist) to new_raw (NULL:
 * deleted). path is the flat file's path on the server. */
void esm_changelog_change(const char *path, const char *key, const char *old_raw,
                          const char *new_raw);

#endif
