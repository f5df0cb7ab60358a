/* router.h - the route table and dispatch: path patterns, 404/405, sessions, roles, CSRF. */
#ifndef STEGVIS_HTTP_ROUTER_H
#define STEGVIS_HTTP_ROUTER_H

#include "http/auth.h"
#include "http/http.h"

typedef void (*route_handler)(struct http_request *req, struct http_response *res);

enum route_body { BODY_NONE = 0, BODY_JSON, BODY_FORM };

/* Route flags (struct route.flags). */
#define ROUTE_HTML (1u << 0) /* a page: answers for people (see router_dispatch_html) */

struct route {
    const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *pattern; /* "/api/v1/patients/{id}/episodes": {name} matches one segment */
    route_handler handler;
    unsigned roles;       /* enum role bits allowed; 0 = public (no session needed) */
    enum route_body body; /* what Content-Type a request body must have (415 otherwise) */
    unsigned flags;       /* ROUTE_* bits; may be left out of an initializer (0: an API route) */
};

/* The API's routes (src/http/api/routes.c); *count is set. */
const struct route *api_routes(int *count);

/* Dispatch `req` over `routes`:
 * - no pattern matches the path: 404 problem; the path matches but not the method: 405 problem
 *   with an Allow header listing the methods that do match;
 * - a body with the wrong Content-Type for the route: 415;
 * - a route with roles: the session cookie must name a live session (else 401) whose role is in
 *   `roles` (else 403); a state-changing method (not GET/HEAD) must carry the session's CSRF
 *   token in the X-CSRF-Token header (else 403);
 * - then the handler runs with req->params and req->session set. */
void router_dispatch(const struct route *routes, int count, struct http_request *req,
                     struct http_response *res);

/* Dispatch over a table of pages (web_routes()): every route counts as ROUTE_HTML. Routes with
 * ROUTE_HTML (in either table) answer people, not programs:
 * - 404, 405 (with Allow), 415, and 403 for a role that may not use the page, are HTML error
 *   pages (web_error_page);
 * - the form body of a POST (or other non-GET method; any route but BODY_JSON) is decoded once
 *   into req->form (web_form_parse);
 * - a route with roles and no live session answers 303 to /login?next=PATH (GET and HEAD; just
 *   /login for other methods);
 * - a state-changing method on a route with roles must carry the session's CSRF token in the
 *   form field "csrf" (not the header), else an HTML 403. Public pages check their own
 *   double-submit token with web_form_csrf_ok(). */
void router_dispatch_html(const struct route *routes, int count, struct http_request *req,
                          struct http_response *res);

#endif
