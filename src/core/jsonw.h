/* jsonw.h - a JSON text writer: values appended in one pass to a growing buffer (git's strbuf
 * shape), for the API's answers. jansson stays the parser (and builds the few documents whose
 * shape is decided piece by piece); a jansson tree costs an allocation per value, a hash per key
 * and a second pass to serialise, which made up three quarters of a timeline read.
 *
 * The writer places commas and colons itself: call jsonw_key() before each value inside an
 * object, nothing before a value inside an array. Strings must be UTF-8 (everything Stegvis stores
 * came through jansson's validating parser or the seed files); a string that is not, a key outside
 * an object, unbalanced nesting or an answer over the cap makes the writer "failed": further calls
 * do nothing and jsonw_take() returns NULL, so the caller answers 500 instead of sending broken
 * JSON. Out of memory aborts (mem.h). */
#ifndef STEGVIS_CORE_JSONW_H
#define STEGVIS_CORE_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define JSONW_MAX_DEPTH 32
#define JSONW_MAX_BYTES (64u * 1024u * 1024u) /* the cap of one answer: far above any real one */

struct jsonw {
    char *buf;
    size_t len, cap;
    bool failed;
    int depth;                       /* open objects and arrays */
    bool in_object[JSONW_MAX_DEPTH]; /* the container at each depth is an object */
    bool has_value[JSONW_MAX_DEPTH]; /* it has a value already: the next one needs a comma */
    bool want_value;                 /* a key was written: its value comes next */
};

/* An empty writer (no allocation until the first value); release with jsonw_release(). */
void jsonw_init(struct jsonw *w);
void jsonw_release(struct jsonw *w);

/* The text, NUL-terminated, and its length through `len`; the caller frees it and the writer is
 * empty again. NULL (and the writer released) when it failed or nesting is still open. */
char *jsonw_take(struct jsonw *w, size_t *len);

bool jsonw_failed(const struct jsonw *w);

void jsonw_object_open(struct jsonw *w);
void jsonw_object_close(struct jsonw *w);
void jsonw_array_open(struct jsonw *w);
void jsonw_array_close(struct jsonw *w);

/* The key of the next value in the current object: a literal of the code, plain ASCII without
 * '"', '\\' or control characters (copied as it is, never escaped; never user data). */
void jsonw_key(struct jsonw *w, const char *key);

void jsonw_string(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw_int(struct jsonw *w, long long value);
void jsonw_bool(struct jsonw *w, bool value);
void jsonw_null(struct jsonw *w);

/* A value that is JSON text already, copied as it is: the caller vouches that it is one valid
 * JSON value (api_render.c checks a stored answer list's shape first). */
void jsonw_raw(struct jsonw *w, const char *json, size_t len);

/* A jansson value, serialised in place (the reference stays the caller's). */
void jsonw_json(struct jsonw *w, const json_t *value);

/* Key and value in one call, for the common members. */
void jsonw_kstring(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, long long value);
void jsonw_kbool(struct jsonw *w, const char *key, bool value);
void jsonw_knull(struct jsonw *w, const char *key);

#endif
