/*
 * services.h - service adjustment: what an event's services2adjust/ asks
 * for, carried out through runit/daemontools or systemd.
 *
 * A service S is supervised when /service/S/supervise/control exists: we
 * then write control characters to that fifo (runsv/supervise act on
 * them). Otherwise `systemctl ACTION S` is run. Either way the config
 * record S decides: `status enabled` keeps or brings the service up,
 * anything else brings it down. See reference §5.
 */
#ifndef ESM_SERVICES_H
#define ESM_SERVICES_H

#include "db.h"
#include "err.h"
#include "proc.h"

#include <stddef.h>

/* Receives one message (no newline): a log line, or with dry_run the
 * description of what would be done. */
typedef void (*esm_svc_msg_fn)(void *ctx, const char *msg);

typedef struct esm_svc_opts {
    int dry_run;            /* describe through on_plan, change nothing */
    esm_svc_msg_fn on_log;  /* warnings and what was done; may be NULL */
    esm_svc_msg_fn on_plan; /* dry_run descriptions; may be NULL */
    esm_line_fn on_output;  /* each output line of systemctl; may be NULL */
    void *ctx;
} esm_svc_opts;

/* The control characters for a supervised service, in order, written to
 * out (NUL-terminated; out_size >= n_actions + 3 suffices).
 * Returns -1 naming the first action that has no control character. */
int esm_svc_control_chars(const char *const actions[], size_t n_actions, int enabled, char *out,
                          size_t out_size, esm_err *err);

/* The systemctl verbs for a service not supervised, as a malloc'd
 * NULL-terminated vector of static strings ("start", "reload-or-restart",
 * "kill --signal=HUP", ...); free() the vector only. Returns NULL naming
 * the first unknown action. */
const char **esm_svc_systemd_steps(const char *const actions[], size_t n_actions, int enabled,
                                   esm_err *err);

/* Carries out actions for service S (supervised or systemd), enabled or
 * not. Returns 0, or -1 when a step failed (err says which). */
int esm_svc_adjust(const char *service, const char *const actions[], size_t n_actions, int enabled,
                   const esm_svc_opts *opts, esm_err *err);

/* The S90adjust-services handler: every entry of
 * /etc/e-smith/events/EVENT/services2adjust/ (dot files skipped, byte
 * order) whose config record exists is adjusted; one without a record is
 * logged and skipped. Nothing is done for post-upgrade and
 * bootstrap-console-save. config may be NULL (no records: every entry is
 * skipped). Every service is tried; returns -1 when any failed, err
 * naming the first failure. */
int esm_svc_adjust_event(const char *event, esm_db *config, const esm_svc_opts *opts, esm_err *err);

#endif
