#include "event.h"

#include "buf.h"
#include "db.h"
#include "expand.h"
#include "paths.h"
#include "proc.h"
#include "services.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_DIR "/etc/e-smith/events"
#define TEMPLATES_HANDLER "S05generic_template_expand"
#define SERVICES_HANDLER "S90adjust-services"

/* ---- the system log ----
 *
 * Our own small syslog client instead of syslog(3): the socket is
 * /dev/log under $ESMITH_ROOT, so a test root gets the lines. The message
 * format is the one syslog(3) sends with openlog("esmith::event",
 * LOG_PID, LOG_LOCAL1) and priority info, as esmith::Logger does. With no
 * syslog listening the lines are dropped, as syslog(3) drops them. */

#define LOG_PRI_LOCAL1_INFO ((17 << 3) | 6)

static int log_fd = -1;

static void log_connect(void)
{
    char *path = esm_path_dup("/dev/log");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) < sizeof addr.sun_path) {
        strcpy(addr.sun_path, path);
        log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (log_fd >= 0 && connect(log_fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
            close(log_fd);
            log_fd = -1;
        }
    }
    free(path);
}

static void log_line(const char *msg)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    char *packet =
        esm_xasprintf("<%d>%s esmith::event[%d]: %s", LOG_PRI_LOCAL1_INFO, stamp, getpid(), msg);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (log_fd < 0)
            log_connect();
        if (log_fd < 0 || send(log_fd, packet, strlen(packet), MSG_NOSIGNAL) >= 0)
            break;
        close(log_fd); /* syslog restarted: reconnect once */
        log_fd = -1;
    }
    free(packet);
}

static void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void log_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) >= 0) {
        log_line(s);
        free(s);
    }
    va_end(ap);
}

/* ---- handlers ---- */

int esm_event_check_name(const char *event, esm_err *err)
{
    if (event[0] == '\0')
        return esm_err_set(err, ESM_E_INVALID, "an event name is required");
    if (strcmp(event, "actions") == 0)
        return esm_err_set(err, ESM_E_INVALID, "'actions' is not a valid event name");
    if (strchr(event, '/') != NULL || strstr(event, "..") != NULL || event[0] == '.')
        return esm_err_set(err, ESM_E_INVALID,
                           "'%s' is not a valid event name (no '/', '..' or leading '.')", event);
    return 0;
}

static int cmp_handlers(const void *a, const void *b)
{
    return strcmp(((const esm_event_handler *)a)->name, ((const esm_event_handler *)b)->name);
}

static void add_handler(esm_event_handler **list, size_t *n, size_t *cap, const char *event,
                        const char *name, enum esm_handler_kind kind)
{
    if (*n == *cap)
        *list = esm_xrealloc(*list, (*cap = *cap ? *cap * 2 : 8) * sizeof **list);
    (*list)[*n].name = esm_xstrdup(name);
    (*list)[*n].path = esm_xasprintf(EVENTS_DIR "/%s/%s", event, name);
    (*list)[*n].kind = kind;
    (*n)++;
}

int esm_event_handlers(const char *event, esm_event_handler **out, size_t *count, esm_err *err)
{
    *out = NULL;
    *count = 0;
    if (esm_event_check_name(event, err) < 0)
        return -1;
    char *abs = esm_xasprintf(EVENTS_DIR "/%s", event);
    char *dir = esm_path_dup(abs);
    DIR *d = opendir(dir);
    free(dir);
    if (d == NULL) {
        int e = errno;
        int rc = e == ENOENT || e == ENOTDIR
                     ? esm_err_set(err, ESM_E_NOTFOUND, "no such event '%s' (%s does not exist)",
                                   event, abs)
                     : esm_err_sys(err, e, "event '%s': cannot read %s", event, abs);
        free(abs);
        return rc;
    }
    free(abs);
    esm_event_handler *list = NULL;
    size_t n = 0, cap = 0;
    int has_templates = 0, has_services = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        struct stat st;
        /* A dangling link is kept: it is reported as not executable. */
        int is_dir = fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
        if (!is_dir) {
            add_handler(&list, &n, &cap, event, e->d_name, ESM_HANDLER_PROGRAM);
            continue;
        }
        has_templates |= strcmp(e->d_name, "templates2expand") == 0;
        has_services |= strcmp(e->d_name, "services2adjust") == 0;
    }
    closedir(d);
    if (has_templates)
        add_handler(&list, &n, &cap, event, TEMPLATES_HANDLER, ESM_HANDLER_TEMPLATES);
    if (has_services)
        add_handler(&list, &n, &cap, event, SERVICES_HANDLER, ESM_HANDLER_SERVICES);
    if (n > 0)
        qsort(list, n, sizeof *list, cmp_handlers);
    *out = list;
    *count = n;
    return 0;
}

