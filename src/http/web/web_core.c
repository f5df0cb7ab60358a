/* web_core.c - the core pages: the start address, login and logout, the language switch, the
 * stylesheet and the help-now page. */
#include <stdio.h>
#include <string.h>

#include "http/app.h"
#include "http/auth.h"
#include "http/web/web.h"
#include "http/web/web_internal.h"

#define LANG_COOKIE_MAX_AGE (365 * 24 * 3600)
#define LOGIN_USERNAME_MAX  63
#define LOGIN_PASSWORD_MAX  256

/* Where staff land after logging in, their own work: admins on the staff accounts, analysts on the
 * region's follow-up
 * (/oversikt), clinicians and managers on the triage queue (a manager's first daily task is
 * the unit's waiting patients; the follow-up is one link away in the navigation). */
static const char *login_home(const struct auth_session *session)
{
    if (session != NULL && session->role == ROLE_ADMIN)
        return "/admin/personal";
    if (session != NULL && session->role == ROLE_ANALYST)
        return "/oversikt";
    return "/triage";
}

/* GET /: staff to their work, everyone else to the login. */
static void page_root(struct http_request *req, struct http_response *res)
{
    struct auth_session *session = web_session(req);
    web_redirect(req, res, session ? login_home(session) : "/login");
}

/* ---- login -------------------------------------------------------------------------------- */

struct login_form {
    const char *username; /* as typed, shown again after a failure */
    const char *next;     /* a local path to go to after the login, or NULL */
    const char *error_id; /* the message to show, or NULL */
};

static void login_error_summary(struct html *h, const char *error_id)
{
    html_raw(h, "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-title\">"
                "<h2 id=\"error-title\">");
    web_text(h, "error.summary");
    html_raw(h, "</h2><p>");
    web_text(h, error_id);
    html_raw(h, "</p></div>\n");
}

/* One labelled input of the login form. */
static void login_field(struct html *h, const char *name, const char *type,
                        const char *autocomplete, const char *label_id, const char *value,
                        bool invalid)
{
    html_raw(h, invalid ? "<div class=\"field field-has-error\"><label"
                        : "<div class=\"field\"><label");
    html_attr(h, "for", name);
    html_raw(h, ">");
    web_text(h, label_id);
    html_raw(h, "</label><input class=\"input\"");
    html_attr(h, "id", name);
    html_attr(h, "name", name);
    html_attr(h, "type", type);
    html_attr(h, "autocomplete", autocomplete);
    if (value != NULL)
        html_attr(h, "value", value);
    if (invalid)
        html_raw(h, " aria-invalid=\"true\" aria-describedby=\"error-title\"");
    html_raw(h, " required></div>\n");
}

static void render_login(struct http_request *req, struct http_response *res, int status,
                         const struct login_form *form)
{
    const char *title = web_t(req, "login.title");
    if (form->error_id != NULL)
        title = http_printf(req, "%s: %s", web_t(req, "error.prefix"), title);
    struct html h;
    web_page_begin(&h, req, WEB_STAFF, title);
    html_raw(&h, "<div class=\"narrow\">");
    if (form->error_id != NULL)
        login_error_summary(&h, form->error_id);
    const char *logged_out = http_query(req, "logged_out");
    if (form->error_id == NULL && logged_out != NULL && strcmp(logged_out, "1") == 0) {
        html_raw(&h, "<div class=\"banner\" role=\"status\"><p>");
        web_text(&h, "login.logged_out");
        html_raw(&h, "</p></div>\n");
    }
    html_raw(&h, "<h1>");
    web_text(&h, "login.title");
    html_raw(&h, "</h1>\n<p>");
    web_text(&h, "login.intro");
    html_raw(&h, "</p>\n<form method=\"post\" action=\"/login\" novalidate>"
                 "<input type=\"hidden\" name=\"csrf\"");
    html_attr(&h, "value", web_form_token(req, res));
    html_raw(&h, ">");
    if (form->next != NULL) {
        html_raw(&h, "<input type=\"hidden\" name=\"next\"");
        html_attr(&h, "value", form->next);
        html_raw(&h, ">");
    }
    html_raw(&h, "\n");
    bool invalid = form->error_id != NULL;
    login_field(&h, "username", "text", "username", "login.username", form->username, invalid);
    login_field(&h, "password", "password", "current-password", "login.password", NULL, invalid);
    html_raw(&h, "<button type=\"submit\" class=\"button\">");
    web_text(&h, "login.submit");
    html_raw(&h, "</button></form></div>");
    web_page_end(&h, res, status);
}

/* The ?next= or form field `next` when it is a local path, else NULL. */
static const char *login_next(const char *next)
{
    return web_local_path(next) ? next : NULL;
}

static void page_login(struct http_request *req, struct http_response *res)
{
    const char *next = login_next(http_query(req, "next"));
    struct auth_session *session = web_session(req);
    if (session != NULL) {
        web_redirect(req, res, next ? next : login_home(session));
        return;
    }
    struct login_form form = { NULL, next, NULL };
    render_login(req, res, 200, &form);
}

/* POST /login: the page's double-submit token, then auth_login exactly as the API does it
 * (same counting, lock, delay and audit), then the same session cookie. */
