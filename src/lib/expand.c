#include "expand.h"

#include "metadata.h"
#include "paths.h"
#include "udiff.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMPLATES_CUSTOM "/etc/e-smith/templates-custom"
#define TEMPLATES "/etc/e-smith/templates"
#define DEFAULT_BEGIN "/etc/e-smith/templates-default/template-begin"

/* One fragment to render: its name decides the order, path is the real
 * (rooted) file, dirfd the open directory it was listed in (-1: none), so
 * that opening it is a lookup of name there rather than a walk of path. */
struct fragment {
    char *name;
    char *path;
    int dirfd;
};

struct fragment_list {
    struct fragment *items;
    size_t len, cap;
    DIR *dirs[2]; /* the directories listed, open until the list goes */
    size_t ndirs;
};

/* Everything one expansion needs to report and count. */
struct run {
    const struct esm_expand_opts *opts;
    size_t warnings;
    long broken; /* blocks that failed, as the original counts "fragments" */
};

static void emit(struct run *run, enum esm_expand_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Messages go to the caller's callback: the library never prints. */
static void emit(struct run *run, enum esm_expand_level level, const char *fmt, ...)
{
    if (run->opts == NULL || run->opts->on_message == NULL)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    run->opts->on_message(run->opts->msg_ctx, level, line);
}

int esm_expand_check_path(const char *path, const char *what, esm_err *err)
{
    if (path == NULL || path[0] != '/')
        return esm_err_set(err, ESM_E_INVALID, "%s '%s' is not an absolute path", what,
                           path ? path : "");
    for (const char *p = path; *p == '/';) {
        const char *comp = p + 1;
        const char *next = strchr(comp, '/');
        size_t len = next ? (size_t)(next - comp) : strlen(comp);
        if (len == 0 || (len == 1 && comp[0] == '.') ||
            (len == 2 && comp[0] == '.' && comp[1] == '.'))
            return esm_err_set(err, ESM_E_INVALID,
                               "%s '%s' has an empty, '.' or '..' component: refused", what, path);
        if (next == NULL)
            break;
        p = next;
    }
    return 0;
}

/* ---- collecting the fragments ---- */

static int skipped_name(const char *name)
{
    static const char *const suffixes[] = {"~",       ".swp",     ".orig", ".rpmsave",
                                           ".rpmnew", ".rpmorig", NULL};
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return 1;
    size_t n = strlen(name);
    for (size_t i = 0; suffixes[i]; i++) {
        size_t s = strlen(suffixes[i]);
        if (n >= s && strcmp(name + n - s, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

static void list_clear(struct fragment_list *list)
{
    for (size_t i = 0; i < list->len; i++) {
        free(list->items[i].name);
        free(list->items[i].path);
    }
    list->len = 0;
}

static void list_free(struct fragment_list *list)
{
    list_clear(list);
    free(list->items);
    for (size_t i = 0; i < list->ndirs; i++)
        closedir(list->dirs[i]);
    list->ndirs = 0;
}

/* Adds name -> path, replacing an entry of the same name (a higher
 * priority source overrides a fragment). Takes ownership of path. */
static void list_put(struct fragment_list *list, const char *name, char *path, int dirfd)
{
    for (size_t i = 0; i < list->len; i++) {
        if (strcmp(list->items[i].name, name) == 0) {
            free(list->items[i].path);
            list->items[i].path = path;
            list->items[i].dirfd = dirfd;
            return;
        }
    }
    if (list->len == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 32;
        list->items = esm_xrealloc(list->items, list->cap * sizeof *list->items);
    }
    list->items[list->len++] = (struct fragment){esm_xstrdup(name), path, dirfd};
}

static void list_remove(struct fragment_list *list, const char *name)
{
    for (size_t i = 0; i < list->len; i++) {
        if (strcmp(list->items[i].name, name) == 0) {
            free(list->items[i].name);
            free(list->items[i].path);
            list->items[i] = list->items[--list->len];
            return;
        }
    }
}

/* template-begin first, template-end last, the rest in byte order. */
static int fragment_rank(const char *name)
{
    if (strcmp(name, "template-begin") == 0)
        return 0;
    if (strcmp(name, "template-end") == 0)
        return 2;
    return 1;
}

static int fragment_cmp(const void *pa, const void *pb)
{
    const struct fragment *a = pa, *b = pb;
    int ra = fragment_rank(a->name), rb = fragment_rank(b->name);
    if (ra != rb)
        return ra - rb;
    return strcmp(a->name, b->name);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* dir "/" name, malloc'd (a directory holds many fragments: no printf) */
static char *path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *path = esm_xmalloc(dl + nl + 2);
    memcpy(path, dir, dl);
    path[dl] = '/';
    memcpy(path + dl + 1, name, nl + 1);
    return path;
}

/* Merges one directory source into list (see expand.h). */
static int merge_directory(struct fragment_list *list, const char *dir_path, esm_err *err)
{
    DIR *dir = opendir(dir_path);
    if (dir == NULL)
        return esm_err_sys(err, errno, "cannot read template directory %s",
                           esm_path_unroot(dir_path));
    int keep = list->ndirs < sizeof list->dirs / sizeof *list->dirs;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (skipped_name(de->d_name))
            continue;
        /* a plain file needs no stat; a link counts by what it leads to */
        struct stat st;
        if (de->d_type == DT_REG ||
            (de->d_type != DT_DIR && fstatat(dirfd(dir), de->d_name, &st, 0) == 0 &&
             S_ISREG(st.st_mode)))
            list_put(list, de->d_name, path_join(dir_path, de->d_name), keep ? dirfd(dir) : -1);
    }
    if (keep)
        list->dirs[list->ndirs++] = dir;
    else
        closedir(dir);
    return 0;
}

/* Walks the queue from lowest to highest priority, as the original does:
 * a file replaces all found so far, a directory drops an earlier whole
 * file and merges its fragments. */
static int collect_fragments(const char *template_path, const char *const *queue, size_t nqueue,
                             struct fragment_list *list, esm_err *err)
{
    int saw_dir = 0;
    const char *whole_name = base_name(template_path);
    for (size_t q = nqueue; q > 0; q--) {
        char *source = esm_xasprintf("%s%s", queue[q - 1], template_path);
        char *path = esm_path_dup(source);
        free(source);
        struct stat st;
        if (stat(path, &st) < 0) {
            free(path);
            continue;
        }
        if (S_ISREG(st.st_mode)) {
            list_clear(list);
            list_put(list, whole_name, path, -1);
        } else if (S_ISDIR(st.st_mode)) {
            saw_dir = 1;
            list_remove(list, whole_name);
            int rc = merge_directory(list, path, err);
            free(path);
            if (rc < 0)
                return -1;
        } else {
            free(path);
        }
    }
    if (list->len == 0)
        return esm_err_set(err, ESM_E_NOTFOUND, "No templates were found for %s", template_path);
    int has_begin = 0;
    for (size_t i = 0; i < list->len; i++)
        if (strcmp(list->items[i].name, "template-begin") == 0)
            has_begin = 1;
    if (saw_dir && !has_begin)
        list_put(list, "template-begin", esm_path_dup(DEFAULT_BEGIN), -1);
    qsort(list->items, list->len, sizeof *list->items, fragment_cmp);
    return 0;
}

/* ---- reading ---- */

/* Reads all of an open regular file. A read returning less than asked
 * is the end of a regular file (POSIX), so a fragment takes one read
 * call, not two. */
static int read_all(int fd, const char *shown, esm_buf *out, esm_err *err)
{
    char chunk[16384];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return esm_err_sys(err, errno, "cannot read %s", shown);
        }
        if (n == 0)
            return 0;
        esm_buf_append(out, chunk, (size_t)n);
        if ((size_t)n < sizeof chunk)
            return 0;
    }
}

/* Reads a fragment. Fragments may be symlinks (packages share fragments
 * that way), but must end at a regular file. *mode_out gets its mode so
 * the caller can warn about group/other-writable templates. */
static int read_fragment(const struct fragment *f, esm_buf *out, mode_t *mode_out, esm_err *err)
{
    const char *shown = esm_path_unroot(f->path);
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
    int fd = f->dirfd >= 0 ? openat(f->dirfd, f->name, flags) : open(f->path, flags);
    if (fd < 0) {
        if (errno == ENOENT && strcmp(shown, DEFAULT_BEGIN) == 0) {
            *mode_out = 0;
            return 0; /* a missing default begin is as empty as a zero-length one */
        }
        return esm_err_sys(err, errno, "cannot open template fragment %s", shown);
    }
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) < 0)
        rc = esm_err_sys(err, errno, "cannot stat %s", shown);
    else if (!S_ISREG(st.st_mode))
        rc = esm_err_set(err, ESM_E_INVALID, "template fragment %s is not a regular file", shown);
    else
        rc = read_all(fd, shown, out, err);
    if (rc == 0)
        *mode_out = st.st_mode;
    close(fd);
    return rc;
}

