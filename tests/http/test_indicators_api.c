/* test_indicators_api.c - GET /api/v1/indicators and /api/v1/indicators.csv on a demo region
 * (`stegvis demo --patients 300 --seed 3 --today 2026-11-24`): the figures equal a direct
 * count on the database, small cells are suppressed, bad queries are 422, clinicians are
 * refused, a login leaves the facts table alone, and a write through the API shows in the next
 * answer without reloading the table. */
#include <string.h>

#include "support/api_fixture.h"
#include "support/testdb.h"
#include "support/support.h"

#define GOTTSUNDA "Gottsunda vårdcentral"
/* Assessed within 3 days (docs/indicators.md) at GOTTSUNDA, counted on the database: assessed
 * episodes with both days whose assessment day (seconds / 86400) lies in [FROM, TO]; the
 * denominator, then the numerator (assessed at most 3 calendar days after referral). Portable
 * SQL (SQLite and PostgreSQL): integer division, day numbers worked out here. */
#define GOTTSUNDA_ASSESSED                                                                         \
    "FROM episode e JOIN unit u ON u.id = e.unit_id WHERE u.code = 'GOTTSUNDA' AND "               \
    "e.assessed_at > 0 AND e.assessed_at / 86400 >= e.referred_at / 86400 AND "                    \
    "e.assessed_at / 86400 BETWEEN %lld AND %lld"

/* Days since 1970-01-01 of "YYYY-MM-DD". */
static long long day_number(const char *date)
{
    long long at = api_epoch(api_fmt("%sT00:00:00Z", date));
    ASSERT_TRUE(at >= 0);
    return at / 86400;
}

static const char *count_sql(const char *from, const char *to)
{
    return api_fmt("SELECT count(*) " GOTTSUNDA_ASSESSED, day_number(from), day_number(to));
}

static const char *within_sql(const char *from, const char *to)
{
    return api_fmt("SELECT coalesce(sum(CASE WHEN e.assessed_at / 86400 - e.referred_at / 86400 "
                   "<= 3 THEN 1 ELSE 0 END), 0) " GOTTSUNDA_ASSESSED,
                   day_number(from), day_number(to));
}

static struct test_server server;
static struct test_http_client analyst, clinician;

static long long db_int(const char *sql)
{
    return testdb_int(server.db_path, sql);
}

/* The cell of `unit` in a one-way by=unit answer, or NULL. */
static json_t *unit_cell(const struct test_http_response *res, const char *unit)
{
    json_t *cells = json_object_get(res->json, "cells");
    size_t i;
    json_t *cell;
    json_array_foreach(cells, i, cell)
    {
        const char *name = json_string_value(api_at(cell, "keys/unit"));
        if (name != NULL && strcmp(name, unit) == 0)
            return cell;
    }
    return NULL;
}

static long long member_int(json_t *obj, const char *key)
{
    json_t *value = json_object_get(obj, key);
    return json_is_integer(value) ? json_integer_value(value) : -1;
}

/* numerator and denominator of GOTTSUNDA from the API and from SQL must agree. */
static void expect_gottsunda_matches(const char *from, const char *to, const char *sql_count,
                                     const char *sql_within)
{
    struct test_http_response res = test_http_get(
        &analyst, api_fmt("/api/v1/indicators?indicator=assessed_within_3_days&by=unit"
                          "&from=%s&to=%s",
                          from, to));
    ASSERT_EQ_INT(res.status, 200);
    json_t *cell = unit_cell(&res, GOTTSUNDA);
    ASSERT_TRUE(cell != NULL);
    ASSERT_EQ_INT(member_int(cell, "denominator"), db_int(sql_count));
    ASSERT_EQ_INT(member_int(cell, "numerator"), db_int(sql_within));
    test_http_response_free(&res);
}

/* One-way by unit: GOTTSUNDA's cell equals the count in the database; the answer carries the
 * definition and funnel data with a summary. */
