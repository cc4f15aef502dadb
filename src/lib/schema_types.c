/*
 * schema_types.c - what each prop type accepts, and how a refusal reads.
 */
#include "schema_int.h"

#include "lazylib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
    [ESM_SCHEMA_STRING] = "string",     [ESM_SCHEMA_ENUM] = "enum",
    [ESM_SCHEMA_INTEGER] = "integer",   [ESM_SCHEMA_SWITCH] = "switch",
    [ESM_SCHEMA_IPV4] = "ipv4",         [ESM_SCHEMA_IPV6] = "ipv6",
    [ESM_SCHEMA_HOSTNAME] = "hostname", [ESM_SCHEMA_PORT] = "port",
};

static const char *const switch_choices[] = {"enabled", "disabled"};

const char *esm_schema_type_name(enum esm_schema_type t)
{
    return type_names[t];
}

void schema_prop_free(struct esm_schema_prop *p)
{
    if (p == NULL)
        return;
    free(p->name);
    free(p->def);
    free(p->summary);
    free(p->description);
    for (size_t i = 0; i < p->nchoices; i++)
        free(p->choices[i]);
    free(p->choices);
    free(p->regex);
    if (p->code != NULL) /* compiled, so PCRE2 is loaded */
        esm_pcre2(NULL)->code_free(p->code);
    free(p);
}

/* The whole value must match, as in XML Schema patterns: a regex written
 * "[a-z]+" should not let "abc;rm" through because a part matches. */
int schema_prop_compile(struct esm_schema_prop *p, esm_err *err)
{
    const struct esm_pcre2_api *re = esm_pcre2(err);
    if (re == NULL)
        return -1;
    int code;
    PCRE2_SIZE offset;
    p->code = re->compile((PCRE2_SPTR)p->regex, PCRE2_ZERO_TERMINATED,
                          PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &offset, NULL);
    if (p->code == NULL) {
        PCRE2_UCHAR why[256];
        re->get_error_message(code, why, sizeof why);
        return esm_err_set(err, ESM_E_INVALID, "bad regex /%s/ at offset %zu: %s", p->regex,
                           (size_t)offset, (const char *)why);
    }
    return 0;
}

void schema_quote_value(esm_buf *b, const char *value)
{
    static const size_t shown = 60;
    esm_buf_putc(b, '\'');
    size_t i;
    for (i = 0; i < shown && value[i] != '\0'; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == '\n')
            esm_buf_puts(b, "\\n");
        else if (c == '\t')
            esm_buf_puts(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            esm_buf_printf(b, "\\x%02x", c);
        else
            esm_buf_putc(b, (char)c);
    }
    if (value[i] != '\0')
        esm_buf_puts(b, "...");
    esm_buf_putc(b, '\'');
}

/* Decimal integer, optional leading '-', within int64. */
static int parse_integer(const char *s, int64_t *out)
{
    const char *d = s[0] == '-' ? s + 1 : s;
    if (*d == '\0' || strspn(d, "0123456789") != strlen(d))
        return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno != 0)
        return -1;
    *out = v;
    return 0;
}

/* RFC 1123 host name: dot-separated labels of letters, digits and '-',
 * neither starting nor ending with '-', 1-63 bytes each, 253 in all. A
 * single label is fine (SystemName); a trailing dot is not, since the
 * tools that read these values do not expect one. */
static int is_hostname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return 0;
    const char *label = s;
    for (;;) {
        size_t len =
            strspn(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
        if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
            return 0;
        if (label[len] == '\0')
            return 1;
        if (label[len] != '.')
            return 0;
        label += len + 1;
    }
}

static int is_address(int family, const char *s)
{
    unsigned char addr[16];
    return inet_pton(family, s, addr) == 1;
}

size_t esm_schema_choice_count(const esm_schema_prop *p)
{
    if (p->type == ESM_SCHEMA_SWITCH)
        return 2;
    return p->type == ESM_SCHEMA_ENUM ? p->nchoices : 0;
}

const char *esm_schema_choice_at(const esm_schema_prop *p, size_t i)
{
    return p->type == ESM_SCHEMA_SWITCH ? switch_choices[i] : p->choices[i];
}

