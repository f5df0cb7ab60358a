/* test_web_staff.c - the clinicians' pages over real HTTP: the triage queue, the patient page with
 * its charts, emergency access to another unit's patient, the administrator's staff page, a new
 * patient and an invitation through the forms, CSRF, and English.
 *
 * The data is made through the JSON API (api_fixture.h): the pages must show what the API
 * stored. Expected numbers are worked by hand from data/instruments, data/steps.json and the
 * chart geometry in src/http/web/chart.h (viewBox 600 x 264; plot x 44-584, y 12-228); texts
 * are those of po/sv/staff.po and po/en/staff.po. */
#include <time.h>

#include "staff_pages.h"
#include "support/db_fingerprint.h"

#define REFERRED_AT 1767344400LL /* 2026-01-02T10:00:00+01:00 = 2026-01-02T09:00:00Z */
#define REASON      "akut kontakt via 1177"
#define NEW_PASS    "l%C3%A5ngt+l%C3%B6senord+123" /* "långt lösenord 123", URL-encoded */

static struct api_world W;
static struct test_http_client *anna, *bo, *eva, *cecilia;

static struct {
    long long karl, karl_episode, lena, lena_episode;
} F;

static struct test_http_response api_post(const char *path, const char *json)
{
    struct test_http_response res = test_http_send_json(anna, "POST", path, json);
    EXPECT_STATUS(res, 201);
    return res;
}

static long long create(const char *path, const char *json)
{
    struct test_http_response res = api_post(path, json);
    long long id = api_int(&res, "id");
    test_http_response_free(&res);
    return id;
}

static void phq9(long long patient, long long episode, const char *answers, const char *at)
{
    char *body = strdup(api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":"
                                "\"phq9\",\"answers\":%s,\"answered_at\":\"%s\"}",
                                patient, episode, answers, at));
    struct test_http_response res = api_post("/api/v1/responses", body);
    free(body);
    test_http_response_free(&res);
}

/* Karl (Gottsunda): referred 2 Jan 2026; PHQ-9 on days 0, 14 and 28 and one GAD-7.
 *   5 Jan  PHQ-9 1+2+3+0+1+2+3+0+1 = 13, moderate; item 9 = 1 raises the risk flag
 *   19 Jan PHQ-9 1+1+2+1+1+2+2+0+0 = 10, moderate
 *   2 Feb  PHQ-9 1+1+1+0+1+1+1+0+0 = 6, mild: 13 - 6 = 7 >= 6, a reliable improvement
 *   5 Jan  GAD-7 2+2+1+2+1+1+2 = 11, moderate
 * Lena (Gottsunda): referred now, PHQ-9 3*6+2+0+0 = 20, severe, no risk. */
static void prepare(void)
{
    api_world_start(&W);
    api_world_login_all(&W);
    anna = &W.client[ACTOR_CLIN];
    bo = &W.client[ACTOR_CLIN_OTHER];
    eva = &W.client[ACTOR_ADMIN];
    cecilia = &W.client[ACTOR_MANAGER];
    F.karl = create("/api/v1/patients", "{\"pnr\":\"19640823-3234\",\"name\":\"Karl Karlsson\","
                                        "\"municipality_code\":\"0380\"}");
    F.karl_episode = create("/api/v1/episodes",
                            api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"referred_at\":"
                                    "\"2026-01-02T10:00:00+01:00\"}",
                                    F.karl));
    phq9(F.karl, F.karl_episode, "[1,2,3,0,1,2,3,0,1]", "2026-01-05T10:00:00+01:00");
    phq9(F.karl, F.karl_episode, "[1,1,2,1,1,2,2,0,0]", "2026-01-19T10:00:00+01:00");
    phq9(F.karl, F.karl_episode, "[1,1,1,0,1,1,1,0,0]", "2026-02-02T10:00:00+01:00");
    struct test_http_response res =
        api_post("/api/v1/responses",
                 api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"gad7\","
                         "\"answers\":[2,2,1,2,1,1,2],\"answered_at\":"
                         "\"2026-01-05T10:00:00+01:00\"}",
                         F.karl, F.karl_episode));
    test_http_response_free(&res);
    F.lena = create("/api/v1/patients", "{\"pnr\":\"198503122387\",\"name\":\"Lena Lind\","
                                        "\"municipality_code\":\"0380\"}");
    F.lena_episode =
        create("/api/v1/episodes", api_fmt("{\"patient_id\":%lld,\"source\":\"clinic\"}", F.lena));
    res = api_post("/api/v1/responses",
                   api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"phq9\","
                           "\"answers\":[3,3,3,3,3,3,2,0,0]}",
                           F.lena, F.lena_episode));
    test_http_response_free(&res);
}

