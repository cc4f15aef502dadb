#include "services.h"

#include "buf.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* What each services2adjust action means to each back-end. The control
 * characters are runsv's/supervise's; the systemctl verbs carry the same
 * intent (runsv restarts a service after `t`, so sigterm is a restart). */
struct svc_action {
    const char *name;
    char control;
    const char *systemctl;
    int keeps_down; /* supervised: no `u` afterwards */
};

static const struct svc_action svc_actions[] = {
    {"down", 'd', "stop", 1},
    {"stop", 'd', "stop", 1},
    {"up", 'u', "start", 0},
    {"start", 'u', "start", 0},
    {"restart", 't', "restart", 0},
    {"sigterm", 't', "restart", 0},
    {"adjust", 'h', "reload-or-restart", 0},
    {"reload", 'h', "reload", 0},
    {"sighup", 'h', "kill --signal=HUP", 0},
    {"sigusr1", '1', "kill --signal=USR1", 0},
    {"sigusr2", '2', "kill --signal=USR2", 0},
    {"once", 'o', "start", 1},
    {"pause", 'p', "kill --signal=STOP", 0},
    {"cont", 'c', "kill --signal=CONT", 0},
    {"alarm", 'a', "kill --signal=ALRM", 0},
    {"interrupt", 'i', "kill --signal=INT", 0},
    {"quit", 'q', "kill --signal=QUIT", 0},
    {"kill", 'k', "kill --signal=KILL", 0},
    {"exit", 'x', "stop", 1},
};

static const struct svc_action *find_action(const char *name)
{
    for (size_t i = 0; i < sizeof svc_actions / sizeof svc_actions[0]; i++) {
        if (strcmp(svc_actions[i].name, name) == 0)
            return &svc_actions[i];
    }
    return NULL;
}

int esm_svc_control_chars(const char *const actions[], size_t n_actions, int enabled, char *out,
                          size_t out_size, esm_err *err)
{
    size_t n = 0;
    int keep_down = 0;
    if (out_size < n_actions + 3)
        return esm_err_set(err, ESM_E_INVALID, "too many service actions (%zu)", n_actions);
    if (!enabled)
        out[n++] = 'd';
    for (size_t i = 0; i < n_actions; i++) {
        const struct svc_action *a = find_action(actions[i]);
        if (a == NULL)
            return esm_err_set(err, ESM_E_INVALID, "unknown service action '%s'", actions[i]);
        out[n++] = a->control;
        keep_down |= a->keeps_down;
    }
    if (enabled && !keep_down)
        out[n++] = 'u';
    out[n] = '\0';
    return 0;
}

const char **esm_svc_systemd_steps(const char *const actions[], size_t n_actions, int enabled,
                                   esm_err *err)
{
    const char **steps = esm_xcalloc(n_actions + 2, sizeof *steps);
    size_t n = 0;
    if (!enabled) {
        steps[n++] = "stop";
        return steps;
    }
    int starts = 0;
    for (size_t i = 0; i < n_actions; i++) {
        const struct svc_action *a = find_action(actions[i]);
        if (a == NULL) {
            free(steps);
            esm_err_set(err, ESM_E_INVALID, "unknown service action '%s'", actions[i]);
            return NULL;
        }
        const char *verb = a->systemctl;
        starts |= strcmp(verb, "start") == 0 || strcmp(verb, "restart") == 0 ||
                  strcmp(verb, "reload-or-restart") == 0;
    }
    if (!starts)
        steps[n++] = "start";
    for (size_t i = 0; i < n_actions; i++)
        steps[n++] = find_action(actions[i])->systemctl;
    return steps;
}

static void svc_log(const esm_svc_opts *opts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void svc_log(const esm_svc_opts *opts, const char *fmt, ...)
{
    if (opts->on_log == NULL)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    opts->on_log(opts->ctx, msg);
}

static void join_actions(esm_buf *b, const char *const actions[], size_t n_actions)
{
    for (size_t i = 0; i < n_actions; i++)
        esm_buf_printf(b, "%s%s", i ? "," : "", actions[i]);
    if (n_actions == 0)
        esm_buf_puts(b, "(no action)");
}

/* Writes the control characters to the supervisor's fifo. The open does
 * not block: with no runsv/supervise reading, it fails (ENXIO) instead of
 * hanging the event. */
static int write_control(const char *service, const char *chars, esm_err *err)
{
    char *abs = esm_xasprintf("/service/%s/supervise/control", service);
    char *path = esm_path_dup(abs);
    int rc = -1;
    /* Not through a symlink: the service's own user could plant one at
     * control to make root signal another service (or open a device). */
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 && errno == ENXIO)
        esm_err_set(err, ESM_E_FAIL, "%s: no supervisor is running (%s)", service, abs);
    else if (fd < 0)
        esm_err_sys(err, errno, "%s: cannot open %s", service, abs);
    else if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
        esm_err_set(err, ESM_E_FAIL, "%s: %s is not a fifo", service, abs);
    else if (write(fd, chars, strlen(chars)) != (ssize_t)strlen(chars))
        esm_err_sys(err, errno, "%s: cannot write to %s", service, abs);
    else
        rc = 0;
    if (fd >= 0)
        close(fd);
    free(path);
    free(abs);
    return rc;
}

