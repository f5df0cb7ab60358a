/* web.h - the HTML pages: routes, the page layout, forms, and what pages share.
 *
 * Pages are server-rendered HTML with one stylesheet (/static/stegvis.css), no inline script or
 * style (the Content-Security-Policy forbids them), and work with JavaScript turned off. Forms
 * post and redirect (POST -> 303 -> GET). Every text a person reads comes from the message
 * catalogue (po/sv/NAME.po, po/en/NAME.po) through web_t(); every value goes through the HTML
 * builder (html.h), which escapes.
 *
 * Staff pages need a session (else a 303 to /login); patient pages are public or reached
 * through an invitation link (/i/TOKEN).
 */
#ifndef STEGVIS_HTTP_WEB_WEB_H
#define STEGVIS_HTTP_WEB_WEB_H

#include <stdbool.h>

#include "http/http.h"
#include "http/router.h"
#include "http/web/html.h"

/* The pages' route table (web/routes.c). Routes with roles redirect to /login when there is no
 * session and take their CSRF token from the form field "csrf" (router.c, ROUTE_HTML). */
const struct route *web_routes(int *count);

/* The parts of the table, one per file that owns them: core pages (login, logout, language,
 * static files, help) in web.c, patient pages in patient*.c, staff pages in staff*.c. */
const struct route *web_core_routes(int *count);
const struct route *web_patient_routes(int *count);
const struct route *web_staff_routes(int *count);
/* The follow-up pages for managers and analysts (/oversikt, /enhet, /jamlikhet) in dash*.c. */
const struct route *web_dash_routes(int *count);

/* The catalogue text for `msgid` in the request's language ("triage.title"); the id itself
 * when the catalogue has no entry (a test checks that both catalogues have every id). */
const char *web_t(struct http_request *req, const char *msgid);

/* web_t with {name} placeholders filled in from NULL-terminated name, value pairs:
 * web_tn(req, "layout.logged_in_as", "name", "Anna Andersson", NULL) -> "Inloggad: Anna
 * Andersson". A placeholder with no value is left as it is. Arena string; still plain text
 * (write it with html_text). */
const char *web_tn(struct http_request *req, const char *msgid, ...) __attribute__((sentinel));

/* html_text(h, web_t(h->req, msgid)): a catalogue text, escaped, into the page. */
void web_text(struct html *h, const char *msgid);

/* A decoded application/x-www-form-urlencoded body. */
struct web_form {
    int count;
    const char *name[64];
    const char *value[64];
};

/* Decode the request body (arena memory). A malformed body yields an empty form. */
/* (A body is malformed when it is not application/x-www-form-urlencoded, has a bad %XX, a NUL
 * or invalid UTF-8, or more than 64 fields. When the router has decoded it already, req->form,
 * this copies that.) */
void web_form_parse(struct http_request *req, struct web_form *form);

/* The value of field `name` (the first, when it comes more than once), or NULL. */
const char *web_form_get(const struct web_form *form, const char *name);

/* Whether the form's "csrf" field is valid: the session's token for staff pages; for public
 * pages the double-submit token (cookie stegvis_form + field), made by web_form_token(). */
bool web_form_csrf_ok(struct http_request *req, const struct web_form *form);

/* The CSRF token to put in a form's hidden "csrf" field: the session's token, or for a public
 * page a random one that is also set as the stegvis_form cookie on `res`. */
const char *web_form_token(struct http_request *req, struct http_response *res);

/* Answer 303 See Other to `location` (POST -> redirect -> GET). */
void web_redirect(struct http_request *req, struct http_response *res, const char *location);

/* `text` percent-encoded for a URL query value or path segment (RFC 3986 unreserved characters
 * kept, everything else %XX). Arena string. */
const char *web_url_encode(struct http_request *req, const char *text);

/* Whether `path` is safe to send someone back to after a login or language switch: a local path
 * that starts with one "/" (not "//" or "/\", which browsers read as another host) and holds no
 * control character or backslash. */
bool web_local_path(const char *path);

/* The logged-in staff member, also on a public page: req->session when the router set it, else
 * the live session named by the session cookie (then kept in req->session), or NULL. */
struct auth_session *web_session(struct http_request *req);

/* Page skeleton. web_page_begin writes the doctype, <head> (title, stylesheet), the header with
 * the service name, the language switch ("English" / "Svenska", a link that sets the lang
 * cookie and comes back) and, for patient pages, the "Hjälp nu" link; staff pages get the
 * navigation and the logged-in user. web_page_end closes it and sends it with `status`. */
enum web_audience { WEB_PATIENT, WEB_STAFF };
void web_page_begin(struct html *h, struct http_request *req, enum web_audience audience,
                    const char *title);
void web_page_end(struct html *h, struct http_response *res, int status);

/* The help-now box (1177 Vårdguiden, 112, Självmordslinjen 90101), shown first on a page after
 * a risk answer and reachable from every patient page (/hjalp). Written with role="alert" so a
 * screen reader announces it at once; /hjalp shows the same box without it. */
void web_help_now(struct html *h, struct http_request *req);

/* A date as "24 nov 2026" and a time as "24 nov 2026 kl. 14.30" in Europe/Stockholm, in the
 * request's language (English: "24 Nov 2026", "24 Nov 2026, 14:30"). Arena strings; "" for an
 * epoch of 0 (no date). Needs web_timezone_init() at start-up. */
const char *web_date(struct http_request *req, long long epoch);
const char *web_datetime(struct http_request *req, long long epoch);

/* Make local time Europe/Stockholm for the whole process (TZ, then tzset; the EU rule "CET-1CEST,
 * M3.5.0,M10.5.0/3" when the system has no zone file). Call once before any thread starts
 * (`stegvis serve` does); localtime_r is thread-safe afterwards. */
void web_timezone_init(void);

/* A severity band as words and colour: <span class="band band-N">label</span> (N = 0..4 on the
 * ramp); never colour alone. */
void web_band(struct html *h, struct http_request *req, const char *instrument_id,
              const char *band_id);

/* An error page (problem for people): title and detail in the request's language. */
/* (`detail` NULL: the catalogue's error.STATUS.text. For 5xx the detail is logged, never shown:
 * the page says error.STATUS.text. The layout is the staff one when someone is logged in.) */
void web_error_page(struct http_request *req, struct http_response *res, int status,
                    const char *detail);

#endif
