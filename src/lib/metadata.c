#include "metadata.h"

#include "buf.h"
#include "paths.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A cursor over one value expression. */
struct lit {
    const char *p;
    const char *end;
    const char *where;
    const char *key;
    esm_err *err;
};

/* Largest metadata file or value we read: real ones are a few bytes. */
#define META_MAX_BYTES (64 * 1024)

static int lit_fail(struct lit *l, const char *what)
{
    return esm_err_set(l->err, ESM_E_INVALID, "%s: %s: %s", l->where, l->key, what);
}

/* Whitespace and Perl comments between tokens. */
static void skip_space(struct lit *l)
{
    while (l->p < l->end) {
        if (isspace((unsigned char)*l->p)) {
            l->p++;
        } else if (*l->p == '#') {
            while (l->p < l->end && *l->p != '\n')
                l->p++;
        } else {
            break;
        }
    }
}

static int is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Integer literals as Perl reads them: 0x.., 0b.., a leading 0 means
 * octal, '_' separators. The value is kept as Perl would print it. */
static int parse_number(struct lit *l, char **out)
{
    int negative = 0;
    if (*l->p == '-' || *l->p == '+') {
        negative = *l->p == '-';
        l->p++;
    }
    if (l->p >= l->end || !isdigit((unsigned char)*l->p))
        return lit_fail(l, "not a literal value (esmith-c accepts numbers and quoted strings)");
    int base = 10;
    if (*l->p == '0' && l->p + 1 < l->end && (l->p[1] == 'x' || l->p[1] == 'X')) {
        base = 16;
        l->p += 2;
    } else if (*l->p == '0' && l->p + 1 < l->end && (l->p[1] == 'b' || l->p[1] == 'B')) {
        base = 2;
        l->p += 2;
    } else if (*l->p == '0') {
        base = 8;
    }
    unsigned long long value = 0;
    int digits = 0;
    for (; l->p < l->end && (is_word_char(*l->p) || *l->p == '.'); l->p++) {
        char c = *l->p;
        if (c == '_')
            continue;
        int d;
        if (isdigit((unsigned char)c))
            d = c - '0';
        else if (base == 16 && isxdigit((unsigned char)c))
            d = tolower((unsigned char)c) - 'a' + 10;
        else
            return lit_fail(l, "only integer literals are supported");
        if (d >= base)
            return lit_fail(l, "illegal digit in number");
        if (value > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
            return lit_fail(l, "number out of range");
        value = value * (unsigned)base + (unsigned)d;
        digits++;
    }
    if (digits == 0)
        return lit_fail(l, "number without digits");
    if (value > LLONG_MAX)
        return lit_fail(l, "number out of range");
    *out = esm_xasprintf("%s%llu", negative && value ? "-" : "", value);
    return 0;
}

/* 'text': only \\ and \' are escapes, as in Perl. */
static int parse_single_quoted(struct lit *l, char **out)
{
    esm_buf b = ESM_BUF_INIT;
    for (l->p++; l->p < l->end && *l->p != '\''; l->p++) {
        if (*l->p == '\\' && l->p + 1 < l->end && (l->p[1] == '\\' || l->p[1] == '\''))
            l->p++;
        esm_buf_putc(&b, *l->p);
    }
    if (l->p >= l->end) {
        esm_buf_free(&b);
        return lit_fail(l, "unterminated string");
    }
    l->p++;
    *out = esm_buf_steal(&b);
    return 0;
}

/* "text": the usual escapes; interpolation would need Perl variables we do
 * not have at this point, so "$x" and "@x" are refused. */
static int parse_double_quoted(struct lit *l, char **out)
{
    esm_buf b = ESM_BUF_INIT;
    for (l->p++; l->p < l->end && *l->p != '"'; l->p++) {
        char c = *l->p;
        if (c == '\\' && l->p + 1 < l->end) {
            c = *++l->p;
            switch (c) {
            case 'n':
                c = '\n';
                break;
            case 't':
                c = '\t';
                break;
            case 'r':
                c = '\r';
                break;
            case 'e':
                c = 033;
                break;
            case '0':
                c = '\0';
                break;
            default:
                break; /* \\ \" \$ \@ and unknown escapes: the character itself */
            }
        } else if ((c == '$' || c == '@') && l->p + 1 < l->end &&
                   (is_word_char(l->p[1]) || l->p[1] == '{' || l->p[1] == ':' ||
                    (c == '$' && l->p[1] == '$'))) {
            esm_buf_free(&b);
            return lit_fail(l, "variable interpolation in a string is not a literal value");
        }
        esm_buf_putc(&b, c);
    }
    if (l->p >= l->end) {
        esm_buf_free(&b);
        return lit_fail(l, "unterminated string");
    }
    l->p++;
    *out = esm_buf_steal(&b);
    return 0;
}

/* One scalar literal; *out stays NULL for undef. */
static int parse_scalar(struct lit *l, char **out)
{
    *out = NULL;
    skip_space(l);
    if (l->p >= l->end)
        return lit_fail(l, "missing value");
    char c = *l->p;
    if (c == '\'')
        return parse_single_quoted(l, out);
    if (c == '"')
        return parse_double_quoted(l, out);
    if (isdigit((unsigned char)c) || c == '-' || c == '+')
        return parse_number(l, out);
    if ((size_t)(l->end - l->p) >= 5 && memcmp(l->p, "undef", 5) == 0 &&
        (l->p + 5 == l->end || !is_word_char(l->p[5]))) {
        l->p += 5;
        return 0;
    }
    return lit_fail(l, "not a literal value (the original evaluates Perl here; esmith-c "
                       "accepts numbers, quoted strings and undef)");
}

/* MORE_DATA's literal hash: { name => value, ... } (',' works like '=>'). */
static int parse_hash(struct lit *l, char ***out)
{
    size_t n = 0;
    char **pairs = esm_xcalloc(1, sizeof *pairs);
    l->p++; /* '{' */
    for (;;) {
        skip_space(l);
        if (l->p < l->end && *l->p == '}') {
            l->p++;
            break;
        }
        char *name = NULL;
        if (l->p < l->end && (isalpha((unsigned char)*l->p) || *l->p == '_')) {
            const char *start = l->p;
            while (l->p < l->end && is_word_char(*l->p))
                l->p++;
            name = esm_xstrndup(start, (size_t)(l->p - start));
        } else if (l->p < l->end && (*l->p == '\'' || *l->p == '"')) {
            if (parse_scalar(l, &name) < 0)
                goto fail;
        } else {
            lit_fail(l, "expected a name in { name => value, ... }");
            goto fail;
        }
        skip_space(l);
        if (l->p + 1 < l->end && l->p[0] == '=' && l->p[1] == '>') {
            l->p += 2;
        } else if (l->p < l->end && *l->p == ',') {
            l->p++;
        } else {
            free(name);
            lit_fail(l, "expected => after a name in { name => value, ... }");
            goto fail;
        }
        char *value;
        if (parse_scalar(l, &value) < 0) {
            free(name);
            goto fail;
        }
        pairs = esm_xrealloc(pairs, (n + 3) * sizeof *pairs);
        pairs[n++] = name;
        pairs[n++] = value ? value : esm_xstrdup("");
        pairs[n] = NULL;
        skip_space(l);
        if (l->p < l->end && *l->p == ',') {
            l->p++;
            continue;
        }
        if (l->p < l->end && *l->p == '}') {
            l->p++;
            break;
        }
        lit_fail(l, "expected , or } in { name => value, ... }");
        goto fail;
    }
    *out = pairs;
    return 0;
fail:
    for (size_t i = 0; pairs[i]; i++)
        free(pairs[i]);
    free(pairs);
    return -1;
}

/* Nothing but whitespace, comments and ';' may follow a value. */
static int expect_end(struct lit *l)
{
    skip_space(l);
    while (l->p < l->end && *l->p == ';') {
        l->p++;
        skip_space(l);
    }
    if (l->p < l->end)
        return lit_fail(l, "unexpected text after the value (esmith-c accepts one literal)");
    return 0;
}

static void strv_free(char **v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; v[i]; i++)
        free(v[i]);
    free(v);
}

