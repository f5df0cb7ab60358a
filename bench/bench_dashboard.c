/* bench_dashboard.c - the region dashboard's indicators on real demo databases: the in-memory
 * facts table (what the server does) against the same figures as SQL GROUP BY queries on the
 * same SQLite file (what a dashboard without the table would do).
 *
 * For each size N (patients; STEGVIS_BENCH_SIZES="20000,200000" by default, with
 * STEGVIS_BENCH_FULL=1 also 1000000) the demo region (`stegvis demo --patients N --seed 1
 * --today 2026-11-24`) is generated once into bench-cache/demo-N.db next to this program and
 * reused afterwards. Then, in one run: start-up (store_facts_load() time and resident memory),
 * the dashboard set warm through indicator_report_compute() (the API's path: compute and
 * suppress; best and median of 5), and the same set as SQL on the file (best of 3; the
 * portable SQL of bench/dashboard_shared.c, which bench_postgres runs on PostgreSQL). The totals
 * of both are compared, so the two sides count the same thing. Then the real server
 * (`stegvis serve` on the same file, loopback) is started, logged in as the demo analyst, and
 * GET /oversikt (the dashboard page) and GET /api/v1/indicators (recovery by unit) are timed
 * through libcurl (median and p95 of 20 after 3 warm-up requests). The table is printed and
 * appended to bench/results.md with the machine. Prints figures only; nothing here is a test. */
#include <curl/curl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "core/indicator.h"
#include "data/datafiles.h"
#include "dashboard_shared.h"
#include "data/indicator_report.h"
#include "harness.h"
#include "store/store.h"

#define TODAY      BENCH_TODAY
#define SQL_ROUNDS 3
#define API_PATH   "/api/v1/indicators?indicator=recovery&by=unit"

static double resident_mb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
    fclose(f);
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static int time_sql(sqlite3 *db, const struct dash_query *q, long from, long to,
                    struct dash_timing *t)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, q->sql, -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_dashboard: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    t->sql_best = 1e9;
    for (int i = 0; i < SQL_ROUNDS; i++) {
        long den = 0, num = 0;
        double t0 = bench_now();
        sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, "$1"), from);
        sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, "$2"), to);
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            den += (long)sqlite3_column_int64(stmt, 1);
            num += (long)sqlite3_column_int64(stmt, 2);
        }
        sqlite3_reset(stmt);
        double dt = bench_now() - t0;
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "bench_dashboard: %s\n", sqlite3_errmsg(db));
            sqlite3_finalize(stmt);
            return -1;
        }
        if (dt < t->sql_best)
            t->sql_best = dt;
        t->sql_den = den;
        t->sql_num = num;
    }
    sqlite3_finalize(stmt);
    return 0;
}

/* Print to stdout and, when `results` is open, to it too. */
static FILE *results;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (results != NULL) {
        va_start(ap, fmt);
        vfprintf(results, fmt, ap);
        va_end(ap);
    }
}

struct http_figures {
    double page_median, page_p95, api_median, api_p95;
    size_t page_bytes, api_bytes;
};

static int http_measure(int port, struct http_figures *f)
{
    CURL *curl = dash_http_login(port);
    if (curl == NULL)
        return -1;
    int rc = dash_http_time(curl, port, "/oversikt", &f->page_median, &f->page_p95, &f->page_bytes);
    if (rc == 0)
        rc = dash_http_time(curl, port, API_PATH, &f->api_median, &f->api_p95, &f->api_bytes);
    curl_easy_cleanup(curl);
    return rc;
}

/* The server side of one size: start, log in, time, stop. */
static int bench_http(const char *dir, const char *db, struct http_figures *f)
{
    char bin[BENCH_PATH_CAP];
    bench_stegvis_path(dir, bin, sizeof(bin));
    char *argv[] = { bin, "serve", "--db", (char *)db, "--listen", "127.0.0.1:0", NULL };
    struct bench_server s;
    if (bench_server_start(argv, 0, &s) != 0)
        return -1;
    int rc = http_measure(s.port, f);
    bench_server_stop(&s);
    return rc;
}

static void print_http(const struct http_figures *f)
{
    out("| page /oversikt median/p95 ms (HTTP, loopback) | %.2f / %.2f | | | | %zu bytes |\n",
        f->page_median * 1000, f->page_p95 * 1000, f->page_bytes);
    out("| API indicators median/p95 ms (HTTP, recovery by unit) | %.2f / %.2f | | | | %zu "
        "bytes |\n",
        f->api_median * 1000, f->api_p95 * 1000, f->api_bytes);
}

/* "dashboard.N_what value" for scripts/bench's summary table. */
static void summary_size(long patients, const char *what, double value)
{
    char key[64];
    snprintf(key, sizeof(key), "dashboard.%ld_%s", patients, what);
    bench_summary(key, value);
}

