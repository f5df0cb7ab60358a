/* harness.h - what the benchmarks in bench/ share: the clock, the demo databases cached in
 * BUILD/bench-cache/, starting and stopping a server process (the real `stegvis serve` or the
 * trivial ceiling server), logging in over loopback, a process's resident memory, and the
 * summary file scripts/bench builds its one table from. Benchmarks print figures; nothing here
 * passes or fails. */
#ifndef STEGVIS_BENCH_HARNESS_H
#define STEGVIS_BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define BENCH_DIR_CAP   1024 /* the folder of a bench program */
#define BENCH_PATH_CAP  (BENCH_DIR_CAP + 128)
#define BENCH_MAX_SIZES 8
#define BENCH_TODAY     "2026-11-24" /* the demo regions' "today" */

/* Seconds on the monotonic clock. */
double bench_now(void);

/* The folder the running program is in (where bench-cache/ and the stegvis binary are). */
void bench_exe_dir(char *out, size_t cap);

/* The stegvis binary: $STEGVIS_BIN, or the one in `dir`. */
void bench_stegvis_path(const char *dir, char *out, size_t cap);

/* The region sizes to measure (patients): $STEGVIS_BENCH_SIZES ("20000,200000"), or with
 * STEGVIS_BENCH_FULL=1 also 1000000. Returns how many (at most `cap`), or -1 when the list is
 * malformed (a message naming `prog` is printed). */
int bench_sizes(const char *prog, long *list, int cap);

/* DIR/bench-cache/demo-N.db, generated once (`stegvis demo --patients N --seed 1 --today
 * BENCH_TODAY`, into a temporary name that is renamed when complete) and reused afterwards.
 * Returns 0, or -1 when the generation failed. */
int bench_ensure_demo(const char *prog, const char *dir, long patients, char *path, size_t cap);

/* Copy a database file to `to` (removing any -wal/-shm files of `to` first). 0 or -1. */
int bench_copy_db(const char *from, const char *to);

/* A server child process: its pid, its port and its stdout (kept open until it stops, so a late
 * line never meets a closed pipe). Its stderr (the access log) goes to /dev/null. */
struct bench_server {
    pid_t pid;
    int port;
    FILE *out;
};

/* Start argv[0] with `argv` (NULL-terminated) and, when `port` > 0, return at once (the caller
 * polls); otherwise wait for its "listening on http://127.0.0.1:PORT" line and set s->port.
 * Returns 0, or -1 (nothing left running). */
int bench_server_start(char *const argv[], int port, struct bench_server *s);

#define BENCH_READY_PATH "/login" /* a public page: the server listens once all is loaded */

/* Start `BIN serve --db DB --listen 127.0.0.1:PORT` on a free port and poll GET BENCH_READY_PATH
 * every millisecond until it answers 200 (at most 600 s): the seconds from the fork to that
 * answer in *ready_s. Returns 0, or -1 (nothing left running; a message is printed). */
int bench_serve_ready(const char *bin, const char *db, struct bench_server *s, double *ready_s);

#define BENCH_STARTUP_RUNS 3

/* Start-up of `BIN serve --db DB`: the median and best time to ready of BENCH_STARTUP_RUNS
 * starts, and VmRSS of the last one right after start-up and after one GET /oversikt as the demo
 * analyst. 0 or -1 (a message is printed). */
struct bench_startup {
    double median_ms, best_ms, rss_ready_mb, rss_dashboard_mb;
};
int bench_startup_measure(const char *bin, const char *db, struct bench_startup *out);

/* SIGTERM, wait, close. Safe on a server that never started. */
void bench_server_stop(struct bench_server *s);

/* A free loopback port (bound and released), or 0. */
int bench_free_port(void);

/* VmRSS of process `pid` in MB, or 0 when unknown. */
double bench_rss_mb(pid_t pid);

/* POST /api/v1/login as `user`: the session cookie as "name=value" and the CSRF token. Returns 0
 * or -1 (a message is printed). */
int bench_login(int port, const char *user, const char *password, char *cookie, size_t cookie_cap,
                char *csrf, size_t csrf_cap);

/* GET `path` with `cookie` (or NULL): the status, and the body's size in *bytes. -1 when no
 * answer came. */
long bench_get(int port, const char *path, const char *cookie, size_t *bytes);

/* qsort() comparison of doubles. */
int bench_double_cmp(const void *a, const void *b);

/* "AMD EPYC ..." from /proc/cpuinfo. */
void bench_cpu_model(char *out, size_t cap);

/* Append "key value" to the file named by $STEGVIS_BENCH_SUMMARY (scripts/bench reads it to
 * build the one summary table); nothing when it is not set. */
void bench_summary(const char *key, double value);

#endif
