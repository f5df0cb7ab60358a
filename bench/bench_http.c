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

#define PATIENTS    20000
#define CONNECTIONS 64
#define WRK_THREADS 2
#define UNIT_CODE   "GOTTSUNDA" /* anna's unit in the demo */
#define CLINICIAN   "anna"
#define PASSWORD    "demo-klinik-2026"
#define MAX_TARGETS 4096

struct wrk_result {
    long requests, ok, not_ok, socket_errors;
    double seconds, p50_ms, p99_ms;
    char statuses[256]; /* "201 x N, 403 x M" */
};

struct bench_files {
    char db[BENCH_PATH_CAP], targets[BENCH_PATH_CAP], timelines[BENCH_PATH_CAP],
        triage[BENCH_PATH_CAP];
};

static int wrk_seconds(void)
{
    const char *env = getenv("STEGVIS_BENCH_SECONDS");
    int s = env != NULL ? atoi(env) : 0;
    return s > 0 ? s : 10;
}

/* One "BENCH key value" line of wrk_report.lua into `r`. */
static void wrk_line(const char *line, struct wrk_result *r)
{
    char key[32];
    long a = 0, b = 0;
    if (sscanf(line, "BENCH status %ld %ld", &a, &b) == 2) {
        size_t used = strlen(r->statuses);
        snprintf(r->statuses + used, sizeof(r->statuses) - used, "%s%ld x %ld", used ? ", " : "", a,
                 b);
        if (a >= 200 && a < 300)
            r->ok += b;
        else
            r->not_ok += b;
    } else if (sscanf(line, "BENCH %31s %ld", key, &a) == 2) {
        if (strcmp(key, "requests") == 0)
            r->requests = a;
        else if (strcmp(key, "duration_us") == 0)
            r->seconds = (double)a / 1e6;
        else if (strcmp(key, "p50_us") == 0)
            r->p50_ms = (double)a / 1e3;
        else if (strcmp(key, "p99_us") == 0)
            r->p99_ms = (double)a / 1e3;
        else if (strncmp(key, "errors_", 7) == 0)
            r->socket_errors += a;
    }
}

/* wrk -t2 -c64 -dNs --latency -s SCRIPT http://127.0.0.1:PORT/; its own output is echoed. */
static int run_wrk(const char *label, const char *script, int port, struct wrk_result *r)
{
    char cmd[BENCH_PATH_CAP + 256], line[512];
    memset(r, 0, sizeof(*r));
    snprintf(cmd, sizeof(cmd), "wrk -t%d -c%d -d%ds --latency -s '%s/%s' http://127.0.0.1:%d/ 2>&1",
             WRK_THREADS, CONNECTIONS, wrk_seconds(), STEGVIS_BENCH_LUA_DIR, script, port);
    printf("\n%s: %s\n", label, cmd);
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    while (fgets(line, sizeof(line), p) != NULL) {
        if (strncmp(line, "BENCH ", 6) == 0)
            wrk_line(line, r);
        else
            printf("    %s", line);
    }
    int status = pclose(p);
    if (status != 0 || r->requests == 0 || r->seconds <= 0) {
        fprintf(stderr, "bench_http: wrk failed (exit %d); is wrk installed?\n", status);
        return -1;
    }
    if (r->not_ok > 0 || r->socket_errors > 0)
        printf("\n!!! %s HAD ERRORS: %ld answers were not 2xx (%s), %ld socket errors/timeouts "
               "!!!\n",
               label, r->not_ok, r->statuses, r->socket_errors);
    return 0;
}

static double rate(const struct wrk_result *r)
{
    return (double)r->ok / r->seconds;
}

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

/* The targets (open episodes at the clinician's unit) as "PATIENT EPISODE" lines, and each
 * target patient's timeline path. Returns how many targets, or -1. */
static int write_targets(const struct bench_files *f)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    FILE *targets = fopen(f->targets, "w"), *timelines = fopen(f->timelines, "w");
    FILE *triage = fopen(f->triage, "w");
    int n = -1;
    if (targets != NULL && timelines != NULL && triage != NULL &&
        sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT e.patient_id, e.id FROM episode e JOIN unit u ON u.id = "
                           "e.unit_id WHERE u.code = '" UNIT_CODE "' AND e.ended_at = 0 "
                           "ORDER BY e.id",
                           -1, &stmt, NULL) == SQLITE_OK) {
        n = 0;
        while (n < MAX_TARGETS && sqlite3_step(stmt) == SQLITE_ROW) {
            long long patient = sqlite3_column_int64(stmt, 0);
            fprintf(targets, "%lld %lld\n", patient, sqlite3_column_int64(stmt, 1));
            fprintf(timelines, "/api/v1/responses?patient_id=%lld\n", patient);
            n++;
        }
        fprintf(triage, "/api/v1/triage\n");
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    int rc = 0;
    if (targets != NULL)
        rc |= fclose(targets);
    if (timelines != NULL)
        rc |= fclose(timelines);
    if (triage != NULL)
        rc |= fclose(triage);
    return rc == 0 ? n : -1;
}

