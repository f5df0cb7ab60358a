/* store_records.c - patients, episodes, responses and risk reviews (invitations and the
 * responses given through them: store_invited.c). */
#include "store_internal.h"

#include <string.h>

#include "core/instrument.h"

/* ---- patients ---- */

#define PATIENT_FIELDS                                                                             \
    "id, pnr, name, birth_date, sex, municipality_code, listed_unit_id, contact, created_at"
#define PATIENT_COLUMNS "SELECT " PATIENT_FIELDS " FROM patient "

const char store__sql_patient_insert[] =
    "INSERT INTO patient (pnr, name, birth_date, sex, municipality_code, listed_unit_id, "
    "contact, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

void store__bind_patient(struct store__stmt *stmt, const struct store_patient *patient)
{
    STORE__BIND_FIELD(stmt, 1, patient->pnr);
    STORE__BIND_FIELD(stmt, 2, patient->name);
    STORE__BIND_FIELD(stmt, 3, patient->birth_date);
    STORE__BIND_FIELD(stmt, 4, patient->sex);
    store__bind_text_or_null(stmt, 5, patient->municipality_code,
                             sizeof(patient->municipality_code));
    store__bind_id(stmt, 6, patient->listed_unit_id);
    STORE__BIND_FIELD(stmt, 7, patient->contact);
    store__bind_int64(stmt, 8, patient->created_at);
}
static const char sql_patient_get[] = PATIENT_COLUMNS "WHERE id = ?";
static const char sql_patient_by_pnr[] = PATIENT_COLUMNS "WHERE pnr = ?";
/* The patient and, as a tenth column, whether it is at unit ?1: listed there, or an episode there
 * (open or ended). */
static const char sql_patient_at_unit[] =
    "SELECT " PATIENT_FIELDS ", CASE WHEN listed_unit_id = ?1 OR EXISTS (SELECT 1 FROM episode e "
    "WHERE e.patient_id = patient.id AND e.unit_id = ?1) THEN 1 ELSE 0 END FROM patient "
    "WHERE id = ?2";

static void read_patient(struct store__stmt *stmt, void *elem)
{
    struct store_patient *patient = elem;
    patient->id = store__column_int64(stmt, 0);
    STORE__COLUMN_FIELD(stmt, 1, patient->pnr);
    STORE__COLUMN_FIELD(stmt, 2, patient->name);
    STORE__COLUMN_FIELD(stmt, 3, patient->birth_date);
    STORE__COLUMN_FIELD(stmt, 4, patient->sex);
    STORE__COLUMN_FIELD(stmt, 5, patient->municipality_code);
    patient->listed_unit_id = store__column_int64(stmt, 6);
    STORE__COLUMN_FIELD(stmt, 7, patient->contact);
    patient->created_at = store__column_int64(stmt, 8);
}

static enum err_code patient_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_patient *patient = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = ERR_OK;
    if (patient->listed_unit_id != 0)
        rc = store__must_exist(conn, store__sql_unit_exists, patient->listed_unit_id,
                               "listed_unit_id", "unit", err);
    if (rc == ERR_OK && patient->municipality_code[0] != '\0')
        rc = store__municipality_must_exist(conn, patient->municipality_code,
                                            sizeof(patient->municipality_code), err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, store__sql_patient_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    if (patient->created_at == 0)
        patient->created_at = store__now();
    store__bind_patient(stmt, patient);
    return store__insert_id(stmt, &patient->id, err);
}

/* The patient and the audit row of its creation: the row names the new patient's id, which is
 * known only once the job has inserted it (the writer inserts the audit row after the job). */
struct patient_add {
    struct store_patient *patient;
    struct store_audit audit;
};

static enum err_code patient_add_audited_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct patient_add *add = arg;
    enum err_code rc = patient_add_job(conn, add->patient, err);
    add->audit.patient_id = add->patient->id;
    return rc;
}

enum err_code store_patient_add(struct store *store, struct store_patient *patient,
                                const struct store_audit *audit, struct error *err)
{
    if (audit == NULL)
        return store__write(store, patient_add_job, patient, NULL, err);
    struct patient_add add = { patient, *audit };
    return store__write(store, patient_add_audited_job, &add, &add.audit, err);
}

enum err_code store_patient_get(struct store *store, long long id, struct store_patient *out,
                                struct error *err)
{
    return store__get_by_id(store, sql_patient_get, id, read_patient, out, sizeof(*out), "patient",
                            err);
}

