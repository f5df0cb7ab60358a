/* test_protocol.c - the HTTP layer over real HTTP on loopback: problem+json for every error,
 * 404/405/413/415/400, the security headers, the access log, sessions and CSRF at the router,
 * graceful shutdown, and the serve/migrate/backup commands around a live server. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "store/store.h"
#include "support/http_client.h"
#include "support/raw_client.h"
#include "support/support.h"
#include "support/testdb.h"
#include "testing.h"

static struct test_server server; /* one server for the cases that only talk to it */

#define CSP                                                                                        \
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "                   \
    "frame-ancestors 'none'; base-uri 'none'"

static void expect_security_headers(const struct test_http_response *res)
{
    ASSERT_STR_EQ(test_http_header(res, "Content-Security-Policy"), CSP);
    ASSERT_STR_EQ(test_http_header(res, "X-Frame-Options"), "DENY");
    ASSERT_STR_EQ(test_http_header(res, "Referrer-Policy"), "no-referrer");
    ASSERT_STR_EQ(test_http_header(res, "X-Content-Type-Options"), "nosniff");
    ASSERT_STR_EQ(test_http_header(res, "Cache-Control"), "no-store");
}

/* Send a request and check it is exactly the problem `status` with the security headers. */
static void expect_problem(const char *method, const char *path, const char *content_type,
                           const char *body, long status, const char *title)
{
    struct test_http_client client;
    test_http_client_init(&client, &server);
    struct test_http_response res =
        test_http_request(&client, method, path, content_type, body, NULL);
    test_http_expect_problem(&res, status);
    expect_security_headers(&res);
    if (title != NULL)
        ASSERT_STR_EQ(test_http_json_string(&res, "title"), title);
    test_http_response_free(&res);
    test_http_client_release(&client);
}

static void unknown_route_is_404(void)
{
    expect_problem("GET", "/api/v1/nothing-here", NULL, NULL, 404, "Not Found");
    /* Under /api/ the API answers, even for a path that is none of its own; elsewhere the
     * pages do (an HTML 404: test_web_core). */
    expect_problem("GET", "/api/", NULL, NULL, 404, "Not Found");
    expect_problem("GET", "/api/v1/patients/12/extra", NULL, NULL, 404, "Not Found");
    /* {id} matches one non-empty segment only. */
    expect_problem("GET", "/api/v1/patients//", NULL, NULL, 404, "Not Found");
    expect_problem("GET", "/api/v1/me/", NULL, NULL, 404, "Not Found");
}

static void expect_allow(const char *method, const char *path, const char *allow)
{
    struct test_http_client client;
    test_http_client_init(&client, &server);
    struct test_http_response res = test_http_request(&client, method, path, NULL, NULL, NULL);
    test_http_expect_problem(&res, 405);
    ASSERT_STR_EQ(test_http_json_string(&res, "title"), "Method Not Allowed");
    ASSERT_STR_EQ(test_http_header(&res, "Allow"), allow);
    ASSERT_EQ_INT(test_http_header_count(&res, "Allow"), 1);
    expect_security_headers(&res);
    test_http_response_free(&res);
    test_http_client_release(&client);
}

static void wrong_method_is_405_with_allow(void)
{
    /* routes.c: only POST /api/v1/login; GET and POST /api/v1/patients; GET and PATCH
     * /api/v1/episodes/{id}. Allow lists them in the order GET, POST, PUT, PATCH, DELETE. */
    expect_allow("GET", "/api/v1/login", "POST");
    expect_allow("DELETE", "/api/v1/patients", "GET, POST");
    expect_allow("PUT", "/api/v1/episodes/7", "GET, PATCH");
    expect_allow("OPTIONS", "/api/v1/me", "GET");
}

/* A JSON document of exactly `size` bytes: "{" + spaces + "}". */
static char *json_of_size(size_t size)
{
    char *text = xmalloc(size + 1);
    memset(text, ' ', size);
    text[0] = '{';
    text[size - 1] = '}';
    text[size] = '\0';
    return text;
}

static void body_over_64_kib_is_413(void)
{
    /* 65537 bytes: one over HTTP_MAX_BODY (65536), announced by Content-Length. */
    char *big = json_of_size(65537);
    expect_problem("POST", "/api/v1/login", "application/json", big, 413, "Content Too Large");
    /* The same without a Content-Length (chunked): the cap is enforced while reading. */
    struct test_http_client client;
    test_http_client_init(&client, &server);
    const char *chunked[] = { "Transfer-Encoding: chunked", NULL };
    struct test_http_response res =
        test_http_request(&client, "POST", "/api/v1/login", "application/json", big, chunked);
    test_http_expect_problem(&res, 413);
    expect_security_headers(&res);
    test_http_response_free(&res);
    test_http_client_release(&client);
    free(big);
    /* Exactly 65536 bytes is allowed: the login handler sees an object without a username. */
    char *limit = json_of_size(65536);
    expect_problem("POST", "/api/v1/login", "application/json", limit, 422, NULL);
    free(limit);
}

