/* store_conn.c - connections of any backend: the per-thread readers, the statement cache and
 * reconnecting, stepping, and the helpers every record file uses. */
#include "store_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

const char store__sql_patient_exists[] = "SELECT 1 FROM patient WHERE id = ?";
const char store__sql_episode_exists[] = "SELECT 1 FROM episode WHERE id = ?";
const char store__sql_unit_exists[] = "SELECT 1 FROM unit WHERE id = ?";
const char store__sql_staff_exists[] = "SELECT 1 FROM staff WHERE id = ?";
static const char sql_municipality_exists[] = "SELECT 1 FROM municipality WHERE code = ?";

/* ---- opening ---- */

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum err_code store__url_parse(const char *url, const struct store__backend **backend,
                               const char **target, struct error *err)
{
    *backend = NULL;
    *target = NULL;
    if (url == NULL || url[0] == '\0')
        return error_set(err, ERR_INVALID, "db", "no database given");
    if (has_prefix(url, "postgres://") || has_prefix(url, "postgresql://")) {
        *backend = &store__pg_backend;
        *target = url;
        return ERR_OK;
    }
    const char *p = url;
    if (has_prefix(p, "sqlite:")) {
        p += 7;
        if (has_prefix(p, "//"))
            p += 2;
    }
    if (p[0] == '\0')
        return error_set(err, ERR_INVALID, "db", "no database file in \"%s\"", url);
    *backend = &store__sqlite_backend;
    *target = p;
    return ERR_OK;
}

enum err_code store__conn_connect(const struct store__backend *backend, const char *target,
                                  bool create, bool read_only, struct store__conn **out,
                                  struct error *err)
{
    void *handle = NULL;
    *out = NULL;
    enum err_code rc = backend->open(target, create, read_only, &handle, err);
    if (rc != ERR_OK)
        return rc;
    struct store__conn *conn = xcalloc(1, sizeof(*conn));
    conn->backend = backend;
    conn->handle = handle;
    *out = conn;
    return ERR_OK;
}

enum err_code store__conn_open(struct store *store, bool create, bool read_only,
                               struct store__conn **out, struct error *err)
{
    enum err_code rc =
        store__conn_connect(store->backend, store->target, create, read_only, out, err);
    if (rc == ERR_OK)
        (*out)->store = store;
    return rc;
}

static void forget_statements(struct store__conn *conn)
{
    for (int i = 0; i < STORE__CACHE_SLOTS; i++) {
        if (conn->cache[i].stmt != NULL)
            conn->backend->finalize(conn->cache[i].stmt);
        conn->cache[i].stmt = NULL;
        conn->cache[i].sql = NULL;
    }
    conn->cached = 0;
}

void store__conn_free(struct store__conn *conn)
{
    if (conn == NULL)
        return;
    forget_statements(conn);
    conn->backend->close(conn->handle);
    free(conn);
}

/* A connection the database dropped is opened again; its statements are gone with it. */
static enum err_code ensure_connected(struct store__conn *conn, struct error *err)
{
    if (conn->backend->healthy(conn->handle))
        return ERR_OK;
    forget_statements(conn);
    return conn->backend->reconnect(conn->handle, err);
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
    enum err_code rc = store__conn_open(store, false, true, &conn, err);
    if (rc != ERR_OK)
        return rc;
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

enum err_code store__stmt(struct store__conn *conn, const char *sql, struct store__stmt **out,
                          struct error *err)
{
    *out = NULL;
    enum err_code rc = ensure_connected(conn, err);
    if (rc != ERR_OK)
        return rc;
    struct store__cached_stmt *slot = cache_slot(conn, sql);
    if (slot->stmt != NULL) {
        store__done(slot->stmt);
        *out = slot->stmt;
        return ERR_OK;
    }
    if (conn->cached >= STORE__CACHE_SLOTS * 3 / 4)
        return error_set(err, ERR_INTERNAL, NULL, "the statement cache is full");
    struct store__stmt *stmt = NULL;
    rc = conn->backend->prepare(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    slot->sql = sql;
    slot->stmt = stmt;
    conn->cached++;
    *out = stmt;
    return ERR_OK;
}

enum err_code store__read(struct store *store, const char *sql, struct store__stmt **out,
                          struct error *err)
{
    struct store__conn *conn = NULL;
    *out = NULL;
    enum err_code rc = store__reader(store, &conn, err);
    if (rc != ERR_OK)
        return rc;
    return store__stmt(conn, sql, out, err);
}

void store__done(struct store__stmt *stmt)
{
    if (stmt == NULL)
        return;
    stmt->conn->backend->reset(stmt);
}

int store__step(struct store__stmt *stmt, struct error *err)
{
    return stmt->conn->backend->step(stmt, err);
}

enum err_code store__step_done(struct store__stmt *stmt, struct error *err)
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
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    return store__step_done(stmt, err);
}

enum err_code store__collect(struct store__stmt *stmt, size_t size,
                             void (*read_row)(struct store__stmt *stmt, void *elem), void **out,
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
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, id);
    int found = store__step(stmt, err);
    store__done(stmt);
    if (found < 0)
        return (enum err_code)found;
    if (found == 0)
        return error_set(err, ERR_NOT_FOUND, field, "%s %lld not found", what, id);
    return ERR_OK;
}