void esm_event_handlers_free(esm_event_handler *handlers, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(handlers[i].name);
        free(handlers[i].path);
    }
    free(handlers);
}

/* ---- running ---- */

/* State of one esm_event_signal call, handed to the callbacks. */
struct run {
    const char *event;
    const esm_event_opts *opts;
    const char *handler; /* the one running now */
};

static void plan(struct run *r, const char *text)
{
    if (r->opts->on_plan != NULL)
        r->opts->on_plan(r->opts->ctx, text);
}

/* A line of a handler's output, or a message of an in-process handler:
 * to the log (not in a dry run) and to the caller. */
static void report(void *ctx, const char *msg)
{
    struct run *r = ctx;
    if (!r->opts->dry_run)
        log_line(msg);
    if (r->opts->on_output != NULL)
        r->opts->on_output(r->opts->ctx, r->handler, msg);
}

static void on_handler_line(void *ctx, const char *line, size_t len)
{
    (void)len;
    report(ctx, line);
}

static void on_service_plan(void *ctx, const char *msg)
{
    struct run *r = ctx;
    char *text = esm_xasprintf("%s\n", msg);
    plan(r, text);
    free(text);
}

/* Runs a program handler as `path EVENT ARGS...`; returns its wait status
 * (127 << 8, as a shell reports it, when it could not be started). */
static int run_program(struct run *r, const esm_event_handler *h, char *const args[], size_t nargs)
{
    char *path = esm_path_dup(h->path);
    char **argv = esm_xcalloc(nargs + 3, sizeof *argv);
    argv[0] = path;
    argv[1] = (char *)r->event;
    for (size_t i = 0; i < nargs; i++)
        argv[i + 2] = args[i];
    esm_err e = {ESM_OK, ""};
    int status = 0;
    if (esm_proc_run(path, argv, 0, on_handler_line, r, &status, &e) < 0) {
        on_handler_line(r, e.msg, strlen(e.msg));
        status = 127 << 8;
    }
    free(argv);
    free(path);
    return status;
}

/* Adds "REL/NAME" for every regular file under root+rel to list (a vector
 * of malloc'd char * kept in a buf), walking into directories; links are
 * not followed. */
static int walk_templates(const char *root, const char *rel, esm_buf *list, esm_err *err)
{
    char *dir = esm_xasprintf("%s%s", root, rel);
    DIR *d = opendir(dir);
    free(dir);
    if (d == NULL)
        return esm_err_sys(err, errno, "cannot read %s%s", esm_path_unroot(root), rel);
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        char *sub = esm_xasprintf("%s/%s", rel, e->d_name);
        if (S_ISREG(st.st_mode)) {
            esm_buf_append(list, &sub, sizeof sub); /* the list owns it now */
            continue;
        }
        if (S_ISDIR(st.st_mode))
            rc = walk_templates(root, sub, list, err);
        free(sub);
    }
    closedir(d);
    return rc;
}

