/* store_invited.c - invitations, and the responses a patient gives through one: all at once
 * (the JSON API) or one questionnaire at a time as they go (the pages), then finished. */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

static const char sql_invitation_add[] =
    "INSERT INTO invitation (token_hash, patient_id, episode_id, instruments, created_at, "
    "expires_at, used_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_invitation_get[] =
    "SELECT token_hash, patient_id, episode_id, instruments, created_at, expires_at, used_at, "
    "created_by FROM invitation WHERE token_hash = ?";
/* "used_at = 0" makes the claim atomic: of two submissions racing, one changes no row. */
static const char sql_invitation_use[] =
    "UPDATE invitation SET used_at = ? WHERE token_hash = ? AND used_at = 0 AND expires_at > ?";

static const char sql_response_insert_invited[] =
    "INSERT INTO response (" STORE__RESPONSE_INSERT_COLUMNS ", invitation_hash) "
    "VALUES (" STORE__RESPONSE_VALUES ", ?) RETURNING id";
/* A replacement takes the next id instead of keeping its own: a risk review resolves the flags
 * of the responses whose id is at most the newest id when it was written, so changed answers
 * must count as stored after it. The next id is the backend's: SQLite gives a new row max + 1
 * (the subquery sees the row itself, so the id only grows and is never given out twice);
 * PostgreSQL takes it from the column's sequence, which later inserts use too. */
#define REPLACE_SET                                                                                \
    ", answers = ?, total = ?, band = ?, severity = ?, flags = ?, answered_at = ?, "               \
    "entered_by = ?, channel = ? WHERE invitation_hash = ? AND instrument = ? RETURNING id"
static const char sql_response_replace_invited_sqlite[] =
    "UPDATE response SET id = (SELECT MAX(id) + 1 FROM response)" REPLACE_SET;
static const char sql_response_replace_invited_pg[] =
    "UPDATE response SET id = nextval(pg_get_serial_sequence('response', 'id'))" REPLACE_SET;
static const char sql_response_list_invited[] =
    STORE__RESPONSE_COLUMNS "WHERE invitation_hash = ? ORDER BY id";
static const char sql_response_invited_exists[] =
    "SELECT 1 FROM response WHERE invitation_hash = ? AND instrument = ?";

/* ---- invitations ---- */

static void read_invitation(struct store__stmt *stmt, void *elem)
{
    struct store_invitation *invitation = elem;
    STORE__COLUMN_FIELD(stmt, 0, invitation->token_hash);
    invitation->patient_id = store__column_int64(stmt, 1);
    invitation->episode_id = store__column_int64(stmt, 2);
    STORE__COLUMN_FIELD(stmt, 3, invitation->instruments);
    invitation->created_at = store__column_int64(stmt, 4);
    invitation->expires_at = store__column_int64(stmt, 5);
    invitation->used_at = store__column_int64(stmt, 6);
    invitation->created_by = store__column_int64(stmt, 7);
}

static enum err_code invitation_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    const struct store_invitation *invitation = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__must_exist(conn, store__sql_patient_exists, invitation->patient_id,
                                         "patient_id", "patient", err);
    if (rc == ERR_OK && invitation->episode_id != 0)
        rc = store__must_exist(conn, store__sql_episode_exists, invitation->episode_id,
                               "episode_id", "episode", err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, sql_invitation_add, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    STORE__BIND_FIELD(stmt, 1, invitation->token_hash);
    store__bind_int64(stmt, 2, invitation->patient_id);
    store__bind_id(stmt, 3, invitation->episode_id);
    STORE__BIND_FIELD(stmt, 4, invitation->instruments);
    store__bind_int64(stmt, 5, invitation->created_at);
    store__bind_int64(stmt, 6, invitation->expires_at);
    store__bind_int64(stmt, 7, invitation->used_at);
    store__bind_id(stmt, 8, invitation->created_by);
    return store__step_done(stmt, err);
}

enum err_code store_invitation_add(struct store *store, const struct store_invitation *invitation,
                                   const struct store_audit *audit, struct error *err)
{
    return store__write(store, invitation_add_job, (void *)invitation, audit, err);
}

