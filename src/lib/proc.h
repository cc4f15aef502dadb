/*
 * proc.h - running a program with its output captured line by line.
 *
 * Event handlers and service managers (systemctl) are run this way: their
 * stdout and stderr go through one pipe to the caller's line function, so
 * signal-event can send every line to the system log. Waiting ends when the
 * program exits, not when the pipe closes: a handler that leaves a daemon
 * behind holding the pipe must not hang the event.
 */
#ifndef ESM_PROC_H
#define ESM_PROC_H

#include "err.h"

#include <stddef.h>

/* Receives one line of output, without its newline (line[len] is '\0'). */
typedef void (*esm_line_fn)(void *ctx, const char *line, size_t len);

/* Runs path with argv (argv[0] included, NULL-terminated); when search_path
 * is set, a path without '/' is looked up in $PATH. stdin is inherited.
 * Returns 0 with the wait status in *status, or -1 when the program could
 * not be started (err names it and why). */
int esm_proc_run(const char *path, char *const argv[], int search_path, esm_line_fn on_line,
                 void *ctx, int *status, esm_err *err);

#endif