/* Risk first although Lena's severity (4, PHQ-9 20) is above Karl's (2: PHQ-9 13 and 10, GAD-7
 * 11 are moderate; the highest band of the episode counts). Severity in words and colour. */
static void triage_lists_risk_first(void)
{
    long long t0 = time(NULL);
    struct test_http_response res = page(anna, "/triage", 200);
    long long t1 = time(NULL);
    ASSERT_CONTAINS(res.body, "<h1>Triagekö</h1>");
    const char *karl_link = api_fmt("<a href=\"/patienter/%lld\">Karl Karlsson</a>", F.karl);
    const char *lena_link = api_fmt("<a href=\"/patienter/%lld\">Lena Lind</a>", F.lena);
    ASSERT_TRUE(position(res.body, karl_link) < position(res.body, lena_link));
    char *karl_row = cut(res.body, "<tr class=\"row-risk\">", "</tr>");
    ASSERT_CONTAINS(karl_row, karl_link);
    ASSERT_CONTAINS(karl_row, "<span class=\"badge badge-risk\">Risk: självmordstankar</span>");
    ASSERT_CONTAINS(karl_row, "<span class=\"band band-2\">Måttlig</span>");
    ASSERT_CONTAINS(karl_row, "<td>Egen kontakt</td>");
    /* whole days since 2026-01-02T09:00Z at the moment the page was made */
    const char *days0 = api_fmt("<td class=\"num\">%lld</td>", (t0 - REFERRED_AT) / 86400);
    const char *days1 = api_fmt("<td class=\"num\">%lld</td>", (t1 - REFERRED_AT) / 86400);
    ASSERT_TRUE(strstr(karl_row, days0) != NULL || strstr(karl_row, days1) != NULL);
    ASSERT_CONTAINS(karl_row,
                    api_fmt("href=\"/episoder/%lld/bedomning\">Bedöm</a>", F.karl_episode));
    free(karl_row);
    char *lena_row = cut(res.body, lena_link, "</tr>");
    ASSERT_CONTAINS(lena_row, "<span class=\"band band-4\">Svår</span>");
    ASSERT_NOT_CONTAINS(lena_row, "badge-risk");
    ASSERT_CONTAINS(lena_row, "<td class=\"num\">0</td>"); /* referred today */
    free(lena_row);
    test_http_response_free(&res);
    /* one audit row for the queue, as the API's GET /triage writes */
    ASSERT_EQ_INT(
        testdb_int(W.server.db_path, "SELECT count(*) FROM audit WHERE action = 'triage.read'"), 1);
}

