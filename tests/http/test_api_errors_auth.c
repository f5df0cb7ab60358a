/* test_api_errors_auth.c - refused requests about who is asking, over real HTTP: wrong password,
 * no or an ended session, missing or wrong CSRF token, another unit's patient without a reason,
 * used, expired and unknown invitations, bad answers through an invitation. Each gets the exact
 * status and a problem+json body, and leaves the stored records as they were (api_refused).
 * Logins are slow on purpose (400 ms after each failure), so this file has only two failures. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/session_cache.h"
#include "support/api_fixture.h"
#include "support/testdb.h"

static struct api_world W;
static struct test_http_client *anna, *bo; /* clinicians at GOTTSUNDA and ARSTA */
static long long patient, episode, arsta_patient;

#define JSON "application/json"

static long long created(struct test_http_client *c, const char *path, const char *body)
{
    struct test_http_response res = test_http_send_json(c, "POST", path, body);
    EXPECT_STATUS(res, 201);
    long long id = api_int(&res, "id");
    test_http_response_free(&res);
    return id;
}

/* A GOTTSUNDA patient with an open episode (anna's), and an ARSTA patient (bo's). */
static void prepare(void)
{
    patient = created(anna, "/api/v1/patients",
                      "{\"pnr\":\"19640823-3234\",\"name\":\"Karl Karlsson\","
                      "\"municipality_code\":\"0380\"}");
    episode = created(anna, "/api/v1/episodes",
                      api_fmt("{\"patient_id\":%lld,\"source\":\"self\"}", patient));
    arsta_patient = created(bo, "/api/v1/patients",
                            "{\"pnr\":\"19850312-2387\",\"name\":\"Lena Lind\","
                            "\"municipality_code\":\"0380\"}");
    created(bo, "/api/v1/episodes",
            api_fmt("{\"patient_id\":%lld,\"source\":\"clinic\"}", arsta_patient));
}

static long long failed_logins(const char *username)
{
    return testdb_int(W.server.db_path,
                      api_fmt("SELECT failed_logins FROM staff WHERE username = '%s'", username));
}

static void wrong_password(void)
{
    struct test_http_client *c = &W.anonymous;
    struct test_http_response res = api_refused(
        &W, c, "POST", "/api/v1/login", JSON,
        "{\"username\":\"anna\",\"password\":\"wrong horse battery\"}", NULL, 401, NULL);
    ASSERT_STR_EQ(api_str(&res, "detail"), "wrong username or password");
    ASSERT_EQ_INT(test_http_header_count(&res, "Set-Cookie"), 0);
    test_http_response_free(&res);
    /* The failure is counted (and so left out of the fingerprint) ... */
    ASSERT_EQ_INT(failed_logins("anna"), 1);
    /* ... and an unknown username gets exactly the same answer. */
    res = api_refused(&W, c, "POST", "/api/v1/login", JSON,
                      "{\"username\":\"nobody\",\"password\":\"wrong horse battery\"}", NULL, 401,
                      NULL);
    ASSERT_STR_EQ(api_str(&res, "detail"), "wrong username or password");
    test_http_response_free(&res);
    /* A missing member is 422, not a login attempt. */
    api_refused_json(&W, c, "POST", "/api/v1/login", "{\"username\":\"anna\"}", 422, "/password");
    ASSERT_EQ_INT(failed_logins("anna"), 1);
    /* The next good login resets the count. */
    api_world_login(&W, ACTOR_CLIN);
    ASSERT_EQ_INT(failed_logins("anna"), 0);
}

static void no_session(void)
{
    struct test_http_client *c = &W.anonymous;
    api_refused_json(&W, c, "POST", "/api/v1/patients",
                     "{\"pnr\":\"19700101-0019\",\"name\":\"Ny\",\"municipality_code\":\"0380\"}",
                     401, NULL);
    api_refused_json(&W, c, "POST", "/api/v1/logout", NULL, 401, NULL);
    const char *paths[] = { "/api/v1/me",
                            "/api/v1/units",
                            "/api/v1/triage",
                            "/api/v1/audit",
                            api_fmt("/api/v1/patients/%lld", patient),
                            NULL };
    for (int i = 0; paths[i] != NULL; i++) {
        struct test_http_response res =
            api_refused(&W, c, "GET", paths[i], NULL, NULL, NULL, 401, NULL);
        test_http_response_free(&res);
    }
    /* A cookie naming no session. */
    const char *forged[] = { "Cookie: stegvis_session=00000000000000000000000000000000000000000000"
                             "00000000000000000000",
                             NULL };
    struct test_http_response res =
        api_refused(&W, c, "GET", "/api/v1/me", NULL, NULL, forged, 401, NULL);
    test_http_response_free(&res);
}

