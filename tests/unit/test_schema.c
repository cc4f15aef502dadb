/* The schema loader and the value types: every type's accepted and
 * refused values, the exact refusal messages, and every kind of bad
 * schema file (malformed, unknown elements, bombs, huge, deep). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static esm_schema *load(const char *xml, int expect_ok, esm_err *err)
{
    esm_schema *s = esm_schema_new();
    int rc = esm_schema_add_buffer(s, "test.xml", xml, strlen(xml), err);
    if (expect_ok && rc != 0)
        fail_msg("unexpected schema error: %s", err->msg);
    if (!expect_ok && rc == 0)
        fail_msg("schema accepted, an error was expected");
    return s;
}

/* One prop of the given attributes (and body) in key k. */
static esm_schema *one_prop(const char *attrs, const char *body)
{
    char xml[4096];
    snprintf(
        xml, sizeof xml,
        "<?xml version=\"1.0\"?>\n<schema>\n <key name=\"k\">\n  <prop name=\"p\" %s>%s</prop>\n"
        " </key>\n</schema>\n",
        attrs, body);
    esm_err err;
    return load(xml, 1, &err);
}

static const esm_schema_prop *the_prop(const esm_schema *s)
{
    const esm_schema_key *k = esm_schema_find_key(s, "k");
    assert_non_null(k);
    const esm_schema_prop *p = esm_schema_find_prop(k, "p");
    assert_non_null(p);
    return p;
}

static void expect_valid(const esm_schema_prop *p, const char *value)
{
    esm_err err;
    if (esm_schema_check_value(p, "k", value, &err) != 0)
        fail_msg("'%s' refused: %s", value, err.msg);
}

static void expect_refused(const esm_schema_prop *p, const char *value, const char *message)
{
    esm_err err;
    if (esm_schema_check_value(p, "k", value, &err) == 0)
        fail_msg("'%s' accepted", value);
    if (message != NULL)
        assert_string_equal(err.msg, message);
}

static void test_enum(void **state)
{
    (void)state;
    esm_schema *s =
        one_prop("type=\"enum\" default=\"lenient\"", "<choice>lenient</choice><choice>rfc</choice>"
                                                      "<choice> strict </choice>");
    const esm_schema_prop *p = the_prop(s);
    assert_int_equal(esm_schema_prop_type(p), ESM_SCHEMA_ENUM);
    assert_string_equal(esm_schema_prop_default(p), "lenient");
    expect_valid(p, "lenient");
    expect_valid(p, "strict");
    expect_refused(p, "rfcc", "k p: 'rfcc' is not one of lenient, rfc, strict");
    expect_refused(p, "", "k p: '' is not one of lenient, rfc, strict");
    expect_refused(p, "RFC", NULL);
    assert_int_equal(esm_schema_choice_count(p), 3);
    esm_schema_free(s);
}

static void test_switch(void **state)
{
    (void)state;
    esm_schema *s = one_prop("type=\"switch\"", "");
    const esm_schema_prop *p = the_prop(s);
    expect_valid(p, "enabled");
    expect_valid(p, "disabled");
    expect_refused(p, "on", "k p: 'on' is not one of enabled, disabled");
    esm_schema_free(s);
}

static void test_integer(void **state)
{
    (void)state;
    esm_schema *s = one_prop("type=\"integer\" min=\"-5\" max=\"100\"", "");
    const esm_schema_prop *p = the_prop(s);
    expect_valid(p, "-5");
    expect_valid(p, "0");
    expect_valid(p, "100");
    expect_refused(p, "101", "k p: '101' is not an integer from -5 to 100");
    expect_refused(p, "-6", NULL);
    expect_refused(p, "1.5", NULL);
    expect_refused(p, "", NULL);
    expect_refused(p, "-", NULL);
    expect_refused(p, "+3", NULL);
    expect_refused(p, " 3", NULL);
    expect_refused(p, "99999999999999999999999", NULL);
    esm_schema_free(s);
    s = one_prop("type=\"integer\"", "");
    p = the_prop(s);
    expect_valid(p, "-9223372036854775808");
    expect_refused(p, "x", "k p: 'x' is not an integer");
    esm_schema_free(s);
    s = one_prop("type=\"integer\" min=\"1\"", "");
    expect_refused(the_prop(s), "0", "k p: '0' is not an integer of at least 1");
    esm_schema_free(s);
}