enum err_code store__insert_id(struct store__stmt *stmt, long long *id, struct error *err)
{
    int row = store__step(stmt, err);
    if (row == 1)
        *id = store__column_int64(stmt, 0);
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

enum err_code store__get_one(struct store__stmt *stmt,
                             void (*read_row)(struct store__stmt *stmt, void *out), void *out,
                             const char *field, struct error *err, const char *fmt, ...)
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
                               void (*read_row)(struct store__stmt *stmt, void *out), void *out,
                               size_t size, const char *what, struct error *err)
{
    struct store__stmt *stmt = NULL;
    memset(out, 0, size);
    enum err_code rc = store__read(store, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, id);
    return store__get_one(stmt, read_row, out, "id", err, "%s %lld not found", what, id);
}

enum err_code store__list(struct store *store, const char *sql, long long id, size_t size,
                          void (*read_row)(struct store__stmt *stmt, void *elem), void **out,
                          int *count, struct error *err)
{
    struct store__stmt *stmt = NULL;
    *out = NULL;
    *count = 0;
    enum err_code rc = store__read(store, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    if (store__param_count(stmt) > 0)
        store__bind_int64(stmt, 1, id);
    return store__collect(stmt, size, read_row, out, count, err);
}

enum err_code store__changed(struct store__conn *conn, const char *field, struct error *err,
                             const char *fmt, ...)
{
    if (store__changes(conn) > 0)
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
    struct store__stmt *stmt = NULL;
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

/* ---- transactions ---- */

enum err_code store__begin(struct store__conn *conn, struct error *err)
{
    return store__exec(conn, conn->backend->sql_begin, err);
}

bool store__in_transaction(struct store__conn *conn)
{
    return conn->backend->in_transaction(conn);
}

void store__rollback(struct store__conn *conn)
{
    struct error ignored;
    if (store__in_transaction(conn))
        (void)conn->backend->exec_script(conn, "ROLLBACK", &ignored);
}

enum err_code store__exec_script(struct store__conn *conn, const char *sql, struct error *err)
{
    enum err_code rc = ensure_connected(conn, err);
    return rc != ERR_OK ? rc : conn->backend->exec_script(conn, sql, err);
}

enum err_code store__tune_bulk(struct store__conn *conn, struct error *err)
{
    return conn->backend->tune_bulk(conn, err);
}

long long store__changes(struct store__conn *conn)
{
    return conn->backend->changes(conn);
}

/* ---- binding and columns ---- */

void store__bind_int64(struct store__stmt *stmt, int index, long long value)
{
    stmt->conn->backend->bind_int64(stmt, index, value);
}

void store__bind_int(struct store__stmt *stmt, int index, int value)
{
    stmt->conn->backend->bind_int64(stmt, index, value);
}

void store__bind_null(struct store__stmt *stmt, int index)
{
    stmt->conn->backend->bind_null(stmt, index);
}

void store__bind_str(struct store__stmt *stmt, int index, const char *text)
{
    stmt->conn->backend->bind_text(stmt, index, text, strlen(text));
}

void store__bind_text(struct store__stmt *stmt, int index, const char *text, size_t size)
{
    stmt->conn->backend->bind_text(stmt, index, text, strnlen(text, size));
}

void store__bind_text_or_null(struct store__stmt *stmt, int index, const char *text, size_t size)
{
    if (text[0] == '\0')
        store__bind_null(stmt, index);
    else
        store__bind_text(stmt, index, text, size);
}

void store__bind_id(struct store__stmt *stmt, int index, long long id)
{
    if (id == 0)
        store__bind_null(stmt, index);
    else
        store__bind_int64(stmt, index, id);
}

int store__param_count(struct store__stmt *stmt)
{
    return stmt->conn->backend->param_count(stmt);
}

long long store__column_int64(struct store__stmt *stmt, int col)
{
    return stmt->conn->backend->column_int64(stmt, col);
}

int store__column_int(struct store__stmt *stmt, int col)
{
    return (int)store__column_int64(stmt, col);
}

const char *store__column_str(struct store__stmt *stmt, int col)
{
    size_t len = 0;
    const char *text = stmt->conn->backend->column_text(stmt, col, &len);
    return text != NULL ? text : "";
}

bool store__column_is_null(struct store__stmt *stmt, int col)
{
    size_t len = 0;
    return stmt->conn->backend->column_text(stmt, col, &len) == NULL;
}

void store__column_text(struct store__stmt *stmt, int col, char *dst, size_t size)
{
    size_t len = 0;
    const char *text = stmt->conn->backend->column_text(stmt, col, &len);
    if (text == NULL)
        len = 0;
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

enum err_code store__lock_patient(struct store__conn *conn, long long patient_id, bool exclusive,
                                  struct error *err)
{
    struct store__stmt *stmt = NULL;
    const char *sql =
        exclusive ? conn->backend->sql_lock_patient : conn->backend->sql_lock_patient_shared;
    if (sql == NULL)
        return ERR_OK;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, patient_id);
    return store__step_done(stmt, err);
}
