/* test_api_flow.c - the JSON API's happy path end to end, over real HTTP on loopback: the real
 * server on a fresh database, accounts made with `stegvis user add`, a libcurl client.
 *
 * The cases run in order and build on each other (one patient's way through stepped care).
 * Expected values are worked by hand from ../shared/spec/instruments.md, data/instruments and
 * data/steps.json; each is explained next to its assertion. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support/api_fixture.h"
#include "support/testdb.h"
#include "support/db_fingerprint.h"

/* Times sent with a UTC offset and answered in UTC (docs/api.md), as seconds since 1970. */
#define REFERRED_AT 1736931600LL /* 2025-01-15T10:00:00+01:00 = 2025-01-15T09:00:00Z */
#define EMERGENCY   "akut kontakt via 1177"

static struct api_world W;
static struct test_http_client *anna; /* clinician at GOTTSUNDA, who does the work */

static struct {
    long long patient, other_patient, episode, other_episode, appointment;
    long long review_done; /* time(NULL) right after the risk review was answered */
    char token[80];
} F;

static struct test_http_response post(const char *path, const char *body)
{
    return test_http_send_json(anna, "POST", path, body);
}

static void register_patients(void)
{
    /* 19640823-3234: Luhn over 640823323 with weights 2,1,2,...: 12->3,4,0,8,4,3,6,2,6 = 36,
     * check digit (10 - 6) % 10 = 4. Birth number 323 is odd: male. */
    struct test_http_response res =
        post("/api/v1/patients", "{\"pnr\":\"19640823-3234\",\"name\":\"Karl Karlsson\","
                                 "\"municipality_code\":\"0380\",\"contact\":\"070-123 45 67\"}");
    EXPECT_STATUS(res, 201);
    F.patient = api_int(&res, "id");
    ASSERT_TRUE(F.patient > 0);
    ASSERT_STR_EQ(test_http_header(&res, "Location"), api_fmt("/api/v1/patients/%lld", F.patient));
    ASSERT_STR_EQ(api_str(&res, "pnr"), "196408233234");
    ASSERT_STR_EQ(api_str(&res, "birth_date"), "1964-08-23");
    ASSERT_STR_EQ(api_str(&res, "sex"), "male");
    ASSERT_STR_EQ(api_str(&res, "name"), "Karl Karlsson");
    ASSERT_STR_EQ(api_str(&res, "municipality_code"), "0380");
    ASSERT_STR_EQ(api_str(&res, "contact"), "070-123 45 67");
    ASSERT_EQ_INT(api_int(&res, "listed_unit_id"), W.unit_gottsunda); /* the clinician's unit */
    test_http_response_free(&res);

    res = test_http_get(anna, "/api/v1/patients?pnr=196408233234");
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "id"), F.patient);
    test_http_response_free(&res);

    /* 19850312-2387: 16->7,5,0,3,2,2,4,3,16->7 = 33, check 7; birth number 238 is even: female. */
    res = post("/api/v1/patients", "{\"pnr\":\"198503122387\",\"name\":\"Lena Lind\","
                                   "\"municipality_code\":\"0380\"}");
    EXPECT_STATUS(res, 201);
    F.other_patient = api_int(&res, "id");
    ASSERT_STR_EQ(api_str(&res, "birth_date"), "1985-03-12");
    ASSERT_STR_EQ(api_str(&res, "sex"), "female");
    ASSERT_STR_EQ(api_str(&res, "contact"), "");
    test_http_response_free(&res);
}