static void wrong_content_type_is_415(void)
{
    const char *body = "{\"username\":\"a\",\"password\":\"b\"}";
    expect_problem("POST", "/api/v1/login", "text/plain", body, 415, "Unsupported Media Type");
    expect_problem("POST", "/api/v1/login", "application/x-www-form-urlencoded", "a=b", 415, NULL);
    expect_problem("POST", "/api/v1/login", "application/jsonx", body, 415, NULL);
    expect_problem("POST", "/api/v1/login", "application/json; charset=latin1", body, 415, NULL);
    expect_problem("POST", "/api/v1/login", NULL, body, 415, NULL);
    /* charset=utf-8 is fine: the request reaches the handler (and fails the login: 401). */
    expect_problem("POST", "/api/v1/login", "application/json; charset=UTF-8", body, 401, NULL);
}

static void malformed_json_is_400_with_position(void)
{
    struct test_http_client client;
    test_http_client_init(&client, &server);
    /* Line 2, column 14: the '}' where a value should be (jansson counts columns from 1). */
    struct test_http_response res = test_http_send_json(&client, "POST", "/api/v1/login",
                                                        "{\"username\": \"a\",\n \"password\": }");
    test_http_expect_problem(&res, 400);
    ASSERT_STR_EQ(test_http_json_string(&res, "title"), "Malformed JSON");
    ASSERT_STR_EQ(test_http_json_string(&res, "detail"),
                  "line 2, column 14: unexpected token near '}'");
    expect_security_headers(&res);
    test_http_response_free(&res);

    res = test_http_send_json(&client, "POST", "/api/v1/login",
                              "{\"username\":\"a\",\"username\":\"b\",\"password\":\"c\"}");
    test_http_expect_problem(&res, 400);
    ASSERT_STR_EQ(test_http_json_string(&res, "title"), "Malformed JSON");
    ASSERT_CONTAINS(test_http_json_string(&res, "detail"), "line 1, column ");
    ASSERT_CONTAINS(test_http_json_string(&res, "detail"), "duplicate object key");
    test_http_response_free(&res);

    /* Not an object: 422 with the pointer to the whole document. */
    res = test_http_send_json(&client, "POST", "/api/v1/login", "[1, 2]");
    test_http_expect_problem(&res, 422);
    json_t *errors = json_object_get(res.json, "errors");
    ASSERT_EQ_INT(json_array_size(errors), 1);
    ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(errors, 0), "pointer")), "");
    test_http_response_free(&res);

    /* No body at all. */
    res = test_http_request(&client, "POST", "/api/v1/login", "application/json", NULL, NULL);
    test_http_expect_problem(&res, 400);
    ASSERT_STR_EQ(test_http_json_string(&res, "title"), "A JSON body is required");
    test_http_response_free(&res);
    test_http_client_release(&client);
}

static void protected_route_needs_a_session(void)
{
    expect_problem("GET", "/api/v1/me", NULL, NULL, 401, "Not logged in");
    struct test_http_client client;
    test_http_client_init(&client, &server);
    const char *bogus[] = { "Cookie: stegvis_session=0123456789abcdef0123456789abcdef0123456789"
                            "abcdef0123456789abcdef",
                            NULL };
    struct test_http_response res =
        test_http_request(&client, "GET", "/api/v1/me", NULL, NULL, bogus);
    test_http_expect_problem(&res, 401);
    ASSERT_STR_EQ(test_http_json_string(&res, "title"), "Not logged in");
    test_http_response_free(&res);
    test_http_client_release(&client);
}

/* Two browsers, two users: the router loads each one's session, checks the role and, for
 * changes, the CSRF token of that session. */
