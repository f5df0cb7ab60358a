/* test_web_staff_care.c - the clinicians' pages for one course of care over real HTTP: the
 * assessment (answers entered in the clinic, the recommended step and why, the choice of step,
 * the risk assessment), the patient contract with its history, sessions with the step-up check,
 * and ending the episode. Every form goes through the API's own actions, so what the API would
 * refuse is refused here too, and nothing is stored then.
 *
 * Expected values are worked by hand from data/instruments, data/steps.json (limits, raises,
 * step_up: 4 sessions or 6 weeks, PHQ-9 and GAD-7) and po/sv/staff.po. */
#include <time.h>

#include "staff_pages.h"
#include "support/db_fingerprint.h"

/* PHQ-9 1+2+3+0+1+2+3+0+1 = 13 with item 9 = 1 (the risk flag), as form fields. */
#define PHQ9_RISK "phq9_1=1&phq9_2=2&phq9_3=3&phq9_4=0&phq9_5=1&phq9_6=2&phq9_7=3&phq9_8=0&phq9_9=1"
/* PHQ-9 1+2+3+1+1+2+3+0+0 = 13 with item 9 = 0: no flag. */
#define PHQ9_13 "phq9_1=1&phq9_2=2&phq9_3=3&phq9_4=1&phq9_5=1&phq9_6=2&phq9_7=3&phq9_8=0&phq9_9=0"
/* GAD-7 2+2+1+2+1+1+2 = 11. */
#define GAD7_11 "gad7_1=2&gad7_2=2&gad7_3=1&gad7_4=2&gad7_5=1&gad7_6=1&gad7_7=2"

#define STEP2                                                                                      \
    "Steg 2: Lågintensiv behandling: internet-KBT med stöd, grupp, kort alkoholintervention"
#define STEP3 "Steg 3: Högintensiv behandling: individuell psykologisk behandling, läkemedel"

static struct api_world W;
static struct test_http_client *anna;

static struct {
    long long maja, maja_episode; /* assessment and contract */
    long long olle, olle_episode; /* sessions and the step-up check */
} F;

static long long db(const char *sql)
{
    return testdb_int(W.server.db_path, sql);
}

static long long create(const char *path, const char *json)
{
    struct test_http_response res = test_http_send_json(anna, "POST", path, json);
    EXPECT_STATUS(res, 201);
    long long id = api_int(&res, "id");
    test_http_response_free(&res);
    return id;
}

static long long new_patient(int serial, const char *name)
{
    char dashed[14], digits[13];
    api_pnr(serial, dashed, digits);
    return create("/api/v1/patients", api_fmt("{\"pnr\":\"%s\",\"name\":\"%s\","
                                              "\"municipality_code\":\"0380\"}",
                                              dashed, name));
}

static void prepare(void)
{
    api_world_start(&W);
    api_world_login_all(&W);
    anna = &W.client[ACTOR_CLIN];
    F.maja = new_patient(11, "Maja Berg");
    F.maja_episode =
        create("/api/v1/episodes", api_fmt("{\"patient_id\":%lld,\"source\":\"clinic\"}", F.maja));
    F.olle = new_patient(12, "Olle Ek");
    F.olle_episode =
        create("/api/v1/episodes", api_fmt("{\"patient_id\":%lld,\"source\":\"self\"}", F.olle));
}

static const char *assessment_path(void)
{
    return api_fmt("/episoder/%lld/bedomning", F.maja_episode);
}

/* Answers entered on the assessment page are scored by the API's function; one bad answer
 * refuses the whole form. */
