/*
 * tmpl_util.c - the functions of e-smith's esmith::util module that real
 * fragments call: ldapBase (9 of 303 surveyed fragments, the LDAP
 * configuration of smeserver-base, roundcube and sogo) and LdapPassword;
 * and Text::Template's own _load_text, which a wordpress fragment calls to
 * include the default template-begin.
 *
 * The original loads esmith::util before any template runs, so fragments
 * call these by their full name without a `use`. Only what computes from
 * its arguments or reads a file under $ESMITH_ROOT is here; the module's
 * functions that run programs or change the system (passwords, services,
 * backgroundCommand) stay refused as unknown functions.
 */
#include "tmpl_int.h"

#include <stdlib.h>
#include <string.h>

/* The password file LdapPassword reads, a server path (under the root). */
#define LDAP_PW_FILE "/etc/openldap/ldap.pw"

/* ldapBase($domain): "dc=" and the domain with every '.' made ",dc="
 * (example.com gives dc=example,dc=com); an undefined domain gives "dc=". */
static tsv *ldap_base(esm_tmpl_env *env, tnode *n)
{
    tsv *a = tmpl_eval_scalar(env, n->kids[0]);
    if (!a)
        return NULL;
    tsv *r = tsv_new_str("dc=", 3);
    if (tsv_defined(a)) {
        char b[64];
        size_t l;
        const char *s = tmpl_strval(env, n, a, b, &l);
        if (!s || tmpl_charge_bytes(env, n, l * 4) < 0) {
            tsv_dec(a);
            tsv_dec(r);
            return NULL;
        }
        size_t from = 0;
        for (size_t i = 0; i < l; i++) {
            if (s[i] != '.')
                continue;
            tsv_append(r, s + from, i - from);
            tsv_append(r, ",dc=", 4);
            from = i + 1;
        }
        tsv_append(r, s + from, l - from);
    }
    tsv_dec(a);
    return r;
}

/* LdapPassword(): the first line of /etc/openldap/ldap.pw, chomped. When
 * the file is missing the original generates a password and writes the
 * file, which a template must not do: refused with a located error. */
static tsv *ldap_password(esm_tmpl_env *env, tnode *n)
{
    tsv *line = NULL;
    int rc = tmpl_io_read_file(env, n, LDAP_PW_FILE, 1, &line);
    if (rc < 0)
        return NULL;
    if (rc == 0)
        return tmpl_unsupported(env, n,
                                "esmith::util::LdapPassword without " LDAP_PW_FILE
                                " (the original would create the password file)");
    return line;
}

/* Text::Template::_load_text($file): the whole file (read under the
 * root), or undef when it cannot be opened. Its value is a slurping
 * <$fh> in the caller's context: in list context an empty file gives an
 * empty list (*empty_list set). */
static tsv *load_text(esm_tmpl_env *env, tnode *n, int *empty_list)
{
    char *path = tmpl_io_path_arg(env, n, 0);
    if (!path)
        return NULL;
    tsv *text = NULL;
    int rc = tmpl_io_read_file(env, n, path, 0, &text);
    free(path);
    if (rc < 0)
        return NULL;
    *empty_list = rc && text->len == 0;
    return rc ? text : tsv_new();
}

/* The evaluator's entry: the value in scalar context, pushed on out in
 * list context (each function returns one value). */
tsv *tmpl_util_builtin(esm_tmpl_env *env, tnode *n, int want_list, tlist *out)
{
    int empty_list = 0;
    tsv *r = n->op == B_LDAPBASE       ? ldap_base(env, n)
             : n->op == B_LDAPPASSWORD ? ldap_password(env, n)
                                       : load_text(env, n, &empty_list);
    if (r && want_list && empty_list) {
        tsv_dec(r);
        return tsv_new();
    }
    return tmpl_result(want_list, out, r);
}
