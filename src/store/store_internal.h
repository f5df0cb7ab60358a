/* store_internal.h - what the files of the store share (store__ prefix); not an interface for
 * anyone else.
 *
 * Backends: the record logic (store_people.c, store_records.c, ...) is written once, against the
 * small statement interface below; a backend (sqlite_backend.c, pg_backend.c) supplies the
 * connections, prepared statements, transactions and the mapping of its errors, as a table of
 * functions (struct store__backend). SQL is written once too: `?` parameters, INTEGER/BIGINT/TEXT
 * columns, RETURNING, ON CONFLICT; the PostgreSQL backend numbers the `?` as $1, $2, ...
 *
 * Connections: each thread that reads gets a connection of its own (a pthread key), and the
 * writer threads (one on SQLite, several on PostgreSQL: store__backend.writers) each own a
 * connection that writes. Every connection caches its prepared
 * statements, keyed by the address of the statement's static SQL text, so each statement's SQL
 * sits next to the code that uses it and is prepared once per connection (and again after a
 * lost connection is re-established).
 *
 * Writes: a caller wraps its change in a job function and calls store__write(), which queues the
 * job and waits until the writer has committed it: a caller running as a coroutine (a request's
 * handler, core/coro.h) parks, any other sleeps on the job's semaphore. The writer runs every
 * waiting job in one transaction with each job's audit row after it, commits once and then wakes
 * each caller with its own result. When one of several jobs fails, that transaction is rolled back
 * and the jobs run again, each inside its own SAVEPOINT, so that the failing one is rolled back
 * alone: a job may run twice, and must depend on nothing but its arguments and the database. A job
 * runs on the writer's connection and must leave every statement it used reset; it stops at its
 * first failing statement (PostgreSQL refuses more until the rollback).
 */
#ifndef STEGVIS_STORE_INTERNAL_H
#define STEGVIS_STORE_INTERNAL_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>

#include "schema.h"
#include "store.h"

#define STORE__CACHE_SLOTS     256  /* prepared statements per connection (open addressing) */
#define STORE__BATCH_MAX       1000 /* jobs committed together at most */
#define STORE__WRITERS_MAX     8    /* writer threads at most (store__backend.writers) */
#define STORE__BUSY_TIMEOUT_MS 5000

struct store__conn;

/* A prepared statement of a backend; every backend's statement starts with this. */
struct store__stmt {
    struct store__conn *conn;
};

/* What a backend supplies. Statements: bind (1-based), step, read columns (0-based) of the
 * current row, reset. Texts given to bind are copied. */
struct store__backend {
    const char *name; /* "sqlite", "postgres" */
    enum schema_dialect dialect;
    const char *sql_begin;         /* starts a write transaction */
    const char *sql_has_meta;      /* one row: 1 when the table `meta` exists */
    const char *sql_table_count;   /* one row: how many tables there are */
    const char *sql_schema_lock;   /* run first in a schema change's transaction; NULL: none */
    const char *sql_change_mark;   /* one row: the change cursor now (store_changes_*) */
    const char *sql_changes_since; /* rows (cursor, episode id or NULL) after the cursor bound */
    /* Taken before a job adds a patient's response (shared) or risk review (exclusive), with the
     * patient id as the one parameter, held to the end of the transaction: on a backend where
     * several transactions write at once, a review then never overlaps a new response of the
     * same patient, so "stored before the review" (store_risk_unresolved) is the order they
     * committed in, while responses never wait for each other. NULL where writes are serialised
     * anyway (SQLite). */
    const char *sql_lock_patient_shared, *sql_lock_patient;
    int writers; /* writer threads, each a connection and a transaction of its own (1..MAX) */

