/* router.c - from a request to its handler: path pattern, method, body type, session, role,
 * CSRF token, in that order, so a client learns no more than each step allows (an anonymous
 * client gets 404/405/415 for what does not exist, 401 for everything else). */
#include "http/router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/web/web.h"

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

/* Where a page sends someone who must log in first: back to the page after the login. */
static void redirect_to_login(struct http_request *req, struct http_response *res)
{
    if (safe_method(req->method))
        web_redirect(req, res, http_printf(req, "/login?next=%s", web_url_encode(req, req->path)));
    else
        web_redirect(req, res, "/login");
}

/* The refusal for a missing or dead session: a problem for the API, the login page for people. */
static void refuse_no_session(struct http_request *req, struct http_response *res, bool html,
                              const char *detail)
{
    if (html)
        redirect_to_login(req, res);
    else
        http_problem(req, res, 401, "Not logged in", detail, NULL);
}

/* The CSRF token a state-changing request carries: the form field for pages, else the header. */
static const char *given_csrf(struct http_request *req, bool html)
{
    if (!html)
        return http_header(req, AUTH_CSRF_HEADER);
    return req->form ? web_form_get(req->form, "csrf") : NULL;
}

/* Load the session for a route with roles and check role and CSRF token; answers and returns
 * false when the request may not go on. */
static bool session_allows(const struct route *route, struct http_request *req,
                           struct http_response *res, bool html)
{
    const char *token = http_cookie(req, AUTH_COOKIE);
    if (token == NULL) {
        refuse_no_session(req, res, html, "log in first: this needs a session");
        return false;
    }
    struct auth_session *session = http_alloc(req, sizeof(*session));
    struct error err;
    error_clear(&err);
    enum err_code rc = auth_session_load(req->app, token, req->now, session, &err);
    if (rc == ERR_UNAUTHORIZED) {
        refuse_no_session(req, res, html, http_strdup(req, err.message));
        return false;
    }
    if (rc != ERR_OK) {
        if (html) {
            fprintf(stderr, "stegvis: %s %s: session: %s\n", req->method, req->path, err.message);
            web_error_page(req, res, rc == ERR_UNAVAILABLE ? 503 : 500, NULL);
        } else {
            http_problem_from_error(req, res, &err);
        }
        return false;
    }
    req->session = session;
    if ((session->role & route->roles) == 0) {
        if (html)
            web_error_page(req, res, 403, NULL);
        else
            http_problem(req, res, 403, "Forbidden",
                         http_printf(req, "the role %s may not use %s %s", role_name(session->role),
                                     req->method, route->pattern),
                         NULL);
        return false;
    }
    if (!safe_method(req->method) && !auth_csrf_ok(session, given_csrf(req, html))) {
        if (html)
            web_error_page(req, res, 403, web_t(req, "error.csrf"));
        else
            http_problem(
                req, res, 403, "Missing or wrong CSRF token",
                "send the session's token (csrf_token from the login) in the " AUTH_CSRF_HEADER
                " header",
                NULL);
        return false;
    }
    return true;
}

/* The method as a 405 problem may quote it: only an RFC 9110 token (JSON needs UTF-8, and a
 * detail should not echo arbitrary bytes), else a description. */
static const char *method_for_detail(const char *method)
{
    static const char tchar[] = "!#$%&'*+-.^_`|~0123456789"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    size_t len = strlen(method);
    if (len == 0 || len > 32 || strspn(method, tchar) != len)
        return "this method";
    return method;
}

/* 404 and 405 for a path, as a problem or (`html`) as a page. */
static void refuse_path(const struct route *routes, int count, const struct segments *path,
                        bool path_known, bool html, struct http_request *req,
                        struct http_response *res)
{
    if (!path_known) {
        if (html)
            web_error_page(req, res, 404, NULL);
        else
            http_problem(req, res, 404, "Not Found", "there is nothing at this address", NULL);
        return;
    }
    const char *allow = allowed_methods(routes, count, path, req);
    if (html)
        web_error_page(req, res, 405, NULL);
    else
        http_problem(req, res, 405, "Method Not Allowed",
                     http_printf(req, "%s is not allowed here; allowed: %s",
                                 method_for_detail(req->method), allow),
                     NULL);
    http_add_header(res, "Allow", allow);
}

static void refuse_body_type(const struct route *route, bool html, struct http_request *req,
                             struct http_response *res)
{
    if (html)
        web_error_page(req, res, 415, NULL);
    else
        http_problem(req, res, 415, "Unsupported Media Type",
                     route->body == BODY_JSON
                         ? "the body must be application/json"
                         : "the body must be application/x-www-form-urlencoded",
                     NULL);
}

static void dispatch(const struct route *routes, int count, bool all_html, struct http_request *req,
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
    if (route == NULL) {
        refuse_path(routes, count, &path, path_known, all_html, req, res);
        return;
    }
    bool html = all_html || (route->flags & ROUTE_HTML) != 0;
    if (!body_type_ok(route, req)) {
        refuse_body_type(route, html, req, res);
        return;
    }
    if (html && route->body != BODY_JSON && !safe_method(req->method)) {
        struct web_form *form = http_alloc(req, sizeof(*form));
        web_form_parse(req, form);
        req->form = form;
    }
    if (route->roles != 0 && !session_allows(route, req, res, html))
        return;
    (void)path_matches(route->pattern, &path, req);
    route->handler(req, res);
}

void router_dispatch(const struct route *routes, int count, struct http_request *req,
                     struct http_response *res)
{
    dispatch(routes, count, false, req, res);
}

void router_dispatch_html(const struct route *routes, int count, struct http_request *req,
                          struct http_response *res)
{
    dispatch(routes, count, true, req, res);
}
