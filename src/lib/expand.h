/*
 * expand.h - expanding a configuration file from its templates, as
 * /sbin/e-smith/expand-template and an event's templates2expand do it.
 *
 * For a server path such as /var/service/qpsmtpd/config/peers/0:
 *
 *   sources   /etc/e-smith/templates-custom/<path> over
 *             /etc/e-smith/templates/<path> (or one --expand_queue dir).
 *             A source that is a file is a whole template and replaces
 *             everything of lower priority; a directory's fragments are
 *             merged by name (higher priority wins). Skipped: sub-
 *             directories and names ending in ~ .swp .orig .rpmsave
 *             .rpmnew .rpmorig. Order: template-begin, the others in byte
 *             order, template-end. When any source was a directory and no
 *             template-begin exists, templates-default/template-begin is
 *             used. Zero-length fragments are skipped; no fragment at all
 *             is an error.
 *   metadata  /etc/e-smith/templates.metadata/<path> (see metadata.h):
 *             UID, GID, PERMS, TEMPLATE_PATH, OUTPUT_FILENAME, DELETE,
 *             MORE_DATA. Metadata wins over the caller's options, as in
 *             the original's processTemplate.
 *   output    the target gets the metadata's owner and mode, else root:root
 *             0644, also when its text is unchanged (an event repairs a
 *             file's mode, as the original's generic_template_expand
 *             does); with keep_owner_mode (the CLI) an existing target
 *             keeps its own. The text goes to a temporary file
 *             created with O_EXCL and an unpredictable name beside the
 *             target (never through a planted symlink), fsync'd, and
 *             renamed over the target; when the content is byte-identical
 *             nothing is written. <target>.rpmsave/.rpmnew are removed.
 *             A target that is a directory, a symlink or another
 *             non-regular file is refused.
 *   errors    every block of every fragment is rendered (so every broken
 *             block is reported, `die` in Perl's words), then the
 *             expansion fails and the target is left exactly as it was.
 *
 * All fragments of one expansion share one template environment (one
 * Perl package). Paths given here are server paths: they are resolved
 * under $ESMITH_ROOT and must be absolute without ".." components.
 */
#ifndef ESM_EXPAND_H
#define ESM_EXPAND_H

#include "buf.h"
#include "db.h"
#include "err.h"
#include "tmpl.h"

enum esm_expand_level { ESM_EXPAND_WARNING, ESM_EXPAND_ERROR };

/* Receives each message line the original prints while expanding, without
 * a newline, e.g.
 *   "WARNING in /etc/e-smith/templates/etc/x/10a: msg"
 *   "ERROR in /etc/e-smith/templates/etc/x/10a: Program fragment delivered
 *    error <<...:2:5: unsupported Perl: backticks>> at template line 2"
 * The final failure line is not sent here: it is the esm_err message. */
typedef void (*esm_expand_msg_fn)(void *ctx, enum esm_expand_level level, const char *line);

struct esm_expand_opts {
    const char *output_filename; /* server path to write instead of path (NULL: path) */
    const char *expand_queue;    /* one template source dir replacing the default two */
    const char *event;           /* sets $EVENT in an env esm_expand creates (NULL: unset) */
    int dry_run;                 /* change nothing on disk (use diff_out to see the effect) */
    int keep_owner_mode;         /* an existing target keeps its owner and mode (the CLI) */
    esm_expand_msg_fn on_message;
    void *msg_ctx;
};

/* Outcome of a successful esm_expand. */
enum esm_expand_result {
    ESM_EXPAND_UNCHANGED = 0, /* target already had this content */
    ESM_EXPAND_CHANGED = 1,   /* target written, created or deleted (or would be, dry_run) */
};

/* Expands the template of server path `path` into its target.
 *
 * opts may be NULL (all defaults). config is the configuration db the
 * fragments see; it is only used when env_or_NULL is NULL, in which case
 * esm_expand creates an env from it (config may be NULL too: no record
 * variables), sets $EVENT, forwards `warn` as "WARNING in ..." messages,
 * and frees it. A caller-supplied env is used as it is (its warning
 * handler too) and keeps the globals the fragments set.
 *
 * diff_out (may be NULL) receives the unified diff from the current
 * target to the new text ("--- /dev/null" for a new file, "+++ /dev/null"
 * for DELETE), nothing when unchanged; with opts->dry_run it is the only
 * effect.
 *
 * Returns an esm_expand_result, or -1 with err set. On error the target
 * and its directory are as they were. */
int esm_expand(const char *path, const struct esm_expand_opts *opts, esm_db *config,
               esm_tmpl_env *env_or_NULL, esm_buf *diff_out, esm_err *err);

/* 0 when path is an absolute server path without "." or ".." components
 * or empty components; else -1 with a message naming it (what: "template
 * path", "output file", ...). */
int esm_expand_check_path(const char *path, const char *what, esm_err *err);

#endif
