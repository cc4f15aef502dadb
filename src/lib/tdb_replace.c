/*
 * tdb_replace.c - the one function of Samba's libreplace that the static
 * libtdb.a expects from its host program (the shared libtdb carries its
 * own copy). `db` links libtdb statically to start faster (see Makefile).
 */
#include <errno.h>
#include <string.h>

int rep_memset_s(void *dest, size_t destsz, int ch, size_t count);

/* C11 Annex K memset_s: bounded, and never optimised away (it clears
 * secrets), which explicit_bzero guarantees for the zeroing. */
int rep_memset_s(void *dest, size_t destsz, int ch, size_t count)
{
    if (dest == NULL)
        return EINVAL;
    int rc = count > destsz ? EOVERFLOW : 0;
    if (rc != 0)
        count = destsz;
    if (ch == 0)
        explicit_bzero(dest, count);
    else
        memset(dest, ch, count);
    return rc;
}
