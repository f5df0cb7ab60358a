/* store_bulk.c - bulk loads (see store.h): many rows in chunked transactions on a connection of
 * their own.
 *
 * Why chunks and not one transaction per row: with synchronous=FULL each COMMIT costs an fsync,
 * which caps a row-per-transaction load near the disk's fsync rate; ten thousand rows per
 * commit keep every committed chunk durable at a tiny fraction of that cost. Why not one
 * transaction for the whole load: a million patients would pile gigabytes into the WAL before
 * its first checkpoint. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct store_bulk {
    struct store__conn *conn;
    int chunk_rows;
    int pending; /* rows in the open transaction */
    bool open;   /* a transaction is open */
    enum err_code failed;
    struct error failure;
    struct store_bulk_stats stats;
};

static const char sql_commit[] = "COMMIT";
static const char sql_has_people[] =
    "SELECT EXISTS (SELECT 1 FROM patient) OR EXISTS (SELECT 1 FROM staff)";

static const char sql_training[] =
    "INSERT INTO training (staff_id, course, completed_at) VALUES (?, ?, ?)";
/* As in store_records.c: the review covers the patient's responses stored before it. */

/* ---- transactions ---- */

static void rollback(struct store_bulk *bulk)
{
    if (bulk->open)
        store__rollback(bulk->conn);
    bulk->open = false;
    bulk->pending = 0;
}

/* Remember the first error (`why`), roll back the open chunk, and give the error to `err`. */
static enum err_code fail(struct store_bulk *bulk, enum err_code rc, const struct error *why,
                          struct error *err)
{
    rollback(bulk);
    bulk->failed = rc;
    bulk->failure = *why;
    if (err != NULL)
        *err = *why;
    return rc;
}

static enum err_code commit_chunk(struct store_bulk *bulk, struct error *err)
{
    struct error why;
    error_clear(&why);
    enum err_code rc = store__exec(bulk->conn, sql_commit, &why);
    if (rc != ERR_OK)
        return fail(bulk, rc, &why, err);
    bulk->open = false;
    bulk->pending = 0;
    bulk->stats.commits++;
    return ERR_OK;
}

/* Ready the statement `sql` for one more row: an earlier failure is returned again; before a
 * `boundary` row (a patient, a staff member) a full chunk is committed; a transaction is opened
 * when none is. */
static enum err_code row_start(struct store_bulk *bulk, bool boundary, const char *sql,
                               struct store__stmt **stmt, struct error *err)
{
    struct error why;
    error_clear(&why);
    if (bulk->failed != ERR_OK) {
        if (err != NULL)
            *err = bulk->failure;
        return bulk->failed;
    }
    enum err_code rc = ERR_OK;
    if (boundary && bulk->open && bulk->pending >= bulk->chunk_rows)
        rc = commit_chunk(bulk, err);
    if (rc != ERR_OK)
        return rc;
    if (!bulk->open) {
        rc = store__begin(bulk->conn, &why);
        if (rc != ERR_OK)
            return fail(bulk, rc, &why, err);
        bulk->open = true;
    }
    rc = store__stmt(bulk->conn, sql, stmt, &why);
    if (rc != ERR_OK)
        return fail(bulk, rc, &why, err);
    return ERR_OK;
}

/* Step the bound INSERT `stmt`, count the row and, when `id` is not NULL, set it. */
/* Run a row's INSERT. Statements that return the new id (RETURNING id, the writer's own
 * statements) give it as a row; the others (contracts) just finish. */
static enum err_code row_insert(struct store_bulk *bulk, struct store__stmt *stmt, long long *id,
                                struct error *err)
{
    struct error why;
    error_clear(&why);
    enum err_code rc = id != NULL ? store__insert_id(stmt, id, &why) : store__step_done(stmt, &why);
    if (rc != ERR_OK)
        return fail(bulk, rc, &why, err);
    bulk->pending++;
    bulk->stats.rows++;
    return ERR_OK;
}

/* ---- begin, commit, abort ---- */

static enum err_code check_empty(struct store__conn *conn, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_has_people, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int row = store__step(stmt, err);
    bool has_people = row == 1 && store__column_int(stmt, 0) != 0;
    store__done(stmt);
    if (row < 0)
        return (enum err_code)row;
    if (has_people)
        return error_set(err, ERR_CONFLICT, "db", "the database already holds patients or staff");
    return ERR_OK;
}

static enum err_code open_connection(struct store *store, struct store_bulk *bulk,
                                     struct error *err)
{
    enum err_code rc = store__conn_open(store, false, false, &bulk->conn, err);
    if (rc != ERR_OK)
        return rc;
    return store__tune_bulk(bulk->conn, err);
}