static int cmp_strs(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The templates an event expands: "/P" for every regular file
 * templates2expand/P, in byte order, as a malloc'd NULL-terminated vector
 * (esm_strv_free). */
static char **event_templates(const char *event, esm_err *err)
{
    char *abs = esm_xasprintf(EVENTS_DIR "/%s/templates2expand", event);
    char *root = esm_path_dup(abs);
    free(abs);
    esm_buf list = ESM_BUF_INIT;
    int rc = walk_templates(root, "", &list, err);
    free(root);
    char *none = NULL;
    esm_buf_append(&list, &none, sizeof none);
    char **paths = (char **)(void *)list.data;
    size_t n = list.len / sizeof *paths - 1;
    if (rc < 0) {
        esm_strv_free(paths);
        return NULL;
    }
    qsort(paths, n, sizeof *paths, cmp_strs);
    return paths;
}

static void on_expand_message(void *ctx, enum esm_expand_level level, const char *line)
{
    (void)level;
    report(ctx, line);
}

/* S05generic_template_expand: expands every registered template with
 * $EVENT set, against the configuration as it is now (handlers before may
 * have changed it); with dry_run, shows the diffs instead. All templates
 * are tried; the first failure is returned. */
static int run_templates(struct run *r, esm_err *err)
{
    char **templates = event_templates(r->event, err);
    if (templates == NULL)
        return -1;
    esm_err e = {ESM_OK, ""};
    esm_db *config = esm_db_open("configuration", ESM_DB_READ, &e);
    if (config == NULL && e.code != ESM_E_NOTFOUND) {
        esm_strv_free(templates);
        return esm_err_set(err, e.code, "%s", e.msg);
    }
    struct esm_expand_opts eo = {
        .event = r->event,
        .dry_run = r->opts->dry_run,
        .on_message = on_expand_message,
        .msg_ctx = r,
    };
    esm_buf diff = ESM_BUF_INIT;
    esm_err first = {ESM_OK, ""};
    for (size_t i = 0; templates[i] != NULL; i++) {
        esm_buf_reset(&diff);
        esm_err_clear(&e);
        if (esm_expand(templates[i], &eo, config, NULL, r->opts->dry_run ? &diff : NULL, &e) >= 0) {
            if (diff.len > 0)
                plan(r, esm_buf_str(&diff));
            continue;
        }
        report(r, e.msg);
        if (first.code == ESM_OK)
            first = e;
    }
    esm_buf_free(&diff);
    esm_db_close(config);
    esm_strv_free(templates);
    if (first.code != ESM_OK)
        return esm_err_set(err, first.code, "%s", first.msg);
    return 0;
}

/* S90adjust-services, with the configuration as it is now (handlers
 * before may have changed it). */
static int run_services(struct run *r, esm_err *err)
{
    esm_err e = {ESM_OK, ""};
    esm_db *config = esm_db_open("configuration", ESM_DB_READ, &e);
    if (config == NULL && e.code != ESM_E_NOTFOUND)
        return esm_err_set(err, e.code, "%s", e.msg);
    esm_svc_opts so = {
        .dry_run = r->opts->dry_run,
        .on_log = r->opts->dry_run ? NULL : report,
        .on_plan = on_service_plan,
        .on_output = on_handler_line,
        .ctx = r,
    };
    int rc = esm_svc_adjust_event(r->event, config, &so, err);
    esm_db_close(config);
    return rc;
}

static double seconds_between(const struct timeval *a, const struct timeval *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_usec - a->tv_usec) / 1e6;
}

/* The e-smith action line, as esmith::event writes it (Elapsed as Perl
 * prints a number: %.15g). */
static void log_action(const char *event, const char *name, const struct timeval *start,
                       const struct timeval *end, int status)
{
    char status_part[32] = "";
    if (status != 0)
        snprintf(status_part, sizeof status_part, "|Status|%d", status);
    log_printf("%s=action|Event|%s|Action|%s|Start|%ld %ld|End|%ld %ld|Elapsed|%.15g%s", name,
               event, name, (long)start->tv_sec, (long)start->tv_usec, (long)end->tv_sec,
               (long)end->tv_usec, seconds_between(start, end), status_part);
}

static void describe_status(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, size, "wait status %d", status);
}

