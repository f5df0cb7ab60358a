/* html.h - the one HTML builder: every page is written through it, and it is the only place
 * that escapes. Text and attribute values are always escaped; raw markup goes in only as
 * literals written in the code (html_raw), never from data. */
#ifndef STEGVIS_HTTP_WEB_HTML_H
#define STEGVIS_HTTP_WEB_HTML_H

#include <stddef.h>

#include "http/http.h"

struct html {
    struct http_request *req;
    char *buf; /* arena memory, grows as needed (capped at 4 MiB: past that output stops) */
    size_t len, cap;
};

void html_begin(struct html *h, struct http_request *req);

/* Trusted markup written in the code: "<p>", "</table>". Never pass data here. */
void html_raw(struct html *h, const char *markup);

/* Text content, escaped (& < > " '). NULL writes nothing. */
void html_text(struct html *h, const char *text);

/* printf-formatted text, then escaped. */
void html_textf(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ` name="value"` with the value escaped; for use inside a tag opened with html_raw. */
void html_attr(struct html *h, const char *name, const char *value);

/* ` name="N"` for a number. */
void html_attr_int(struct html *h, const char *name, long long value);

/* The page so far as text/html; charset=utf-8 with `status`. */
void html_send(struct html *h, struct http_response *res, int status);

#endif
