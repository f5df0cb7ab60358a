/* store_care.c - assessments, contracts (with every version kept), appointments, triage. */
#include "store_internal.h"

#include <string.h>

#include "core/instrument.h"

/* ---- assessments ---- */

const char store__sql_assessment_insert[] =
    "INSERT INTO assessment (episode_id, staff_id, at, problem, recommended_step, chosen_step, "
    "reason) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";

void store__bind_assessment(struct store__stmt *stmt, const struct store_assessment *assessment)
{
    store__bind_int64(stmt, 1, assessment->episode_id);
    store__bind_id(stmt, 2, assessment->staff_id);
    store__bind_int64(stmt, 3, assessment->at);
    STORE__BIND_FIELD(stmt, 4, assessment->problem);
    store__bind_int(stmt, 5, assessment->recommended_step);
    store__bind_int(stmt, 6, assessment->chosen_step);
    STORE__BIND_FIELD(stmt, 7, assessment->reason);
}
static const char sql_assessment_list[] =
    "SELECT id, episode_id, staff_id, at, problem, recommended_step, chosen_step, reason "
    "FROM assessment WHERE episode_id = ? ORDER BY at, id";
/* The first assessment dates the episode's assessment; every one sets its step. */
static const char sql_episode_assessed[] =
    "UPDATE episode SET assessed_at = CASE WHEN assessed_at = 0 THEN ? ELSE assessed_at END, "
    "step = ? WHERE id = ?";

static void read_assessment(struct store__stmt *stmt, void *elem)
{
    struct store_assessment *assessment = elem;
    assessment->id = store__column_int64(stmt, 0);
    assessment->episode_id = store__column_int64(stmt, 1);
    assessment->staff_id = store__column_int64(stmt, 2);
    assessment->at = store__column_int64(stmt, 3);
    STORE__COLUMN_FIELD(stmt, 4, assessment->problem);
    assessment->recommended_step = store__column_int(stmt, 5);
    assessment->chosen_step = store__column_int(stmt, 6);
    STORE__COLUMN_FIELD(stmt, 7, assessment->reason);
}

/* The episode exists and, when staff_id is not 0, so does the staff member. */
static enum err_code episode_and_staff_exist(struct store__conn *conn, long long episode_id,
                                             long long staff_id, const char *staff_field,
                                             struct error *err)
{
    enum err_code rc = store__must_exist(conn, store__sql_episode_exists, episode_id, "episode_id",
                                         "episode", err);
    if (rc == ERR_OK && staff_id != 0)
        rc = store__must_exist(conn, store__sql_staff_exists, staff_id, staff_field, "staff member",
                               err);
    return rc;
}

static enum err_code mark_assessed(struct store__conn *conn,
                                   const struct store_assessment *assessment, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_episode_assessed, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, assessment->at);
    store__bind_int(stmt, 2, assessment->chosen_step);
    store__bind_int64(stmt, 3, assessment->episode_id);
    return store__step_done(stmt, err);
}

static enum err_code assessment_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_assessment *assessment = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = episode_and_staff_exist(conn, assessment->episode_id, assessment->staff_id,
                                               "staff_id", err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, store__sql_assessment_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    if (assessment->at == 0)
        assessment->at = store__now();
    store__bind_assessment(stmt, assessment);
    rc = store__insert_id(stmt, &assessment->id, err);
    if (rc == ERR_OK)
        rc = mark_assessed(conn, assessment, err);
    return rc == ERR_OK ? store__episode_changed(conn, assessment->episode_id, err) : rc;
}

enum err_code store_assessment_add(struct store *store, struct store_assessment *assessment,
                                   const struct store_audit *audit, struct error *err)
{
    return store__write(store, assessment_add_job, assessment, audit, err);
}

enum err_code store_assessment_list(struct store *store, long long episode_id,
                                    struct store_assessment **list, int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc = store__list(store, sql_assessment_list, episode_id, sizeof(**list),
                                   read_assessment, &array, count, err);
    *list = array;
    return rc;
}

/* ---- contracts ---- */

#define CONTRACT_COLUMNS                                                                           \
    "SELECT episode_id, version, contact_staff_id, goals, plan, next_contact_at, "                 \
    "municipal_coordination, updated_at, updated_by "

