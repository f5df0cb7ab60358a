/* staff_pages.h - what the staff-page tests (test_web_staff*.c) share: forms posted with the
 * session's CSRF token, pages checked for what the Content-Security-Policy forbids, and parts of
 * a page cut out by their markers. Static functions: each test file is its own program. */
#ifndef STEGVIS_TESTS_HTTP_STAFF_PAGES_H
#define STEGVIS_TESTS_HTTP_STAFF_PAGES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/api_fixture.h"
#include "support/http_client.h"
#include "testing.h"

#define FORM_TYPE "application/x-www-form-urlencoded"

/* An HTML page with `status`: no inline script or style (the CSP would block them). */
static __attribute__((unused)) void expect_html(const struct test_http_response *res, long status)
{
    test_http_expect_html(res, status);
    ASSERT_NOT_CONTAINS(res->body, ">staff."); /* an id the catalogue lacks is shown as itself */
    ASSERT_NOT_CONTAINS(res->body, "\"staff.");
}

static __attribute__((unused)) void expect_see_other(const struct test_http_response *res,
                                                     const char *location)
{
    if (res->status != 303)
        TEST_FAIL("status %ld, want 303; body: %s", res->status, res->body);
    ASSERT_STR_EQ(test_http_header(res, "Location"), location);
}

/* GET a page that must answer `status`. */
static __attribute__((unused)) struct test_http_response page(struct test_http_client *c,
                                                              const char *path, long status)
{
    struct test_http_response res = test_http_get(c, path);
    expect_html(&res, status);
    return res;
}

/* POST a form body ("a=1&b=2", already URL-encoded) with the session's CSRF token in the
 * "csrf" field, as the pages' hidden field carries it. */
static __attribute__((unused)) struct test_http_response
post_form(struct test_http_client *c, const char *path, const char *fields)
{
    char *body = malloc(strlen(fields) + 100);
    sprintf(body, "csrf=%s%s%s", c->csrf, *fields ? "&" : "", fields);
    struct test_http_response res = test_http_request(c, "POST", path, FORM_TYPE, body, NULL);
    free(body);
    return res;
}

/* The part of `text` from `start` up to (not including) the next `end` after it, or to the end
 * of the text; fails when `start` is not there. free() it. */
static __attribute__((unused)) char *cut(const char *text, const char *start, const char *end)
{
    const char *from = strstr(text, start);
    if (from == NULL)
        TEST_FAIL("\"%s\" is not in: %s", start, text);
    const char *to = end != NULL ? strstr(from + strlen(start), end) : NULL;
    size_t len = to != NULL ? (size_t)(to - from) : strlen(from);
    char *out = malloc(len + 1);
    memcpy(out, from, len);
    out[len] = '\0';
    return out;
}

/* How many times `needle` occurs in `text`. */
static __attribute__((unused)) int occurrences(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

/* Where `needle` first occurs in `text` (fails when it does not). */
static __attribute__((unused)) long position(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    if (at == NULL)
        TEST_FAIL("\"%s\" is not in: %s", needle, text);
    return (long)(at - text);
}

#endif
