/* sqlite_conn.c - SQLite connections: opening with our pragmas, the per-thread readers, the
 * statement cache, stepping, and turning SQLite's errors into ours. */
#include "sqlite_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"

const char store__sql_patient_exists[] = "SELECT 1 FROM patient WHERE id = ?";
const char store__sql_episode_exists[] = "SELECT 1 FROM episode WHERE id = ?";
const char store__sql_unit_exists[] = "SELECT 1 FROM unit WHERE id = ?";
const char store__sql_staff_exists[] = "SELECT 1 FROM staff WHERE id = ?";
static const char sql_municipality_exists[] = "SELECT 1 FROM municipality WHERE code = ?";

/* ---- errors ---- */

struct constraint_message {
    const char *name; /* what SQLite names after "constraint failed: " */
    const char *field;
    const char *message;
};

static const struct constraint_message unique_messages[] = {
    { "patient.pnr", "pnr", "personnummer already registered" },
    { "staff.username", "username", "username already taken" },
    { "unit.code", "code", "unit code already in use" },
    { "municipality.code", "code", "municipality code already exists" },
    { "intervention.code", "code", "intervention code already exists" },
    { "unit_intervention.unit_id, unit_intervention.intervention_code", "intervention_code",
      "the unit already offers this intervention" },
    { "login_session.token_hash", "token_hash", "session already exists" },
    { "invitation.token_hash", "token_hash", "invitation already exists" },
    { "contract_history.episode_id, contract_history.version", "version",
      "this contract version is already stored" },
};

static const struct constraint_message check_messages[] = {
    { "unit_kind", "kind", "kind must be vardcentral, digital or specialist" },
    { "intervention_step", "step", "step must be 0 to 4" },
    { "staff_role", "role", "role must be clinician, manager, analyst or admin" },
    { "episode_source", "source", "source must be self, clinic or other" },
    { "episode_step", "step", "step must be -1 (not chosen) or 0 to 4" },
    { "response_channel", "channel", "channel must be portal, clinic or import" },
    { "risk_review_level", "level", "level must be low, moderate or high" },
    { "assessment_recommended_step", "recommended_step", "recommended step must be 0 to 4" },
    { "assessment_chosen_step", "chosen_step", "chosen step must be 0 to 4" },
    { "assessment_reason", "reason",
      "a chosen step that differs from the recommended step needs a reason" },
    { "appointment_status", "status", "status must be booked, attended, missed or cancelled" },
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct constraint_message *find_constraint(const struct constraint_message *list,
                                                        size_t count, const char *errmsg)
{
    const char *name = strstr(errmsg, "failed: ");
    if (name == NULL)
        return NULL;
    name += strlen("failed: ");
    for (size_t i = 0; i < count; i++)
        if (strcmp(list[i].name, name) == 0)
            return &list[i];
    return NULL;
}

static enum err_code constraint_error(int extended, const char *errmsg, struct error *err)
{
    const struct constraint_message *m;
    switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        m = find_constraint(unique_messages, COUNT_OF(unique_messages), errmsg);
        if (m != NULL)
            return error_set(err, ERR_CONFLICT, m->field, "%s", m->message);
        return error_set(err, ERR_CONFLICT, NULL, "already exists (%s)", errmsg);
    case SQLITE_CONSTRAINT_CHECK:
        m = find_constraint(check_messages, COUNT_OF(check_messages), errmsg);
        if (m != NULL)
            return error_set(err, ERR_INVALID, m->field, "%s", m->message);
        return error_set(err, ERR_INVALID, NULL, "%s", errmsg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return error_set(err, ERR_NOT_FOUND, NULL, "a record it refers to does not exist");
    case SQLITE_CONSTRAINT_NOTNULL:
        return error_set(err, ERR_INVALID, NULL, "a required value is missing (%s)", errmsg);
    case SQLITE_CONSTRAINT_TRIGGER:
        return error_set(err, ERR_FORBIDDEN, NULL, "%s", errmsg);
    default:
        return error_set(err, ERR_CONFLICT, NULL, "%s", errmsg);
    }
}

enum err_code store__sqlite_error(sqlite3 *db, int rc, struct error *err)
{
    int extended = db != NULL ? sqlite3_extended_errcode(db) : rc;
    const char *errmsg = db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return constraint_error(extended, errmsg, err);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return error_set(err, ERR_UNAVAILABLE, NULL, "the database is busy; try again (%s)",
                         errmsg);
    case SQLITE_NOMEM:
        return error_set(err, ERR_NOMEM, NULL, "the database ran out of memory");
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
        return error_set(err, ERR_IO, NULL, "database error: %s", errmsg);
    default:
        return error_set(err, ERR_INTERNAL, NULL, "database error: %s", errmsg);
    }
}

