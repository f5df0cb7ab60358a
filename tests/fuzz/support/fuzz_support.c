/* fuzz_support.c - see fuzz_support.h. */
#include "fuzz/support/fuzz_support.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"

#define FUZZ_NOW 1795521600LL /* 2026-11-24T12:00:00Z */

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "fuzz: %s:%d: invariant broken: %s\n", file, line, what);
    abort();
}

int fuzz_fields(const uint8_t *data, size_t size, char **fields, size_t *lens, int max)
{
    char *copy = malloc(size + 1);
    if (copy == NULL)
        abort();
    if (size > 0)
        memcpy(copy, data, size);
    copy[size] = '\0';
    int count = 0;
    char *start = copy, *end = copy + size;
    while (count < max - 1) {
        char *nl = memchr(start, '\n', (size_t)(end - start));
        if (nl == NULL)
            break;
        *nl = '\0';
        fields[count] = start;
        lens[count] = (size_t)(nl - start);
        count++;
        start = nl + 1;
    }
    fields[count] = start;
    lens[count] = (size_t)(end - start);
    return count + 1;
}

void fuzz_request_init(struct fuzz_request *f, const char *method, const char *path,
                       const char *body, size_t len)
{
    memset(f, 0, sizeof(*f));
    f->req.method = method;
    f->req.path = path;
    f->req.body = body;
    f->req.body_len = len;
    f->req.lang = LANG_SV;
    f->req.now = FUZZ_NOW;
    f->req.arena = arena_new();
    f->req.conn = &f->conn;
}

void fuzz_request_set(struct fuzz_request *f, enum fuzz_value_kind kind, const char *name,
                      const char *value)
{
    if (f->conn.count == FUZZ_MAX_VALUES)
        abort();
    f->conn.kind[f->conn.count] = kind;
    f->conn.name[f->conn.count] = name;
    f->conn.value[f->conn.count] = value;
    f->conn.count++;
}

void fuzz_request_release(struct fuzz_request *f)
{
    arena_free(f->req.arena);
    f->req.arena = NULL;
}

/* The one libmicrohttpd function the request helpers call (http.c): here it answers from the
 * fuzz_request's values, as libmicrohttpd would from what it parsed (header names compare
 * without case, query arguments and cookies with case). */
const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                        const char *key)
{
    const struct fuzz_conn *conn = (const struct fuzz_conn *)(void *)connection;
    enum fuzz_value_kind want = kind == MHD_HEADER_KIND         ? FUZZ_HEADER
                                : kind == MHD_GET_ARGUMENT_KIND ? FUZZ_QUERY
                                : kind == MHD_COOKIE_KIND       ? FUZZ_COOKIE
                                                                : (enum fuzz_value_kind) - 1;
    if (conn == NULL || key == NULL)
        return NULL;
    for (int i = 0; i < conn->count; i++) {
        if (conn->kind[i] != want)
            continue;
        bool same = want == FUZZ_HEADER ? strcasecmp(conn->name[i], key) == 0
                                        : strcmp(conn->name[i], key) == 0;
        if (same)
            return conn->value[i];
    }
    return NULL;
}

bool fuzz_utf8_valid(const char *text)
{
    static const unsigned minimum[] = { 0, 0x80, 0x800, 0x10000 };
    const unsigned char *s = (const unsigned char *)text;
    while (*s != '\0') {
        int extra = *s < 0x80                  ? 0
                    : *s >= 0xc2 && *s <= 0xdf ? 1
                    : *s >= 0xe0 && *s <= 0xef ? 2
                    : *s >= 0xf0 && *s <= 0xf4 ? 3
                                               : -1;
        if (extra < 0)
            return false;
        unsigned code = *s & (0x7fu >> extra);
        for (int i = 1; i <= extra; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return false;
            code = (code << 6) | (s[i] & 0x3fu);
        }
        if (code < minimum[extra] || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)
            return false;
        s += extra + 1;
    }
    return true;
}
