/* router.c - from a request to its handler: path pattern, method, body type, session, role,
 * CSRF token, in that order, so a client learns no more than each step allows (an anonymous
 * client gets 404/405/415 for what does not exist, 401 for everything else). */
#include "http/router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ROUTER_MAX_SEGMENTS 16

/* A path cut at its slashes: "/api/v1/me" is "api", "v1", "me"; "/" has none. An empty segment
 * ("//", a trailing "/") is kept with length 0, so it matches nothing. */
struct segments {
    const char *start[ROUTER_MAX_SEGMENTS];
    size_t len[ROUTER_MAX_SEGMENTS];
    int count; /* -1 when the path has too many segments or does not start with '/' */
};

static void split_path(const char *path, struct segments *out)
{
    out->count = 0;
    if (path == NULL || path[0] != '/') {
        out->count = -1;
        return;
    }
    if (path[1] == '\0')
        return;
    const char *p = path + 1;
    for (;;) {
        if (out->count == ROUTER_MAX_SEGMENTS) {
            out->count = -1;
            return;
        }
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        out->start[out->count] = p;
        out->len[out->count] = len;
        out->count++;
        if (slash == NULL)
            return;
        p = slash + 1;
    }
}

static bool is_param(const char *segment, size_t len)
{
    return len >= 2 && segment[0] == '{' && segment[len - 1] == '}';
}

/* Whether `pattern` matches the path; when `req` is not NULL the {params} are copied into it. */
static bool path_matches(const char *pattern, const struct segments *path, struct http_request *req)
{
    struct segments pat;
    split_path(pattern, &pat);
    if (pat.count < 0 || path->count < 0 || pat.count != path->count)
        return false;
    for (int i = 0; i < pat.count; i++) {
        if (is_param(pat.start[i], pat.len[i])) {
            if (path->len[i] == 0)
                return false;
        } else if (pat.len[i] != path->len[i] ||
                   memcmp(pat.start[i], path->start[i], pat.len[i]) != 0) {
            return false;
        }
    }
    if (req == NULL)
        return true;
    req->param_count = 0;
    for (int i = 0; i < pat.count && req->param_count < HTTP_MAX_PARAMS; i++)
        if (is_param(pat.start[i], pat.len[i]))
            req->params[req->param_count++] =
                http_printf(req, "%.*s", (int)path->len[i], path->start[i]);
    return true;
}

/* HEAD is answered by the GET route (libmicrohttpd leaves the body out). */
static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/* "GET, POST": the methods of the routes whose path matches, in a fixed order so the answer
 * does not depend on the order of the table; methods outside that order follow. */
static const char *allowed_methods(const struct route *routes, int count,
                                   const struct segments *path, struct http_request *req)
{
    static const char *const order[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
    const char *list[16];
    int n = 0;
    for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++)
        for (int i = 0; i < count; i++)
            if (strcmp(routes[i].method, order[o]) == 0 &&
                path_matches(routes[i].pattern, path, NULL)) {
                list[n++] = order[o];
                break;
            }
    for (int i = 0; i < count && n < 16; i++) {
        bool seen = false;
        for (int k = 0; k < n && !seen; k++)
            seen = strcmp(list[k], routes[i].method) == 0;
        if (!seen && path_matches(routes[i].pattern, path, NULL))
            list[n++] = routes[i].method;
    }
    const char *text = "";
    for (int k = 0; k < n; k++)
        text = k == 0 ? list[k] : http_printf(req, "%s, %s", text, list[k]);
    return text;
}

/* The media type before ';' matches `want` and the only parameter, if any, is charset=utf-8. */
static bool content_type_is(const char *header, const char *want)
{
    size_t want_len = strlen(want);
    while (*header == ' ' || *header == '\t')
        header++;
    if (strncasecmp(header, want, want_len) != 0)
        return false;
    const char *rest = header + want_len;
    rest += strspn(rest, " \t");
    if (*rest == '\0')
        return true;
    if (*rest != ';')
        return false;
    rest++;
    rest += strspn(rest, " \t");
    if (strncasecmp(rest, "charset=", 8) != 0)
        return false;
    rest += 8;
    if (strncasecmp(rest, "utf-8", 5) == 0)
        rest += 5;
    else if (strncasecmp(rest, "\"utf-8\"", 7) == 0)
        rest += 7;
    else
        return false;
    rest += strspn(rest, " \t");
    return *rest == '\0';
}

static bool body_type_ok(const struct route *route, struct http_request *req)
{
    if (req->body_len == 0 || route->body == BODY_NONE)
        return true;
    const char *type = http_header(req, "Content-Type");
    if (type == NULL)
        return false;
    if (route->body == BODY_JSON)
        return content_type_is(type, "application/json");
    return content_type_is(type, "application/x-www-form-urlencoded");
}

static bool safe_method(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* Load the session for a route with roles and check role and CSRF token; answers the problem
 * and returns false when the request may not go on. */
static bool session_allows(const struct route *route, struct http_request *req,
                           struct http_response *res)
{
    const char *token = http_cookie(req, AUTH_COOKIE);
    if (token == NULL) {
        http_problem(req, res, 401, "Not logged in", "log in first: this needs a session", NULL);
        return false;
    }
    struct auth_session *session = http_alloc(req, sizeof(*session));
    struct error err;
    error_clear(&err);
    enum err_code rc = auth_session_load(req->app, token, req->now, session, &err);
    if (rc == ERR_UNAUTHORIZED) {
        http_problem(req, res, 401, "Not logged in", http_strdup(req, err.message), NULL);
        return false;
    }
    if (rc != ERR_OK) {
        http_problem_from_error(req, res, &err);
        return false;
    }
    req->session = session;
    if ((session->role & route->roles) == 0) {
        http_problem(req, res, 403, "Forbidden",
                     http_printf(req, "the role %s may not use %s %s", role_name(session->role),
                                 req->method, route->pattern),
                     NULL);
        return false;
    }
    if (!safe_method(req->method) && !auth_csrf_ok(session, http_header(req, AUTH_CSRF_HEADER))) {
        http_problem(req, res, 403, "Missing or wrong CSRF token",
                     "send the session's token (csrf_token from the login) in the " AUTH_CSRF_HEADER
                     " header",
                     NULL);
        return false;
    }
    return true;
}

void router_dispatch(const struct route *routes, int count, struct http_request *req,
                     struct http_response *res)
{
    struct segments path;
    split_path(req->path, &path);
    const struct route *route = NULL;
    bool path_known = false;
    for (int i = 0; i < count && route == NULL; i++) {
        if (!path_matches(routes[i].pattern, &path, NULL))
            continue;
        path_known = true;
        if (method_matches(routes[i].method, req->method))
            route = &routes[i];
    }
    if (!path_known) {
        http_problem(req, res, 404, "Not Found", "there is nothing at this address", NULL);
        return;
    }
    if (route == NULL) {
        const char *allow = allowed_methods(routes, count, &path, req);
        http_problem(req, res, 405, "Method Not Allowed",
                     http_printf(req, "%s is not allowed here; allowed: %s", req->method, allow),
                     NULL);
        http_add_header(res, "Allow", allow);
        return;
    }
    if (!body_type_ok(route, req)) {
        http_problem(req, res, 415, "Unsupported Media Type",
                     route->body == BODY_JSON
                         ? "the body must be application/json"
                         : "the body must be application/x-www-form-urlencoded",
                     NULL);
        return;
    }
    if (route->roles != 0 && !session_allows(route, req, res))
        return;
    (void)path_matches(route->pattern, &path, req);
    route->handler(req, res);
}
