/* http.c - the request and response helpers of http.h. The only libmicrohttpd calls here are
 * the look-ups of query arguments, headers and cookies on the request's connection. */
#include "http/http.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

/* ---- request helpers ---------------------------------------------------------------------- */

static const char *connection_value(struct http_request *req, enum MHD_ValueKind kind,
                                    const char *name)
{
    if (req->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(req->conn, kind, name);
}

const char *http_query(struct http_request *req, const char *name)
{
    return connection_value(req, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(struct http_request *req, const char *name)
{
    return connection_value(req, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_request *req, const char *name)
{
    return connection_value(req, MHD_COOKIE_KIND, name);
}

void *http_alloc(struct http_request *req, size_t size)
{
    return arena_alloc(req->arena, size);
}

char *http_strdup(struct http_request *req, const char *s)
{
    return arena_strdup(req->arena, s);
}

char *http_printf(struct http_request *req, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(req->arena, fmt, ap);
    va_end(ap);
    return s;
}

/* jansson's parse error may quote the bad bytes of the body, which need not be UTF-8; a problem
 * detail must be (else it cannot be serialised and the client gets 500): printable ASCII only,
 * anything else as '?'. */
static const char *printable_ascii(struct http_request *req, const char *text)
{
    char *out = http_strdup(req, text);
    for (char *p = out; *p != '\0'; p++)
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
    return out;
}

json_t *http_json_body(struct http_request *req, struct http_response *res)
{
    if (req->body_len == 0) {
        http_problem(req, res, 400, "A JSON body is required",
                     "the request has no body: send a JSON object as application/json", NULL);
        return NULL;
    }
    json_error_t error;
    json_t *root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &error);
    if (root == NULL) {
        http_problem(req, res, 400, "Malformed JSON",
                     http_printf(req, "line %d, column %d: %s", error.line, error.column,
                                 printable_ascii(req, error.text)),
                     NULL);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        http_problem(req, res, 422, "Unprocessable Content", "the body must be a JSON object", "");
        return NULL;
    }
    return root;
}

/* ---- response helpers --------------------------------------------------------------------- */

void http_add_header(struct http_response *res, const char *name, const char *value)
{
    if (res->header_count >= HTTP_MAX_HEADERS) {
        fprintf(stderr, "stegvis: response header %s dropped: more than %d headers\n", name,
                HTTP_MAX_HEADERS);
        return;
    }
    res->headers[res->header_count].name = name;
    res->headers[res->header_count].value = value;
    res->header_count++;
}

void http_text(struct http_request *req, struct http_response *res, int status,
               const char *content_type, const char *text, size_t len)
{
    res->status = status;
    res->content_type = http_strdup(req, content_type);
    res->body = http_alloc(req, len + 1); /* zeroed: the copy stays NUL-terminated */
    memcpy(res->body, text, len);
    res->body_len = len;
}

/* `text` (malloc'd, NULL when it could not be made) as the response body; 500 when NULL. */
static void send_text(struct http_request *req, struct http_response *res, int status,
                      const char *content_type, char *text, size_t len)
{
    if (text == NULL) {
        fprintf(stderr, "stegvis: cannot serialise a JSON response for %s %s\n", req->method,
                req->path);
        static const char fallback[] =
            "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500}";
        http_text(req, res, 500, "application/problem+json", fallback, sizeof(fallback) - 1);
        return;
    }
    http_text(req, res, status, content_type, text, len);
    free(text);
}

/* Serialise `obj` (reference taken) as the response body; 500 when it cannot be. */
static void send_json(struct http_request *req, struct http_response *res, int status,
                      const char *content_type, json_t *obj)
{
    char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    send_text(req, res, status, content_type, text, text ? strlen(text) : 0);
}

void http_jsonw(struct http_request *req, struct http_response *res, int status, struct jsonw *w)
{
    size_t len = 0;
    char *text = jsonw_take(w, &len);
    send_text(req, res, status, "application/json", text, len);
}

void http_json(struct http_request *req, struct http_response *res, int status, json_t *obj)
{
    send_json(req, res, status, "application/json", obj);
}

/* What a client sees instead of the real cause of a server-side failure. */
static const char *generic_detail(int status)
{
    if (status == 503)
        return "The service is busy or unavailable; please try again shortly.";
    return "An internal error occurred; it has been logged.";
}

/* The problem document as given (no logging, no generic detail). */
static void send_problem(struct http_request *req, struct http_response *res, int status,
                         const char *title, const char *detail, const char *pointer)
{
    json_t *obj = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title, "status",
                            status, "detail", detail ? detail : "");
    if (obj != NULL && pointer != NULL) {
        json_t *errors =
            json_pack("[{s:s, s:s}]", "pointer", pointer, "detail", detail ? detail : "");
        if (errors == NULL || json_object_set_new(obj, "errors", errors) != 0) {
            json_decref(obj);
            obj = NULL;
        }
    }
    send_json(req, res, status, "application/problem+json", obj);
}

void http_problem(struct http_request *req, struct http_response *res, int status,
                  const char *title, const char *detail, const char *pointer)
{
    if (status >= 500) {
        fprintf(stderr, "stegvis: %d on %s %s: %s\n", status, req->method, req->path,
                detail ? detail : "(no detail)");
        send_problem(req, res, status, title, generic_detail(status), NULL);
        return;
    }
    send_problem(req, res, status, title, detail, pointer);
}

int http_status_of_error(enum err_code code)
{
    switch (code) {
    case ERR_INVALID:
    case ERR_UNPROCESSABLE:
        return 422;
    case ERR_NOT_FOUND:
        return 404;
    case ERR_CONFLICT:
        return 409;
    case ERR_FORBIDDEN:
        return 403;
    case ERR_UNAUTHORIZED:
        return 401;
    case ERR_GONE:
        return 410;
    case ERR_TOO_LARGE:
        return 413;
    case ERR_UNAVAILABLE:
        return 503;
    default:
        return 500;
    }
}

static const char *title_of_status(int status)
{
    switch (status) {
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Content Too Large";
    case 422:
        return "Unprocessable Content";
    case 503:
        return "Service Unavailable";
    default:
        return "Internal Server Error";
    }
}

/* The error's field as a JSON pointer: kept when it is one, else "/name" with '~' and '/'
 * escaped (RFC 6901). NULL when there is no field. */
static const char *field_pointer(struct http_request *req, const char *field)
{
    if (field[0] == '\0')
        return NULL;
    if (field[0] == '/')
        return field;
    size_t len = strlen(field);
    char *out = http_alloc(req, 2 * len + 2);
    char *p = out;
    *p++ = '/';
    for (const char *s = field; *s != '\0'; s++) {
        if (*s == '~' || *s == '/') {
            *p++ = '~';
            *p++ = *s == '~' ? '0' : '1';
        } else {
            *p++ = *s;
        }
    }
    return out;
}

void http_problem_from_error(struct http_request *req, struct http_response *res,
                             const struct error *err)
{
    int status = http_status_of_error(err->code);
    if (status >= 500) {
        fprintf(stderr, "stegvis: %d on %s %s: %s: %s\n", status, req->method, req->path,
                error_code_name(err->code), err->message);
        send_problem(req, res, status, title_of_status(status), generic_detail(status), NULL);
        return;
    }
    send_problem(req, res, status, title_of_status(status),
                 http_strdup(req, err->message[0] ? err->message : title_of_status(status)),
                 field_pointer(req, err->field));
}
