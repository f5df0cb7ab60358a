/* support.h - helpers shared by the tests: the shipped catalogue, running the real binary. */
#ifndef STEGVIS_TESTS_SUPPORT_H
#define STEGVIS_TESTS_SUPPORT_H

#include "core/instrument.h"

/* The instrument catalogue from the repository's data/ folder ($STEGVIS_DATA), loaded once and
 * kept for the life of the test process (released at exit). Aborts the test on failure. */
const struct instrument_catalog *test_catalog(void);

/* The definition with this id from test_catalog(); aborts the test when it is missing. */
const struct instrument *test_instrument(const char *id);

/* What a finished child process said. Strings are heap-allocated; free with test_run_free. */
struct test_run {
    int exit_code; /* -1 when killed by a signal */
    char *out;
    char *err;
};

/* Run the stegvis binary ($STEGVIS_BIN) with the NULL-terminated argv (without argv[0]),
 * feeding `stdin_text` (may be NULL) on its standard input. */
struct test_run test_run_stegvis(const char *stdin_text, const char *const *args);

/* The same for the program at `path` (a script of scripts/, say). */
struct test_run test_run_program(const char *path, const char *stdin_text, const char *const *args);
void test_run_free(struct test_run *run);

#endif