static enum err_code invitation_read(struct store__conn *conn, const char *token_hash,
                                     struct store_invitation *out, struct error *err)
{
    struct store__stmt *stmt = NULL;
    memset(out, 0, sizeof(*out));
    enum err_code rc = store__stmt(conn, sql_invitation_get, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_str(stmt, 1, token_hash);
    return store__get_one(stmt, read_invitation, out, "token_hash", err, "no such invitation");
}

enum err_code store_invitation_get(struct store *store, const char *token_hash,
                                   struct store_invitation *out, struct error *err)
{
    struct store__conn *conn = NULL;
    memset(out, 0, sizeof(*out));
    if (token_hash == NULL)
        return error_set(err, ERR_INVALID, "token_hash", "no invitation given");
    enum err_code rc = store__reader(store, &conn, err);
    if (rc != ERR_OK)
        return rc;
    return invitation_read(conn, token_hash, out, err);
}

/* The invitation, when answers may still be given through it. */
static enum err_code invitation_live(struct store__conn *conn, const char *token_hash,
                                     long long now, struct store_invitation *invitation,
                                     struct error *err)
{
    enum err_code rc = invitation_read(conn, token_hash, invitation, err);
    if (rc != ERR_OK)
        return rc;
    if (invitation->used_at != 0)
        return error_set(err, ERR_GONE, "token_hash", "invitation already used");
    if (invitation->expires_at <= now)
        return error_set(err, ERR_GONE, "token_hash", "invitation expired");
    return ERR_OK;
}

static enum err_code invitation_use(struct store__conn *conn, const char *token_hash, long long now,
                                    struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_invitation_use, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, now);
    store__bind_str(stmt, 2, token_hash);
    store__bind_int64(stmt, 3, now);
    rc = store__step_done(stmt, err);
    if (rc == ERR_OK && store__changes(conn) == 0)
        rc = error_set(err, ERR_GONE, "token_hash", "invitation already used");
    return rc;
}