static void replace(char **slot, char *value)
{
    free(*slot);
    *slot = value;
}

/* Perl truth of a stringified scalar: undef, "" and "0" are false. */
static int perl_true(const char *s)
{
    return s != NULL && s[0] != '\0' && strcmp(s, "0") != 0;
}

/* Keys processTemplate knows but that make no sense as literal metadata
 * (or need Perl code): refused rather than silently ignored. */
static const char *const refused_keys[] = {"CONFREF",     "TEMPLATE_EXPAND_QUEUE",  "OUTPUT_PREFIX",
                                           "OUTPUT_TYPE", "ALL_RECORDS_AS_SCALARS", NULL};

int esm_meta_set(esm_meta *meta, const char *key, const char *expr, size_t len, const char *where,
                 esm_err *err)
{
    struct lit l = {expr, expr + len, where, key, err};
    skip_space(&l);
    if (strcmp(key, "MORE_DATA") == 0) {
        char **pairs = NULL;
        if (l.p < l.end && *l.p == '{') {
            if (parse_hash(&l, &pairs) < 0)
                return -1;
        } else {
            char *value;
            if (parse_scalar(&l, &value) < 0)
                return -1;
            if (value != NULL) {
                free(value);
                return lit_fail(&l, "only a literal { name => 'value', ... } is supported");
            }
        }
        if (expect_end(&l) < 0) {
            strv_free(pairs);
            return -1;
        }
        strv_free(meta->more_data);
        meta->more_data = pairs;
        return 0;
    }
    char *value;
    if (parse_scalar(&l, &value) < 0)
        return -1;
    if (expect_end(&l) < 0) {
        free(value);
        return -1;
    }
    if (strcmp(key, "UID") == 0) {
        replace(&meta->uid, value);
    } else if (strcmp(key, "GID") == 0) {
        replace(&meta->gid, value);
    } else if (strcmp(key, "PERMS") == 0) {
        if (value != NULL && esm_meta_perms(value) < 0) {
            free(value);
            return lit_fail(&l, "not a file mode (octal with a leading 0, at most 07777)");
        }
        replace(&meta->perms, value);
    } else if (strcmp(key, "TEMPLATE_PATH") == 0) {
        replace(&meta->template_path, value);
    } else if (strcmp(key, "OUTPUT_FILENAME") == 0) {
        replace(&meta->output_filename, value);
    } else if (strcmp(key, "DELETE") == 0) {
        meta->delete_output = perl_true(value);
        free(value);
    } else if (strcmp(key, "FILTER") == 0) {
        if (value != NULL) {
            free(value);
            return lit_fail(&l, "a FILTER is Perl code, which esmith-c does not run");
        }
    } else {
        free(value);
        for (size_t i = 0; refused_keys[i]; i++)
            if (strcmp(key, refused_keys[i]) == 0)
                return lit_fail(&l, "not supported in templates.metadata by esmith-c");
        size_t n = 0;
        while (meta->unknown_keys && meta->unknown_keys[n])
            n++;
        meta->unknown_keys = esm_xrealloc(meta->unknown_keys, (n + 2) * sizeof(char *));
        meta->unknown_keys[n] = esm_xstrdup(key);
        meta->unknown_keys[n + 1] = NULL;
    }
    return 0;
}

