/* fuzz_form.c - decoding an HTML form body (application/x-www-form-urlencoded) as the pages do:
 * web_form_parse(), web_form_get(), web_form_csrf_ok(), web_url_encode(), web_local_path().
 * (Query strings and cookies are parsed by libmicrohttpd, not by Stegvis.)
 *
 * Input: "CONTENT-TYPE\nCOOKIE\nBODY" (an empty Content-Type or cookie is left out; the cookie is
 * the double-submit stegvis_form token). Invariants:
 * - at most 64 fields, each name and value well-formed UTF-8 without NUL, no longer than the body;
 * - fields only for a form Content-Type and a non-empty body;
 * - web_form_get(name) is the value of the first field of that name;
 * - the fields percent-encoded again (web_url_encode, joined with '&' and '=') decode to the same
 *   fields;
 * - no public page's CSRF check passes without a cookie equal to the field;
 * - web_local_path() accepts only paths that start with one '/' and hold no control character or
 *   backslash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz/support/fuzz_support.h"
#include "http/web/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_local_path(const char *path)
{
    if (!web_local_path(path))
        return;
    FUZZ_CHECK(path[0] == '/' && path[1] != '/' && path[1] != '\\');
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++)
        FUZZ_CHECK(*p >= 0x20 && *p != 0x7f && *p != '\\');
}

static void check_fields(const struct web_form *form, size_t body_len)
{
    FUZZ_CHECK(form->count >= 0 && form->count <= 64);
    for (int i = 0; i < form->count; i++) {
        FUZZ_CHECK(form->name[i] != NULL && form->value[i] != NULL);
        FUZZ_CHECK(strlen(form->name[i]) + strlen(form->value[i]) <= body_len);
        FUZZ_CHECK(fuzz_utf8_valid(form->name[i]) && fuzz_utf8_valid(form->value[i]));
        int first = 0;
        while (strcmp(form->name[first], form->name[i]) != 0)
            first++;
        FUZZ_CHECK(web_form_get(form, form->name[i]) == form->value[first]);
        check_local_path(form->value[i]);
    }
}

/* The fields encoded again, decoded again: the same fields. */
static void check_round_trip(struct http_request *req, const struct web_form *form)
{
    const char *body = "";
    for (int i = 0; i < form->count; i++)
        body = http_printf(req, "%s%s%s=%s", body, i ? "&" : "", web_url_encode(req, form->name[i]),
                           web_url_encode(req, form->value[i]));
    struct fuzz_request again;
    fuzz_request_init(&again, "POST", "/", body, strlen(body));
    fuzz_request_set(&again, FUZZ_HEADER, "Content-Type", "application/x-www-form-urlencoded");
    struct web_form decoded;
    web_form_parse(&again.req, &decoded);
    FUZZ_CHECK(decoded.count == form->count);
    for (int i = 0; i < form->count; i++) {
        FUZZ_CHECK(strcmp(decoded.name[i], form->name[i]) == 0);
        FUZZ_CHECK(strcmp(decoded.value[i], form->value[i]) == 0);
    }
    fuzz_request_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *fields[3];
    size_t lens[3];
    int n = fuzz_fields(data, size, fields, lens, 3);
    const char *type = n > 1 ? fields[0] : "application/x-www-form-urlencoded";
    const char *cookie = n > 2 ? fields[1] : "";
    const char *body = fields[n - 1];
    size_t body_len = lens[n - 1];

    struct fuzz_request f;
    fuzz_request_init(&f, "POST", "/egen-anmalan", body, body_len);
    if (type[0] != '\0')
        fuzz_request_set(&f, FUZZ_HEADER, "Content-Type", type);
    if (cookie[0] != '\0')
        fuzz_request_set(&f, FUZZ_COOKIE, "stegvis_form", cookie);
    struct web_form form;
    web_form_parse(&f.req, &form);
    check_fields(&form, body_len);
    if (form.count > 0) {
        FUZZ_CHECK(body_len > 0);
        FUZZ_CHECK(
            strncasecmp(type + strspn(type, " \t"), "application/x-www-form-urlencoded", 33) == 0);
    }
    const char *csrf = web_form_get(&form, "csrf");
    if (web_form_csrf_ok(&f.req, &form))
        FUZZ_CHECK(csrf != NULL && strcmp(csrf, cookie) == 0);
    check_round_trip(&f.req, &form);
    fuzz_request_release(&f);
    free(fields[0]);
    return 0;
}
