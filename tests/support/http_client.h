/* http_client.h - the real server for the HTTP tests, and a libcurl client to talk to it.
 *
 * test_server_start runs `stegvis serve --db DB --listen 127.0.0.1:0` ($STEGVIS_BIN) on a new
 * database DB of its own (testdb_create: a SQLite file, or a PostgreSQL database in a pg/ run)
 * with its stderr (the access log) in DIR/server.log in a fresh folder DIR (mkdtemp), and waits
 * up to 10 s for the "listening on" line that names the port. test_server_stop sends SIGTERM
 * and waits: the exit code must be 0, so a sanitizer report in the server (ASan build) fails
 * the test. Every helper aborts the test with a clear message when something goes wrong; then
 * the servers are killed and the folder is kept for its server.log.
 *
 * A client is one browser: its own cookie jar and its own CSRF token, so a test can be two
 * different logged-in users at once.
 */
#ifndef STEGVIS_TESTS_HTTP_CLIENT_H
#define STEGVIS_TESTS_HTTP_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TEST_HTTP_MAX_HEADERS 48

struct test_server {
    pid_t pid; /* 0 when not running */
    int port;
    int stdout_fd;              /* the server's stdout (read for the "listening on" line) */
    char dir[256];              /* the temporary folder */
    char db_path[320];          /* the database: a SQLite path or a PostgreSQL URL */
    bool owns_db;               /* made by test_server_init, dropped by test_server_release */
    char log_path[320];         /* DIR/server.log: the server's stderr */
    const char *extra_args[10]; /* more `serve` options, NULL-terminated (set before launch) */
};

/* A fresh folder and a new database (testdb_create), with no server yet (to prepare the
 * database before launching). */
void test_server_init(struct test_server *server);

/* A fresh folder for a server on the existing database `db_url` (another server's db_path, or
 * a database in a cluster of the test's own), which test_server_release leaves alone. */
void test_server_init_db(struct test_server *server, const char *db_url);

/* Run the server on server->db_path and wait for its port. */
void test_server_launch(struct test_server *server);

/* test_server_init then test_server_launch. */
void test_server_start(struct test_server *server);

/* SIGTERM, wait, and return the exit code: -1 when killed by a signal, or when it had not
 * stopped after 60 s (then it is killed). The folder stays. */
int test_server_terminate(struct test_server *server);

/* test_server_terminate, failing the test unless the exit code is 0. */
void test_server_stop(struct test_server *server);

/* SIGKILL (a crash: no shutdown at all) and wait. The folder stays; test_server_launch runs
 * the server again on the same database. */
void test_server_kill(struct test_server *server);

/* The server's resident memory (VmRSS of /proc/PID/status) in KiB; fails the test when it
 * cannot be read. */
long long test_server_rss_kib(const struct test_server *server);

/* Stop the server if it still runs (without checking how), remove the folder, and drop the
 * database when test_server_init made it. */
void test_server_release(struct test_server *server);

/* The server's stderr so far (access log and messages); free() it. */
char *test_server_log(const struct test_server *server);

/* The log once it contains `text` (the access-log line of a request is written just after its
 * answer, so a test may see the answer first); fails the test after 5 s. free() it. */
char *test_server_wait_log(const struct test_server *server, const char *text);

/* DIR/name in `out`. */
void test_server_path(const struct test_server *server, const char *name, char *out, size_t size);

/* Run `stegvis user add` on the server's database with the password on stdin; fails the test
 * unless it exits 0. `display_name` may be NULL. */
void test_server_add_user(const struct test_server *server, const char *username, const char *role,
                          const char *unit_code, const char *display_name, const char *password);

struct test_http_header {
    char *name;
    char *value;
};

struct test_http_response {
    long status;
    char *body; /* NUL-terminated; "" when empty */
    size_t body_len;
    json_t *json; /* the body parsed when the Content-Type is JSON, else NULL */
    int header_count;
    struct test_http_header headers[TEST_HTTP_MAX_HEADERS];
};

struct test_http_client {
    const struct test_server *server;
    void *curl;    /* CURL *: one handle per client, keeping its cookies and connection */
    char csrf[80]; /* sent as X-CSRF-Token on requests other than GET/HEAD when not "" */
};

void test_http_client_init(struct test_http_client *client, const struct test_server *server);
void test_http_client_release(struct test_http_client *client);

/* Send `method` `path` ("/api/v1/me?x=1") with `body` (NULL = none; NUL-terminated) of
 * `content_type` (NULL = no Content-Type header) and `headers` ("Name: value", NULL-terminated
 * list, or NULL). Fails the test when the server cannot be reached. */
struct test_http_response test_http_request(struct test_http_client *client, const char *method,
                                            const char *path, const char *content_type,
                                            const char *body, const char *const *headers);

/* test_http_request that returns false (with curl's message in `error`) instead of failing
 * the test when the exchange does not complete (server gone, connection reset, ...); `*res`
 * is then empty but may still be freed. Safe from several threads, each with its own client. */
bool test_http_try_request(struct test_http_client *client, const char *method, const char *path,
                           const char *content_type, const char *body, const char *const *headers,
                           struct test_http_response *res, char *error, size_t error_size);

/* GET `path`. */
struct test_http_response test_http_get(struct test_http_client *client, const char *path);

/* `method` `path` with a JSON body (application/json). */
struct test_http_response test_http_send_json(struct test_http_client *client, const char *method,
                                              const char *path, const char *json_text);

/* The first response header called `name` (case-insensitive), or NULL. */
const char *test_http_header(const struct test_http_response *res, const char *name);

/* How many response headers are called `name` (Set-Cookie may come several times). */
int test_http_header_count(const struct test_http_response *res, const char *name);

/* A string member of the JSON body, or NULL. */
const char *test_http_json_string(const struct test_http_response *res, const char *key);

/* A number member of the JSON body, or -1. */
long long test_http_json_int(const struct test_http_response *res, const char *key);

void test_http_response_free(struct test_http_response *res);

/* POST /api/v1/login and keep the session cookie and csrf_token in `client`; fails the test
 * unless the answer is 200 with a csrf_token. */
void test_http_login(struct test_http_client *client, const char *username, const char *password);

/* Check an HTML page as UI.md and the Content-Security-Policy want it: `status`, text/html,
 * every security header, the doctype and the one stylesheet, and no inline script or style. */
void test_http_expect_html(const struct test_http_response *res, long status);

/* Check the problem+json shape of `res`: Content-Type, "status" equal to the HTTP status and
 * `status`, and a non-empty "title" and "detail". */
void test_http_expect_problem(const struct test_http_response *res, long status);

#endif
