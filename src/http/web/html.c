/* html.c - the HTML builder of html.h. The buffer lives in the request's arena: growing it
 * allocates a bigger block and copies (the arena frees the old one with the request), so the
 * total stays within twice the final size. */
#include "http/web/html.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"

#define HTML_CAP      (4u * 1024 * 1024) /* a page past this is a bug: output stops */
#define HTML_START    4096
#define HTML_OVERFLOW SIZE_MAX /* cap value that marks a builder that passed HTML_CAP */

void html_begin(struct html *h, struct http_request *req)
{
    h->req = req;
    h->buf = NULL;
    h->len = 0;
    h->cap = 0;
}

/* Room for `more` bytes plus a NUL; false (and the builder marked as overflowed) past the cap. */
static int reserve(struct html *h, size_t more)
{
    if (h->cap == HTML_OVERFLOW)
        return 0;
    if (more > HTML_CAP || h->len + more > HTML_CAP) {
        h->cap = HTML_OVERFLOW;
        return 0;
    }
    size_t need = h->len + more + 1;
    if (need <= h->cap)
        return 1;
    size_t cap = h->cap ? h->cap : HTML_START;
    while (cap < need)
        cap *= 2;
    char *buf = http_alloc(h->req, cap);
    if (h->len > 0)
        memcpy(buf, h->buf, h->len);
    h->buf = buf;
    h->cap = cap;
    return 1;
}

static void append(struct html *h, const char *data, size_t len)
{
    if (len == 0 || !reserve(h, len))
        return;
    memcpy(h->buf + h->len, data, len);
    h->len += len;
    h->buf[h->len] = '\0';
}

static const char *entity(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

/* Append `text` with & < > " ' replaced; runs without them are copied in one go. */
static void append_escaped(struct html *h, const char *text)
{
    const char *run = text;
    for (const char *p = text; *p != '\0'; p++) {
        const char *e = entity(*p);
        if (e == NULL)
            continue;
        append(h, run, (size_t)(p - run));
        append(h, e, strlen(e));
        run = p + 1;
    }
    append(h, run, strlen(run));
}

void html_raw(struct html *h, const char *markup)
{
    if (markup != NULL)
        append(h, markup, strlen(markup));
}

void html_text(struct html *h, const char *text)
{
    if (text != NULL)
        append_escaped(h, text);
}

void html_textf(struct html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = arena_vprintf(h->req->arena, fmt, ap);
    va_end(ap);
    append_escaped(h, text);
}

void html_attr(struct html *h, const char *name, const char *value)
{
    append(h, " ", 1);
    append(h, name, strlen(name));
    append(h, "=\"", 2);
    if (value != NULL)
        append_escaped(h, value);
    append(h, "\"", 1);
}

void html_attr_int(struct html *h, const char *name, long long value)
{
    char number[32];
    snprintf(number, sizeof(number), "%lld", value);
    html_attr(h, name, number);
}

void html_send(struct html *h, struct http_response *res, int status)
{
    if (h->cap == HTML_OVERFLOW) {
        fprintf(stderr, "stegvis: %s %s: the page passed %u bytes and was not sent\n",
                h->req->method, h->req->path, HTML_CAP);
        static const char text[] = "The page is too large to show.";
        http_text(h->req, res, 500, "text/plain; charset=utf-8", text, sizeof(text) - 1);
        return;
    }
    res->status = status;
    res->content_type = "text/html; charset=utf-8";
    res->body = h->buf ? h->buf : http_strdup(h->req, "");
    res->body_len = h->len;
}
