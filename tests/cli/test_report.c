/* test_report.c - `stegvis report` on a demo region: the CSV is byte for byte what GET
 * /api/v1/indicators.csv answers for the same query (one formatting path), --unit keeps one
 * unit's row, JSON and HTML carry the same figures, and bad options are usage errors. */
#include <string.h>

#include "support/api_fixture.h"
#include "support/support.h"

#define QUERY_FROM "2025-11-25"
#define QUERY_TO   "2026-11-24"

static struct test_server server;

static char *report(const char *format, const char *extra_option, const char *extra_value)
{
    const char *args[] = { "report",
                           "--db",
                           server.db_path,
                           "--format",
                           format,
                           "--indicator",
                           "assessed_within_3_days",
                           "--from",
                           QUERY_FROM,
                           "--to",
                           QUERY_TO,
                           extra_option,
                           extra_value,
                           NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 0);
    char *out = run.out;
    run.out = NULL;
    test_run_free(&run);
    return out;
}

static void csv_equals_the_api(void)
{
    struct test_http_client analyst;
    test_http_client_init(&analyst, &server);
    test_http_login(&analyst, "lars", "demo-analys-2026");
    struct test_http_response res =
        test_http_get(&analyst, "/api/v1/indicators.csv?indicator=assessed_within_3_days&by=unit"
                                "&from=" QUERY_FROM "&to=" QUERY_TO);
    ASSERT_EQ_INT(res.status, 200);
    char *csv = report("csv", NULL, NULL);
    ASSERT_STR_EQ(csv, res.body);
    /* GOTTSUNDA: 14 of 16 assessed within 3 days (counted on the file in test_indicators_api) */
    ASSERT_CONTAINS(csv, "assessed_within_3_days,\"Gottsunda vårdcentral\",14,16,0.8750,,0\n");
    free(csv);
    test_http_response_free(&res);
    test_http_client_release(&analyst);
}

static void unit_keeps_one_row(void)
{
    char *csv = report("csv", "--unit", "GOTTSUNDA");
    ASSERT_STR_EQ(csv, "indicator,unit,numerator,denominator,value,median,suppressed\n"
                       "assessed_within_3_days,\"Gottsunda vårdcentral\",14,16,0.8750,,0\n"
                       "assessed_within_3_days,total,154,182,0.8462,,0\n");
    free(csv);
}

static void json_and_html_carry_the_figures(void)
{
    char *json = report("json", "--unit", "GOTTSUNDA");
    ASSERT_CONTAINS(json, "\"numerator\":14,\"denominator\":16");
    ASSERT_CONTAINS(json, "\"funnel\":");
    free(json);
    char *html = report("html", "--unit", "GOTTSUNDA");
    ASSERT_CONTAINS(html, "<!DOCTYPE html>");
    ASSERT_CONTAINS(html, "<td>14</td><td>16</td><td>87,5 %</td>");
    free(html);
}

static void bad_options_are_usage_errors(void)
{
    const char *format[] = { "report", "--db", server.db_path, "--format", "pdf", NULL };
    const char *indicator[] = { "report", "--db", server.db_path, "--indicator", "nope", NULL };
    const char *unit[] = { "report", "--db", server.db_path, "--unit", "NOWHERE", NULL };
    const char *const *cases[] = { format, indicator, unit };
    for (int i = 0; i < 3; i++) {
        struct test_run run = test_run_stegvis(NULL, cases[i]);
        ASSERT_EQ_INT(run.exit_code, 2);
        test_run_free(&run);
    }
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
    RUN_TEST(csv_equals_the_api);
    RUN_TEST(unit_keeps_one_row);
    RUN_TEST(json_and_html_carry_the_figures);
    RUN_TEST(bad_options_are_usage_errors);
    test_server_stop(&server);
    test_server_release(&server);
    TEST_SUMMARY();
}