static void assessment_enters_answers(void)
{
    struct test_http_response res = page(anna, assessment_path(), 200);
    ASSERT_CONTAINS(res.body, "<h1>Bedömning</h1>");
    ASSERT_CONTAINS(res.body, "Ingen rekommendation ännu: registrera minst PHQ-9 och GAD-7.");
    ASSERT_CONTAINS(res.body, "<label for=\"f-phq9_9\">");
    ASSERT_CONTAINS(res.body, "<select class=\"input\" id=\"f-wsas_1\" name=\"wsas_1\">");
    test_http_response_free(&res);

    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    /* item 1 at position 7 (PHQ-9 has 4 options): refused, and GAD-7 is not stored either */
    res = post_form(anna, assessment_path(),
                    "form=measures&phq9_1=7&phq9_2=2&phq9_3=3&phq9_4=0&phq9_5=1&phq9_6=2&phq9_7=3"
                    "&phq9_8=0&phq9_9=1&" GAD7_11);
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "Kontrollera svaren i formuläret.");
    ASSERT_CONTAINS(res.body, "<option value=\"2\" selected>"); /* the answers are kept */
    test_http_response_free(&res);
    res = post_form(anna, assessment_path(), "form=measures");
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "Inget formulär är ifyllt.");
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);

    res = post_form(anna, assessment_path(), "form=measures&" PHQ9_RISK "&" GAD7_11);
    expect_see_other(&res, assessment_path());
    test_http_response_free(&res);
    ASSERT_EQ_INT(db(api_fmt("SELECT count(*) FROM response WHERE episode_id = %lld AND channel "
                             "= 'clinic' AND ((instrument = 'phq9' AND total = 13) OR "
                             "(instrument = 'gad7' AND total = 11))",
                             F.maja_episode)),
                  2);
}

/* PHQ-9 13 and GAD-7 11: step 0 needs PHQ-9 <= 4, step 1 <= 9, step 2 <= 14 (GAD-7 too), so the
 * base step is 2; the risk flag raises it to at least 3. */
static void assessment_recommends(void)
{
    struct test_http_response res = page(anna, assessment_path(), 200);
    char *risk = cut(res.body, "<section class=\"panel-risk\" id=\"risk\">", "</section>");
    ASSERT_CONTAINS(risk, "<span class=\"badge badge-risk\">Risk: självmordstankar</span>");
    ASSERT_CONTAINS(risk, "<input type=\"radio\" name=\"level\" required id=\"f-level-high\"");
    free(risk);
    ASSERT_TRUE(position(res.body, "id=\"risk\"") < position(res.body, "id=\"recommendation\""));
    char *rec = cut(res.body, "id=\"recommendation\"", "</div>");
    ASSERT_CONTAINS(rec, "<p class=\"recommended-step\">" STEP3 "</p>");
    ASSERT_CONTAINS(rec, "<li>PHQ-9 13 är över gränsen 4 för steg 0</li>"
                         "<li>PHQ-9 13 är över gränsen 9 för steg 1</li>"
                         "<li>Poängen ligger inom gränserna för steg 2: Lågintensiv behandling: "
                         "internet-KBT med stöd, grupp, kort alkoholintervention</li>"
                         "<li>PHQ-9 visar risk (tankar på döden eller att skada sig): höjt till "
                         "steg 3; gör en riskbedömning</li>");
    free(rec);
    /* the recommended step is preselected and marked */
    ASSERT_CONTAINS(res.body, "id=\"f-step-3\" value=\"3\" checked><label for=\"f-step-3\">" STEP3
                              " <strong class=\"tag\">(rekommenderat)</strong>");
    test_http_response_free(&res);
}

/* A different step needs a reason: without one the form comes back with the API's error and the
 * choice kept; with one it is stored, and the episode is at that step. */