    /* Connect to `target` (a file or a conninfo); ERR_NOT_FOUND when a file does not exist and
     * `create` is false. */
    enum err_code (*open)(const char *target, bool create, bool read_only, void **handle,
                          struct error *err);
    void (*close)(void *handle);
    /* Whether the connection still works; when not, store__stmt reconnects. */
    bool (*healthy)(void *handle);
    enum err_code (*reconnect)(void *handle, struct error *err);
    enum err_code (*prepare)(struct store__conn *conn, const char *sql, struct store__stmt **out,
                             struct error *err);
    void (*finalize)(struct store__stmt *stmt);
    void (*bind_int64)(struct store__stmt *stmt, int index, long long value);
    void (*bind_text)(struct store__stmt *stmt, int index, const char *text, size_t len);
    void (*bind_null)(struct store__stmt *stmt, int index);
    int (*param_count)(struct store__stmt *stmt);
    /* 1 with a row, 0 when done, or a negative err_code with `err` filled. */
    int (*step)(struct store__stmt *stmt, struct error *err);
    void (*reset)(struct store__stmt *stmt);
    long long (*column_int64)(struct store__stmt *stmt, int col);
    const char *(*column_text)(struct store__stmt *stmt, int col, size_t *len); /* NULL: NULL */
    long long (*changes)(struct store__conn *conn); /* rows the last statement changed */
    bool (*in_transaction)(struct store__conn *conn);
    /* A transaction is open, or a statement is part-way through its rows (holding a snapshot). */
    bool (*busy)(struct store__conn *conn);
    /* Several statements separated by semicolons, no parameters, no rows. */
    enum err_code (*exec_script)(struct store__conn *conn, const char *sql, struct error *err);
    /* Settings for a bulk load's connection. */
    enum err_code (*tune_bulk)(struct store__conn *conn, struct error *err);
};

extern const struct store__backend store__sqlite_backend;
extern const struct store__backend store__pg_backend;

struct store__cached_stmt {
    const char *sql; /* the key: address of a static string */
    struct store__stmt *stmt;
};

struct store__conn {
    const struct store__backend *backend;
    void *handle; /* the backend's connection */
    struct store *store;
    struct store__conn *next; /* in store->readers */
    int cached;
    struct store__cached_stmt cache[STORE__CACHE_SLOTS];
};

/* Changes one job makes, run by the writer inside the job's savepoint. On error the savepoint is
 * rolled back, so a job may stop half-way. */
typedef enum err_code (*store__job_fn)(struct store__conn *conn, void *arg, struct error *err);

struct store__job {
    store__job_fn run; /* NULL: only the audit row */
    void *arg;
    const struct store_audit *audit; /* NULL: none */
    enum err_code rc;
    struct error err;
    sem_t done; /* posted by the writer once rc is final; the caller then owns the job again */
    struct coro *coro;   /* instead of `done`: the parked coroutine the writer wakes */
    long long order_key; /* the patient whose rows it locks (0: none known); see sort_batch */
    struct store__job *next;
};

struct store {
    const struct store__backend *backend;
    char *target; /* the SQLite file, or the PostgreSQL conninfo */

    pthread_mutex_t lock;      /* guards the queue, `stopping`, the stats and `readers` */
    pthread_cond_t queue_cond; /* signalled when a job is queued or the store stops */
    struct store__job *queue_head, *queue_tail;
    bool stopping;
    long long writes, commits;

    struct store__writer {
        struct store *store;
        struct store__conn *conn;
        pthread_t thread;
        bool started;
    } writers[STORE__WRITERS_MAX];
    int writer_count;

    pthread_key_t reader_key;
    bool reader_key_made;
    struct store__conn *readers; /* every open reader connection, to close them at the end */
};

/* ---- connections (store_conn.c) ---- */

/* The backend and target of `url`: "postgres://..." or "postgresql://..." (a libpq URI, kept
 * whole), else "sqlite:FILE", "sqlite://FILE" or a plain FILE; ERR_INVALID when empty. */
enum err_code store__url_parse(const char *url, const struct store__backend **backend,
                               const char **target, struct error *err) WARN_UNUSED;

/* A new connection of `backend` to `target` (store__conn_free). */
enum err_code store__conn_connect(const struct store__backend *backend, const char *target,
                                  bool create, bool read_only, struct store__conn **out,
                                  struct error *err) WARN_UNUSED;

/* store__conn_connect to the store's database. */
enum err_code store__conn_open(struct store *store, bool create, bool read_only,
                               struct store__conn **out, struct error *err) WARN_UNUSED;

/* Finalize the cached statements and close. NULL is allowed. */
void store__conn_free(struct store__conn *conn);

/* Make the pthread key that holds each thread's read connection (at store_open). */
enum err_code store__readers_init(struct store *store, struct error *err) WARN_UNUSED;

/* The calling thread's read connection, opened on first use. */
enum err_code store__reader(struct store *store, struct store__conn **out,
                            struct error *err) WARN_UNUSED;

/* Close every reader connection (at store_close, when no other thread uses the store). */
void store__readers_close(struct store *store);

/* The cached statement for `sql` (a static string) on `conn`, reset and without bindings; a
 * connection that was lost is re-established first (its statements prepared anew).
 * Give it back with store__done(). */
