/* test_web_dash.c - the follow-up pages (/oversikt, /enhet, /jamlikhet, /tillganglighet,
 * /utbildning) over real HTTP on a
 * demo region (`stegvis demo --patients 300 --seed 3 --today 2026-11-24`): who may open them,
 * every unit's figures on /oversikt equal GET /api/v1/indicators for the same query ("<5"
 * where the API says suppressed), the funnel plot has one point per unsuppressed unit, the
 * availability matrix says "saknas" where a municipality lacks an intervention, and the training
 * table's counts equal direct SQL counts on the database. */
#include <string.h>

#include "http/staff_pages.h"
#include "support/support.h"
#include "support/testdb.h"

static struct test_server server;
static struct test_http_client analyst, manager, clinician, nobody;

static const char *const pages[] = { "/oversikt", "/enhet", "/jamlikhet", "/tillganglighet",
                                     "/utbildning" };
static const char *const keys[] = { "assessed_within_3_days", "recovery", "reliable_improvement",
                                    "contract_coverage" };
#define KEYS 4

static void dash_page(const struct test_http_response *res)
{
    expect_html(res, 200);
    ASSERT_NOT_CONTAINS(res->body, ">dash.");
    ASSERT_NOT_CONTAINS(res->body, "\"dash.");
}

static void access(void)
{
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        struct test_http_response res = test_http_get(&analyst, pages[i]);
        dash_page(&res);
        test_http_response_free(&res);
        res = test_http_get(&manager, pages[i]);
        dash_page(&res);
        ASSERT_CONTAINS(res.body, "<a href=\"/oversikt\"");
        test_http_response_free(&res);
        res = test_http_get(&clinician, pages[i]);
        expect_html(&res, 403);
        ASSERT_NOT_CONTAINS(res.body, "href=\"/oversikt\"");
        test_http_response_free(&res);
        res = test_http_get(&nobody, pages[i]);
        ASSERT_EQ_INT(res.status, 303);
        ASSERT_CONTAINS(test_http_header(&res, "Location"), "/login");
        test_http_response_free(&res);
    }
    /* analysts land on the follow-up; managers keep the triage queue */
    struct test_http_response res = test_http_get(&analyst, "/");
    expect_see_other(&res, "/oversikt");
    test_http_response_free(&res);
    res = test_http_get(&manager, "/");
    expect_see_other(&res, "/triage");
    test_http_response_free(&res);
}

/* `display` as the page writes it (html_text escapes < and >). */
static const char *escaped(const char *display)
{
    return strcmp(display, "<5") == 0 ? "&lt;5" : display;
}

/* Every unit's row on /oversikt is the API's display strings, in order. */
static void overview_equals_api(void)
{
    struct test_http_response api[KEYS];
    int suppressed = 0;
    for (int k = 0; k < KEYS; k++) {
        api[k] =
            test_http_get(&analyst, api_fmt("/api/v1/indicators?indicator=%s&by=unit", keys[k]));
        ASSERT_EQ_INT(api[k].status, 200);
    }
    struct test_http_response res = test_http_get(&analyst, "/oversikt");
    dash_page(&res);
    char *table = cut(res.body, "<table class=\"data dash-table\" id=\"units\">", "</table>");
    json_t *cells = json_object_get(api[0].json, "cells");
    ASSERT_TRUE(json_array_size(cells) > 0);
    for (size_t u = 0; u < json_array_size(cells); u++) {
        char row[2048];
        size_t len =
            (size_t)snprintf(row, sizeof(row), "<tr><th scope=\"row\">%s</th>",
                             json_string_value(api_at(json_array_get(cells, u), "keys/unit")));
        for (int k = 0; k < KEYS; k++) {
            json_t *cell = json_array_get(json_object_get(api[k].json, "cells"), u);
            const char *display = json_string_value(json_object_get(cell, "display"));
            ASSERT_TRUE(display != NULL);
            suppressed += json_is_true(json_object_get(cell, "suppressed"));
            if (json_is_true(json_object_get(cell, "suppressed")))
                ASSERT_STR_EQ(display, "<5");
            len += (size_t)snprintf(row + len, sizeof(row) - len, "<td class=\"num\">%s</td>",
                                    escaped(display));
        }
        ASSERT_CONTAINS(table, row);
    }
    /* the region's row is the API's total */
    char total[512];
    size_t len = 0;
    for (int k = 0; k < KEYS; k++)
        len += (size_t)snprintf(total + len, sizeof(total) - len, "<td class=\"num\">%s</td>",
                                escaped(api_str(&api[k], "total/display")));
    ASSERT_CONTAINS(table, total);
    ASSERT_EQ_INT(occurrences(table, "&lt;5"), suppressed);
    free(table);
    /* one point per unit the API plots (not hidden, not empty) in each funnel */
    for (int k = 0; k < KEYS; k++) {
        json_t *points = api_at(api[k].json, "funnel/points");
        if (!json_is_array(points))
            continue;
        int plotted = 0;
        for (size_t i = 0; i < json_array_size(points); i++) {
            const char *pos =
                json_string_value(json_object_get(json_array_get(points, i), "position"));
            plotted += strcmp(pos, "hidden") != 0 && strcmp(pos, "no_data") != 0;
        }
        char *svg = cut(res.body, api_fmt("id=\"funnel-%s-title\"", keys[k]), "</svg>");
        ASSERT_EQ_INT(occurrences(svg, "class=\"dash-funnel-point\""), plotted);
        ASSERT_CONTAINS(svg, "<desc");
        free(svg);
        ASSERT_CONTAINS(res.body, api_str(&api[k], "funnel/summary"));
    }
    ASSERT_CONTAINS(res.body, "id=\"trend-recovery-region-title\"");
    test_http_response_free(&res);
    for (int k = 0; k < KEYS; k++)
        test_http_response_free(&api[k]);
}

