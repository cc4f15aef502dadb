/*
 * lazylib.h - libexpat, PCRE2 and libm loaded on first use (dlopen).
 *
 * `db getprop` and the other read commands must not pay for mapping
 * libraries only schema validation needs, yet `db` is one program. So the
 * schema code reaches both libraries through these tables, filled the
 * first time they are asked for; a program that never validates never
 * loads them (`ldd build/bin/db` lists neither).
 *
 * The member types come from the libraries' own headers, so a mismatch
 * with the installed version is a compile error, not a crash.
 */
#ifndef ESM_LAZYLIB_H
#define ESM_LAZYLIB_H

#include "err.h"

#include <expat.h>
#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

struct esm_expat_api {
    __typeof__(&XML_ParserCreate_MM) ParserCreate_MM;
    __typeof__(&XML_ParserFree) ParserFree;
    __typeof__(&XML_SetUserData) SetUserData;
    __typeof__(&XML_SetElementHandler) SetElementHandler;
    __typeof__(&XML_SetCharacterDataHandler) SetCharacterDataHandler;
    __typeof__(&XML_SetStartDoctypeDeclHandler) SetStartDoctypeDeclHandler;
    __typeof__(&XML_SetEntityDeclHandler) SetEntityDeclHandler;
    __typeof__(&XML_Parse) Parse;
    __typeof__(&XML_StopParser) StopParser;
    __typeof__(&XML_GetErrorCode) GetErrorCode;
    __typeof__(&XML_ErrorString) ErrorString;
    __typeof__(&XML_GetCurrentLineNumber) GetCurrentLineNumber;
};

struct esm_pcre2_api {
    __typeof__(&pcre2_compile) compile;
    __typeof__(&pcre2_code_free) code_free;
    __typeof__(&pcre2_get_error_message) get_error_message;
    __typeof__(&pcre2_match_data_create_from_pattern) match_data_create_from_pattern;
    __typeof__(&pcre2_match_data_free) match_data_free;
    __typeof__(&pcre2_match) match;
    __typeof__(&pcre2_get_ovector_count) get_ovector_count;
    __typeof__(&pcre2_get_ovector_pointer) get_ovector_pointer;
};

/* The loaded table, or NULL with a message naming the library that could
 * not be loaded. Loading happens once per process. */
const struct esm_expat_api *esm_expat(esm_err *err);
const struct esm_pcre2_api *esm_pcre2(esm_err *err);

/* libm's pow(), for the template operator `**`: the only libm function the
 * tools need that the compiler does not inline (sqrt and fabs are
 * instructions with -fno-math-errno). Mapping libm at start-up costs every
 * expand-template run about 0.1 ms; `**` on doubles is rare in templates. */
typedef double (*esm_pow_fn)(double, double);
esm_pow_fn esm_libm_pow(esm_err *err);

#endif