enum err_code store_patient_by_pnr(struct store *store, const char *pnr12,
                                   struct store_patient *out, struct error *err)
{
    struct store__stmt *stmt = NULL;
    memset(out, 0, sizeof(*out));
    if (pnr12 == NULL)
        return error_set(err, ERR_INVALID, "pnr", "no personnummer given");
    enum err_code rc = store__read(store, sql_patient_by_pnr, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_str(stmt, 1, pnr12);
    return store__get_one(stmt, read_patient, out, "pnr", err, "no patient with this personnummer");
}

struct patient_at_unit {
    struct store_patient *patient;
    bool at_unit;
};

static void read_patient_at_unit(struct store__stmt *stmt, void *elem)
{
    struct patient_at_unit *row = elem;
    read_patient(stmt, row->patient);
    row->at_unit = store__column_int64(stmt, 9) != 0;
}

enum err_code store_patient_get_at_unit(struct store *store, long long id, long long unit_id,
                                        struct store_patient *out, bool *at_unit, struct error *err)
{
    struct store__stmt *stmt = NULL;
    struct patient_at_unit row = { out, false };
    memset(out, 0, sizeof(*out));
    *at_unit = false;
    enum err_code rc = store__read(store, sql_patient_at_unit, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, unit_id);
    store__bind_int64(stmt, 2, id);
    rc = store__get_one(stmt, read_patient_at_unit, &row, "patient", err, "patient %lld not found",
                        id);
    *at_unit = rc == ERR_OK && row.at_unit;
    return rc;
}

/* ---- episodes ---- */

#define EPISODE_COLUMNS                                                                            \
    "SELECT id, patient_id, unit_id, source, referred_at, assessed_at, treatment_started_at, "     \
    "ended_at, end_reason, step, problem FROM episode "

const char store__sql_episode_insert[] =
    "INSERT INTO episode (patient_id, unit_id, source, referred_at, assessed_at, "
    "treatment_started_at, ended_at, end_reason, step, problem) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

void store__bind_episode(struct store__stmt *stmt, const struct store_episode *episode)
{
    store__bind_int64(stmt, 1, episode->patient_id);
    store__bind_int64(stmt, 2, episode->unit_id);
    STORE__BIND_FIELD(stmt, 3, episode->source);
    store__bind_int64(stmt, 4, episode->referred_at);
    store__bind_int64(stmt, 5, episode->assessed_at);
    store__bind_int64(stmt, 6, episode->treatment_started_at);
    store__bind_int64(stmt, 7, episode->ended_at);
    STORE__BIND_FIELD(stmt, 8, episode->end_reason);
    store__bind_int(stmt, 9, episode->step);
    STORE__BIND_FIELD(stmt, 10, episode->problem);
}
static const char sql_episode_get[] = EPISODE_COLUMNS "WHERE id = ?";
static const char sql_episode_update[] =
    "UPDATE episode SET assessed_at = ?, treatment_started_at = ?, ended_at = ?, "
    "end_reason = ?, step = ? WHERE id = ?";
static const char sql_episode_list[] =
    EPISODE_COLUMNS "WHERE patient_id = ? ORDER BY referred_at, id";

static void read_episode(struct store__stmt *stmt, void *elem)
{
    struct store_episode *episode = elem;
    episode->id = store__column_int64(stmt, 0);
    episode->patient_id = store__column_int64(stmt, 1);
    episode->unit_id = store__column_int64(stmt, 2);
    STORE__COLUMN_FIELD(stmt, 3, episode->source);
    episode->referred_at = store__column_int64(stmt, 4);
    episode->assessed_at = store__column_int64(stmt, 5);
    episode->treatment_started_at = store__column_int64(stmt, 6);
    episode->ended_at = store__column_int64(stmt, 7);
    STORE__COLUMN_FIELD(stmt, 8, episode->end_reason);
    episode->step = store__column_int(stmt, 9);
    STORE__COLUMN_FIELD(stmt, 10, episode->problem);
}

static enum err_code episode_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_episode *episode = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__must_exist(conn, store__sql_patient_exists, episode->patient_id,
                                         "patient_id", "patient", err);
    if (rc == ERR_OK)
        rc = store__must_exist(conn, store__sql_unit_exists, episode->unit_id, "unit_id", "unit",
                               err);
    /* exclusive, as a risk review: the triage_risk trigger (schema.c, version 4) must see every
     * flagged response of the patient committed beside the new episode (PostgreSQL) */
    if (rc == ERR_OK)
        rc = store__lock_patient(conn, episode->patient_id, true, err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, store__sql_episode_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_episode(stmt, episode);
    rc = store__insert_id(stmt, &episode->id, err);
    return rc == ERR_OK ? store__episode_changed(conn, episode->id, err) : rc;
}

enum err_code store_episode_add(struct store *store, struct store_episode *episode,
                                const struct store_audit *audit, struct error *err)
{
    return store__write_for_patient(store, episode->patient_id, episode_add_job, episode, audit,
                                    err);
}

enum err_code store_episode_get(struct store *store, long long id, struct store_episode *out,
                                struct error *err)
{
    return store__get_by_id(store, sql_episode_get, id, read_episode, out, sizeof(*out), "episode",
                            err);
}

static enum err_code episode_update_job(struct store__conn *conn, void *arg, struct error *err)
{
    const struct store_episode *episode = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_episode_update, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, episode->assessed_at);
    store__bind_int64(stmt, 2, episode->treatment_started_at);
    store__bind_int64(stmt, 3, episode->ended_at);
    STORE__BIND_FIELD(stmt, 4, episode->end_reason);
    store__bind_int(stmt, 5, episode->step);
    store__bind_int64(stmt, 6, episode->id);
    rc = store__step_done(stmt, err);
    if (rc == ERR_OK)
        rc = store__changed(conn, "id", err, "episode %lld not found", episode->id);
    return rc == ERR_OK ? store__episode_changed(conn, episode->id, err) : rc;
}

