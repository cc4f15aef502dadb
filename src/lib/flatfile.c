/*
 * flatfile.c - reading and writing the e-smith flat file, its lock and its
 * change stamp. See flatfile.h and the README ("Architecture").
 */
#include "flatfile.h"

#include "buf.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

void esm_flat_free(struct esm_flat *flat)
{
    for (size_t i = 0; i < flat->count; i++) {
        free(flat->entries[i].key);
        free(flat->entries[i].raw);
    }
    free(flat->entries);
    flat->entries = NULL;
    flat->count = 0;
}

/* Sort key: the key, then the position, so that of equal keys the last one
 * added comes last and survives deduplication. */
struct sort_item {
    struct esm_flat_entry entry;
    size_t pos;
};

static int compare_items(const void *a, const void *b)
{
    const struct sort_item *x = a, *y = b;
    int c = strcmp(x->entry.key, y->entry.key);
    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void esm_flat_sort(struct esm_flat *flat)
{
    if (flat->count < 2)
        return;
    struct sort_item *items = esm_xmalloc(flat->count * sizeof *items);
    for (size_t i = 0; i < flat->count; i++) {
        items[i].entry = flat->entries[i];
        items[i].pos = i;
    }
    qsort(items, flat->count, sizeof *items, compare_items);
    size_t out = 0;
    for (size_t i = 0; i < flat->count; i++) {
        if (i + 1 < flat->count && strcmp(items[i].entry.key, items[i + 1].entry.key) == 0) {
            free(items[i].entry.key);
            free(items[i].entry.raw);
            continue;
        }
        flat->entries[out++] = items[i].entry;
    }
    flat->count = out;
    free(items);
}

/* Perl's \s: the blanks the e-smith tools trim and skip. */
static int is_perl_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The value part of a line with every backslash-n turned into a newline,
 * exactly as the Perl reader does (left to right, no escape for '\'). */
static char *unescape_newlines(const char *s, size_t n, size_t *len_out)
{
    char *out = esm_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'n') {
            out[o++] = '\n';
            i++;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    *len_out = o;
    return out;
}

int esm_flat_parse(const char *data, size_t len, const char *name, const char *path,
                   struct esm_flat *out, esm_err *err)
{
    out->entries = NULL;
    out->count = 0;
    if (memchr(data, '\0', len) != NULL)
        return esm_err_set(err, ESM_E_FAIL, "%s: %s contains a NUL byte (damaged flat file)", name,
                           esm_path_unroot(path));
    size_t cap = 0, lineno = 0;
    const char *end = data + len;
    for (const char *line = data; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        lineno++;
        const char *p = line;
        while (p < eol && is_perl_space(*p))
            p++;
        if (p < eol && *p != '#') {
            const char *eq = memchr(line, '=', (size_t)(eol - line));
            if (eq == NULL) {
                esm_flat_free(out);
                return esm_err_set(err, ESM_E_FAIL,
                                   "%s: %s line %zu has no '=' (damaged flat file)", name,
                                   esm_path_unroot(path), lineno);
            }
            if (out->count == cap) {
                cap = cap ? cap * 2 : 256;
                out->entries = esm_xrealloc(out->entries, cap * sizeof *out->entries);
            }
            struct esm_flat_entry *e = &out->entries[out->count++];
            e->key = esm_xstrndup(line, (size_t)(eq - line));
            e->raw = unescape_newlines(eq + 1, (size_t)(eol - eq - 1), &e->raw_len);
        }
        line = eol + 1;
    }
    esm_flat_sort(out);
    return 0;
}

int esm_flat_load(const char *path, const char *name, struct esm_flat *out, struct stat *st,
                  esm_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return esm_err_set(err, ESM_E_NOTFOUND, "%s: %s does not exist", name,
                               esm_path_unroot(path));
        return esm_err_sys(err, errno, "%s: cannot open %s", name, esm_path_unroot(path));
    }
    esm_buf b = ESM_BUF_INIT;
    int rc = 0;
    if (fstat(fd, st) != 0) {
        rc = esm_err_sys(err, errno, "%s: cannot stat %s", name, esm_path_unroot(path));
        goto out;
    }
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = esm_err_sys(err, errno, "%s: cannot read %s", name, esm_path_unroot(path));
            goto out;
        }
        if (n == 0)
            break;
        esm_buf_append(&b, chunk, (size_t)n);
    }
    rc = esm_flat_parse(esm_buf_str(&b), b.len, name, path, out, err);
out:
    esm_buf_free(&b);
    close(fd);
    return rc;
}

/* The six header lines, byte for byte as esmith::config writes them; the
 * date is ctime style in local time with a space-padded day. */