static void ignore_line(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    (void)line;
    (void)len;
}

/* Runs `systemctl VERB... SERVICE`; verb may hold "kill --signal=HUP". */
static int run_systemctl(const char *service, const char *verb, const esm_svc_opts *opts,
                         esm_err *err)
{
    char *words = esm_xstrdup(verb);
    char *argv[8] = {"systemctl"};
    size_t argc = 1;
    char *save = NULL;
    for (char *w = strtok_r(words, " ", &save); w != NULL && argc < 6;
         w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    argv[argc++] = (char *)service;
    argv[argc] = NULL;
    int status = 0;
    int rc = esm_proc_run("systemctl", argv, 1, opts->on_output ? opts->on_output : ignore_line,
                          opts->ctx, &status, err);
    if (rc == 0 && status != 0) {
        rc = esm_err_set(err, ESM_E_FAIL, "%s: systemctl %s %s failed (%s %d)", service, verb,
                         service, WIFEXITED(status) ? "exit status" : "signal",
                         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    }
    free(words);
    return rc;
}

static int is_supervised(const char *service)
{
    char *abs = esm_xasprintf("/service/%s/supervise/control", service);
    char *path = esm_path_dup(abs);
    int yes = access(path, F_OK) == 0;
    free(path);
    free(abs);
    return yes;
}

int esm_svc_adjust(const char *service, const char *const actions[], size_t n_actions, int enabled,
                   const esm_svc_opts *opts, esm_err *err)
{
    esm_buf what = ESM_BUF_INIT;
    if (service[0] == '\0' || service[0] == '.' || strchr(service, '/') != NULL)
        return esm_err_set(err, ESM_E_INVALID, "'%s' is not a service name", service);
    esm_buf_printf(&what, "service %s: ", service);
    join_actions(&what, actions, n_actions);
    if (!enabled)
        esm_buf_puts(&what, " (not enabled)");
    int rc = 0;
    if (is_supervised(service)) {
        char *chars = esm_xmalloc(n_actions + 3);
        rc = esm_svc_control_chars(actions, n_actions, enabled, chars, n_actions + 3, err);
        if (rc == 0 && opts->dry_run && opts->on_plan) {
            esm_buf_printf(&what, " -> write \"%s\" to /service/%s/supervise/control", chars,
                           service);
            opts->on_plan(opts->ctx, esm_buf_str(&what));
        } else if (rc == 0 && !opts->dry_run) {
            rc = write_control(service, chars, err);
            if (rc == 0)
                svc_log(opts, "%s: wrote \"%s\" to /service/%s/supervise/control",
                        esm_buf_str(&what), chars, service);
        }
        free(chars);
    } else {
        const char **steps = esm_svc_systemd_steps(actions, n_actions, enabled, err);
        if (steps == NULL)
            rc = -1;
        for (size_t i = 0; steps != NULL && steps[i] != NULL; i++) {
            if (opts->dry_run) {
                esm_buf_printf(&what, "%s systemctl %s %s", i ? ";" : " ->", steps[i], service);
                continue;
            }
            if (run_systemctl(service, steps[i], opts, err) < 0) {
                rc = -1;
                break;
            }
            svc_log(opts, "%s: ran systemctl %s %s", esm_buf_str(&what), steps[i], service);
        }
        if (steps != NULL && opts->dry_run && opts->on_plan)
            opts->on_plan(opts->ctx, esm_buf_str(&what));
        free(steps);
    }
    esm_buf_free(&what);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir, dot files skipped, in byte order: a malloc'd
 * NULL-terminated vector (esm_strv_free), NULL when dir does not exist. */
static char **sorted_entries(const char *dir, esm_err *err, int *rc)
{
    *rc = 0;
    DIR *d = opendir(dir);
    if (d == NULL) {
        if (errno != ENOENT)
            *rc = esm_err_sys(err, errno, "cannot read %s", esm_path_unroot(dir));
        return NULL;
    }
    size_t n = 0, cap = 8;
    char **names = esm_xmalloc(cap * sizeof *names);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        if (n + 1 >= cap)
            names = esm_xrealloc(names, (cap *= 2) * sizeof *names);
        names[n++] = esm_xstrdup(e->d_name);
    }
    closedir(d);
    names[n] = NULL;
    qsort(names, n, sizeof *names, cmp_names);
    return names;
}

/* The actions one services2adjust entry asks for: a symlink's target, or
 * one action per non-blank line of a file. NULL-terminated, malloc'd
 * (esm_strv_free). */
static char **entry_actions(const char *path, const char *shown, size_t *count, esm_err *err)
{
    struct stat st;
    char **actions = NULL;
    *count = 0;
    if (lstat(path, &st) < 0) {
        esm_err_sys(err, errno, "cannot read %s", shown);
        return NULL;
    }
    if (S_ISLNK(st.st_mode)) {
        char target[256];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0) {
            esm_err_sys(err, errno, "cannot read the link %s", shown);
            return NULL;
        }
        target[n] = '\0';
        actions = esm_xcalloc(2, sizeof *actions);
        actions[0] = esm_xstrdup(target);
        *count = 1;
        return actions;
    }
    if (!S_ISREG(st.st_mode)) {
        esm_err_set(err, ESM_E_INVALID, "%s is neither a link nor a file", shown);
        return NULL;
    }
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        esm_err_sys(err, errno, "cannot read %s", shown);
        return NULL;
    }
    size_t cap = 4;
    actions = esm_xcalloc(cap, sizeof *actions);
    char line[256];
    while (fgets(line, sizeof line, f) != NULL) {
        char *s = line + strspn(line, " \t");
        size_t len = strcspn(s, " \t\r\n");
        if (len == 0)
            continue;
        if (*count + 1 >= cap)
            actions = esm_xrealloc(actions, (cap *= 2) * sizeof *actions);
        actions[(*count)++] = esm_xstrndup(s, len);
        actions[*count] = NULL;
    }
    fclose(f);
    return actions;
}

