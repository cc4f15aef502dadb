#include "paths.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

/* Read once per process: the tools never change ESMITH_ROOT while running,
 * and getenv on every path would cost more than the path itself. */
const char *esm_root(void)
{
    static const char *root;
    static char trimmed[4096];
    if (root != NULL)
        return root;
    const char *env = getenv("ESMITH_ROOT");
    size_t n = env ? strlen(env) : 0;
    while (n > 0 && env[n - 1] == '/')
        n--;
    if (n >= sizeof trimmed)
        n = sizeof trimmed - 1;
    if (n > 0)
        memcpy(trimmed, env, n);
    trimmed[n] = '\0';
    root = trimmed;
    return root;
}

char *esm_path_dup(const char *abs_path)
{
    if (abs_path[0] != '/')
        return esm_xstrdup(abs_path);
    return esm_xasprintf("%s%s", esm_root(), abs_path);
}

const char *esm_path_unroot(const char *abs_path)
{
    const char *root = esm_root();
    size_t n = strlen(root);
    if (n > 0 && strncmp(abs_path, root, n) == 0 && abs_path[n] == '/')
        return abs_path + n;
    return abs_path;
}
