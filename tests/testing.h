/* testing.h - the tests' assertions (after libuv's task.h): they print both sides on failure,
 * abort the test, and never compile out. Each test file has a main() that runs its cases with
 * RUN_TEST and ends with TEST_SUMMARY(). */
#ifndef STEGVIS_TESTS_TESTING_H
#define STEGVIS_TESTS_TESTING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __attribute__((unused)) int test_cases_run;

#define TEST_FAIL(...)                                                                             \
    do {                                                                                           \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                            \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

#define ASSERT_TRUE(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            TEST_FAIL("assertion failed: %s", #cond);                                              \
    } while (0)

#define ASSERT_EQ_INT(got, want)                                                                   \
    do {                                                                                           \
        long long got_ = (long long)(got), want_ = (long long)(want);                              \
        if (got_ != want_)                                                                         \
            TEST_FAIL("%s == %lld, want %s == %lld", #got, got_, #want, want_);                    \
    } while (0)

#define ASSERT_STR_EQ(got, want)                                                                   \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        if (got_ == NULL || want_ == NULL || strcmp(got_, want_) != 0)                             \
            TEST_FAIL("%s == \"%s\", want \"%s\"", #got, got_ ? got_ : "(null)",                   \
                      want_ ? want_ : "(null)");                                                   \
    } while (0)

#define ASSERT_CONTAINS(haystack, needle)                                                          \
    do {                                                                                           \
        const char *h_ = (haystack), *n_ = (needle);                                               \
        if (h_ == NULL || strstr(h_, n_) == NULL)                                                  \
            TEST_FAIL("%s == \"%s\" does not contain \"%s\"", #haystack, h_ ? h_ : "(null)", n_);  \
    } while (0)

#define ASSERT_NOT_CONTAINS(haystack, needle)                                                      \
    do {                                                                                           \
        const char *h_ = (haystack), *n_ = (needle);                                               \
        if (h_ != NULL && strstr(h_, n_) != NULL)                                                  \
            TEST_FAIL("%s == \"%s\" contains \"%s\"", #haystack, h_, n_);                          \
    } while (0)

#define RUN_TEST(fn)                                                                               \
    do {                                                                                           \
        fprintf(stderr, "  %s\n", #fn);                                                            \
        fn();                                                                                      \
        test_cases_run++;                                                                          \
    } while (0)

#define TEST_SUMMARY()                                                                             \
    do {                                                                                           \
        printf("%d passed, 0 failed\n", test_cases_run);                                           \
        return 0;                                                                                  \
    } while (0)

#endif
