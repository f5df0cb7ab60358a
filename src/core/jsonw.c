/* jsonw.c - the JSON text writer of jsonw.h. */
#include "core/jsonw.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define JSONW_FIRST_CAP 4096

void jsonw_init(struct jsonw *w)
{
    memset(w, 0, sizeof(*w));
}

void jsonw_release(struct jsonw *w)
{
    free(w->buf);
    jsonw_init(w);
}

bool jsonw_failed(const struct jsonw *w)
{
    return w->failed;
}

static void fail(struct jsonw *w)
{
    w->failed = true;
}

static bool grow(struct jsonw *w, size_t extra);

/* Room for `extra` more bytes and the terminating NUL; false (failed) over the cap. The common
 * case, room left, costs one comparison; growing is out of line. */
static inline bool reserve(struct jsonw *w, size_t extra)
{
    if (!w->failed && extra < w->cap - w->len)
        return true;
    return grow(w, extra);
}

static bool grow(struct jsonw *w, size_t extra)
{
    if (w->failed)
        return false;
    if (extra > JSONW_MAX_BYTES || w->len + extra + 1 > JSONW_MAX_BYTES) {
        fail(w);
        return false;
    }
    if (w->len + extra + 1 <= w->cap)
        return true;
    size_t cap = w->cap ? w->cap : JSONW_FIRST_CAP;
    while (cap < w->len + extra + 1)
        cap *= 2;
    w->buf = xrealloc(w->buf, cap);
    w->cap = cap;
    return true;
}

static inline void put(struct jsonw *w, const char *text, size_t len)
{
    if (!reserve(w, len))
        return;
    memcpy(w->buf + w->len, text, len);
    w->len += len;
}

static inline void put_char(struct jsonw *w, char c)
{
    if (!reserve(w, 1))
        return;
    w->buf[w->len++] = c;
}

/* Before any value: the comma after a previous array element; inside an object a value must
 * follow its key. At the top level only one value. */
static bool begin_value(struct jsonw *w)
{
    if (w->failed)
        return false;
    if (w->depth == 0) {
        if (w->len != 0)
            fail(w);
        return !w->failed;
    }
    int d = w->depth - 1;
    if (w->in_object[d]) {
        if (!w->want_value)
            fail(w);
        w->want_value = false;
    } else if (w->has_value[d]) {
        put_char(w, ',');
    }
    w->has_value[d] = true;
    return !w->failed;
}

static void open_container(struct jsonw *w, bool object)
{
    if (!begin_value(w))
        return;
    if (w->depth >= JSONW_MAX_DEPTH) {
        fail(w);
        return;
    }
    w->in_object[w->depth] = object;
    w->has_value[w->depth] = false;
    w->depth++;
    put_char(w, object ? '{' : '[');
}

static void close_container(struct jsonw *w, bool object)
{
    if (w->failed)
        return;
    if (w->depth == 0 || w->in_object[w->depth - 1] != object || w->want_value) {
        fail(w);
        return;
    }
    w->depth--;
    put_char(w, object ? '}' : ']');
}

void jsonw_object_open(struct jsonw *w)
{
    open_container(w, true);
}

void jsonw_object_close(struct jsonw *w)
{
    close_container(w, true);
}

void jsonw_array_open(struct jsonw *w)
{
    open_container(w, false);
}

void jsonw_array_close(struct jsonw *w)
{
    close_container(w, false);
}

