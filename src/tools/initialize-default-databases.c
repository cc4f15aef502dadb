/*
 * initialize-default-databases - applies the defaults and forced values
 * of every database that has a directory under /etc/e-smith/db (or
 * $ESMITH_DB_DEFAULTSDIR); see defaults.h.
 *
 * Run as the S00 action of post-install, post-upgrade,
 * bootstrap-console-save and console-save, so it takes (and ignores) the
 * event's arguments. A database whose defaults cannot be applied is left
 * exactly as it was; the others are still done; exit 1 when any failed.
 */
#include "db.h"
#include "defaults.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    esm_err err = {ESM_OK, ""};
    char *dir = esm_defaults_dir();
    char **dbs = esm_defaults_databases(dir, &err);
    int failed = dbs == NULL;
    if (dbs == NULL)
        fprintf(stderr, "initialize-default-databases: %s\n", err.msg);
    for (size_t i = 0; dbs != NULL && dbs[i] != NULL; i++) {
        if (esm_defaults_apply(dir, dbs[i], NULL, &err) == 0)
            continue;
        fprintf(stderr, "initialize-default-databases: %s: %s\n", dbs[i], err.msg);
        failed = 1;
    }
    esm_strv_free(dbs);
    free(dir);
    return failed;
}