static void open_episodes_and_measure(void)
{
    struct test_http_response res =
        post("/api/v1/episodes",
             api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"referred_at\":"
                     "\"2025-01-15T10:00:00+01:00\",\"problem\":\"Nedstämdhet och oro\"}",
                     F.patient));
    EXPECT_STATUS(res, 201);
    F.episode = api_int(&res, "id");
    ASSERT_EQ_INT(api_int(&res, "patient_id"), F.patient);
    ASSERT_EQ_INT(api_int(&res, "unit_id"), W.unit_gottsunda);
    ASSERT_STR_EQ(api_str(&res, "source"), "self");
    ASSERT_STR_EQ(api_str(&res, "referred_at"), "2025-01-15T09:00:00Z");
    ASSERT_STR_EQ(api_dump(&res, "assessed_at"), "null");
    ASSERT_STR_EQ(api_dump(&res, "step"), "null");
    ASSERT_STR_EQ(api_dump(&res, "ended_at"), "null");
    ASSERT_STR_EQ(api_str(&res, "problem"), "Nedstämdhet och oro");
    test_http_response_free(&res);

    /* PHQ-9 1+2+3+0+1+2+3+0+1 = 13: moderate (10-14, "Måttlig", severity 2); item 9 = 1 >= 1
     * raises the risk flag. */
    res = post("/api/v1/responses",
               api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"phq9\","
                       "\"answers\":[1,2,3,0,1,2,3,0,1]}",
                       F.patient, F.episode));
    EXPECT_STATUS(res, 201);
    ASSERT_STR_EQ(api_str(&res, "instrument"), "phq9");
    ASSERT_STR_EQ(api_dump(&res, "answers"), "[1,2,3,0,1,2,3,0,1]");
    ASSERT_EQ_INT(api_int(&res, "total"), 13);
    ASSERT_STR_EQ(api_str(&res, "band"), "moderate");
    ASSERT_STR_EQ(api_str(&res, "band_label"), "Måttlig");
    ASSERT_EQ_INT(api_int(&res, "severity"), 2);
    ASSERT_STR_EQ(api_dump(&res, "flags"), "[\"risk\"]");
    ASSERT_STR_EQ(api_str(&res, "channel"), "clinic");
    ASSERT_EQ_INT(api_int(&res, "episode_id"), F.episode);
    ASSERT_EQ_INT(api_int(&res, "entered_by"), W.staff_id[ACTOR_CLIN]);
    test_http_response_free(&res);

    /* GAD-7 2+2+1+2+1+1+2 = 11: moderate (10-14, severity 2); GAD-7 raises no flags. */
    res = post("/api/v1/responses",
               api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"gad7\","
                       "\"answers\":[2,2,1,2,1,1,2]}",
                       F.patient, F.episode));
    EXPECT_STATUS(res, 201);
    ASSERT_EQ_INT(api_int(&res, "total"), 11);
    ASSERT_STR_EQ(api_str(&res, "band"), "moderate");
    ASSERT_EQ_INT(api_int(&res, "severity"), 2);
    ASSERT_STR_EQ(api_dump(&res, "flags"), "[]");
    test_http_response_free(&res);

    /* The second patient: referred now, PHQ-9 3*6+2+0+0 = 20: severe (20-27, severity 4), item
     * 9 = 0 so no risk flag. */
    res = post("/api/v1/episodes",
               api_fmt("{\"patient_id\":%lld,\"source\":\"clinic\"}", F.other_patient));
    EXPECT_STATUS(res, 201);
    F.other_episode = api_int(&res, "id");
    test_http_response_free(&res);
    res = post("/api/v1/responses",
               api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"phq9\","
                       "\"answers\":[3,3,3,3,3,3,2,0,0]}",
                       F.other_patient, F.other_episode));
    EXPECT_STATUS(res, 201);
    ASSERT_EQ_INT(api_int(&res, "total"), 20);
    ASSERT_STR_EQ(api_str(&res, "band"), "severe");
    ASSERT_EQ_INT(api_int(&res, "severity"), 4);
    ASSERT_STR_EQ(api_dump(&res, "flags"), "[]");
    test_http_response_free(&res);
}

/* GET /triage, checking its two rows: `first` and `second` episode ids in that order. */
static void expect_triage(long long first, int first_risk, int first_severity, long long second,
                          int second_risk, int second_severity)
{
    long long t0 = time(NULL);
    struct test_http_response res = test_http_get(anna, "/api/v1/triage");
    long long t1 = time(NULL);
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "triage")), 2);
    ASSERT_EQ_INT(api_int(&res, "triage/0/episode_id"), first);
    ASSERT_EQ_INT(api_bool(&res, "triage/0/unresolved_risk"), first_risk);
    ASSERT_EQ_INT(api_int(&res, "triage/0/max_severity"), first_severity);
    ASSERT_EQ_INT(api_int(&res, "triage/1/episode_id"), second);
    ASSERT_EQ_INT(api_bool(&res, "triage/1/unresolved_risk"), second_risk);
    ASSERT_EQ_INT(api_int(&res, "triage/1/max_severity"), second_severity);
    int row = first == F.episode ? 0 : 1;
    ASSERT_EQ_INT(api_int(&res, api_fmt("triage/%d/patient_id", row)), F.patient);
    ASSERT_STR_EQ(api_str(&res, api_fmt("triage/%d/patient_name", row)), "Karl Karlsson");
    ASSERT_STR_EQ(api_str(&res, api_fmt("triage/%d/source", row)), "self");
    ASSERT_STR_EQ(api_str(&res, api_fmt("triage/%d/referred_at", row)), "2025-01-15T09:00:00Z");
    /* Whole days since the referral, at the moment the server answered. */
    long long days = api_int(&res, api_fmt("triage/%d/days_waiting", row));
    ASSERT_TRUE(days == (t0 - REFERRED_AT) / 86400 || days == (t1 - REFERRED_AT) / 86400);
    ASSERT_EQ_INT(api_int(&res, api_fmt("triage/%d/days_waiting", 1 - row)), 0); /* today */
    test_http_response_free(&res);
}

