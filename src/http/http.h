/* http.h - one request and its response, as handlers see them.
 *
 * The server (server.c) builds a `struct http_request` for each request once its body is in,
 * runs the router, and sends the `struct http_response` the handler filled. Handlers never touch
 * libmicrohttpd. Memory a handler needs for the life of the request comes from the request's
 * arena (http_alloc / http_strdup), freed in one go when the request completes.
 */
#ifndef STEGVIS_HTTP_HTTP_H
#define STEGVIS_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/jsonw.h"
#include "core/types.h"

#define HTTP_MAX_BODY    (64 * 1024) /* request bodies above this get 413 */
#define HTTP_MAX_PARAMS  4
#define HTTP_MAX_HEADERS 12

struct app;          /* app.h: the store, catalogue, rules and settings shared by handlers */
struct auth_session; /* auth.h: the logged-in staff member, if any */
struct arena;
struct web_form; /* web/web.h: a decoded HTML form */

struct http_request {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* without the query string */
    const char *body;   /* NUL-terminated; "" when none */
    size_t body_len;
    const char *params[HTTP_MAX_PARAMS]; /* the {name} parts of the route, in order */
    int param_count;
    struct app *app;
    struct auth_session *session; /* NULL when not logged in (set by the router) */
    enum lang lang;               /* cookie "lang", then Accept-Language; Swedish by default */
    long long now;                /* seconds since the epoch, taken once per request */
    struct arena *arena;
    void *conn;            /* the server's connection handle: only server.c uses it */
    struct web_form *form; /* an HTML route's form body, decoded once by the router; or NULL */
};

struct http_header {
    const char *name;
    const char *value;
};

struct http_response {
    int status; /* 0 until a handler sets one */
    const char *content_type;
    char *body; /* arena memory */
    size_t body_len;
    int header_count;
    struct http_header headers[HTTP_MAX_HEADERS];
};

/* ---- request helpers ---------------------------------------------------------------------- */

/* A query-string argument, URL-decoded, or NULL. */
const char *http_query(struct http_request *req, const char *name);

/* A request header (case-insensitive name), or NULL. */
const char *http_header(struct http_request *req, const char *name);

/* A cookie's value, or NULL. */
const char *http_cookie(struct http_request *req, const char *name);

/* Arena memory that lives until the request completes. Never NULL (out of memory aborts). */
void *http_alloc(struct http_request *req, size_t size);
char *http_strdup(struct http_request *req, const char *s);
char *http_printf(struct http_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The body as a JSON object, duplicate keys rejected. On failure answers 400 (malformed, with
 * the line and column) or 422 (not an object) in `res` and returns NULL. The caller owns the
 * returned reference (json_decref). */
json_t *http_json_body(struct http_request *req, struct http_response *res);

/* ---- response helpers --------------------------------------------------------------------- */

/* Answer `status` with `obj` as application/json; takes the reference to `obj`. */
void http_json(struct http_request *req, struct http_response *res, int status, json_t *obj);

/* Answer `status` with the writer's text as application/json; the writer is left empty (released).
 * A failed writer (jsonw.h) answers 500 and logs it. */
void http_jsonw(struct http_request *req, struct http_response *res, int status, struct jsonw *w);

/* Answer an RFC 9457 problem: application/problem+json with type, title, status, detail and,
 * when `pointer` is not NULL, "errors":[{"pointer": pointer, "detail": detail}]. */
void http_problem(struct http_request *req, struct http_response *res, int status,
                  const char *title, const char *detail, const char *pointer);

/* The HTTP status that fits an error code (the mapping below); used by pages and API alike. */
int http_status_of_error(enum err_code code);

/* Answer the problem that fits an error from core or the store: ERR_INVALID and
 * ERR_UNPROCESSABLE 422, ERR_NOT_FOUND 404, ERR_CONFLICT 409, ERR_FORBIDDEN 403,
 * ERR_UNAUTHORIZED 401, ERR_GONE 410, ERR_TOO_LARGE 413, ERR_UNAVAILABLE 503, others 500
 * (with a generic detail: internal messages are logged, not shown). */
void http_problem_from_error(struct http_request *req, struct http_response *res,
                             const struct error *err);

/* Add a response header (both strings must outlive the request: literals or arena). */
void http_add_header(struct http_response *res, const char *name, const char *value);

/* Answer text with the given content type (copied into the arena). */
void http_text(struct http_request *req, struct http_response *res, int status,
               const char *content_type, const char *text, size_t len);

#endif
