/* Unit tests of the templates.metadata literal parser (src/lib/metadata.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "metadata.h"

#include <string.h>

static int parse(esm_meta *m, const char *text, esm_err *err)
{
    esm_err_clear(err);
    return esm_meta_parse_lines(m, text, strlen(text), "META", err);
}

static void numbers_follow_perl(void **state)
{
    (void)state;
    esm_meta m = ESM_META_INIT;
    esm_err err;
    assert_int_equal(parse(&m, "PERMS=0640\nUID=1_000\nGID=0x1F\n", &err), 0);
    assert_string_equal(m.perms, "416"); /* Perl prints the number in decimal */
    assert_int_equal(esm_meta_perms(m.perms), 0640);
    assert_string_equal(m.uid, "1000");
    assert_string_equal(m.gid, "31");
    assert_int_equal(parse(&m, "PERMS='0600'\n", &err), 0);
    assert_int_equal(esm_meta_perms(m.perms), 0600); /* a string with leading 0: octal */
    assert_int_equal(parse(&m, "PERMS=0b110100100\n", &err), 0);
    assert_int_equal(esm_meta_perms(m.perms), 0644);
    esm_meta_free(&m);
}

static void strings_and_escapes(void **state)
{
    (void)state;
    esm_meta m = ESM_META_INIT;
    esm_err err;
    assert_int_equal(parse(&m, "UID='it\\'s \\n'\nGID=\"a\\tb\\$c\\@d\"\n", &err), 0);
    assert_string_equal(m.uid, "it's \\n");
    assert_string_equal(m.gid, "a\tb$c@d");
    assert_int_equal(parse(&m, "OUTPUT_FILENAME=\"user@\"\n", &err), 0);
    assert_string_equal(m.output_filename, "user@"); /* '@' not before a name: literal */
    esm_meta_free(&m);
}

static void undef_delete_and_more_data(void **state)
{
    (void)state;
    esm_meta m = ESM_META_INIT;
    esm_err err;
    assert_int_equal(parse(&m, "UID=undef\nFILTER=undef\nDELETE='0'\n", &err), 0);
    assert_null(m.uid);
    assert_int_equal(m.delete_output, 0);
    assert_int_equal(parse(&m, "DELETE=\"yes\"\n", &err), 0);
    assert_int_equal(m.delete_output, 1);
    assert_int_equal(parse(&m, "MORE_DATA={ a => 1, 'b c' , \"x\", d => undef, }\n", &err), 0);
    assert_non_null(m.more_data);
    assert_string_equal(m.more_data[0], "a");
    assert_string_equal(m.more_data[1], "1");
    assert_string_equal(m.more_data[2], "b c");
    assert_string_equal(m.more_data[3], "x");
    assert_string_equal(m.more_data[4], "d");
    assert_string_equal(m.more_data[5], "");
    assert_null(m.more_data[6]);
    esm_meta_free(&m);
}

static void refusals_name_file_line_and_key(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        {"\n\nUID=$x\n", "META:3: UID: not a literal value"},
        {"GID=\"$grp\"\n", "META:1: GID: variable interpolation"},
        {"GID=\"${grp}\"\n", "META:1: GID: variable interpolation"},
        {"PERMS=08\n", "META:1: PERMS: illegal digit"},
        {"PERMS=1.5\n", "META:1: PERMS: only integer literals"},
        {"PERMS=99999\n", "META:1: PERMS: not a file mode"},
        {"UID='open\n", "META:1: UID: unterminated string"},
        {"UID=1 2\n", "META:1: UID: unexpected text"},
        {"FILTER=\\&removeBlankLines\n", "META:1: FILTER: not a literal value"},
        {"FILTER=\"x\"\n", "META:1: FILTER: a FILTER is Perl code"},
        {"MORE_DATA={ a => 1\n", "META:1: MORE_DATA: expected , or }"},
        {"MORE_DATA='x'\n", "META:1: MORE_DATA: only a literal"},
        {"OUTPUT_PREFIX='/x'\n", "META:1: OUTPUT_PREFIX: not supported"},
        {"=1\n", "META:1: expected KEY=value"},
        {"UID=99999999999999999999\n", "META:1: UID: number out of range"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        esm_meta m = ESM_META_INIT;
        esm_err err;
        assert_int_equal(parse(&m, cases[i].text, &err), -1);
        if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("case %zu: got '%s', want '%s...'", i, err.msg, cases[i].msg);
        esm_meta_free(&m);
    }
}

static void unknown_keys_are_collected(void **state)
{
    (void)state;
    esm_meta m = ESM_META_INIT;
    esm_err err;
    assert_int_equal(parse(&m, "# comment\n  \nCOLOUR = 'blue'\nSIZE=1\n", &err), 0);
    assert_string_equal(m.unknown_keys[0], "COLOUR");
    assert_string_equal(m.unknown_keys[1], "SIZE");
    assert_null(m.unknown_keys[2]);
    esm_meta_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_follow_perl),
        cmocka_unit_test(strings_and_escapes),
        cmocka_unit_test(undef_delete_and_more_data),
        cmocka_unit_test(refusals_name_file_line_and_key),
        cmocka_unit_test(unknown_keys_are_collected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