/* Above the fold: the risk badge and the latest score per instrument with its band. */
static void patient_page_summary(void)
{
    struct test_http_response res = page(anna, api_fmt("/patienter/%lld", F.karl), 200);
    ASSERT_CONTAINS(res.body, "<h1>Karl Karlsson</h1>");
    ASSERT_CONTAINS(res.body, "<span class=\"pnr\">19640823-3234</span>");
    ASSERT_CONTAINS(res.body, "<span class=\"badge badge-risk\">Risk: självmordstankar</span>");
    ASSERT_NOT_CONTAINS(res.body, "id=\"emergency-access\"");
    char *latest = cut(res.body, "id=\"latest-scores\"", "</table>");
    ASSERT_CONTAINS(latest, "<th scope=\"row\">PHQ-9</th><td class=\"num\">6</td><td><span "
                            "class=\"band band-1\">Lindrig</span></td>");
    ASSERT_CONTAINS(latest, "<th scope=\"row\">GAD-7</th><td class=\"num\">11</td><td><span "
                            "class=\"band band-2\">Måttlig</span></td>");
    free(latest);
    /* no step chosen, no contract yet */
    char *plan = cut(res.body, "id=\"care-plan\"", "</dl>");
    ASSERT_CONTAINS(plan, "<dt>Steg</dt><dd>Inte angivet</dd>");
    ASSERT_CONTAINS(plan, "<dt>Fast vårdkontakt</dt><dd>Inte angivet</dd>");
    free(plan);
    ASSERT_CONTAINS(res.body, api_fmt("href=\"/episoder/%lld/bedomning\"", F.karl_episode));
    test_http_response_free(&res);
}

/* PHQ-9: y(t) = 12 + 216 * (27 - t) / 27, 8 units a point; x by date over 28 days from 44 to
 * 584. GAD-7 (0-21): y(t) = 12 + 216 * (21 - t) / 21; one score, so x is the middle, 314. */
static void patient_page_charts(void)
{
    struct test_http_response res = page(anna, api_fmt("/patienter/%lld", F.karl), 200);
    ASSERT_EQ_INT(occurrences(res.body, "<svg"), 2); /* PHQ-9 and GAD-7 */
    char *chart = cut(res.body, "id=\"diagram-phq9\"", "</figure>");
    ASSERT_CONTAINS(chart, "viewBox=\"0 0 600 264\"");
    ASSERT_CONTAINS(chart, "<title id=\"chart-phq9-title\">PHQ-9 över tid</title>");
    ASSERT_CONTAINS(chart, "<desc id=\"chart-phq9-desc\">Antal skattningar: 3. Senaste: 6 "
                           "(Lindrig), 2 feb 2026. Den streckade linjen är gränsen för klinisk "
                           "nivå.</desc>");
    ASSERT_EQ_INT(occurrences(chart, "<circle"), 3);
    /* caseness 10: y = 12 + 216 * 17 / 27 = 148 */
    ASSERT_CONTAINS(chart, "<line class=\"chart-caseness\" stroke-dasharray=\"6 4\" x1=\"44\" "
                           "y1=\"148.0\" x2=\"584\" y2=\"148.0\">");
    /* moderate 10-14: from y(15) = 12 + 216 * 12 / 27 = 108 down to y(10) = 148 */
    ASSERT_CONTAINS(chart, "<rect class=\"chart-band-2\" x=\"44\" y=\"108.0\" width=\"540\" "
                           "height=\"40.0\"><title>Måttlig 10–14</title></rect>");
    /* 13 on day 0: y = 12 + 216 * 14 / 27 = 124; 10 on day 14: x = 44 + 540 / 2 = 314 */
    ASSERT_CONTAINS(chart, "<circle class=\"chart-point\" cx=\"44.0\" cy=\"124.0\" r=\"4\">");
    ASSERT_CONTAINS(chart, "<circle class=\"chart-point\" cx=\"314.0\" cy=\"148.0\" r=\"4\">");
    /* 6 on day 28, 7 below the first (>= 6): reliable, larger and named */
    ASSERT_EQ_INT(occurrences(chart, "chart-point-reliable"), 1);
    ASSERT_CONTAINS(chart, "<circle class=\"chart-point chart-point-reliable\" cx=\"584.0\" "
                           "cy=\"180.0\" r=\"7\"><title>2 feb 2026: 6 (Lindrig) – Tillförlitlig "
                           "förbättring</title></circle>");
    ASSERT_CONTAINS(chart, "points=\"44.0,124.0 314.0,148.0 584.0,180.0\"");
    /* the same numbers in the table beside the chart */
    ASSERT_CONTAINS(chart, "<td class=\"num\">-3</td><td>Ingen tillförlitlig förändring</td>");
    ASSERT_CONTAINS(chart, "<td class=\"num\">-7</td><td>Tillförlitlig förbättring</td>");
    free(chart);
    chart = cut(res.body, "id=\"diagram-gad7\"", "</figure>");
    ASSERT_EQ_INT(occurrences(chart, "<circle"), 1);
    /* 11: y = 12 + 216 * 10 / 21 = 114.857; caseness 8: 12 + 216 * 13 / 21 = 145.714 */
    ASSERT_CONTAINS(chart, "<circle class=\"chart-point\" cx=\"314.0\" cy=\"114.9\" r=\"4\">");
    ASSERT_CONTAINS(chart, "x1=\"44\" y1=\"145.7\" x2=\"584\" y2=\"145.7\"");
    ASSERT_NOT_CONTAINS(chart, "chart-point-reliable");
    free(chart);
    test_http_response_free(&res);
}

