/*
 * signal-event - runs the handlers of an e-smith event (see event.h).
 *
 *   signal-event [-v] [--dry-run] EVENT [ARGS...]
 *
 * Exit 0 when every handler succeeded, 1 otherwise (and for an event that
 * cannot run), 2 for a usage error. Progress lines go to stderr when it is
 * a terminal or with -v; -v also copies every handler's output there.
 * --dry-run runs nothing and writes nothing: it prints the unified diff of
 * every file the event would rewrite and the service actions it would
 * take.
 */
#include "event.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct ui {
    int progress;
    int verbose;
    const char *event;
};

static void show_step(void *ctx, const esm_event_step *step)
{
    struct ui *ui = ctx;
    if (!ui->progress)
        return;
    static const char *const words[] = {"ok", "FAILED", "skipped", "planned"};
    fprintf(stderr, "%s: %-32s %-7s %8.1f ms%s%s\n", ui->event, step->name, words[step->status],
            step->seconds * 1000.0, step->detail ? "  " : "", step->detail ? step->detail : "");
}

static void show_output(void *ctx, const char *handler, const char *line)
{
    struct ui *ui = ctx;
    if (ui->verbose)
        fprintf(stderr, "%s: %s: %s\n", ui->event, handler, line);
}

static void show_plan(void *ctx, const char *text)
{
    (void)ctx;
    fputs(text, stdout);
}

static int usage(FILE *to)
{
    fputs("usage: signal-event [-v] [--dry-run] EVENT [ARGS...]\n", to);
    return to == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
    struct ui ui = {.progress = isatty(STDERR_FILENO)};
    esm_event_opts opts = {
        .on_step = show_step, .on_output = show_output, .on_plan = show_plan, .ctx = &ui};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "-v") == 0)
            ui.verbose = ui.progress = 1;
        else if (strcmp(argv[i], "--dry-run") == 0)
            opts.dry_run = 1;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return usage(stdout);
        else {
            fprintf(stderr, "signal-event: unknown option '%s'\n", argv[i]);
            return usage(stderr);
        }
    }
    if (i >= argc)
        return usage(stderr);
    ui.event = argv[i];
    esm_err err = {ESM_OK, ""};
    int rc = esm_event_signal(argv[i], argv + i + 1, (size_t)(argc - i - 1), &opts, &err);
    fflush(stdout);
    if (rc != 0) {
        fprintf(stderr, "signal-event: %s\n", err.msg);
        return 1;
    }
    return 0;
}
