/* test_api_errors.c - bad input to the JSON API, over real HTTP: each case gets the exact status
 * of docs/api.md, an RFC 9457 problem body (with the JSON pointer where the contract promises
 * one), and leaves the stored records exactly as they were (api_refused compares the database
 * fingerprint before and after). Sessions, CSRF, access and invitations: test_api_errors_auth.c. */
#include <stdlib.h>
#include <string.h>

#include "support/api_fixture.h"

static struct api_world W;
static struct test_http_client *anna; /* clinician at GOTTSUNDA */
static long long patient, episode, empty_episode, ended_episode;

#define JSON "application/json"

static void refused(const char *method, const char *path, const char *body, long status,
                    const char *pointer)
{
    api_refused_json(&W, anna, method, path, body, status, pointer);
}

static long long created(const char *path, const char *body)
{
    struct test_http_response res = test_http_send_json(anna, "POST", path, body);
    EXPECT_STATUS(res, 201);
    long long id = api_int(&res, "id");
    test_http_response_free(&res);
    return id;
}

/* Karl Karlsson (19640823-3234, see test_api_flow.c) with an open episode holding PHQ-9 and
 * GAD-7, a second open episode with nothing scored, and a third that has ended. */
static void prepare(void)
{
    patient = created("/api/v1/patients", "{\"pnr\":\"19640823-3234\",\"name\":\"Karl Karlsson\","
                                          "\"municipality_code\":\"0380\"}");
    const char *open = api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"referred_at\":"
                               "\"2025-01-15T10:00:00+01:00\"}",
                               patient);
    episode = created("/api/v1/episodes", open);
    empty_episode = created("/api/v1/episodes", open);
    ended_episode = created("/api/v1/episodes", open);
    created("/api/v1/responses", api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":"
                                         "\"phq9\",\"answers\":[1,2,3,0,1,2,3,0,1]}",
                                         patient, episode));
    created("/api/v1/responses", api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":"
                                         "\"gad7\",\"answers\":[2,2,1,2,1,1,2]}",
                                         patient, episode));
    struct test_http_response res = test_http_send_json(
        anna, "PATCH", api_fmt("/api/v1/episodes/%lld", ended_episode),
        "{\"ended_at\":\"2025-03-01T10:00:00+01:00\",\"end_reason\":\"moved\"}");
    EXPECT_STATUS(res, 200);
    test_http_response_free(&res);
}

/* A response body for the patient's open episode with `instrument` and `answers` as given. */
static const char *response_body(const char *instrument, const char *answers)
{
    return api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":%s,\"answers\":%s}",
                   patient, episode, instrument, answers);
}

static void malformed_json(void)
{
    struct test_http_response res =
        api_refused(&W, anna, "POST", "/api/v1/patients", JSON,
                    "{\"pnr\":\"19640823-3234\",\"name\":}", NULL, 400, NULL);
    ASSERT_STR_EQ(api_str(&res, "title"), "Malformed JSON");
    ASSERT_TRUE(strncmp(api_str(&res, "detail"), "line 1, column ", 15) == 0);
    ASSERT_STR_EQ(api_dump(&res, "errors"), "(none)");
    test_http_response_free(&res);

    /* The detail names the line of the error. */
    res = api_refused(&W, anna, "POST", "/api/v1/episodes", JSON,
                      "{\n  \"patient_id\": 1,\n  \"source\" \"self\"\n}", NULL, 400, NULL);
    ASSERT_TRUE(strncmp(api_str(&res, "detail"), "line 3, column ", 15) == 0);
    test_http_response_free(&res);

    refused("POST", "/api/v1/episodes", "{\"patient_id\":1} trailing", 400, NULL);
    refused("POST", "/api/v1/episodes", "", 400, NULL); /* no body where one is required */
    /* Well-formed JSON that is not an object: 422 about the whole document (pointer ""). */
    refused("POST", "/api/v1/episodes", "[1,2,3]", 422, "");
}

