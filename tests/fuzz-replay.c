/*
 * fuzz-replay.c - runs a libFuzzer target (fuzz/fuzz_NAME.c) as a plain
 * program over the files given, one input each: how tests/cli/fuzz-replay.sh
 * replays every committed corpus in `make test` and under SAN=1, so an
 * input that once crashed a parser keeps being tried after the fix.
 * Built without libFuzzer (see the Makefile, $(O)/fuzz-replay/).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* The whole file, malloc'd (never NULL on success, even when empty). */
static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, len = 0;
    unsigned char *data = malloc(cap);
    size_t n;
    while (data != NULL && (n = fread(data + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            unsigned char *bigger = realloc(data, cap *= 2);
            if (bigger == NULL)
                free(data); /* reported as unreadable: never replay half a file */
            data = bigger;
        }
    }
    fclose(f);
    *size = len;
    return data;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        size_t size;
        unsigned char *data = read_file(argv[i], &size);
        if (data == NULL) {
            fprintf(stderr, "fuzz-replay: cannot read %s\n", argv[i]);
            return 2;
        }
        /* Named first: if this input crashes, the log says which. */
        fprintf(stderr, "# %s\n", argv[i]);
        LLVMFuzzerTestOneInput(data, size);
        free(data);
    }
    return 0;
}