static void expect_risk_unresolved(int want)
{
    struct test_http_response res =
        test_http_get(anna, api_fmt("/api/v1/patients/%lld", F.patient));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_bool(&res, "risk_unresolved"), want);
    ASSERT_EQ_INT(api_bool(&res, "emergency_access"), 0);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "episodes")), 1);
    ASSERT_EQ_INT(api_int(&res, "episodes/0/id"), F.episode);
    test_http_response_free(&res);
}

static void triage_and_risk_review(void)
{
    /* Both episodes are open and not assessed. Unresolved risk comes first, although the other
     * patient's severity (4) is higher than this one's (PHQ-9 and GAD-7 both moderate: 2). */
    expect_triage(F.episode, 1, 2, F.other_episode, 0, 4);
    expect_risk_unresolved(1);

    struct test_http_response res =
        post("/api/v1/risk-reviews",
             api_fmt("{\"patient_id\":%lld,\"level\":\"moderate\",\"note\":\"Passiva "
                     "dödstankar, ingen plan. Stödsamtal varje vecka.\"}",
                     F.patient));
    EXPECT_STATUS(res, 201);
    F.review_done = time(NULL);
    ASSERT_STR_EQ(api_str(&res, "level"), "moderate");
    ASSERT_EQ_INT(api_int(&res, "patient_id"), F.patient);
    test_http_response_free(&res);

    /* The review resolves the flag; still not assessed, so both stay in the queue, now by
     * severity: 4 before 2. */
    expect_risk_unresolved(0);
    expect_triage(F.other_episode, 0, 4, F.episode, 0, 2);
}

static void recommend_and_assess(void)
{
    /* Latest per instrument: PHQ-9 13, GAD-7 11. Step 0 needs PHQ-9 <= 4: 13 is above; step 1
     * needs PHQ-9 <= 9: above; step 2 needs PHQ-9 <= 14 and GAD-7 <= 14 (AUDIT not scored, its
     * limit ignored): met, base step 2. The risk flag is stored on the PHQ-9 response itself,
     * and the rules read the flags of the latest responses, not whether a review resolved them:
     * so raised_by_risk still lifts the step to its min_step 3 (a reviewed risk is still a
     * risk for choosing the level of care). */
    struct test_http_response res =
        test_http_get(anna, api_fmt("/api/v1/episodes/%lld/recommendation", F.episode));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "step"), 3);
    ASSERT_STR_EQ(api_str(&res, "name"),
                  "Högintensiv behandling: individuell psykologisk behandling, läkemedel");
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "reasons")), 4);
    ASSERT_STR_EQ(api_str(&res, "reasons/0/code"), "above_limit");
    ASSERT_STR_EQ(api_str(&res, "reasons/0/text"), "PHQ-9 13 är över gränsen 4 för steg 0");
    ASSERT_STR_EQ(api_str(&res, "reasons/1/code"), "above_limit");
    ASSERT_STR_EQ(api_str(&res, "reasons/1/text"), "PHQ-9 13 är över gränsen 9 för steg 1");
    ASSERT_STR_EQ(api_str(&res, "reasons/2/code"), "within_limits");
    ASSERT_STR_EQ(api_str(&res, "reasons/2/text"),
                  "Poängen ligger inom gränserna för steg 2: Lågintensiv behandling: "
                  "internet-KBT med stöd, grupp, kort alkoholintervention");
    ASSERT_STR_EQ(api_str(&res, "reasons/3/code"), "raised_by_risk");
    ASSERT_STR_EQ(api_str(&res, "reasons/3/text"),
                  "PHQ-9 visar risk (tankar på döden eller att skada sig): höjt till steg 3; "
                  "gör en riskbedömning");
    test_http_response_free(&res);

    res = post(
        "/api/v1/assessments",
        api_fmt("{\"episode_id\":%lld,\"chosen_step\":3,\"problem\":\"Depression\"}", F.episode));
    EXPECT_STATUS(res, 201);
    ASSERT_EQ_INT(api_int(&res, "recommended_step"), 3);
    ASSERT_EQ_INT(api_int(&res, "chosen_step"), 3);
    ASSERT_EQ_INT(api_int(&res, "recommendation/step"), 3);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "recommendation/reasons")), 4);
    ASSERT_EQ_INT(api_int(&res, "staff_id"), W.staff_id[ACTOR_CLIN]);
    test_http_response_free(&res);

    /* Another step than the recommended 3 without a reason: 422 at /reason, nothing stored. */
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    res =
        post("/api/v1/assessments", api_fmt("{\"episode_id\":%lld,\"chosen_step\":2}", F.episode));
    EXPECT_PROBLEM(res, 422, "/reason");
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);

    res = post("/api/v1/assessments",
               api_fmt("{\"episode_id\":%lld,\"chosen_step\":2,\"reason\":\"Föredrar "
                       "internet-KBT; tät uppföljning av risk\"}",
                       F.episode));
    EXPECT_STATUS(res, 201);
    ASSERT_EQ_INT(api_int(&res, "recommended_step"), 3);
    ASSERT_EQ_INT(api_int(&res, "chosen_step"), 2);
    ASSERT_STR_EQ(api_str(&res, "reason"), "Föredrar internet-KBT; tät uppföljning av risk");
    test_http_response_free(&res);

    /* The episode takes the latest chosen step and the time of the first assessment. */
    res = test_http_get(anna, api_fmt("/api/v1/episodes/%lld", F.episode));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "step"), 2);
    ASSERT_TRUE(api_epoch(api_str(&res, "assessed_at")) >= F.review_done - 1);
    test_http_response_free(&res);

    res = test_http_get(anna, api_fmt("/api/v1/assessments?episode_id=%lld", F.episode));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "assessments")), 2);
    ASSERT_EQ_INT(api_int(&res, "assessments/0/chosen_step"), 3);
    ASSERT_EQ_INT(api_int(&res, "assessments/1/chosen_step"), 2);
    test_http_response_free(&res);
}

