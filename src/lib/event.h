/*
 * event.h - e-smith events: what `signal-event EVENT ARGS...` does
 * (reference §5).
 *
 * The handlers of EVENT are the non-directory entries of
 * /etc/e-smith/events/EVENT/ plus two pseudo-handlers done in-process:
 * S05generic_template_expand (when EVENT/templates2expand/ exists) and
 * S90adjust-services (when EVENT/services2adjust/ exists). They run in
 * byte order of their names; a program handler runs as
 * `handler EVENT ARGS...` with stdout and stderr sent line by line to
 * syslog (tag esmith::event, facility local1), followed by the e-smith
 * action log line. A failed handler fails the event, the rest still run.
 *
 * Syslog is reached through the socket /dev/log under $ESMITH_ROOT, so a
 * test root can listen to what an event logs. Nothing here prints: the
 * caller gets progress, handler output and dry-run output through opts.
 */
#ifndef ESM_EVENT_H
#define ESM_EVENT_H

#include "err.h"

#include <stddef.h>

enum esm_handler_kind {
    ESM_HANDLER_PROGRAM,   /* an entry of the event directory, run as a program */
    ESM_HANDLER_TEMPLATES, /* S05generic_template_expand */
    ESM_HANDLER_SERVICES,  /* S90adjust-services */
};

typedef struct esm_event_handler {
    char *name; /* "S10name", or the pseudo-handler's name */
    char *path; /* server path /etc/e-smith/events/EVENT/NAME (not rooted) */
    enum esm_handler_kind kind;
} esm_event_handler;

enum esm_step_status {
    ESM_STEP_OK,
    ESM_STEP_FAILED,
    ESM_STEP_SKIPPED, /* not executable */
    ESM_STEP_PLANNED, /* dry run: a program handler that would run */
};

/* One handler done, for progress lines. */
typedef struct esm_event_step {
    const char *name;
    enum esm_step_status status;
    int wait_status;    /* as in the log line's Status field; 0 when ok */
    double seconds;     /* wall time the handler took */
    const char *detail; /* why it failed or was skipped; NULL when ok */
} esm_event_step;

typedef struct esm_event_opts {
    int dry_run; /* run nothing, write nothing: describe through on_plan */
    /* Each finished handler; may be NULL. */
    void (*on_step)(void *ctx, const esm_event_step *step);
    /* Each line a handler printed (it also goes to syslog); may be NULL. */
    void (*on_output)(void *ctx, const char *handler, const char *line);
    /* Dry run: unified diffs and the actions that would be taken, as text
     * ending in a newline; may be NULL. */
    void (*on_plan)(void *ctx, const char *text);
    void *ctx;
} esm_event_opts;

/* 0 when event may name an event; -1 for "", "actions", or a name with
 * '/' or ".." or a leading '.', which would reach outside the event's own
 * directory. */
int esm_event_check_name(const char *event, esm_err *err);

/* The handlers of event in the order they run, as a malloc'd array
 * (esm_event_handlers_free). Fails (ESM_E_NOTFOUND) when the event
 * directory does not exist. */
int esm_event_handlers(const char *event, esm_event_handler **out, size_t *count, esm_err *err);
void esm_event_handlers_free(esm_event_handler *handlers, size_t count);

/* Signals event with args. Returns 0 when every handler succeeded, 1 when
 * at least one failed (err names the first), -1 when the event could not
 * be run at all (bad name, no such event). */
int esm_event_signal(const char *event, char *const args[], size_t nargs,
                     const esm_event_opts *opts, esm_err *err);

#endif
