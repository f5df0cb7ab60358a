/* sqlite_bulk.c - bulk loads (see store.h): many rows in chunked transactions on a connection of
 * their own.
 *
 * Why chunks and not one transaction per row: with synchronous=FULL each COMMIT costs an fsync,
 * which caps a row-per-transaction load near the disk's fsync rate; ten thousand rows per
 * commit keep every committed chunk durable at a tiny fraction of that cost. Why not one
 * transaction for the whole load: a million patients would pile gigabytes into the WAL before
 * its first checkpoint. */
#include "sqlite_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define BULK_CACHE_KIB 262144 /* KiB of page cache for the bulk connection: indexes stay in it */

struct store_bulk {
    struct store__conn *conn;
    int chunk_rows;
    int pending; /* rows in the open transaction */
    bool open;   /* a transaction is open */
    enum err_code failed;
    struct error failure;
    struct store_bulk_stats stats;
};

static const char sql_begin[] = "BEGIN IMMEDIATE";
static const char sql_commit[] = "COMMIT";
static const char sql_has_people[] =
    "SELECT EXISTS (SELECT 1 FROM patient) OR EXISTS (SELECT 1 FROM staff)";

static const char sql_staff[] =
    "INSERT INTO staff (username, display_name, role, unit_id, pw_hash, active, failed_logins, "
    "locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_training[] =
    "INSERT INTO training (staff_id, course, completed_at) VALUES (?, ?, ?)";
static const char sql_patient[] =
    "INSERT INTO patient (pnr, name, birth_date, sex, municipality_code, listed_unit_id, "
    "contact, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_episode[] =
    "INSERT INTO episode (patient_id, unit_id, source, referred_at, assessed_at, "
    "treatment_started_at, ended_at, end_reason, step, problem) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_response[] =
    "INSERT INTO response (" STORE__RESPONSE_INSERT_COLUMNS ") VALUES (" STORE__RESPONSE_VALUES ")";
static const char sql_assessment[] =
    "INSERT INTO assessment (episode_id, staff_id, at, problem, recommended_step, chosen_step, "
    "reason) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_contract_history[] =
    "INSERT INTO contract_history (episode_id, version, contact_staff_id, goals, plan, "
    "next_contact_at, municipal_coordination, updated_at, updated_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_contract_current[] =
    "INSERT INTO contract (episode_id, version, contact_staff_id, goals, plan, next_contact_at, "
    "municipal_coordination, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (episode_id) DO UPDATE SET version = excluded.version, "
    "contact_staff_id = excluded.contact_staff_id, goals = excluded.goals, "
    "plan = excluded.plan, next_contact_at = excluded.next_contact_at, "
    "municipal_coordination = excluded.municipal_coordination, "
    "updated_at = excluded.updated_at, updated_by = excluded.updated_by";
static const char sql_appointment[] =
    "INSERT INTO appointment (episode_id, staff_id, at, intervention_code, status) "
    "VALUES (?, ?, ?, ?, ?)";
/* As in sqlite_records.c: the review covers the patient's responses stored before it. */
static const char sql_risk_review[] =
    "INSERT INTO risk_review (patient_id, staff_id, at, level, note, through_response_id) "
    "VALUES (?, ?, ?, ?, ?, COALESCE((SELECT MAX(id) FROM response WHERE patient_id = ?), 0))";

/* ---- transactions ---- */

static void rollback(struct store_bulk *bulk)
{
    if (bulk->open && !sqlite3_get_autocommit(bulk->conn->db))
        sqlite3_exec(bulk->conn->db, "ROLLBACK", NULL, NULL, NULL);
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
                               sqlite3_stmt **stmt, struct error *err)
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
        rc = store__exec(bulk->conn, sql_begin, &why);
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
static enum err_code row_insert(struct store_bulk *bulk, sqlite3_stmt *stmt, long long *id,
                                struct error *err)
{
    struct error why;
    error_clear(&why);
    enum err_code rc = store__step_done(stmt, &why);
    if (rc != ERR_OK)
        return fail(bulk, rc, &why, err);
    if (id != NULL)
        *id = sqlite3_last_insert_rowid(bulk->conn->db);
    bulk->pending++;
    bulk->stats.rows++;
    return ERR_OK;
}

/* ---- begin, commit, abort ---- */

static enum err_code check_empty(struct store__conn *conn, struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_has_people, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int row = store__step(stmt, err);
    bool has_people = row == 1 && sqlite3_column_int(stmt, 0) != 0;
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
    enum err_code rc = store__conn_open(store->path, false, false, &bulk->conn, err);
    if (rc != ERR_OK)
        return rc;
    char pragma[64];
    snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", BULK_CACHE_KIB);
    int sqlite_rc = sqlite3_exec(bulk->conn->db, pragma, NULL, NULL, NULL);
    if (sqlite_rc != SQLITE_OK)
        return store__sqlite_error(bulk->conn->db, sqlite_rc, err);
    return ERR_OK;
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
        rc = store__exec(bulk->conn, sql_begin, err);
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
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, true, sql_staff, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    STORE__BIND_FIELD(stmt, 1, staff->username);
    STORE__BIND_FIELD(stmt, 2, staff->display_name);
    STORE__BIND_FIELD(stmt, 3, staff->role);
    store__bind_id(stmt, 4, staff->unit_id);
    STORE__BIND_FIELD(stmt, 5, staff->pw_hash);
    sqlite3_bind_int(stmt, 6, staff->active ? 1 : 0);
    sqlite3_bind_int(stmt, 7, staff->failed_logins);
    sqlite3_bind_int64(stmt, 8, staff->locked_until);
    return row_insert(bulk, stmt, &staff->id, err);
}

