/*
 * paths.h - the one place where absolute paths meet $ESMITH_ROOT.
 *
 * Every absolute path a tool touches (databases, templates, events,
 * services, the rendered files) is written in the code as the path on a
 * real SME Server, e.g. "/home/e-smith/db", and passed through
 * esm_path_dup() before use. With ESMITH_ROOT=/tmp/x set, a whole SME
 * layout lives under /tmp/x; unset or "/" it is the real system.
 */
#ifndef ESM_PATHS_H
#define ESM_PATHS_H

/* The root in effect, without a trailing slash ("" for "/"). */
const char *esm_root(void);

/* Returns a malloc'd path: esm_root() + abs_path. abs_path must start with
 * '/'; a relative path is returned unchanged (copied). */
char *esm_path_dup(const char *abs_path);

/* Returns abs_path with the root prefix removed when it lies under the
 * root (a pointer into abs_path), else abs_path itself. Used to show
 * server paths in messages and logs. */
const char *esm_path_unroot(const char *abs_path);

#endif