static void contract_and_appointments(void)
{
#define put                                                                                        \
    "{\"contact_staff_id\":%lld,\"goals\":\"Sova bättre, orka träffa vänner\",\"plan\":\"%s\"," \
    "\"next_contact_at\":\"2026-12-01T10:00:00+01:00\",\"municipal_coordination\":\"\"}"
    const char *path = api_fmt("/api/v1/contracts/%lld", F.episode);
    struct test_http_response res = test_http_send_json(
        anna, "PUT", path, api_fmt(put, W.staff_id[ACTOR_CLIN], "Internet-KBT 8 veckor"));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "version"), 1);
    ASSERT_EQ_INT(api_int(&res, "contact_staff_id"), W.staff_id[ACTOR_CLIN]);
    ASSERT_STR_EQ(api_str(&res, "next_contact_at"), "2026-12-01T09:00:00Z");
    test_http_response_free(&res);
    res = test_http_send_json(
        anna, "PUT", path,
        api_fmt(put, W.staff_id[ACTOR_CLIN], "Internet-KBT 8 veckor, uppföljning varannan vecka"));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "version"), 2);
    test_http_response_free(&res);
#undef put

    res = test_http_get(anna, path);
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "version"), 2);
    ASSERT_STR_EQ(api_str(&res, "plan"), "Internet-KBT 8 veckor, uppföljning varannan vecka");
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "history")), 2);
    ASSERT_EQ_INT(api_int(&res, "history/0/version"), 1);
    ASSERT_STR_EQ(api_str(&res, "history/0/plan"), "Internet-KBT 8 veckor");
    ASSERT_EQ_INT(api_int(&res, "history/1/version"), 2);
    test_http_response_free(&res);

    /* ikbt (guided internet CBT, step 2) is offered at GOTTSUNDA (data/region.json). */
    res = post("/api/v1/appointments",
               api_fmt("{\"episode_id\":%lld,\"at\":\"2026-12-01T10:00:00+01:00\","
                       "\"intervention_code\":\"ikbt\"}",
                       F.episode));
    EXPECT_STATUS(res, 201);
    F.appointment = api_int(&res, "id");
    ASSERT_STR_EQ(api_str(&res, "status"), "booked");
    ASSERT_STR_EQ(api_str(&res, "intervention_code"), "ikbt");
    ASSERT_STR_EQ(api_str(&res, "at"), "2026-12-01T09:00:00Z");
    ASSERT_EQ_INT(api_int(&res, "staff_id"), W.staff_id[ACTOR_CLIN]); /* defaults to the caller */
    test_http_response_free(&res);
    res = test_http_send_json(anna, "PATCH", api_fmt("/api/v1/appointments/%lld", F.appointment),
                              "{\"status\":\"attended\"}");
    EXPECT_STATUS(res, 200);
    ASSERT_STR_EQ(api_str(&res, "status"), "attended");
    test_http_response_free(&res);
    res = test_http_get(anna, api_fmt("/api/v1/appointments?episode_id=%lld", F.episode));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "appointments")), 1);
    ASSERT_EQ_INT(api_int(&res, "appointments/0/id"), F.appointment);
    ASSERT_STR_EQ(api_str(&res, "appointments/0/status"), "attended");
    test_http_response_free(&res);

    res = test_http_send_json(anna, "PATCH", api_fmt("/api/v1/episodes/%lld", F.episode),
                              "{\"treatment_started_at\":\"2025-02-03T09:00:00+01:00\"}");
    EXPECT_STATUS(res, 200);
    ASSERT_STR_EQ(api_str(&res, "treatment_started_at"), "2025-02-03T08:00:00Z");
    ASSERT_STR_EQ(api_dump(&res, "ended_at"), "null");
    test_http_response_free(&res);
}

