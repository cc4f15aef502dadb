#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One formatter for both setters so the truncation rule lives in one place. */
static void format_message(esm_err *err, const char *fmt, va_list ap)
{
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

int esm_err_set(esm_err *err, enum esm_err_code code, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    format_message(err, fmt, ap);
    va_end(ap);
    return -1;
}

int esm_err_sys(esm_err *err, int errno_value, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    err->code = ESM_E_FAIL;
    format_message(err, fmt, ap);
    va_end(ap);
    size_t used = strlen(err->msg);
    snprintf(err->msg + used, sizeof err->msg - used, ": %s", strerror(errno_value));
    return -1;
}

void esm_err_clear(esm_err *err)
{
    if (err == NULL)
        return;
    err->code = ESM_OK;
    err->msg[0] = '\0';
}
