/* test_web_text.c - the pages' text helpers without a server: the HTML builder's escaping,
 * catalogue placeholders, dates in Europe/Stockholm across the summer-time changes, URL
 * encoding and the local-path check used against open redirects. */
#include <string.h>

#include "core/arena.h"
#include "http/web/html.h"
#include "http/web/web.h"
#include "testing.h"

static struct arena *arena;

static struct http_request request(enum lang lang)
{
    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "/test";
    req.body = "";
    req.lang = lang;
    req.arena = arena;
    return req;
}

/* & < > " ' become entities in text and in attribute values; html_raw passes markup. */
static void html_escapes(void)
{
    struct http_request req = request(LANG_SV);
    struct html h;
    html_begin(&h, &req);
    html_raw(&h, "<p");
    html_attr(&h, "title", "a\"b'c<d>&e");
    html_attr_int(&h, "data-n", -42);
    html_raw(&h, ">");
    html_text(&h, "<script>alert('x') & \"y\"</script>");
    html_text(&h, NULL);
    html_textf(&h, " %d<%s", 3, "4");
    html_raw(&h, "</p>");
    ASSERT_STR_EQ(h.buf, "<p title=\"a&quot;b&#39;c&lt;d&gt;&amp;e\" data-n=\"-42\">"
                         "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
                         " 3&lt;4</p>");
    ASSERT_EQ_INT(h.len, strlen(h.buf));
}

/* The buffer grows past its first block without losing anything. */
static void html_grows(void)
{
    struct http_request req = request(LANG_SV);
    struct html h;
    html_begin(&h, &req);
    for (int i = 0; i < 10000; i++)
        html_raw(&h, "0123456789");
    ASSERT_EQ_INT(h.len, 100000);
    ASSERT_EQ_INT(h.buf[99999], '9');
    ASSERT_EQ_INT(h.buf[100000], '\0');
    struct http_response res;
    memset(&res, 0, sizeof(res));
    html_send(&h, &res, 200);
    ASSERT_EQ_INT(res.status, 200);
    ASSERT_STR_EQ(res.content_type, "text/html; charset=utf-8");
    ASSERT_EQ_INT(res.body_len, 100000);
}

static void placeholders(void)
{
    struct http_request sv = request(LANG_SV), en = request(LANG_EN);
    ASSERT_STR_EQ(web_t(&sv, "login.title"), "Logga in");
    ASSERT_STR_EQ(web_t(&en, "login.title"), "Log in");
    ASSERT_STR_EQ(web_t(&sv, "no.such.id"), "no.such.id");
    ASSERT_STR_EQ(web_tn(&sv, "layout.logged_in_as", "name", "Anna Ek", NULL), "Inloggad: Anna Ek");
    /* a placeholder without a value stays; extra values are ignored */
    ASSERT_STR_EQ(web_tn(&en, "date.datetime", "date", "1 May 2026", "zzz", "!", NULL),
                  "1 May 2026, {hour}:{minute}");
    /* a value longer than the text, and a value with braces, are copied as they are */
    ASSERT_STR_EQ(web_tn(&sv, "date.format", "day", "{month}", "month",
                         "abcdefghijklmnopqrstuvwxyz", "year", "2026", NULL),
                  "{month} abcdefghijklmnopqrstuvwxyz 2026");
}

/* 24 Nov 2026 13:30 UTC is 14:30 in Stockholm (CET, UTC+1). */
static void dates(void)
{
    struct http_request sv = request(LANG_SV), en = request(LANG_EN);
    ASSERT_STR_EQ(web_date(&sv, 1795527000), "24 nov 2026");
    ASSERT_STR_EQ(web_datetime(&sv, 1795527000), "24 nov 2026 kl. 14.30");
    ASSERT_STR_EQ(web_date(&en, 1795527000), "24 Nov 2026");
    ASSERT_STR_EQ(web_datetime(&en, 1795527000), "24 Nov 2026, 14:30");
    /* 5 Jan 2026 08:05 UTC: 09.05, with the leading zero */
    ASSERT_STR_EQ(web_datetime(&sv, 1767600300), "5 jan 2026 kl. 09.05");
    /* 30 Jun 2026 22:30 UTC is already 1 July in Stockholm (CEST, UTC+2) */
    ASSERT_STR_EQ(web_datetime(&sv, 1782858600), "1 jul 2026 kl. 00.30");
    ASSERT_STR_EQ(web_date(&sv, 0), "");
    ASSERT_STR_EQ(web_datetime(&en, 0), "");
}

/* EU summer time: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday
 * of October (29 Mar and 25 Oct in 2026). */
static void summer_time(void)
{
    struct http_request sv = request(LANG_SV);
    ASSERT_STR_EQ(web_datetime(&sv, 1774745999), "29 mar 2026 kl. 01.59"); /* 00:59:59 UTC */
    ASSERT_STR_EQ(web_datetime(&sv, 1774746000), "29 mar 2026 kl. 03.00"); /* 01:00:00 UTC */
    ASSERT_STR_EQ(web_datetime(&sv, 1792889999), "25 okt 2026 kl. 02.59"); /* 00:59:59 UTC */
    ASSERT_STR_EQ(web_datetime(&sv, 1792890000), "25 okt 2026 kl. 02.00"); /* 01:00:00 UTC */
}

static void url_encoding(void)
{
    struct http_request req = request(LANG_SV);
    ASSERT_STR_EQ(web_url_encode(&req, "/patients/12?x=a b&c"), "%2Fpatients%2F12%3Fx%3Da%20b%26c");
    ASSERT_STR_EQ(web_url_encode(&req, "Az09-._~"), "Az09-._~");
    ASSERT_STR_EQ(web_url_encode(&req, "å"), "%C3%A5");
    ASSERT_STR_EQ(web_url_encode(&req, ""), "");
}

static void local_paths(void)
{
    ASSERT_TRUE(web_local_path("/"));
    ASSERT_TRUE(web_local_path("/login"));
    ASSERT_TRUE(web_local_path("/patients/12?tab=plan"));
    ASSERT_TRUE(!web_local_path(NULL));
    ASSERT_TRUE(!web_local_path(""));
    ASSERT_TRUE(!web_local_path("//evil.example"));
    ASSERT_TRUE(!web_local_path("/\\evil.example"));
    ASSERT_TRUE(!web_local_path("https://evil.example/"));
    ASSERT_TRUE(!web_local_path("login"));
    ASSERT_TRUE(!web_local_path("/a\\b"));
    ASSERT_TRUE(!web_local_path("/a\r\nSet-Cookie: x=1"));
}

int main(void)
{
    web_timezone_init();
    arena = arena_new();
    RUN_TEST(html_escapes);
    RUN_TEST(html_grows);
    RUN_TEST(placeholders);
    RUN_TEST(dates);
    RUN_TEST(summer_time);
    RUN_TEST(url_encoding);
    RUN_TEST(local_paths);
    arena_free(arena);
    TEST_SUMMARY();
}
