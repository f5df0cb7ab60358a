/* test_web_core.c - the core pages over real HTTP: login and logout, the session and CSRF rules
 * of pages (router.c, ROUTE_HTML), the language switch, the stylesheet and the help-now page.
 * Every HTML answer is checked for the security headers and for the absence of inline script
 * and style, which the Content-Security-Policy would block. Expected texts are those of
 * po/sv/core.po and po/en/core.po. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "support/api_fixture.h"
#include "support/testdb.h"
#include "support/http_client.h"
#include "testing.h"

#define PASSWORD  "rätt lösenord 2026"
#define FORM_TYPE "application/x-www-form-urlencoded"
#define CSP                                                                                        \
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "                   \
    "frame-ancestors 'none'; base-uri 'none'"

static struct test_server server;

static long long db_int(const char *sql)
{
    return testdb_int(server.db_path, sql);
}

/* An HTML page as UI.md and the CSP want it. */
static void expect_page(const struct test_http_response *res, long status)
{
    test_http_expect_html(res, status);
    ASSERT_STR_EQ(test_http_header(res, "Cache-Control"), "no-store");
}

static void expect_redirect(const struct test_http_response *res, const char *location)
{
    if (res->status != 303)
        TEST_FAIL("status %ld, want 303; body: %s", res->status, res->body);
    ASSERT_STR_EQ(test_http_header(res, "Location"), location);
    ASSERT_STR_EQ(test_http_header(res, "Content-Security-Policy"), CSP);
}

/* The Set-Cookie header that sets `name`, or NULL. */
static const char *set_cookie(const struct test_http_response *res, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < res->header_count; i++)
        if (strcasecmp(res->headers[i].name, "Set-Cookie") == 0 &&
            strncmp(res->headers[i].value, name, len) == 0 && res->headers[i].value[len] == '=')
            return res->headers[i].value;
    return NULL;
}

/* The value of the page's hidden csrf field (static buffer). */
static const char *csrf_field(const struct test_http_response *res)
{
    static char token[80];
    const char *at = strstr(res->body, "name=\"csrf\" value=\"");
    if (at == NULL)
        TEST_FAIL("no csrf field in: %s", res->body);
    at += strlen("name=\"csrf\" value=\"");
    size_t len = strcspn(at, "\"");
    ASSERT_EQ_INT(len, 64);
    snprintf(token, sizeof(token), "%.*s", (int)len, at);
    return token;
}

static struct test_http_response get_page(struct test_http_client *c, const char *path)
{
    return test_http_get(c, path);
}

static struct test_http_response post_form(struct test_http_client *c, const char *path,
                                           const char *body)
{
    return test_http_request(c, "POST", path, FORM_TYPE, body, NULL);
}

/* GET /login, then POST it with `password` (and the page's own token); the answer. */
static struct test_http_response login(struct test_http_client *c, const char *password,
                                       const char *next)
{
    struct test_http_response page = get_page(c, "/login");
    expect_page(&page, 200);
    char *body = strdup(api_fmt("csrf=%s&username=karin&password=%s%s%s", csrf_field(&page),
                                password, next ? "&next=" : "", next ? next : ""));
    test_http_response_free(&page);
    struct test_http_response res = post_form(c, "/login", body);
    free(body);
    return res;
}

static void logged_in(struct test_http_client *c)
{
    test_http_client_init(c, &server);
    struct test_http_response res = login(c, "r%C3%A4tt+l%C3%B6senord+2026", NULL);
    expect_redirect(&res, "/triage");
    test_http_response_free(&res);
}

/* Labels for both inputs, the double-submit token in a cookie and the field, Swedish first. */
static void login_page_renders(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = get_page(&c, "/login");
    expect_page(&res, 200);
    ASSERT_CONTAINS(res.body, "<html lang=\"sv\">");
    ASSERT_CONTAINS(res.body, "<title>Logga in – Stegvis</title>");
    ASSERT_CONTAINS(res.body, "<body class=\"page page-staff\">");
    ASSERT_CONTAINS(res.body, "<h1>Logga in</h1>");
    ASSERT_CONTAINS(res.body, "<label for=\"username\">Användarnamn</label><input class=\"input\" "
                              "id=\"username\" name=\"username\" type=\"text\"");
    ASSERT_CONTAINS(res.body, "<label for=\"password\">Lösenord</label><input class=\"input\" "
                              "id=\"password\" name=\"password\" type=\"password\"");
    ASSERT_CONTAINS(res.body, "<a class=\"lang-switch\" href=\"/lang?to=en&amp;back=%2Flogin\" "
                              "lang=\"en\" hreflang=\"en\">English</a>");
    const char *cookie = set_cookie(&res, "stegvis_form");
    ASSERT_TRUE(cookie != NULL);
    ASSERT_STR_EQ(cookie,
                  api_fmt("stegvis_form=%s; Path=/; HttpOnly; SameSite=Strict", csrf_field(&res)));
    test_http_response_free(&res);
    /* the next visit keeps the browser's token */
    res = get_page(&c, "/login");
    expect_page(&res, 200);
    ASSERT_TRUE(set_cookie(&res, "stegvis_form") == NULL);
    ASSERT_EQ_INT(strlen(csrf_field(&res)), 64);
    test_http_response_free(&res);
    test_http_client_release(&c);
}

