/* bench_startup.c - start-up time and resident memory of the real `stegvis serve` per region
 * size (STEGVIS_BENCH_SIZES, default 20,000 and 200,000 patients; STEGVIS_BENCH_FULL=1 adds
 * 1,000,000), on the demo databases bench_dashboard caches in bench-cache/.
 *
 * Start-up is the time from fork+exec of `stegvis serve` to the first 200 answer of GET
 * BENCH_READY_PATH, polled every millisecond (median of BENCH_STARTUP_RUNS). The server has no
 * health endpoint of its own yet; it listens only once everything is loaded (catalogue, store, the
 * facts table), so its first answer to a public page is the moment it is ready. Resident memory is
 * VmRSS of the server process right after start-up and after one dashboard page (GET /oversikt as
 * the demo analyst). Prints figures only. */
#include <stdio.h>
#include <unistd.h>

#include "harness.h"

int main(void)
{
    char dir[BENCH_DIR_CAP];
    long sizes[BENCH_MAX_SIZES];
    bench_exe_dir(dir, sizeof(dir));
    int count = bench_sizes("bench_startup", sizes, BENCH_MAX_SIZES);
    if (count < 0)
        return 2;
    printf("`stegvis serve` on the cached demo regions: start-up = exec to the first 200 of "
           "GET " BENCH_READY_PATH
           " (median, best of %d starts); VmRSS of the server after start-up and "
           "after one GET /oversikt as the analyst.\n\n",
           BENCH_STARTUP_RUNS);
    printf("| patients | start-up median ms | best ms | RSS after start-up MB | RSS after "
           "dashboard MB |\n|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < count; i++) {
        char db[BENCH_PATH_CAP], bin[BENCH_PATH_CAP];
        struct bench_startup s;
        if (bench_ensure_demo("bench_startup", dir, sizes[i], db, sizeof(db)) != 0)
            return 1;
        bench_stegvis_path(dir, bin, sizeof(bin));
        if (bench_startup_measure(bin, db, &s) != 0)
            return 1;
        printf("| %ld | %.0f | %.0f | %.1f | %.1f |\n", sizes[i], s.median_ms, s.best_ms,
               s.rss_ready_mb, s.rss_dashboard_mb);
        fflush(stdout);
        char key[64];
        snprintf(key, sizeof(key), "startup.%ld_ms", sizes[i]);
        bench_summary(key, s.median_ms);
        snprintf(key, sizeof(key), "startup.%ld_rss_mb", sizes[i]);
        bench_summary(key, s.rss_ready_mb);
        snprintf(key, sizeof(key), "startup.%ld_rss_dashboard_mb", sizes[i]);
        bench_summary(key, s.rss_dashboard_mb);
    }
    return 0;
}
