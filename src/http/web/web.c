/* web.c - what every page shares (web.h): the catalogue, forms and their CSRF tokens, redirects,
 * the layout, the help-now box, dates, bands and error pages. The core pages themselves (login,
 * logout, language, stylesheet, help) are in web_core.c. */
#include "http/web/web.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/instrument.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/web/i18n.h"

#define FORM_COOKIE      "stegvis_form"
#define FORM_TOKEN_BYTES 32 /* 64 hex characters, like the session's token */
#define STOCKHOLM_RULE                                                                             \
    "CET-1CEST,M3.5.0,M10.5.0/3" /* EU summer time, for systems without tzdata                     \
                                  */

/* ---- the catalogue ------------------------------------------------------------------------ */

const char *web_t(struct http_request *req, const char *msgid)
{
    const char *text = i18n_lookup(req->lang, msgid);
    return text ? text : msgid;
}

/* The value of placeholder `name` (`len` bytes) among the pairs, or NULL. */
static const char *placeholder(const char *name, size_t len, const char *const *pairs, int count)
{
    for (int i = 0; i + 1 < count; i += 2)
        if (strlen(pairs[i]) == len && memcmp(pairs[i], name, len) == 0)
            return pairs[i + 1];
    return NULL;
}

/* `text` with its placeholders filled into `out` (when not NULL); returns the length. */
static size_t fill(const char *text, const char *const *pairs, int count, char *out)
{
    size_t len = 0;
    for (const char *p = text; *p != '\0';) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        const char *value =
            close ? placeholder(p + 1, (size_t)(close - p - 1), pairs, count) : NULL;
        size_t n = value ? strlen(value) : 1;
        if (out != NULL)
            memcpy(out + len, value ? value : p, n);
        len += n;
        p = value ? close + 1 : p + 1;
    }
    return len;
}

const char *web_tn(struct http_request *req, const char *msgid, ...)
{
    const char *pairs[32];
    int count = 0;
    va_list ap;
    va_start(ap, msgid);
    for (const char *s = va_arg(ap, const char *); s != NULL && count < 32;
         s = va_arg(ap, const char *))
        pairs[count++] = s;
    va_end(ap);
    const char *text = web_t(req, msgid);
    char *out = http_alloc(req, fill(text, pairs, count, NULL) + 1);
    fill(text, pairs, count, out);
    return out;
}

void web_text(struct html *h, const char *msgid)
{
    html_text(h, web_t(h->req, msgid));
}

/* ---- forms -------------------------------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* How many continuation bytes follow a UTF-8 lead byte; -1 for a byte that cannot lead. */
static int utf8_extra(unsigned char c)
{
    if (c < 0x80)
        return 0;
    if (c >= 0xc2 && c <= 0xdf)
        return 1;
    if (c >= 0xe0 && c <= 0xef)
        return 2;
    if (c >= 0xf0 && c <= 0xf4)
        return 3;
    return -1;
}