static void assessment_chooses_step(void)
{
    const char *count =
        api_fmt("SELECT count(*) FROM assessment WHERE episode_id = %lld", F.maja_episode);
    struct test_http_response res = post_form(anna, assessment_path(), "form=step&chosen_step=2");
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "Du har valt ett annat steg än det rekommenderade: skriv skälet.");
    ASSERT_CONTAINS(res.body, "the chosen step 2 differs from the recommended step 3");
    ASSERT_CONTAINS(res.body, "id=\"f-step-2\" value=\"2\" checked>");
    test_http_response_free(&res);
    ASSERT_EQ_INT(db(count), 0);

    res = post_form(anna, assessment_path(),
                    "form=step&chosen_step=2&reason=Patienten+f%C3%B6redrar+internet-KBT");
    expect_see_other(&res, assessment_path());
    test_http_response_free(&res);
    ASSERT_EQ_INT(db(count), 1);
    ASSERT_EQ_INT(db(api_fmt("SELECT count(*) FROM assessment WHERE episode_id = %lld AND "
                             "recommended_step = 3 AND chosen_step = 2 AND reason = 'Patienten "
                             "föredrar internet-KBT'",
                             F.maja_episode)),
                  1);
    ASSERT_EQ_INT(db(api_fmt("SELECT step FROM episode WHERE id = %lld", F.maja_episode)), 2);
    res = page(anna, assessment_path(), 200);
    char *history = cut(res.body, "id=\"assessments\"", "</table>");
    ASSERT_CONTAINS(history, "<td>" STEP3 "</td><td>" STEP2 "</td><td>Patienten föredrar "
                             "internet-KBT</td>");
    free(history);
    test_http_response_free(&res);
}

/* The risk assessment clears the flag: the badge and the risk form are gone. */
static void risk_assessment_clears_flag(void)
{
    struct test_http_response res = post_form(anna, assessment_path(), "form=risk&level=moderate");
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "Skriv en anteckning om riskbedömningen.");
    test_http_response_free(&res);
    res = post_form(anna, assessment_path(),
                    "form=risk&level=moderate&note=Passiva+d%C3%B6dstankar%2C+ingen+plan.");
    expect_see_other(&res, assessment_path());
    test_http_response_free(&res);
    ASSERT_EQ_INT(db(api_fmt("SELECT count(*) FROM risk_review WHERE patient_id = %lld AND "
                             "level = 'moderate' AND note = 'Passiva dödstankar, ingen plan.'",
                             F.maja)),
                  1);
    res = page(anna, assessment_path(), 200);
    ASSERT_NOT_CONTAINS(res.body, "id=\"risk\"");
    ASSERT_NOT_CONTAINS(res.body, "badge-risk");
    test_http_response_free(&res);
    res = page(anna, api_fmt("/patienter/%lld", F.maja), 200);
    ASSERT_NOT_CONTAINS(res.body, "<p class=\"risk-line\">");
    test_http_response_free(&res);
}

static const char *contract_path(void)
{
    return api_fmt("/episoder/%lld/kontrakt", F.maja_episode);
}

/* Two versions: the second is current, both are in the history. Times are Stockholm time:
 * 1 Dec 2026 10:00 is winter time (UTC+1) = 09:00Z; 1 Jul 2026 10:00 is summer time (UTC+2) =
 * 08:00Z. */
