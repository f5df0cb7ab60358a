/* bench_startup.c - start-up time and resident memory of the real `stegvis serve` per region
 * size (STEGVIS_BENCH_SIZES, default 20,000 and 200,000 patients; STEGVIS_BENCH_FULL=1 adds
 * 1,000,000), on the demo databases bench_dashboard caches in bench-cache/.
 *
 * Start-up is the time from fork+exec of `stegvis serve` to the first 200 answer of GET
 * READY_PATH, polled every millisecond (median of RUNS). The server has no health endpoint of
 * its own yet; it listens only once everything is loaded (catalogue, store, the facts table), so
 * its first answer to a public page is the moment it is ready. Resident memory is VmRSS of the
 * server process right after start-up and after one dashboard page (GET /oversikt as the demo
 * analyst). Prints figures only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define READY_PATH      "/login" /* a public page; no health endpoint exists yet */
#define RUNS            3
#define READY_TIMEOUT_S 600.0

struct startup {
    double ready_ms[RUNS];
    double rss_ready_mb, rss_dashboard_mb;
};

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Poll until READY_PATH answers 200; the seconds since `t0`, or -1 when the server died or the
 * wait timed out. */
static double wait_ready(struct bench_server *s, double t0)
{
    while (bench_now() - t0 < READY_TIMEOUT_S) {
        size_t bytes = 0;
        if (bench_get(s->port, READY_PATH, NULL, &bytes) == 200)
            return bench_now() - t0;
        if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
            s->pid = 0;
            return -1;
        }
        sleep_ms(1);
    }
    return -1;
}

/* One start: its time to ready, and (when `rss` is set) the memory figures. */
static int start_once(const char *bin, const char *db, double *ready_s, struct startup *rss)
{
    char listen[32];
    int port = bench_free_port();
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
    char *argv[] = { (char *)bin, "serve", "--db", (char *)db, "--listen", listen, NULL };
    struct bench_server s;
    double t0 = bench_now();
    if (port == 0 || bench_server_start(argv, port, &s) != 0)
        return -1;
    *ready_s = wait_ready(&s, t0);
    int rc = *ready_s >= 0 ? 0 : -1;
    if (rc == 0 && rss != NULL) {
        char cookie[256], csrf[128];
        size_t bytes = 0;
        rss->rss_ready_mb = bench_rss_mb(s.pid);
        rc = bench_login(port, "lars", "demo-analys-2026", cookie, sizeof(cookie), csrf,
                         sizeof(csrf));
        if (rc == 0 && bench_get(port, "/oversikt", cookie, &bytes) != 200)
            rc = -1;
        rss->rss_dashboard_mb = bench_rss_mb(s.pid);
    }
    bench_server_stop(&s);
    if (rc != 0)
        fprintf(stderr, "bench_startup: %s serve --db %s failed\n", bin, db);
    return rc;
}

static int double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench_size(const char *dir, long patients, struct startup *out)
{
    char db[BENCH_PATH_CAP], bin[BENCH_PATH_CAP];
    if (bench_ensure_demo("bench_startup", dir, patients, db, sizeof(db)) != 0)
        return -1;
    bench_stegvis_path(dir, bin, sizeof(bin));
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < RUNS; i++) {
        double s = 0;
        if (start_once(bin, db, &s, i == RUNS - 1 ? out : NULL) != 0)
            return -1;
        out->ready_ms[i] = s * 1000;
    }
    qsort(out->ready_ms, RUNS, sizeof(double), double_cmp);
    return 0;
}

int main(void)
{
    char dir[BENCH_DIR_CAP];
    long sizes[BENCH_MAX_SIZES];
    bench_exe_dir(dir, sizeof(dir));
    int count = bench_sizes("bench_startup", sizes, BENCH_MAX_SIZES);
    if (count < 0)
        return 2;
    printf("`stegvis serve` on the cached demo regions: start-up = exec to the first 200 of "
           "GET " READY_PATH " (median, best of %d starts); VmRSS of the server after start-up and "
           "after one GET /oversikt as the analyst.\n\n",
           RUNS);
    printf("| patients | start-up median ms | best ms | RSS after start-up MB | RSS after "
           "dashboard MB |\n|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < count; i++) {
        struct startup s;
        if (bench_size(dir, sizes[i], &s) != 0)
            return 1;
        printf("| %ld | %.0f | %.0f | %.1f | %.1f |\n", sizes[i], s.ready_ms[RUNS / 2],
               s.ready_ms[0], s.rss_ready_mb, s.rss_dashboard_mb);
        fflush(stdout);
        char key[64];
        snprintf(key, sizeof(key), "startup.%ld_ms", sizes[i]);
        bench_summary(key, s.ready_ms[RUNS / 2]);
        snprintf(key, sizeof(key), "startup.%ld_rss_mb", sizes[i]);
        bench_summary(key, s.rss_ready_mb);
        snprintf(key, sizeof(key), "startup.%ld_rss_dashboard_mb", sizes[i]);
        bench_summary(key, s.rss_dashboard_mb);
    }
    return 0;
}
