/* sqlite_backend.c - the SQLite backend's connections and statements (struct store__backend):
 * opening with our pragmas (WAL, synchronous=FULL, foreign keys, busy timeout) and turning
 * SQLite's errors into ours. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "store_internal.h"

#define BULK_CACHE_KIB 262144 /* KiB of page cache for a bulk load: indexes stay in it */

/* An INSERT ending in " RETURNING id" is prepared without it: SQLite builds a temporary
 * table for every RETURNING, while the new id is at hand anyway (sqlite3_last_insert_rowid).
 * Such a statement then yields one row, the id, as RETURNING would. */
#define RETURNING_ID " RETURNING id"

struct lite_stmt {
    struct store__stmt base;
    sqlite3_stmt *stmt;
    bool returns_rowid; /* RETURNING id left out: the row is made up after the insert */
    int rowid_state;    /* 0: not stepped, 1: the id row is current, 2: done */
    long long rowid;
};

static sqlite3_stmt *lite(struct store__stmt *stmt)
{
    return ((struct lite_stmt *)stmt)->stmt;
}

static sqlite3 *lite_db(struct store__conn *conn)
{
    return conn->handle;
}

/* ---- errors ---- */

/* What SQLite names after "constraint failed: ". */
static const char *constraint_name(const char *errmsg)
{
    const char *name = strstr(errmsg, "failed: ");
    return name != NULL ? name + strlen("failed: ") : NULL;
}

static enum err_code constraint_error(int extended, const char *errmsg, struct error *err)
{
    const char *name = constraint_name(errmsg);
    switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return store__violation_error(STORE__UNIQUE, name, errmsg, err);
    case SQLITE_CONSTRAINT_CHECK:
        return store__violation_error(STORE__CHECK, name, errmsg, err);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return store__violation_error(STORE__FOREIGN_KEY, name, errmsg, err);
    case SQLITE_CONSTRAINT_NOTNULL:
        return store__violation_error(STORE__NOT_NULL, name, errmsg, err);
    case SQLITE_CONSTRAINT_TRIGGER:
        return store__violation_error(STORE__TRIGGER, name, errmsg, err);
    default:
        return error_set(err, ERR_CONFLICT, NULL, "%s", errmsg);
    }
}

static enum err_code lite_error(sqlite3 *db, int rc, struct error *err)
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

/* ---- connections ---- */

static enum err_code set_wal(sqlite3 *db, struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    enum err_code code = ERR_OK;
    if (rc != SQLITE_ROW)
        code = lite_error(db, rc, err);
    else if (strcmp((const char *)sqlite3_column_text(stmt, 0), "wal") != 0)
        code = error_set(err, ERR_IO, NULL, "the database cannot use write-ahead logging (WAL)");
    sqlite3_finalize(stmt);
    return code;
}

static enum err_code set_pragmas(sqlite3 *db, bool read_only, struct error *err)
{
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, STORE__BUSY_TIMEOUT_MS);
    /* Readers do not map the file (mmap_size): a map saves copying pages, but SQLite drops and
     * makes it again at the first read after any commit, two system calls and a TLB flush on
     * every core per read under writes (timeline reads measured 10,600/s mapped, 18,700/s not). */
    const char *pragmas = read_only ? "PRAGMA foreign_keys = ON; PRAGMA query_only = ON;"
                                    : "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
                                      "PRAGMA journal_size_limit = 67108864;";
    int rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return lite_error(db, rc, err);
    return read_only ? ERR_OK : set_wal(db, err);
}

/* SQLite counts every allocation under one process-wide mutex unless told not to (MEMSTATUS);
 * with a connection per worker thread that mutex was the most contended lock of the server. Must
 * run before SQLite initialises; Stegvis never asks SQLite for its memory figures. */
static void lite_configure(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static enum err_code lite_open(const char *path, bool create, bool read_only, void **handle,
                               struct error *err)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, lite_configure);
    *handle = NULL;
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
    *handle = db;
    return ERR_OK;
}

static void lite_close(void *handle)
{
    sqlite3_close(handle);
}

/* A file connection does not drop. */
static bool lite_healthy(void *handle)
{
    (void)handle;
    return true;
}

static enum err_code lite_reconnect(void *handle, struct error *err)
{
    (void)handle;
    (void)err;
    return ERR_OK;
}

/* ---- statements ---- */

static enum err_code lite_prepare(struct store__conn *conn, const char *sql,
                                  struct store__stmt **out, struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    size_t len = strlen(sql), tail = strlen(RETURNING_ID);
    bool returns_rowid =
        len > tail && strcmp(sql + len - tail, RETURNING_ID) == 0 && strncmp(sql, "INSERT", 6) == 0;
    int bytes = (int)(returns_rowid ? len - tail : len);
    int rc = sqlite3_prepare_v3(lite_db(conn), sql, bytes, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return lite_error(lite_db(conn), rc, err);
    }
    struct lite_stmt *s = xcalloc(1, sizeof(*s));
    s->base.conn = conn;
    s->stmt = stmt;
    s->returns_rowid = returns_rowid;
    *out = &s->base;
    return ERR_OK;
}

static void lite_finalize(struct store__stmt *stmt)
{
    sqlite3_finalize(lite(stmt));
    free(stmt);
}