static const char sql_contract_version[] =
    "SELECT COALESCE(MAX(version), 0) FROM contract_history WHERE episode_id = ?";
const char store__sql_contract_history_insert[] =
    "INSERT INTO contract_history (episode_id, version, contact_staff_id, goals, plan, "
    "next_contact_at, municipal_coordination, updated_at, updated_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
const char store__sql_contract_put[] =
    "INSERT INTO contract (episode_id, version, contact_staff_id, goals, plan, next_contact_at, "
    "municipal_coordination, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (episode_id) DO UPDATE SET version = excluded.version, "
    "contact_staff_id = excluded.contact_staff_id, goals = excluded.goals, "
    "plan = excluded.plan, next_contact_at = excluded.next_contact_at, "
    "municipal_coordination = excluded.municipal_coordination, "
    "updated_at = excluded.updated_at, updated_by = excluded.updated_by";

void store__bind_contract(struct store__stmt *stmt, const struct store_contract *contract)
{
    store__bind_int64(stmt, 1, contract->episode_id);
    store__bind_int(stmt, 2, contract->version);
    store__bind_id(stmt, 3, contract->contact_staff_id);
    STORE__BIND_FIELD(stmt, 4, contract->goals);
    STORE__BIND_FIELD(stmt, 5, contract->plan);
    store__bind_int64(stmt, 6, contract->next_contact_at);
    STORE__BIND_FIELD(stmt, 7, contract->municipal_coordination);
    store__bind_int64(stmt, 8, contract->updated_at);
    store__bind_id(stmt, 9, contract->updated_by);
}
static const char sql_contract_get[] = CONTRACT_COLUMNS "FROM contract WHERE episode_id = ?";
static const char sql_contract_history[] =
    CONTRACT_COLUMNS "FROM contract_history WHERE episode_id = ? ORDER BY version";

static void read_contract(struct store__stmt *stmt, void *elem)
{
    struct store_contract *contract = elem;
    contract->episode_id = store__column_int64(stmt, 0);
    contract->version = store__column_int(stmt, 1);
    contract->contact_staff_id = store__column_int64(stmt, 2);
    STORE__COLUMN_FIELD(stmt, 3, contract->goals);
    STORE__COLUMN_FIELD(stmt, 4, contract->plan);
    contract->next_contact_at = store__column_int64(stmt, 5);
    STORE__COLUMN_FIELD(stmt, 6, contract->municipal_coordination);
    contract->updated_at = store__column_int64(stmt, 7);
    contract->updated_by = store__column_int64(stmt, 8);
}

static enum err_code next_contract_version(struct store__conn *conn, long long episode_id,
                                           int *version, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_contract_version, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, episode_id);
    int row = store__step(stmt, err);
    *version = row == 1 ? store__column_int(stmt, 0) + 1 : 1;
    store__done(stmt);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

/* The same row goes into contract_history and contract: bind it to either statement. */
static enum err_code write_contract(struct store__conn *conn, const char *sql,
                                    const struct store_contract *contract, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_contract(stmt, contract);
    return store__step_done(stmt, err);
}

static enum err_code contract_put_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_contract *contract = arg;
    enum err_code rc = episode_and_staff_exist(conn, contract->episode_id,
                                               contract->contact_staff_id, "contact_staff_id", err);
    if (rc == ERR_OK && contract->updated_by != 0)
        rc = store__must_exist(conn, store__sql_staff_exists, contract->updated_by, "updated_by",
                               "staff member", err);
    if (rc == ERR_OK)
        rc = next_contract_version(conn, contract->episode_id, &contract->version, err);
    if (rc != ERR_OK)
        return rc;
    if (contract->updated_at == 0)
        contract->updated_at = store__now();
    rc = write_contract(conn, store__sql_contract_history_insert, contract, err);
    if (rc == ERR_OK)
        rc = write_contract(conn, store__sql_contract_put, contract, err);
    return rc == ERR_OK ? store__episode_changed(conn, contract->episode_id, err) : rc;
}

enum err_code store_contract_put(struct store *store, struct store_contract *contract,
                                 const struct store_audit *audit, struct error *err)
{
    return store__write(store, contract_put_job, contract, audit, err);
}