static void duplicate_keys(void)
{
    struct test_http_response res = api_refused(
        &W, anna, "POST", "/api/v1/episodes", JSON,
        api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"source\":\"clinic\"}", patient), NULL,
        400, NULL);
    ASSERT_CONTAINS(api_str(&res, "detail"), "duplicate");
    test_http_response_free(&res);
    /* Nested objects too. */
    refused("POST", "/api/v1/patients",
            "{\"pnr\":\"19850312-2387\",\"name\":\"Lena\",\"municipality_code\":\"0380\","
            "\"contact\":{\"a\":1,\"a\":2}}",
            400, NULL);
}

static void wrong_types(void)
{
    refused("POST", "/api/v1/episodes", "{\"patient_id\":\"7\",\"source\":\"self\"}", 422,
            "/patient_id");
    refused("POST", "/api/v1/episodes", api_fmt("{\"patient_id\":%lld,\"source\":1}", patient), 422,
            "/source");
    refused("POST", "/api/v1/episodes",
            api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"referred_at\":20250115}", patient),
            422, "/referred_at");
    refused("POST", "/api/v1/patients",
            "{\"pnr\":196408233234,\"name\":\"Karl\",\"municipality_code\":\"0380\"}", 422, "/pnr");
    refused("POST", "/api/v1/responses", response_body("\"phq9\"", "\"1,2,3,0,1,2,3,0,1\""), 422,
            "/answers");
    refused("POST", "/api/v1/responses", response_body("\"phq9\"", "[1.5,2,3,0,1,2,3,0,1]"), 422,
            "/answers/0");
    refused("POST", "/api/v1/responses", response_body("9", "[1,2,3,0,1,2,3,0,1]"), 422,
            "/instrument");
    refused("POST", "/api/v1/assessments",
            api_fmt("{\"episode_id\":%lld,\"chosen_step\":\"3\"}", episode), 422, "/chosen_step");
    refused("POST", "/api/v1/appointments",
            api_fmt("{\"episode_id\":%lld,\"at\":\"tomorrow\"}", episode), 422, "/at");
}

static void missing_members(void)
{
    refused("POST", "/api/v1/patients",
            "{\"pnr\":\"19640823-3234\",\"municipality_code\":\"0380\"}", 422, "/name");
    refused("POST", "/api/v1/patients", "{\"name\":\"Karl\",\"municipality_code\":\"0380\"}", 422,
            "/pnr");
    refused("POST", "/api/v1/episodes", api_fmt("{\"patient_id\":%lld}", patient), 422, "/source");
    refused("POST", "/api/v1/responses",
            api_fmt("{\"patient_id\":%lld,\"answers\":[1,2,3,0,1,2,3,0,1]}", patient), 422,
            "/instrument");
    refused("POST", "/api/v1/risk-reviews",
            api_fmt("{\"patient_id\":%lld,\"level\":\"low\"}", patient), 422, "/note");
    refused("PUT", api_fmt("/api/v1/contracts/%lld", episode),
            api_fmt("{\"contact_staff_id\":%lld,\"goals\":\"Sova\"}", W.staff_id[ACTOR_CLIN]), 422,
            "/plan");
    /* A null member counts as missing. */
    refused("POST", "/api/v1/episodes", api_fmt("{\"patient_id\":%lld,\"source\":null}", patient),
            422, "/source");
    /* An unknown member is refused too, at its own pointer. */
    refused("POST", "/api/v1/episodes",
            api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"priority\":1}", patient), 422,
            "/priority");
}

static void unknown_instrument(void)
{
    struct test_http_response res =
        api_refused(&W, anna, "POST", "/api/v1/responses", JSON,
                    response_body("\"phq10\"", "[1,2,3,0,1,2,3,0,1]"), NULL, 422, "/instrument");
    ASSERT_STR_EQ(api_str(&res, "detail"), "unknown instrument \"phq10\"");
    test_http_response_free(&res);
    refused("POST", "/api/v1/invitations",
            api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":[\"phq9\",\"bdi\"]}",
                    patient, episode),
            422, "/instruments/1");
}