/* ---- rendering ---- */

/* The original's $SIG{__WARN__} prints "WARNING in FRAGMENT: $_[0]", and
 * Perl's warn text always ends in one newline that the line ends with. */
static void forward_warning(void *ctx, const char *filename, const char *msg)
{
    struct run *run = ctx;
    run->warnings++;
    size_t n = strlen(msg);
    if (n > 0 && msg[n - 1] == '\n')
        n--;
    emit(run, ESM_EXPAND_WARNING, "WARNING in %s: %.*s", filename, (int)n, msg);
}

/* The original's BROKEN handler: the error without its trailing newlines,
 * the line of the block's opening brace, one count per failed block. */
static void report_broken(void *ctx, const char *filename, int block_line, const char *error)
{
    struct run *run = ctx;
    size_t n = strlen(error);
    while (n > 0 && error[n - 1] == '\n')
        n--;
    run->broken++;
    emit(run, ESM_EXPAND_ERROR,
         "ERROR in %s: Program fragment delivered error <<%.*s>> at template line %d", filename,
         (int)n, error, block_line);
}

/* A fragment that could not be split into blocks (unbalanced braces): the
 * engine locates it as "FILE:LINE:COL: text". */
static void report_fragment_error(struct run *run, const char *shown, const char *msg)
{
    size_t flen = strlen(shown);
    long line = 0;
    if (strncmp(msg, shown, flen) == 0 && msg[flen] == ':')
        line = strtol(msg + flen + 1, NULL, 10);
    run->broken++;
    if (line > 0)
        emit(run, ESM_EXPAND_ERROR,
             "ERROR in %s: Program fragment delivered error <<%s>> at template line %ld", shown,
             msg, line);
    else
        emit(run, ESM_EXPAND_ERROR, "ERROR in %s: Program fragment delivered error <<%s>>", shown,
             msg);
}

