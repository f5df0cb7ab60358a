/* test_login_lockout.c - failed logins are counted per account and lock it (issue #4 "Failed
 * logins are slowed and limited per account"). The server runs with --login-delay-ms 0 so the
 * test does not wait out the slow-down; the count and the lock are what is checked here. */
#include <time.h>

#include "support/api_fixture.h"
#include "support/testdb.h"
#include "support/http_client.h"
#include "testing.h"

#define PASSWORD "rätt lösenord 2026"

static struct test_server server;

static long long db_int(const char *sql)
{
    return testdb_int(server.db_path, sql);
}

static void expect_login(struct test_http_client *c, const char *password, long status,
                         const char *detail)
{
    const char *body = api_fmt("{\"username\":\"karin\",\"password\":\"%s\"}", password);
    struct test_http_response res = test_http_send_json(c, "POST", "/api/v1/login", body);
    ASSERT_EQ_INT(res.status, status);
    if (status != 200) {
        test_http_expect_problem(&res, status);
        ASSERT_STR_EQ(test_http_json_string(&res, "detail"), detail);
    }
    test_http_response_free(&res);
}

/* Five wrong passwords in a row (app default login_max_failures 5): the first four are
 * "login.failed", the fifth locks the account for 15 minutes ("login.locked"); then even the
 * right password is refused, and the answer says why. */
static void five_failures_lock_the_account(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    for (int i = 1; i <= 5; i++) {
        expect_login(&c, "fel lösenord", 401, "wrong username or password");
        ASSERT_EQ_INT(db_int("SELECT failed_logins FROM staff WHERE username = 'karin'"), i);
    }
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM audit WHERE actor = 'karin' AND "
                         "action = 'login.failed'"),
                  4);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM audit WHERE actor = 'karin' AND "
                         "action = 'login.locked'"),
                  1);
    /* locked_until = the fifth failure + 900 s; the right password does not open it. */
    ASSERT_TRUE(db_int("SELECT locked_until FROM staff WHERE username = 'karin'") -
                    (long long)time(NULL) >
                890);
    expect_login(&c, PASSWORD, 401,
                 "too many failed logins: the account is locked for 15 more minutes");
    test_http_client_release(&c);
}

/* Once the lock has run out the right password works and the count starts again at 0. */
static void lock_runs_out(void)
{
    char msg[200];
    ASSERT_EQ_INT(testdb_exec(server.db_path,
                              api_fmt("UPDATE staff SET locked_until = %lld "
                                      "WHERE username = 'karin'",
                                      (long long)time(NULL) - 1),
                              msg, sizeof(msg)),
                  TESTDB_OK);
    struct test_http_client c;
    test_http_client_init(&c, &server);
    expect_login(&c, PASSWORD, 200, NULL);
    ASSERT_EQ_INT(db_int("SELECT failed_logins FROM staff WHERE username = 'karin'"), 0);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM audit WHERE actor = 'karin' AND action = 'login'"),
                  1);
    test_http_client_release(&c);
}

/* An unknown username gets the same answer as a wrong password, and is audited. */
static void unknown_username(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &server);
    struct test_http_response res = test_http_send_json(
        &c, "POST", "/api/v1/login", "{\"username\":\"ingen\",\"password\":\"x123456789\"}");
    test_http_expect_problem(&res, 401);
    ASSERT_STR_EQ(test_http_json_string(&res, "detail"), "wrong username or password");
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM audit WHERE actor = 'ingen' AND "
                         "action = 'login.failed'"),
                  1);
    test_http_client_release(&c);
}

int main(void)
{
    test_server_init(&server);
    test_server_add_user(&server, "karin", "clinician", "GOTTSUNDA", "Karin Ek", PASSWORD);
    server.extra_args[0] = "--login-delay-ms";
    server.extra_args[1] = "0";
    test_server_launch(&server);
    RUN_TEST(five_failures_lock_the_account);
    RUN_TEST(lock_runs_out);
    RUN_TEST(unknown_username);
    test_server_stop(&server);
    test_server_release(&server);
    TEST_SUMMARY();
}