enum err_code store_episode_update(struct store *store, const struct store_episode *episode,
                                   const struct store_audit *audit, struct error *err)
{
    return store__write(store, episode_update_job, (void *)episode, audit, err);
}

enum err_code store_episode_list(struct store *store, long long patient_id,
                                 struct store_episode **list, int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc = store__list(store, sql_episode_list, patient_id, sizeof(**list),
                                   read_episode, &array, count, err);
    *list = array;
    return rc;
}

/* ---- responses ---- */

/* Bind a response's columns 1-11 in the order every response INSERT lists them: patient_id,
 * episode_id, instrument, answers, total, band, severity, flags, answered_at, entered_by,
 * channel. */
void store__bind_response(struct store__stmt *stmt, const struct store_response *response)
{
    store__bind_int64(stmt, 1, response->patient_id);
    store__bind_id(stmt, 2, response->episode_id);
    STORE__BIND_FIELD(stmt, 3, response->instrument);
    STORE__BIND_FIELD(stmt, 4, response->answers);
    store__bind_int(stmt, 5, response->total);
    STORE__BIND_FIELD(stmt, 6, response->band);
    store__bind_int(stmt, 7, response->severity);
    store__bind_int64(stmt, 8, response->flags);
    store__bind_int64(stmt, 9, response->answered_at);
    store__bind_id(stmt, 10, response->entered_by);
    STORE__BIND_FIELD(stmt, 11, response->channel);
}

const char store__sql_response_insert[] =
    "INSERT INTO response (" STORE__RESPONSE_INSERT_COLUMNS ") VALUES (" STORE__RESPONSE_VALUES ") "
    "RETURNING id";
static const char sql_response_list[] =
    STORE__RESPONSE_COLUMNS "WHERE patient_id = ? ORDER BY answered_at, id";
static const char sql_episode_patient[] = "SELECT patient_id, ended_at FROM episode WHERE id = ?";

void store__read_response(struct store__stmt *stmt, void *elem)
{
    struct store_response *response = elem;
    response->id = store__column_int64(stmt, 0);
    response->patient_id = store__column_int64(stmt, 1);
    response->episode_id = store__column_int64(stmt, 2);
    STORE__COLUMN_FIELD(stmt, 3, response->instrument);
    STORE__COLUMN_FIELD(stmt, 4, response->answers);
    response->total = store__column_int(stmt, 5);
    STORE__COLUMN_FIELD(stmt, 6, response->band);
    response->severity = store__column_int(stmt, 7);
    response->flags = (unsigned)store__column_int64(stmt, 8);
    response->answered_at = store__column_int64(stmt, 9);
    response->entered_by = store__column_int64(stmt, 10);
    STORE__COLUMN_FIELD(stmt, 11, response->channel);
}

/* The response's episode, when it names one, must be the same patient's and still open (checked
 * here, in the write's transaction, so that the request needs no read of its own for it). */