static void sessions_roles_and_csrf(void)
{
    test_server_add_user(&server, "anna", "clinician", "BALSTA", "Anna Berg", "anna-password-1");
    test_server_add_user(&server, "root", "admin", "BALSTA", NULL, "root-password-1");
    struct test_http_client anna, root;
    test_http_client_init(&anna, &server);
    test_http_client_init(&root, &server);
    test_http_login(&anna, "anna", "anna-password-1");
    test_http_login(&root, "root", "root-password-1");

    struct test_http_response res = test_http_get(&anna, "/api/v1/me");
    ASSERT_EQ_INT(res.status, 200);
    ASSERT_STR_EQ(test_http_header(&res, "Content-Type"), "application/json");
    expect_security_headers(&res);
    ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(res.json, "staff"), "role")),
                  "clinician");
    test_http_response_free(&res);
    res = test_http_get(&root, "/api/v1/me");
    ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(res.json, "staff"), "role")),
                  "admin");
    test_http_response_free(&res);

    /* A change without the token, or with the other user's token: 403 before the handler. */
    char anna_csrf[80];
    snprintf(anna_csrf, sizeof(anna_csrf), "%s", anna.csrf);
    anna.csrf[0] = '\0';
    res = test_http_request(&anna, "POST", "/api/v1/logout", NULL, NULL, NULL);
    test_http_expect_problem(&res, 403);
    ASSERT_STR_EQ(test_http_json_string(&res, "title"), "Missing or wrong CSRF token");
    test_http_response_free(&res);
    snprintf(anna.csrf, sizeof(anna.csrf), "%s", root.csrf);
    res = test_http_request(&anna, "POST", "/api/v1/logout", NULL, NULL, NULL);
    test_http_expect_problem(&res, 403);
    ASSERT_STR_EQ(test_http_json_string(&res, "title"), "Missing or wrong CSRF token");
    test_http_response_free(&res);
    snprintf(anna.csrf, sizeof(anna.csrf), "%s", anna_csrf);

    /* A clinician may not create units (admin only): 403 whatever the body. */
    res = test_http_send_json(&anna, "POST", "/api/v1/units", "{}");
    test_http_expect_problem(&res, 403);
    ASSERT_STR_EQ(test_http_json_string(&res, "title"), "Forbidden");
    test_http_response_free(&res);

    /* Logging out ends anna's session only. */
    res = test_http_request(&anna, "POST", "/api/v1/logout", NULL, NULL, NULL);
    ASSERT_EQ_INT(res.status, 204);
    expect_security_headers(&res);
    test_http_response_free(&res);
    res = test_http_get(&anna, "/api/v1/me");
    test_http_expect_problem(&res, 401);
    test_http_response_free(&res);
    res = test_http_get(&root, "/api/v1/me");
    ASSERT_EQ_INT(res.status, 200);
    test_http_response_free(&res);
    test_http_client_release(&anna);
    test_http_client_release(&root);
}

static void access_log_has_no_query_body_or_cookie(void)
{
    struct test_http_client client;
    test_http_client_init(&client, &server);
    const char *cookie[] = { "Cookie: stegvis_session=secretcookievalue", NULL };
    struct test_http_response res =
        test_http_request(&client, "POST", "/api/v1/nothing?pnr=191212121212", "application/json",
                          "{\"pnr\":\"198112189876\"}", cookie);
    ASSERT_EQ_INT(res.status, 404);
    test_http_response_free(&res);
    test_http_client_release(&client);
    char *log = test_server_wait_log(&server, "stegvis: POST /api/v1/nothing 404 ");
    ASSERT_NOT_CONTAINS(log, "191212121212");
    ASSERT_NOT_CONTAINS(log, "198112189876");
    ASSERT_NOT_CONTAINS(log, "secretcookievalue");
    ASSERT_NOT_CONTAINS(log, "pnr=");
    free(log);
}

/* ---- raw sockets, for a request that is still arriving when the server is told to stop ---- */

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Wait up to 5 s until a new connection is refused. */
static void expect_refused_soon(int port)
{
    for (int i = 0; i < 500; i++) {
        int fd = raw_connect(port);
        if (fd < 0)
            return;
        close(fd);
        sleep_ms(10);
    }
    TEST_FAIL("the server still accepts connections 5 s after SIGTERM");
}

/* SQLite's own check of a database file. */
static void integrity_ok(const char *path)
{
    if (!testdb_sqlite_only("PRAGMA integrity_check of the database file"))
        return;
    char text[64];
    testdb_text(path, "PRAGMA integrity_check", text, sizeof(text));
    ASSERT_STR_EQ(text, "ok");
}

/* A chunked upload that goes on far past the cap is cut (libmicrohttpd 0.9 cannot answer in
 * the middle of an upload, so the server drops up to 1 MiB more, then closes). */