static void lite_bind_int64(struct store__stmt *stmt, int index, long long value)
{
    sqlite3_bind_int64(lite(stmt), index, value);
}

static void lite_bind_text(struct store__stmt *stmt, int index, const char *text, size_t len)
{
    sqlite3_bind_text(lite(stmt), index, text, (int)len, SQLITE_TRANSIENT);
}

static void lite_bind_null(struct store__stmt *stmt, int index)
{
    sqlite3_bind_null(lite(stmt), index);
}

static int lite_param_count(struct store__stmt *stmt)
{
    return sqlite3_bind_parameter_count(lite(stmt));
}

/* The made-up row of an INSERT prepared without its RETURNING id. */
static int rowid_step(struct lite_stmt *s, struct error *err)
{
    if (s->rowid_state > 0) {
        s->rowid_state = 2;
        return 0;
    }
    int rc = sqlite3_step(s->stmt);
    if (rc != SQLITE_DONE)
        return rc == SQLITE_ROW ? 1 : lite_error(lite_db(s->base.conn), rc, err);
    s->rowid = sqlite3_last_insert_rowid(lite_db(s->base.conn));
    s->rowid_state = 1;
    return 1;
}

static int lite_step(struct store__stmt *stmt, struct error *err)
{
    struct lite_stmt *s = (struct lite_stmt *)stmt;
    if (s->returns_rowid)
        return rowid_step(s, err);
    int rc = sqlite3_step(lite(stmt));
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return lite_error(lite_db(stmt->conn), rc, err);
}

static void lite_reset(struct store__stmt *stmt)
{
    ((struct lite_stmt *)stmt)->rowid_state = 0;
    sqlite3_reset(lite(stmt));
    sqlite3_clear_bindings(lite(stmt));
}

static long long lite_column_int64(struct store__stmt *stmt, int col)
{
    const struct lite_stmt *s = (const struct lite_stmt *)stmt;
    if (s->returns_rowid)
        return s->rowid_state == 1 && col == 0 ? s->rowid : 0;
    return sqlite3_column_int64(lite(stmt), col);
}

static const char *lite_column_text(struct store__stmt *stmt, int col, size_t *len)
{
    if (((struct lite_stmt *)stmt)->returns_rowid) {
        *len = 0;
        return NULL; /* the id row is read as a number (store__insert_id) */
    }
    const char *text = (const char *)sqlite3_column_text(lite(stmt), col);
    *len = text != NULL ? (size_t)sqlite3_column_bytes(lite(stmt), col) : 0;
    return text;
}

static long long lite_changes(struct store__conn *conn)
{
    return sqlite3_changes(lite_db(conn));
}

static bool lite_in_transaction(struct store__conn *conn)
{
    return sqlite3_get_autocommit(lite_db(conn)) == 0;
}

static bool lite_busy(struct store__conn *conn)
{
    sqlite3 *db = lite_db(conn);
    if (sqlite3_get_autocommit(db) == 0)
        return true;
    for (sqlite3_stmt *stmt = sqlite3_next_stmt(db, NULL); stmt != NULL;
         stmt = sqlite3_next_stmt(db, stmt))
        if (sqlite3_stmt_busy(stmt))
            return true;
    return false;
}

static enum err_code lite_exec_script(struct store__conn *conn, const char *sql, struct error *err)
{
    int rc = sqlite3_exec(lite_db(conn), sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ERR_OK : lite_error(lite_db(conn), rc, err);
}

static enum err_code lite_tune_bulk(struct store__conn *conn, struct error *err)
{
    char pragma[64];
    snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", BULK_CACHE_KIB);
    return lite_exec_script(conn, pragma, err);
}

const struct store__backend store__sqlite_backend = {
    .name = "sqlite",
    .dialect = SCHEMA_SQLITE,
    .sql_begin = "BEGIN IMMEDIATE",
    .sql_has_meta = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
    .sql_table_count =
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    .sql_schema_lock = NULL, /* BEGIN IMMEDIATE holds the write lock already */
    /* One writer at a time: sequence numbers are committed in order. */
    .sql_change_mark = "SELECT COALESCE(MAX(seq), 0) FROM change_log",
    .sql_changes_since = "SELECT seq, episode_id FROM change_log WHERE seq > ? ORDER BY seq",
    .sql_lock_patient_shared = NULL, /* one writer: transactions never overlap */
    .sql_lock_patient = NULL,
    .writers = 1, /* SQLite lets one connection write at a time */
    .open = lite_open,
    .close = lite_close,
    .healthy = lite_healthy,
    .reconnect = lite_reconnect,
    .prepare = lite_prepare,
    .finalize = lite_finalize,
    .bind_int64 = lite_bind_int64,
    .bind_text = lite_bind_text,
    .bind_null = lite_bind_null,
    .param_count = lite_param_count,
    .step = lite_step,
    .reset = lite_reset,
    .column_int64 = lite_column_int64,
    .column_text = lite_column_text,
    .changes = lite_changes,
    .in_transaction = lite_in_transaction,
    .busy = lite_busy,
    .exec_script = lite_exec_script,
    .tune_bulk = lite_tune_bulk,
};