static void invitation(void)
{
    long long t0 = time(NULL);
    struct test_http_response res =
        post("/api/v1/invitations",
             api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":[\"phq9\","
                     "\"gad7\"],\"expires_in_days\":7}",
                     F.patient, F.episode));
    long long t1 = time(NULL);
    EXPECT_STATUS(res, 201);
    const char *token = api_str(&res, "token");
    ASSERT_TRUE(token != NULL && strlen(token) == 64 && strspn(token, "0123456789abcdef") == 64);
    snprintf(F.token, sizeof(F.token), "%s", token);
    ASSERT_STR_EQ(api_str(&res, "url"), api_fmt("/i/%s", F.token));
    long long expires = api_epoch(api_str(&res, "expires_at"));
    ASSERT_TRUE(expires >= t0 + 7 * 86400 && expires <= t1 + 7 * 86400);
    char expires_text[32];
    snprintf(expires_text, sizeof(expires_text), "%s", api_str(&res, "expires_at"));
    test_http_response_free(&res);

    /* The patient's browser: no cookie, no CSRF token. */
    struct test_http_client patient;
    test_http_client_init(&patient, &W.server);
    const char *path = api_fmt("/api/v1/invitations/%s", F.token);
    res = test_http_get(&patient, path);
    EXPECT_STATUS(res, 200);
    ASSERT_STR_EQ(api_str(&res, "expires_at"), expires_text);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "instruments")), 2);
    ASSERT_STR_EQ(api_str(&res, "instruments/0/id"), "phq9");
    ASSERT_STR_EQ(api_str(&res, "instruments/0/name"), "PHQ-9");
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "instruments/0/items")), 10); /* 9 + 1 */
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "instruments/0/items/0/options")), 4);
    ASSERT_EQ_INT(api_int(&res, "instruments/0/items/0/options/0/position"), 0);
    ASSERT_STR_EQ(api_str(&res, "instruments/0/items/0/options/0/label"), "Inte alls");
    ASSERT_STR_EQ(api_str(&res, "instruments/1/id"), "gad7");
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "instruments/1/items")), 7);
    test_http_response_free(&res);

    /* The risk review's time has whole-second resolution: answer in a later second, so the new
     * flag is unambiguously "raised after the review". */
    while (time(NULL) <= F.review_done)
        usleep(50 * 1000);
    /* PHQ-9 0*8+1 = 1: none_minimal (0-4), but item 9 = 1 raises the risk flag: help_now.
     * GAD-7 all 0 = 0: minimal. */
    const char *answers = "{\"responses\":[{\"instrument\":\"phq9\",\"answers\":[0,0,0,0,0,0,0,0,"
                          "1]},{\"instrument\":\"gad7\",\"answers\":[0,0,0,0,0,0,0]}]}";
    const char *answer_path = api_fmt("/api/v1/invitations/%s/responses", F.token);
    res = test_http_send_json(&patient, "POST", answer_path, answers);
    EXPECT_STATUS(res, 201);
    ASSERT_STR_EQ(api_dump(&res, ""), "{\"responses\":[{\"instrument\":\"phq9\",\"total\":1,"
                                      "\"band\":\"none_minimal\"},{\"instrument\":\"gad7\","
                                      "\"total\":0,\"band\":\"minimal\"}],\"help_now\":true}");
    test_http_response_free(&res);

    /* Used up: the same answers again, and the questionnaire, are 410; nothing more stored. */
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    res = test_http_send_json(&patient, "POST", answer_path, answers);
    EXPECT_PROBLEM(res, 410, NULL);
    test_http_response_free(&res);
    res = test_http_get(&patient, path);
    EXPECT_PROBLEM(res, 410, NULL);
    ASSERT_STR_EQ(api_str(&res, "detail"), "this invitation has already been used");
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);
    test_http_client_release(&patient);

    /* The four responses, oldest first; the portal ones entered by nobody. */
    res = test_http_get(anna, api_fmt("/api/v1/responses?patient_id=%lld", F.patient));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "responses")), 4);
    ASSERT_EQ_INT(api_int(&res, "responses/0/total"), 13);
    ASSERT_EQ_INT(api_int(&res, "responses/1/total"), 11);
    ASSERT_STR_EQ(api_str(&res, "responses/2/instrument"), "phq9");
    ASSERT_EQ_INT(api_int(&res, "responses/2/total"), 1);
    ASSERT_STR_EQ(api_str(&res, "responses/2/channel"), "portal");
    ASSERT_STR_EQ(api_dump(&res, "responses/2/entered_by"), "null");
    ASSERT_STR_EQ(api_dump(&res, "responses/2/flags"), "[\"risk\"]");
    ASSERT_EQ_INT(api_int(&res, "responses/2/episode_id"), F.episode);
    ASSERT_STR_EQ(api_str(&res, "responses/3/instrument"), "gad7");
    ASSERT_EQ_INT(api_int(&res, "responses/3/total"), 0);
    test_http_response_free(&res);

    /* The portal's flag came after the review: unresolved again. */
    expect_risk_unresolved(1);

    /* Latest now PHQ-9 1, GAD-7 0: within step 0's limits (<= 4 each), raised to 3 by risk. */
    res = test_http_get(anna, api_fmt("/api/v1/episodes/%lld/recommendation", F.episode));
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "step"), 3);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "reasons")), 2);
    ASSERT_STR_EQ(api_str(&res, "reasons/0/code"), "within_limits");
    ASSERT_STR_EQ(api_str(&res, "reasons/1/code"), "raised_by_risk");
    test_http_response_free(&res);
}

