/*
 * udiff.h - unified diffs of two texts, as `diff -u` prints them.
 *
 * Used by `expand-template --diff` and `signal-event --dry-run` to show
 * what an expansion would change without writing anything. The output is
 * accepted by patch(1): applying it to the old text gives the new one.
 */
#ifndef ESM_UDIFF_H
#define ESM_UDIFF_H

#include "buf.h"

#include <stddef.h>

/* Appends to out the unified diff (3 lines of context) turning old_text
 * into new_text, headed "--- old_label" / "+++ new_label". Appends nothing
 * and returns 0 when the texts are equal; returns 1 otherwise. A text
 * without a final newline gets the "\ No newline at end of file" marker. */
int esm_udiff(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
              const char *old_label, const char *new_label, esm_buf *out);

#endif