/* A wrong password: 401 with the form again, the message and the username kept; counted on
 * the account and audited exactly as the API's login is; no session. */
static void wrong_password_shows_the_error(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = login(&c, "fel", NULL);
    expect_page(&res, 401);
    ASSERT_CONTAINS(res.body, "<title>Fel: Logga in – Stegvis</title>");
    ASSERT_CONTAINS(res.body, "<h2 id=\"error-title\">Det finns ett problem</h2><p>Fel "
                              "användarnamn eller lösenord.</p>");
    ASSERT_CONTAINS(res.body, "name=\"username\" type=\"text\" autocomplete=\"username\" "
                              "value=\"karin\"");
    ASSERT_TRUE(set_cookie(&res, "stegvis_session") == NULL);
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int("SELECT failed_logins FROM staff WHERE username = 'karin'"), 1);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM audit WHERE actor = 'karin' AND "
                         "action = 'login.failed'"),
                  1);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM login_session"), 0);
    /* empty fields: 422 and a message, and no attempt counted */
    res = post_form(&c, "/login", api_fmt("csrf=%s&username=karin&password=", "x"));
    expect_page(&res, 403); /* a wrong token comes first */
    test_http_response_free(&res);
    res = get_page(&c, "/login");
    char *body = strdup(api_fmt("csrf=%s&username=karin&password=", csrf_field(&res)));
    test_http_response_free(&res);
    res = post_form(&c, "/login", body);
    free(body);
    expect_page(&res, 422);
    ASSERT_CONTAINS(res.body, "Skriv ditt användarnamn och ditt lösenord.");
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int("SELECT failed_logins FROM staff WHERE username = 'karin'"), 1);
    test_http_client_release(&c);
}

/* The right password: the session cookie exactly as the API sets it, and 303 to /triage or to
 * a local ?next=; a next that leaves the site is ignored. */
static void login_sets_the_cookie(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = login(&c, "r%C3%A4tt+l%C3%B6senord+2026", NULL);
    expect_redirect(&res, "/triage");
    const char *cookie = set_cookie(&res, "stegvis_session");
    ASSERT_TRUE(cookie != NULL);
    ASSERT_EQ_INT(strlen(cookie), strlen("stegvis_session=") + 64 +
                                      strlen("; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800"));
    ASSERT_CONTAINS(cookie, "; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800");
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int("SELECT failed_logins FROM staff WHERE username = 'karin'"), 0);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM login_session"), 1);
    /* logged in: / and /login lead to the work */
    res = get_page(&c, "/");
    expect_redirect(&res, "/triage");
    test_http_response_free(&res);
    res = get_page(&c, "/login?next=/logout");
    expect_redirect(&res, "/logout");
    test_http_response_free(&res);
    /* the staff layout: who is logged in, and "Logga ut" as a form */
    res = get_page(&c, "/logout");
    expect_page(&res, 200);
    ASSERT_CONTAINS(res.body, "<span class=\"site-user\">Inloggad: Karin Kvist</span>");
    ASSERT_CONTAINS(res.body, "<form class=\"logout-form\" method=\"post\" action=\"/logout\">");
    ASSERT_CONTAINS(res.body, "<a href=\"/triage\">Triage</a>");
    ASSERT_CONTAINS(res.body, "<a href=\"/patienter/ny\">Ny patient</a>");
    ASSERT_NOT_CONTAINS(res.body, "/admin");
    test_http_response_free(&res);
    test_http_client_release(&c);

    test_http_client_init(&c, &server);
    res = login(&c, "r%C3%A4tt+l%C3%B6senord+2026", "%2Flogout");
    expect_redirect(&res, "/logout");
    test_http_response_free(&res);
    test_http_client_release(&c);
    test_http_client_init(&c, &server);
    res = login(&c, "r%C3%A4tt+l%C3%B6senord+2026", "%2F%2Fevil.example");
    expect_redirect(&res, "/triage");
    test_http_response_free(&res);
    test_http_client_release(&c);
}

