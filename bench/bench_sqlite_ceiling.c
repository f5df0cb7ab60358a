/* bench_sqlite_ceiling.c - the ceiling for durable submissions: only the inserts one questionnaire
 * submission makes (its response row and its audit row), straight into SQLite with the store's
 * schema (schema_migration_sql) and durability (WAL, synchronous=FULL, foreign keys on), with no
 * HTTP, JSON, sessions or scoring. Measured two ways, each for a few seconds on a fresh file:
 * one submission per transaction (one fsync each: what a server without group commit can reach)
 * and 100 per transaction (what group commit can reach). Prints submissions/s; nothing here is a
 * test. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "store/schema.h"

#define RUN_SECONDS_DEFAULT 3.0
#define BATCH               100

static const char sql_setup[] =
    "INSERT INTO municipality (code, name) VALUES ('0380', 'Uppsala');"
    "INSERT INTO unit (id, code, name, kind, municipality_code) "
    "  VALUES (1, 'GOTTSUNDA', 'Gottsunda vårdcentral', 'vardcentral', '0380');"
    "INSERT INTO staff (id, username, display_name, role, unit_id, pw_hash) "
    "  VALUES (1, 'anna', 'Anna', 'clinician', 1, 'x');"
    "INSERT INTO patient (id, pnr, name, birth_date, sex, municipality_code, listed_unit_id, "
    "  created_at) VALUES (1, '196408233234', 'Karl', '1964-08-23', 'M', '0380', 1, 0);"
    "INSERT INTO episode (id, patient_id, unit_id, source, referred_at) "
    "  VALUES (1, 1, 1, 'clinic', 0);";

/* The store's statements (src/store/sqlite_records.c and sqlite_audit.c). */
static const char sql_response[] =
    "INSERT INTO response (patient_id, episode_id, instrument, answers, total, band, severity, "
    "flags, answered_at, entered_by, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "RETURNING id";
static const char sql_audit[] =
    "INSERT INTO audit (at, actor_id, actor, action, patient_id, emergency, detail) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";

struct ceiling {
    sqlite3 *db;
    sqlite3_stmt *response, *audit, *begin, *commit;
};

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    fprintf(stderr, "bench_sqlite_ceiling: %s\n", msg != NULL ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
}

static int create_schema(sqlite3 *db)
{
    for (int v = 1; v <= schema_latest(); v++) {
        char *sql = schema_migration_sql(v, SCHEMA_SQLITE);
        int rc = sql != NULL ? exec(db, sql) : -1;
        free(sql);
        if (rc != 0)
            return -1;
    }
    return exec(db, sql_setup);
}

static int step_done(sqlite3_stmt *stmt)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* One submission: the response row and its audit row, as the store binds them. */
static int insert_submission(struct ceiling *c, long long i)
{
    long long now = (long long)time(NULL);
    sqlite3_stmt *r = c->response, *a = c->audit;
    sqlite3_bind_int64(r, 1, 1);
    sqlite3_bind_int64(r, 2, 1);
    sqlite3_bind_text(r, 3, "phq9", -1, SQLITE_STATIC);
    sqlite3_bind_text(r, 4, "[1,2,3,0,1,2,3,0,1]", -1, SQLITE_STATIC);
    sqlite3_bind_int(r, 5, 13);
    sqlite3_bind_text(r, 6, "moderate", -1, SQLITE_STATIC);
    sqlite3_bind_int(r, 7, 2);
    sqlite3_bind_int(r, 8, (int)(i & 1));
    sqlite3_bind_int64(r, 9, now);
    sqlite3_bind_int64(r, 10, 1);
    sqlite3_bind_text(r, 11, "clinic", -1, SQLITE_STATIC);
    sqlite3_bind_int64(a, 1, now);
    sqlite3_bind_int64(a, 2, 1);
    sqlite3_bind_text(a, 3, "anna", -1, SQLITE_STATIC);
    sqlite3_bind_text(a, 4, "response.create", -1, SQLITE_STATIC);
    sqlite3_bind_int64(a, 5, 1);
    sqlite3_bind_int(a, 6, 0);
    sqlite3_bind_text(a, 7, "", -1, SQLITE_STATIC);
    return step_done(r) == 0 && step_done(a) == 0 ? 0 : -1;
}

/* Submissions per second with `per_txn` of them in each transaction, for `seconds`. */
static double measure(struct ceiling *c, int per_txn, double seconds, long long *rows)
{
    double t0 = bench_now(), elapsed = 0;
    long long n = 0;
    while (elapsed < seconds) {
        if (step_done(c->begin) != 0)
            return -1;
        for (int i = 0; i < per_txn; i++)
            if (insert_submission(c, n++) != 0)
                return -1;
        if (step_done(c->commit) != 0)
            return -1;
        elapsed = bench_now() - t0;
    }
    *rows = n;
    return (double)n / elapsed;
}

static int ceiling_open(const char *path, struct ceiling *c)
{
    memset(c, 0, sizeof(*c));
    if (sqlite3_open(path, &c->db) != SQLITE_OK ||
        exec(c->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                    "PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 67108864;") != 0 ||
        create_schema(c->db) != 0)
        return -1;
    if (sqlite3_prepare_v2(c->db, sql_response, -1, &c->response, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, sql_audit, -1, &c->audit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "BEGIN IMMEDIATE", -1, &c->begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "COMMIT", -1, &c->commit, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_sqlite_ceiling: %s\n", sqlite3_errmsg(c->db));
        return -1;
    }
    return 0;
}

static void ceiling_close(struct ceiling *c)
{
    sqlite3_finalize(c->response);
    sqlite3_finalize(c->audit);
    sqlite3_finalize(c->begin);
    sqlite3_finalize(c->commit);
    sqlite3_close(c->db);
}

static void remove_db(const char *path)
{
    char side[BENCH_PATH_CAP + 8];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

/* One measurement on a fresh file. */
static double run(const char *dir, int per_txn, double seconds, long long *rows)
{
    char path[BENCH_PATH_CAP];
    snprintf(path, sizeof(path), "%s/bench-cache/ceiling.db", dir);
    remove_db(path);
    struct ceiling c;
    double rate = ceiling_open(path, &c) == 0 ? measure(&c, per_txn, seconds, rows) : -1;
    ceiling_close(&c);
    remove_db(path);
    return rate;
}

int main(void)
{
    char dir[BENCH_DIR_CAP], cache[BENCH_DIR_CAP + 16];
    bench_exe_dir(dir, sizeof(dir));
    snprintf(cache, sizeof(cache), "%s/bench-cache", dir);
    mkdir(cache, 0755);
    const char *env = getenv("STEGVIS_BENCH_CEILING_SECONDS");
    double seconds = env != NULL && atof(env) > 0 ? atof(env) : RUN_SECONDS_DEFAULT;
    long long rows1 = 0, rows100 = 0;
    double one = run(dir, 1, seconds, &rows1);
    double batched = run(dir, BATCH, seconds, &rows100);
    if (one < 0 || batched < 0)
        return 1;
    printf("SQLite %s, WAL, synchronous=FULL, foreign keys on; one submission = one response "
           "row + one audit row (the store's schema and INSERTs), %.0f s each on a fresh file "
           "in %s\n\n",
           sqlite3_libversion(), seconds, cache);
    printf("| transactions | submissions/s | submissions |\n|---|---:|---:|\n");
    printf("| one per transaction | %.0f | %lld |\n", one, rows1);
    printf("| %d per transaction | %.0f | %lld |\n", BATCH, batched, rows100);
    bench_summary("ceiling.submit_1", one);
    bench_summary("ceiling.submit_100", batched);
    return 0;
}
