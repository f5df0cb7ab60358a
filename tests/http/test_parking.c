/* test_parking.c - a request that waits gives its thread up (src/core/coro.h, offload.h). The
 * server runs with ONE worker thread and a failed-login delay of 3 s: three failed logins that
 * are sleeping out their delay do not hold up a health check or a logged-in read, which are
 * answered while the three still wait (ordering, not timing: the delay is the margin); each of
 * the three then gets its 401. A client that leaves while its login is being committed leaves
 * the write done and the server serving, and the server stops cleanly (test_server_stop
 * checks the exit code, so a leak or a sanitizer report in the ASan build fails the test). */
#include <time.h>
#include <unistd.h>

#include "support/http_client.h"
#include "support/raw_client.h"
#include "support/testdb.h"
#include "testing.h"

#define PASSWORD  "rätt lösenord 2026"
#define FAILED    3
#define DELAY_MS  "3000"
#define WAIT_STEP (50 * 1000 * 1000L)

static struct test_server server;

static long long db_int(const char *sql)
{
    return testdb_int(server.db_path, sql);
}

/* Wait (up to 10 s) until `sql` counts `want`. */
static void wait_count(const char *sql, long long want)
{
    struct timespec step = { 0, WAIT_STEP };
    for (int i = 0; i < 200 && db_int(sql) != want; i++)
        nanosleep(&step, NULL);
    ASSERT_EQ_INT(db_int(sql), want);
}

static void expect_get(struct test_http_client *c, const char *path, long status)
{
    struct test_http_response res = test_http_get(c, path);
    ASSERT_EQ_INT(res.status, status);
    test_http_response_free(&res);
}

static void others_served_during_login_delays(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    test_http_login(&c, "karin", PASSWORD); /* a right password: no delay */
    int fds[FAILED];
    for (int i = 0; i < FAILED; i++) {
        fds[i] = raw_connect(server.port);
        ASSERT_TRUE(fds[i] >= 0);
        raw_post_json(fds[i], "/api/v1/login",
                      "{\"username\":\"karin\",\"password\":\"fel lösenord\"}");
    }
    /* each failure is counted before its delay starts */
    wait_count("SELECT failed_logins FROM staff WHERE username = 'karin'", FAILED);
    expect_get(&c, "/api/v1/health", 200);
    expect_get(&c, "/api/v1/me", 200);
    for (int i = 0; i < FAILED; i++)
        ASSERT_TRUE(!raw_answered(fds[i])); /* still in their delay */
    for (int i = 0; i < FAILED; i++) {
        ASSERT_EQ_INT(raw_read_status(fds[i]), 401);
        close(fds[i]);
    }
    test_http_client_release(&c);
}

static void client_leaves_during_its_write(void)
{
    const char *logins = "SELECT count(*) FROM audit WHERE actor = 'karin' AND action = 'login'";
    long long before = db_int(logins);
    int fd = raw_connect(server.port);
    ASSERT_TRUE(fd >= 0);
    raw_post_json(fd, "/api/v1/login", "{\"username\":\"karin\",\"password\":\"" PASSWORD "\"}");
    close(fd); /* gone before the answer */
    wait_count(logins, before + 1);
    ASSERT_EQ_INT(db_int("SELECT failed_logins FROM staff WHERE username = 'karin'"), 0);
    struct test_http_client c;
    test_http_client_init(&c, &server);
    expect_get(&c, "/api/v1/health", 200);
    test_http_client_release(&c);
}

int main(void)
{
    test_server_init(&server);
    test_server_add_user(&server, "karin", "clinician", "GOTTSUNDA", "Karin Ek", PASSWORD);
    server.extra_args[0] = "--threads";
    server.extra_args[1] = "1";
    server.extra_args[2] = "--login-delay-ms";
    server.extra_args[3] = DELAY_MS;
    test_server_launch(&server);
    RUN_TEST(others_served_during_login_delays);
    RUN_TEST(client_leaves_during_its_write);
    test_server_stop(&server);
    test_server_release(&server);
    TEST_SUMMARY();
}