static void endless_upload_is_cut(void)
{
    int fd = raw_connect(server.port);
    ASSERT_TRUE(fd >= 0);
    raw_send(fd, "POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    static char chunk[8192 + 16];
    int head = snprintf(chunk, sizeof(chunk), "2000\r\n");
    memset(chunk + head, ' ', 8192);
    memcpy(chunk + head + 8192, "\r\n", 2);
    size_t chunk_len = (size_t)head + 8192 + 2;
    bool cut = false;
    for (int i = 0; i < 1024 && !cut; i++) /* up to 8 MiB */
        cut = send(fd, chunk, chunk_len, MSG_NOSIGNAL) != (ssize_t)chunk_len;
    char answer[64];
    ssize_t n = cut ? 0 : read(fd, answer, sizeof(answer));
    close(fd);
    ASSERT_TRUE(cut || n <= 0);
    expect_problem("GET", "/api/v1/nothing", NULL, NULL, 404, NULL); /* still serving */
}

static void sigterm_finishes_the_request_in_flight(void)
{
    struct test_server own;
    test_server_start(&own);
    int fd = raw_connect(own.port);
    ASSERT_TRUE(fd >= 0);
    /* Headers and half of a 10-byte body; the server waits for the rest. */
    raw_send(fd, "POST /api/v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\":");
    sleep_ms(300);
    kill(own.pid, SIGTERM);
    expect_refused_soon(own.port);
    raw_send(fd, "12345");
    char answer[4096];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof(answer) - 1 && (n = read(fd, answer + len, sizeof(answer) - 1 - len)) > 0)
        len += (size_t)n;
    answer[len] = '\0';
    close(fd);
    ASSERT_CONTAINS(answer, "HTTP/1.1 404 ");
    ASSERT_CONTAINS(answer, "\"status\":404");
    test_server_stop(&own); /* already signalled: waits and checks the exit code is 0 */
    char *log = test_server_log(&own);
    ASSERT_CONTAINS(log, "stegvis: shutting down (SIGTERM)");
    ASSERT_CONTAINS(log, "stegvis: POST /api/v1/nothing 404 ");
    free(log);
    integrity_ok(own.db_path);
    test_server_release(&own);
}

/* ---- the commands around the server ------------------------------------------------------- */

static void expect_usage_line(const char *const *args, const char *line)
{
    struct test_run run = test_run_stegvis(NULL, args);
    if (run.exit_code != 2 || strcmp(run.err, line) != 0 || run.out[0] != '\0')
        TEST_FAIL("stegvis %s: exit %d, stderr \"%s\"; want exit 2 and \"%s\"", args[0],
                  run.exit_code, run.err, line);
    test_run_free(&run);
}

static void serve_rejects_bad_options(void)
{
    char db[400];
    test_server_path(&server, "other.db", db, sizeof(db));
    const char *no_db[] = { "serve", NULL };
    expect_usage_line(no_db, "stegvis: serve: --db FILE is required\n");
    const char *unknown[] = { "serve", "--db", db, "--port", "80", NULL };
    expect_usage_line(unknown, "stegvis: serve: unknown option \"--port\"\n");
    const char *threads[] = { "serve", "--db", db, "--threads", "0", NULL };
    expect_usage_line(threads, "stegvis: serve: --threads: \"0\" is not a number from 1 to 256\n");
    const char *listen[] = { "serve", "--db", db, "--listen", "localhost:80", NULL };
    expect_usage_line(listen, "stegvis: --listen: \"localhost:80\" is not ADDRESS:PORT (e.g. "
                              "127.0.0.1:8080 or [::1]:8080)\n");
    const char *value[] = { "backup", "--db", NULL };
    expect_usage_line(value, "stegvis: backup: --db needs a value\n");
    const char *to[] = { "backup", "--db", db, NULL };
    expect_usage_line(to, "stegvis: backup: --to FILE is required\n");
}

static void backup_while_serving(void)
{
    if (!testdb_sqlite_only("stegvis backup writes a SQLite file"))
        return;
    char copy[400];
    test_server_path(&server, "copy.db", copy, sizeof(copy));
    const char *args[] = { "backup", "--db", server.db_path, "--to", copy, NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    if (run.exit_code != 0)
        TEST_FAIL("backup: exit %d, stderr %s", run.exit_code, run.err);
    struct stat st;
    ASSERT_EQ_INT(stat(copy, &st), 0);
    char want[600];
    snprintf(want, sizeof(want), "{\"backup\":\"%s\",\"bytes\":%lld}\n", copy,
             (long long)st.st_size);
    ASSERT_STR_EQ(run.out, want);
    ASSERT_TRUE(st.st_size > 0);
    test_run_free(&run);
    integrity_ok(copy);
    /* The server is unaffected. */
    expect_problem("GET", "/api/v1/nothing", NULL, NULL, 404, NULL);
    /* A backup never overwrites a file. */
    run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 1);
    ASSERT_CONTAINS(run.err, "exists already");
    test_run_free(&run);
}