static void test_string_regex(void **state)
{
    (void)state;
    esm_schema *s = one_prop("type=\"string\" regex=\"[a-z]+(,[a-z]+)*\"", "");
    const esm_schema_prop *p = the_prop(s);
    expect_valid(p, "abc");
    expect_valid(p, "abc,de");
    /* the whole value must match, not a part of it */
    expect_refused(p, "abc;rm", "k p: 'abc;rm' does not match /[a-z]+(,[a-z]+)*/");
    expect_refused(p, "1abc", NULL);
    expect_refused(p, "", NULL);
    esm_schema_free(s);
    s = one_prop("type=\"string\"", "");
    expect_valid(the_prop(s), "");
    expect_valid(the_prop(s), "anything | at all\n");
    esm_schema_free(s);
    s = one_prop("type=\"string\" regex=\"a|b\"", "");
    expect_valid(the_prop(s), "b");
    expect_refused(the_prop(s), "ab", NULL);
    esm_schema_free(s);
}

static void test_addresses(void **state)
{
    (void)state;
    esm_schema *s = one_prop("type=\"ipv4\"", "");
    const esm_schema_prop *p = the_prop(s);
    expect_valid(p, "192.168.1.1");
    expect_valid(p, "0.0.0.0");
    expect_refused(p, "256.1.1.1", "k p: '256.1.1.1' is not an IPv4 address");
    expect_refused(p, "1.2.3", NULL);
    expect_refused(p, "1.2.3.4/24", NULL);
    expect_refused(p, "::1", NULL);
    esm_schema_free(s);
    s = one_prop("type=\"ipv6\"", "");
    p = the_prop(s);
    expect_valid(p, "::1");
    expect_valid(p, "2001:db8::42");
    expect_valid(p, "::ffff:192.0.2.1");
    expect_refused(p, "2001:db8:::1", "k p: '2001:db8:::1' is not an IPv6 address");
    expect_refused(p, "1.2.3.4", NULL);
    esm_schema_free(s);
}

static void test_hostname_port(void **state)
{
    (void)state;
    esm_schema *s = one_prop("type=\"hostname\"", "");
    const esm_schema_prop *p = the_prop(s);
    expect_valid(p, "mail.example.com");
    expect_valid(p, "localhost");
    expect_valid(p, "a-b.c1");
    expect_refused(p, "-a.com", "k p: '-a.com' is not a host name");
    expect_refused(p, "a-.com", NULL);
    expect_refused(p, "a..com", NULL);
    expect_refused(p, "a.com.", NULL);
    expect_refused(p, "under_score.com", NULL);
    expect_refused(p, "", NULL);
    char label[70];
    memset(label, 'a', 64);
    label[64] = '\0';
    expect_refused(p, label, NULL);
    label[63] = '\0';
    expect_valid(p, label);
    esm_schema_free(s);
    s = one_prop("type=\"port\"", "");
    p = the_prop(s);
    expect_valid(p, "1");
    expect_valid(p, "65535");
    expect_refused(p, "0", "k p: '0' is not a port number from 1 to 65535");
    expect_refused(p, "65536", NULL);
    expect_refused(p, "-25", NULL);
    expect_refused(p, "smtp", NULL);
    esm_schema_free(s);
}