static void wrong_answer_count(void)
{
    /* PHQ-9 needs items 1-9 (item 10, difficulty, is optional); GAD-7 has 7 items. */
    struct test_http_response res =
        api_refused(&W, anna, "POST", "/api/v1/responses", JSON,
                    response_body("\"phq9\"", "[1,2,3,0,1,2,3,0]"), NULL, 422, "/answers");
    ASSERT_STR_EQ(api_str(&res, "detail"), "PHQ-9 expects 9 answers, got 8: item 9 has no answer");
    test_http_response_free(&res);
    refused("POST", "/api/v1/responses", response_body("\"phq9\"", "[1,2,3,0,1,2,3,0,1,0,0]"), 422,
            "/answers");
    refused("POST", "/api/v1/responses", response_body("\"gad7\"", "[2,2,1,2,1,1,2,0,0]"), 422,
            "/answers");
    refused("POST", "/api/v1/responses", response_body("\"gad7\"", "[]"), 422, "/answers");
}

static void out_of_range_answers(void)
{
    /* PHQ-9 items 1-9 have positions 0-3: 4 at index 4 (item 5) is out of range. */
    struct test_http_response res =
        api_refused(&W, anna, "POST", "/api/v1/responses", JSON,
                    response_body("\"phq9\"", "[1,2,3,0,4,2,3,0,1]"), NULL, 422, "/answers/4");
    ASSERT_STR_EQ(api_str(&res, "detail"), "PHQ-9 item 5: answer position 4 is out of range 0-3");
    test_http_response_free(&res);
    refused("POST", "/api/v1/responses", response_body("\"phq9\"", "[-1,2,3,0,1,2,3,0,1]"), 422,
            "/answers/0");
    refused("POST", "/api/v1/responses", response_body("\"phq9\"", "[1,2,3,0,1,2,3,0,100]"), 422,
            "/answers/8");
    refused("POST", "/api/v1/responses", response_body("\"phq9\"", "[1,\"x\",3,0,1,2,3,0,1]"), 422,
            "/answers/1");
    /* Item 10 (difficulty) also has positions 0-3. */
    refused("POST", "/api/v1/responses", response_body("\"phq9\"", "[1,2,3,0,1,2,3,0,1,4]"), 422,
            "/answers/9");
    refused("POST", "/api/v1/responses", response_body("\"gad7\"", "[2,2,1,2,1,1,\"na\"]"), 422,
            "/answers/6");
    /* At most two PHQ-9 items may be missing (prorated); three is an error at the first. */
    refused("POST", "/api/v1/responses", response_body("\"phq9\"", "[1,null,3,null,1,null,3,0,1]"),
            422, "/answers/1");
}

static void invalid_personnummer(void)
{
#define body "{\"pnr\":\"%s\",\"name\":\"Karl Karlsson\",\"municipality_code\":\"0380\"}"
    /* 640823323 has check digit 4 (test_api_flow.c), not 5. */
    struct test_http_response res = api_refused(&W, anna, "POST", "/api/v1/patients", JSON,
                                                api_fmt(body, "19640823-3235"), NULL, 422, "/pnr");
    ASSERT_CONTAINS(api_str(&res, "detail"), "check digit");
    test_http_response_free(&res);
    refused("POST", "/api/v1/patients", api_fmt(body, "19640230-3234"), 422, "/pnr"); /* 30 Feb */
    refused("POST", "/api/v1/patients", api_fmt(body, "19641323-3234"), 422, "/pnr"); /* month 13 */
    refused("POST", "/api/v1/patients", api_fmt(body, "20990101-0009"), 422, "/pnr"); /* future */
    refused("POST", "/api/v1/patients", api_fmt(body, "hello"), 422, "/pnr");
    refused("POST", "/api/v1/patients",
            "{\"pnr\":\"19850312-2387\",\"name\":\"Lena\",\"municipality_code\":\"9999\"}", 422,
            "/municipality_code");
    refused("POST", "/api/v1/patients",
            "{\"pnr\":\"19850312-2387\",\"name\":\"Lena\",\"municipality_code\":\"0380\","
            "\"listed_unit_code\":\"NOWHERE\"}",
            422, "/listed_unit_code");
#undef body
    res = api_refused(&W, anna, "GET", "/api/v1/patients?pnr=19640823-3235", NULL, NULL, NULL, 422,
                      NULL);
    test_http_response_free(&res);
    res = api_refused(&W, anna, "GET", "/api/v1/patients", NULL, NULL, NULL, 422, NULL);
    test_http_response_free(&res);
}