/* Well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF. */
static bool utf8_valid(const unsigned char *s)
{
    static const unsigned minimum[] = { 0, 0x80, 0x800, 0x10000 };
    while (*s != '\0') {
        int extra = utf8_extra(*s);
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

/* One name or value of `len` bytes, '+' and %XX decoded; NULL when malformed. */
static char *form_decode(struct http_request *req, const char *text, size_t len)
{
    char *out = http_alloc(req, len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '+') {
            out[o++] = ' ';
        } else if (text[i] == '%') {
            if (i + 2 >= len)
                return NULL;
            int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (text[i] == '\0') {
            return NULL;
        } else {
            out[o++] = text[i];
        }
    }
    out[o] = '\0';
    return utf8_valid((const unsigned char *)out) ? out : NULL;
}

static bool form_body_type_ok(struct http_request *req)
{
    const char *type = http_header(req, "Content-Type");
    if (type == NULL)
        return false;
    type += strspn(type, " \t");
    return strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0 &&
           (type[33] == '\0' || type[33] == ';' || type[33] == ' ');
}

void web_form_parse(struct http_request *req, struct web_form *form)
{
    if (req->form != NULL && req->form != form) {
        *form = *req->form;
        return;
    }
    memset(form, 0, sizeof(*form));
    if (req->body_len == 0 || !form_body_type_ok(req))
        return;
    const char *p = req->body, *end = req->body + req->body_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (stop > p) {
            if (form->count == 64)
                goto malformed;
            const char *name_end = eq ? eq : stop;
            char *name = form_decode(req, p, (size_t)(name_end - p));
            char *value = eq ? form_decode(req, eq + 1, (size_t)(stop - eq - 1)) : "";
            if (name == NULL || value == NULL)
                goto malformed;
            form->name[form->count] = name;
            form->value[form->count] = value;
            form->count++;
        }
        p = stop + 1;
    }
    return;
malformed:
    memset(form, 0, sizeof(*form));
}

const char *web_form_get(const struct web_form *form, const char *name)
{
    for (int i = 0; form != NULL && i < form->count; i++)
        if (strcmp(form->name[i], name) == 0)
            return form->value[i];
    return NULL;
}

/* A token as we make them: FORM_TOKEN_BYTES * 2 lower-case hex digits. */
static bool token_shape_ok(const char *token)
{
    size_t len = token ? strlen(token) : 0;
    return len == FORM_TOKEN_BYTES * 2 && strspn(token, "0123456789abcdef") == len;
}

bool web_form_csrf_ok(struct http_request *req, const struct web_form *form)
{
    const char *given = web_form_get(form, "csrf");
    if (req->session != NULL)
        return auth_csrf_ok(req->session, given);
    const char *cookie = http_cookie(req, FORM_COOKIE);
    if (!token_shape_ok(given) || !token_shape_ok(cookie))
        return false;
    return sodium_memcmp(given, cookie, FORM_TOKEN_BYTES * 2) == 0;
}

/* The form token this response sets already (a page with two forms asks twice), or NULL. */
static const char *token_set_on(const struct http_response *res)
{
    static const char prefix[] = FORM_COOKIE "=";
    for (int i = 0; i < res->header_count; i++)
        if (strcasecmp(res->headers[i].name, "Set-Cookie") == 0 &&
            strncmp(res->headers[i].value, prefix, sizeof(prefix) - 1) == 0)
            return res->headers[i].value + sizeof(prefix) - 1;
    return NULL;
}

const char *web_form_token(struct http_request *req, struct http_response *res)
{
    if (req->session != NULL)
        return req->session->csrf;
    const char *set = token_set_on(res);
    if (set != NULL)
        return http_printf(req, "%.*s", FORM_TOKEN_BYTES * 2, set);
    const char *cookie = http_cookie(req, FORM_COOKIE);
    if (token_shape_ok(cookie))
        return cookie;
    char token[FORM_TOKEN_BYTES * 2 + 1];
    auth_random_hex(token, FORM_TOKEN_BYTES);
    http_add_header(res, "Set-Cookie",
                    http_printf(req, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", FORM_COOKIE,
                                token, req->app->cookie_secure ? "; Secure" : ""));
    return http_strdup(req, token);
}

/* ---- addresses ---------------------------------------------------------------------------- */

void web_redirect(struct http_request *req, struct http_response *res, const char *location)
{
    http_add_header(res, "Location", http_strdup(req, location));
    http_text(req, res, 303, "text/plain; charset=utf-8", "", 0);
}

const char *web_url_encode(struct http_request *req, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(text);
    char *out = http_alloc(req, 3 * len + 1);
    char *o = out;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

bool web_local_path(const char *path)
{
    if (path == NULL || path[0] != '/' || path[1] == '/' || path[1] == '\\')
        return false;
    for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return false;
    return true;
}

struct auth_session *web_session(struct http_request *req)
{
    if (req->session != NULL)
        return req->session;
    const char *token = http_cookie(req, AUTH_COOKIE);
    if (token == NULL)
        return NULL;
    struct auth_session *session = http_alloc(req, sizeof(*session));
    struct error err;
    error_clear(&err);
    enum err_code rc = auth_session_load(req->app, token, req->now, session, &err);
    if (rc != ERR_OK) {
        if (rc != ERR_UNAUTHORIZED)
            fprintf(stderr, "stegvis: %s %s: session: %s\n", req->method, req->path, err.message);
        return NULL;
    }
    req->session = session;
    return session;
}

/* ---- dates and bands ---------------------------------------------------------------------- */

void web_timezone_init(void)
{
    bool have_zone = access("/usr/share/zoneinfo/Europe/Stockholm", R_OK) == 0;
    setenv("TZ", have_zone ? "Europe/Stockholm" : STOCKHOLM_RULE, 1);
    tzset();
}

/* The Stockholm calendar date of `epoch`, in words: "24 nov 2026". */
static const char *date_words(struct http_request *req, const struct tm *tm)
{
    char day[16], year[16], month_id[32];
    snprintf(day, sizeof(day), "%d", tm->tm_mday);
    snprintf(year, sizeof(year), "%d", tm->tm_year + 1900);
    snprintf(month_id, sizeof(month_id), "date.month.%d", tm->tm_mon + 1);
    return web_tn(req, "date.format", "day", day, "month", web_t(req, month_id), "year", year,
                  NULL);
}

static bool local_time(long long epoch, struct tm *tm)
{
    time_t t = (time_t)epoch;
    return epoch != 0 && localtime_r(&t, tm) != NULL;
}

const char *web_date(struct http_request *req, long long epoch)
{
    struct tm tm;
    if (!local_time(epoch, &tm))
        return "";
    return date_words(req, &tm);
}

const char *web_datetime(struct http_request *req, long long epoch)
{
    struct tm tm;
    if (!local_time(epoch, &tm))
        return "";
    char hour[16], minute[16];
    snprintf(hour, sizeof(hour), "%02d", tm.tm_hour);
    snprintf(minute, sizeof(minute), "%02d", tm.tm_min);
    return web_tn(req, "date.datetime", "date", date_words(req, &tm), "hour", hour, "minute",
                  minute, NULL);
}

void web_band(struct html *h, struct http_request *req, const char *instrument_id,
              const char *band_id)
{
    const struct instrument *ins =
        instrument_id ? instrument_find(&req->app->catalog, instrument_id) : NULL;
    const struct instrument_band *band = NULL;
    for (int i = 0; ins != NULL && band_id != NULL && i < ins->band_count && band == NULL; i++)
        if (strcmp(ins->bands[i].id, band_id) == 0)
            band = &ins->bands[i];
    if (band == NULL) {
        html_raw(h, "<span class=\"band\">");
        html_text(h, band_id);
        html_raw(h, "</span>");
        return;
    }
    int severity = band->severity < 0 ? 0 : band->severity > 4 ? 4 : band->severity;
    const char *label = instrument_text(band->label, req->lang);
    html_raw(h, "<span");
    html_attr(h, "class", http_printf(req, "band band-%d", severity));
    html_raw(h, ">");
    html_text(h, label[0] != '\0' ? label : band_id);
    html_raw(h, "</span>");
}