enum err_code store__stmt(struct store__conn *conn, const char *sql, struct store__stmt **out,
                          struct error *err) WARN_UNUSED;

/* store__stmt on the calling thread's read connection. */
enum err_code store__read(struct store *store, const char *sql, struct store__stmt **out,
                          struct error *err) WARN_UNUSED;

/* Reset `stmt` and clear its bindings, ready for the next use. NULL is allowed. */
void store__done(struct store__stmt *stmt);

/* Run `sql` (no rows expected) on `conn`'s cached statement. */
enum err_code store__exec(struct store__conn *conn, const char *sql, struct error *err) WARN_UNUSED;

/* Begin a write transaction on `conn` (the backend's BEGIN). */
enum err_code store__begin(struct store__conn *conn, struct error *err) WARN_UNUSED;

/* Roll back the open transaction of `conn`, if there is one (errors ignored). */
void store__rollback(struct store__conn *conn);

/* Whether `conn` is inside a transaction (false also when the database ended it). */
bool store__in_transaction(struct store__conn *conn);

/* Several statements without parameters (the migrations). */
enum err_code store__exec_script(struct store__conn *conn, const char *sql,
                                 struct error *err) WARN_UNUSED;

/* Settings for a bulk load's connection (SQLite: a large page cache). */
enum err_code store__tune_bulk(struct store__conn *conn, struct error *err) WARN_UNUSED;

/* Step once: 1 with a row, 0 when done, or a negative err_code with `err` filled. */
int store__step(struct store__stmt *stmt, struct error *err) WARN_UNUSED;

/* Step a statement that returns no rows (or whose rows are ignored) to completion, then
 * store__done() it. ERR_OK or the mapped error. */
enum err_code store__step_done(struct store__stmt *stmt, struct error *err) WARN_UNUSED;

/* Rows the last statement stepped on `conn` changed. */
long long store__changes(struct store__conn *conn);

/* Run every row of `stmt` through `read_row` into a new array of `size`-byte elements (*out,
 * free(); NULL when there are none) and store__done() it. On error *out is NULL. */
enum err_code store__collect(struct store__stmt *stmt, size_t size,
                             void (*read_row)(struct store__stmt *stmt, void *elem), void **out,
                             int *count, struct error *err) WARN_UNUSED;

/* Take the backend's lock on patient `patient_id`, shared (a response) or `exclusive` (a risk
 * review, a new episode), for the rest of the job's transaction (store__backend.sql_lock_patient;
 * nothing on SQLite) (store_conn.c). */
enum err_code store__lock_patient(struct store__conn *conn, long long patient_id, bool exclusive,
                                  struct error *err) WARN_UNUSED;

/* ---- the change log (store_changes.c) ---- */

/* Log that the record of episode `episode_id` changed (nothing for 0), in the job's savepoint. */
enum err_code store__episode_changed(struct store__conn *conn, long long episode_id,
                                     struct error *err) WARN_UNUSED;
/* The same for the episode of appointment `appointment_id`. */
enum err_code store__appointment_changed(struct store__conn *conn, long long appointment_id,
                                         struct error *err) WARN_UNUSED;

/* ---- SQLite only (sqlite_backup.c) ---- */

/* Copy the SQLite database open on `handle` (a sqlite3 *) to `path` in one consistent snapshot,
 * written as PATH.partial and renamed. ERR_INVALID when `path` is the database itself. */
enum err_code store__sqlite_backup(void *handle, const char *path, struct error *err) WARN_UNUSED;

/* ---- errors (store_errors.c) ---- */

enum store__violation {
    STORE__UNIQUE,
    STORE__CHECK,
    STORE__FOREIGN_KEY,
    STORE__NOT_NULL,
    STORE__TRIGGER
};

/* The error for a broken constraint named `name` (SQLite's or PostgreSQL's name; NULL when
 * unknown): a taken unique value is ERR_CONFLICT naming the field, a CHECK is ERR_INVALID naming
 * the field, a missing referenced row ERR_NOT_FOUND, the audit log's triggers ERR_FORBIDDEN.
 * `detail` is the database's own message, used when the name is not one of ours. */
enum err_code store__violation_error(enum store__violation kind, const char *name,
                                     const char *detail, struct error *err);

/* ---- binding and reading columns (store_conn.c) ---- */

