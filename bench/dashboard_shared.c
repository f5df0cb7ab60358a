/* dashboard_shared.c - see dashboard_shared.h. */
#include "dashboard_shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "data/indicator_report.h"
#include "harness.h"

#define LOGIN_BODY "{\"username\":\"lars\",\"password\":\"demo-analys-2026\"}"

/* The SQL is written once for both engines: integer arithmetic only (days are seconds / 86400;
 * months come from the day numbers by the civil-from-days algorithm, as no date function is
 * common to both), counts as sum(CASE ...) (PostgreSQL sums no booleans), $1/$2 parameters, and
 * caseness as data/instruments/phq9.json and gad7.json define it (no sex-specific cut-offs). */
#define DAY(col)       "(" col " / 86400)"
#define COUNT_IF(x)    "sum(CASE WHEN " x " THEN 1 ELSE 0 END)"
#define WAIT_DAYS      DAY("assessed_at") " - " DAY("referred_at")
#define WAIT_KNOWN     "referred_at > 0 AND assessed_at > 0 AND " WAIT_DAYS " >= 0"
#define IN_PERIOD(col) col " >= $1 * 86400 AND " col " < ($2 + 1) * 86400"
#define FIRST_LAST(dir)                                                                            \
    "(SELECT x.total FROM response x WHERE x.episode_id = r.episode_id AND x.instrument = "        \
    "r.instrument AND x.total >= 0 ORDER BY x.answered_at " dir ", x.id " dir " LIMIT 1)"

/* clang-format off */
const struct dash_query dash_queries[] = {
    { "assessed within 3 days by unit", INDICATOR_ASSESSED_WITHIN_3_DAYS, INDICATOR_BY_UNIT,
      "SELECT unit_id, count(*), " COUNT_IF(WAIT_DAYS " <= 3") " FROM episode"
      " WHERE " WAIT_KNOWN " AND " IN_PERIOD("assessed_at") " GROUP BY unit_id" },
    { "days to assessment by unit (mean)", INDICATOR_DAYS_TO_ASSESSMENT, INDICATOR_BY_UNIT,
      "SELECT unit_id, count(*), sum(" WAIT_DAYS ") FROM episode"
      " WHERE " WAIT_KNOWN " AND " IN_PERIOD("assessed_at") " GROUP BY unit_id" },
    { "complete care contract by unit", INDICATOR_CONTRACT_COVERAGE, INDICATOR_BY_UNIT,
      "SELECT e.unit_id, count(*), "
      COUNT_IF("c.contact_staff_id IS NOT NULL AND c.next_contact_at > 0 AND c.goals <> ''")
      " FROM episode e LEFT JOIN contract c ON c.episode_id = e.id"
      " WHERE e.assessed_at > 0 AND " IN_PERIOD("e.assessed_at") " GROUP BY e.unit_id" },
    { "stepped up by unit", INDICATOR_STEP_UPS, INDICATOR_BY_UNIT,
      "SELECT e.unit_id, count(*), "
      COUNT_IF("EXISTS (SELECT 1 FROM assessment a JOIN assessment b ON b.episode_id ="
               " a.episode_id AND (b.at > a.at OR (b.at = a.at AND b.id > a.id)) AND"
               " b.chosen_step > a.chosen_step WHERE a.episode_id = e.id)")
      " FROM episode e WHERE e.ended_at > 0 AND e.treatment_started_at > 0"
      " AND " IN_PERIOD("e.ended_at") " GROUP BY e.unit_id" },
    { "recovery by unit", INDICATOR_RECOVERY, INDICATOR_BY_UNIT,
      "WITH ended AS (SELECT id, unit_id FROM episode WHERE ended_at > 0"
      " AND " IN_PERIOD("ended_at") " AND (SELECT count(*) FROM appointment a"
      " WHERE a.episode_id = episode.id AND a.status = 'attended') >= 2),"
      " sc AS MATERIALIZED (SELECT r.episode_id AS id, r.instrument AS ins, count(*) AS n, "
      FIRST_LAST("ASC") " AS f, " FIRST_LAST("DESC") " AS l FROM response r"
      " WHERE r.total >= 0 AND r.instrument IN ('phq9', 'gad7')"
      " AND r.episode_id IN (SELECT id FROM ended) GROUP BY r.episode_id, r.instrument)"
      " SELECT e.unit_id, count(*), " COUNT_IF("p.l < 10 AND g.l < 8") " FROM ended e"
      " JOIN sc p ON p.id = e.id AND p.ins = 'phq9' AND p.n >= 2"
      " JOIN sc g ON g.id = e.id AND g.ins = 'gad7' AND g.n >= 2"
      " WHERE p.f >= 10 OR g.f >= 8 GROUP BY e.unit_id" },
    /* YYYYMM of the day: z = days since 0000-03-01, era = 400-year cycle, yoe = year of era,
     * mp = month counted from March. */
    { "assessed within 3 days by month", INDICATOR_ASSESSED_WITHIN_3_DAYS, INDICATOR_BY_MONTH,
      "WITH w AS (SELECT " WAIT_DAYS " AS waited, " DAY("assessed_at") " + 719468 AS z"
      " FROM episode WHERE " WAIT_KNOWN " AND " IN_PERIOD("assessed_at") "),"
      " c AS (SELECT waited, z / 146097 AS era, z - z / 146097 * 146097 AS doe FROM w),"
      " y AS (SELECT waited, era, doe,"
      " (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365 AS yoe FROM c),"
      " m AS (SELECT waited, era * 400 + yoe AS yy,"
      " (5 * (doe - (365 * yoe + yoe / 4 - yoe / 100)) + 2) / 153 AS mp FROM y)"
      " SELECT (yy + CASE WHEN mp >= 10 THEN 1 ELSE 0 END) * 100"
      " + mp + CASE WHEN mp < 10 THEN 3 ELSE -9 END, count(*), " COUNT_IF("waited <= 3")
      " FROM m GROUP BY 1" },
};
/* clang-format on */
const int dash_query_count = (int)(sizeof(dash_queries) / sizeof(dash_queries[0]));