/* Pages with roles send people without a session to the login, and back afterwards. */
static void staff_page_needs_a_session(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = get_page(&c, "/logout");
    expect_redirect(&res, "/login?next=%2Flogout");
    test_http_response_free(&res);
    res = post_form(&c, "/logout", "csrf=x");
    expect_redirect(&res, "/login");
    test_http_response_free(&res);
    res = get_page(&c, "/");
    expect_redirect(&res, "/login");
    test_http_response_free(&res);
    /* a session cookie that names no session is no session */
    const char *const headers[] = { "Cookie: stegvis_session=0123456789abcdef", NULL };
    res = test_http_request(&c, "GET", "/logout", NULL, NULL, headers);
    expect_redirect(&res, "/login?next=%2Flogout");
    test_http_response_free(&res);
    test_http_client_release(&c);
}

/* A state-changing page request needs the csrf form field: without it, or with a wrong one,
 * or with the token only in the API's header, 403 and nothing happens. */
static void post_without_csrf_is_403(void)
{
    struct test_http_client c;
    logged_in(&c);
    struct test_http_response page = get_page(&c, "/logout");
    expect_page(&page, 200);
    char token[80];
    snprintf(token, sizeof(token), "%s", csrf_field(&page));
    test_http_response_free(&page);
    long long sessions = db_int("SELECT count(*) FROM login_session");

    struct test_http_response res = post_form(&c, "/logout", "");
    expect_page(&res, 403);
    ASSERT_CONTAINS(res.body, "Formuläret har gått ut eller skickades inte från Stegvis.");
    test_http_response_free(&res);
    res = post_form(&c, "/logout",
                    "csrf=0000000000000000000000000000000000000000000000000000000"
                    "000000000");
    expect_page(&res, 403);
    test_http_response_free(&res);
    const char *const headers[] = { api_fmt("X-CSRF-Token: %s", token), NULL };
    res = test_http_request(&c, "POST", "/logout", FORM_TYPE, "", headers);
    expect_page(&res, 403);
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM login_session"), sessions);
    res = get_page(&c, "/logout"); /* still logged in */
    expect_page(&res, 200);
    test_http_response_free(&res);

    /* the right token logs out: the cookie is cleared and the session gone */
    res = post_form(&c, "/logout", api_fmt("csrf=%s", token));
    expect_redirect(&res, "/login?logged_out=1");
    ASSERT_STR_EQ(set_cookie(&res, "stegvis_session"),
                  "stegvis_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM login_session"), sessions - 1);
    res = get_page(&c, "/login?logged_out=1");
    expect_page(&res, 200);
    ASSERT_CONTAINS(res.body, "Du är utloggad.");
    test_http_response_free(&res);
    res = get_page(&c, "/logout");
    expect_redirect(&res, "/login?next=%2Flogout");
    test_http_response_free(&res);
    test_http_client_release(&c);

    /* the login form too: no token, or a token without its cookie (another browser's) */
    test_http_client_init(&c, &server);
    res = post_form(&c, "/login", "username=karin&password=x");
    expect_page(&res, 403);
    test_http_response_free(&res);
    res = post_form(&c, "/login", api_fmt("csrf=%s&username=karin&password=x", token));
    expect_page(&res, 403);
    test_http_response_free(&res);
    test_http_client_release(&c);
}

/* GET /lang sets the cookie and comes back; the next page is English, with exactly the texts of
 * po/en/core.po, and offers "Svenska". */
static void language_switch(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = get_page(&c, "/lang?to=en&back=/login");
    expect_redirect(&res, "/login");
    ASSERT_STR_EQ(set_cookie(&res, "lang"), "lang=en; Path=/; Max-Age=31536000; SameSite=Lax");
    test_http_response_free(&res);
    res = get_page(&c, "/login");
    expect_page(&res, 200);
    ASSERT_CONTAINS(res.body, "<html lang=\"en\">");
    ASSERT_CONTAINS(res.body, "<h1>Log in</h1>");
    ASSERT_CONTAINS(res.body, "<p>For healthcare staff. Patients do not need to log in: use the "
                              "link in the message you received.</p>");
    ASSERT_CONTAINS(res.body, "<label for=\"username\">Username</label>");
    ASSERT_CONTAINS(res.body, "lang=\"sv\" hreflang=\"sv\">Svenska</a>");
    test_http_response_free(&res);
    res = get_page(&c, "/hjalp");
    expect_page(&res, 200);
    ASSERT_CONTAINS(res.body, "<h1>Get help now</h1>");
    test_http_response_free(&res);
    res = get_page(&c, "/lang?to=sv&back=/hjalp");
    expect_redirect(&res, "/hjalp");
    test_http_response_free(&res);
    res = get_page(&c, "/hjalp");
    ASSERT_CONTAINS(res.body, "<h1>Hjälp nu</h1>");
    test_http_response_free(&res);
    test_http_client_release(&c);
}

