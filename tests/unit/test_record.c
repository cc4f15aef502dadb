/* Unit tests of the record codec (src/lib/record.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db.h"

#include <stdlib.h>
#include <string.h>

static esm_record *decode(const char *raw)
{
    return esm_record_decode(raw, strlen(raw));
}

static void assert_encodes(const esm_record *rec, const char *want)
{
    char *raw = esm_record_encode(rec);
    assert_string_equal(raw, want);
    free(raw);
}

static void test_decode_type_only(void **state)
{
    (void)state;
    esm_record *rec = decode("e-smith.com");
    assert_string_equal(esm_record_type(rec), "e-smith.com");
    assert_int_equal(esm_record_count(rec), 0);
    esm_record_free(rec);
}

static void test_decode_props_sorted(void **state)
{
    (void)state;
    esm_record *rec = decode("service|status|enabled|Forwarder1|1.2.3.4|chroot|yes");
    assert_string_equal(esm_record_type(rec), "service");
    assert_int_equal(esm_record_count(rec), 3);
    assert_string_equal(esm_record_name_at(rec, 0), "Forwarder1");
    assert_string_equal(esm_record_name_at(rec, 1), "chroot");
    assert_string_equal(esm_record_name_at(rec, 2), "status");
    assert_string_equal(esm_record_get(rec, "status"), "enabled");
    assert_null(esm_record_get(rec, "nope"));
    assert_null(esm_record_name_at(rec, 3));
    esm_record_free(rec);
}

static void test_untouched_record_keeps_bytes(void **state)
{
    (void)state;
    const char *raw = "service|status|enabled|Forwarder1|1.2.3.4";
    esm_record *rec = decode(raw);
    assert_encodes(rec, raw);
    esm_record *copy = esm_record_dup(rec);
    assert_encodes(copy, raw);
    esm_record_set(copy, "status", "enabled");
    assert_encodes(copy, "service|Forwarder1|1.2.3.4|status|enabled");
    esm_record_free(copy);
    esm_record_free(rec);
}

static void test_encode_sorted_byte_order(void **state)
{
    (void)state;
    esm_record *rec = esm_record_new("service");
    esm_record_set(rec, "imaps", "2");
    esm_record_set(rec, "HTTP", "1");
    esm_record_set(rec, "imap", "3");
    esm_record_set(rec, "httpd", "4");
    assert_encodes(rec, "service|HTTP|1|httpd|4|imap|3|imaps|2");
    esm_record_set(rec, "imap", "5");
    assert_int_equal(esm_record_count(rec), 4);
    assert_int_equal(esm_record_unset(rec, "httpd"), 1);
    assert_int_equal(esm_record_unset(rec, "httpd"), 0);
    esm_record_set_type(rec, "other");
    assert_encodes(rec, "other|HTTP|1|imap|5|imaps|2");
    esm_record_free(rec);
}

static void test_pipe_escaped_losslessly(void **state)
{
    (void)state;
    esm_record *rec = esm_record_new("t");
    esm_record_set(rec, "p", "a|b");
    esm_record_set(rec, "q", "x\\|y");
    char *raw = esm_record_encode(rec);
    assert_string_equal(raw, "t|p|a\\|b|q|x\\\\|y");
    esm_record *back = decode(raw);
    assert_string_equal(esm_record_get(back, "p"), "a|b");
    assert_string_equal(esm_record_get(back, "q"), "x\\|y");
    free(raw);
    esm_record_free(back);
    esm_record_free(rec);
}

static void test_backslashes_kept(void **state)
{
    (void)state;
    esm_record *rec = decode("t|share|C:\\Shares\\Public");
    assert_string_equal(esm_record_get(rec, "share"), "C:\\Shares\\Public");
    esm_record_free(rec);
}

static void test_newlines_real(void **state)
{
    (void)state;
    esm_record *rec = decode("t|p|line1\nline2");
    assert_string_equal(esm_record_get(rec, "p"), "line1\nline2");
    esm_record_free(rec);
}

static void test_odd_fields_and_duplicates(void **state)
{
    (void)state;
    esm_record *rec = decode("t|a|1|b");
    assert_string_equal(esm_record_get(rec, "b"), "");
    assert_encodes(rec, "t|a|1|b");
    esm_record_free(rec);
    rec = decode("t|a|1|a|2");
    assert_int_equal(esm_record_count(rec), 1);
    assert_string_equal(esm_record_get(rec, "a"), "2");
    esm_record_free(rec);
    rec = decode("");
    assert_string_equal(esm_record_type(rec), "");
    esm_record_free(rec);
    rec = decode("|||");
    assert_string_equal(esm_record_type(rec), "");
    esm_record_free(rec);
}

static void test_field_count(void **state)
{
    (void)state;
    assert_int_equal(esm_record_field_count("a"), 1);
    assert_int_equal(esm_record_field_count("a|b"), 2);
    assert_int_equal(esm_record_field_count("a|b|c"), 3);
    assert_int_equal(esm_record_field_count("a|b\\|x|c"), 3);
    assert_int_equal(esm_record_field_count(""), 1);
}

static void test_decode_stops_at_nul(void **state)
{
    (void)state;
    esm_record *rec = esm_record_decode("t|p|v\0|x|y", 10);
    assert_int_equal(esm_record_count(rec), 1);
    assert_encodes(rec, "t|p|v");
    esm_record_free(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_type_only),
        cmocka_unit_test(test_decode_props_sorted),
        cmocka_unit_test(test_untouched_record_keeps_bytes),
        cmocka_unit_test(test_encode_sorted_byte_order),
        cmocka_unit_test(test_pipe_escaped_losslessly),
        cmocka_unit_test(test_backslashes_kept),
        cmocka_unit_test(test_newlines_real),
        cmocka_unit_test(test_odd_fields_and_duplicates),
        cmocka_unit_test(test_field_count),
        cmocka_unit_test(test_decode_stops_at_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