static void page_login_submit(struct http_request *req, struct http_response *res)
{
    struct web_form fields;
    web_form_parse(req, &fields);
    if (!web_form_csrf_ok(req, &fields)) {
        web_error_page(req, res, 403, web_t(req, "error.csrf"));
        return;
    }
    const char *username = web_form_get(&fields, "username");
    const char *password = web_form_get(&fields, "password");
    struct login_form form = { username, login_next(web_form_get(&fields, "next")), NULL };
    if (username == NULL || password == NULL || username[0] == '\0' || password[0] == '\0') {
        form.error_id = "login.missing";
        render_login(req, res, 422, &form);
        return;
    }
    if (strlen(username) > LOGIN_USERNAME_MAX || strlen(password) > LOGIN_PASSWORD_MAX) {
        form.error_id = "login.failed";
        render_login(req, res, 401, &form);
        return;
    }
    char token[AUTH_TOKEN_LEN + 1];
    struct auth_session session;
    struct error err;
    error_clear(&err);
    enum err_code rc = auth_login(req->app, username, password, req->now, token, &session, &err);
    if (rc == ERR_UNAUTHORIZED) {
        /* auth_login says "account locked" in its message when the lock is why. */
        form.error_id = strstr(err.message, "locked") ? "login.locked" : "login.failed";
        render_login(req, res, 401, &form);
        return;
    }
    if (rc != ERR_OK) {
        web_error_page(req, res, rc == ERR_UNAVAILABLE ? 503 : 500, err.message);
        return;
    }
    auth_cookie_set(req, res, token);
    web_redirect(req, res, form.next ? form.next : login_home(&session));
}

/* ---- logout ------------------------------------------------------------------------------- */

/* GET /logout: a button, since logging out changes state and so is a POST. */
static void page_logout(struct http_request *req, struct http_response *res)
{
    struct html h;
    web_page_begin(&h, req, WEB_STAFF, web_t(req, "logout.title"));
    html_raw(&h, "<h1>");
    web_text(&h, "logout.title");
    html_raw(&h, "</h1>\n<p>");
    web_text(&h, "logout.question");
    html_raw(&h, "</p>\n<form method=\"post\" action=\"/logout\"><input type=\"hidden\" "
                 "name=\"csrf\"");
    html_attr(&h, "value", web_form_token(req, res));
    html_raw(&h, "><button type=\"submit\" class=\"button\">");
    web_text(&h, "nav.logout");
    html_raw(&h, "</button></form>");
    web_page_end(&h, res, 200);
}

static void page_logout_submit(struct http_request *req, struct http_response *res)
{
    struct error err;
    error_clear(&err);
    if (auth_logout(req->app, http_cookie(req, AUTH_COOKIE), &err) != ERR_OK) {
        web_error_page(req, res, 500, err.message);
        return;
    }
    auth_cookie_clear(req, res);
    web_redirect(req, res, "/login?logged_out=1");
}

/* ---- language, stylesheet, help ----------------------------------------------------------- */

/* GET /lang?to=en&back=/login: remember the language (a year) and go back, but only to a page
 * of ours: an open redirect would let anyone send people anywhere under our name. */
static void page_lang(struct http_request *req, struct http_response *res)
{
    const char *to = http_query(req, "to");
    if (to == NULL || (strcmp(to, "sv") != 0 && strcmp(to, "en") != 0)) {
        web_error_page(req, res, 400, NULL);
        return;
    }
    const char *back = http_query(req, "back");
    http_add_header(res, "Set-Cookie",
                    http_printf(req, "lang=%s; Path=/; Max-Age=%d; SameSite=Lax%s", to,
                                LANG_COOKIE_MAX_AGE, req->app->cookie_secure ? "; Secure" : ""));
    web_redirect(req, res, web_local_path(back) ? back : "/");
}

static void page_stylesheet(struct http_request *req, struct http_response *res)
{
    const char *css = req->app->stylesheet ? req->app->stylesheet : "";
    http_text(req, res, 200, "text/css; charset=utf-8", css, req->app->stylesheet_len);
    http_add_header(res, "Cache-Control", "public, max-age=3600");
}

/* GET /hjalp: the help-now box on a page of its own, linked from every patient page. */
static void page_help(struct http_request *req, struct http_response *res)
{
    struct html h;
    web_page_begin(&h, req, WEB_PATIENT, web_t(req, "help.page_title"));
    html_raw(&h, "<h1>");
    web_text(&h, "help.page_title");
    html_raw(&h, "</h1>\n");
    web__help_box(&h, false);
    html_raw(&h, "<p>");
    web_text(&h, "help.more");
    html_raw(&h, "</p>");
    web_page_end(&h, res, 200);
}

static const struct route core_routes[] = {
    { "GET", "/", page_root, 0, BODY_NONE, ROUTE_HTML },
    { "GET", "/login", page_login, 0, BODY_NONE, ROUTE_HTML },
    { "POST", "/login", page_login_submit, 0, BODY_FORM, ROUTE_HTML },
    { "GET", "/logout", page_logout, ROLE_ANY, BODY_NONE, ROUTE_HTML },
    { "POST", "/logout", page_logout_submit, ROLE_ANY, BODY_FORM, ROUTE_HTML },
    { "GET", "/lang", page_lang, 0, BODY_NONE, ROUTE_HTML },
    { "GET", "/static/stegvis.css", page_stylesheet, 0, BODY_NONE, ROUTE_HTML },
    { "GET", "/hjalp", page_help, 0, BODY_NONE, ROUTE_HTML },
};

const struct route *web_core_routes(int *count)
{
    *count = (int)(sizeof(core_routes) / sizeof(core_routes[0]));
    return core_routes;
}
