#include "proc.h"

#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A line longer than this is passed on in pieces: the log takes lines, and
 * a program printing megabytes without a newline must not grow us without
 * bound. */
#define LINE_MAX_BYTES 4096

/* Passes every complete line in pending to on_line and keeps the rest;
 * with flush_all, the rest too (the program is gone). */
static void emit_lines(esm_buf *pending, int flush_all, esm_line_fn on_line, void *ctx)
{
    size_t start = 0;
    while (start < pending->len) {
        char *nl = memchr(pending->data + start, '\n', pending->len - start);
        size_t end;
        if (nl != NULL)
            end = (size_t)(nl - pending->data);
        else if (flush_all || pending->len - start >= LINE_MAX_BYTES)
            end = pending->len;
        else
            break;
        char saved = pending->data[end];
        pending->data[end] = '\0';
        on_line(ctx, pending->data + start, end - start);
        pending->data[end] = saved;
        start = end + (nl != NULL ? 1 : 0);
    }
    if (start > 0) {
        memmove(pending->data, pending->data + start, pending->len - start);
        pending->len -= start;
        pending->data[pending->len] = '\0';
    }
}

/* Reads what the pipe has now. Returns 1 at end of file, 0 when it would
 * block, -1 on a read error. */
static int read_available(int fd, esm_buf *pending)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n > 0) {
            esm_buf_append(pending, chunk, (size_t)n);
            continue;
        }
        if (n == 0)
            return 1;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN ? 0 : -1;
    }
}

/* How long a quiet pipe is waited on before checking whether the child
 * has exited while something it left behind keeps the pipe open. */
#define EXIT_CHECK_MS 100

/* Collects output until the pipe closes, or until the child has exited
 * and what it wrote is read: a process it left running may hold the pipe
 * open for ever. (Plain poll and waitpid: pidfds are missing on older
 * kernels and under valgrind.) Returns 1 when the child was reaped here,
 * its wait status in *status; 0 when the caller still has to wait. */
static int collect_output(int out_fd, pid_t pid, esm_line_fn on_line, void *ctx, int *status)
{
    esm_buf pending = ESM_BUF_INIT;
    struct pollfd pfd = {out_fd, POLLIN, 0};
    int reaped = 0;
    for (;;) {
        int n = poll(&pfd, 1, EXIT_CHECK_MS);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0) {
            int rc = read_available(out_fd, &pending);
            emit_lines(&pending, 0, on_line, ctx);
            if (rc != 0)
                break; /* end of file: every writer is gone */
        }
        if (waitpid(pid, status, WNOHANG) == pid) {
            reaped = 1;
            read_available(out_fd, &pending); /* what it wrote before exiting */
            break;
        }
    }
    emit_lines(&pending, 1, on_line, ctx);
    esm_buf_free(&pending);
    return reaped;
}

int esm_proc_run(const char *path, char *const argv[], int search_path, esm_line_fn on_line,
                 void *ctx, int *status, esm_err *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return esm_err_sys(err, errno, "%s: cannot create a pipe", path);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    pid_t pid;
    int rc = search_path ? posix_spawnp(&pid, path, &actions, NULL, argv, environ)
                         : posix_spawn(&pid, path, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return esm_err_sys(err, rc, "%s: cannot execute", path);
    }
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    int reaped = collect_output(fds[0], pid, on_line, ctx, status);
    close(fds[0]);
    while (!reaped && waitpid(pid, status, 0) < 0) {
        if (errno != EINTR)
            return esm_err_sys(err, errno, "%s: cannot wait for it", path);
    }
    return 0;
}
