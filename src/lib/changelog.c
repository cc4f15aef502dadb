/*
 * changelog.c - syslog audit trail of db changes (see changelog.h).
 */
#include "changelog.h"

#include "buf.h"

#include <errno.h>
#include <stdlib.h>
#include <syslog.h>

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

static void log_line(const char *path, const char *what, const char *key, const char *raw)
{
    char *line = esm_changelog_format(path, what, key, raw);
    syslog(LOG_LOCAL1 | LOG_INFO, "%s", line);
    free(line);
}

void esm_changelog_change(const char *path, const char *key, const char *old_raw,
                          const char *new_raw)
{
    /* Like the Perl tools: the ident is the program as invoked. */
    int saved = errno;
    openlog(program_invocation_name, LOG_PID, LOG_LOCAL1);
    if (new_raw == NULL) {
        log_line(path, "DELETE", key, old_raw);
    } else {
        log_line(path, "OLD", key, old_raw);
        log_line(path, "NEW", key, new_raw);
    }
    closelog();
    errno = saved;
}