static void get_refused(const char *path, long status)
{
    struct test_http_response res =
        api_refused(&W, anna, "GET", path, NULL, NULL, NULL, status, NULL);
    test_http_response_free(&res);
}

static void unknown_ids(void)
{
    get_refused("/api/v1/patients/999999", 404);
    get_refused("/api/v1/patients/0", 404);
    get_refused("/api/v1/patients/abc", 404);
    get_refused("/api/v1/patients?pnr=19850312-2387", 404); /* valid, not registered */
    get_refused("/api/v1/episodes/999999", 404);
    get_refused("/api/v1/episodes/999999/recommendation", 404);
    get_refused("/api/v1/contracts/999999", 404);
    get_refused(api_fmt("/api/v1/contracts/%lld", episode), 404); /* no contract yet */
    get_refused("/api/v1/responses?patient_id=999999", 404);
    get_refused("/api/v1/assessments?episode_id=999999", 404);
    get_refused("/api/v1/appointments?episode_id=999999", 404);
    get_refused("/api/v1/nothing", 404);
    get_refused("/api/v1/patients/1/extra", 404);
    refused("PATCH", "/api/v1/episodes/999999",
            "{\"treatment_started_at\":\"2025-02-01T10:00:00Z\"}", 404, NULL);
    refused("PUT", "/api/v1/contracts/999999",
            api_fmt("{\"contact_staff_id\":%lld,\"goals\":\"a\",\"plan\":\"b\"}",
                    W.staff_id[ACTOR_CLIN]),
            404, NULL);
    refused("PATCH", "/api/v1/appointments/999999", "{\"status\":\"attended\"}", 404, NULL);
    refused("POST", "/api/v1/responses",
            "{\"patient_id\":999999,\"instrument\":\"gad7\",\"answers\":[0,0,0,0,0,0,0]}", 404,
            NULL);
    refused("POST", "/api/v1/episodes", "{\"patient_id\":999999,\"source\":\"self\"}", 404, NULL);
    refused("POST", "/api/v1/assessments", "{\"episode_id\":999999,\"chosen_step\":2}", 404, NULL);
    refused("POST", "/api/v1/risk-reviews",
            "{\"patient_id\":999999,\"level\":\"low\",\"note\":\"Ingen risk\"}", 404, NULL);
}

static void method_not_allowed(void)
{
    struct test_http_response res =
        api_refused(&W, anna, "DELETE", "/api/v1/patients", NULL, NULL, NULL, 405, NULL);
    ASSERT_STR_EQ(test_http_header(&res, "Allow"), "GET, POST");
    test_http_response_free(&res);
    res = api_refused(&W, anna, "PUT", api_fmt("/api/v1/patients/%lld", patient), JSON, "{}", NULL,
                      405, NULL);
    ASSERT_STR_EQ(test_http_header(&res, "Allow"), "GET");
    test_http_response_free(&res);
    res = api_refused(&W, anna, "GET", "/api/v1/login", NULL, NULL, NULL, 405, NULL);
    ASSERT_STR_EQ(test_http_header(&res, "Allow"), "POST");
    test_http_response_free(&res);
}

/* A patient body of exactly `size` bytes, padded by an unknown member "pad". */
static char *padded_body(size_t size)
{
    const char *head = "{\"pnr\":\"19850312-2387\",\"pad\":\"";
    char *body = malloc(size + 1);
    memset(body, 'a', size);
    memcpy(body, head, strlen(head));
    memcpy(body + size - 2, "\"}", 2);
    body[size] = '\0';
    return body;
}

