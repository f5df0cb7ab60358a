/* fuzz_support.h - what the libFuzzer targets (tests/fuzz/fuzz_*.c) share: cutting an input into
 * text fields, a request as the server would build it, and invariant checks that abort.
 *
 * A request's headers, query arguments and cookies are what libmicrohttpd parsed off the wire;
 * the handlers read them through http_header()/http_query()/http_cookie(), which ask
 * MHD_lookup_connection_value() about req->conn. The fuzz targets have no socket, so
 * fuzz_support.c defines that one libmicrohttpd function over the values a target gives
 * (fuzz_request_set()); everything else runs the project's real code. */
#ifndef STEGVIS_FUZZ_SUPPORT_H
#define STEGVIS_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

/* Abort (libFuzzer then saves the input) with a message when `cond` is false. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond);                                                  \
    } while (0)

void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* The input as text fields: a copy of `data` with every '\n' among the first `max - 1` ones
 * made a NUL, so fields[0..*count-1] are NUL-terminated strings (the last field keeps any
 * further newlines). Bytes 0 inside a field stay, so strlen() may be shorter than the field;
 * lens[] has each field's full length. The copy is one malloc: free(fields[0]) (never NULL,
 * also for empty input). */
int fuzz_fields(const uint8_t *data, size_t size, char **fields, size_t *lens, int max);

/* A value the request's connection knows. */
enum fuzz_value_kind { FUZZ_HEADER, FUZZ_QUERY, FUZZ_COOKIE };

#define FUZZ_MAX_VALUES 8

/* One request with its own arena, response and connection values. */
struct fuzz_request {
    struct http_request req;
    struct http_response res;
    struct fuzz_conn {
        int count;
        enum fuzz_value_kind kind[FUZZ_MAX_VALUES];
        const char *name[FUZZ_MAX_VALUES];
        const char *value[FUZZ_MAX_VALUES];
    } conn;
};

/* Start a request: a new arena, `body` of `len` bytes (kept by reference, must be NUL-terminated
 * at `len`), no values. Swedish, no app, no session, now = 2026-11-24T12:00:00Z. */
void fuzz_request_init(struct fuzz_request *f, const char *method, const char *path,
                       const char *body, size_t len);

/* Give the connection a header, query argument or cookie (strings kept by reference). */
void fuzz_request_set(struct fuzz_request *f, enum fuzz_value_kind kind, const char *name,
                      const char *value);

/* Free the arena (and with it everything the request and response hold). */
void fuzz_request_release(struct fuzz_request *f);

/* Whether `s` is well-formed UTF-8 (no overlong forms, surrogates, or code points past
 * U+10FFFF). */
bool fuzz_utf8_valid(const char *s);

#endif
