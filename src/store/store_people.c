/* store_people.c - units and municipalities, staff, login sessions. */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- units and municipalities ---- */

#define UNIT_COLUMNS "SELECT id, code, name, kind, municipality_code FROM unit "

static const char sql_unit_add[] =
    "INSERT INTO unit (code, name, kind, municipality_code) VALUES (?, ?, ?, ?) RETURNING id";
static const char sql_unit_get[] = UNIT_COLUMNS "WHERE id = ?";
static const char sql_unit_by_code[] = UNIT_COLUMNS "WHERE code = ?";
static const char sql_unit_list[] = UNIT_COLUMNS "ORDER BY id";

static void read_unit(struct store__stmt *stmt, void *elem)
{
    struct store_unit *unit = elem;
    unit->id = store__column_int64(stmt, 0);
    STORE__COLUMN_FIELD(stmt, 1, unit->code);
    STORE__COLUMN_FIELD(stmt, 2, unit->name);
    STORE__COLUMN_FIELD(stmt, 3, unit->kind);
    STORE__COLUMN_FIELD(stmt, 4, unit->municipality_code);
}

static enum err_code unit_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_unit *unit = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__municipality_must_exist(conn, unit->municipality_code,
                                                      sizeof(unit->municipality_code), err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, sql_unit_add, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    STORE__BIND_FIELD(stmt, 1, unit->code);
    STORE__BIND_FIELD(stmt, 2, unit->name);
    STORE__BIND_FIELD(stmt, 3, unit->kind);
    STORE__BIND_FIELD(stmt, 4, unit->municipality_code);
    return store__insert_id(stmt, &unit->id, err);
}

enum err_code store_unit_add(struct store *store, struct store_unit *unit, struct error *err)
{
    return store__write(store, unit_add_job, unit, NULL, err);
}

