/* dashboard_shared.h - what bench_dashboard (SQLite) and bench_postgres share about the region
 * dashboard: the indicator set as SQL GROUP BY queries in ONE portable text that runs unchanged
 * on SQLite and on PostgreSQL, the same set through indicator_report_compute() on a facts table
 * (the server's path), and timed HTTP requests to a real server logged in as the demo analyst.
 * Prints nothing of its own; figures only, never a pass or a fail. */
#ifndef STEGVIS_BENCH_DASHBOARD_SHARED_H
#define STEGVIS_BENCH_DASHBOARD_SHARED_H

#include <curl/curl.h>
#include <stddef.h>

#include "core/indicator.h"

#define DASH_C_ROUNDS  5
#define DASH_HTTP_WARM 3
#define DASH_HTTP_RUNS 20

/* One indicator of the set. `sql` takes $1 (from day) and $2 (to day), days since 1970, and
 * answers rows of (group key, denominator, numerator); both engines bind $1 and $2 by name. */
struct dash_query {
    const char *label;
    enum indicator_id id;
    enum indicator_dim by;
    const char *sql;
};

extern const struct dash_query dash_queries[];
extern const int dash_query_count;

/* Timings of one indicator: the C side (best and median of DASH_C_ROUNDS) and the SQL side
 * (best), with the unsuppressed totals of both so that the two can be compared. */
struct dash_timing {
    double c_best, c_median, sql_best;
    long c_den, c_num, sql_den, sql_num;
};

/* The C side of `q` over days [from, to] on `facts` into t->c_*. 0 or -1. */
int dash_time_c(const struct indicator_facts *facts, const struct dash_query *q, long from, long to,
                struct dash_timing *t);

/* The API path of `q` over days [from, to]:
 * "/api/v1/indicators?indicator=CODE&by=DIM&from=YYYY-MM-DD&to=YYYY-MM-DD". */
void dash_api_path(const struct dash_query *q, long from, long to, char *out, size_t cap);

/* A libcurl handle with a session of the demo analyst on the server at `port`, or NULL (a
 * message is printed). curl_easy_cleanup() it. */
CURL *dash_http_login(int port);

/* DASH_HTTP_WARM warm-up GETs of `path`, then the median and p95 (nearest rank) in seconds of
 * DASH_HTTP_RUNS and the body's size. Every answer must be 200. 0 or -1. */
int dash_http_time(CURL *curl, int port, const char *path, double *median, double *p95,
                   size_t *bytes);

#endif