static const char *last_audit(const char *path)
{
    struct test_http_response res =
        test_http_get(eva, api_fmt("/api/v1/audit?patient_id=%lld", F.karl));
    EXPECT_STATUS(res, 200);
    const char *out = api_fmt("%s", api_dump(&res, api_fmt("audit/0/%s", path)));
    test_http_response_free(&res);
    return out;
}

/* Bo works at Årsta, where Karl has no episode: a page of its own asks for the reason; with one
 * (at least 5 characters) the record opens under a banner, and the audit row is flagged. */
static void emergency_access(void)
{
    const char *rows = api_fmt("SELECT count(*) FROM audit WHERE patient_id = %lld", F.karl);
    long long before = testdb_int(W.server.db_path, rows);
    struct test_http_response res = page(bo, api_fmt("/patienter/%lld", F.karl), 403);
    ASSERT_CONTAINS(res.body, "<h1>Nödåtkomst till journal</h1>");
    ASSERT_CONTAINS(res.body, api_fmt("<form method=\"get\" id=\"access-reason-form\" "
                                      "action=\"/patienter/%lld\">",
                                      F.karl));
    ASSERT_CONTAINS(res.body, "name=\"access_reason\"");
    ASSERT_NOT_CONTAINS(res.body, "Karl");
    test_http_response_free(&res);
    res = page(bo, api_fmt("/patienter/%lld?access_reason=akut", F.karl), 403);
    ASSERT_CONTAINS(res.body, "Skriv ett skäl på minst 5 tecken.");
    ASSERT_NOT_CONTAINS(res.body, "Karl");
    test_http_response_free(&res);
    ASSERT_EQ_INT(testdb_int(W.server.db_path, rows), before); /* nothing read, nothing logged */

    res = page(bo, api_fmt("/patienter/%lld?access_reason=akut+kontakt+via+1177", F.karl), 200);
    ASSERT_CONTAINS(res.body, "<h1>Karl Karlsson</h1>");
    char *banner = cut(res.body, "<div class=\"banner-warning\" id=\"emergency-access\"", "</div>");
    ASSERT_CONTAINS(banner, "Din åtkomst loggas och granskas.");
    ASSERT_CONTAINS(banner, "Angivet skäl: " REASON);
    free(banner);
    /* links within the record keep the reason */
    ASSERT_CONTAINS(res.body, api_fmt("href=\"/episoder/%lld/bedomning?access_reason=akut%%20"
                                      "kontakt%%20via%%201177\"",
                                      F.karl_episode));
    test_http_response_free(&res);
    ASSERT_STR_EQ(last_audit("action"), "\"patient.read\"");
    ASSERT_STR_EQ(last_audit("actor"), "\"bo\"");
    ASSERT_STR_EQ(last_audit("emergency"), "true");
    ASSERT_STR_EQ(last_audit("detail"), "\"emergency access: " REASON "\"");

    res = page(bo,
               api_fmt("/episoder/%lld/bedomning?access_reason=akut%%20kontakt%%20via%%201177",
                       F.karl_episode),
               200);
    ASSERT_CONTAINS(res.body, "id=\"emergency-access\"");
    test_http_response_free(&res);
    ASSERT_STR_EQ(last_audit("action"), "\"assessment.list\"");
    ASSERT_STR_EQ(last_audit("emergency"), "true");
}