static void oversize_body(void)
{
    /* 64 KiB = 65536 bytes is the most a body may have: it gets as far as the members (422 for
     * the unknown "pad"); one byte more is 413 before anything is read. */
    char *body = padded_body(65536);
    refused("POST", "/api/v1/patients", body, 422, "/pad");
    free(body);
    body = padded_body(65537);
    struct test_http_response res =
        api_refused(&W, anna, "POST", "/api/v1/patients", JSON, body, NULL, 413, NULL);
    ASSERT_STR_EQ(api_str(&res, "title"), "Content Too Large");
    test_http_response_free(&res);
    free(body);
}

static void wrong_content_type(void)
{
    const char *body =
        "{\"pnr\":\"19850312-2387\",\"name\":\"Lena Lind\",\"municipality_code\":\"0380\"}";
    const char *types[] = { "text/plain", "application/x-www-form-urlencoded",
                            "application/json; charset=iso-8859-1", "application/jsonx", NULL };
    for (int i = 0; types[i] != NULL; i++) {
        struct test_http_response res =
            api_refused(&W, anna, "POST", "/api/v1/patients", types[i], body, NULL, 415, NULL);
        test_http_response_free(&res);
    }
    /* A body without any Content-Type. */
    struct test_http_response res =
        api_refused(&W, anna, "POST", "/api/v1/patients", NULL, body, NULL, 415, NULL);
    test_http_response_free(&res);
    /* The charset parameter utf-8 is accepted: this one gets as far as the members. */
    res = api_refused(&W, anna, "POST", "/api/v1/patients", "application/json; charset=utf-8",
                      "{\"pnr\":\"19850312-2387\"}", NULL, 422, "/name");
    test_http_response_free(&res);
}

static void conflicts(void)
{
    /* The same person again, written the 10-digit way. */
    refused("POST", "/api/v1/patients",
            "{\"pnr\":\"640823-3234\",\"name\":\"Karl K\",\"municipality_code\":\"0380\"}", 409,
            NULL);
    api_refused_json(&W, &W.client[ACTOR_ADMIN], "POST", "/api/v1/staff",
                     "{\"username\":\"anna\",\"display_name\":\"Anna igen\",\"role\":\"clinician\","
                     "\"unit_code\":\"ARSTA\",\"password\":\"another long password\"}",
                     409, NULL);
    api_refused_json(&W, &W.client[ACTOR_ADMIN], "POST", "/api/v1/units",
                     "{\"code\":\"GOTTSUNDA\",\"name\":\"Gottsunda igen\",\"kind\":\"vardcentral\","
                     "\"municipality_code\":\"0380\"}",
                     409, NULL);
    /* A response to an episode that has ended. */
    refused("POST", "/api/v1/responses",
            api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"gad7\","
                    "\"answers\":[0,0,0,0,0,0,0]}",
                    patient, ended_episode),
            409, "/episode_id");
    refused("PATCH", api_fmt("/api/v1/episodes/%lld", ended_episode),
            "{\"treatment_started_at\":\"2025-02-01T10:00:00+01:00\"}", 409, NULL);
}

static void broken_rules(void)
{
    refused("POST", "/api/v1/episodes",
            api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"referred_at\":"
                    "\"2099-01-01T00:00:00Z\"}",
                    patient),
            422, "/referred_at");
    const char *path = api_fmt("/api/v1/episodes/%lld", episode);
    refused("PATCH", path, "{\"ended_at\":\"2025-03-01T10:00:00+01:00\"}", 422, "/end_reason");
    refused("PATCH", path, "{\"treatment_started_at\":\"2024-12-24T10:00:00+01:00\"}", 422,
            "/treatment_started_at"); /* before the referral */
    refused("PATCH", path, "{\"ended_at\":\"2025-03-01T10:00:00+01:00\",\"end_reason\":\"bored\"}",
            422, "/end_reason");
    refused("PATCH", path, "{}", 422, NULL);
    /* Nothing scored in the episode yet: no recommendation, so no assessment. */
    refused("POST", "/api/v1/assessments",
            api_fmt("{\"episode_id\":%lld,\"chosen_step\":1,\"reason\":\"x\"}", empty_episode), 422,
            NULL);
    refused("POST", "/api/v1/assessments",
            api_fmt("{\"episode_id\":%lld,\"chosen_step\":5}", episode), 422, "/chosen_step");
    /* The contact must be an active clinician of the episode's unit: not bo (ARSTA), not the
     * manager. */
