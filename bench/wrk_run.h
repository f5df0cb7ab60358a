/* wrk_run.h - what bench_http and bench_postgres share about load over HTTP: running wrk with
 * bench/submit.lua or bench/read.lua (one run, or several at the same time against different
 * servers), the target episodes of the demo clinician's unit read from a SQLite demo file, the
 * timeline's mean size, the rows-against-2xx check, and the figures' rows and summary keys.
 * Needs STEGVIS_BENCH_LUA_DIR defined (the bench/ folder) where it is compiled. */
#ifndef STEGVIS_BENCH_WRK_RUN_H
#define STEGVIS_BENCH_WRK_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "harness.h"

#define WRK_UNIT_CODE "GOTTSUNDA" /* anna's unit in the demo */
#define WRK_CLINICIAN "anna"
#define WRK_PASSWORD  "demo-klinik-2026"

struct wrk_result {
    long requests, ok, not_ok, socket_errors;
    double seconds, p50_ms, p99_ms;
    char statuses[256]; /* "201 x N, 403 x M" */
};

/* A wrk process under way (wrk_start) until wrk_finish reads its figures. */
struct wrk_process {
    FILE *pipe;
    char label[160];
};

/* The files the wrk scripts read: targets ("PATIENT EPISODE" lines), the target patients'
 * timeline paths, and the triage path. */
struct wrk_files {
    char targets[BENCH_PATH_CAP], timelines[BENCH_PATH_CAP], triage[BENCH_PATH_CAP];
};

/* $STEGVIS_BENCH_SECONDS, or 10: each wrk run's length. */
int wrk_seconds(void);

/* Start `wrk -t2 -cCONNECTIONS -dNs --latency -s bench/SCRIPT http://127.0.0.1:PORT/` with the
 * current environment (the STEGVIS_BENCH_* variables the script reads). 0 or -1. */
int wrk_start(const char *label, const char *script, int connections, int port,
              struct wrk_process *w);

/* Wait for `w` to end and read its figures into `r` (its own output is echoed). Answers that were
 * not 2xx and socket errors are reported loudly. 0, or -1 when wrk failed. */
int wrk_finish(struct wrk_process *w, struct wrk_result *r);

/* wrk_start then wrk_finish. */
int wrk_run(const char *label, const char *script, int connections, int port, struct wrk_result *r);

/* 2xx answers per second. */
double wrk_rate(const struct wrk_result *r);

/* "| label | 2xx/s | p50 | p99 | 2xx | not 2xx | socket errors |" */
void wrk_row(const char *label, const struct wrk_result *r);

/* PREFIX.NAME_rps, _p50_ms, _p99_ms, _errors into the summary file. */
void wrk_summary(const char *prefix, const char *name, const struct wrk_result *r);

/* New response rows (`added`) against the 2xx answers wrk counted: wrk stops with requests in
 * flight that the server still finishes, so up to `in_flight` more rows are fine; fewer would
 * mean a lost acknowledged write. Prints the verdict, writes `key` (1 or 0); true when fine. */
bool wrk_check_rows(const char *key, long long added, long ok, int in_flight);

/* The files in DIR/bench-cache/PREFIX-*.txt, for the open episodes at WRK_UNIT_CODE in the
 * SQLite demo file `db`. Returns how many targets, or -1. */
int wrk_write_targets(const char *dir, const char *prefix, const char *db, struct wrk_files *f);

/* Log in as WRK_CLINICIAN on `port`, export the session to the scripts
 * (STEGVIS_BENCH_COOKIE/CSRF/TARGETS/LUA_DIR), and return the mean size of the target patients'
 * timelines (one GET each), or 0 on failure. */
long wrk_prepare(int port, const struct wrk_files *f);

#endif