enum err_code store_bulk_begin(struct store *store, const struct store_bulk_options *opts,
                               const struct store_audit *audit, struct store_bulk **out,
                               struct error *err)
{
    *out = NULL;
    if (audit == NULL)
        return error_set(err, ERR_INVALID, "audit", "a bulk load needs its audit row");
    int chunk_rows =
        opts != NULL && opts->chunk_rows != 0 ? opts->chunk_rows : STORE_BULK_CHUNK_ROWS;
    if (chunk_rows < 1 || chunk_rows > 1000000)
        return error_set(err, ERR_INVALID, "chunk_rows", "chunk_rows must be 1 to 1000000");
    struct store_bulk *bulk = xcalloc(1, sizeof(*bulk));
    bulk->chunk_rows = chunk_rows;
    enum err_code rc = open_connection(store, bulk, err);
    if (rc == ERR_OK)
        rc = store__begin(bulk->conn, err);
    bulk->open = rc == ERR_OK;
    if (rc == ERR_OK && opts != NULL && opts->require_empty)
        rc = check_empty(bulk->conn, err);
    if (rc == ERR_OK)
        rc = store__audit_insert(bulk->conn, audit, err);
    if (rc != ERR_OK) {
        store_bulk_abort(bulk);
        return rc;
    }
    *out = bulk;
    return ERR_OK;
}

static void bulk_free(struct store_bulk *bulk)
{
    store__conn_free(bulk->conn);
    free(bulk);
}

enum err_code store_bulk_commit(struct store_bulk *bulk, struct error *err)
{
    enum err_code rc = bulk->failed;
    if (rc != ERR_OK && err != NULL)
        *err = bulk->failure;
    if (rc == ERR_OK && bulk->open)
        rc = commit_chunk(bulk, err);
    rollback(bulk);
    bulk_free(bulk);
    return rc;
}

void store_bulk_abort(struct store_bulk *bulk)
{
    if (bulk == NULL)
        return;
    rollback(bulk);
    bulk_free(bulk);
}

void store_bulk_stats(const struct store_bulk *bulk, struct store_bulk_stats *out)
{
    *out = bulk->stats;
}

/* ---- rows ---- */

enum err_code store_bulk_staff(struct store_bulk *bulk, struct store_staff *staff,
                               struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, true, store__sql_staff_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_staff(stmt, staff);
    return row_insert(bulk, stmt, &staff->id, err);
}

enum err_code store_bulk_training(struct store_bulk *bulk, const struct store_training *training,
                                  struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, sql_training, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, training->staff_id);
    STORE__BIND_FIELD(stmt, 2, training->course);
    store__bind_int64(stmt, 3, training->completed_at);
    return row_insert(bulk, stmt, NULL, err);
}

enum err_code store_bulk_patient(struct store_bulk *bulk, struct store_patient *patient,
                                 struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, true, store__sql_patient_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_patient(stmt, patient);
    return row_insert(bulk, stmt, &patient->id, err);
}

enum err_code store_bulk_episode(struct store_bulk *bulk, struct store_episode *episode,
                                 struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, store__sql_episode_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_episode(stmt, episode);
    return row_insert(bulk, stmt, &episode->id, err);
}

enum err_code store_bulk_response(struct store_bulk *bulk, struct store_response *response,
                                  struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, store__sql_response_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_response(stmt, response);
    return row_insert(bulk, stmt, &response->id, err);
}

enum err_code store_bulk_assessment(struct store_bulk *bulk, struct store_assessment *assessment,
                                    struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, store__sql_assessment_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_assessment(stmt, assessment);
    return row_insert(bulk, stmt, &assessment->id, err);
}

enum err_code store_bulk_contract(struct store_bulk *bulk, const struct store_contract *contract,
                                  struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, store__sql_contract_history_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_contract(stmt, contract);
    rc = row_insert(bulk, stmt, NULL, err);
    if (rc == ERR_OK)
        rc = row_start(bulk, false, store__sql_contract_put, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_contract(stmt, contract);
    return row_insert(bulk, stmt, NULL, err);
}

enum err_code store_bulk_appointment(struct store_bulk *bulk, struct store_appointment *appointment,
                                     struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, store__sql_appointment_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_appointment(stmt, appointment);
    return row_insert(bulk, stmt, &appointment->id, err);
}

enum err_code store_bulk_risk_review(struct store_bulk *bulk, struct store_risk_review *review,
                                     struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, store__sql_risk_review_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_risk_review(stmt, review);
    return row_insert(bulk, stmt, &review->id, err);
}