/* The manager sees their own unit whatever ?unit= says; the analyst chooses. */
static void unit_page(void)
{
    struct test_http_response res = test_http_get(&manager, "/enhet?unit=ARSTA");
    dash_page(&res);
    ASSERT_CONTAINS(res.body, "<h2>Gottsunda vårdcentral</h2>");
    ASSERT_NOT_CONTAINS(res.body, "<select");
    /* marked in each funnel where its figure is shown */
    ASSERT_TRUE(occurrences(res.body, "dash-funnel-own") >= 1);
    ASSERT_TRUE(occurrences(res.body, "dash-funnel-own") <= occurrences(res.body, "<h3>"));
    test_http_response_free(&res);
    res = test_http_get(&analyst, "/enhet?unit=GOTTSUNDA");
    dash_page(&res);
    ASSERT_CONTAINS(res.body, "<h2>Gottsunda vårdcentral</h2>");
    ASSERT_CONTAINS(res.body, "<option value=\"GOTTSUNDA\" selected>");
    test_http_response_free(&res);
    res = test_http_get(&analyst, "/enhet?unit=NOPE");
    expect_html(&res, 404);
    test_http_response_free(&res);
    res = test_http_get(&analyst, "/oversikt?from=2026-13-01");
    expect_html(&res, 422);
    test_http_response_free(&res);
}

/* The equity tables: "<5" wherever the API hides a cell by age band. */
static void equity_page(void)
{
    struct test_http_response api =
        test_http_get(&analyst, "/api/v1/indicators?indicator=recovery&by=age_band");
    ASSERT_EQ_INT(api.status, 200);
    struct test_http_response res = test_http_get(&analyst, "/jamlikhet");
    dash_page(&res);
    char *table = cut(res.body, "id=\"by-age_band\"", "</table>");
    json_t *cells = json_object_get(api.json, "cells");
    for (size_t i = 0; i < json_array_size(cells); i++) {
        json_t *cell = json_array_get(cells, i);
        if (strcmp(json_string_value(api_at(cell, "keys/age_band")), "unknown") == 0)
            continue; /* the page names it in the reader's language */
        /* recovery is the second column */
        char *row = cut(table,
                        api_fmt("<tr><th scope=\"row\">%s</th>",
                                json_string_value(api_at(cell, "keys/age_band"))),
                        "</tr>");
        char *second = cut(row, "</td>", NULL);
        ASSERT_TRUE(strncmp(second + 5,
                            api_fmt("<td class=\"num\">%s</td>",
                                    escaped(json_string_value(json_object_get(cell, "display")))),
                            strlen(api_fmt("<td class=\"num\">%s</td>",
                                           escaped(json_string_value(
                                               json_object_get(cell, "display")))))) == 0);
        free(second);
        free(row);
    }
    free(table);
    ASSERT_CONTAINS(res.body, "id=\"by-municipality\"");
    ASSERT_CONTAINS(res.body, "id=\"by-listed_unit\"");
    ASSERT_CONTAINS(res.body, "id=\"by-sex\"");
    test_http_response_free(&res);
    test_http_response_free(&api);
}