/* Renders every fragment in order into text; reports each failing block.
 * Returns the number of failed blocks, or -1 when a fragment could not be
 * read at all. */
static long render_all(struct run *run, const struct fragment_list *list, esm_tmpl_env *env,
                       esm_buf *text, esm_err *err)
{
    esm_buf src = ESM_BUF_INIT;
    esm_tmpl_env_on_broken(env, report_broken, run);
    long rc = 0;
    for (size_t i = 0; i < list->len; i++) {
        const char *shown = esm_path_unroot(list->items[i].path);
        mode_t mode = 0;
        esm_buf_reset(&src);
        if (read_fragment(&list->items[i], &src, &mode, err) < 0) {
            rc = -1;
            break;
        }
        if (src.len == 0)
            continue; /* as Text::Template, which refuses empty files */
        if (mode & (S_IWGRP | S_IWOTH))
            emit(run, ESM_EXPAND_WARNING,
                 "WARNING: template fragment %s is writable by group or others", shown);
        esm_err ferr;
        esm_err_clear(&ferr);
        long before = run->broken;
        if (esm_tmpl_render(env, src.data, src.len, shown, text, &ferr) < 0 &&
            run->broken == before)
            report_fragment_error(run, shown, ferr.msg);
    }
    esm_tmpl_env_on_broken(env, NULL, NULL);
    esm_buf_free(&src);
    return rc < 0 ? -1 : run->broken;
}