static void append_header(esm_buf *b)
{
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm);
    esm_buf_puts(b, "# DO NOT MODIFY THIS FILE.\n"
                    "# This file is automatically maintained by the Mitel Networks SME Server\n"
                    "# configuration software.  Manually editing this file may put your \n"
                    "# system in an unknown state.\n"
                    "#\n");
    esm_buf_printf(b, "# updated: %s\n", date);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int esm_flat_write_temp(const char *path, const char *name, const struct esm_flat *flat,
                        char **tmp_out, esm_err *err)
{
    esm_buf b = ESM_BUF_INIT;
    append_header(&b);
    for (size_t i = 0; i < flat->count; i++) {
        const struct esm_flat_entry *e = &flat->entries[i];
        esm_buf_puts(&b, e->key);
        esm_buf_putc(&b, '=');
        const char *p = e->raw, *end = e->raw + e->raw_len;
        for (const char *nl; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL; p = nl + 1) {
            esm_buf_append(&b, p, (size_t)(nl - p));
            esm_buf_puts(&b, "\\n");
        }
        esm_buf_append(&b, p, (size_t)(end - p));
        esm_buf_putc(&b, '\n');
    }

    /* NAME.PID, as the Perl writers name theirs. */
    char *tmp = esm_xasprintf("%s.%ld", path, (long)getpid());
    struct stat cur;
    int have_cur = stat(path, &cur) == 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                  have_cur ? (cur.st_mode & 07777) : 0644);
    if (fd < 0) {
        int e = errno;
        esm_buf_free(&b);
        esm_err_sys(err, e, "%s: cannot create %s", name, esm_path_unroot(tmp));
        free(tmp);
        return -1;
    }
    if (have_cur) {
        /* Keep the file's owner and mode: Perl readers running as another
         * user must still be able to read it. Not being root is fine. */
        int chown_rc = fchown(fd, cur.st_uid, cur.st_gid);
        (void)chown_rc;
        int chmod_rc = fchmod(fd, cur.st_mode & 07777);
        (void)chmod_rc;
    }
    if (write_all(fd, b.data, b.len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        esm_buf_free(&b);
        esm_err_sys(err, e, "%s: cannot write %s", name, esm_path_unroot(tmp));
        free(tmp);
        return -1;
    }
    esm_buf_free(&b);
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        esm_err_sys(err, e, "%s: cannot write %s", name, esm_path_unroot(tmp));
        free(tmp);
        return -1;
    }
    *tmp_out = tmp;
    return 0;
}

/* fsync of the directory holding path, so a rename in it survives a crash. */
static int sync_dir_of(const char *path)
{
    char *copy = esm_xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    /* Some filesystems cannot fsync a directory; the rename is done anyway. */
    if (rc != 0 && (errno == EINVAL || errno == EROFS))
        rc = 0;
    close(fd);
    return rc;
}

int esm_flat_install(const char *tmp, const char *path, const char *name, esm_err *err)
{
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return esm_err_sys(err, e, "%s: cannot rename %s to %s", name, esm_path_unroot(tmp),
                           esm_path_unroot(path));
    }
    if (sync_dir_of(path) != 0)
        return esm_err_sys(err, errno, "%s: cannot sync the directory of %s", name,
                           esm_path_unroot(path));
    return 0;
}

int esm_flat_lock(const char *lock_path, int how, const char *name, esm_err *err)
{
    for (int attempt = 0; attempt < 1000; attempt++) {
        /* ">>" like the Perl tools; read-only when we may not create or
         * write it (a reader on a read-only system still serialises).
         * Never through a symlink: one planted there would make root
         * create a file wherever it points. */
        int fd = open(lock_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0 && (errno == EACCES || errno == EROFS))
            fd = open(lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return esm_err_sys(err, errno, "%s: cannot open lock %s", name,
                               esm_path_unroot(lock_path));
        int rc;
        do
            rc = flock(fd, how);
        while (rc != 0 && errno == EINTR);
        if (rc != 0) {
            int e = errno;
            close(fd);
            return esm_err_sys(err, e, "%s: cannot lock %s", name, esm_path_unroot(lock_path));
        }
        /* A Perl writer may have unlinked the file between our open and
         * our lock: then we hold a lock nobody else will ever see. */
        if (esm_fd_is_named(fd, lock_path))
            return fd;
        close(fd);
    }
    return esm_err_set(err, ESM_E_FAIL, "%s: cannot keep a lock on %s (it keeps being replaced)",
                       name, esm_path_unroot(lock_path));
}

int esm_fd_is_named(int fd, const char *path)
{
    struct stat held, named;
    return fstat(fd, &held) == 0 && held.st_nlink > 0 && stat(path, &named) == 0 &&
           held.st_ino == named.st_ino && held.st_dev == named.st_dev;
}

void esm_stamp_from_stat(struct esm_stamp *stamp, const struct stat *st)
{
    memset(stamp, 0, sizeof *stamp);
    stamp->magic = ESM_STAMP_MAGIC;
    stamp->present = 1;
    stamp->dev = (uint64_t)st->st_dev;
    stamp->ino = (uint64_t)st->st_ino;
    stamp->size = (uint64_t)st->st_size;
    stamp->mtime_sec = (uint64_t)st->st_mtim.tv_sec;
    stamp->mtime_nsec = (uint64_t)st->st_mtim.tv_nsec;
    stamp->ctime_sec = (uint64_t)st->st_ctim.tv_sec;
    stamp->ctime_nsec = (uint64_t)st->st_ctim.tv_nsec;
}

int esm_stamp_of(const char *path, struct esm_stamp *stamp, const char *name, esm_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return esm_err_sys(err, errno, "%s: cannot stat %s", name, esm_path_unroot(path));
        memset(stamp, 0, sizeof *stamp);
        stamp->magic = ESM_STAMP_MAGIC;
        return 0;
    }
    esm_stamp_from_stat(stamp, &st);
    return 0;
}

int esm_stamp_equal(const struct esm_stamp *a, const struct esm_stamp *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}