/* The mean size of the target patients' timelines (one GET each), or 0. */
static long mean_timeline_bytes(int port, const char *cookie, const char *paths_file)
{
    FILE *f = fopen(paths_file, "r");
    char path[256];
    long total = 0, count = 0;
    if (f == NULL)
        return 0;
    while (fgets(path, sizeof(path), f) != NULL) {
        size_t bytes = 0;
        path[strcspn(path, "\n")] = '\0';
        if (bench_get(port, path, cookie, &bytes) != 200) {
            fprintf(stderr, "bench_http: GET %s did not answer 200\n", path);
            count = 0;
            break;
        }
        total += (long)bytes;
        count++;
    }
    fclose(f);
    return count > 0 ? total / count : 0;
}

static void row(const char *label, const struct wrk_result *r)
{
    printf("| %s | %.0f | %.2f | %.2f | %ld | %ld | %ld |\n", label, rate(r), r->p50_ms, r->p99_ms,
           r->ok, r->not_ok, r->socket_errors);
}

static void summary(const char *name, const struct wrk_result *r)
{
    char key[64];
    snprintf(key, sizeof(key), "http.%s_rps", name);
    bench_summary(key, rate(r));
    snprintf(key, sizeof(key), "http.%s_p50_ms", name);
    bench_summary(key, r->p50_ms);
    snprintf(key, sizeof(key), "http.%s_p99_ms", name);
    bench_summary(key, r->p99_ms);
    snprintf(key, sizeof(key), "http.%s_errors", name);
    bench_summary(key, (double)(r->not_ok + r->socket_errors));
}

/* The real server: timelines, triage, then submissions; returns the submissions' 2xx count
 * through `submit` and the timeline's mean size through `bytes`. */
static int bench_stegvis(const char *dir, const struct bench_files *f, struct wrk_result *timeline,
                         struct wrk_result *triage, struct wrk_result *submit, long *bytes)
{
    char bin[BENCH_PATH_CAP], cookie[256], csrf[128];
    bench_stegvis_path(dir, bin, sizeof(bin));
    const char *threads = getenv("STEGVIS_BENCH_SERVE_THREADS"); /* to try other pool sizes */
    char *argv[] = { bin,           "serve", "--db", (char *)f->db, "--listen",
                     "127.0.0.1:0", NULL,    NULL,   NULL };
    if (threads != NULL && threads[0] != '\0') {
        argv[6] = "--threads";
        argv[7] = (char *)threads;
    }
    struct bench_server s;
    if (bench_server_start(argv, 0, &s) != 0)
        return -1;
    int rc = bench_login(s.port, CLINICIAN, PASSWORD, cookie, sizeof(cookie), csrf, sizeof(csrf));
    if (rc == 0) {
        setenv("STEGVIS_BENCH_COOKIE", cookie, 1);
        setenv("STEGVIS_BENCH_CSRF", csrf, 1);
        *bytes = mean_timeline_bytes(s.port, cookie, f->timelines);
        rc = *bytes > 0 ? 0 : -1;
    }
    setenv("STEGVIS_BENCH_PATHS", f->timelines, 1);
    if (rc == 0)
        rc = run_wrk("timeline (GET /api/v1/responses?patient_id=N)", "read.lua", s.port, timeline);
    setenv("STEGVIS_BENCH_PATHS", f->triage, 1);
    if (rc == 0)
        rc = run_wrk("triage queue (GET /api/v1/triage)", "read.lua", s.port, triage);
    if (rc == 0)
        rc = run_wrk("submissions (POST /api/v1/responses)", "submit.lua", s.port, submit);
    bench_server_stop(&s); /* a graceful stop: requests in flight finish first */
    return rc;
}

