/* Unit tests of the service plans: the control characters written to a
 * supervisor and the systemctl verbs, per reference §5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "services.h"

static const char *chars_for(const char *const *actions, size_t n, int enabled)
{
    static char out[64];
    static esm_err err;
    esm_err_clear(&err);
    if (esm_svc_control_chars(actions, n, enabled, out, sizeof out, &err) < 0)
        return err.msg;
    return out;
}

static void control_chars_enabled(void **state)
{
    (void)state;
    const char *restart[] = {"restart"};
    assert_string_equal(chars_for(restart, 1, 1), "tu");
    const char *sigterm[] = {"sigterm"};
    assert_string_equal(chars_for(sigterm, 1, 1), "tu");
    const char *many[] = {"adjust", "reload",    "sighup", "sigusr1", "sigusr2", "pause",
                          "alarm",  "interrupt", "quit",   "kill",    "up",      "start"};
    assert_string_equal(chars_for(many, 12, 1), "hhh12paiqkuuu");
    const char *none[] = {NULL};
    assert_string_equal(chars_for(none, 0, 1), "u");
}

static void control_chars_down_actions_keep_it_down(void **state)
{
    (void)state;
    const char *stop[] = {"stop"};
    assert_string_equal(chars_for(stop, 1, 1), "d");
    const char *down[] = {"restart", "down"};
    assert_string_equal(chars_for(down, 2, 1), "td");
    const char *once[] = {"once"};
    assert_string_equal(chars_for(once, 1, 1), "o");
    const char *exit_[] = {"exit"};
    assert_string_equal(chars_for(exit_, 1, 1), "x");
}

static void control_chars_disabled(void **state)
{
    (void)state;
    const char *restart[] = {"restart"};
    assert_string_equal(chars_for(restart, 1, 0), "dt");
    const char *none[] = {NULL};
    assert_string_equal(chars_for(none, 0, 0), "d");
}

static void control_chars_unknown_and_small_buffer(void **state)
{
    (void)state;
    const char *bad[] = {"restart", "Restart"};
    assert_string_equal(chars_for(bad, 2, 1), "unknown service action 'Restart'");
    char small[3];
    esm_err err = {ESM_OK, ""};
    const char *restart[] = {"restart"};
    assert_int_equal(esm_svc_control_chars(restart, 1, 1, small, sizeof small, &err), -1);
}

static char *joined_steps(const char *const *actions, size_t n, int enabled)
{
    static char out[256];
    esm_err err = {ESM_OK, ""};
    const char **steps = esm_svc_systemd_steps(actions, n, enabled, &err);
    if (steps == NULL) {
        strcpy(out, err.msg);
        return out;
    }
    out[0] = '\0';
    for (size_t i = 0; steps[i] != NULL; i++) {
        if (i)
            strcat(out, ";");
        strcat(out, steps[i]);
    }
    free(steps);
    return out;
}

static void systemd_steps(void **state)
{
    (void)state;
    const char *restart[] = {"restart"};
    assert_string_equal(joined_steps(restart, 1, 1), "restart");
    const char *reload[] = {"reload"};
    assert_string_equal(joined_steps(reload, 1, 1), "start;reload");
    const char *sighup[] = {"sighup"};
    assert_string_equal(joined_steps(sighup, 1, 1), "start;kill --signal=HUP");
    const char *adjust[] = {"adjust"};
    assert_string_equal(joined_steps(adjust, 1, 1), "reload-or-restart");
    assert_string_equal(joined_steps(restart, 1, 0), "stop");
    const char *none[] = {NULL};
    assert_string_equal(joined_steps(none, 0, 1), "start");
    const char *bad[] = {"bogus"};
    assert_string_equal(joined_steps(bad, 1, 1), "unknown service action 'bogus'");
}

static void bad_service_names(void **state)
{
    (void)state;
    esm_svc_opts opts = {.dry_run = 1};
    const char *restart[] = {"restart"};
    const char *names[] = {"", ".", "..", "a/b", "../x"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        esm_err err = {ESM_OK, ""};
        assert_int_equal(esm_svc_adjust(names[i], restart, 1, 1, &opts, &err), -1);
        assert_int_equal(err.code, ESM_E_INVALID);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(control_chars_enabled),
        cmocka_unit_test(control_chars_down_actions_keep_it_down),
        cmocka_unit_test(control_chars_disabled),
        cmocka_unit_test(control_chars_unknown_and_small_buffer),
        cmocka_unit_test(systemd_steps),
        cmocka_unit_test(bad_service_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
