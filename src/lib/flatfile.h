/*
 * flatfile.h - the e-smith flat file /home/e-smith/db/NAME (internal to
 * the db module): parsing, writing, its lock and its change stamp.
 *
 * Entries carry a record's raw value with newlines real (the file stores
 * them as the two characters "\n").
 */
#ifndef ESM_FLATFILE_H
#define ESM_FLATFILE_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct esm_flat_entry {
    char *key;
    char *raw;
    size_t raw_len;
};

/* Entries sorted by key, each key once. */
struct esm_flat {
    struct esm_flat_entry *entries;
    size_t count;
};

void esm_flat_free(struct esm_flat *flat);

/* Sorts entries by key; of duplicates the last added wins (as when Perl
 * reads the file into a hash). */
void esm_flat_sort(struct esm_flat *flat);

/* Parses file contents. name and path are for messages. */
int esm_flat_parse(const char *data, size_t len, const char *name, const char *path,
                   struct esm_flat *out, esm_err *err);

/* Reads and parses the flat file at path; *st receives the fstat of the
 * file read. Fails with ESM_E_NOTFOUND when it does not exist. */
int esm_flat_load(const char *path, const char *name, struct esm_flat *out, struct stat *st,
                  esm_err *err);

/* Writes the whole file (header, then sorted entries) to a temporary file
 * beside path, fsynced, with the mode and owner of the current file. The
 * caller renames it (*tmp_out, malloc'd) into place or unlinks it. */
int esm_flat_write_temp(const char *path, const char *name, const struct esm_flat *flat,
                        char **tmp_out, esm_err *err);

/* Renames tmp over path and fsyncs the directory so the rename is durable. */
int esm_flat_install(const char *tmp, const char *path, const char *name, esm_err *err);

/* Takes flock(how) on lock_path the way the Perl tools do, never deletes
 * it, and makes sure the path still names the inode locked (the Perl
 * tools unlink it after unlocking). Returns the fd to close to unlock. */
int esm_flat_lock(const char *lock_path, int how, const char *name, esm_err *err);

/* 1 when path still names the file open on fd. Inode numbers are reused
 * at once (ext4, tmpfs): a file that lost its name has no links left, so
 * that is checked as well as the inode. */
int esm_fd_is_named(int fd, const char *path);

/* What identifies one version of the flat file without reading it. Size
 * and whole-second mtime are not enough (ext4 reuses inodes and a rewrite
 * often keeps the size within one second): nanosecond mtime and ctime. */
struct esm_stamp {
    uint64_t magic;
    uint64_t present;
    uint64_t dev, ino, size;
    uint64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

#define ESM_STAMP_MAGIC 0x31632d6874696d65ULL /* "emith-c1" */

void esm_stamp_from_stat(struct esm_stamp *stamp, const struct stat *st);
/* The stamp of path now; an absent file gives present = 0. -1 on other
 * stat errors. */
int esm_stamp_of(const char *path, struct esm_stamp *stamp, const char *name, esm_err *err);
int esm_stamp_equal(const struct esm_stamp *a, const struct esm_stamp *b);

#endif