static int bench_trivial(const char *dir, const struct bench_files *f, long bytes,
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
    int rc =
        run_wrk("trivial server (fixed buffer of the timeline's mean size)", "read.lua", s.port, r);
    bench_server_stop(&s);
    return rc;
}

/* New response rows against 2xx answers. wrk stops with requests in flight: the server finishes
 * those (its stop drains them) but wrk never counts their answers, so up to CONNECTIONS more rows
 * than 2xx answers are expected; fewer rows would mean an acknowledged write was lost. */
static bool check_rows(long long before, long long after, long ok)
{
    long long added = after - before;
    bool fine = added >= ok && added <= ok + CONNECTIONS;
    printf("\nDatabase check: %lld new response rows, %ld 2xx answers counted by wrk: %s\n", added,
           ok,
           added == ok  ? "equal"
           : fine       ? "more rows by the requests in flight when wrk stopped (fine)"
           : added < ok ? "!!! FEWER ROWS THAN ACKNOWLEDGED WRITES !!!"
                        : "!!! MORE ROWS THAN REQUESTS IN FLIGHT CAN EXPLAIN !!!");
    bench_summary("http.submit_rows_ok", fine ? 1 : 0);
    return fine;
}

static void files_init(const char *dir, struct bench_files *f)
{
    snprintf(f->db, sizeof(f->db), "%s/bench-cache/http.db", dir);
    snprintf(f->targets, sizeof(f->targets), "%s/bench-cache/http-targets.txt", dir);
    snprintf(f->timelines, sizeof(f->timelines), "%s/bench-cache/http-timelines.txt", dir);
    snprintf(f->triage, sizeof(f->triage), "%s/bench-cache/http-triage.txt", dir);
}

int main(void)
{
    char dir[BENCH_DIR_CAP], demo[BENCH_PATH_CAP];
    struct bench_files f;
    bench_exe_dir(dir, sizeof(dir));
    files_init(dir, &f);
    if (bench_ensure_demo("bench_http", dir, PATIENTS, demo, sizeof(demo)) != 0 ||
        bench_copy_db(demo, f.db) != 0)
        return 1;
    int targets = write_targets(&f);
    long long before = count_rows(f.db, "SELECT count(*) FROM response");
    if (targets <= 0 || before < 0) {
        fprintf(stderr, "bench_http: no open episodes at " UNIT_CODE " in %s\n", f.db);
        return 1;
    }
    setenv("STEGVIS_BENCH_LUA_DIR", STEGVIS_BENCH_LUA_DIR, 1);
    setenv("STEGVIS_BENCH_TARGETS", f.targets, 1);
    printf("Real `stegvis serve` on a fresh copy of the %d-patient demo region; wrk -t%d -c%d "
           "-d%ds --latency over loopback on the same %ld cores (wrk competes with the server "
           "for them); logged in as %s (clinician at " UNIT_CODE "), %d open episodes there.\n",
           PATIENTS, WRK_THREADS, CONNECTIONS, wrk_seconds(), sysconf(_SC_NPROCESSORS_ONLN),
           CLINICIAN, targets);
    struct wrk_result timeline, triage, submit, trivial;
    long bytes = 0;
    if (bench_stegvis(dir, &f, &timeline, &triage, &submit, &bytes) != 0 ||
        bench_trivial(dir, &f, bytes, &trivial) != 0)
        return 1;
    bool rows_ok = check_rows(before, count_rows(f.db, "SELECT count(*) FROM response"), submit.ok);
    printf("\n| measure | 2xx/s | p50 ms | p99 ms | 2xx | not 2xx | socket errors |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|\n");
    row("submissions (POST /api/v1/responses)", &submit);
    row("timeline (GET /api/v1/responses?patient_id=N)", &timeline);
    row("triage queue (GET /api/v1/triage)", &triage);
    row("trivial libmicrohttpd server, same size", &trivial);
    printf("\nTimeline mean size %ld bytes. Stegvis timeline / trivial = %.2f\n", bytes,
           rate(&timeline) / rate(&trivial));
    summary("submit", &submit);
    summary("timeline", &timeline);
    summary("triage", &triage);
    summary("trivial", &trivial);
    bench_summary("http.timeline_bytes", (double)bytes);
    bool errors = submit.not_ok + submit.socket_errors + timeline.not_ok + timeline.socket_errors +
                      triage.not_ok + triage.socket_errors >
                  0;
    if (errors || !rows_ok)
        printf("\n!!! THIS RUN HAD ERRORS: see the lines marked !!! above !!!\n");
    return 0;
}