/* ---- opening ---- */

enum err_code store__url_path(const char *url, const char **path, struct error *err)
{
    *path = NULL;
    if (url == NULL || url[0] == '\0')
        return error_set(err, ERR_INVALID, "db", "no database given");
    if (strncmp(url, "postgres:", 9) == 0 || strncmp(url, "postgresql:", 11) == 0)
        return error_set(err, ERR_INVALID, "db",
                         "this stegvis has no PostgreSQL backend yet: use sqlite:FILE");
    const char *p = url;
    if (strncmp(p, "sqlite:", 7) == 0) {
        p += 7;
        if (strncmp(p, "//", 2) == 0)
            p += 2;
    }
    if (p[0] == '\0')
        return error_set(err, ERR_INVALID, "db", "no database file in \"%s\"", url);
    *path = p;
    return ERR_OK;
}

static enum err_code set_wal(sqlite3 *db, struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    enum err_code code = ERR_OK;
    if (rc != SQLITE_ROW)
        code = store__sqlite_error(db, rc, err);
    else if (strcmp((const char *)sqlite3_column_text(stmt, 0), "wal") != 0)
        code = error_set(err, ERR_IO, NULL, "the database cannot use write-ahead logging (WAL)");
    sqlite3_finalize(stmt);
    return code;
}

static enum err_code set_pragmas(sqlite3 *db, bool read_only, struct error *err)
{
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, STORE__BUSY_TIMEOUT_MS);
    const char *pragmas = read_only ? "PRAGMA foreign_keys = ON; PRAGMA query_only = ON;"
                                    : "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                                      "PRAGMA journal_size_limit = 67108864;";
    int rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store__sqlite_error(db, rc, err);
    return read_only ? ERR_OK : set_wal(db, err);
}