static void by_unit_matches_sql(void)
{
    expect_gottsunda_matches("2025-11-25", "2026-11-24", count_sql("2025-11-25", "2026-11-24"),
                             within_sql("2025-11-25", "2026-11-24"));
    struct test_http_response res =
        test_http_get(&analyst, "/api/v1/indicators?indicator=assessed_within_3_days&by=unit"
                                "&from=2025-11-25&to=2026-11-24");
    ASSERT_STR_EQ(api_str(&res, "indicator/id"), "assessed_within_3_days");
    ASSERT_STR_EQ(api_str(&res, "indicator/name"), "Bedömda inom 3 dagar");
    ASSERT_STR_EQ(api_dump(&res, "indicator/target"), "1.0");
    ASSERT_EQ_INT(api_int(&res, "min_cell"), 5);
    ASSERT_TRUE(api_str(&res, "funnel/summary") != NULL);
    ASSERT_TRUE(json_array_size(api_at(res.json, "funnel/points")) > 0);
    ASSERT_EQ_INT(json_array_size(api_at(res.json, "cells")), db_int("SELECT count(*) FROM unit"));
    test_http_response_free(&res);
}

/* Unit by age band: many small cells, each hidden with no figures. */
static void small_cells_are_suppressed(void)
{
    struct test_http_response res = test_http_get(
        &analyst, "/api/v1/indicators?indicator=recovery&by=unit,age_band&from=2025-11-25"
                  "&to=2026-11-24");
    ASSERT_EQ_INT(res.status, 200);
    size_t i, hidden = 0;
    json_t *cell;
    json_array_foreach(json_object_get(res.json, "cells"), i, cell)
    {
        if (json_is_true(json_object_get(cell, "suppressed"))) {
            hidden++;
            ASSERT_TRUE(json_object_get(cell, "numerator") == NULL);
            ASSERT_TRUE(json_object_get(cell, "denominator") == NULL);
            ASSERT_STR_EQ(json_string_value(json_object_get(cell, "display")), "<5");
        }
        ASSERT_TRUE(json_is_string(api_at(cell, "keys/age_band")));
    }
    ASSERT_TRUE(hidden > 0);
    test_http_response_free(&res);
}

static void bad_queries_are_422(void)
{
    static const char *const paths[] = {
        "/api/v1/indicators?indicator=nope&by=unit",
        "/api/v1/indicators?indicator=recovery&by=colour",
        "/api/v1/indicators?indicator=recovery&by=unit,unit",
        "/api/v1/indicators?indicator=recovery&from=2026-13-01",
        "/api/v1/indicators?indicator=recovery&from=2026-05-01&to=2026-04-01",
        "/api/v1/indicators.csv?by=unit",
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct test_http_response res = test_http_get(&analyst, paths[i]);
        test_http_expect_problem(&res, 422);
        test_http_response_free(&res);
    }
}

static void clinicians_are_refused(void)
{
    struct test_http_response res =
        test_http_get(&clinician, "/api/v1/indicators?indicator=recovery&by=unit");
    test_http_expect_problem(&res, 403);
    test_http_response_free(&res);
}

/* A header, one row per unit and the total. */
static void csv_has_header_and_rows(void)
{
    struct test_http_response res =
        test_http_get(&analyst, "/api/v1/indicators.csv?indicator=assessed_within_3_days&by=unit"
                                "&from=2025-11-25&to=2026-11-24");
    ASSERT_EQ_INT(res.status, 200);
    ASSERT_CONTAINS(test_http_header(&res, "Content-Type"), "text/csv");
    ASSERT_TRUE(strncmp(res.body, "indicator,unit,numerator,denominator,value,median,suppressed\n",
                        61) == 0);
    long long lines = 0;
    for (const char *p = res.body; *p; p++)
        lines += *p == '\n';
    ASSERT_EQ_INT(lines, db_int("SELECT count(*) FROM unit") + 2);
    ASSERT_CONTAINS(res.body, "assessed_within_3_days,total,");
    test_http_response_free(&res);
}

static long long created_id(struct test_http_response res)
{
    ASSERT_EQ_INT(res.status, 201);
    long long id = api_int(&res, "id");
    test_http_response_free(&res);
    return id;
}

/* meta.facts_version and meta.facts_reloads of an indicator answer. */
static void facts_meta(long long *version, long long *reloads)
{
    struct test_http_response res =
        test_http_get(&analyst, "/api/v1/indicators?indicator=recovery&by=unit");
    ASSERT_EQ_INT(res.status, 200);
    *version = api_int(&res, "meta/facts_version");
    *reloads = api_int(&res, "meta/facts_reloads");
    test_http_response_free(&res);
}

/* Logins (and the sessions and audit rows they write) leave the facts table alone: neither a
 * reload nor an update. Only the start-up load has happened. */