void store__bind_int64(struct store__stmt *stmt, int index, long long value);
void store__bind_int(struct store__stmt *stmt, int index, int value);
void store__bind_null(struct store__stmt *stmt, int index);
/* Bind a NUL-terminated text. */
void store__bind_str(struct store__stmt *stmt, int index, const char *text);
/* Bind the text of a fixed-size field (`size` = sizeof the field; need not be terminated). */
void store__bind_text(struct store__stmt *stmt, int index, const char *text, size_t size);
/* Bind text, or NULL when it is empty (optional references such as municipality_code). */
void store__bind_text_or_null(struct store__stmt *stmt, int index, const char *text, size_t size);
/* Bind an id, or NULL when it is 0 ("none"). */
void store__bind_id(struct store__stmt *stmt, int index, long long id);
/* How many parameters the statement has. */
int store__param_count(struct store__stmt *stmt);

/* Column values of the current row; NULL reads as 0 or "". */
long long store__column_int64(struct store__stmt *stmt, int col);
int store__column_int(struct store__stmt *stmt, int col);
const char *store__column_str(struct store__stmt *stmt, int col);
bool store__column_is_null(struct store__stmt *stmt, int col);
/* Copy column `col` (NULL as "") into `dst` of `size` bytes, truncated at a UTF-8 boundary. */
void store__column_text(struct store__stmt *stmt, int col, char *dst, size_t size);

#define STORE__BIND_FIELD(stmt, index, field)                                                      \
    store__bind_text((stmt), (index), (field), sizeof(field))
#define STORE__COLUMN_FIELD(stmt, col, field)                                                      \
    store__column_text((stmt), (col), (field), sizeof(field))

/* ---- the writer (store_writer.c) ---- */

/* Open the writers' connections (the first, writers[0].conn, is open already: store_open made
 * the schema on it) and start their threads. */
enum err_code store__writer_start(struct store *store, struct error *err) WARN_UNUSED;

/* Commit what is queued, then stop and join the writers and close their connections. */
void store__writer_stop(struct store *store);

/* Queue a job and wait until it is committed or failed: its result, with `err` filled. */
enum err_code store__write(struct store *store, store__job_fn run, void *arg,
                           const struct store_audit *audit, struct error *err) WARN_UNUSED;

/* store__write for a job that locks rows of patient `patient_id` (a response, a risk review, an
 * episode): with several writers, each runs its batch in patient order, so two transactions
 * never take two patients' locks (the triage_risk index entries, the advisory locks) in opposite
 * orders and wait for each other until PostgreSQL's deadlock_timeout (1 s) breaks the tie. */
enum err_code store__write_for_patient(struct store *store, long long patient_id, store__job_fn run,
                                       void *arg, const struct store_audit *audit,
                                       struct error *err) WARN_UNUSED;

/* Seconds since 1970 now. */
long long store__now(void);

/* ---- shared pieces of jobs ---- */

/* Insert `audit` (at = now when 0) on the writer's connection (store_audit.c). */
enum err_code store__audit_insert(struct store__conn *conn, const struct store_audit *audit,
                                  struct error *err) WARN_UNUSED;

/* ERR_OK when the row `sql` selects for `id` exists, else ERR_NOT_FOUND with `field` and the
 * message "<what> <id> not found" (store_conn.c). */
enum err_code store__must_exist(struct store__conn *conn, const char *sql, long long id,
                                const char *field, const char *what, struct error *err) WARN_UNUSED;

/* ERR_NOT_FOUND ("WHAT CODE not found", `field`) unless `sql` (one text parameter) finds a row
 * for `code` (at most `size` bytes). */
enum err_code store__code_must_exist(struct store__conn *conn, const char *sql, const char *code,
                                     size_t size, const char *field, const char *what,
                                     struct error *err) WARN_UNUSED;

/* ERR_OK when the municipality `code` (a field of `size` bytes) exists, else ERR_NOT_FOUND with
 * field "municipality_code". */
enum err_code store__municipality_must_exist(struct store__conn *conn, const char *code,
                                             size_t size, struct error *err) WARN_UNUSED;

/* Step an INSERT ... RETURNING id and put the id in *id. */
enum err_code store__insert_id(struct store__stmt *stmt, long long *id,
                               struct error *err) WARN_UNUSED;

/* Read the one row `stmt` selects into `out` with `read_row`, then store__done() it. None is
 * ERR_NOT_FOUND with `field` and the message `fmt`. */