static void expired_session(void)
{
    /* Sessions last 8 hours: end the analyst's by moving its expiry into the past. */
    struct test_http_client *david = &W.client[ACTOR_ANALYST];
    struct test_http_response res = test_http_get(david, "/api/v1/me");
    EXPECT_STATUS(res, 200);
    test_http_response_free(&res);
    ASSERT_EQ_INT(testdb_exec(W.server.db_path,
                              api_fmt("UPDATE login_session SET expires_at = %lld WHERE staff_id "
                                      "= %lld",
                                      (long long)time(NULL) - 1, W.staff_id[ACTOR_ANALYST]),
                              NULL, 0),
                  0);
    /* A change made in the database behind the server's back (another server, say) is seen once
     * the server's session cache lets go of the session (docs/operations.md). */
    sleep(SESSION_CACHE_TTL_S);
    res = api_refused(&W, david, "GET", "/api/v1/me", NULL, NULL, NULL, 401, NULL);
    test_http_response_free(&res);
    api_world_login(&W, ACTOR_ANALYST);
}

static void csrf(void)
{
    const char *body = api_fmt("{\"patient_id\":%lld,\"source\":\"self\"}", patient);
    /* No token at all. */
    char saved[sizeof(anna->csrf)];
    memcpy(saved, anna->csrf, sizeof(saved));
    anna->csrf[0] = '\0';
    struct test_http_response res =
        api_refused(&W, anna, "POST", "/api/v1/episodes", JSON, body, NULL, 403, NULL);
    ASSERT_STR_EQ(api_str(&res, "title"), "Missing or wrong CSRF token");
    test_http_response_free(&res);
    res = api_refused(&W, anna, "POST", "/api/v1/logout", NULL, NULL, NULL, 403, NULL);
    test_http_response_free(&res);
    memcpy(anna->csrf, saved, sizeof(saved));
    /* A wrong token, and another session's token. */
    const char *wrong[] = { "X-CSRF-Token: 0123456789abcdef0123456789abcdef0123456789abcdef0123"
                            "456789abcdef",
                            NULL };
    res = api_refused(&W, anna, "POST", "/api/v1/episodes", JSON, body, wrong, 403, NULL);
    test_http_response_free(&res);
    const char *others[] = { api_fmt("X-CSRF-Token: %s", bo->csrf), NULL };
    res = api_refused(&W, anna, "POST", "/api/v1/episodes", JSON, body, others, 403, NULL);
    test_http_response_free(&res);
    res = api_refused(&W, anna, "PATCH", api_fmt("/api/v1/episodes/%lld", episode), JSON,
                      "{\"treatment_started_at\":\"2026-01-01T00:00:00Z\"}", wrong, 403, NULL);
    test_http_response_free(&res);
    /* The session still works with its own token. */
    res = test_http_get(anna, "/api/v1/me");
    EXPECT_STATUS(res, 200);
    test_http_response_free(&res);
}

static long long audit_rows(long long patient_id)
{
    return testdb_int(W.server.db_path,
                      api_fmt("SELECT count(*) FROM audit WHERE patient_id = %lld", patient_id));
}

static void another_units_patient(void)
{
    long long rows = audit_rows(patient);
    const char *none[] = { NULL };
    const char *short_reason[] = { "X-Access-Reason: akut", NULL }; /* 4 characters: too few */
    const char *empty_reason[] = { "X-Access-Reason: ", NULL };
    const char *const *headers[] = { none, short_reason, empty_reason };
    for (int h = 0; h < 3; h++) {
        const char *gets[] = { api_fmt("/api/v1/patients/%lld", patient),
                               "/api/v1/patients?pnr=196408233234",
                               api_fmt("/api/v1/episodes/%lld", episode),
                               api_fmt("/api/v1/responses?patient_id=%lld", patient), NULL };
        for (int i = 0; gets[i] != NULL; i++) {
            struct test_http_response res =
                api_refused(&W, bo, "GET", gets[i], NULL, NULL, headers[h], 403, NULL);
            test_http_response_free(&res);
        }
        struct test_http_response res = api_refused(
            &W, bo, "POST", "/api/v1/responses", JSON,
            api_fmt("{\"patient_id\":%lld,\"instrument\":\"gad7\",\"answers\":[0,0,0,0,0,0,0]}",
                    patient),
            headers[h], 403, NULL);
        test_http_response_free(&res);
        res = api_refused(&W, bo, "POST", "/api/v1/episodes", JSON,
                          api_fmt("{\"patient_id\":%lld,\"source\":\"self\"}", patient), headers[h],
                          403, NULL);
        test_http_response_free(&res);
    }
    /* A refused access writes no audit row. */
    ASSERT_EQ_INT(audit_rows(patient), rows);

    /* A manager has no emergency access, reason or not. */
    const char *reason[] = { "X-Access-Reason: akut kontakt via 1177", NULL };
    struct test_http_response res =
        api_refused(&W, &W.client[ACTOR_MANAGER], "GET",
                    api_fmt("/api/v1/patients/%lld", arsta_patient), NULL, NULL, reason, 403, NULL);
    test_http_response_free(&res);
    /* Ids cannot be probed: an unknown patient is 404 whatever the unit. */
    res = api_refused(&W, bo, "GET", "/api/v1/patients/999999", NULL, NULL, NULL, 404, NULL);
    test_http_response_free(&res);
}