/* The length of the UTF-8 sequence at `s` (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), 0 when it is not one. `s[0]` is not ASCII. */
static size_t utf8_sequence(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    unsigned char lo = 0x80, hi = 0xbf;
    size_t len = 0;
    if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

static void put_escape(struct jsonw *w, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char text[6] = { '\\', 0, 0, 0, 0, 0 };
    const char *simple = c == '"'    ? "\""
                         : c == '\\' ? "\\"
                         : c == '\n' ? "n"
                         : c == '\r' ? "r"
                         : c == '\t' ? "t"
                         : c == '\b' ? "b"
                         : c == '\f' ? "f"
                                     : NULL;
    if (simple != NULL) {
        text[1] = simple[0];
        put(w, text, 2);
        return;
    }
    memcpy(text + 1, "u00", 3);
    text[4] = hex[c >> 4];
    text[5] = hex[c & 15];
    put(w, text, 6);
}

/* Bytes written as they are: printable ASCII except '"' and '\\'. */
static bool plain_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* The string's body: runs of plain bytes copied at once, escapes and UTF-8 checked between. */
static void put_string_body(struct jsonw *w, const unsigned char *s)
{
    const unsigned char *run = s;
    while (!w->failed) {
        while (plain_byte(s[0]) && plain_byte(s[1]) && plain_byte(s[2]) && plain_byte(s[3]))
            s += 4;
        unsigned char c = *s;
        if (plain_byte(c)) {
            s++;
            continue;
        }
        put(w, (const char *)run, (size_t)(s - run));
        if (c == '\0')
            return;
        if (c < 0x80) {
            put_escape(w, c);
            s++;
        } else {
            size_t len = utf8_sequence(s);
            if (len == 0) {
                fail(w);
                return;
            }
            put(w, (const char *)s, len);
            s += len;
        }
        run = s;
    }
}

static void put_string(struct jsonw *w, const char *s)
{
    put_char(w, '"');
    put_string_body(w, (const unsigned char *)s);
    put_char(w, '"');
}

void jsonw_key(struct jsonw *w, const char *key)
{
    if (w->failed)
        return;
    int d = w->depth - 1;
    if (d < 0 || !w->in_object[d] || w->want_value) {
        fail(w);
        return;
    }
    size_t len = strlen(key);
    bool comma = w->has_value[d];
    if (!reserve(w, len + 4))
        return;
    char *p = w->buf + w->len;
    if (comma)
        *p++ = ',';
    *p++ = '"';
    memcpy(p, key, len);
    p += len;
    *p++ = '"';
    *p++ = ':';
    w->len = (size_t)(p - w->buf);
    w->want_value = true;
}

void jsonw_string(struct jsonw *w, const char *s)
{
    if (s == NULL) {
        jsonw_null(w);
        return;
    }
    if (begin_value(w))
        put_string(w, s);
}

void jsonw_int(struct jsonw *w, long long value)
{
    if (!begin_value(w))
        return;
    char digits[24];
    int n = 0;
    unsigned long long magnitude =
        value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[sizeof(digits) - 1 - (size_t)n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0)
        digits[sizeof(digits) - 1 - (size_t)n++] = '-';
    put(w, digits + sizeof(digits) - (size_t)n, (size_t)n);
}

void jsonw_bool(struct jsonw *w, bool value)
{
    if (begin_value(w))
        put(w, value ? "true" : "false", value ? 4 : 5);
}

void jsonw_null(struct jsonw *w)
{
    if (begin_value(w))
        put(w, "null", 4);
}

void jsonw_raw(struct jsonw *w, const char *json, size_t len)
{
    if (begin_value(w))
        put(w, json, len);
}

void jsonw_json(struct jsonw *w, const json_t *value)
{
    if (value == NULL) {
        fail(w);
        return;
    }
    size_t len = json_dumpb(value, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    if (len == 0) {
        fail(w);
        return;
    }
    if (!begin_value(w) || !reserve(w, len))
        return;
    if (json_dumpb(value, w->buf + w->len, len, JSON_COMPACT | JSON_ENCODE_ANY) != len) {
        fail(w);
        return;
    }
    w->len += len;
}

void jsonw_kstring(struct jsonw *w, const char *key, const char *s)
{
    jsonw_key(w, key);
    jsonw_string(w, s);
}

void jsonw_kint(struct jsonw *w, const char *key, long long value)
{
    jsonw_key(w, key);
    jsonw_int(w, value);
}

void jsonw_kbool(struct jsonw *w, const char *key, bool value)
{
    jsonw_key(w, key);
    jsonw_bool(w, value);
}

void jsonw_knull(struct jsonw *w, const char *key)
{
    jsonw_key(w, key);
    jsonw_null(w);
}

char *jsonw_take(struct jsonw *w, size_t *len)
{
    if (w->failed || w->depth != 0 || w->len == 0) {
        jsonw_release(w);
        return NULL;
    }
    char *text = w->buf;
    text[w->len] = '\0';
    *len = w->len;
    jsonw_init(w);
    return text;
}