static void contract_versions(void)
{
    long long anna_id = W.staff_id[ACTOR_CLIN];
    struct test_http_response res = page(anna, contract_path(), 200);
    ASSERT_CONTAINS(res.body, "<h1>Patientkontrakt</h1>");
    ASSERT_CONTAINS(res.body, "Inget patientkontrakt ännu.");
    ASSERT_CONTAINS(res.body, api_fmt("<option value=\"%lld\" selected>", anna_id));
    test_http_response_free(&res);

    res = post_form(anna, contract_path(),
                    api_fmt("contact_staff_id=%lld&goals=&plan=Internet-KBT", anna_id));
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "Skriv målen.");
    test_http_response_free(&res);

    res = post_form(anna, contract_path(),
                    api_fmt("contact_staff_id=%lld&goals=Sova+b%%C3%%A4ttre&plan=Internet-KBT+8+"
                            "veckor&next_contact_at=2026-12-01T10%%3A00&municipal_coordination=",
                            anna_id));
    expect_see_other(&res, contract_path());
    test_http_response_free(&res);
    res =
        post_form(anna, contract_path(),
                  api_fmt("contact_staff_id=%lld&goals=Sova+b%%C3%%A4ttre&plan=Internet-KBT+8+"
                          "veckor%%2C+sedan+uppf%%C3%%B6ljning&next_contact_at=2026-07-01T10%%3A00"
                          "&municipal_coordination=Kontakt+med+socialtj%%C3%%A4nsten",
                          anna_id));
    expect_see_other(&res, contract_path());
    test_http_response_free(&res);
    ASSERT_EQ_INT(db(api_fmt("SELECT count(*) FROM contract_history WHERE episode_id = %lld",
                             F.maja_episode)),
                  2);
    ASSERT_EQ_INT(db(api_fmt("SELECT next_contact_at FROM contract_history WHERE episode_id = "
                             "%lld AND version = 1",
                             F.maja_episode)),
                  api_epoch("2026-12-01T09:00:00Z"));
    ASSERT_EQ_INT(
        db(api_fmt("SELECT next_contact_at FROM contract WHERE episode_id = %lld", F.maja_episode)),
        api_epoch("2026-07-01T08:00:00Z"));

    res = page(anna, contract_path(), 200);
    ASSERT_CONTAINS(res.body, "Gällande version: 2");
    ASSERT_CONTAINS(res.body, "name=\"next_contact_at\" value=\"2026-07-01T10:00\"");
    ASSERT_CONTAINS(res.body, ">Internet-KBT 8 veckor, sedan uppföljning</textarea>");
    char *history = cut(res.body, "id=\"contract-history\"", "</table>");
    ASSERT_TRUE(position(history, "<tr><td class=\"num\">2</td>") <
                position(history, "<tr><td class=\"num\">1</td>"));
    ASSERT_CONTAINS(history, "<td>1 jul 2026 kl. 10.00</td><td>Sova bättre</td><td>Internet-KBT 8 "
                             "veckor, sedan uppföljning</td><td>Kontakt med socialtjänsten</td>");
    ASSERT_CONTAINS(history, "<td>1 dec 2026 kl. 10.00</td><td>Sova bättre</td><td>Internet-KBT 8 "
                             "veckor</td><td></td>");
    free(history);
    test_http_response_free(&res);

    /* the patient page shows the plan, the next agreed time and the named contact */
    res = page(anna, api_fmt("/patienter/%lld", F.maja), 200);
    char *plan = cut(res.body, "id=\"care-plan\"", "</dl>");
    ASSERT_CONTAINS(plan, "<dt>Steg</dt><dd>" STEP2 "</dd>");
    ASSERT_CONTAINS(plan, "<dd>Internet-KBT 8 veckor, sedan uppföljning</dd>");
    ASSERT_CONTAINS(plan, "<dt>Nästa avtalade tid</dt><dd>1 jul 2026 kl. 10.00</dd>");
    free(plan);
    test_http_response_free(&res);
}

static const char *session_path(void)
{
    return api_fmt("/episoder/%lld/session", F.olle_episode);
}

static void record_session(void)
{
    struct test_http_response res = post_form(anna, session_path(), PHQ9_13);
    expect_see_other(&res, session_path());
    test_http_response_free(&res);
}

/* The banner proposing the next step; NULL when the page has none. free() it. */
static char *step_up_banner(void)
{
    struct test_http_response res = page(anna, session_path(), 200);
    const char *start = "<div class=\"banner-warning\" id=\"step-up\"";
    char *banner = strstr(res.body, "id=\"step-up\"") ? cut(res.body, start, "</div>") : NULL;
    if (banner == NULL)
        ASSERT_CONTAINS(res.body, "id=\"step-check\"");
    test_http_response_free(&res);
    return banner;
}

/* Olle: PHQ-9 13 and GAD-7 11, no risk: step 2 chosen as recommended. Each session records
 * PHQ-9 13 again. The check is due after 4 sessions (or 6 weeks) at the step: before that it
 * is "too early"; at 4 the PHQ-9 change 13 -> 13 is below the reliable 6 (GAD-7 has one score
 * only and is skipped), so the banner proposes step 3. */