/* A new invitation for the patient's episode; its token into `token`. */
static void invite(const char *instruments, char token[80])
{
    struct test_http_response res =
        test_http_send_json(anna, "POST", "/api/v1/invitations",
                            api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":%s}",
                                    patient, episode, instruments));
    EXPECT_STATUS(res, 201);
    snprintf(token, 80, "%s", api_str(&res, "token"));
    test_http_response_free(&res);
}

static void invitations(void)
{
    struct test_http_client *c = &W.anonymous;
    const char *both = "{\"responses\":[{\"instrument\":\"phq9\",\"answers\":[0,0,0,0,0,0,0,0,0]},"
                       "{\"instrument\":\"gad7\",\"answers\":[0,0,0,0,0,0,0]}]}";
    char token[80];
    invite("[\"phq9\",\"gad7\"]", token);
    const char *path = api_fmt("/api/v1/invitations/%s/responses", token);

    /* Bad answers: nothing stored and the invitation is still good. */
    api_refused_json(&W, c, "POST", path,
                     "{\"responses\":[{\"instrument\":\"phq9\",\"answers\":[0,0,0,0,0,0,0,0,0]},"
                     "{\"instrument\":\"gad7\",\"answers\":[0,0,0,4,0,0,0]}]}",
                     422, "/responses/1/answers/3");
    api_refused_json(&W, c, "POST", path,
                     "{\"responses\":[{\"instrument\":\"phq9\",\"answers\":[0,0,0,0,0,0,0,0,0]}]}",
                     422, "/responses"); /* GAD-7 missing */
    api_refused_json(&W, c, "POST", path,
                     "{\"responses\":[{\"instrument\":\"phq9\",\"answers\":[0,0,0,0,0,0,0,0,0]},"
                     "{\"instrument\":\"who5\",\"answers\":[0,0,0,0,0]}]}",
                     422, "/responses/1"); /* not asked for */
    api_refused_json(&W, c, "POST", path, "{\"answers\":[]}", 422, "/answers");

    struct test_http_response res = test_http_send_json(c, "POST", path, both);
    EXPECT_STATUS(res, 201);
    ASSERT_EQ_INT(api_bool(&res, "help_now"), 0); /* PHQ-9 item 9 = 0: no risk */
    test_http_response_free(&res);
    /* Used. */
    api_refused_json(&W, c, "POST", path, both, 410, NULL);
    res = api_refused(&W, c, "GET", api_fmt("/api/v1/invitations/%s", token), NULL, NULL, NULL, 410,
                      NULL);
    test_http_response_free(&res);

    /* Expired: the expiry moved into the past through the database file (a test cannot wait
     * the shortest lifetime, one day). */
    invite("[\"gad7\"]", token);
    ASSERT_EQ_INT(testdb_exec(W.server.db_path,
                              api_fmt("UPDATE invitation SET expires_at = %lld WHERE used_at = 0",
                                      (long long)time(NULL) - 1),
                              NULL, 0),
                  0);
    api_refused_json(&W, c, "POST", api_fmt("/api/v1/invitations/%s/responses", token),
                     "{\"responses\":[{\"instrument\":\"gad7\",\"answers\":[0,0,0,0,0,0,0]}]}", 410,
                     NULL);
    res = api_refused(&W, c, "GET", api_fmt("/api/v1/invitations/%s", token), NULL, NULL, NULL, 410,
                      NULL);
    ASSERT_STR_EQ(api_str(&res, "detail"), "this invitation has expired");
    test_http_response_free(&res);

    /* Unknown tokens: well-formed but never issued, and malformed. */
    const char *unknown = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    res = api_refused(&W, c, "GET", api_fmt("/api/v1/invitations/%s", unknown), NULL, NULL, NULL,
                      404, NULL);
    test_http_response_free(&res);
    api_refused_json(&W, c, "POST", api_fmt("/api/v1/invitations/%s/responses", unknown), both, 404,
                     NULL);
    res = api_refused(&W, c, "GET", "/api/v1/invitations/abc", NULL, NULL, NULL, 404, NULL);
    test_http_response_free(&res);
}

int main(void)
{
    api_world_start(&W);
    api_world_login_all(&W);
    anna = &W.client[ACTOR_CLIN];
    bo = &W.client[ACTOR_CLIN_OTHER];
    prepare();
    RUN_TEST(wrong_password);
    RUN_TEST(no_session);
    RUN_TEST(expired_session);
    RUN_TEST(csrf);
    RUN_TEST(another_units_patient);
    RUN_TEST(invitations);
    api_world_stop(&W);
    TEST_SUMMARY();
}