/* Älvkarleby (0319) has no unit of its own and KBT via nätet offers no group treatment. */
static void availability_page(void)
{
    struct test_http_response res = test_http_get(&analyst, "/tillganglighet");
    dash_page(&res);
    ASSERT_CONTAINS(res.body, "<a href=\"/tillganglighet\" aria-current=\"page\">");
    char *row = cut(res.body, "<tr id=\"offer-grupp\">", "</tr>");
    ASSERT_CONTAINS(row, "<th scope=\"row\">Gruppbehandling</th>");
    ASSERT_CONTAINS(row, "<td class=\"num dash-gap\" data-municipality=\"0319\">saknas</td>");
    /* Uppsala has several units offering it */
    ASSERT_NOT_CONTAINS(row, "data-municipality=\"0380\">saknas");
    free(row);
    /* iKBT is offered everywhere through KBT via nätet */
    row = cut(res.body, "<tr id=\"offer-ikbt\">", "</tr>");
    ASSERT_NOT_CONTAINS(row, "saknas");
    free(row);
    char *gaps = cut(res.body, "<ul class=\"dash-gaps\" id=\"gaps\">", "</ul>");
    char *alv = cut(gaps, "<li>Älvkarleby saknar: ", "</li>");
    ASSERT_CONTAINS(alv, "Gruppbehandling");
    free(alv);
    free(gaps);
    test_http_response_free(&res);
}

struct unit_names {
    int count;
    char code[32][32];
    char name[32][128];
};

static void add_unit(void *context, int columns, const char *const *values)
{
    struct unit_names *units = context;
    ASSERT_TRUE(columns == 2 && units->count < 32);
    snprintf(units->code[units->count], sizeof(units->code[0]), "%s", values[0]);
    snprintf(units->name[units->count], sizeof(units->name[0]), "%s", values[1]);
    units->count++;
}

/* Every unit's row: active staff and those with the basic course, as SQL counts them. */
static void training_page(void)
{
    struct test_http_response res = test_http_get(&manager, "/utbildning");
    dash_page(&res);
    char *table = cut(res.body, "<table class=\"data dash-table\" id=\"training\">", "</table>");
    struct testdb *db = testdb_connect(server.db_path);
    static struct unit_names units;
    testdb_query_rows(db, "SELECT code, name FROM unit ORDER BY id", add_unit, &units);
    long long all_staff = 0, all_done = 0;
    for (int i = 0; i < units.count; i++) {
        const char *code = units.code[i], *name = units.name[i];
        long long staff =
            testdb_query_int(db, api_fmt("SELECT count(*) FROM staff JOIN unit ON unit.id = "
                                         "staff.unit_id WHERE unit.code = '%s' AND "
                                         "staff.active = 1",
                                         code));
        long long done = testdb_query_int(
            db, api_fmt("SELECT count(*) FROM staff JOIN unit ON unit.id = staff.unit_id JOIN "
                        "training ON training.staff_id = staff.id WHERE unit.code = '%s' AND "
                        "staff.active = 1 AND training.course = 'stegvis_grund'",
                        code));
        ASSERT_TRUE(staff > 0);
        all_staff += staff;
        all_done += done;
        ASSERT_CONTAINS(table, api_fmt("<tr data-unit=\"%s\"><th scope=\"row\">%s</th>"
                                       "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
                                       "<td class=\"num\">%lld</td>",
                                       code, name, staff, done, staff - done));
    }
    ASSERT_TRUE(units.count >= 8);
    long long region_staff = testdb_query_int(db, "SELECT count(*) FROM staff WHERE active = 1");
    long long region_done = testdb_query_int(db, "SELECT count(*) FROM staff JOIN training ON "
                                                 "training.staff_id = staff.id WHERE "
                                                 "staff.active = 1 AND training.course = "
                                                 "'stegvis_grund'");
    ASSERT_TRUE(region_staff >= all_staff);
    ASSERT_TRUE(region_done >= all_done);
    ASSERT_CONTAINS(table, api_fmt("<tr class=\"dash-total\"><th scope=\"row\">Regionen</th>"
                                   "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>",
                                   region_staff, region_done));
    testdb_close(db);
    free(table);
    test_http_response_free(&res);
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
    test_http_client_init(&manager, &server);
    test_http_client_init(&clinician, &server);
    test_http_client_init(&nobody, &server);
    test_http_login(&analyst, "lars", "demo-analys-2026");
    test_http_login(&manager, "maria", "demo-chef-2026");
    test_http_login(&clinician, "anna", "demo-klinik-2026");
    RUN_TEST(access);
    RUN_TEST(overview_equals_api);
    RUN_TEST(unit_page);
    RUN_TEST(equity_page);
    RUN_TEST(availability_page);
    RUN_TEST(training_page);
    test_http_client_release(&analyst);
    test_http_client_release(&manager);
    test_http_client_release(&clinician);
    test_http_client_release(&nobody);
    test_server_stop(&server);
    test_server_release(&server);
    TEST_SUMMARY();
}
