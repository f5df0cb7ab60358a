/* router.h - the route table and dispatch: path patterns, 404/405, sessions, roles, CSRF. */
#ifndef STEGVIS_HTTP_ROUTER_H
#define STEGVIS_HTTP_ROUTER_H

#include "http/auth.h"
#include "http/http.h"

typedef void (*route_handler)(struct http_request *req, struct http_response *res);

enum route_body { BODY_NONE = 0, BODY_JSON, BODY_FORM };

struct route {
    const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *pattern; /* "/api/v1/patients/{id}/episodes": {name} matches one segment */
    route_handler handler;
    unsigned roles;       /* enum role bits allowed; 0 = public (no session needed) */
    enum route_body body; /* what Content-Type a request body must have (415 otherwise) */
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

#endif