/* Stamp the database at `path` with schema version `version` (store: meta.schema_version). */
static void set_schema_version(const char *db_url, int version)
{
    struct testdb *db = testdb_connect(db_url);
    char sql[200], message[256];
    snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%d' WHERE key = 'schema_version'",
             version);
    long long changes = 0;
    if (testdb_run(db, sql, &changes, message, sizeof(message)) != TESTDB_OK)
        TEST_FAIL("%s: %s", sql, message);
    ASSERT_EQ_INT(changes, 1);
    testdb_close(db);
}

static void serve_refuses_a_newer_schema(void)
{
    /* Only "newer" can be tested while STORE_SCHEMA_VERSION is 1: the store treats version 0
     * as a pre-release database and brings it up to date on open, so nothing is "older". */
    struct test_server own;
    test_server_start(&own);
    test_server_stop(&own);
    set_schema_version(own.db_path, 99);
    const char *args[] = { "serve", "--db", own.db_path, "--listen", "127.0.0.1:0", NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 1);
    ASSERT_STR_EQ(run.out, "");
    char want[200];
    snprintf(want, sizeof(want),
             "stegvis: database schema version 99 is newer than this stegvis (%d): upgrade "
             "stegvis\n",
             STORE_SCHEMA_VERSION);
    ASSERT_CONTAINS(run.err, want);
    test_run_free(&run);
    /* migrate refuses it too, and changes nothing. */
    const char *migrate[] = { "migrate", "--db", own.db_path, NULL };
    run = test_run_stegvis(NULL, migrate);
    ASSERT_EQ_INT(run.exit_code, 1);
    ASSERT_CONTAINS(run.err, want);
    test_run_free(&run);
    test_server_release(&own);
}

static void expect_migrate(const char *db, const char *backup, int from, const char *backup_json)
{
    const char *args[] = { "migrate", "--db", db, "--backup", backup, NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    if (run.exit_code != 0)
        TEST_FAIL("migrate: exit %d, stderr %s", run.exit_code, run.err);
    char want[600];
    snprintf(want, sizeof(want), "{\"from\":%d,\"to\":%d,\"backup\":%s}\n", from,
             STORE_SCHEMA_VERSION, backup_json);
    ASSERT_STR_EQ(run.out, want);
    test_run_free(&run);
}

static void migrate_takes_a_backup_first(void)
{
    if (!testdb_sqlite_only("migrate with a backup file, and a missing database file"))
        return;
    struct test_server own;
    test_server_start(&own);
    test_server_stop(&own);
    char backup[400], quoted[420];
    test_server_path(&own, "before.db", backup, sizeof(backup));
    /* Current: nothing to do, so no backup either. */
    expect_migrate(own.db_path, backup, STORE_SCHEMA_VERSION, "null");
    struct stat st;
    ASSERT_EQ_INT(stat(backup, &st), -1);
    /* A pre-release database (version 0) is migrated after a backup of it. */
    set_schema_version(own.db_path, 0);
    snprintf(quoted, sizeof(quoted), "\"%s\"", backup);
    expect_migrate(own.db_path, backup, 0, quoted);
    integrity_ok(backup);
    integrity_ok(own.db_path);
    const char *missing[] = { "migrate", "--db", "/nonexistent/stegvis.db", NULL };
    struct test_run run = test_run_stegvis(NULL, missing);
    ASSERT_EQ_INT(run.exit_code, 1);
    ASSERT_STR_EQ(run.err, "stegvis: /nonexistent/stegvis.db does not exist\n");
    test_run_free(&run);
    test_server_release(&own);
}

int main(void)
{
    test_server_start(&server);
    RUN_TEST(unknown_route_is_404);
    RUN_TEST(wrong_method_is_405_with_allow);
    RUN_TEST(body_over_64_kib_is_413);
    RUN_TEST(wrong_content_type_is_415);
    RUN_TEST(malformed_json_is_400_with_position);
    RUN_TEST(protected_route_needs_a_session);
    RUN_TEST(sessions_roles_and_csrf);
    RUN_TEST(access_log_has_no_query_body_or_cookie);
    RUN_TEST(serve_rejects_bad_options);
    RUN_TEST(backup_while_serving);
    RUN_TEST(endless_upload_is_cut);
    RUN_TEST(sigterm_finishes_the_request_in_flight);
    RUN_TEST(serve_refuses_a_newer_schema);
    RUN_TEST(migrate_takes_a_backup_first);
    test_server_stop(&server);
    test_server_release(&server);
    TEST_SUMMARY();
}
