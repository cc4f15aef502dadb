/*
 * changelog.c - syslog audit trail of db changes (see changelog.h).
 *
 * We speak the syslog protocol to /dev/log ourselves rather than call
 * syslog(3): the socket path then goes through esm_path_dup() like every
 * other path, so a test (or a whole SME layout under $ESMITH_ROOT) can
 * listen to what would reach the system log.
 */
#include "changelog.h"

#include "buf.h"
#include "paths.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static void append_sanitized(esm_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n')
            esm_buf_puts(b, "\\n");
        else if (*p >= 0x80)
            esm_buf_putc(b, '_');
        else
            esm_buf_putc(b, (char)*p);
    }
}

char *esm_changelog_format(const char *path, const char *what, const char *key, const char *raw)
{
    esm_buf b = ESM_BUF_INIT;
    append_sanitized(&b, path);
    esm_buf_printf(&b, ": %s ", what);
    append_sanitized(&b, key);
    esm_buf_putc(&b, '=');
    append_sanitized(&b, raw ? raw : "(undefined)");
    return esm_buf_steal(&b);
}

/* A socket connected to the system log, or -1 (then nothing is logged,
 * as with syslog(3) when no log daemon runs). */
static int connect_log(int *stream)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    char *path = esm_path_dup("/dev/log");
    size_t n = strlen(path);
    if (n >= sizeof addr.sun_path) {
        free(path);
        return -1;
    }
    memcpy(addr.sun_path, path, n + 1);
    free(path);
    static const int types[] = {SOCK_DGRAM, SOCK_STREAM};
    for (size_t i = 0; i < 2; i++) {
        int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
            *stream = types[i] == SOCK_STREAM;
            return fd;
        }
        int e = errno;
        close(fd);
        if (e != EPROTOTYPE)
            return -1;
    }
    return -1;
}

/* One RFC 3164 message as syslog(3) sends it: local1.info, the program
 * as invoked (Perl's $0) and the pid. A stream socket needs a terminator. */
static void send_line(int fd, int stream, const char *line)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    esm_buf b = ESM_BUF_INIT;
    esm_buf_printf(&b, "<%d>%s %s[%ld]: %s", LOG_LOCAL1 | LOG_INFO, stamp, program_invocation_name,
                   (long)getpid(), line);
    ssize_t rc = send(fd, b.data, b.len + (stream ? 1 : 0), MSG_NOSIGNAL);
    (void)rc;
    esm_buf_free(&b);
}

void esm_changelog_change(const char *path, const char *key, const char *old_raw,
                          const char *new_raw)
{
    int saved = errno;
    int stream = 0;
    int fd = connect_log(&stream);
    if (fd >= 0) {
        const char *whats[2] = {new_raw ? "OLD" : "DELETE", "NEW"};
        const char *raws[2] = {old_raw, new_raw};
        for (int i = 0; i < (new_raw ? 2 : 1); i++) {
            char *line = esm_changelog_format(path, whats[i], key, raws[i]);
            send_line(fd, stream, line);
            free(line);
        }
        close(fd);
    }
    errno = saved;
}