/* Only local paths: anything a browser could read as another host goes to /. */
static void language_switch_stays_local(void)
{
    static const char *const foreign[] = { "//evil.example",
                                           "%2F%2Fevil.example",
                                           "https://evil.example/",
                                           "/%5Cevil.example",
                                           "",
                                           "/login%0D%0ASet-Cookie:%20x=1" };
    struct test_http_client c;
    test_http_client_init(&c, &server);
    for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
        struct test_http_response res = get_page(&c, api_fmt("/lang?to=en&back=%s", foreign[i]));
        expect_redirect(&res, "/");
        test_http_response_free(&res);
    }
    struct test_http_response res = get_page(&c, "/lang?to=de&back=/login");
    expect_page(&res, 400);
    ASSERT_TRUE(set_cookie(&res, "lang") == NULL);
    test_http_response_free(&res);
    test_http_client_release(&c);
}

static void stylesheet_is_served(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/static/stegvis.css", getenv("STEGVIS_DATA"));
    FILE *f = fopen(path, "rb");
    ASSERT_TRUE(f != NULL);
    static char want[256 * 1024];
    size_t len = fread(want, 1, sizeof(want) - 1, f);
    fclose(f);
    want[len] = '\0';
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = get_page(&c, "/static/stegvis.css");
    ASSERT_EQ_INT(res.status, 200);
    ASSERT_STR_EQ(test_http_header(&res, "Content-Type"), "text/css; charset=utf-8");
    ASSERT_STR_EQ(test_http_header(&res, "Cache-Control"), "public, max-age=3600");
    ASSERT_EQ_INT(test_http_header_count(&res, "Cache-Control"), 1);
    ASSERT_STR_EQ(test_http_header(&res, "Content-Security-Policy"), CSP);
    ASSERT_EQ_INT(res.body_len, len);
    ASSERT_STR_EQ(res.body, want);
    ASSERT_CONTAINS(res.body, ".band-4 {");
    test_http_response_free(&res);
    test_http_client_release(&c);
}

/* /hjalp: 112, 90101 and 1177 as phone links, on a patient page, not as an alert. */
static void help_page(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = get_page(&c, "/hjalp");
    expect_page(&res, 200);
    ASSERT_CONTAINS(res.body, "<body class=\"page page-patient\">");
    ASSERT_CONTAINS(res.body, "<a class=\"help-link\" href=\"/hjalp\">Hjälp nu</a>");
    ASSERT_CONTAINS(res.body, "<a class=\"help-now-call\" href=\"tel:112\">Ring 112</a>");
    ASSERT_CONTAINS(
        res.body, "<a class=\"help-now-call\" href=\"tel:90101\">Ring Självmordslinjen 90101</a>");
    ASSERT_CONTAINS(res.body, "<a class=\"help-now-call\" href=\"tel:1177\">Ring 1177 "
                              "Vårdguiden</a>");
    ASSERT_CONTAINS(res.body, "<a href=\"https://www.1177.se/\">1177.se</a>");
    ASSERT_NOT_CONTAINS(res.body, "role=\"alert\"");
    test_http_response_free(&res);
    test_http_client_release(&c);
}

/* Unknown pages and methods are pages too; the API keeps its problem+json. */
static void errors_are_pages(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = get_page(&c, "/finns-inte");
    expect_page(&res, 404);
    ASSERT_CONTAINS(res.body, "<h1>Sidan hittades inte</h1>");
    test_http_response_free(&res);
    res = test_http_request(&c, "PUT", "/login", FORM_TYPE, "", NULL);
    expect_page(&res, 405);
    ASSERT_STR_EQ(test_http_header(&res, "Allow"), "GET, POST");
    test_http_response_free(&res);
    res = test_http_request(&c, "POST", "/login", "application/json", "{}", NULL);
    expect_page(&res, 415);
    test_http_response_free(&res);
    res = get_page(&c, "/api/v1/nothing");
    test_http_expect_problem(&res, 404);
    test_http_response_free(&res);
    test_http_client_release(&c);
}

int main(void)
{
    test_server_init(&server);
    server.extra_args[0] = "--login-delay-ms";
    server.extra_args[1] = "0";
    test_server_add_user(&server, "karin", "clinician", "GOTTSUNDA", "Karin Kvist", PASSWORD);
    test_server_launch(&server);
    RUN_TEST(login_page_renders);
    RUN_TEST(wrong_password_shows_the_error);
    RUN_TEST(login_sets_the_cookie);
    RUN_TEST(staff_page_needs_a_session);
    RUN_TEST(post_without_csrf_is_403);
    RUN_TEST(language_switch);
    RUN_TEST(language_switch_stays_local);
    RUN_TEST(stylesheet_is_served);
    RUN_TEST(help_page);
    RUN_TEST(errors_are_pages);
    test_server_stop(&server);
    test_server_release(&server);
    TEST_SUMMARY();
}