static int bench_size(const char *dir, long patients, const struct instrument *phq9,
                      const struct instrument *gad7)
{
    char path[BENCH_PATH_CAP];
    if (bench_ensure_demo("bench_dashboard", dir, patients, path, sizeof(path)) != 0)
        return -1;
    struct store *store = NULL;
    struct error err;
    if (store_open(path, NULL, &store, &err) != ERR_OK) {
        fprintf(stderr, "bench_dashboard: %s: %s\n", path, err.message);
        return -1;
    }
    double rss0 = resident_mb();
    struct indicator_facts facts;
    struct store_facts_maps maps;
    double t0 = bench_now();
    enum err_code rc = store_facts_load(store, phq9, gad7, &facts, &maps, &err);
    double load_s = bench_now() - t0;
    double rss1 = resident_mb();
    if (rc != ERR_OK) {
        fprintf(stderr, "bench_dashboard: store_facts_load: %s\n", err.message);
        store_close(store);
        return -1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_dashboard: cannot open %s\n", path);
        sqlite3_close(db);
        indicator_facts_release(&facts);
        store_facts_maps_release(&maps);
        store_close(store);
        return -1;
    }
    struct date today;
    if (date_parse(TODAY, &today, &err) != ERR_OK)
        return -1;
    long to = date_to_days(today), from = to - 364;
    out("\n### %ld patients: %zu episodes\n\n", patients, facts.count);
    out("Start-up: store_facts_load() %.0f ms; resident memory %.1f MB after loading (%.1f MB "
        "before).\n\n",
        load_s * 1000, rss1, rss0);
    out("| indicator (last 365 days) | C best ms | C median ms | SQL best ms | SQL / C | totals "
        "agree |\n");
    out("|---|---:|---:|---:|---:|---|\n");
    double c_sum = 0, sql_sum = 0;
    int status = 0;
    for (int i = 0; i < dash_query_count && status == 0; i++) {
        struct dash_timing t;
        memset(&t, 0, sizeof(t));
        status = dash_time_c(&facts, &dash_queries[i], from, to, &t);
        if (status == 0)
            status = time_sql(db, &dash_queries[i], from, to, &t);
        if (status != 0)
            break;
        c_sum += t.c_best;
        sql_sum += t.sql_best;
        bool agree = t.c_den == t.sql_den && t.c_num == t.sql_num;
        char agree_text[96];
        if (agree)
            snprintf(agree_text, sizeof(agree_text), "yes (%ld/%ld)", t.c_num, t.c_den);
        else
            snprintf(agree_text, sizeof(agree_text), "NO: C %ld/%ld, SQL %ld/%ld", t.c_num, t.c_den,
                     t.sql_num, t.sql_den);
        out("| %s | %.2f | %.2f | %.1f | %.0f | %s |\n", dash_queries[i].label, t.c_best * 1000,
            t.c_median * 1000, t.sql_best * 1000, t.sql_best / (t.c_best > 0 ? t.c_best : 1e-9),
            agree_text);
    }
    if (status == 0)
        out("| **the whole set** | **%.2f** | | **%.1f** | **%.0f** | |\n", c_sum * 1000,
            sql_sum * 1000, sql_sum / (c_sum > 0 ? c_sum : 1e-9));
    if (status == 0)
        summary_size(patients, "c_ms", c_sum * 1000);
    if (status == 0)
        summary_size(patients, "sql_ms", sql_sum * 1000);
    sqlite3_close(db);
    indicator_facts_release(&facts);
    store_facts_maps_release(&maps);
    store_close(store);
    struct http_figures http;
    memset(&http, 0, sizeof(http));
    if (status == 0)
        status = bench_http(dir, path, &http);
    if (status == 0) {
        print_http(&http);
        summary_size(patients, "page_ms", http.page_median * 1000);
        summary_size(patients, "api_ms", http.api_median * 1000);
    }
    return status;
}

int main(void)
{
    char dir[BENCH_DIR_CAP];
    bench_exe_dir(dir, sizeof(dir));
    long list[BENCH_MAX_SIZES];
    int count = bench_sizes("bench_dashboard", list, BENCH_MAX_SIZES);
    if (count < 0)
        return 2;
    struct instrument_catalog cat;
    struct error err;
    if (datafiles_load_instruments(datafiles_dir(NULL), &cat, &err) != ERR_OK) {
        fprintf(stderr, "bench_dashboard: %s\n", err.message);
        return 1;
    }
    const char *results_path = getenv("STEGVIS_BENCH_RESULTS");
    results = fopen(results_path != NULL ? results_path : STEGVIS_BENCH_RESULTS_MD, "a");
    char cpu[256];
    bench_cpu_model(cpu, sizeof(cpu));
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M UTC", gmtime(&now));
    out("\n## bench_dashboard, %s\n\n%ld cores, %s. Demo region `stegvis demo --seed 1 "
        "--today " TODAY
        "`; C = indicator_report_compute() on the facts table (compute + suppress, the "
        "API's path), warm, best and median of %d; SQL = one GROUP BY query on the same file "
        "(SQLite %s), best of %d. Days-to-assessment SQL gives the mean only (no median). "
        "HTTP = the real `stegvis serve` on the same file over loopback (libcurl, logged in as "
        "the demo analyst), median / p95 of %d after %d warm-up requests.\n",
        stamp, sysconf(_SC_NPROCESSORS_ONLN), cpu, DASH_C_ROUNDS, sqlite3_libversion(), SQL_ROUNDS,
        DASH_HTTP_RUNS, DASH_HTTP_WARM);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int status = 0;
    for (int i = 0; i < count && status == 0; i++)
        status =
            bench_size(dir, list[i], instrument_find(&cat, "phq9"), instrument_find(&cat, "gad7"));
    if (results != NULL)
        fclose(results);
    instrument_catalog_release(&cat);
    curl_global_cleanup();
    return status == 0 ? 0 : 1;
}