static enum err_code check_response_episode(struct store__conn *conn,
                                            const struct store_response *response,
                                            struct error *err)
{
    if (response->episode_id == 0)
        return store__must_exist(conn, store__sql_patient_exists, response->patient_id,
                                 "patient_id", "patient", err);
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_episode_patient, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, response->episode_id);
    int row = store__step(stmt, err);
    long long owner = row == 1 ? store__column_int64(stmt, 0) : 0;
    long long ended_at = row == 1 ? store__column_int64(stmt, 1) : 0;
    store__done(stmt);
    if (row < 0)
        return (enum err_code)row;
    if (row == 0)
        return error_set(err, ERR_INVALID, "episode_id", "no such episode %lld",
                         response->episode_id);
    if (owner != response->patient_id)
        return error_set(err, ERR_INVALID, "episode_id", "episode %lld belongs to another patient",
                         response->episode_id);
    if (ended_at != 0)
        return error_set(err, ERR_CONFLICT, "episode_id", "episode %lld has ended",
                         response->episode_id);
    return ERR_OK;
}

static enum err_code insert_response(struct store__conn *conn, struct store_response *response,
                                     struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__lock_patient(conn, response->patient_id, false, err);
    if (rc == ERR_OK)
        rc = check_response_episode(conn, response, err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, store__sql_response_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_response(stmt, response);
    return store__insert_id(stmt, &response->id, err);
}

static enum err_code response_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_response *response = arg;
    enum err_code rc = insert_response(conn, response, err);
    return rc == ERR_OK ? store__episode_changed(conn, response->episode_id, err) : rc;
}

enum err_code store_response_add(struct store *store, struct store_response *response,
                                 const struct store_audit *audit, struct error *err)
{
    return store__write_for_patient(store, response->patient_id, response_add_job, response, audit,
                                    err);
}

enum err_code store_response_list(struct store *store, long long patient_id,
                                  struct store_response **list, int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc = store__list(store, sql_response_list, patient_id, sizeof(**list),
                                   store__read_response, &array, count, err);
    *list = array;
    return rc;
}

/* ---- risk reviews ---- */

/* A review resolves every risk flag on a response stored before it: it records the patient's
 * newest response id at the moment it commits, so a flag raised in the same second, or a paper
 * form entered later with an earlier answered_at, is never taken as reviewed. */
const char store__sql_risk_review_insert[] =
    "INSERT INTO risk_review (patient_id, staff_id, at, level, note, through_response_id) "
    "VALUES (?, ?, ?, ?, ?, COALESCE((SELECT MAX(id) FROM response WHERE patient_id = ?), 0)) "
    "RETURNING id";

void store__bind_risk_review(struct store__stmt *stmt, const struct store_risk_review *review)
{
    store__bind_int64(stmt, 1, review->patient_id);
    store__bind_id(stmt, 2, review->staff_id);
    store__bind_int64(stmt, 3, review->at);
    STORE__BIND_FIELD(stmt, 4, review->level);
    STORE__BIND_FIELD(stmt, 5, review->note);
    store__bind_int64(stmt, 6, review->patient_id);
}
/* A risk flag is unresolved when its response was stored after the patient's latest review. */
static const char sql_risk_unresolved[] =
    "SELECT 1 FROM response r WHERE r.patient_id = ? AND " STORE__RISK_UNRESOLVED " LIMIT 1";

static enum err_code risk_review_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_risk_review *review = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__must_exist(conn, store__sql_patient_exists, review->patient_id,
                                         "patient_id", "patient", err);
    if (rc == ERR_OK)
        rc = store__lock_patient(conn, review->patient_id, true, err);
    if (rc == ERR_OK && review->staff_id != 0)
        rc = store__must_exist(conn, store__sql_staff_exists, review->staff_id, "staff_id",
                               "staff member", err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, store__sql_risk_review_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    if (review->at == 0)
        review->at = store__now();
    store__bind_risk_review(stmt, review);
    return store__insert_id(stmt, &review->id, err);
}

enum err_code store_risk_review_add(struct store *store, struct store_risk_review *review,
                                    const struct store_audit *audit, struct error *err)
{
    return store__write_for_patient(store, review->patient_id, risk_review_add_job, review, audit,
                                    err);
}

enum err_code store_risk_unresolved(struct store *store, long long patient_id, bool *yes,
                                    struct error *err)
{
    struct store__stmt *stmt = NULL;
    *yes = false;
    enum err_code rc = store__read(store, sql_risk_unresolved, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, patient_id);
    _Static_assert(FLAG_RISK == 1, "STORE__RISK_UNRESOLVED tests bit 0");
    int row = store__step(stmt, err);
    store__done(stmt);
    *yes = row == 1;
    return row < 0 ? (enum err_code)row : ERR_OK;
}