static enum err_code get_by_text(struct store *store, const char *sql, const char *text,
                                 void (*read_row)(struct store__stmt *, void *), void *out,
                                 size_t out_size, const char *field, const char *message,
                                 struct error *err)
{
    struct store__stmt *stmt = NULL;
    memset(out, 0, out_size);
    if (text == NULL)
        return error_set(err, ERR_INVALID, field, "no %s given", field);
    enum err_code rc = store__read(store, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_str(stmt, 1, text);
    return store__get_one(stmt, read_row, out, field, err, "%s", message);
}

enum err_code store_unit_get(struct store *store, long long id, struct store_unit *out,
                             struct error *err)
{
    return store__get_by_id(store, sql_unit_get, id, read_unit, out, sizeof(*out), "unit", err);
}

enum err_code store_unit_by_code(struct store *store, const char *code, struct store_unit *out,
                                 struct error *err)
{
    return get_by_text(store, sql_unit_by_code, code, read_unit, out, sizeof(*out), "code",
                       "no unit has this code", err);
}

enum err_code store_unit_list(struct store *store, struct store_unit **units, int *count,
                              struct error *err)
{
    void *array = NULL;
    enum err_code rc =
        store__list(store, sql_unit_list, 0, sizeof(**units), read_unit, &array, count, err);
    *units = array;
    return rc;
}

enum err_code store_municipality_exists(struct store *store, const char *code, struct error *err)
{
    struct store__conn *conn = NULL;
    if (code == NULL)
        return error_set(err, ERR_INVALID, "municipality_code", "no municipality code given");
    enum err_code rc = store__reader(store, &conn, err);
    if (rc != ERR_OK)
        return rc;
    return store__municipality_must_exist(conn, code, strlen(code) + 1, err);
}

static const char sql_municipality_list[] = "SELECT code, name FROM municipality ORDER BY name";

static void read_municipality(struct store__stmt *stmt, void *elem)
{
    struct store_municipality *municipality = elem;
    STORE__COLUMN_FIELD(stmt, 0, municipality->code);
    STORE__COLUMN_FIELD(stmt, 1, municipality->name);
}

enum err_code store_municipality_list(struct store *store, struct store_municipality **list,
                                      int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc = store__list(store, sql_municipality_list, 0, sizeof(**list),
                                   read_municipality, &array, count, err);
    *list = array;
    return rc;
}

/* ---- staff ---- */

#define STAFF_FIELDS(t)                                                                            \
    t "id, " t "username, " t "display_name, " t "role, " t "unit_id, " t "pw_hash, " t            \
      "active, " t "failed_logins, " t "locked_until"
#define STAFF_COLUMNS "SELECT " STAFF_FIELDS("") " FROM staff "

const char store__sql_staff_insert[] =
    "INSERT INTO staff (username, display_name, role, unit_id, pw_hash, active, failed_logins, "
    "locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

void store__bind_staff(struct store__stmt *stmt, const struct store_staff *staff)
{
    STORE__BIND_FIELD(stmt, 1, staff->username);
    STORE__BIND_FIELD(stmt, 2, staff->display_name);
    STORE__BIND_FIELD(stmt, 3, staff->role);
    store__bind_id(stmt, 4, staff->unit_id);
    STORE__BIND_FIELD(stmt, 5, staff->pw_hash);
    store__bind_int(stmt, 6, staff->active ? 1 : 0);
    store__bind_int(stmt, 7, staff->failed_logins);
    store__bind_int64(stmt, 8, staff->locked_until);
}
static const char sql_staff_get[] = STAFF_COLUMNS "WHERE id = ?";
static const char sql_staff_by_username[] = STAFF_COLUMNS "WHERE username = ?";
static const char sql_staff_list_all[] = STAFF_COLUMNS "ORDER BY id";
static const char sql_staff_list_unit[] = STAFF_COLUMNS "WHERE unit_id = ? ORDER BY id";
static const char sql_staff_login_ok[] =
    "UPDATE staff SET failed_logins = 0, locked_until = 0 WHERE id = ?";
static const char sql_staff_login_failed[] =
    "UPDATE staff SET failed_logins = failed_logins + 1, locked_until = ? WHERE id = ?";

/* The STAFF_FIELDS columns from column `first` on. */
static void read_staff_from(struct store__stmt *stmt, int first, struct store_staff *staff)
{
    staff->id = store__column_int64(stmt, first);
    STORE__COLUMN_FIELD(stmt, first + 1, staff->username);
    STORE__COLUMN_FIELD(stmt, first + 2, staff->display_name);
    STORE__COLUMN_FIELD(stmt, first + 3, staff->role);
    staff->unit_id = store__column_int64(stmt, first + 4);
    STORE__COLUMN_FIELD(stmt, first + 5, staff->pw_hash);
    staff->active = store__column_int(stmt, first + 6) != 0;
    staff->failed_logins = store__column_int(stmt, first + 7);
    staff->locked_until = store__column_int64(stmt, first + 8);
}

static void read_staff(struct store__stmt *stmt, void *elem)
{
    read_staff_from(stmt, 0, elem);
}

static enum err_code staff_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    struct store_staff *staff = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = ERR_OK;
    if (staff->unit_id != 0)
        rc =
            store__must_exist(conn, store__sql_unit_exists, staff->unit_id, "unit_id", "unit", err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, store__sql_staff_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_staff(stmt, staff);
    return store__insert_id(stmt, &staff->id, err);
}

enum err_code store_staff_add(struct store *store, struct store_staff *staff,
                              const struct store_audit *audit, struct error *err)
{
    return store__write(store, staff_add_job, staff, audit, err);
}

enum err_code store_staff_get(struct store *store, long long id, struct store_staff *out,
                              struct error *err)
{
    return store__get_by_id(store, sql_staff_get, id, read_staff, out, sizeof(*out), "staff member",
                            err);
}

enum err_code store_staff_by_username(struct store *store, const char *username,
                                      struct store_staff *out, struct error *err)
{
    return get_by_text(store, sql_staff_by_username, username, read_staff, out, sizeof(*out),
                       "username", "no staff member has this username", err);
}

enum err_code store_staff_list(struct store *store, long long unit_id, struct store_staff **list,
                               int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc = store__list(store, unit_id != 0 ? sql_staff_list_unit : sql_staff_list_all,
                                   unit_id, sizeof(**list), read_staff, &array, count, err);
    *list = array;
    return rc;
}

struct login_result {
    long long staff_id;
    bool ok;
    long long locked_until;
};

static enum err_code login_result_job(struct store__conn *conn, void *arg, struct error *err)
{
    const struct login_result *login = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc =
        store__stmt(conn, login->ok ? sql_staff_login_ok : sql_staff_login_failed, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    if (login->ok) {
        store__bind_int64(stmt, 1, login->staff_id);
    } else {
        store__bind_int64(stmt, 1, login->locked_until);
        store__bind_int64(stmt, 2, login->staff_id);
    }
    rc = store__step_done(stmt, err);
    if (rc != ERR_OK)
        return rc;
    return store__changed(conn, "id", err, "staff member %lld not found", login->staff_id);
}

enum err_code store_staff_login_result(struct store *store, long long staff_id, bool ok,
                                       long long locked_until, const struct store_audit *audit,
                                       struct error *err)
{
    struct login_result login = { staff_id, ok, locked_until };
    return store__write(store, login_result_job, &login, audit, err);
}

/* ---- login sessions ---- */

static const char sql_session_add[] =
    "INSERT INTO login_session (token_hash, staff_id, created_at, expires_at, csrf) "
    "VALUES (?, ?, ?, ?, ?)";
/* The session and its staff member in one read: every request checks both. */
static const char sql_session_get[] =
    "SELECT s.token_hash, s.staff_id, s.created_at, s.expires_at, s.csrf, " STAFF_FIELDS(
        "t.") " FROM login_session s JOIN staff t ON t.id = s.staff_id WHERE s.token_hash = ?";
static const char sql_session_delete[] = "DELETE FROM login_session WHERE token_hash = ?";

struct session_row {
    struct store_session *session;
    struct store_staff *staff;
};

static void read_session(struct store__stmt *stmt, void *elem)
{
    struct session_row *row = elem;
    struct store_session *session = row->session;
    STORE__COLUMN_FIELD(stmt, 0, session->token_hash);
    session->staff_id = store__column_int64(stmt, 1);
    session->created_at = store__column_int64(stmt, 2);
    session->expires_at = store__column_int64(stmt, 3);
    STORE__COLUMN_FIELD(stmt, 4, session->csrf);
    read_staff_from(stmt, 5, row->staff);
}

static enum err_code session_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    const struct store_session *session = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__must_exist(conn, store__sql_staff_exists, session->staff_id,
                                         "staff_id", "staff member", err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, sql_session_add, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    STORE__BIND_FIELD(stmt, 1, session->token_hash);
    store__bind_int64(stmt, 2, session->staff_id);
    store__bind_int64(stmt, 3, session->created_at);
    store__bind_int64(stmt, 4, session->expires_at);
    STORE__BIND_FIELD(stmt, 5, session->csrf);
    return store__step_done(stmt, err);
}

enum err_code store_session_add(struct store *store, const struct store_session *session,
                                struct error *err)
{
    return store__write(store, session_add_job, (void *)session, NULL, err);
}

enum err_code store_session_get(struct store *store, const char *token_hash,
                                struct store_session *out, struct store_staff *staff,
                                struct error *err)
{
    struct store_staff ignored;
    struct session_row row = { out, staff != NULL ? staff : &ignored };
    struct store__stmt *stmt = NULL;
    memset(out, 0, sizeof(*out));
    memset(row.staff, 0, sizeof(*row.staff));
    if (token_hash == NULL)
        return error_set(err, ERR_INVALID, "token_hash", "no token_hash given");
    enum err_code rc = store__read(store, sql_session_get, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_str(stmt, 1, token_hash);
    return store__get_one(stmt, read_session, &row, "token_hash", err, "no such session");
}

static enum err_code session_delete_job(struct store__conn *conn, void *arg, struct error *err)
{
    const char *token_hash = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_session_delete, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_str(stmt, 1, token_hash);
    rc = store__step_done(stmt, err);
    if (rc != ERR_OK)
        return rc;
    return store__changed(conn, "token_hash", err, "no such session");
}

enum err_code store_session_delete(struct store *store, const char *token_hash, struct error *err)
{
    if (token_hash == NULL)
        return error_set(err, ERR_INVALID, "token_hash", "no session given");
    return store__write(store, session_delete_job, (void *)token_hash, NULL, err);
}