enum err_code store_bulk_training(struct store_bulk *bulk, const struct store_training *training,
                                  struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, sql_training, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, training->staff_id);
    STORE__BIND_FIELD(stmt, 2, training->course);
    sqlite3_bind_int64(stmt, 3, training->completed_at);
    return row_insert(bulk, stmt, NULL, err);
}

enum err_code store_bulk_patient(struct store_bulk *bulk, struct store_patient *patient,
                                 struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, true, sql_patient, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    STORE__BIND_FIELD(stmt, 1, patient->pnr);
    STORE__BIND_FIELD(stmt, 2, patient->name);
    STORE__BIND_FIELD(stmt, 3, patient->birth_date);
    STORE__BIND_FIELD(stmt, 4, patient->sex);
    store__bind_text_or_null(stmt, 5, patient->municipality_code,
                             sizeof(patient->municipality_code));
    store__bind_id(stmt, 6, patient->listed_unit_id);
    STORE__BIND_FIELD(stmt, 7, patient->contact);
    sqlite3_bind_int64(stmt, 8, patient->created_at);
    return row_insert(bulk, stmt, &patient->id, err);
}

enum err_code store_bulk_episode(struct store_bulk *bulk, struct store_episode *episode,
                                 struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, sql_episode, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, episode->patient_id);
    sqlite3_bind_int64(stmt, 2, episode->unit_id);
    STORE__BIND_FIELD(stmt, 3, episode->source);
    sqlite3_bind_int64(stmt, 4, episode->referred_at);
    sqlite3_bind_int64(stmt, 5, episode->assessed_at);
    sqlite3_bind_int64(stmt, 6, episode->treatment_started_at);
    sqlite3_bind_int64(stmt, 7, episode->ended_at);
    STORE__BIND_FIELD(stmt, 8, episode->end_reason);
    sqlite3_bind_int(stmt, 9, episode->step);
    STORE__BIND_FIELD(stmt, 10, episode->problem);
    return row_insert(bulk, stmt, &episode->id, err);
}

enum err_code store_bulk_response(struct store_bulk *bulk, struct store_response *response,
                                  struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, sql_response, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_response(stmt, response);
    return row_insert(bulk, stmt, &response->id, err);
}

enum err_code store_bulk_assessment(struct store_bulk *bulk, struct store_assessment *assessment,
                                    struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, sql_assessment, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, assessment->episode_id);
    store__bind_id(stmt, 2, assessment->staff_id);
    sqlite3_bind_int64(stmt, 3, assessment->at);
    STORE__BIND_FIELD(stmt, 4, assessment->problem);
    sqlite3_bind_int(stmt, 5, assessment->recommended_step);
    sqlite3_bind_int(stmt, 6, assessment->chosen_step);
    STORE__BIND_FIELD(stmt, 7, assessment->reason);
    return row_insert(bulk, stmt, &assessment->id, err);
}

static void bind_contract(sqlite3_stmt *stmt, const struct store_contract *contract)
{
    sqlite3_bind_int64(stmt, 1, contract->episode_id);
    sqlite3_bind_int(stmt, 2, contract->version);
    store__bind_id(stmt, 3, contract->contact_staff_id);
    STORE__BIND_FIELD(stmt, 4, contract->goals);
    STORE__BIND_FIELD(stmt, 5, contract->plan);
    sqlite3_bind_int64(stmt, 6, contract->next_contact_at);
    STORE__BIND_FIELD(stmt, 7, contract->municipal_coordination);
    sqlite3_bind_int64(stmt, 8, contract->updated_at);
    store__bind_id(stmt, 9, contract->updated_by);
}

enum err_code store_bulk_contract(struct store_bulk *bulk, const struct store_contract *contract,
                                  struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, sql_contract_history, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    bind_contract(stmt, contract);
    rc = row_insert(bulk, stmt, NULL, err);
    if (rc == ERR_OK)
        rc = row_start(bulk, false, sql_contract_current, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    bind_contract(stmt, contract);
    return row_insert(bulk, stmt, NULL, err);
}

enum err_code store_bulk_appointment(struct store_bulk *bulk, struct store_appointment *appointment,
                                     struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, sql_appointment, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, appointment->episode_id);
    store__bind_id(stmt, 2, appointment->staff_id);
    sqlite3_bind_int64(stmt, 3, appointment->at);
    store__bind_text_or_null(stmt, 4, appointment->intervention_code,
                             sizeof(appointment->intervention_code));
    STORE__BIND_FIELD(stmt, 5, appointment->status);
    return row_insert(bulk, stmt, &appointment->id, err);
}

enum err_code store_bulk_risk_review(struct store_bulk *bulk, struct store_risk_review *review,
                                     struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = row_start(bulk, false, sql_risk_review, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, review->patient_id);
    store__bind_id(stmt, 2, review->staff_id);
    sqlite3_bind_int64(stmt, 3, review->at);
    STORE__BIND_FIELD(stmt, 4, review->level);
    STORE__BIND_FIELD(stmt, 5, review->note);
    sqlite3_bind_int64(stmt, 6, review->patient_id);
    return row_insert(bulk, stmt, &review->id, err);
}