/* The administrator creates a clinician through the form: the API's checks and audit row. */
static void admin_creates_clinician(void)
{
    struct test_http_response res = page(anna, "/admin/personal", 403); /* not an admin */
    test_http_response_free(&res);
    res = page(eva, "/admin/personal", 200);
    ASSERT_CONTAINS(res.body, "<h1>Personal</h1>");
    ASSERT_CONTAINS(res.body, "<option value=\"GOTTSUNDA\">Gottsunda vårdcentral</option>");
    ASSERT_CONTAINS(res.body, "<td>anna</td>");
    test_http_response_free(&res);

    const char *count = "SELECT count(*) FROM staff";
    long long staff = testdb_int(W.server.db_path, count);
    res = post_form(eva, "/admin/personal",
                    "username=frida2&display_name=Frida+Falk&role=clinician&unit_code=GOTTSUNDA"
                    "&password=kort");
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "Lösenordet ska ha minst 10 tecken.");
    ASSERT_CONTAINS(res.body, "name=\"username\" value=\"frida2\"");
    test_http_response_free(&res);
    ASSERT_EQ_INT(testdb_int(W.server.db_path, count), staff);

    res = post_form(eva, "/admin/personal",
                    "username=frida&display_name=Frida+Falk&role=clinician&unit_code=GOTTSUNDA"
                    "&password=" NEW_PASS);
    expect_see_other(&res, "/admin/personal?skapad=frida");
    test_http_response_free(&res);
    ASSERT_EQ_INT(testdb_int(W.server.db_path, count), staff + 1);
    res = page(eva, "/admin/personal?skapad=frida", 200);
    ASSERT_CONTAINS(res.body, "Kontot frida är skapat.");
    ASSERT_CONTAINS(res.body, "<td>frida</td><td>Frida Falk</td><td>Behandlare</td><td>Gottsunda "
                              "vårdcentral</td>");
    test_http_response_free(&res);
    ASSERT_EQ_INT(testdb_int(W.server.db_path, "SELECT count(*) FROM audit WHERE action = "
                                               "'staff.create' AND detail LIKE '%frida,%'"),
                  1);
    /* the new account works */
    struct test_http_client frida;
    test_http_client_init(&frida, &W.server);
    test_http_login(&frida, "frida", "långt lösenord 123");
    test_http_client_release(&frida);
}