/* Keys are trimmed: "PERMS = 0640" means PERMS, whatever the original
 * made of the space. */
int esm_meta_parse_lines(esm_meta *meta, const char *text, size_t len, const char *filename,
                         esm_err *err)
{
    const char *end = text + len;
    size_t lineno = 0;
    for (const char *line = text; line < end;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (eol == NULL)
            eol = end;
        lineno++;
        const char *p = line;
        while (p < eol && isspace((unsigned char)*p))
            p++;
        if (p < eol && *p != '#') {
            const char *eq = memchr(p, '=', (size_t)(eol - p));
            if (eq == NULL || eq == p)
                return esm_err_set(err, ESM_E_INVALID, "%s:%zu: expected KEY=value", filename,
                                   lineno);
            const char *kend = eq;
            while (kend > p && isspace((unsigned char)kend[-1]))
                kend--;
            char *key = esm_xstrndup(p, (size_t)(kend - p));
            char *where = esm_xasprintf("%s:%zu", filename, lineno);
            int rc = esm_meta_set(meta, key, eq + 1, (size_t)(eol - eq - 1), where, err);
            free(where);
            free(key);
            if (rc < 0)
                return -1;
        }
        line = eol + 1;
    }
    return 0;
}

/* Reads a whole small file through an fd already opened. */
static int read_fd(int fd, const char *shown, esm_buf *out, esm_err *err)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return esm_err_sys(err, errno, "%s: cannot read", shown);
        }
        if (n == 0)
            return 0;
        if (out->len + (size_t)n > META_MAX_BYTES)
            return esm_err_set(err, ESM_E_INVALID, "%s: too large for a metadata file", shown);
        esm_buf_append(out, chunk, (size_t)n);
    }
}

