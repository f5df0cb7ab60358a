/* patient_pages.h - what the patient-page tests (test_web_patient*.c) share: pages checked for
 * what the Content-Security-Policy forbids and for the patient layout, forms sent with the
 * browser's double-submit token, answers as form fields. Static functions: each test file is its
 * own program. */
#ifndef STEGVIS_TESTS_HTTP_PATIENT_PAGES_H
#define STEGVIS_TESTS_HTTP_PATIENT_PAGES_H

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
    ASSERT_CONTAINS(res->body, "<body class=\"page page-patient\">");
    ASSERT_CONTAINS(res->body, "<a class=\"help-link\" href=\"/hjalp\">");
}

static __attribute__((unused)) void expect_see_other(const struct test_http_response *res,
                                                     const char *location)
{
    if (res->status != 303)
        TEST_FAIL("status %ld, want 303; body: %s", res->status, res->body);
    ASSERT_STR_EQ(test_http_header(res, "Location"), location);
}

static __attribute__((unused)) struct test_http_response page(struct test_http_client *c,
                                                              const char *path, long status)
{
    struct test_http_response res = test_http_get(c, path);
    expect_html(&res, status);
    return res;
}

static __attribute__((unused)) int occurrences(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + strlen(needle), needle))
        n++;
    return n;
}

/* The value of the page's hidden csrf field (static buffer). */
static __attribute__((unused)) const char *csrf_field(const struct test_http_response *res)
{
    static char token[80];
    const char *at = strstr(res->body, "name=\"csrf\" value=\"");
    if (at == NULL)
        TEST_FAIL("no csrf field in: %s", res->body);
    at += strlen("name=\"csrf\" value=\"");
    size_t len = strcspn(at, "\"");
    ASSERT_EQ_INT(len, 64);
    snprintf(token, sizeof(token), "%.*s", (int)len, at);
    return token;
}

/* GET `form_path` for its token, then POST `fields` (URL-encoded) with it to `path`. */
static __attribute__((unused)) struct test_http_response
submit(struct test_http_client *c, const char *form_path, const char *path, const char *fields)
{
    struct test_http_response form = test_http_get(c, form_path);
    if (form.status != 200)
        TEST_FAIL("GET %s: %ld: %s", form_path, form.status, form.body);
    char *body = strdup(api_fmt("csrf=%s&%s", csrf_field(&form), fields));
    test_http_response_free(&form);
    struct test_http_response res = test_http_request(c, "POST", path, FORM_TYPE, body, NULL);
    free(body);
    return res;
}

/* "q-1=0&q-2=1...": positions for items 1..count. */
static __attribute__((unused)) const char *answers(const int *positions, int count)
{
    static char out[256];
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < count; i++)
        used += (size_t)snprintf(out + used, sizeof(out) - used, "%sq-%d=%d", i ? "&" : "", i + 1,
                                 positions[i]);
    return out;
}

#endif