/* Runs one handler; returns 0 when it succeeded or was skipped. */
static int run_handler(struct run *r, const esm_event_handler *h, char *const args[], size_t nargs,
                       esm_err *first_failure)
{
    esm_event_step step = {.name = h->name, .status = ESM_STEP_OK};
    char detail[1024] = "";
    struct timeval start, end;
    gettimeofday(&start, NULL);
    r->handler = h->name;
    int status = 0;
    if (h->kind == ESM_HANDLER_PROGRAM) {
        char *path = esm_path_dup(h->path);
        int executable = access(path, X_OK) == 0;
        char why[64] = "";
        struct stat st;
        /* Root runs it unsandboxed: a handler (or the file its link names)
         * that someone other than root or us could have written is not
         * root's code any more. Writable by the group root or our own
         * group is fine (a checkout made with umask 002). */
        if (executable && stat(path, &st) == 0) {
            if ((st.st_mode & S_IWOTH) ||
                ((st.st_mode & S_IWGRP) && st.st_gid != 0 && st.st_gid != getegid()))
                snprintf(why, sizeof why, "writable by group or others");
            else if (st.st_uid != 0 && st.st_uid != geteuid())
                snprintf(why, sizeof why, "owned by uid %ld", (long)st.st_uid);
        }
        free(path);
        if (why[0] != '\0') {
            snprintf(detail, sizeof detail, "refused: %s is %s", h->path, why);
            if (!r->opts->dry_run) {
                log_printf("Refusing to run event handler %s: %s", h->path, why);
            } else {
                char *text = esm_xasprintf("handler %s: would refuse to run %s: %s\n", h->name,
                                           h->path, why);
                plan(r, text);
                free(text);
            }
            status = 1 << 8; /* a failed handler, as far as the event goes */
        } else if (!executable) {
            if (!r->opts->dry_run)
                log_printf("Skipping non-executable event handler: %s", h->path);
            step.status = ESM_STEP_SKIPPED;
            step.detail = "not executable";
        } else if (r->opts->dry_run) {
            esm_buf text = ESM_BUF_INIT;
            esm_buf_printf(&text, "handler %s: would run %s %s", h->name, h->path, r->event);
            for (size_t i = 0; i < nargs; i++)
                esm_buf_printf(&text, " %s", args[i]);
            esm_buf_putc(&text, '\n');
            plan(r, esm_buf_str(&text));
            esm_buf_free(&text);
            step.status = ESM_STEP_PLANNED;
        } else {
            log_printf("Running event handler: %s", h->path);
            status = run_program(r, h, args, nargs);
            if (status != 0)
                describe_status(status, detail, sizeof detail);
        }
    } else {
        esm_err e = {ESM_OK, ""};
        int rc = h->kind == ESM_HANDLER_TEMPLATES ? run_templates(r, &e) : run_services(r, &e);
        if (rc < 0) {
            status = 1 << 8; /* what the Perl action's exit 1 gave */
            snprintf(detail, sizeof detail, "%s", e.msg);
        }
    }
    gettimeofday(&end, NULL);
    if (step.status == ESM_STEP_OK || step.status == ESM_STEP_FAILED) {
        if (!r->opts->dry_run)
            log_action(r->event, h->name, &start, &end, status);
        if (status != 0) {
            step.status = ESM_STEP_FAILED;
            step.wait_status = status;
            step.detail = detail;
            if (first_failure->code == ESM_OK)
                esm_err_set(first_failure, ESM_E_FAIL, "event %s: handler %s failed: %s", r->event,
                            h->name, detail);
        }
    }
    step.seconds = seconds_between(&start, &end);
    if (r->opts->on_step != NULL)
        r->opts->on_step(r->opts->ctx, &step);
    return status == 0 ? 0 : -1;
}

int esm_event_signal(const char *event, char *const args[], size_t nargs,
                     const esm_event_opts *opts, esm_err *err)
{
    esm_event_handler *handlers;
    size_t count;
    if (esm_event_handlers(event, &handlers, &count, err) < 0)
        return -1;
    struct run r = {.event = event, .opts = opts};
    if (!opts->dry_run) {
        esm_buf line = ESM_BUF_INIT;
        /* "$event @args", as the original logs it (a blank even without args) */
        esm_buf_printf(&line, "Processing event: %s ", event);
        for (size_t i = 0; i < nargs; i++)
            esm_buf_printf(&line, "%s%s", i ? " " : "", args[i]);
        log_line(esm_buf_str(&line));
        esm_buf_free(&line);
    }
    esm_err first = {ESM_OK, ""};
    int failed = 0;
    for (size_t i = 0; i < count; i++)
        failed |= run_handler(&r, &handlers[i], args, nargs, &first) < 0;
    esm_event_handlers_free(handlers, count);
    if (failed)
        esm_err_set(err, first.code, "%s", first.msg);
    return failed ? 1 : 0;
}