static void expired_invitation(void)
{
    struct test_http_response res =
        post("/api/v1/invitations",
             api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":[\"gad7\"],"
                     "\"expires_in_days\":1}",
                     F.patient, F.episode));
    EXPECT_STATUS(res, 201);
    char token[80];
    snprintf(token, sizeof(token), "%s", api_str(&res, "token"));
    test_http_response_free(&res);

    /* A test cannot wait a day, and the server reads the wall clock: move the unused
     * invitation's expiry a minute into the past through the database file instead. */
    char msg[256];
    ASSERT_EQ_INT(testdb_exec(W.server.db_path,
                              api_fmt("UPDATE invitation SET expires_at = %lld WHERE used_at = 0 "
                                      "AND instruments = 'gad7'",
                                      (long long)time(NULL) - 60),
                              msg, sizeof(msg)),
                  0);
    ASSERT_EQ_INT(testdb_int(W.server.db_path, "SELECT count(*) FROM invitation WHERE used_at = 0 "
                                               "AND instruments = 'gad7'"),
                  1);

    struct test_http_client patient;
    test_http_client_init(&patient, &W.server);
    res = test_http_get(&patient, api_fmt("/api/v1/invitations/%s", token));
    EXPECT_PROBLEM(res, 410, NULL);
    ASSERT_STR_EQ(api_str(&res, "detail"), "this invitation has expired");
    test_http_response_free(&res);
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    res = test_http_send_json(&patient, "POST", api_fmt("/api/v1/invitations/%s/responses", token),
                              "{\"responses\":[{\"instrument\":\"gad7\",\"answers\":[0,0,0,0,0,"
                              "0,0]}]}");
    EXPECT_PROBLEM(res, 410, NULL);
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);
    test_http_client_release(&patient);
}