/* ---- writing ---- */

/* "user" or a number; an unknown one falls back to root with a warning,
 * as in the original. */
static uid_t resolve_user(struct run *run, const char *name)
{
    char *end;
    unsigned long n = strtoul(name, &end, 10);
    struct passwd *pw = (*name && *end == '\0') ? getpwuid((uid_t)n) : getpwnam(name);
    if (pw == NULL) {
        emit(run, ESM_EXPAND_WARNING, "WARNING: Invalid user: %s, defaulting to 'root' user (0).",
             name);
        return 0;
    }
    return pw->pw_uid;
}

static gid_t resolve_group(struct run *run, const char *name)
{
    char *end;
    unsigned long n = strtoul(name, &end, 10);
    struct group *gr = (*name && *end == '\0') ? getgrgid((gid_t)n) : getgrnam(name);
    if (gr == NULL) {
        emit(run, ESM_EXPAND_WARNING, "WARNING: Invalid group: %s, defaulting to 'root' group (0).",
             name);
        return 0;
    }
    return gr->gr_gid;
}

/* The target's directory, opened once: every later step is relative to
 * it, so a directory swapped in the meantime cannot redirect the write. */
struct target {
    char *path;  /* rooted */
    char *shown; /* server path for messages */
    char *base;
    int dirfd;
    int fd; /* the target as target_read read it (-1: not read) */
    int exists;
    struct stat st;
    esm_buf old; /* current content when it exists */
};

static void target_free(struct target *t)
{
    free(t->path);
    free(t->shown);
    free(t->base);
    if (t->dirfd >= 0)
        close(t->dirfd);
    if (t->fd >= 0)
        close(t->fd);
    esm_buf_free(&t->old);
}

/* Opens the target's directory dir (rooted; shown is the target's server
 * path, for messages). A directory on the way may be a symlink root made
 * (SME has /service -> /var/service), but not one owned by another user:
 * whoever owns a directory could plant it there to send root's write
 * elsewhere. And wherever the links lead, the directory opened must lie
 * inside $ESMITH_ROOT. Returns the fd, or -1. */
static int open_target_dir(const char *dir, const char *shown, esm_err *err)
{
    size_t root_len = strlen(esm_root());
    char *walk = esm_xstrdup(dir);
    for (char *p = walk + root_len + 1; *p != '\0'; p++) {
        if (p[1] != '/' && p[1] != '\0')
            continue;
        char saved = p[1];
        p[1] = '\0';
        struct stat st;
        if (lstat(walk, &st) == 0 && S_ISLNK(st.st_mode) && st.st_uid != 0 &&
            st.st_uid != geteuid()) {
            esm_err_set(err, ESM_E_INVALID,
                        "%s: directory %s is a symbolic link owned by uid %ld: refused", shown,
                        esm_path_unroot(walk), (long)st.st_uid);
            free(walk);
            return -1;
        }
        p[1] = saved;
    }
    free(walk);
    int fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return esm_err_sys(err, errno, "cannot open the directory of %s", shown);
    if (root_len == 0)
        return fd;
    /* Where the directory really is: the fd's own path, so a link
     * swapped after the walk above cannot fool the check. */
    char proc[64], real[PATH_MAX];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(proc, real, sizeof real - 1);
    char *root = realpath(esm_root(), NULL);
    int inside = 0;
    if (n > 0 && root != NULL) {
        real[n] = '\0';
        size_t rl = strlen(root);
        inside = strncmp(real, root, rl) == 0 && (real[rl] == '/' || real[rl] == '\0');
    }
    free(root);
    if (!inside) {
        close(fd);
        return esm_err_set(err, ESM_E_INVALID,
                           "%s: its directory leads outside $ESMITH_ROOT%s%s: refused", shown,
                           n > 0 ? " to " : "", n > 0 ? real : "");
    }
    return fd;
}

