/* test_web_patient_plan.c - "Min plan" over real HTTP: the patient's contract as they see it
 * through their link (before and after the clinician writes it through the API), their own
 * scores over time, each view audited; and the patient's pages in English (the lang cookie).
 * Expected texts are those of po/sv/patient.po and po/en/patient.po; scores are worked by hand
 * from data/instruments next to their assertions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patient_pages.h"

static struct api_world W;
static struct test_http_client *anna;

static struct {
    long long patient, episode;
    char token[80];         /* phq9, gad7, wsas: answered and finished in prepare() */
    char english_token[80]; /* phq9, gad7, audit: not answered */
} F;

static long long db_int(const char *sql)
{
    return testdb_int(W.server.db_path, sql);
}

static const char *link_path(const char *suffix)
{
    return api_fmt("/i/%s%s", F.token, suffix);
}

static void invite(const char *instruments, char token[80])
{
    struct test_http_response res =
        test_http_send_json(anna, "POST", "/api/v1/invitations",
                            api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":%s}",
                                    F.patient, F.episode, instruments));
    EXPECT_STATUS(res, 201);
    snprintf(token, 80, "%s", api_str(&res, "token"));
    test_http_response_free(&res);
}

/* A patient of anna's unit who has answered PHQ-9, GAD-7 and WSAS through the pages. */
static void prepare(void)
{
    api_patient_with_episode(anna, 601, &F.patient, &F.episode);
    invite("[\"phq9\",\"gad7\",\"wsas\"]", F.token);
    invite("[\"phq9\",\"gad7\",\"audit\"]", F.english_token);
    struct test_http_response res;

    /* PHQ-9 1 x 9 = 9: mild (5-9); item 10 (not scored) "Stora svårigheter" */
    res = submit(&W.anonymous, link_path("/1"), link_path("/1"),
                 "q-1=1&q-2=1&q-3=1&q-4=1&q-5=1&q-6=1&q-7=1&q-8=1&q-9=1&q-10=2");
    expect_see_other(&res, link_path("/2"));
    test_http_response_free(&res);
    /* GAD-7 2+1+1+0+0+1+1 = 6: mild (5-9) */
    const int gad7[7] = { 2, 1, 1, 0, 0, 1, 1 };
    res = submit(&W.anonymous, link_path("/2"), link_path("/2"), answers(gad7, 7));
    expect_see_other(&res, link_path("/3"));
    test_http_response_free(&res);
    /* WSAS item 1 not applicable, 2+4+0+8 = 14 */
    res = submit(&W.anonymous, link_path("/3"), link_path("/3"), "q-1=na&q-2=2&q-3=4&q-4=0&q-5=8");
    expect_see_other(&res, link_path("/klart"));
    test_http_response_free(&res);
    res = page(&W.anonymous, link_path("/klart"), 200);
    test_http_response_free(&res);
    ASSERT_TRUE(db_int(api_fmt("SELECT used_at FROM invitation WHERE patient_id = %lld AND "
                               "instruments = 'phq9,gad7,wsas'",
                               F.patient)) > 0);
}

/* ---- Min plan ------------------------------------------------------------------------------ */

static void plan_before_the_contract(void)
{
    struct test_http_response res = page(&W.anonymous, link_path("/plan"), 200);
    ASSERT_CONTAINS(res.body, "<h1>Min plan</h1>");
    ASSERT_CONTAINS(res.body, "<h2>Din plan är inte klar än</h2>");
    /* their own scores are there already */
    ASSERT_CONTAINS(res.body, "<caption>PHQ-9 – frågor om nedstämdhet</caption>");
    ASSERT_CONTAINS(res.body, "<td>9</td><td><span class=\"band band-1\">Lindrig</span></td>");
    test_http_response_free(&res);
}