enum err_code store_contract_get(struct store *store, long long episode_id,
                                 struct store_contract *out, struct error *err)
{
    struct store__stmt *stmt = NULL;
    memset(out, 0, sizeof(*out));
    enum err_code rc = store__read(store, sql_contract_get, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, episode_id);
    return store__get_one(stmt, read_contract, out, "episode_id", err,
                          "episode %lld has no contract", episode_id);
}

enum err_code store_contract_history(struct store *store, long long episode_id,
                                     struct store_contract **list, int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc = store__list(store, sql_contract_history, episode_id, sizeof(**list),
                                   read_contract, &array, count, err);
    *list = array;
    return rc;
}

/* ---- appointments ---- */

#define APPOINTMENT_COLUMNS                                                                        \
    "SELECT id, episode_id, staff_id, at, intervention_code, status FROM appointment "

const char store__sql_appointment_insert[] =
    "INSERT INTO appointment (episode_id, staff_id, at, intervention_code, status) "
    "VALUES (?, ?, ?, ?, ?) RETURNING id";

void store__bind_appointment(struct store__stmt *stmt, const struct store_appointment *appointment)
{
    store__bind_int64(stmt, 1, appointment->episode_id);
    store__bind_id(stmt, 2, appointment->staff_id);
    store__bind_int64(stmt, 3, appointment->at);
    store__bind_text_or_null(stmt, 4, appointment->intervention_code,
                             sizeof(appointment->intervention_code));
    STORE__BIND_FIELD(stmt, 5, appointment->status);
}
static const char sql_appointment_get[] = APPOINTMENT_COLUMNS "WHERE id = ?";
static const char sql_appointment_list[] =
    APPOINTMENT_COLUMNS "WHERE episode_id = ? ORDER BY at, id";
static const char sql_appointment_status[] = "UPDATE appointment SET status = ? WHERE id = ?";
static const char sql_intervention_exists[] = "SELECT 1 FROM intervention WHERE code = ?";

static void read_appointment(struct store__stmt *stmt, void *elem)
{
    struct store_appointment *appointment = elem;
    appointment->id = store__column_int64(stmt, 0);
    appointment->episode_id = store__column_int64(stmt, 1);
    appointment->staff_id = store__column_int64(stmt, 2);
    appointment->at = store__column_int64(stmt, 3);
    STORE__COLUMN_FIELD(stmt, 4, appointment->intervention_code);
    STORE__COLUMN_FIELD(stmt, 5, appointment->status);
}

static enum err_code intervention_must_exist(struct store__conn *conn, const char *code,
                                             size_t size, struct error *err)
{
    return store__code_must_exist(conn, sql_intervention_exists, code, size, "intervention_code",
                                  "intervention", err);
}

static enum err_code appointment_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_appointment *appointment = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = episode_and_staff_exist(conn, appointment->episode_id, appointment->staff_id,
                                               "staff_id", err);
    if (rc == ERR_OK && appointment->intervention_code[0] != '\0')
        rc = intervention_must_exist(conn, appointment->intervention_code,
                                     sizeof(appointment->intervention_code), err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, store__sql_appointment_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_appointment(stmt, appointment);
    rc = store__insert_id(stmt, &appointment->id, err);
    return rc == ERR_OK ? store__episode_changed(conn, appointment->episode_id, err) : rc;
}

enum err_code store_appointment_add(struct store *store, struct store_appointment *appointment,
                                    const struct store_audit *audit, struct error *err)
{
    return store__write(store, appointment_add_job, appointment, audit, err);
}

enum err_code store_appointment_get(struct store *store, long long id,
                                    struct store_appointment *out, struct error *err)
{
    return store__get_by_id(store, sql_appointment_get, id, read_appointment, out, sizeof(*out),
                            "appointment", err);
}

struct appointment_status {
    long long id;
    const char *status;
};

static enum err_code appointment_status_job(struct store__conn *conn, void *arg, struct error *err)
{
    const struct appointment_status *change = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_appointment_status, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_str(stmt, 1, change->status);
    store__bind_int64(stmt, 2, change->id);
    rc = store__step_done(stmt, err);
    if (rc == ERR_OK)
        rc = store__changed(conn, "id", err, "appointment %lld not found", change->id);
    return rc == ERR_OK ? store__appointment_changed(conn, change->id, err) : rc;
}

