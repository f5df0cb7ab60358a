/* fuzz_router.c - the router (http/router.h) over the real route tables, as the server runs it:
 * paths under /api/ through router_dispatch() with api_routes(), the rest through
 * router_dispatch_html() with web_routes(). The tables are copied once with every handler
 * replaced by one that only records the call, so no store is needed: pattern matching, 404/405
 * with Allow, 415, the form decoding of page posts, and the refusals without a session (401 or
 * a 303 to /login) all run for real.
 *
 * Input: "METHOD\nPATH\nCONTENT-TYPE\nBODY" (an empty Content-Type is left out). Invariants:
 * - either a handler ran, for a public route (there is no session), with the method asked (HEAD
 *   runs GET) and one non-empty parameter without '/' per {name} of its pattern; or the router
 *   answered 303, 401, 404, 405 or 415 itself;
 * - 405 has an Allow header that does not list the method asked;
 * - 303 goes to /login, a local path;
 * - an API answer is a problem document whose "status" is the response's status. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/support/fuzz_support.h"
#include "http/api/api.h"
#include "http/web/web.h"

#define FUZZ_MAX_ROUTES 256

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct table {
    struct route routes[FUZZ_MAX_ROUTES];
    int count;
};

static struct table api_table, web_table;
static bool handled; /* a handler ran for this input */

static void record(struct http_request *req, struct http_response *res)
{
    (void)req;
    res->status = 299;
    handled = true;
}

static void copy_table(struct table *t, const struct route *routes, int count)
{
    if (count > FUZZ_MAX_ROUTES)
        abort();
    memcpy(t->routes, routes, (size_t)count * sizeof(*routes));
    for (int i = 0; i < count; i++)
        t->routes[i].handler = record;
    t->count = count;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int count = 0;
    const struct route *routes = api_routes(&count);
    copy_table(&api_table, routes, count);
    routes = web_routes(&count);
    copy_table(&web_table, routes, count);
    return 0;
}

static const char *header(const struct http_response *res, const char *name)
{
    for (int i = 0; i < res->header_count; i++)
        if (strcmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    return NULL;
}

static int pattern_params(const char *pattern)
{
    int n = 0;
    for (const char *p = strchr(pattern, '{'); p != NULL; p = strchr(p + 1, '{'))
        n++;
    return n;
}

/* Some public route of `t` has the method asked and as many parameters as were given. */
static bool public_route_fits(const struct table *t, const struct http_request *req)
{
    const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
    for (int i = 0; i < t->count; i++)
        if (t->routes[i].roles == 0 && strcmp(t->routes[i].method, method) == 0 &&
            pattern_params(t->routes[i].pattern) == req->param_count)
            return true;
    return false;
}

static void check_handled(const struct table *t, const struct http_request *req)
{
    FUZZ_CHECK(req->session == NULL);
    FUZZ_CHECK(req->param_count >= 0 && req->param_count <= HTTP_MAX_PARAMS);
    for (int i = 0; i < req->param_count; i++)
        FUZZ_CHECK(req->params[i][0] != '\0' && strchr(req->params[i], '/') == NULL);
    FUZZ_CHECK(public_route_fits(t, req));
}

/* Whether the "GET, POST" list `allow` names `method`. */
static bool allow_lists(const char *allow, const char *method)
{
    size_t len = strlen(method);
    for (const char *p = allow; *p != '\0'; p += strspn(p, ", ")) {
        size_t n = strcspn(p, ",");
        if (n == len && memcmp(p, method, len) == 0)
            return true;
        p += n;
    }
    return false;
}

static void check_refused(const struct http_request *req, const struct http_response *res, bool api)
{
    int s = res->status;
    FUZZ_CHECK(s == 303 || s == 401 || s == 404 || s == 405 || s == 415);
    FUZZ_CHECK(res->body != NULL || s == 303);
    if (s == 405) {
        const char *allow = header(res, "Allow");
        FUZZ_CHECK(allow != NULL && allow[0] != '\0');
        FUZZ_CHECK(!allow_lists(allow, req->method));
    }
    if (s == 303) {
        const char *to = header(res, "Location");
        FUZZ_CHECK(to != NULL && strncmp(to, "/login", 6) == 0 && web_local_path(to));
    }
    if (api) {
        json_t *doc = json_loadb(res->body, res->body_len, 0, NULL);
        FUZZ_CHECK(doc != NULL);
        FUZZ_CHECK(json_integer_value(json_object_get(doc, "status")) == s);
        json_decref(doc);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *fields[4];
    size_t lens[4];
    if (fuzz_fields(data, size, fields, lens, 4) < 4) {
        free(fields[0]);
        return 0;
    }
    struct fuzz_request f;
    fuzz_request_init(&f, fields[0], fields[1], fields[3], lens[3]);
    if (fields[2][0] != '\0')
        fuzz_request_set(&f, FUZZ_HEADER, "Content-Type", fields[2]);
    bool api = strncmp(f.req.path, "/api/", 5) == 0;
    const struct table *t = api ? &api_table : &web_table;
    handled = false;
    if (api)
        router_dispatch(t->routes, t->count, &f.req, &f.res);
    else
        router_dispatch_html(t->routes, t->count, &f.req, &f.res);
    if (handled)
        check_handled(t, &f.req);
    else
        check_refused(&f.req, &f.res, api);
    fuzz_request_release(&f);
    free(fields[0]);
    return 0;
}