int dash_time_c(const struct indicator_facts *facts, const struct dash_query *q, long from, long to,
                struct dash_timing *t)
{
    struct indicator_query query = { q->id, q->by, INDICATOR_BY_NONE, from, to };
    double runs[DASH_C_ROUNDS];
    for (int i = 0; i < DASH_C_ROUNDS; i++) {
        struct indicator_result r;
        double t0 = bench_now();
        if (indicator_report_compute(facts, &query, &r, NULL) != ERR_OK)
            return -1;
        runs[i] = bench_now() - t0;
        indicator_result_release(&r);
    }
    qsort(runs, DASH_C_ROUNDS, sizeof(double), bench_double_cmp);
    t->c_best = runs[0];
    t->c_median = runs[DASH_C_ROUNDS / 2];
    struct indicator_result r;
    if (indicator_compute(facts, q->id, q->by, INDICATOR_BY_NONE, from, to, &r, NULL) != ERR_OK)
        return -1;
    t->c_den = r.total.denominator;
    t->c_num = r.total.numerator;
    indicator_result_release(&r);
    return 0;
}

void dash_api_path(const struct dash_query *q, long from, long to, char *out, size_t cap)
{
    char from_text[11], to_text[11];
    date_format(date_from_days(from), from_text);
    date_format(date_from_days(to), to_text);
    snprintf(out, cap, "/api/v1/indicators?indicator=%s&by=%s&from=%s&to=%s",
             indicator_def(q->id)->code, indicator_dim_name(q->by), from_text, to_text);
}

static size_t count_body(char *data, size_t size, size_t n, void *user)
{
    (void)data;
    *(size_t *)user += size * n;
    return size * n;
}

/* One request; the answer must be 200. Returns the body's size, or 0 on failure. */
static size_t http_do(CURL *curl, const char *url, const char *body)
{
    size_t bytes = 0;
    long status = 0;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (body != NULL)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, count_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &bytes);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "bench: %s: %s, HTTP %ld\n", url, curl_easy_strerror(rc), status);
        return 0;
    }
    return bytes > 0 ? bytes : 1;
}

CURL *dash_http_login(int port)
{
    char url[128];
    CURL *curl = curl_easy_init();
    if (curl == NULL)
        return NULL;
    curl_easy_setopt(curl, CURLOPT_COOKIEFILE, ""); /* an in-memory cookie jar */
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 300L);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v1/login", port);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    size_t ok = http_do(curl, url, LOGIN_BODY);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    if (ok == 0) {
        curl_easy_cleanup(curl);
        return NULL;
    }
    return curl;
}

int dash_http_time(CURL *curl, int port, const char *path, double *median, double *p95,
                   size_t *bytes)
{
    char url[512];
    double runs[DASH_HTTP_RUNS];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
    for (int i = 0; i < DASH_HTTP_WARM; i++)
        if (http_do(curl, url, NULL) == 0)
            return -1;
    for (int i = 0; i < DASH_HTTP_RUNS; i++) {
        double t0 = bench_now();
        *bytes = http_do(curl, url, NULL);
        runs[i] = bench_now() - t0;
        if (*bytes == 0)
            return -1;
    }
    qsort(runs, DASH_HTTP_RUNS, sizeof(double), bench_double_cmp);
    *median = (runs[(DASH_HTTP_RUNS - 1) / 2] + runs[DASH_HTTP_RUNS / 2]) / 2;
    *p95 = runs[(DASH_HTTP_RUNS * 95 + 99) / 100 - 1];
    return 0;
}