enum err_code store_appointment_set_status(struct store *store, long long id, const char *status,
                                           const struct store_audit *audit, struct error *err)
{
    if (status == NULL)
        return error_set(err, ERR_INVALID, "status", "no status given");
    struct appointment_status change = { id, status };
    return store__write(store, appointment_status_job, &change, audit, err);
}

enum err_code store_appointment_list(struct store *store, long long episode_id,
                                     struct store_appointment **list, int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc = store__list(store, sql_appointment_list, episode_id, sizeof(**list),
                                   read_appointment, &array, count, err);
    *list = array;
    return rc;
}

/* ---- triage ---- */

/* Open episodes, each with whether its patient has a risk flag on a response stored after
 * their latest risk review and the highest severity among the episode's responses; kept when not
 * yet assessed or at risk. Only the candidates are read (schema version 3): the open episodes not
 * yet assessed, from the partial index episode_unassessed (the statement repeats its terms so
 * that both backends see it serves), then the assessed ones at risk among those in triage_risk,
 * which holds every open episode whose patient may be at risk (CROSS JOIN: SQLite reads that
 * table first, not every episode, when no unit narrows it). The unit's statement takes the unit
 * id twice. */
#define TRIAGE_RISK                                                                                \
    "EXISTS (SELECT 1 FROM response r WHERE r.patient_id = e.patient_id "                          \
    "AND " STORE__RISK_UNRESOLVED ")"
#define TRIAGE_COLUMNS(risk)                                                                       \
    "SELECT e.id AS id, e.patient_id, p.name, e.unit_id, e.referred_at AS referred_at, " risk      \
    " AS risk, COALESCE((SELECT MAX(r.severity) FROM response r WHERE r.episode_id = e.id), -1)"   \
    " AS severity, e.source FROM "
#define TRIAGE_AT_RISK_FROM                                                                        \
    "triage_risk k CROSS JOIN episode e JOIN patient p ON p.id = e.patient_id"
#define TRIAGE_SQL(unassessed, at_risk)                                                            \
    TRIAGE_COLUMNS("CASE WHEN " TRIAGE_RISK " THEN 1 ELSE 0 END")                                  \
    "episode e JOIN patient p ON p.id = e.patient_id"                                              \
    " WHERE " unassessed "e.ended_at = 0 AND e.assessed_at = 0 "                                   \
    "UNION ALL " TRIAGE_COLUMNS("1") TRIAGE_AT_RISK_FROM                                           \
        " WHERE " at_risk                                                                          \
        "e.id = k.episode_id AND e.ended_at = 0 AND e.assessed_at <> 0 AND " TRIAGE_RISK           \
        " ORDER BY risk DESC, severity DESC, referred_at ASC, id ASC"

static const char sql_triage_all[] = TRIAGE_SQL("", "");
static const char sql_triage_unit[] = TRIAGE_SQL("e.unit_id = ? AND ", "k.unit_id = ? AND ");

static void read_triage_row(struct store__stmt *stmt, void *elem)
{
    struct store_triage_row *row = elem;
    row->episode_id = store__column_int64(stmt, 0);
    row->patient_id = store__column_int64(stmt, 1);
    STORE__COLUMN_FIELD(stmt, 2, row->patient_name);
    row->unit_id = store__column_int64(stmt, 3);
    row->referred_at = store__column_int64(stmt, 4);
    row->unresolved_risk = store__column_int(stmt, 5) != 0;
    row->max_severity = store__column_int(stmt, 6);
    STORE__COLUMN_FIELD(stmt, 7, row->source);
}

enum err_code store_triage(struct store *store, long long unit_id, struct store_triage_row **rows,
                           int *count, struct error *err)
{
    struct store__stmt *stmt = NULL;
    void *array = NULL;
    *rows = NULL;
    *count = 0;
    enum err_code rc =
        store__read(store, unit_id != 0 ? sql_triage_unit : sql_triage_all, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    if (unit_id != 0) {
        store__bind_int64(stmt, 1, unit_id);
        store__bind_int64(stmt, 2, unit_id);
    }
    rc = store__collect(stmt, sizeof(**rows), read_triage_row, &array, count, err);
    *rows = array;
    return rc;
}
