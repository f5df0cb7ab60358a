/* bench_http.c - the real server under load over loopback, measured with wrk (64 connections)
 * against its ceilings on the same machine:
 *   - submissions: POST /api/v1/responses (bench/submit.lua), each a valid PHQ-9 or GAD-7
 *     response for one of the open episodes at the demo clinician's unit (Gottsunda), so every
 *     request is parsed, validated, scored, stored durably and audited. Afterwards the database
 *     must hold exactly one new response row per 2xx answer. Its ceiling is bench_sqlite_ceiling
 *     (the same rows straight into SQLite); scripts/bench puts the two side by side.
 *   - reads: a patient's timeline (GET /api/v1/responses?patient_id=N, every target patient in
 *     turn) and the unit's triage queue (GET /api/v1/triage), with bench/read.lua; and the same
 *     wrk command against bench_trivial_server answering a fixed buffer of the timeline's mean
 *     size with the same threading (the ceiling for reads).
 * The server runs on a fresh copy of the cached 20,000-patient demo region (bench-cache/, as
 * bench_dashboard makes it). STEGVIS_BENCH_SECONDS sets each wrk run's length (default 10);
 * STEGVIS_BENCH_SERVE_THREADS passes --threads N to the server (default: its own default).
 * Any answer that is not 2xx, and any socket error, is reported loudly. Prints figures only. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "wrk_run.h"

#define PATIENTS    20000
#define CONNECTIONS 64

static long long count_rows(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    long long n = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

/* The real server: timelines, triage, then submissions; returns the timeline's mean size through
 * `bytes`. */
static int bench_stegvis(const char *dir, const char *db, const struct wrk_files *f,
                         struct wrk_result *timeline, struct wrk_result *triage,
                         struct wrk_result *submit, long *bytes)
{
    char bin[BENCH_PATH_CAP];
    bench_stegvis_path(dir, bin, sizeof(bin));
    const char *threads = getenv("STEGVIS_BENCH_SERVE_THREADS"); /* to try other pool sizes */
    char *argv[] = {
        bin, "serve", "--db", (char *)db, "--listen", "127.0.0.1:0", NULL, NULL, NULL
    };
    if (threads != NULL && threads[0] != '\0') {
        argv[6] = "--threads";
        argv[7] = (char *)threads;
    }
    struct bench_server s;
    if (bench_server_start(argv, 0, &s) != 0)
        return -1;
    *bytes = wrk_prepare(s.port, f);
    int rc = *bytes > 0 ? 0 : -1;
    setenv("STEGVIS_BENCH_PATHS", f->timelines, 1);
    if (rc == 0)
        rc = wrk_run("timeline (GET /api/v1/responses?patient_id=N)", "read.lua", CONNECTIONS,
                     s.port, timeline);
    setenv("STEGVIS_BENCH_PATHS", f->triage, 1);
    if (rc == 0)
        rc = wrk_run("triage queue (GET /api/v1/triage)", "read.lua", CONNECTIONS, s.port, triage);
    if (rc == 0)
        rc = wrk_run("submissions (POST /api/v1/responses)", "submit.lua", CONNECTIONS, s.port,
                     submit);
    bench_server_stop(&s); /* a graceful stop: requests in flight finish first */
    return rc;
}

static int bench_trivial(const char *dir, const struct wrk_files *f, long bytes,
                         struct wrk_result *r)
{
    char bin[BENCH_PATH_CAP], size[32];
    snprintf(bin, sizeof(bin), "%s/bench_trivial_server", dir);
    snprintf(size, sizeof(size), "%ld", bytes);
    const char *threads = getenv("STEGVIS_BENCH_SERVE_THREADS"); /* the same pool as the server */
    char *argv[] = { bin, size, threads != NULL && threads[0] != '\0' ? (char *)threads : NULL,
                     NULL };
    struct bench_server s;
    if (bench_server_start(argv, 0, &s) != 0)
        return -1;
    setenv("STEGVIS_BENCH_PATHS", f->timelines, 1);
    int rc = wrk_run("trivial server (fixed buffer of the timeline's mean size)", "read.lua",
                     CONNECTIONS, s.port, r);
    bench_server_stop(&s);
    return rc;
}

int main(void)
{
    char dir[BENCH_DIR_CAP], demo[BENCH_PATH_CAP], db[BENCH_PATH_CAP];
    struct wrk_files f;
    bench_exe_dir(dir, sizeof(dir));
    snprintf(db, sizeof(db), "%s/bench-cache/http.db", dir);
    if (bench_ensure_demo("bench_http", dir, PATIENTS, demo, sizeof(demo)) != 0 ||
        bench_copy_db(demo, db) != 0)
        return 1;
    int targets = wrk_write_targets(dir, "http", db, &f);
    long long before = count_rows(db, "SELECT count(*) FROM response");
    if (targets <= 0 || before < 0) {
        fprintf(stderr, "bench_http: no open episodes at " WRK_UNIT_CODE " in %s\n", db);
        return 1;
    }
    printf("Real `stegvis serve` on a fresh copy of the %d-patient demo region; wrk -t2 -c%d "
           "-d%ds --latency over loopback on the same %ld cores (wrk competes with the server "
           "for them); logged in as " WRK_CLINICIAN " (clinician at " WRK_UNIT_CODE "), %d open "
           "episodes there.\n",
           PATIENTS, CONNECTIONS, wrk_seconds(), sysconf(_SC_NPROCESSORS_ONLN), targets);
    struct wrk_result timeline, triage, submit, trivial;
    long bytes = 0;
    if (bench_stegvis(dir, db, &f, &timeline, &triage, &submit, &bytes) != 0 ||
        bench_trivial(dir, &f, bytes, &trivial) != 0)
        return 1;
    long long after = count_rows(db, "SELECT count(*) FROM response");
    bool rows_ok = wrk_check_rows("http.submit_rows_ok", after - before, submit.ok, CONNECTIONS);
    printf("\n| measure | 2xx/s | p50 ms | p99 ms | 2xx | not 2xx | socket errors |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|\n");
    wrk_row("submissions (POST /api/v1/responses)", &submit);
    wrk_row("timeline (GET /api/v1/responses?patient_id=N)", &timeline);
    wrk_row("triage queue (GET /api/v1/triage)", &triage);
    wrk_row("trivial libmicrohttpd server, same size", &trivial);
    printf("\nTimeline mean size %ld bytes. Stegvis timeline / trivial = %.2f\n", bytes,
           wrk_rate(&timeline) / wrk_rate(&trivial));
    wrk_summary("http", "submit", &submit);
    wrk_summary("http", "timeline", &timeline);
    wrk_summary("http", "triage", &triage);
    wrk_summary("http", "trivial", &trivial);
    bench_summary("http.timeline_bytes", (double)bytes);
    bool errors = submit.not_ok + submit.socket_errors + timeline.not_ok + timeline.socket_errors +
                      triage.not_ok + triage.socket_errors >
                  0;
    if (errors || !rows_ok)
        printf("\n!!! THIS RUN HAD ERRORS: see the lines marked !!! above !!!\n");
    return 0;
}