/* Adjusts one entry; returns -1 (err set) when it failed. */
static int adjust_entry(const char *event, const char *dir, const char *service, esm_db *config,
                        const esm_svc_opts *opts, esm_err *err)
{
    esm_record *rec = NULL;
    int found = 0;
    if (config != NULL) {
        found = esm_db_get(config, service, &rec, err);
        if (found < 0)
            return -1;
    }
    if (!found) {
        svc_log(opts, "adjust-services: no configuration record for service %s, skipped", service);
        if (opts->dry_run && opts->on_plan) {
            char msg[512];
            snprintf(msg, sizeof msg, "service %s: no configuration record, not adjusted", service);
            opts->on_plan(opts->ctx, msg);
        }
        return 0;
    }
    const char *status = esm_record_get(rec, "status");
    int enabled = status != NULL && strcmp(status, "enabled") == 0;
    char *path = esm_xasprintf("%s/%s", dir, service);
    char *shown = esm_xasprintf("/etc/e-smith/events/%s/services2adjust/%s", event, service);
    size_t n = 0;
    char **actions = entry_actions(path, shown, &n, err);
    int rc = -1;
    if (actions != NULL)
        rc = esm_svc_adjust(service, (const char *const *)actions, n, enabled, opts, err);
    if (rc < 0 && actions != NULL) {
        char where[1024];
        snprintf(where, sizeof where, "%s (%s)", err->msg, shown);
        esm_err_set(err, err->code, "%s", where);
    }
    esm_strv_free(actions);
    free(shown);
    free(path);
    esm_record_free(rec);
    return rc;
}

int esm_svc_adjust_event(const char *event, esm_db *config, const esm_svc_opts *opts, esm_err *err)
{
    if (strcmp(event, "post-upgrade") == 0 || strcmp(event, "bootstrap-console-save") == 0) {
        svc_log(opts, "adjust-services: services are not adjusted in event %s", event);
        if (opts->dry_run && opts->on_plan) {
            char msg[256];
            snprintf(msg, sizeof msg, "services are not adjusted in event %s", event);
            opts->on_plan(opts->ctx, msg);
        }
        return 0;
    }
    char *abs = esm_xasprintf("/etc/e-smith/events/%s/services2adjust", event);
    char *dir = esm_path_dup(abs);
    free(abs);
    int rc = 0;
    char **names = sorted_entries(dir, err, &rc);
    esm_err first = {ESM_OK, ""};
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        esm_err e = {ESM_OK, ""};
        if (adjust_entry(event, dir, names[i], config, opts, &e) == 0)
            continue;
        svc_log(opts, "adjust-services: %s", e.msg);
        if (first.code == ESM_OK)
            first = e;
    }
    if (first.code != ESM_OK)
        rc = esm_err_set(err, first.code, "%s", first.msg);
    esm_strv_free(names);
    free(dir);
    return rc;
}
