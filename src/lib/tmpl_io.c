/*
 * tmpl_io.c - the read-only file access of the template subset: file
 * tests (-e -f -d -r -s -l -x -z), open for reading (2- and 3-argument
 * forms, bareword and lexical handles), <FH> in scalar and list context
 * (with $/), eof, close and $!; opendir, readdir and closedir.
 *
 * SME fragments read certificates, key files and lists kept beside the
 * configuration (8 % of the fragments of 23 real packages do). What they
 * may read is confined to the server's tree: every path is a server path,
 * resolved under $ESMITH_ROOT one component at a time with O_NOFOLLOW, as
 * if the root were `/` -- an absolute symlink target starts again at the
 * root, a relative path starts at the root too (the tools run from `/`).
 * A `..` that would climb above the root, written in the path or reached
 * through a symlink, is refused with a located error: on a real server it
 * would be harmless, under a test root it would read the build machine.
 * Reading is bounded (TMPL_MAX_READ bytes per fragment) so that a fragment
 * cannot read /dev/zero forever; writing, appending and pipes stay refused.
 */
#include "tmpl_int.h"

#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tio {
    int fd;        /* -1: closed (always, for a directory handle) */
    DIR *dir;      /* a directory handle from opendir, NULL otherwise */
    char name[64]; /* as Perl shows it after die: FH or $fh */
    esm_buf buf;   /* read ahead; unread bytes from pos */
    size_t pos;
    int eof;
    int64_t lines;     /* $. of this handle */
    struct tio **weak; /* &env->last_read, cleared when this one goes */
};

#define MAX_SYMLINKS 40
#define READ_CHUNK 65536

/* Closes a handle and forgets it as the last one read. */
static void io_close(struct tio *io)
{
    if (io->fd >= 0)
        close(io->fd);
    io->fd = -1;
    if (io->dir)
        closedir(io->dir);
    io->dir = NULL;
    esm_buf_free(&io->buf);
    io->pos = 0;
    io->eof = 1;
    io->lines = 0;
}

void tmpl_io_free(struct tio *io)
{
    io_close(io);
    if (io->weak && *io->weak == io)
        *io->weak = NULL;
    free(io);
}

void tmpl_io_last_read(esm_tmpl_env *env, esm_buf *msg)
{
    struct tio *io = env->last_read;
    if (io && io->fd >= 0 && io->lines > 0)
        esm_buf_printf(msg, ", <%s> line %lld", io->name, (long long)io->lines);
}

tsv *tmpl_io_special(esm_tmpl_env *env, char name)
{
    if (name == '.')
        return env->last_read ? tsv_new_iv(env->last_read->lines) : tsv_new();
    if (env->errno_val == 0)
        return tsv_new_str("", 0);
    return tsv_new_cstr(strerror(env->errno_val));
}

/* ---- paths ---- */

/* Resolves a server path under the root, following symlinks as a chroot
 * would (see the top of this file), except the last component when
 * follow_last is 0. On success *dirfd_out is an open directory (the
 * caller closes it) and last_out the name in it ("." for the root itself).
 * Returns 0; -1 with errno for what Perl would report in $! (ENOENT,
 * ENOTDIR, ELOOP...; ENOENT for an empty path, which names no file,
 * not the root); -2 when the path leaves the root (error raised). */