static void plan_shows_the_contract(void)
{
    struct test_http_response res = test_http_send_json(
        anna, "PUT", api_fmt("/api/v1/contracts/%lld", F.episode),
        api_fmt("{\"contact_staff_id\":%lld,\"goals\":\"Sova bättre\\nTräffa vänner <varje> "
                "vecka\",\"plan\":\"Internet-KBT 8 veckor\",\"next_contact_at\":"
                "\"2030-12-02T10:30:00+01:00\",\"municipal_coordination\":\"\"}",
                W.staff_id[ACTOR_CLIN]));
    EXPECT_STATUS(res, 200);
    test_http_response_free(&res);
    long long reads = db_int("SELECT count(*) FROM audit WHERE actor = 'invitation' AND "
                             "action = 'contract.read'");

    res = page(&W.anonymous, link_path("/plan"), 200);
    ASSERT_CONTAINS(res.body, "<h2>Din kontakt</h2>\n<p class=\"plan-contact\">Anna "
                              "Andersson</p>");
    ASSERT_CONTAINS(res.body, "<p class=\"plan-next\">2 dec 2030 kl. 10.30</p>");
    ASSERT_CONTAINS(
        res.body, "<h2>Dina mål</h2>\n<p>Sova bättre</p><p>Träffa vänner &lt;varje&gt; vecka</p>");
    ASSERT_CONTAINS(res.body, "<p>Internet-KBT 8 veckor</p>");
    ASSERT_NOT_CONTAINS(res.body, "Samordning med kommunen");
    /* one table per instrument: PHQ-9 9 (mild, 5-9), GAD-7 6 (mild, 5-9), WSAS 14 (10-20:
     * significant impairment, severity 2) */
    ASSERT_CONTAINS(res.body, "<td>9</td><td><span class=\"band band-1\">Lindrig</span></td>");
    ASSERT_CONTAINS(res.body, "<td>6</td><td><span class=\"band band-1\">Lindrig</span></td>");
    ASSERT_CONTAINS(res.body, "<td>14</td><td><span class=\"band band-2\">Betydande "
                              "funktionsnedsättning</span></td>");
    ASSERT_EQ_INT(occurrences(res.body, "<table class=\"data\">"), 3);
    test_http_response_free(&res);
    ASSERT_EQ_INT(db_int("SELECT count(*) FROM audit WHERE actor = 'invitation' AND "
                         "action = 'contract.read'"),
                  reads + 1);
}

/* ---- English ----------------------------------------------------------------------------- */

static void english_pages(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &W.server);
    struct test_http_response res = test_http_get(&c, "/lang?to=en&back=/egen-anmalan");
    expect_see_other(&res, "/egen-anmalan");
    test_http_response_free(&res);
    res = page(&c, "/egen-anmalan", 200);
    ASSERT_CONTAINS(res.body, "<html lang=\"en\">");
    ASSERT_CONTAINS(res.body, "<h1>Ask for help with worry, low mood or stress</h1>");
    ASSERT_CONTAINS(res.body, "<optgroup label=\"Online – for the whole region\">");
    test_http_response_free(&res);
    res = page(&c, api_fmt("/i/%s/1", F.english_token), 200);
    ASSERT_CONTAINS(res.body, "<p class=\"progress\">Questionnaire 1 of 3</p>");
    ASSERT_CONTAINS(res.body, "<legend>1. Little interest or pleasure in doing things</legend>");
    ASSERT_CONTAINS(res.body, ">Several days</label>");
    test_http_response_free(&res);
    res = page(&c, link_path("/plan"), 200);
    ASSERT_CONTAINS(res.body, "<h2>Your contact</h2>");
    ASSERT_CONTAINS(res.body, "<span class=\"band band-1\">Mild</span>");
    test_http_response_free(&res);
    test_http_client_release(&c);
}

int main(void)
{
    api_world_start(&W);
    api_world_login_all(&W);
    anna = &W.client[ACTOR_CLIN];
    prepare();

    RUN_TEST(plan_before_the_contract);
    RUN_TEST(plan_shows_the_contract);
    RUN_TEST(english_pages);
    api_world_stop(&W);
    TEST_SUMMARY();
}