enum err_code store__conn_open(const char *path, bool create, bool read_only,
                               struct store__conn **out, struct error *err)
{
    *out = NULL;
    if (!create && access(path, F_OK) != 0)
        return error_set(err, ERR_NOT_FOUND, "db", "no database at %s", path);
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    enum err_code code = ERR_OK;
    if (rc != SQLITE_OK)
        code = error_set(err, ERR_IO, "db", "cannot open the database %s: %s", path,
                         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    else
        code = set_pragmas(db, read_only, err);
    if (code != ERR_OK) {
        sqlite3_close(db);
        return code;
    }
    struct store__conn *conn = xcalloc(1, sizeof(*conn));
    conn->db = db;
    *out = conn;
    return ERR_OK;
}

void store__conn_free(struct store__conn *conn)
{
    if (conn == NULL)
        return;
    for (int i = 0; i < STORE__CACHE_SLOTS; i++)
        sqlite3_finalize(conn->cache[i].stmt);
    sqlite3_close(conn->db);
    free(conn);
}

/* ---- per-thread readers ---- */

static void reader_unlink(struct store *store, struct store__conn *conn)
{
    for (struct store__conn **p = &store->readers; *p != NULL; p = &(*p)->next) {
        if (*p == conn) {
            *p = conn->next;
            return;
        }
    }
}

/* The pthread key's destructor: a thread that ends closes its connection. */
static void reader_release(void *arg)
{
    struct store__conn *conn = arg;
    pthread_mutex_lock(&conn->store->lock);
    reader_unlink(conn->store, conn);
    pthread_mutex_unlock(&conn->store->lock);
    store__conn_free(conn);
}

enum err_code store__reader(struct store *store, struct store__conn **out, struct error *err)
{
    struct store__conn *conn = pthread_getspecific(store->reader_key);
    if (conn != NULL) {
        *out = conn;
        return ERR_OK;
    }
    enum err_code rc = store__conn_open(store->path, false, true, &conn, err);
    if (rc != ERR_OK)
        return rc;
    conn->store = store;
    if (pthread_setspecific(store->reader_key, conn) != 0) {
        store__conn_free(conn);
        return error_set(err, ERR_INTERNAL, NULL, "cannot keep the thread's connection");
    }
    pthread_mutex_lock(&store->lock);
    conn->next = store->readers;
    store->readers = conn;
    pthread_mutex_unlock(&store->lock);
    *out = conn;
    return ERR_OK;
}

enum err_code store__readers_init(struct store *store, struct error *err)
{
    if (pthread_key_create(&store->reader_key, reader_release) != 0)
        return error_set(err, ERR_INTERNAL, NULL, "cannot create a thread key");
    store->reader_key_made = true;
    return ERR_OK;
}

void store__readers_close(struct store *store)
{
    pthread_mutex_lock(&store->lock);
    struct store__conn *conn = store->readers;
    store->readers = NULL;
    pthread_mutex_unlock(&store->lock);
    while (conn != NULL) {
        struct store__conn *next = conn->next;
        store__conn_free(conn);
        conn = next;
    }
    if (store->reader_key_made)
        pthread_key_delete(store->reader_key);
    store->reader_key_made = false;
}

/* ---- statements ---- */

static struct store__cached_stmt *cache_slot(struct store__conn *conn, const char *sql)
{
    size_t slot = ((uintptr_t)sql >> 3) % STORE__CACHE_SLOTS;
    while (conn->cache[slot].sql != NULL && conn->cache[slot].sql != sql)
        slot = (slot + 1) % STORE__CACHE_SLOTS;
    return &conn->cache[slot];
}

enum err_code store__stmt(struct store__conn *conn, const char *sql, sqlite3_stmt **out,
                          struct error *err)
{
    *out = NULL;
    struct store__cached_stmt *slot = cache_slot(conn, sql);
    if (slot->stmt != NULL) {
        if (sqlite3_stmt_busy(slot->stmt))
            store__done(slot->stmt);
        *out = slot->stmt;
        return ERR_OK;
    }
    if (conn->cached >= STORE__CACHE_SLOTS * 3 / 4)
        return error_set(err, ERR_INTERNAL, NULL, "the statement cache is full");
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v3(conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return store__sqlite_error(conn->db, rc, err);
    }
    slot->sql = sql;
    slot->stmt = stmt;
    conn->cached++;
    *out = stmt;
    return ERR_OK;
}

enum err_code store__read(struct store *store, const char *sql, sqlite3_stmt **out,
                          struct error *err)
{
    struct store__conn *conn = NULL;
    *out = NULL;
    enum err_code rc = store__reader(store, &conn, err);
    if (rc != ERR_OK)
        return rc;
    return store__stmt(conn, sql, out, err);
}

void store__done(sqlite3_stmt *stmt)
{
    if (stmt == NULL)
        return;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

int store__step(sqlite3_stmt *stmt, struct error *err)
{
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return store__sqlite_error(sqlite3_db_handle(stmt), rc, err);
}

enum err_code store__step_done(sqlite3_stmt *stmt, struct error *err)
{
    int rc;
    do
        rc = store__step(stmt, err);
    while (rc == 1);
    store__done(stmt);
    return rc == 0 ? ERR_OK : (enum err_code)rc;
}

enum err_code store__exec(struct store__conn *conn, const char *sql, struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    return store__step_done(stmt, err);
}

enum err_code store__collect(sqlite3_stmt *stmt, size_t size,
                             void (*read_row)(sqlite3_stmt *stmt, void *elem), void **out,
                             int *count, struct error *err)
{
    char *array = NULL;
    int n = 0, capacity = 0, rc;
    *out = NULL;
    *count = 0;
    for (;;) {
        rc = store__step(stmt, err);
        if (rc != 1)
            break;
        if (n == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            array = xrealloc(array, (size_t)capacity * size);
        }
        memset(array + (size_t)n * size, 0, size);
        read_row(stmt, array + (size_t)n * size);
        n++;
    }
    store__done(stmt);
    if (rc != 0) {
        free(array);
        return (enum err_code)rc;
    }
    *out = array;
    *count = n;
    return ERR_OK;
}

enum err_code store__must_exist(struct store__conn *conn, const char *sql, long long id,
                                const char *field, const char *what, struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    int found = store__step(stmt, err);
    store__done(stmt);
    if (found < 0)
        return (enum err_code)found;
    if (found == 0)
        return error_set(err, ERR_NOT_FOUND, field, "%s %lld not found", what, id);
    return ERR_OK;
}

enum err_code store__insert_id(sqlite3_stmt *stmt, long long *id, struct error *err)
{
    int row = store__step(stmt, err);
    if (row == 1)
        *id = sqlite3_column_int64(stmt, 0);
    store__done(stmt);
    if (row == 0)
        return error_set(err, ERR_INTERNAL, NULL, "the insert returned no id");
    return row < 0 ? (enum err_code)row : ERR_OK;
}

static enum err_code not_found(struct error *err, const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static enum err_code not_found(struct error *err, const char *field, const char *fmt, va_list ap)
{
    char message[sizeof(err->message)];
    vsnprintf(message, sizeof(message), fmt, ap);
    return error_set(err, ERR_NOT_FOUND, field, "%s", message);
}

enum err_code store__get_one(sqlite3_stmt *stmt, void (*read_row)(sqlite3_stmt *stmt, void *out),
                             void *out, const char *field, struct error *err, const char *fmt, ...)
{
    int row = store__step(stmt, err);
    if (row == 1)
        read_row(stmt, out);
    store__done(stmt);
    if (row < 0)
        return (enum err_code)row;
    if (row == 1)
        return ERR_OK;
    va_list ap;
    va_start(ap, fmt);
    enum err_code rc = not_found(err, field, fmt, ap);
    va_end(ap);
    return rc;
}

enum err_code store__get_by_id(struct store *store, const char *sql, long long id,
                               void (*read_row)(sqlite3_stmt *stmt, void *out), void *out,
                               size_t size, const char *what, struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    memset(out, 0, size);
    enum err_code rc = store__read(store, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    return store__get_one(stmt, read_row, out, "id", err, "%s %lld not found", what, id);
}

enum err_code store__list(struct store *store, const char *sql, long long id, size_t size,
                          void (*read_row)(sqlite3_stmt *stmt, void *elem), void **out, int *count,
                          struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    *out = NULL;
    *count = 0;
    enum err_code rc = store__read(store, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    if (sqlite3_bind_parameter_count(stmt) > 0)
        sqlite3_bind_int64(stmt, 1, id);
    return store__collect(stmt, size, read_row, out, count, err);
}

enum err_code store__changed(struct store__conn *conn, const char *field, struct error *err,
                             const char *fmt, ...)
{
    if (sqlite3_changes(conn->db) > 0)
        return ERR_OK;
    va_list ap;
    va_start(ap, fmt);
    enum err_code rc = not_found(err, field, fmt, ap);
    va_end(ap);
    return rc;
}

enum err_code store__code_must_exist(struct store__conn *conn, const char *sql, const char *code,
                                     size_t size, const char *field, const char *what,
                                     struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_text(stmt, 1, code, size);
    int row = store__step(stmt, err);
    store__done(stmt);
    if (row == 0)
        return error_set(err, ERR_NOT_FOUND, field, "%s %.*s not found", what,
                         (int)strnlen(code, size), code);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

enum err_code store__municipality_must_exist(struct store__conn *conn, const char *code,
                                             size_t size, struct error *err)
{
    return store__code_must_exist(conn, sql_municipality_exists, code, size, "municipality_code",
                                  "municipality", err);
}

/* ---- binding and columns ---- */

void store__bind_text(sqlite3_stmt *stmt, int index, const char *text, size_t size)
{
    sqlite3_bind_text(stmt, index, text, (int)strnlen(text, size), SQLITE_STATIC);
}

void store__bind_text_or_null(sqlite3_stmt *stmt, int index, const char *text, size_t size)
{
    if (text[0] == '\0')
        sqlite3_bind_null(stmt, index);
    else
        store__bind_text(stmt, index, text, size);
}

void store__bind_id(sqlite3_stmt *stmt, int index, long long id)
{
    if (id == 0)
        sqlite3_bind_null(stmt, index);
    else
        sqlite3_bind_int64(stmt, index, id);
}

void store__column_text(sqlite3_stmt *stmt, int col, char *dst, size_t size)
{
    const char *text = (const char *)sqlite3_column_text(stmt, col);
    size_t len = text ? (size_t)sqlite3_column_bytes(stmt, col) : 0;
    if (len >= size) {
        len = size - 1;
        /* never cut a UTF-8 sequence in two: back up to the start of the cut character */
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    if (len > 0)
        memcpy(dst, text, len);
    dst[len] = '\0';
}