static int target_open(struct target *t, const char *server_path, esm_err *err)
{
    t->dirfd = -1;
    t->fd = -1;
    t->exists = 0;
    t->old = (esm_buf)ESM_BUF_INIT;
    t->shown = esm_xstrdup(server_path);
    t->path = esm_path_dup(server_path);
    const char *slash = strrchr(t->path, '/');
    t->base = esm_xstrdup(slash + 1);
    char *dir = esm_xstrndup(t->path, (size_t)(slash - t->path));
    t->dirfd = open_target_dir(dir, t->shown, err);
    free(dir);
    if (t->dirfd < 0)
        return -1;
    if (fstatat(t->dirfd, t->base, &t->st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return 0;
        return esm_err_sys(err, errno, "cannot stat %s", t->shown);
    }
    if (S_ISDIR(t->st.st_mode))
        return esm_err_set(err, ESM_E_INVALID, "Could not expand %s template - it is a directory",
                           t->shown);
    if (S_ISLNK(t->st.st_mode))
        return esm_err_set(err, ESM_E_INVALID,
                           "%s is a symbolic link: refusing to follow or replace it", t->shown);
    if (!S_ISREG(t->st.st_mode))
        return esm_err_set(err, ESM_E_INVALID, "%s is not a regular file: refused", t->shown);
    t->exists = 1;
    return 0;
}

/* Reads the current target through the directory handle, refusing a link
 * planted since target_open. The file stays open (t->fd), so that what is
 * done to an unchanged target is done to the file whose text was compared. */
static int target_read(struct target *t, esm_err *err)
{
    int fd = openat(t->dirfd, t->base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return esm_err_sys(err, errno, "cannot open %s", t->shown);
    struct stat st;
    int rc;
    if (fstat(fd, &st) < 0)
        rc = esm_err_sys(err, errno, "cannot stat %s", t->shown);
    else if (!S_ISREG(st.st_mode))
        rc = esm_err_set(err, ESM_E_INVALID, "%s is not a regular file: refused", t->shown);
    else
        rc = read_all(fd, t->shown, &t->old, err);
    if (rc == 0) {
        t->st = st;
        t->fd = fd;
    } else {
        close(fd);
    }
    return rc;
}

#define TEMP_RANDOM 16
static const char temp_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";

/* "." base ".esmith-": what every temporary file of this target starts
 * with. The base is shortened so the whole name fits NAME_MAX. */
static char *temp_prefix(const char *base)
{
    int keep = (int)strlen(base);
    if (keep > NAME_MAX - 40)
        keep = NAME_MAX - 40;
    return esm_xasprintf(".%.*s.esmith-", keep, base);
}

/* A name nobody can guess in advance: the prefix and TEMP_RANDOM random
 * characters. */
static char *temp_name(const char *base, esm_err *err)
{
    unsigned char rnd[TEMP_RANDOM];
    size_t got = 0;
    while (got < sizeof rnd) {
        ssize_t n = getrandom(rnd + got, sizeof rnd - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            esm_err_sys(err, errno, "getrandom");
            return NULL;
        }
        got += (size_t)n;
    }
    char suffix[sizeof rnd + 1];
    for (size_t i = 0; i < sizeof rnd; i++)
        suffix[i] = temp_alphabet[rnd[i] % (sizeof temp_alphabet - 1)];
    suffix[sizeof rnd] = '\0';
    char *prefix = temp_prefix(base);
    char *name = esm_xasprintf("%s%s", prefix, suffix);
    free(prefix);
    return name;
}

/* Whether name is one of our temporary files for this target. */
static int is_temp_of(const char *name, const char *prefix, size_t prefix_len)
{
    if (strncmp(name, prefix, prefix_len) != 0 || strlen(name + prefix_len) != TEMP_RANDOM)
        return 0;
    return strspn(name + prefix_len, temp_alphabet) == TEMP_RANDOM;
}

/* An expansion killed (SIGKILL, power cut) between creating its temporary
 * file and the rename leaves the file behind, and every such crash would
 * add one in /etc. A live expansion holds an flock on its temporary file
 * from creation to rename (see target_replace), so one we can lock belongs
 * to a process that is gone: remove it, after checking that the name still
 * names the file we locked. Best effort: nothing here fails the expansion. */
static void remove_stale_temps(const struct target *t)
{
    int fd = openat(t->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd < 0 ? NULL : fdopendir(fd);
    if (dir == NULL) {
        if (fd >= 0)
            close(fd);
        return;
    }
    char *prefix = temp_prefix(t->base);
    size_t prefix_len = strlen(prefix);
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        struct stat held, named;
        if (!is_temp_of(de->d_name, prefix, prefix_len) ||
            fstatat(t->dirfd, de->d_name, &named, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISREG(named.st_mode))
            continue;
        int tfd = openat(t->dirfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (tfd < 0)
            continue;
        if (fstat(tfd, &held) == 0 && S_ISREG(held.st_mode) && flock(tfd, LOCK_EX | LOCK_NB) == 0 &&
            fstatat(t->dirfd, de->d_name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
            named.st_dev == held.st_dev && named.st_ino == held.st_ino)
            unlinkat(t->dirfd, de->d_name, 0);
        close(tfd);
    }
    free(prefix);
    closedir(dir);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Gives the open regular file fd (st: its fstat) owner uid:gid and mode,
 * changing only what differs. NULL, or the step that failed (errno set). */
static const char *fd_set_owner_mode(int fd, const struct stat *st, uid_t uid, gid_t gid,
                                     mode_t mode)
{
    if ((st->st_uid != uid || st->st_gid != gid) && fchown(fd, uid, gid) < 0)
        return "cannot set the owner of";
    if ((st->st_mode & 07777) != mode && fchmod(fd, mode) < 0)
        return "cannot set the mode of";
    return NULL;
}

/* Writes text to a fresh temporary file beside the target, sets owner and
 * mode, syncs it and renames it over the target. On failure the temporary
 * file is removed and the target untouched. */
static int target_replace(struct target *t, const esm_buf *text, uid_t uid, gid_t gid, mode_t mode,
                          esm_err *err)
{
    int fd = -1;
    char *tmp = NULL;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        free(tmp);
        tmp = temp_name(t->base, err);
        if (tmp == NULL)
            return -1;
        fd = openat(t->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            esm_err_sys(err, errno, "cannot create a temporary file beside %s", t->shown);
            free(tmp);
            return -1;
        }
        /* Held until the rename: marks the file as in use for
         * remove_stale_temps() of another expansion, which may have removed
         * it in the moment before the lock: then take a new one. */
        struct stat held, named;
        if (fd >= 0 && (flock(fd, LOCK_EX) < 0 || fstat(fd, &held) < 0 ||
                        fstatat(t->dirfd, tmp, &named, AT_SYMLINK_NOFOLLOW) < 0 ||
                        named.st_dev != held.st_dev || named.st_ino != held.st_ino)) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        esm_err_set(err, ESM_E_FAIL, "cannot create a temporary file beside %s", t->shown);
        free(tmp);
        return -1;
    }
    const char *step = NULL;
    struct stat st;
    if (write_all(fd, esm_buf_str(text), text->len) < 0)
        step = "cannot write";
    else if (fstat(fd, &st) < 0)
        step = "cannot stat";
    else
        step = fd_set_owner_mode(fd, &st, uid, gid, mode);
    if (step == NULL && fsync(fd) < 0)
        step = "cannot sync";
    int saved = errno;
    /* Renamed while still open: the lock must cover the rename. The data is
     * synced, so a close error afterwards cannot lose any of it. */
    if (step == NULL && renameat(t->dirfd, tmp, t->dirfd, t->base) < 0) {
        step = "cannot rename the temporary file over";
        saved = errno;
    }
    if (step != NULL)
        unlinkat(t->dirfd, tmp, 0);
    close(fd);
    if (step != NULL)
        esm_err_sys(err, saved, "%s %s", step, t->shown);
    free(tmp);
    return step ? -1 : 0;
}

/* Gives an unchanged target the owner and mode it should have, through
 * the file target_read read (no name looked up again, so nothing planted
 * since is touched); nothing is done when they are right already. */
static int target_set_owner_mode(const struct target *t, uid_t uid, gid_t gid, mode_t mode,
                                 esm_err *err)
{
    const char *step = fd_set_owner_mode(t->fd, &t->st, uid, gid, mode);
    return step ? esm_err_sys(err, errno, "%s %s", step, t->shown) : 0;
}

/* rpm leaves these beside config files it did not overwrite; the
 * expanded file supersedes them. */
static void remove_rpm_leftovers(const struct target *t)
{
    static const char *const suffixes[] = {".rpmsave", ".rpmnew", NULL};
    for (size_t i = 0; suffixes[i]; i++) {
        char *name = esm_xasprintf("%s%s", t->base, suffixes[i]);
        unlinkat(t->dirfd, name, 0);
        free(name);
    }
}

/* ---- the whole expansion ---- */

static void set_more_data(esm_tmpl_env *env, char **pairs)
{
    for (size_t i = 0; pairs && pairs[i] && pairs[i + 1]; i += 2)
        esm_tmpl_env_set_scalar(env, pairs[i], pairs[i + 1]);
}

static int expand_delete(struct target *t, const struct esm_expand_opts *opts, esm_buf *diff_out,
                         esm_err *err)
{
    if (!t->exists)
        return ESM_EXPAND_UNCHANGED;
    if (target_read(t, err) < 0)
        return -1;
    if (diff_out)
        esm_udiff(esm_buf_str(&t->old), t->old.len, "", 0, t->shown, "/dev/null", diff_out);
    if (opts->dry_run)
        return ESM_EXPAND_CHANGED;
    if (unlinkat(t->dirfd, t->base, 0) < 0 && errno != ENOENT)
        return esm_err_sys(err, errno, "cannot remove %s", t->shown);
    return ESM_EXPAND_CHANGED;
}

int esm_expand(const char *path, const struct esm_expand_opts *opts, esm_db *config,
               esm_tmpl_env *env_or_NULL, esm_buf *diff_out, esm_err *err)
{
    static const struct esm_expand_opts defaults;
    if (opts == NULL)
        opts = &defaults;
    struct run run = {opts, 0, 0};
    if (esm_expand_check_path(path, "template path", err) < 0)
        return -1;

    esm_meta meta = ESM_META_INIT;
    if (esm_meta_load(&meta, path, err) < 0) {
        esm_meta_free(&meta);
        return -1;
    }
    for (size_t i = 0; meta.unknown_keys && meta.unknown_keys[i]; i++)
        emit(&run, ESM_EXPAND_WARNING,
             "WARNING: Unknown parameter '%s' in templates.metadata for %s", meta.unknown_keys[i],
             path);
    const char *template_path = meta.template_path ? meta.template_path : path;
    const char *output = meta.output_filename    ? meta.output_filename
                         : opts->output_filename ? opts->output_filename
                                                 : path;
    int rc = -1;
    struct target t = {NULL, NULL, NULL, -1, -1, 0, {0}, ESM_BUF_INIT};
    struct fragment_list list = {NULL, 0, 0, {NULL, NULL}, 0};
    esm_buf text = ESM_BUF_INIT;
    esm_tmpl_env *env = env_or_NULL;
    if (esm_expand_check_path(template_path, "TEMPLATE_PATH", err) < 0 ||
        esm_expand_check_path(output, "output file", err) < 0 || target_open(&t, output, err) < 0)
        goto out;
    if (meta.delete_output) {
        rc = expand_delete(&t, opts, diff_out, err);
        goto out;
    }

    const char *default_queue[] = {TEMPLATES_CUSTOM, TEMPLATES};
    const char *one_queue[] = {opts->expand_queue};
    if (opts->expand_queue ? collect_fragments(template_path, one_queue, 1, &list, err) < 0
                           : collect_fragments(template_path, default_queue, 2, &list, err) < 0)
        goto out;

    if (env == NULL) {
        env = esm_tmpl_env_new(config);
        esm_tmpl_env_on_warning(env, forward_warning, &run);
        if (opts->event)
            esm_tmpl_env_set_scalar(env, "EVENT", opts->event);
    }
    set_more_data(env, meta.more_data);
    esm_db_read_begin(config); /* one lock for every record the fragments read */
    long failed = render_all(&run, &list, env, &text, err);
    esm_db_read_end(config);
    if (failed < 0)
        goto out;
    if (failed > 0) {
        char warned[64] = "";
        if (run.warnings > 0)
            snprintf(warned, sizeof warned, " %zu fragment%s generated warnings,", run.warnings,
                     run.warnings == 1 ? "" : "s");
        esm_err_set(err, ESM_E_FAIL,
                    "Template processing failed for %s:%s %ld fragment%s generated errors", output,
                    warned, failed, failed == 1 ? "" : "s");
        goto out;
    }
    if (run.warnings > 0)
        emit(&run, ESM_EXPAND_WARNING,
             "WARNING: Template processing succeeded for %s: %zu fragment%s generated warnings",
             output, run.warnings, run.warnings == 1 ? "" : "s");

    /* The metadata's owner and mode, else root:root 0644, as the original's
     * processTemplate applies them; the CLI passes an existing target's own
     * instead (keep_owner_mode). The default owner is root, who runs this
     * on a server; anyone else (a test under $ESMITH_ROOT) cannot give
     * files away and keeps them. */
    uid_t uid = geteuid() == 0 ? 0 : geteuid();
    gid_t gid = geteuid() == 0 ? 0 : getegid();
    mode_t mode = 0644;
    if (t.exists && target_read(&t, err) < 0)
        goto out;
    if (t.exists && opts->keep_owner_mode) {
        uid = t.st.st_uid;
        gid = t.st.st_gid;
        mode = t.st.st_mode & 07777;
    } else {
        if (meta.uid)
            uid = resolve_user(&run, meta.uid);
        if (meta.gid)
            gid = resolve_group(&run, meta.gid);
        if (meta.perms)
            mode = (mode_t)esm_meta_perms(meta.perms);
    }
    if (diff_out)
        esm_udiff(esm_buf_str(&t.old), t.old.len, esm_buf_str(&text), text.len,
                  t.exists ? t.shown : "/dev/null", t.shown, diff_out);
    if (t.exists && t.old.len == text.len &&
        memcmp(esm_buf_str(&t.old), esm_buf_str(&text), text.len) == 0) {
        rc = ESM_EXPAND_UNCHANGED;
        if (!opts->dry_run) {
            if (target_set_owner_mode(&t, uid, gid, mode, err) < 0) {
                rc = -1;
                goto out;
            }
            remove_rpm_leftovers(&t);
            remove_stale_temps(&t);
        }
        goto out;
    }
    rc = ESM_EXPAND_CHANGED;
    if (opts->dry_run)
        goto out;
    if (target_replace(&t, &text, uid, gid, mode, err) < 0) {
        rc = -1;
        goto out;
    }
    remove_rpm_leftovers(&t);
    remove_stale_temps(&t);
out:
    if (env != NULL && env != env_or_NULL)
        esm_tmpl_env_free(env);
    esm_buf_free(&text);
    list_free(&list);
    target_free(&t);
    esm_meta_free(&meta);
    return rc;
}
