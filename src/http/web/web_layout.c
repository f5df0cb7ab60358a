/* web_layout.c - the page skeleton every page shares (UI.md): head, header with the service
 * name, navigation and language switch, the help-now box, and error pages. */
#include <stdio.h>
#include <string.h>

#include "http/auth.h"
#include "http/web/web.h"
#include "http/web/web_internal.h"

/* ---- header ------------------------------------------------------------------------------- */

/* A navigation item; aria-current="page" when the request is for it or below it. */
static void nav_link(struct html *h, const char *href, const char *msgid)
{
    const char *path = h->req->path;
    size_t len = strlen(href);
    bool current = strncmp(path, href, len) == 0 && (path[len] == '\0' || path[len] == '/');
    html_raw(h, "<li><a");
    html_attr(h, "href", href);
    if (current)
        html_raw(h, " aria-current=\"page\"");
    html_raw(h, ">");
    web_text(h, msgid);
    html_raw(h, "</a></li>");
}

/* Staff: Triage (clinicians, managers), Ny patient (clinicians), Uppföljning (managers,
 * analysts), Admin (admins). */
static void staff_nav(struct html *h, const struct auth_session *session)
{
    html_raw(h, "<nav class=\"site-nav\"");
    html_attr(h, "aria-label", web_t(h->req, "layout.nav_label"));
    html_raw(h, "><ul>");
    if (session->role & (ROLE_CLINICIAN | ROLE_MANAGER))
        nav_link(h, "/triage", "nav.triage");
    if (session->role & ROLE_CLINICIAN)
        nav_link(h, "/patienter/ny", "nav.new_patient");
    if (session->role & (ROLE_MANAGER | ROLE_ANALYST))
        nav_link(h, "/oversikt", "dash.nav");
    if (session->role & ROLE_ADMIN)
        nav_link(h, "/admin/personal", "nav.admin");
    html_raw(h, "</ul></nav>");
}

/* Who is logged in, and "Logga ut" as a POST form (a link would log out on a prefetch). */
static void staff_user(struct html *h, const struct auth_session *session)
{
    struct http_request *req = h->req;
    html_raw(h, "<span class=\"site-user\">");
    html_text(h,
              web_tn(req, "layout.logged_in_as", "name",
                     session->display_name[0] ? session->display_name : session->username, NULL));
    html_raw(h, "</span><form class=\"logout-form\" method=\"post\" action=\"/logout\">"
                "<input type=\"hidden\" name=\"csrf\"");
    html_attr(h, "value", session->csrf);
    html_raw(h, "><button type=\"submit\" class=\"link-button\">");
    web_text(h, "nav.logout");
    html_raw(h, "</button></form>");
}

/* "English" / "Svenska": a link that sets the lang cookie and comes back to this page. */
static void language_switch(struct html *h)
{
    struct http_request *req = h->req;
    const char *to = req->lang == LANG_SV ? "en" : "sv";
    const char *back = web_local_path(req->path) ? req->path : "/";
    html_raw(h, "<a class=\"lang-switch\"");
    html_attr(h, "href", http_printf(req, "/lang?to=%s&back=%s", to, web_url_encode(req, back)));
    html_attr(h, "lang", to);
    html_attr(h, "hreflang", to);
    html_raw(h, ">");
    web_text(h, "layout.lang_switch");
    html_raw(h, "</a>");
}

static void site_header(struct html *h, enum web_audience audience)
{
    struct auth_session *session = audience == WEB_STAFF ? h->req->session : NULL;
    html_raw(h, "<header class=\"site-header\"><div class=\"site-header-inner\">");
    if (audience == WEB_STAFF) {
        html_raw(h, "<a class=\"site-name\" href=\"/\">");
        web_text(h, "app.name");
        html_raw(h, "</a>");
    } else {
        html_raw(h, "<span class=\"site-name\">");
        web_text(h, "app.name");
        html_raw(h, "</span>");
    }
    if (session != NULL) {
        staff_nav(h, session);
    } else if (audience == WEB_PATIENT) {
        html_raw(h, "<nav class=\"site-nav\"");
        html_attr(h, "aria-label", web_t(h->req, "layout.nav_label"));
        html_raw(h, "><ul><li><a class=\"help-link\" href=\"/hjalp\">");
        web_text(h, "nav.help_now");
        html_raw(h, "</a></li></ul></nav>");
    }
    html_raw(h, "<div class=\"site-tools\">");
    if (session != NULL)
        staff_user(h, session);
    language_switch(h);
    html_raw(h, "</div></div></header>\n");
}