static int resolve(esm_tmpl_env *env, const tnode *n, const char *path, int follow_last,
                   int *dirfd_out, char *last_out)
{
    if (!path[0]) {
        errno = ENOENT;
        return -1;
    }
    const char *root = esm_root();
    int stack[PATH_MAX / 2];
    size_t depth = 0;
    stack[0] = open(root[0] ? root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (stack[0] < 0)
        return -1;
    char *todo = esm_xstrdup(path);
    size_t at = 0;
    int links = 0, rc = 0;
    for (;;) {
        while (todo[at] == '/')
            at++;
        size_t len = strcspn(todo + at, "/");
        if (len == 0) { /* the path ends at a directory */
            strcpy(last_out, ".");
            break;
        }
        if (len > NAME_MAX) {
            errno = ENAMETOOLONG;
            rc = -1;
            break;
        }
        char comp[NAME_MAX + 1];
        memcpy(comp, todo + at, len);
        comp[len] = '\0';
        at += len;
        /* a name with a '/' after it must be a directory, as in POSIX:
         * it is entered, and the path ends at "." in it */
        int is_last = todo[at] == '\0';
        if (strcmp(comp, ".") == 0) {
            if (is_last) {
                strcpy(last_out, ".");
                break;
            }
            continue;
        }
        if (strcmp(comp, "..") == 0) {
            if (depth == 0) {
                tmpl_die(env, n, "file access outside the server root refused: %s", path);
                rc = -2;
                break;
            }
            close(stack[depth--]);
            if (is_last) {
                strcpy(last_out, ".");
                break;
            }
            continue;
        }
        struct stat st;
        int exists = fstatat(stack[depth], comp, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (exists && S_ISLNK(st.st_mode) && (!is_last || follow_last)) {
            char target[PATH_MAX];
            ssize_t tl = readlinkat(stack[depth], comp, target, sizeof(target) - 1);
            if (tl < 0 || ++links > MAX_SYMLINKS) {
                if (tl >= 0)
                    errno = ELOOP;
                rc = -1;
                break;
            }
            target[tl] = '\0';
            if (target[0] == '/')
                while (depth > 0)
                    close(stack[depth--]);
            char *rest = esm_xasprintf("%s%s", target, todo + at);
            free(todo);
            todo = rest;
            at = 0;
            continue;
        }
        if (is_last) {
            strcpy(last_out, comp);
            break;
        }
        if (!exists) {
            rc = -1;
            break;
        }
        if (depth + 1 >= sizeof(stack) / sizeof(stack[0])) {
            errno = ENAMETOOLONG;
            rc = -1;
            break;
        }
        int fd = openat(stack[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            rc = -1;
            break;
        }
        stack[++depth] = fd;
    }
    free(todo);
    int saved = errno;
    for (size_t i = 0; i < depth; i++)
        close(stack[i]);
    if (rc < 0) {
        close(stack[depth]);
        errno = saved;
        return rc;
    }
    *dirfd_out = stack[depth];
    return 0;
}

char *tmpl_io_path_arg(esm_tmpl_env *env, tnode *n, int i)
{
    size_t len;
    char *path = tmpl_arg_strdup(env, n, i, &len);
    if (path && memchr(path, '\0', len))
        path[0] = '\0'; /* Perl: no such file; resolve says ENOENT for "" */
    return path;
}

/* ---- file tests ---- */

/* -X PATH: 1 or "" as Perl gives them, undef (and $!) when the file cannot
 * be examined; -s gives the size (0 for an empty file). */
static tsv *file_test(esm_tmpl_env *env, tnode *n)
{
    char *path = tmpl_io_path_arg(env, n, 0);
    if (!path)
        return NULL;
    int op = (int)n->iv;
    int dirfd;
    char name[NAME_MAX + 1];
    int rc = resolve(env, n, path, op != 'l', &dirfd, name);
    free(path);
    if (rc == -2)
        return NULL;
    if (rc < 0) {
        env->errno_val = errno;
        return tsv_new();
    }
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        env->errno_val = errno;
        close(dirfd);
        return tsv_new();
    }
    int yes;
    switch (op) {
    case 'e':
        yes = 1;
        break;
    case 'f':
        yes = S_ISREG(st.st_mode);
        break;
    case 'd':
        yes = S_ISDIR(st.st_mode);
        break;
    case 'l':
        yes = S_ISLNK(st.st_mode);
        break;
    case 's':
        close(dirfd);
        return tsv_new_iv((int64_t)st.st_size); /* Perl's -s of an empty file is 0 */
    case 'z':
        yes = st.st_size == 0;
        break;
    default: /* r, x: as the effective user may, as Perl's -r and -x */
        yes = faccessat(dirfd, name, op == 'r' ? R_OK : X_OK, AT_EACCESS) == 0;
        if (!yes && errno != EACCES) {
            env->errno_val = errno;
            close(dirfd);
            return tsv_new();
        }
        break;
    }
    close(dirfd);
    return yes ? tsv_new_iv(1) : tsv_new_str("", 0);
}

/* ---- handles ---- */

/* Where bareword handles live: directory handles are their own namespace
 * in Perl (DH may be a file and a directory handle at once). */
static thv **bareword_table(esm_tmpl_env *env, int dir)
{
    return dir ? &env->dirhandles : &env->handles;
}

/* The container of a handle argument: the bareword's slot in its table,
 * or the scalar (open(my $fh, ...) declares it; it holds a reference for
 * either kind). Counted. */
static tsv *handle_slot(esm_tmpl_env *env, tnode *h, int dir, char *name, size_t size)
{
    if (h->kind == N_STR && (h->flags & F_HANDLE)) {
        thv **table = bareword_table(env, dir);
        snprintf(name, size, "%s", h->str);
        if (!*table)
            *table = thv_new();
        return tsv_inc(thv_fetch(*table, h->str, h->slen, 1));
    }
    tnode *var = (h->kind == N_MY || h->kind == N_OUR) && h->nkids == 1 ? h->kids[0] : h;
    if (var->kind == N_SVAR)
        snprintf(name, size, "$%s", var->str);
    else
        snprintf(name, size, "$__ANONIO__");
    return tmpl_lvalue(env, h);
}

/* The handle object an argument names (a file or a directory one), or
 * NULL (not an error: Perl reads nothing from an unopened handle). */
static struct tio *handle_of(esm_tmpl_env *env, tnode *h, int dir, int *failed)
{
    *failed = 0;
    tsv *v;
    if (h->kind == N_STR && (h->flags & F_HANDLE)) {
        thv *table = *bareword_table(env, dir);
        v = table ? thv_fetch(table, h->str, h->slen, 0) : NULL;
        if (!v)
            return NULL;
        tsv_inc(v);
    } else {
        v = tmpl_eval_scalar(env, h);
        if (!v) {
            *failed = 1;
            return NULL;
        }
    }
    struct tio *io = NULL;
    if (v->t == T_REF && v->rk == RK_IO)
        io = ((tobj *)v->ref)->io;
    else if (tsv_defined(v))
        tmpl_die(env, h, "Bad filehandle: not a handle opened by open()"), *failed = 1;
    tsv_dec(v);
    return io;
}

/* Perl keeps a file and a directory in one handle and refuses to open
 * one while the other is open ("Cannot open FH as a dirhandle: it is
 * already open as a filehandle"); the other kind is looked up in its own
 * table for a bareword, in the variable for a lexical. -1 when refused. */
static int handle_clash(esm_tmpl_env *env, tnode *n, int want_dir)
{
    tnode *h = n->kids[0];
    tsv *v = NULL;
    if (h->kind == N_STR && (h->flags & F_HANDLE)) {
        thv *other = *bareword_table(env, !want_dir);
        v = other ? thv_fetch(other, h->str, h->slen, 0) : NULL;
    } else if (h->kind == N_SVAR) {
        v = tmpl_eval_scalar(env, h);
        if (!v)
            return -1;
        tlist_push(&env->mortals, v);
    }
    if (!v || v->t != T_REF || v->rk != RK_IO)
        return 0;
    struct tio *io = ((tobj *)v->ref)->io;
    if (want_dir ? io->fd < 0 : io->dir == NULL)
        return 0;
    char name[64];
    if (h->kind == N_STR)
        snprintf(name, sizeof(name), "%s", h->str);
    else
        snprintf(name, sizeof(name), "$%s", h->str);
    tmpl_die(env, n, "Cannot open %s as a %s: it is already open as a %s", name,
             want_dir ? "dirhandle" : "filehandle", want_dir ? "filehandle" : "dirhandle");
    return -1;
}

/* Binds a fresh, closed handle to open's or opendir's first argument,
 * refusing one already open as the other kind. A new object every time:
 * an old one still referenced elsewhere keeps reading its file, as in
 * Perl. NULL on an error already raised. */
static struct tio *bind_new_handle(esm_tmpl_env *env, tnode *n, int want_dir)
{
    if (handle_clash(env, n, want_dir) < 0)
        return NULL;
    char name[64];
    tsv *slot = handle_slot(env, n->kids[0], want_dir, name, sizeof(name));
    if (!slot)
        return NULL;
    tobj *o = esm_xcalloc(1, sizeof(*o));
    o->rc = 1;
    o->kind = RK_IO;
    o->class_name = "GLOB";
    o->io = esm_xcalloc(1, sizeof(*o->io));
    o->io->fd = -1;
    o->io->eof = 1;
    o->io->weak = &env->last_read;
    snprintf(o->io->name, sizeof(o->io->name), "%s", name);
    tsv *ref = tsv_new_ref(RK_IO, o);
    tsv_set(slot, ref);
    tsv_dec(ref);
    tsv_dec(slot);
    return o->io;
}

/* Opens PATH for open and opendir as a chroot at the root would (see
 * resolve), with FLAGS added to no-follow and close-on-exec. The fd, -1
 * with errno set for $!, -2 on an error already raised. */
static int open_under_root(esm_tmpl_env *env, tnode *n, const char *path, int flags)
{
    int dirfd;
    char last[NAME_MAX + 1];
    int rc = resolve(env, n, path, 1, &dirfd, last);
    if (rc < 0)
        return rc;
    int fd = openat(dirfd, last, flags | O_NOFOLLOW | O_CLOEXEC);
    int saved = errno;
    close(dirfd);
    errno = saved;
    return fd;
}

/* How an open() mode or 2-argument spec is refused. */
static const char *refused_mode(const char *m)
{
    if (*m == '>' || *m == '+')
        return "open for writing or appending";
    if (*m == '|' || strcmp(m, "-|") == 0)
        return "pipe open";
    if (strcmp(m, "-") == 0)
        return "open of STDIN";
    return NULL;
}

/* open(FH, MODE, PATH) / open(FH, SPEC): reading only. 1, or undef with
 * $! set, as Perl returns them. */
static tsv *do_open(esm_tmpl_env *env, tnode *n)
{
    if (n->nkids < 2)
        return tmpl_unsupported(env, n, "open without a file name");
    char *spec = tmpl_io_path_arg(env, n, 1);
    if (!spec)
        return NULL;
    char *path = NULL;
    const char *why = NULL;
    if (n->nkids == 3) {
        const char *m = spec + strspn(spec, " \t");
        size_t ml = strlen(m);
        while (ml > 0 && (m[ml - 1] == ' ' || m[ml - 1] == '\t'))
            ml--;
        why = refused_mode(m);
        if (!why && !(ml == 1 && m[0] == '<'))
            why = "open mode other than '<'";
        if (!why)
            path = tmpl_io_path_arg(env, n, 2);
    } else {
        /* Perl trims the 2-argument spec and reads a leading '<' */
        char *m = spec + strspn(spec, " \t\n");
        size_t ml = strlen(m);
        while (ml > 0 && strchr(" \t\n", m[ml - 1]))
            m[--ml] = '\0';
        if (ml > 0 && m[ml - 1] == '|')
            why = "pipe open";
        else if ((why = refused_mode(m)) == NULL) {
            if (*m == '<')
                m += 1 + strspn(m + 1, " \t\n");
            path = esm_xstrdup(m);
        }
    }
    free(spec);
    if (why)
        return tmpl_unsupported(env, n, why);
    if (!path)
        return NULL;
    struct tio *io = bind_new_handle(env, n, 0);
    int fd = io ? open_under_root(env, n, path, O_RDONLY | O_NONBLOCK) : -2;
    free(path);
    if (fd == -2)
        return NULL;
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
        close(fd);
        return tmpl_unsupported(env, n, "open of a pipe or socket");
    }
    if (fd < 0) {
        env->errno_val = errno;
        return tsv_new();
    }
    io->fd = fd;
    io->eof = 0;
    return tsv_new_iv(1);
}

/* Reads more into the handle's buffer; 0 at end of file. Charges the
 * fragment's read budget. */
static int fill(esm_tmpl_env *env, tnode *n, struct tio *io)
{
    if (io->eof)
        return 0;
    if (io->pos > 0 && io->pos * 2 >= io->buf.len) {
        memmove(io->buf.data, io->buf.data + io->pos, io->buf.len - io->pos);
        io->buf.len -= io->pos;
        io->pos = 0;
    }
    if (env->read_bytes >= TMPL_MAX_READ) {
        tmpl_die(env, n, "file read limit exceeded: a fragment may read %u bytes", TMPL_MAX_READ);
        return -1;
    }
    char chunk[READ_CHUNK];
    ssize_t r = read(io->fd, chunk, sizeof(chunk));
    if (r <= 0) {
        if (r < 0)
            env->errno_val = errno;
        io->eof = 1;
        return 0;
    }
    env->read_bytes += (size_t)r;
    esm_buf_append(&io->buf, chunk, (size_t)r);
    return 1;
}

/* One record up to and including the separator $/ (the rest of the file
 * when $/ is undef): a new scalar, or NULL at end of file (*failed on an
 * error). */
static tsv *read_record(esm_tmpl_env *env, tnode *n, struct tio *io, int *failed)
{
    *failed = 0;
    tglob *g = tmpl_glob(env, "/", 1);
    const tsv *sep = g ? g->sv : NULL;
    char b[64];
    size_t sl = 0;
    const char *s = NULL;
    if (sep && tsv_defined(sep)) {
        s = tmpl_strval(env, n, sep, b, &sl);
        if (!s) {
            *failed = 1;
            return NULL;
        }
        if (sl == 0) {
            *failed = 1;
            return tmpl_unsupported(env, n, "paragraph mode ($/ = \"\")");
        }
    }
    size_t from = 0; /* where the search resumes, from io->pos */
    for (;;) {
        if (s) {
            size_t avail = io->buf.len - io->pos;
            const char *hit = avail >= from + sl
                                  ? memmem(io->buf.data + io->pos + from, avail - from, s, sl)
                                  : NULL;
            if (hit) {
                size_t end = (size_t)(hit - io->buf.data) + sl;
                tsv *r = tsv_new_str(io->buf.data + io->pos, end - io->pos);
                io->pos = end;
                io->lines++;
                return r;
            }
            from = avail >= sl - 1 ? avail - (sl - 1) : 0;
        }
        int f = fill(env, n, io);
        if (f < 0) {
            *failed = 1;
            return NULL;
        }
        if (f == 0)
            break;
    }
    if (io->pos >= io->buf.len)
        return NULL;
    tsv *r = tsv_new_str(io->buf.data + io->pos, io->buf.len - io->pos);
    io->pos = io->buf.len;
    io->lines++;
    return r;
}

/* <FH>: the next record (undef at the end) in scalar context, all the
 * remaining ones in list context. */
static tsv *do_readline(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    int failed;
    struct tio *io = handle_of(env, n->kids[0], 0, &failed);
    if (failed)
        return NULL;
    if (!io || io->fd < 0)
        return tsv_new();
    env->last_read = io;
    if (!want_list) {
        tsv *r = read_record(env, n, io, &failed);
        return failed ? NULL : r ? r : tsv_new();
    }
    for (;;) {
        tsv *r = read_record(env, n, io, &failed);
        if (failed)
            return NULL;
        if (!r)
            break;
        tlist_push(out, r);
    }
    return tsv_new();
}

/* eof(FH), eof FH, and eof without an argument (the handle read last). */
static tsv *do_eof(esm_tmpl_env *env, tnode *n)
{
    struct tio *io = env->last_read;
    if (n->nkids) {
        int failed;
        io = handle_of(env, n->kids[0], 0, &failed);
        if (failed)
            return NULL;
    }
    if (!io || io->fd < 0)
        return tsv_new_iv(1);
    if (io->pos < io->buf.len)
        return tsv_new_str("", 0);
    int f = fill(env, n, io);
    if (f < 0)
        return NULL;
    return io->pos < io->buf.len ? tsv_new_str("", 0) : tsv_new_iv(1);
}

static tsv *do_close(esm_tmpl_env *env, tnode *n)
{
    int failed;
    struct tio *io = handle_of(env, n->kids[0], 0, &failed);
    if (failed)
        return NULL;
    if (!io || io->fd < 0) {
        env->errno_val = EBADF;
        return tsv_new_str("", 0);
    }
    io_close(io);
    return tsv_new_iv(1);
}

int tmpl_io_read_file(esm_tmpl_env *env, tnode *n, const char *path, int first_line, tsv **out)
{
    int dirfd;
    char last[NAME_MAX + 1];
    int rc = resolve(env, n, path, 1, &dirfd, last);
    if (rc == -2)
        return -1;
    if (rc < 0)
        return 0;
    struct stat st;
    int fd = -1;
    if (fstatat(dirfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
        fd = openat(dirfd, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    else
        errno = ENOENT;
    close(dirfd);
    if (fd < 0) {
        env->errno_val = errno;
        if (errno == ENOENT || !first_line)
            return 0;
        tmpl_die(env, n, "Could not open %s: %s", path, strerror(errno));
        return -1;
    }
    struct tio io = {.fd = fd};
    tsv *line = NULL;
    for (;;) {
        char *nl = first_line ? memchr(io.buf.data ? io.buf.data : "", '\n', io.buf.len) : NULL;
        if (nl) {
            line = tsv_new_str(io.buf.data, (size_t)(nl - io.buf.data));
            break;
        }
        int f = fill(env, n, &io);
        if (f < 0) {
            io_close(&io);
            return -1;
        }
        if (f == 0) {
            /* a first line of nothing is undef; a whole empty file is "" */
            line = io.buf.len || !first_line
                       ? tsv_new_str(io.buf.data ? io.buf.data : "", io.buf.len)
                       : tsv_new();
            break;
        }
    }
    io_close(&io);
    *out = line;
    return 1;
}

/* ---- directories ---- */

/* The open directory an argument names, or NULL (readdir and closedir of
 * an unopened handle give undef/false, as in Perl). */
static DIR *dir_of(esm_tmpl_env *env, tnode *h, struct tio **io_out, int *failed)
{
    struct tio *io = handle_of(env, h, 1, failed);
    *io_out = io && io->dir ? io : NULL;
    return *io_out ? io->dir : NULL;
}

/* opendir(DH, PATH): 1, or undef with $! set. The directory is resolved
 * under the root as open's files are. */
static tsv *do_opendir(esm_tmpl_env *env, tnode *n)
{
    char *path = tmpl_arg_strdup(env, n, 1, NULL); /* Perl cuts it at a NUL */
    if (!path)
        return NULL;
    struct tio *io = bind_new_handle(env, n, 1);
    int fd = io ? open_under_root(env, n, path, O_RDONLY | O_DIRECTORY) : -2;
    free(path);
    if (fd == -2)
        return NULL;
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        env->errno_val = errno;
        if (fd >= 0)
            close(fd);
        return tsv_new();
    }
    io->dir = d;
    return tsv_new_iv(1);
}

/* readdir(DH): the next name (undef at the end) in scalar context, all
 * the remaining ones in list context, "." and ".." included, in the
 * order the file system gives them (Perl reads them the same way). */
static tsv *do_readdir(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    struct tio *io;
    int failed;
    DIR *d = dir_of(env, n->kids[0], &io, &failed);
    if (failed)
        return NULL;
    if (!d)
        return tsv_new();
    for (;;) {
        if (tmpl_charge(env, n, 1) < 0)
            return NULL;
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e)
            break;
        tsv *name = tsv_new_cstr(e->d_name);
        if (!want_list)
            return name;
        tlist_push(out, name);
    }
    return tsv_new();
}

/* closedir(DH): 1, or "" for a handle that is not an open directory. */
static tsv *do_closedir(esm_tmpl_env *env, tnode *n)
{
    struct tio *io;
    int failed;
    DIR *d = dir_of(env, n->kids[0], &io, &failed);
    if (failed)
        return NULL;
    if (!d)
        return tsv_new_str("", 0);
    io_close(io);
    return tsv_new_iv(1);
}

tsv *tmpl_io_builtin(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    switch (n->op) {
    case B_READLINE:
        return do_readline(env, n, want_list, out);
    case B_READDIR:
        return do_readdir(env, n, want_list, out);
    case B_OPENDIR:
        return tmpl_result(want_list, out, do_opendir(env, n));
    case B_CLOSEDIR:
        return tmpl_result(want_list, out, do_closedir(env, n));
    case B_OPEN:
        return tmpl_result(want_list, out, do_open(env, n));
    case B_CLOSE:
        return tmpl_result(want_list, out, do_close(env, n));
    case B_EOF:
        return tmpl_result(want_list, out, do_eof(env, n));
    default:
        return tmpl_result(want_list, out, file_test(env, n));
    }
}
