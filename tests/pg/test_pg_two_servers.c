/* test_pg_two_servers.c - two `stegvis serve` processes on one PostgreSQL database (DESIGN.md:
 * several stateless servers behind a load balancer): what one server writes, the other reads,
 * and the other's indicators count it without a restart (docs/api.md "Freshness": the facts of
 * an episode written through another server are read again before the next answer).
 *
 * The world (api_fixture.h) on a new database: server A and server B on the same --db URL.
 * Through A, the clinician anna (GOTTSUNDA) registers six patients, each with an episode at
 * GOTTSUNDA, scores them and assesses them today. Five get PHQ-9 and GAD-7 before their
 * assessment, the sixth only PHQ-9. By docs/indicators.md, common_instruments_at_assessment at
 * GOTTSUNDA is then 5 of 6 (both instruments scored by the assessment day, of the episodes
 * assessed in the period). Then A stores the sixth patient's GAD-7, on the assessment day: B's
 * patient record lists it, and B's indicator becomes 6 of 6. */
#include <string.h>

#include "support/api_fixture.h"
#include "support/testdb.h"
#include "testing.h"

#define PATIENTS    6
#define INDICATOR   "common_instruments_at_assessment"
#define GOTTSUNDA   "Gottsunda vårdcentral"
#define PHQ9_16     "[2,2,2,2,2,2,2,2,0]" /* 8 x 2 + 0 = 16, item 9 at 0: no risk flag */
#define GAD7_7      "[1,1,1,1,1,1,1]"     /* 7 x 1 = 7 */
#define CHOSEN_STEP 2

static struct api_world W;
static long long patient[PATIENTS], episode[PATIENTS];

static long long created(struct test_http_response res)
{
    EXPECT_STATUS(res, 201);
    long long id = api_int(&res, "id");
    ASSERT_TRUE(id > 0);
    test_http_response_free(&res);
    return id;
}

static long long post_response(struct test_http_client *c, int i, const char *instrument,
                               const char *answers)
{
    return created(test_http_send_json(c, "POST", "/api/v1/responses",
                                       api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,"
                                               "\"instrument\":\"%s\",\"answers\":%s}",
                                               patient[i], episode[i], instrument, answers)));
}

/* Patient i with an episode at GOTTSUNDA (anna's unit), PHQ-9 (and GAD-7 when `both`) scored,
 * then assessed: all through `c`. */
static void patient_assessed(struct test_http_client *c, int i, bool both)
{
    api_patient_with_episode(c, 100 + i, &patient[i], &episode[i]);
    post_response(c, i, "phq9", PHQ9_16);
    if (both)
        post_response(c, i, "gad7", GAD7_7);
    created(test_http_send_json(c, "POST", "/api/v1/assessments",
                                api_fmt("{\"episode_id\":%lld,\"chosen_step\":%d,"
                                        "\"reason\":\"Matris\"}",
                                        episode[i], CHOSEN_STEP)));
}

/* GOTTSUNDA's cell of the indicator by unit, as `c` (a manager) sees it: numerator and
 * denominator, or -1 each when the cell is missing or suppressed. */
static void gottsunda_cell(struct test_http_client *c, long long *numerator, long long *denominator)
{
    struct test_http_response res =
        test_http_get(c, "/api/v1/indicators?indicator=" INDICATOR "&by=unit");
    EXPECT_STATUS(res, 200);
    *numerator = *denominator = -1;
    json_t *cells = api_at(res.json, "cells");
    for (size_t i = 0; i < json_array_size(cells); i++) {
        json_t *cell = json_array_get(cells, i);
        const char *unit = json_string_value(api_at(cell, "keys/unit"));
        if (unit == NULL || strcmp(unit, GOTTSUNDA) != 0)
            continue;
        json_t *num = json_object_get(cell, "numerator");
        json_t *den = json_object_get(cell, "denominator");
        if (json_is_integer(num) && json_is_integer(den)) {
            *numerator = json_integer_value(num);
            *denominator = json_integer_value(den);
        }
    }
    if (*denominator < 0)
        TEST_FAIL("no figures for %s in %s", GOTTSUNDA, res.body);
    test_http_response_free(&res);
}

