#include "lazylib.h"

#include <dlfcn.h>
#include <stddef.h>

/* Fills the function pointers of table (count of them, in the order of
 * names) from the shared object soname. Returns 0, or -1 with a message.
 * Function and object pointers have the same size on every platform
 * glibc's dlsym supports, which is what dlsym itself relies on. */
static int load_table(const char *soname, const char *const *names, size_t count, void *table,
                      esm_err *err)
{
    void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL)
        return esm_err_set(err, ESM_E_FAIL, "cannot load %s: %s", soname, dlerror());
    void (**slots)(void) = table;
    for (size_t i = 0; i < count; i++) {
        void *sym = dlsym(handle, names[i]);
        if (sym == NULL) {
            dlclose(handle);
            return esm_err_set(err, ESM_E_FAIL, "cannot load %s: no symbol %s", soname, names[i]);
        }
        *(void **)&slots[i] = sym;
    }
    return 0; /* the library stays loaded for the life of the process */
}

const struct esm_expat_api *esm_expat(esm_err *err)
{
    static struct esm_expat_api api;
    static int loaded;
    static const char *const names[] = {
        "XML_ParserCreate_MM",
        "XML_ParserFree",
        "XML_SetUserData",
        "XML_SetElementHandler",
        "XML_SetCharacterDataHandler",
        "XML_SetStartDoctypeDeclHandler",
        "XML_SetEntityDeclHandler",
        "XML_Parse",
        "XML_StopParser",
        "XML_GetErrorCode",
        "XML_ErrorString",
        "XML_GetCurrentLineNumber",
    };
    _Static_assert(sizeof names / sizeof *names * sizeof(void (*)(void)) == sizeof api,
                   "one name per member of esm_expat_api");
    if (!loaded) {
        if (load_table("libexpat.so.1", names, sizeof names / sizeof *names, &api, err) != 0)
            return NULL;
        loaded = 1;
    }
    return &api;
}

const struct esm_pcre2_api *esm_pcre2(esm_err *err)
{
    static struct esm_pcre2_api api;
    static int loaded;
    static const char *const names[] = {
        "pcre2_compile_8",           "pcre2_code_free_8",
        "pcre2_get_error_message_8", "pcre2_match_data_create_from_pattern_8",
        "pcre2_match_data_free_8",   "pcre2_match_8",
        "pcre2_get_ovector_count_8", "pcre2_get_ovector_pointer_8",
    };
    _Static_assert(sizeof names / sizeof *names * sizeof(void (*)(void)) == sizeof api,
                   "one name per member of esm_pcre2_api");
    if (!loaded) {
        if (load_table("libpcre2-8.so.0", names, sizeof names / sizeof *names, &api, err) != 0)
            return NULL;
        loaded = 1;
    }
    return &api;
}

esm_pow_fn esm_libm_pow(esm_err *err)
{
    static esm_pow_fn pow_fn;
    static const char *const names[] = {"pow"};
    if (pow_fn == NULL && load_table("libm.so.6", names, 1, &pow_fn, err) != 0)
        return NULL;
    return pow_fn;
}