/* A clinician registers a patient (and the first episode) and sends an invitation. */
static void new_patient_and_invitation(void)
{
    char dashed[14], digits[13];
    api_pnr(42, dashed, digits);
    struct test_http_response res = page(anna, "/patienter/ny", 200);
    ASSERT_CONTAINS(res.body, "name=\"municipality_code\" value=\"0380\""); /* Gottsunda's */
    test_http_response_free(&res);

    res = post_form(anna, "/patienter/ny",
                    "pnr=19700101-0000&name=Nils+Nilsson&municipality_code=0380&source=self");
    expect_html(&res, 422);
    ASSERT_CONTAINS(res.body, "Personnumret är inte giltigt. Kontrollera siffrorna.");
    ASSERT_CONTAINS(res.body, "name=\"name\" value=\"Nils Nilsson\"");
    test_http_response_free(&res);

    res = post_form(anna, "/patienter/ny",
                    api_fmt("pnr=%s&name=Nils+Nilsson&municipality_code=0380&contact=070-111"
                            "&source=self&problem=Sover+d%%C3%%A5ligt",
                            dashed));
    long long id =
        testdb_int(W.server.db_path, api_fmt("SELECT id FROM patient WHERE pnr = '%s'", digits));
    expect_see_other(&res, api_fmt("/patienter/%lld", id));
    test_http_response_free(&res);
    long long episode =
        testdb_int(W.server.db_path,
                   api_fmt("SELECT id FROM episode WHERE patient_id = %lld AND source = 'self' AND "
                           "problem = 'Sover dåligt' AND unit_id = %lld",
                           id, W.unit_gottsunda));

    res = page(anna, api_fmt("/patienter/%lld", id), 200);
    ASSERT_CONTAINS(res.body, api_fmt("action=\"/episoder/%lld/inbjudan\"", episode));
    ASSERT_CONTAINS(res.body, "<input type=\"checkbox\" name=\"instruments\" id=\"f-inv-phq9\" "
                              "value=\"phq9\" checked>");
    test_http_response_free(&res);

    res = post_form(anna, api_fmt("/episoder/%lld/inbjudan", episode),
                    "instruments=phq9&instruments=gad7");
    expect_html(&res, 200);
    ASSERT_CONTAINS(res.body, "sms eller via 1177");
    char *link = cut(res.body, "<a id=\"invitation-link\" href=\"/i/", "\"");
    const char *token = link + strlen("<a id=\"invitation-link\" href=\"/i/");
    ASSERT_EQ_INT(strlen(token), 64);
    struct test_http_response inv =
        test_http_get(&W.anonymous, api_fmt("/api/v1/invitations/%s", token));
    EXPECT_STATUS(inv, 200);
    ASSERT_STR_EQ(api_str(&inv, "instruments/0/id"), "phq9");
    ASSERT_STR_EQ(api_str(&inv, "instruments/1/id"), "gad7");
    test_http_response_free(&inv);
    free(link);
    test_http_response_free(&res);
}

/* A form without the session's token changes nothing. */
static void csrf_missing(void)
{
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    struct test_http_response res =
        test_http_request(anna, "POST", "/patienter/ny", FORM_TYPE,
                          "pnr=19640823-3234&name=X&municipality_code=0380", NULL);
    expect_html(&res, 403);
    test_http_response_free(&res);
    res = test_http_request(anna, "POST", api_fmt("/episoder/%lld/avsluta", F.karl_episode),
                            FORM_TYPE, "csrf=0000&end_reason=completed", NULL);
    expect_html(&res, 403);
    test_http_response_free(&res);
    test_db_fingerprint(W.server.db_path, after, sizeof(after));
    ASSERT_STR_EQ(after, before);
}

/* The manager's triage in English (the lang cookie): the same rows, English words, no forms. */
static void english_page(void)
{
    struct test_http_response res = test_http_get(cecilia, "/lang?to=en&back=%2Ftriage");
    expect_see_other(&res, "/triage");
    test_http_response_free(&res);
    res = page(cecilia, "/triage", 200);
    ASSERT_CONTAINS(res.body, "<html lang=\"en\">");
    ASSERT_CONTAINS(res.body, "<h1>Triage queue</h1>");
    ASSERT_CONTAINS(res.body, "<span class=\"badge badge-risk\">Risk: suicidal thoughts</span>");
    ASSERT_CONTAINS(res.body, "<span class=\"band band-2\">Moderate</span>");
    ASSERT_CONTAINS(res.body, "<span class=\"band band-4\">Severe</span>");
    ASSERT_NOT_CONTAINS(res.body, "class=\"button\" href=\"/patienter/ny\""); /* no changes */
    test_http_response_free(&res);
}

int main(void)
{
    RUN_TEST(prepare);
    RUN_TEST(triage_lists_risk_first);
    RUN_TEST(patient_page_summary);
    RUN_TEST(patient_page_charts);
    RUN_TEST(emergency_access);
    RUN_TEST(admin_creates_clinician);
    RUN_TEST(new_patient_and_invitation);
    RUN_TEST(csrf_missing);
    RUN_TEST(english_page);
    api_world_stop(&W);
    TEST_SUMMARY();
}