/* ---- the page ----------------------------------------------------------------------------- */

void web_page_begin(struct html *h, struct http_request *req, enum web_audience audience,
                    const char *title)
{
    html_begin(h, req);
    html_raw(h, "<!doctype html>\n<html");
    html_attr(h, "lang", lang_code(req->lang));
    html_raw(h, ">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    html_text(h, title);
    html_raw(h, " – ");
    web_text(h, "app.name");
    html_raw(h, "</title>\n<link rel=\"stylesheet\" href=\"/static/stegvis.css\">\n</head>\n");
    html_raw(h, audience == WEB_STAFF ? "<body class=\"page page-staff\">\n"
                                      : "<body class=\"page page-patient\">\n");
    html_raw(h, "<a class=\"skip-link\" href=\"#main\">");
    web_text(h, "layout.skip");
    html_raw(h, "</a>\n");
    site_header(h, audience);
    html_raw(h, "<main id=\"main\" class=\"main\" tabindex=\"-1\">\n");
}

void web_page_end(struct html *h, struct http_response *res, int status)
{
    html_raw(h, "\n</main>\n</body>\n</html>\n");
    html_send(h, res, status);
}

/* ---- help now ----------------------------------------------------------------------------- */

/* One way to get help: the number as a tel: link with its call text, then what it is for. */
static void help_item(struct html *h, const char *tel, const char *call_id, const char *text_id)
{
    html_raw(h, "<li><a class=\"help-now-call\"");
    html_attr(h, "href", tel);
    html_raw(h, ">");
    web_text(h, call_id);
    html_raw(h, "</a> ");
    web_text(h, text_id);
}

void web__help_box(struct html *h, bool alert)
{
    html_raw(h, alert ? "<section class=\"help-now\" role=\"alert\" aria-labelledby=\"help-now\">"
                      : "<section class=\"help-now\" aria-labelledby=\"help-now\">");
    html_raw(h, "<h2 id=\"help-now\">");
    web_text(h, "help.title");
    html_raw(h, "</h2><ul class=\"help-now-list\">");
    help_item(h, "tel:112", "help.call_112", "help.112_text");
    html_raw(h, "</li>");
    help_item(h, "tel:90101", "help.call_90101", "help.90101_text");
    html_raw(h, "</li>");
    help_item(h, "tel:1177", "help.call_1177", "help.1177_text");
    html_raw(h, " <a href=\"https://www.1177.se/\">1177.se</a>.</li></ul><p>");
    web_text(h, "help.not_emergency");
    html_raw(h, "</p></section>\n");
}

void web_help_now(struct html *h, struct http_request *req)
{
    (void)req; /* h->req is the same request */
    web__help_box(h, true);
}

/* ---- error pages -------------------------------------------------------------------------- */

/* The catalogue text error.STATUS.WHAT, or error.500.WHAT for a status it does not know. */
static const char *error_text(struct http_request *req, int status, const char *what)
{
    const char *id = http_printf(req, "error.%d.%s", status, what);
    const char *text = web_t(req, id);
    return text != id ? text : web_t(req, http_printf(req, "error.500.%s", what));
}

void web_error_page(struct http_request *req, struct http_response *res, int status,
                    const char *detail)
{
    if (status >= 500) {
        if (detail != NULL)
            fprintf(stderr, "stegvis: %d on %s %s: %s\n", status, req->method, req->path, detail);
        detail = NULL;
    }
    const char *title = error_text(req, status, "title");
    enum web_audience audience = status < 500 && web_session(req) != NULL ? WEB_STAFF : WEB_PATIENT;
    struct html h;
    web_page_begin(&h, req, audience, title);
    html_raw(&h, "<h1>");
    html_text(&h, title);
    html_raw(&h, "</h1>\n<p>");
    html_text(&h, detail ? detail : error_text(req, status, "text"));
    html_raw(&h, "</p>\n");
    web_page_end(&h, res, status);
}