static void session_step_up(void)
{
    long long id = create("/api/v1/responses",
                          api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":"
                                  "\"phq9\",\"answers\":[1,2,3,1,1,2,3,0,0]}",
                                  F.olle, F.olle_episode));
    ASSERT_TRUE(id > 0);
    id = create("/api/v1/responses",
                api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"gad7\","
                        "\"answers\":[2,2,1,2,1,1,2]}",
                        F.olle, F.olle_episode));
    id = create("/api/v1/assessments",
                api_fmt("{\"episode_id\":%lld,\"chosen_step\":2}", F.olle_episode));

    struct test_http_response res = page(anna, session_path(), 200);
    ASSERT_CONTAINS(res.body, "<h1>Besök</h1>");
    ASSERT_CONTAINS(res.body,
                    "För tidigt för uppföljning av steget: 4 besök eller 42 dag(ar) kvar");
    ASSERT_NOT_CONTAINS(res.body, "id=\"step-up\"");
    ASSERT_CONTAINS(res.body, "Inga besök ännu.");
    test_http_response_free(&res);

    for (int session = 1; session <= 3; session++) {
        record_session();
        char *banner = step_up_banner();
        if (banner != NULL)
            TEST_FAIL("step-up banner after %d sessions: %s", session, banner);
    }
    res = page(anna, session_path(), 200);
    ASSERT_CONTAINS(res.body,
                    "För tidigt för uppföljning av steget: 1 besök eller 42 dag(ar) kvar");
    ASSERT_EQ_INT(occurrences(res.body, "<td>Genomfört</td>"), 3);
    test_http_response_free(&res);

    record_session();
    char *banner = step_up_banner();
    ASSERT_TRUE(banner != NULL);
    ASSERT_CONTAINS(banner, "<strong>" STEP3 "</strong>");
    ASSERT_CONTAINS(banner, "<li>PHQ-9 från 13 till 13 (+0): ingen tillförlitlig förbättring "
                            "(kräver en förändring på minst 6); överväg steg 3</li>");
    ASSERT_CONTAINS(banner, "<li>GAD-7: färre än två skattningar på detta steg</li>");
    free(banner);
    ASSERT_EQ_INT(db(api_fmt("SELECT count(*) FROM appointment WHERE episode_id = %lld AND status "
                             "= 'attended'",
                             F.olle_episode)),
                  4);
    ASSERT_EQ_INT(db(api_fmt("SELECT count(*) FROM response WHERE episode_id = %lld AND "
                             "instrument = 'phq9' AND total = 13",
                             F.olle_episode)),
                  5);
}

/* Ending needs a reason (the API's check); then the episode is closed and says why. */
static void end_episode(void)
{
    const char *path = api_fmt("/episoder/%lld/avsluta", F.olle_episode);
    struct test_http_response res = post_form(anna, path, "end_reason=");
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "Välj varför episoden avslutas.");
    test_http_response_free(&res);
    ASSERT_EQ_INT(db(api_fmt("SELECT ended_at FROM episode WHERE id = %lld", F.olle_episode)), 0);

    long long t0 = time(NULL);
    res = post_form(anna, path, "end_reason=completed");
    expect_see_other(&res, api_fmt("/patienter/%lld", F.olle));
    test_http_response_free(&res);
    ASSERT_TRUE(db(api_fmt("SELECT ended_at FROM episode WHERE id = %lld AND end_reason = "
                           "'completed'",
                           F.olle_episode)) >= t0);
    res = page(anna, api_fmt("/patienter/%lld", F.olle), 200);
    ASSERT_CONTAINS(res.body, ": Behandlingen är avslutad</td>");
    ASSERT_NOT_CONTAINS(res.body, "/avsluta\"");
    ASSERT_CONTAINS(res.body, "<h3>Öppna en ny episod</h3>"); /* none open at the unit now */
    test_http_response_free(&res);
    /* an ended episode takes no more sessions */
    res = page(anna, session_path(), 200);
    ASSERT_NOT_CONTAINS(res.body, "id=\"record-session\"");
    test_http_response_free(&res);
}

int main(void)
{
    RUN_TEST(prepare);
    RUN_TEST(assessment_enters_answers);
    RUN_TEST(assessment_recommends);
    RUN_TEST(assessment_chooses_step);
    RUN_TEST(risk_assessment_clears_flag);
    RUN_TEST(contract_versions);
    RUN_TEST(session_step_up);
    RUN_TEST(end_episode);
    api_world_stop(&W);
    TEST_SUMMARY();
}