/* Whether `id` is one of the comma-separated ids in `list`. */
static bool list_has(const char *list, const char *id)
{
    size_t len = strlen(id);
    for (const char *p = list; len > 0 && *p != '\0';) {
        const char *comma = strchr(p, ',');
        size_t item = comma ? (size_t)(comma - p) : strlen(p);
        if (item == len && memcmp(p, id, len) == 0)
            return true;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return false;
}

/* ---- responses through an invitation ---- */

static enum err_code response_replace(struct store__conn *conn, const char *token_hash,
                                      struct store_response *response, bool *replaced,
                                      struct error *err)
{
    struct store__stmt *stmt = NULL;
    *replaced = false;
    const char *sql = conn->backend->dialect == SCHEMA_POSTGRES
                          ? sql_response_replace_invited_pg
                          : sql_response_replace_invited_sqlite;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    STORE__BIND_FIELD(stmt, 1, response->answers);
    store__bind_int(stmt, 2, response->total);
    STORE__BIND_FIELD(stmt, 3, response->band);
    store__bind_int(stmt, 4, response->severity);
    store__bind_int64(stmt, 5, response->flags);
    store__bind_int64(stmt, 6, response->answered_at);
    store__bind_id(stmt, 7, response->entered_by);
    STORE__BIND_FIELD(stmt, 8, response->channel);
    store__bind_str(stmt, 9, token_hash);
    STORE__BIND_FIELD(stmt, 10, response->instrument);
    int row = store__step(stmt, err);
    if (row == 1) {
        response->id = store__column_int64(stmt, 0);
        *replaced = true;
    }
    store__done(stmt);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

static enum err_code response_insert(struct store__conn *conn, const char *token_hash,
                                     struct store_response *response, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_response_insert_invited, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_response(stmt, response);
    store__bind_str(stmt, 12, token_hash);
    return store__insert_id(stmt, &response->id, err);
}

/* Store one response of a live invitation: replace the earlier answers to its instrument, or
 * insert the first ones. */
static enum err_code response_put(struct store__conn *conn,
                                  const struct store_invitation *invitation,
                                  struct store_response *response, struct error *err)
{
    if (!list_has(invitation->instruments, response->instrument))
        return error_set(err, ERR_INVALID, "instrument", "the invitation does not ask for %.16s",
                         response->instrument);
    response->patient_id = invitation->patient_id;
    response->episode_id = invitation->episode_id;
    bool replaced = false;
    enum err_code rc = store__lock_patient(conn, response->patient_id, false, err);
    if (rc == ERR_OK)
        rc = response_replace(conn, invitation->token_hash, response, &replaced, err);
    if (rc == ERR_OK && !replaced)
        rc = response_insert(conn, invitation->token_hash, response, err);
    return rc == ERR_OK ? store__episode_changed(conn, response->episode_id, err) : rc;
}

struct invited {
    const char *token_hash;
    struct store_response *responses;
    int count;
    long long now;
};

static enum err_code response_put_invited_job(struct store__conn *conn, void *arg,
                                              struct error *err)
{
    const struct invited *invited = arg;
    struct store_invitation invitation;
    enum err_code rc = invitation_live(conn, invited->token_hash, invited->now, &invitation, err);
    if (rc == ERR_OK)
        rc = response_put(conn, &invitation, invited->responses, err);
    return rc;
}

enum err_code store_response_put_invited(struct store *store, const char *invitation_hash,
                                         struct store_response *response, long long now,
                                         const struct store_audit *audit, struct error *err)
{
    if (invitation_hash == NULL)
        return error_set(err, ERR_INVALID, "token_hash", "no invitation given");
    struct invited invited = { invitation_hash, response, 1, now };
    return store__write(store, response_put_invited_job, &invited, audit, err);
}

static enum err_code response_add_invited_job(struct store__conn *conn, void *arg,
                                              struct error *err)
{
    const struct invited *invited = arg;
    struct store_invitation invitation;
    enum err_code rc = invitation_live(conn, invited->token_hash, invited->now, &invitation, err);
    if (rc == ERR_OK)
        rc = invitation_use(conn, invited->token_hash, invited->now, err);
    for (int i = 0; rc == ERR_OK && i < invited->count; i++)
        rc = response_put(conn, &invitation, &invited->responses[i], err);
    return rc;
}

enum err_code store_response_add_invited(struct store *store, const char *invitation_hash,
                                         struct store_response *responses, int count, long long now,
                                         const struct store_audit *audit, struct error *err)
{
    if (invitation_hash == NULL)
        return error_set(err, ERR_INVALID, "token_hash", "no invitation given");
    if (count < 1 || responses == NULL)
        return error_set(err, ERR_INVALID, "responses", "no responses given");
    struct invited invited = { invitation_hash, responses, count, now };
    return store__write(store, response_add_invited_job, &invited, audit, err);
}

enum err_code store_response_list_invited(struct store *store, const char *invitation_hash,
                                          struct store_response **list, int *count,
                                          struct error *err)
{
    struct store__stmt *stmt = NULL;
    void *array = NULL;
    *list = NULL;
    *count = 0;
    if (invitation_hash == NULL)
        return error_set(err, ERR_INVALID, "token_hash", "no invitation given");
    enum err_code rc = store__read(store, sql_response_list_invited, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_str(stmt, 1, invitation_hash);
    rc = store__collect(stmt, sizeof(**list), store__read_response, &array, count, err);
    *list = array;
    return rc;
}

/* ---- finishing ---- */

struct finish {
    const char *token_hash;
    long long now;
};

/* ERR_CONFLICT unless every instrument the invitation asks for has its response. */
static enum err_code all_answered(struct store__conn *conn,
                                  const struct store_invitation *invitation, struct error *err)
{
    char ids[sizeof(invitation->instruments)];
    char *save = NULL;
    snprintf(ids, sizeof(ids), "%s", invitation->instruments);
    for (char *id = strtok_r(ids, ",", &save); id != NULL; id = strtok_r(NULL, ",", &save)) {
        struct store__stmt *stmt = NULL;
        enum err_code rc = store__stmt(conn, sql_response_invited_exists, &stmt, err);
        if (rc != ERR_OK)
            return rc;
        store__bind_str(stmt, 1, invitation->token_hash);
        store__bind_str(stmt, 2, id);
        int row = store__step(stmt, err);
        store__done(stmt);
        if (row < 0)
            return (enum err_code)row;
        if (row == 0)
            return error_set(err, ERR_CONFLICT, "instruments", "not every instrument is answered");
    }
    return ERR_OK;
}

static enum err_code invitation_finish_job(struct store__conn *conn, void *arg, struct error *err)
{
    const struct finish *finish = arg;
    struct store_invitation invitation;
    enum err_code rc = invitation_live(conn, finish->token_hash, finish->now, &invitation, err);
    if (rc == ERR_OK)
        rc = all_answered(conn, &invitation, err);
    if (rc == ERR_OK)
        rc = invitation_use(conn, finish->token_hash, finish->now, err);
    return rc == ERR_OK ? store__episode_changed(conn, invitation.episode_id, err) : rc;
}

enum err_code store_invitation_finish(struct store *store, const char *invitation_hash,
                                      long long now, const struct store_audit *audit,
                                      struct error *err)
{
    if (invitation_hash == NULL)
        return error_set(err, ERR_INVALID, "token_hash", "no invitation given");
    struct finish finish = { invitation_hash, now };
    return store__write(store, invitation_finish_job, &finish, audit, err);
}