static void test_message_quoting(void **state)
{
    (void)state;
    esm_schema *s = one_prop("type=\"switch\"", "");
    expect_refused(the_prop(s), "a\nb\x01", "k p: 'a\\nb\\x01' is not one of enabled, disabled");
    char longv[200];
    memset(longv, 'x', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    esm_err err;
    assert_int_equal(esm_schema_check_value(the_prop(s), "k", longv, &err), -1);
    assert_non_null(strstr(err.msg, "xxx...' is not"));
    esm_schema_free(s);
}

static void test_texts_and_rules(void **state)
{
    (void)state;
    const char *xml = "<schema>\n"
                      "  <key name=\"qpsmtpd sqpsmtpd\" type=\"service\">\n"
                      "    <summary>The SMTP   daemon</summary>\n"
                      "    <prop name=\"HeloPolicy\" type=\"enum\" default=\"lenient\">\n"
                      "      <summary>How strictly\n      HELO is checked</summary>\n"
                      "      <description>\n   First   paragraph\n   goes on.\n\n   Second.\n    "
                      "</description>\n"
                      "      <choice>lenient</choice>\n"
                      "    </prop>\n"
                      "    <rule level=\"warning\">\n"
                      "      <condition><![CDATA[ $x && $y ]]></condition>\n"
                      "      <message>Be\n careful.</message>\n"
                      "    </rule>\n"
                      "  </key>\n"
                      "</schema>\n";
    esm_err err;
    esm_schema *s = load(xml, 1, &err);
    const esm_schema_key *k = esm_schema_find_key(s, "sqpsmtpd");
    assert_non_null(k);
    assert_ptr_equal(k, esm_schema_find_key(s, "qpsmtpd"));
    assert_null(esm_schema_find_key(s, "smtpd"));
    assert_string_equal(esm_schema_key_type(k), "service");
    assert_string_equal(esm_schema_key_summary(k), "The SMTP daemon");
    assert_string_equal(esm_schema_key_origin(k), "test.xml:2");
    const esm_schema_prop *p = esm_schema_find_prop(k, "HeloPolicy");
    assert_string_equal(esm_schema_prop_summary(p), "How strictly HELO is checked");
    assert_string_equal(esm_schema_prop_description(p), "First paragraph goes on.\n\nSecond.");
    assert_int_equal(esm_schema_rule_count(k), 1);
    assert_string_equal(esm_schema_rule_level(k, 0), "warning");
    assert_string_equal(esm_schema_rule_message(k, 0), "Be careful.");
    assert_int_equal(esm_schema_broken_count(s), 0);
    esm_schema_free(s);
}

/* A bad file: refused with the expected "test.xml:LINE: ..." message. */
static void expect_bad(const char *xml, const char *message)
{
    esm_err err;
    esm_schema *s = load(xml, 0, &err);
    if (strstr(err.msg, message) == NULL)
        fail_msg("message '%s' lacks '%s'", err.msg, message);
    assert_int_equal(esm_schema_broken_count(s), 1);
    assert_string_equal(esm_schema_broken_at(s, 0), err.msg);
    assert_null(esm_schema_find_key(s, "k"));
    esm_schema_free(s);
}

static void test_bad_schemas(void **state)
{
    (void)state;
    expect_bad("<schema>\n<key name=\"k\">\n</schema>\n", "test.xml:3: mismatched tag");
    expect_bad("", "test.xml:1: no element found");
    expect_bad("<schema><key name=\"k\"><prop name=\"p\" type=\"enum\"/></key></schema>",
               "test.xml:1: prop p: an enum needs at least one <choice>");
    expect_bad("<schema>\n<key name=\"k\">\n<frob/></key></schema>",
               "test.xml:3: unknown element <frob>");
    expect_bad("<schema><key name=\"k\" colour=\"red\"/></schema>",
               "unknown attribute 'colour' on <key>");
    expect_bad("<schema><key/></schema>", "<key> needs a name");
    expect_bad("<schema><key name=\"k\"><prop name=\"p\"/></key></schema>", "prop p needs a type");
    expect_bad("<schema><key name=\"k\"><prop name=\"p\" type=\"float\"/></key></schema>",
               "unknown type 'float'");
    expect_bad(
        "<schema><key name=\"k\"><prop name=\"p\" type=\"string\" regex=\"(\"/></key></schema>",
        "prop p: bad regex /(/ at offset 1: missing closing parenthesis");
    expect_bad("<schema><key name=\"k\"><prop name=\"p\" type=\"integer\" min=\"5\" max=\"1\"/>"
               "</key></schema>",
               "min 5 is above max 1");
    expect_bad(
        "<schema><key name=\"k\"><prop name=\"p\" type=\"integer\" min=\"x\"/></key></schema>",
        "min='x' is not an integer");
    expect_bad(
        "<schema><key name=\"k\"><prop name=\"p\" type=\"port\" default=\"0\"/></key></schema>",
        "the default of k p: '0' is not a port number");
    expect_bad(
        "<schema><key name=\"k\"><prop name=\"p\" type=\"port\" regex=\"x\"/></key></schema>",
        "regex is only for type string");
    expect_bad("<schema><key name=\"k\"><prop name=\"p\" type=\"port\"><choice>1</choice></prop>"
               "</key></schema>",
               "<choice> is only for type enum");
    expect_bad("<schema><key name=\"k\"><prop name=\"p\" type=\"port\"/><prop name=\"p\" "
               "type=\"port\"/></key></schema>",
               "prop p is described twice in key k");
    expect_bad("<schema><key name=\"k\"/><key name=\"j k\"/></schema>",
               "key k is already described at test.xml:1");
    expect_bad("<schema><key name=\"k\"><rule level=\"fatal\"/></key></schema>",
               "level=\"error\" or level=\"warning\"");
    expect_bad("<schema><key name=\"k\"><rule level=\"error\"><condition>1</condition></rule>"
               "</key></schema>",
               "a <rule> needs a <condition> and a <message>");
    expect_bad("<config/>", "the root element must be <schema>, not <config>");
    expect_bad("<schema><prop name=\"p\" type=\"port\"/></schema>",
               "<prop> is not allowed in <schema>");
    expect_bad("<schema>text</schema>", "text is not allowed in <schema>");
    expect_bad("<schema><key name=\"k\"><summary>a</summary><summary>b</summary></key></schema>",
               "<summary> given twice");
    expect_bad("<schema><key name=\"k\"><prop name=\"p\" type=\"enum\"><choice>a</choice>"
               "<choice>a</choice></prop></key></schema>",
               "choice 'a' given twice");
    expect_bad("<schema><key name=\"k\"><prop name=\"p\" type=\"enum\"><choice>a<b/></choice>"
               "</prop></key></schema>",
               "unknown element <b>");
}

static void test_entity_bomb(void **state)
{
    (void)state;
    const char *bomb = "<?xml version=\"1.0\"?>\n"
                       "<!DOCTYPE schema [\n"
                       " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
                       " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
                       " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
                       " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
                       " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
                       " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
                       "]>\n"
                       "<schema><key name=\"k\"><summary>&f;</summary></key></schema>\n";
    expect_bad(bomb, "test.xml:2: a DOCTYPE is not allowed");
    /* an external entity reference without a DOCTYPE is just undefined */
    expect_bad("<schema><key name=\"k\"><summary>&xxe;</summary></key></schema>",
               "undefined entity");
}

static void test_huge_and_deep(void **state)
{
    (void)state;
    /* deep: unknown elements stop it at once; even known ones nest 4 deep */
    esm_buf deep = ESM_BUF_INIT;
    esm_buf_puts(&deep, "<schema>");
    for (int i = 0; i < 50000; i++)
        esm_buf_puts(&deep, "<key name=\"k\">");
    expect_bad(esm_buf_str(&deep), "<key> is not allowed in <key>");
    esm_buf_free(&deep);
    /* huge: refused before parsing */
    size_t n = ESM_SCHEMA_MAX_FILE_BYTES + 1;
    char *huge = malloc(n + 1);
    memset(huge, ' ', n);
    huge[n] = '\0';
    memcpy(huge, "<schema>", 8);
    expect_bad(huge, "file too large");
    free(huge);
    /* long text inside a known element */
    esm_buf text = ESM_BUF_INIT;
    esm_buf_puts(&text, "<schema><key name=\"k\"><summary>");
    for (int i = 0; i < ESM_SCHEMA_MAX_TEXT_BYTES / 8 + 10; i++)
        esm_buf_puts(&text, "abcdefgh");
    esm_buf_puts(&text, "</summary></key></schema>");
    expect_bad(esm_buf_str(&text), "text longer than");
    esm_buf_free(&text);
}

/* A broken file blocks exactly the keys it names, even those named after
 * the error; a good file beside it still works. */
static void test_broken_blocks_its_keys(void **state)
{
    (void)state;
    esm_schema *s = esm_schema_new();
    esm_err err;
    const char *good =
        "<schema><key name=\"httpd\"><prop name=\"p\" type=\"port\"/></key></schema>";
    const char *bad = "<schema>\n<key name=\"a\"/>\n<oops>\n<key name='b c'/>\n</schema>";
    assert_int_equal(esm_schema_add_buffer(s, "good.xml", good, strlen(good), &err), 0);
    assert_int_equal(esm_schema_add_buffer(s, "dir/mainkey.xml", bad, strlen(bad), &err), -1);
    assert_string_equal(err.msg, "dir/mainkey.xml:3: unknown element <oops>");
    assert_int_equal(esm_schema_blocks(s, "a", &err), 1);
    assert_string_equal(err.msg, "a: writes refused while its schema is broken: "
                                 "dir/mainkey.xml:3: unknown element <oops>");
    assert_int_equal(esm_schema_blocks(s, "b", &err), 1);
    assert_int_equal(esm_schema_blocks(s, "c", &err), 1);
    assert_int_equal(esm_schema_blocks(s, "mainkey", &err), 1);
    assert_int_equal(esm_schema_blocks(s, "httpd", &err), 0);
    assert_int_equal(esm_schema_blocks(s, "d", &err), 0);
    assert_null(esm_schema_find_key(s, "a"));
    assert_non_null(esm_schema_find_key(s, "httpd"));
    esm_schema_free(s);
}

static void test_directory(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_schema.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    esm_err err;
    esm_schema *s = esm_schema_new();
    assert_int_equal(esm_schema_add_dir(s, "/nonexistent/schema", &err), 0);
    snprintf(path, sizeof path, "%s/a.xml", dir);
    FILE *f = fopen(path, "w");
    fputs("<schema><key name=\"a\"><prop name=\"p\" type=\"port\"/></key></schema>\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/b.xml", dir);
    f = fopen(path, "w");
    fputs("<schema><key name=\"a\"/></schema>\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    f = fopen(path, "w");
    fputs("not a schema\n", f);
    fclose(f);
    assert_int_equal(esm_schema_add_dir(s, dir, &err), 1);
    assert_non_null(esm_schema_find_key(s, "a"));
    assert_non_null(strstr(esm_schema_broken_at(s, 0), "/b.xml:1: key a is already described at"));
    esm_schema_free(s);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_switch),
        cmocka_unit_test(test_integer),
        cmocka_unit_test(test_string_regex),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_hostname_port),
        cmocka_unit_test(test_message_quoting),
        cmocka_unit_test(test_texts_and_rules),
        cmocka_unit_test(test_bad_schemas),
        cmocka_unit_test(test_entity_bomb),
        cmocka_unit_test(test_huge_and_deep),
        cmocka_unit_test(test_broken_blocks_its_keys),
        cmocka_unit_test(test_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