enum err_code store__get_one(struct store__stmt *stmt,
                             void (*read_row)(struct store__stmt *stmt, void *out), void *out,
                             const char *field, struct error *err, const char *fmt, ...) WARN_UNUSED
    __attribute__((format(printf, 6, 7)));

/* Zero `out` (`size` bytes) and read the row `sql` selects for the id (its one parameter) on
 * the calling thread's read connection; ERR_NOT_FOUND "<what> <id> not found" (field "id"). */
enum err_code store__get_by_id(struct store *store, const char *sql, long long id,
                               void (*read_row)(struct store__stmt *stmt, void *out), void *out,
                               size_t size, const char *what, struct error *err) WARN_UNUSED;

/* Every row `sql` selects into a new array, as store__collect, on the calling thread's read
 * connection; `id` is bound to the one parameter unless the statement has none. */
enum err_code store__list(struct store *store, const char *sql, long long id, size_t size,
                          void (*read_row)(struct store__stmt *stmt, void *elem), void **out,
                          int *count, struct error *err) WARN_UNUSED;

/* ERR_NOT_FOUND with `field` and the message `fmt` when the UPDATE or DELETE just stepped on
 * `conn` changed no row. */
enum err_code store__changed(struct store__conn *conn, const char *field, struct error *err,
                             const char *fmt, ...) WARN_UNUSED
    __attribute__((format(printf, 4, 5)));

/* A response `r` with the risk flag (FLAG_RISK = bit 0, a literal so that the partial index
 * response_risk serves it) stored after its patient's latest risk review: the one definition of
 * an unresolved risk flag (store.h, store_risk_unresolved). */
#define STORE__RISK_UNRESOLVED                                                                     \
    "(r.flags & 1) <> 0 AND r.id > COALESCE((SELECT MAX(v.through_response_id) "                   \
    "FROM risk_review v WHERE v.patient_id = r.patient_id), 0)"

/* The columns store__read_response() reads, in its order, and the reader (store_records.c). */
#define STORE__RESPONSE_COLUMNS                                                                    \
    "SELECT id, patient_id, episode_id, instrument, answers, total, band, severity, flags, "       \
    "answered_at, entered_by, channel FROM response "
void store__read_response(struct store__stmt *stmt, void *elem);

/* The statements store__must_exist takes (store_conn.c). */
extern const char store__sql_patient_exists[];
extern const char store__sql_episode_exists[];
extern const char store__sql_unit_exists[];
extern const char store__sql_staff_exists[];

/* Insert the region in `region_json` (municipalities, units, interventions and which unit offers
 * which) on `conn`, inside the caller's transaction (store_seed.c). ERR_INVALID naming the JSON
 * path of what is wrong. */
enum err_code store__seed_region(struct store__conn *conn, const char *region_json,
                                 struct error *err) WARN_UNUSED;

/* The response columns every INSERT lists, in the order store__bind_response binds them. */
#define STORE__RESPONSE_INSERT_COLUMNS                                                             \
    "patient_id, episode_id, instrument, answers, total, band, severity, flags, answered_at, "     \
    "entered_by, channel"
#define STORE__RESPONSE_VALUES "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"

/* Bind a response's columns 1-11 (store_records.c): the one column order of response INSERTs. */
void store__bind_response(struct store__stmt *stmt, const struct store_response *response);

/* The INSERT of each record (with RETURNING id) and its binder, in the file that owns the record:
 * one statement and one column order for the writer's jobs and the bulk load alike. */
extern const char store__sql_staff_insert[];
void store__bind_staff(struct store__stmt *stmt, const struct store_staff *staff);
extern const char store__sql_patient_insert[];
void store__bind_patient(struct store__stmt *stmt, const struct store_patient *patient);
extern const char store__sql_episode_insert[];
void store__bind_episode(struct store__stmt *stmt, const struct store_episode *episode);
extern const char store__sql_assessment_insert[];
void store__bind_assessment(struct store__stmt *stmt, const struct store_assessment *assessment);
extern const char store__sql_appointment_insert[];
void store__bind_appointment(struct store__stmt *stmt, const struct store_appointment *appointment);
extern const char store__sql_risk_review_insert[];
void store__bind_risk_review(struct store__stmt *stmt, const struct store_risk_review *review);
extern const char store__sql_response_insert[];
extern const char store__sql_contract_history_insert[];
extern const char store__sql_contract_put[]; /* insert or replace the current version */
void store__bind_contract(struct store__stmt *stmt, const struct store_contract *contract);

#endif