/* Both servers answer for the same accounts: a session is made on each. */
static void both_servers_log_in(void)
{
    api_world_login(&W, ACTOR_CLIN);
    api_world_login(&W, ACTOR_MANAGER);
    api_world_login_second(&W, ACTOR_CLIN);
    api_world_login_second(&W, ACTOR_MANAGER);
    ASSERT_EQ_INT(W.second_staff_id[ACTOR_CLIN], W.staff_id[ACTOR_CLIN]);
    ASSERT_EQ_INT(W.second_staff_id[ACTOR_MANAGER], W.staff_id[ACTOR_MANAGER]);
    ASSERT_EQ_INT(testdb_int(W.server.db_path, "SELECT count(*) FROM login_session"), 4);
}

/* B's dashboard was loaded at its start (no episodes); it counts what A wrote since. */
static void b_counts_what_a_assessed(void)
{
    long long numerator, denominator;
    gottsunda_cell(&W.second_client[ACTOR_MANAGER], &numerator, &denominator);
    ASSERT_EQ_INT(denominator, 0); /* nothing yet: an empty cell, not a suppressed one */
    for (int i = 0; i < PATIENTS; i++)
        patient_assessed(&W.client[ACTOR_CLIN], i, i < PATIENTS - 1);
    gottsunda_cell(&W.second_client[ACTOR_MANAGER], &numerator, &denominator);
    ASSERT_EQ_INT(denominator, 6); /* six episodes assessed today */
    ASSERT_EQ_INT(numerator, 5);   /* the first five have PHQ-9 and GAD-7 */
    gottsunda_cell(&W.client[ACTOR_MANAGER], &numerator, &denominator);
    ASSERT_EQ_INT(denominator, 6); /* A agrees */
    ASSERT_EQ_INT(numerator, 5);
}

/* A response stored through A is in B's record of the patient and in B's indicator. */
static void a_response_through_a_shows_on_b(void)
{
    const int last = PATIENTS - 1;
    long long id = post_response(&W.client[ACTOR_CLIN], last, "gad7", GAD7_7);

    struct test_http_response res = test_http_get(
        &W.second_client[ACTOR_CLIN], api_fmt("/api/v1/responses?patient_id=%lld", patient[last]));
    EXPECT_STATUS(res, 200);
    json_t *list = api_at(res.json, "responses");
    ASSERT_EQ_INT(json_array_size(list), 2); /* oldest first: PHQ-9, then the new GAD-7 */
    ASSERT_STR_EQ(api_str(&res, "responses/0/instrument"), "phq9");
    ASSERT_EQ_INT(api_int(&res, "responses/0/total"), 16);
    ASSERT_EQ_INT(api_int(&res, "responses/1/id"), id);
    ASSERT_STR_EQ(api_str(&res, "responses/1/instrument"), "gad7");
    ASSERT_EQ_INT(api_int(&res, "responses/1/total"), 7);
    ASSERT_EQ_INT(api_int(&res, "responses/1/episode_id"), episode[last]);
    test_http_response_free(&res);

    long long numerator, denominator;
    gottsunda_cell(&W.second_client[ACTOR_MANAGER], &numerator, &denominator);
    ASSERT_EQ_INT(denominator, 6);
    ASSERT_EQ_INT(numerator, 6); /* GAD-7 on the assessment day counts: 6 of 6 */
}

/* B writes too, and A reads it: the two are peers, not a writer and a reader. */
static void a_reads_what_b_wrote(void)
{
    long long id = post_response(&W.second_client[ACTOR_CLIN], 0, "phq9", PHQ9_16);
    struct test_http_response res = test_http_get(
        &W.client[ACTOR_CLIN], api_fmt("/api/v1/responses?patient_id=%lld", patient[0]));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "responses")), 3); /* PHQ-9, GAD-7, PHQ-9 */
    ASSERT_EQ_INT(api_int(&res, "responses/2/id"), id);
    test_http_response_free(&res);
    ASSERT_EQ_INT(testdb_int(W.server.db_path, api_fmt("SELECT count(*) FROM audit WHERE action = "
                                                       "'response.create' AND patient_id = %lld",
                                                       patient[0])),
                  3);
}

int main(void)
{
    if (testdb_backend() != TESTDB_POSTGRES)
        TEST_FAIL("test_pg_two_servers runs on PostgreSQL only: set STEGVIS_TEST_PG_FILE "
                  "(ctest -R pg/pg/test_pg_two_servers)");
    api_world_start(&W);
    api_world_start_second(&W);
    RUN_TEST(both_servers_log_in);
    RUN_TEST(b_counts_what_a_assessed);
    RUN_TEST(a_response_through_a_shows_on_b);
    RUN_TEST(a_reads_what_b_wrote);
    api_world_stop(&W);
    TEST_SUMMARY();
}