static void emergency_access(void)
{
    struct test_http_client *bo = &W.client[ACTOR_CLIN_OTHER]; /* at ARSTA */
    const char *path = api_fmt("/api/v1/patients/%lld", F.patient);
    struct test_http_response res = test_http_get(bo, path);
    EXPECT_PROBLEM(res, 403, NULL);
    test_http_response_free(&res);

    const char *reason[] = { "X-Access-Reason: " EMERGENCY, NULL };
    res = test_http_request(bo, "GET", path, NULL, NULL, reason);
    EXPECT_STATUS(res, 200);
    ASSERT_EQ_INT(api_int(&res, "id"), F.patient);
    ASSERT_EQ_INT(api_bool(&res, "emergency_access"), 1);
    test_http_response_free(&res);

    /* The newest audit row for the patient is that read, flagged, with the reason. */
    res =
        test_http_get(&W.client[ACTOR_ADMIN], api_fmt("/api/v1/audit?patient_id=%lld", F.patient));
    EXPECT_STATUS(res, 200);
    ASSERT_STR_EQ(api_str(&res, "audit/0/action"), "patient.read");
    ASSERT_STR_EQ(api_str(&res, "audit/0/actor"), "bo");
    ASSERT_EQ_INT(api_int(&res, "audit/0/actor_id"), W.staff_id[ACTOR_CLIN_OTHER]);
    ASSERT_EQ_INT(api_int(&res, "audit/0/patient_id"), F.patient);
    ASSERT_EQ_INT(api_bool(&res, "audit/0/emergency"), 1);
    ASSERT_STR_EQ(api_str(&res, "audit/0/detail"), "emergency access: " EMERGENCY);
    ASSERT_EQ_INT(api_bool(&res, "audit/1/emergency"), 0);
    test_http_response_free(&res);
}

static void end_episode(void)
{
    const char *path = api_fmt("/api/v1/episodes/%lld", F.episode);
    struct test_http_response res = test_http_send_json(
        anna, "PATCH", path,
        "{\"ended_at\":\"2025-06-02T10:00:00+02:00\",\"end_reason\":\"completed\"}");
    EXPECT_STATUS(res, 200);
    ASSERT_STR_EQ(api_str(&res, "ended_at"), "2025-06-02T08:00:00Z");
    ASSERT_STR_EQ(api_str(&res, "end_reason"), "completed");
    ASSERT_STR_EQ(api_str(&res, "treatment_started_at"), "2025-02-03T08:00:00Z");
    test_http_response_free(&res);

    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    res = test_http_send_json(anna, "PATCH", path,
                              "{\"treatment_started_at\":\"2025-03-01T09:00:00+01:00\"}");
    EXPECT_PROBLEM(res, 409, NULL);
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);
}

static void audit_trail(void)
{
    /* Every read and write of the record above, one row each, newest first. The triage reads
     * concern no single patient (patient_id 0) and failed requests store nothing. */
    ASSERT_STR_EQ(api_audit_actions(&W.client[ACTOR_ADMIN], F.patient),
                  "episode.update,"    /* ended */
                  "patient.read,"      /* bo, emergency */
                  "invitation.create," /* the one that expired */
                  "recommendation.read,"
                  "patient.read,"
                  "response.list,"
                  "response.create," /* through the invitation */
                  "invitation.create,"
                  "episode.update," /* treatment started */
                  "appointment.list,"
                  "appointment.update,"
                  "appointment.create,"
                  "contract.read,"
                  "contract.update,"
                  "contract.update,"
                  "assessment.list,"
                  "episode.read,"
                  "assessment.create,"
                  "assessment.create,"
                  "recommendation.read,"
                  "patient.read," /* risk resolved */
                  "risk_review.create,"
                  "patient.read,"    /* risk unresolved */
                  "response.create," /* GAD-7 */
                  "response.create," /* PHQ-9 */
                  "episode.create,"
                  "patient.search,"
                  "patient.create");

    /* The invitation's row names no staff member. */
    struct test_http_response res =
        test_http_get(&W.client[ACTOR_ADMIN], api_fmt("/api/v1/audit?patient_id=%lld", F.patient));
    EXPECT_STATUS(res, 200);
    ASSERT_STR_EQ(api_str(&res, "audit/6/actor"), "invitation");
    ASSERT_STR_EQ(api_dump(&res, "audit/6/actor_id"), "null");
    test_http_response_free(&res);
}