static void a_login_does_not_touch_the_facts(void)
{
    long long version, reloads;
    facts_meta(&version, &reloads);
    ASSERT_EQ_INT(reloads, 1);
    struct test_http_client other;
    test_http_client_init(&other, &server);
    test_http_login(&other, "lars", "demo-analys-2026");
    test_http_login(&other, "anna", "demo-klinik-2026");
    test_http_client_release(&other);
    long long version2, reloads2;
    facts_meta(&version2, &reloads2);
    ASSERT_EQ_INT(version2, version);
    ASSERT_EQ_INT(reloads2, 1);
}

/* A new GOTTSUNDA episode, scored and then assessed through the API, adds one to its unit's
 * denominator in the very next answer. */
static void a_write_changes_the_figure(void)
{
    long long patient =
        db_int("SELECT e.patient_id FROM episode e JOIN unit u ON u.id = e.unit_id WHERE u.code = "
               "'GOTTSUNDA' AND NOT EXISTS (SELECT 1 FROM episode o WHERE o.patient_id = "
               "e.patient_id AND o.ended_at = 0) ORDER BY e.id LIMIT 1");
    ASSERT_TRUE(patient > 0);
    const char *path = "/api/v1/indicators?indicator=assessed_within_3_days&by=unit"
                       "&from=2000-01-01&to=2099-12-31";
    struct test_http_response before = test_http_get(&analyst, path);
    long long denominator = member_int(unit_cell(&before, GOTTSUNDA), "denominator");
    test_http_response_free(&before);
    ASSERT_EQ_INT(denominator, db_int(count_sql("2000-01-01", "2099-12-31")));

    long long episode = created_id(
        test_http_send_json(&clinician, "POST", "/api/v1/episodes",
                            api_fmt("{\"patient_id\":%lld,\"source\":\"clinic\"}", patient)));
    created_id(test_http_send_json(&clinician, "POST", "/api/v1/responses",
                                   api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,"
                                           "\"instrument\":\"phq9\",\"answers\":[2,2,2,2,2,2,2,"
                                           "2,0]}",
                                           patient, episode)));
    /* Not yet assessed: not counted. */
    expect_gottsunda_matches("2000-01-01", "2099-12-31", count_sql("2000-01-01", "2099-12-31"),
                             within_sql("2000-01-01", "2099-12-31"));
    created_id(test_http_send_json(
        &clinician, "POST", "/api/v1/assessments",
        api_fmt("{\"episode_id\":%lld,\"chosen_step\":2,\"reason\":\"Matris\"}", episode)));
    expect_gottsunda_matches("2000-01-01", "2099-12-31", count_sql("2000-01-01", "2099-12-31"),
                             within_sql("2000-01-01", "2099-12-31"));
    ASSERT_EQ_INT(db_int(count_sql("2000-01-01", "2099-12-31")), denominator + 1);
    /* Kept current episode by episode: still only the start-up load. */
    long long version, reloads;
    facts_meta(&version, &reloads);
    ASSERT_EQ_INT(reloads, 1);
    ASSERT_TRUE(version > 1);
}

int main(void)
{
    test_server_init(&server);
    const char *demo[] = { "demo",   "--db", server.db_path, "--patients", "300",
                           "--seed", "3",    "--today",      "2026-11-24", NULL };
    struct test_run run = test_run_stegvis(NULL, demo);
    ASSERT_EQ_INT(run.exit_code, 0);
    test_run_free(&run);
    server.extra_args[0] = "--login-delay-ms";
    server.extra_args[1] = "0";
    test_server_launch(&server);
    test_http_client_init(&analyst, &server);
    test_http_client_init(&clinician, &server);
    test_http_login(&analyst, "lars", "demo-analys-2026");
    test_http_login(&clinician, "anna", "demo-klinik-2026");
    RUN_TEST(by_unit_matches_sql);
    RUN_TEST(small_cells_are_suppressed);
    RUN_TEST(bad_queries_are_422);
    RUN_TEST(clinicians_are_refused);
    RUN_TEST(csv_has_header_and_rows);
    RUN_TEST(a_login_does_not_touch_the_facts);
    RUN_TEST(a_write_changes_the_figure);
    test_http_client_release(&analyst);
    test_http_client_release(&clinician);
    test_server_stop(&server);
    test_server_release(&server);
    TEST_SUMMARY();
}
