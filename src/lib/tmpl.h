/*
 * tmpl.h - the template engine: Text::Template syntax with a sandboxed
 * subset of Perl (see README "Template language").
 *
 * An environment is one Perl package: globals set by one fragment are seen
 * by the next, as when Text::Template expands all fragments of a file in
 * one package. Record variables (%key, $key, $DB) come from the
 * configuration database given at creation.
 */
#ifndef ESM_TMPL_H
#define ESM_TMPL_H

#include "buf.h"
#include "db.h"
#include "err.h"

typedef struct esm_tmpl_env esm_tmpl_env;

/* config may be NULL (no record variables). The env does not own it. */
esm_tmpl_env *esm_tmpl_env_new(esm_db *config);
void esm_tmpl_env_free(esm_tmpl_env *env);

/* Sets a global scalar, e.g. $EVENT. */
void esm_tmpl_env_set_scalar(esm_tmpl_env *env, const char *name, const char *value);

/* Receives each `warn` of a fragment, already formatted. */
typedef void (*esm_tmpl_warn_fn)(void *ctx, const char *filename, const char *msg);
void esm_tmpl_env_on_warning(esm_tmpl_env *env, esm_tmpl_warn_fn fn, void *ctx);

/* Receives each block that failed, as Text::Template's BROKEN callback
 * does: the line of its opening brace and the error. For `die` the error
 * is Perl's $@ text ("msg at FILE line N.\n" unless msg ended in a
 * newline); for anything else our located "FILE:LINE:COL: ..." message.
 * With a handler set, rendering goes on with the next block (the failed
 * one contributes nothing), as the original's handler returning "" makes
 * it; esm_tmpl_render still returns -1 at the end and leaves out as it
 * was. fn NULL (the default): the first failing block ends the fragment. */
typedef void (*esm_tmpl_broken_fn)(void *ctx, const char *filename, int block_line,
                                   const char *error);
void esm_tmpl_env_on_broken(esm_tmpl_env *env, esm_tmpl_broken_fn fn, void *ctx);

/* Renders one fragment (src, len bytes) and appends the result to out.
 * filename is used in messages: "FILE:LINE:COL: ...". On error, out is
 * left as it was and -1 is returned. */
int esm_tmpl_render(esm_tmpl_env *env, const char *src, size_t len, const char *filename,
                    esm_buf *out, esm_err *err);

/* Evaluates code (len bytes) as one block, the way a schema rule or a
 * metadata value is written: *value_out (when not NULL) gets the block's
 * value as a malloc'd string ("" for undef) and *truthy its Perl truth.
 * $OUT is ignored. Returns 0, or -1 with a located message in err. */
int esm_tmpl_eval(esm_tmpl_env *env, const char *code, size_t len, const char *filename,
                  char **value_out, int *truthy, esm_err *err);

#endif