/* Directory form: one file per key, its whole content the value. As in
 * the original, the key is the leading word characters of the name and
 * sub-directories are skipped; names are taken in byte order so a
 * duplicate key resolves the same way every time. */
static int load_dir(esm_meta *meta, int dirfd, const char *shown, esm_err *err)
{
    DIR *dir = fdopendir(dirfd);
    if (dir == NULL) {
        close(dirfd);
        return esm_err_sys(err, errno, "%s: cannot read directory", shown);
    }
    struct dirent **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            names = esm_xrealloc(names, cap * sizeof *names);
        }
        names[count] = esm_xmalloc(sizeof *de);
        memcpy(names[count++], de, sizeof *de);
    }
    int rc = 0;
    for (size_t i = 1; i < count; i++) { /* insertion sort: a handful of names */
        struct dirent *d = names[i];
        size_t j = i;
        for (; j > 0 && strcmp(names[j - 1]->d_name, d->d_name) > 0; j--)
            names[j] = names[j - 1];
        names[j] = d;
    }
    for (size_t i = 0; i < count && rc == 0; i++) {
        const char *name = names[i]->d_name;
        struct stat st;
        if (fstatat(dirfd, name, &st, 0) < 0 || S_ISDIR(st.st_mode))
            continue;
        size_t klen = 0;
        while (name[klen] && is_word_char(name[klen]))
            klen++;
        if (klen == 0)
            continue;
        char *where = esm_xasprintf("%s/%s", shown, name);
        int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            rc = esm_err_sys(err, errno, "%s: cannot open", where);
        } else {
            esm_buf value = ESM_BUF_INIT;
            rc = read_fd(fd, where, &value, err);
            close(fd);
            if (rc == 0) {
                char *key = esm_xstrndup(name, klen);
                rc = esm_meta_set(meta, key, esm_buf_str(&value), value.len, where, err);
                free(key);
            }
            esm_buf_free(&value);
        }
        free(where);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    closedir(dir);
    return rc;
}

int esm_meta_load(esm_meta *meta, const char *template_path, esm_err *err)
{
    char *server = esm_xasprintf("/etc/e-smith/templates.metadata%s%s",
                                 template_path[0] == '/' ? "" : "/", template_path);
    char *path = esm_path_dup(server);
    int rc = 1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0) {
        rc = (errno == ENOENT || errno == ENOTDIR)
                 ? 0
                 : esm_err_sys(err, errno, "%s: cannot open", server);
    } else if (fstat(fd, &st) < 0) {
        rc = esm_err_sys(err, errno, "%s: cannot stat", server);
        close(fd);
    } else if (S_ISDIR(st.st_mode)) {
        if (load_dir(meta, fd, server, err) < 0) /* takes fd */
            rc = -1;
    } else if (!S_ISREG(st.st_mode)) {
        rc = esm_err_set(err, ESM_E_INVALID, "%s: not a regular file or directory", server);
        close(fd);
    } else {
        esm_buf text = ESM_BUF_INIT;
        if (read_fd(fd, server, &text, err) < 0 ||
            esm_meta_parse_lines(meta, esm_buf_str(&text), text.len, server, err) < 0)
            rc = -1;
        esm_buf_free(&text);
        close(fd);
    }
    free(path);
    free(server);
    return rc;
}

long esm_meta_perms(const char *value)
{
    if (value == NULL || value[0] == '\0')
        return -1;
    int base = value[0] == '0' ? 8 : 10;
    char *end;
    errno = 0;
    long mode = strtol(value, &end, base);
    if (errno != 0 || *end != '\0' || mode < 0 || mode > 07777)
        return -1;
    return mode;
}

void esm_meta_free(esm_meta *meta)
{
    free(meta->uid);
    free(meta->gid);
    free(meta->perms);
    free(meta->template_path);
    free(meta->output_filename);
    strv_free(meta->more_data);
    strv_free(meta->unknown_keys);
    *meta = (esm_meta)ESM_META_INIT;
}