static void audit_is_append_only(void)
{
    const char *count_sql = "SELECT count(*) FROM audit";
    long long rows = testdb_int(W.server.db_path, count_sql);
    ASSERT_TRUE(rows > 0);
    char msg[256];
    /* 19 = SQLITE_CONSTRAINT: the schema's triggers RAISE(ABORT). */
    ASSERT_EQ_INT(
        testdb_exec(W.server.db_path, "UPDATE audit SET action = 'nothing'", msg, sizeof(msg)),
        TESTDB_REFUSED);
    ASSERT_STR_EQ(msg, "audit is append-only");
    ASSERT_EQ_INT(testdb_exec(W.server.db_path, "DELETE FROM audit", msg, sizeof(msg)),
                  TESTDB_REFUSED);
    ASSERT_STR_EQ(msg, "audit is append-only");
    ASSERT_EQ_INT(testdb_exec(W.server.db_path,
                              api_fmt("DELETE FROM audit WHERE patient_id = %lld", F.patient), msg,
                              sizeof(msg)),
                  TESTDB_REFUSED);
    ASSERT_EQ_INT(testdb_int(W.server.db_path, count_sql), rows);
    ASSERT_EQ_INT(
        testdb_int(W.server.db_path, "SELECT count(*) FROM audit WHERE action = 'nothing'"), 0);
}

static void login_me_logout(void)
{
    struct test_http_client c;
    test_http_client_init(&c, &W.server);
    long long t0 = time(NULL);
    struct test_http_response res = test_http_send_json(
        &c, "POST", "/api/v1/login", "{\"username\":\"anna\",\"password\":\"" API_PASSWORD "\"}");
    long long t1 = time(NULL);
    EXPECT_STATUS(res, 200);
    const char *csrf = api_str(&res, "csrf_token");
    ASSERT_TRUE(csrf != NULL && strlen(csrf) == 64);
    snprintf(c.csrf, sizeof(c.csrf), "%s", csrf);
    ASSERT_EQ_INT(api_int(&res, "staff/id"), W.staff_id[ACTOR_CLIN]);
    ASSERT_STR_EQ(api_str(&res, "staff/username"), "anna");
    ASSERT_STR_EQ(api_str(&res, "staff/display_name"), "Anna Andersson");
    ASSERT_STR_EQ(api_str(&res, "staff/role"), "clinician");
    ASSERT_EQ_INT(api_int(&res, "staff/unit_id"), W.unit_gottsunda);
    long long expires = api_epoch(api_str(&res, "expires_at")); /* 8 hours */
    ASSERT_TRUE(expires >= t0 + 8 * 3600 && expires <= t1 + 8 * 3600);
    /* stegvis_session=<64 hex>; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800 */
    const char *cookie = test_http_header(&res, "Set-Cookie");
    ASSERT_TRUE(cookie != NULL && strncmp(cookie, "stegvis_session=", 16) == 0);
    ASSERT_STR_EQ(cookie + 16 + 64, "; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800");
    char session_cookie[128];
    snprintf(session_cookie, sizeof(session_cookie), "Cookie: %.80s", cookie);
    session_cookie[8 + 16 + 64] = '\0';
    char *login_body = strdup(res.body);
    test_http_response_free(&res);

    res = test_http_get(&c, "/api/v1/me"); /* the same body as the login */
    EXPECT_STATUS(res, 200);
    ASSERT_STR_EQ(res.body, login_body);
    test_http_response_free(&res);
    free(login_body);

    res = test_http_request(&c, "POST", "/api/v1/logout", NULL, NULL, NULL);
    EXPECT_STATUS(res, 204);
    ASSERT_STR_EQ(test_http_header(&res, "Set-Cookie"),
                  "stegvis_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    test_http_response_free(&res);
    res = test_http_get(&c, "/api/v1/me");
    EXPECT_PROBLEM(res, 401, NULL);
    test_http_response_free(&res);

    /* The old cookie sent by hand: the session has ended in the server, not only in the jar. */
    struct test_http_client replay;
    test_http_client_init(&replay, &W.server);
    const char *headers[] = { session_cookie, NULL };
    res = test_http_request(&replay, "GET", "/api/v1/me", NULL, NULL, headers);
    EXPECT_PROBLEM(res, 401, NULL);
    test_http_response_free(&res);
    test_http_client_release(&replay);
    test_http_client_release(&c);
}

int main(void)
{
    api_world_start(&W);
    api_world_login_all(&W);
    anna = &W.client[ACTOR_CLIN];
    RUN_TEST(register_patients);
    RUN_TEST(open_episodes_and_measure);
    RUN_TEST(triage_and_risk_review);
    RUN_TEST(recommend_and_assess);
    RUN_TEST(contract_and_appointments);
    RUN_TEST(invitation);
    RUN_TEST(expired_invitation);
    RUN_TEST(emergency_access);
    RUN_TEST(end_episode);
    RUN_TEST(audit_is_append_only);
    RUN_TEST(login_me_logout);
    RUN_TEST(audit_trail); /* reads only: the cases above add no rows for the patient */
    api_world_stop(&W);
    TEST_SUMMARY();
}
