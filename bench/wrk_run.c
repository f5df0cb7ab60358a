/* wrk_run.c - see wrk_run.h. */
#include "wrk_run.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define WRK_THREADS 2
#define MAX_TARGETS 4096

int wrk_seconds(void)
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

int wrk_start(const char *label, const char *script, int connections, int port,
              struct wrk_process *w)
{
    char cmd[BENCH_PATH_CAP + 256];
    snprintf(w->label, sizeof(w->label), "%s", label);
    snprintf(cmd, sizeof(cmd), "wrk -t%d -c%d -d%ds --latency -s '%s/%s' http://127.0.0.1:%d/ 2>&1",
             WRK_THREADS, connections, wrk_seconds(), STEGVIS_BENCH_LUA_DIR, script, port);
    printf("\n%s: %s\n", label, cmd);
    fflush(stdout);
    w->pipe = popen(cmd, "r");
    return w->pipe != NULL ? 0 : -1;
}

int wrk_finish(struct wrk_process *w, struct wrk_result *r)
{
    char line[512];
    memset(r, 0, sizeof(*r));
    if (w->pipe == NULL)
        return -1;
    printf("\n%s:\n", w->label);
    while (fgets(line, sizeof(line), w->pipe) != NULL) {
        if (strncmp(line, "BENCH ", 6) == 0)
            wrk_line(line, r);
        else
            printf("    %s", line);
    }
    int status = pclose(w->pipe);
    w->pipe = NULL;
    if (status != 0 || r->requests == 0 || r->seconds <= 0) {
        fprintf(stderr, "bench: wrk failed (exit %d); is wrk installed?\n", status);
        return -1;
    }
    if (r->not_ok > 0 || r->socket_errors > 0)
        printf("\n!!! %s HAD ERRORS: %ld answers were not 2xx (%s), %ld socket errors/timeouts "
               "!!!\n",
               w->label, r->not_ok, r->statuses, r->socket_errors);
    return 0;
}

int wrk_run(const char *label, const char *script, int connections, int port, struct wrk_result *r)
{
    struct wrk_process w;
    if (wrk_start(label, script, connections, port, &w) != 0)
        return -1;
    return wrk_finish(&w, r);
}

double wrk_rate(const struct wrk_result *r)
{
    return r->seconds > 0 ? (double)r->ok / r->seconds : 0;
}

void wrk_row(const char *label, const struct wrk_result *r)
{
    printf("| %s | %.0f | %.2f | %.2f | %ld | %ld | %ld |\n", label, wrk_rate(r), r->p50_ms,
           r->p99_ms, r->ok, r->not_ok, r->socket_errors);
}

void wrk_summary(const char *prefix, const char *name, const struct wrk_result *r)
{
    char key[96];
    snprintf(key, sizeof(key), "%s.%s_rps", prefix, name);
    bench_summary(key, wrk_rate(r));
    snprintf(key, sizeof(key), "%s.%s_p50_ms", prefix, name);
    bench_summary(key, r->p50_ms);
    snprintf(key, sizeof(key), "%s.%s_p99_ms", prefix, name);
    bench_summary(key, r->p99_ms);
    snprintf(key, sizeof(key), "%s.%s_errors", prefix, name);
    bench_summary(key, (double)(r->not_ok + r->socket_errors));
}

bool wrk_check_rows(const char *key, long long added, long ok, int in_flight)
{
    bool fine = added >= ok && added <= ok + in_flight;
    printf("\nDatabase check: %lld new response rows, %ld 2xx answers counted by wrk: %s\n", added,
           ok,
           added == ok  ? "equal"
           : fine       ? "more rows by the requests in flight when wrk stopped (fine)"
           : added < ok ? "!!! FEWER ROWS THAN ACKNOWLEDGED WRITES !!!"
                        : "!!! MORE ROWS THAN REQUESTS IN FLIGHT CAN EXPLAIN !!!");
    bench_summary(key, fine ? 1 : 0);
    return fine;
}

/* The open episodes at the unit, one line each to `targets` and their patients' timelines. */
static int query_targets(const char *db_path, FILE *targets, FILE *timelines)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int n = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT e.patient_id, e.id FROM episode e JOIN unit u ON u.id = "
                           "e.unit_id WHERE u.code = '" WRK_UNIT_CODE "' AND e.ended_at = 0 "
                           "ORDER BY e.id",
                           -1, &stmt, NULL) == SQLITE_OK) {
        n = 0;
        while (n < MAX_TARGETS && sqlite3_step(stmt) == SQLITE_ROW) {
            long long patient = sqlite3_column_int64(stmt, 0);
            fprintf(targets, "%lld %lld\n", patient, sqlite3_column_int64(stmt, 1));
            fprintf(timelines, "/api/v1/responses?patient_id=%lld\n", patient);
            n++;
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

int wrk_write_targets(const char *dir, const char *prefix, const char *db, struct wrk_files *f)
{
    snprintf(f->targets, sizeof(f->targets), "%s/bench-cache/%s-targets.txt", dir, prefix);
    snprintf(f->timelines, sizeof(f->timelines), "%s/bench-cache/%s-timelines.txt", dir, prefix);
    snprintf(f->triage, sizeof(f->triage), "%s/bench-cache/%s-triage.txt", dir, prefix);
    FILE *targets = fopen(f->targets, "w"), *timelines = fopen(f->timelines, "w");
    FILE *triage = fopen(f->triage, "w");
    int n = -1;
    if (targets != NULL && timelines != NULL && triage != NULL) {
        n = query_targets(db, targets, timelines);
        fprintf(triage, "/api/v1/triage\n");
    }
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
            fprintf(stderr, "bench: GET %s did not answer 200\n", path);
            count = 0;
            break;
        }
        total += (long)bytes;
        count++;
    }
    fclose(f);
    return count > 0 ? total / count : 0;
}

long wrk_prepare(int port, const struct wrk_files *f)
{
    char cookie[256], csrf[128];
    if (bench_login(port, WRK_CLINICIAN, WRK_PASSWORD, cookie, sizeof(cookie), csrf,
                    sizeof(csrf)) != 0)
        return 0;
    setenv("STEGVIS_BENCH_COOKIE", cookie, 1);
    setenv("STEGVIS_BENCH_CSRF", csrf, 1);
    setenv("STEGVIS_BENCH_LUA_DIR", STEGVIS_BENCH_LUA_DIR, 1);
    setenv("STEGVIS_BENCH_TARGETS", f->targets, 1);
    return mean_timeline_bytes(port, cookie, f->timelines);
}