char *esm_schema_prop_allowed(const esm_schema_prop *p)
{
    esm_buf b = ESM_BUF_INIT;
    switch (p->type) {
    case ESM_SCHEMA_STRING:
        if (p->regex != NULL)
            esm_buf_printf(&b, "text matching /%s/", p->regex);
        else
            esm_buf_puts(&b, "any text");
        break;
    case ESM_SCHEMA_ENUM:
    case ESM_SCHEMA_SWITCH:
        esm_buf_puts(&b, "one of ");
        for (size_t i = 0; i < esm_schema_choice_count(p); i++)
            esm_buf_printf(&b, "%s%s", i ? ", " : "", esm_schema_choice_at(p, i));
        break;
    case ESM_SCHEMA_INTEGER:
        esm_buf_puts(&b, "an integer");
        if (p->has_min && p->has_max)
            esm_buf_printf(&b, " from %lld to %lld", (long long)p->min, (long long)p->max);
        else if (p->has_min)
            esm_buf_printf(&b, " of at least %lld", (long long)p->min);
        else if (p->has_max)
            esm_buf_printf(&b, " of at most %lld", (long long)p->max);
        break;
    case ESM_SCHEMA_IPV4:
        esm_buf_puts(&b, "an IPv4 address");
        break;
    case ESM_SCHEMA_IPV6:
        esm_buf_puts(&b, "an IPv6 address");
        break;
    case ESM_SCHEMA_HOSTNAME:
        esm_buf_puts(&b, "a host name");
        break;
    case ESM_SCHEMA_PORT:
        esm_buf_puts(&b, "a port number from 1 to 65535");
        break;
    }
    return esm_buf_steal(&b);
}

/* 1 when value is acceptable for p; -1 when the check itself failed
 * (PCRE2 could not run), with err set. */
static int value_ok(const esm_schema_prop *p, const char *value, esm_err *err)
{
    int64_t n;
    switch (p->type) {
    case ESM_SCHEMA_STRING: {
        if (p->code == NULL)
            return 1;
        const struct esm_pcre2_api *re = esm_pcre2(err);
        if (re == NULL)
            return -1;
        pcre2_match_data *md = re->match_data_create_from_pattern(p->code, NULL);
        if (md == NULL)
            return esm_err_set(err, ESM_E_NOMEM, "out of memory matching /%s/", p->regex);
        int rc = re->match(p->code, (PCRE2_SPTR)value, strlen(value), 0, 0, md, NULL);
        re->match_data_free(md);
        if (rc >= 0)
            return 1;
        if (rc == PCRE2_ERROR_NOMATCH)
            return 0;
        return esm_err_set(err, ESM_E_FAIL, "regex /%s/ failed on the value (PCRE2 error %d)",
                           p->regex, rc);
    }
    case ESM_SCHEMA_ENUM:
    case ESM_SCHEMA_SWITCH:
        for (size_t i = 0; i < esm_schema_choice_count(p); i++)
            if (strcmp(value, esm_schema_choice_at(p, i)) == 0)
                return 1;
        return 0;
    case ESM_SCHEMA_INTEGER:
        return parse_integer(value, &n) == 0 && (!p->has_min || n >= p->min) &&
               (!p->has_max || n <= p->max);
    case ESM_SCHEMA_PORT:
        return value[0] != '-' && parse_integer(value, &n) == 0 && n >= 1 && n <= 65535;
    case ESM_SCHEMA_IPV4:
        return is_address(AF_INET, value);
    case ESM_SCHEMA_IPV6:
        return is_address(AF_INET6, value);
    case ESM_SCHEMA_HOSTNAME:
        return is_hostname(value);
    }
    return 0;
}

int esm_schema_check_value(const esm_schema_prop *p, const char *key, const char *value,
                           esm_err *err)
{
    int ok = value_ok(p, value, err);
    if (ok < 0)
        return -1;
    if (ok)
        return 0;
    esm_buf b = ESM_BUF_INIT;
    esm_buf_printf(&b, "%s %s: ", key, p->name);
    schema_quote_value(&b, value);
    if (p->type == ESM_SCHEMA_STRING) {
        esm_buf_printf(&b, " does not match /%s/", p->regex);
    } else {
        char *allowed = esm_schema_prop_allowed(p);
        esm_buf_printf(&b, " is not %s", allowed);
        free(allowed);
    }
    esm_err_set(err, ESM_E_INVALID, "%s", esm_buf_str(&b));
    esm_buf_free(&b);
    return -1;
}