#define contract "{\"contact_staff_id\":%lld,\"goals\":\"Sova\",\"plan\":\"KBT\"}"
    const char *contract_path = api_fmt("/api/v1/contracts/%lld", episode);
    refused("PUT", contract_path, api_fmt(contract, W.staff_id[ACTOR_CLIN_OTHER]), 422,
            "/contact_staff_id");
    refused("PUT", contract_path, api_fmt(contract, W.staff_id[ACTOR_MANAGER]), 422,
            "/contact_staff_id");
#undef contract
    refused("POST", "/api/v1/invitations",
            api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":[\"phq9\"],"
                    "\"expires_in_days\":31}",
                    patient, episode),
            422, "/expires_in_days");
    /* Intervention codes come from data/region.json, like municipality codes. */
    refused("POST", "/api/v1/appointments",
            api_fmt("{\"episode_id\":%lld,\"at\":\"2026-12-01T10:00:00Z\",\"intervention_code\":"
                    "\"nope\"}",
                    episode),
            422, "/intervention_code");
    long long appointment =
        created("/api/v1/appointments",
                api_fmt("{\"episode_id\":%lld,\"at\":\"2026-12-01T10:00:00Z\"}", episode));
    refused("PATCH", api_fmt("/api/v1/appointments/%lld", appointment), "{\"status\":\"done\"}",
            422, "/status");
    refused("POST", "/api/v1/risk-reviews",
            api_fmt("{\"patient_id\":%lld,\"level\":\"extreme\",\"note\":\"x\"}", patient), 422,
            "/level");
    struct test_http_client *eva = &W.client[ACTOR_ADMIN];
    api_refused_json(&W, eva, "POST", "/api/v1/staff",
                     "{\"username\":\"kort\",\"display_name\":\"Kort\",\"role\":\"clinician\","
                     "\"unit_code\":\"ARSTA\",\"password\":\"too short\"}",
                     422, "/password");
    api_refused_json(&W, eva, "POST", "/api/v1/staff",
                     "{\"username\":\"chef\",\"display_name\":\"Chef\",\"role\":\"boss\","
                     "\"unit_code\":\"ARSTA\",\"password\":\"long enough password\"}",
                     422, "/role");
    api_refused_json(&W, eva, "POST", "/api/v1/units",
                     "{\"code\":\"NY\",\"name\":\"Ny\",\"kind\":\"vardcentral\","
                     "\"municipality_code\":\"9999\"}",
                     422, "/municipality_code");
}

int main(void)
{
    api_world_start(&W);
    api_world_login_all(&W);
    anna = &W.client[ACTOR_CLIN];
    prepare();
    RUN_TEST(malformed_json);
    RUN_TEST(duplicate_keys);
    RUN_TEST(wrong_types);
    RUN_TEST(missing_members);
    RUN_TEST(unknown_instrument);
    RUN_TEST(wrong_answer_count);
    RUN_TEST(out_of_range_answers);
    RUN_TEST(invalid_personnummer);
    RUN_TEST(unknown_ids);
    RUN_TEST(method_not_allowed);
    RUN_TEST(oversize_body);
    RUN_TEST(wrong_content_type);
    RUN_TEST(conflicts);
    RUN_TEST(broken_rules);
    api_world_stop(&W);
    TEST_SUMMARY();
}
