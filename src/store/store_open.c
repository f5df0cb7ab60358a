/* store_open.c - the store's life cycle on any backend: open (creating or checking the schema),
 * close, schema version, migrate. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "schema.h"

static const char sql_commit[] = "COMMIT";
static const char sql_version_get[] = SCHEMA_VERSION_GET_SQL;
static const char sql_version_set[] = SCHEMA_VERSION_SET_SQL;

/* ---- schema version ---- */

static enum err_code count_rows(struct store__conn *conn, const char *sql, long long *count,
                                struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int row = store__step(stmt, err);
    *count = row == 1 ? store__column_int64(stmt, 0) : 0;
    store__done(stmt);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

static enum err_code meta_version(struct store__conn *conn, const char *name, int *version,
                                  struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_version_get, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int row = store__step(stmt, err);
    if (row == 1) {
        const char *text = store__column_str(stmt, 0);
        char *end = NULL;
        long value = strtol(text, &end, 10);
        if (end == text || *end != '\0' || value < 0 || value > 1000000)
            row = error_set(err, ERR_IO, "db", "%s has a damaged schema version", name);
        else
            *version = (int)value;
    }
    store__done(stmt);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

/* The schema version, and whether the database is `empty` (no tables at all: version 0 too).
 * A database with tables but without our version is someone else's, and is left alone. */
static enum err_code read_version(struct store__conn *conn, const char *name, int *version,
                                  bool *empty, struct error *err)
{
    long long has_meta = 0, tables = 0;
    *version = 0;
    *empty = false;
    enum err_code rc = count_rows(conn, conn->backend->sql_has_meta, &has_meta, err);
    if (rc == ERR_OK && has_meta)
        return meta_version(conn, name, version, err);
    if (rc == ERR_OK)
        rc = count_rows(conn, conn->backend->sql_table_count, &tables, err);
    if (rc == ERR_OK && tables > 0)
        rc = error_set(err, ERR_CONFLICT, "db",
                       "%s is not a Stegvis database (it has tables but no schema version)", name);
    *empty = rc == ERR_OK;
    return rc;
}

static enum err_code set_version(struct store__conn *conn, int version, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_version_set, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    char text[16];
    snprintf(text, sizeof(text), "%d", version);
    store__bind_str(stmt, 1, text);
    return store__step_done(stmt, err);
}

/* Run migrations from+1 .. latest inside the caller's transaction. */
static enum err_code run_migrations(struct store__conn *conn, int from, struct error *err)
{
    for (int version = from + 1; version <= schema_latest(); version++) {
        char *sql = schema_migration_sql(version, conn->backend->dialect);
        enum err_code code = store__exec_script(conn, sql, err);
        free(sql);
        if (code == ERR_OK)
            code = set_version(conn, version, err);
        if (code != ERR_OK)
            return code;
    }
    return ERR_OK;
}

static enum err_code version_supported(int version, const char *url, struct error *err)
{
    if (version < STORE_SCHEMA_VERSION)
        return error_set(err, ERR_CONFLICT, "db",
                         "database schema version %d is older than %d: run `stegvis migrate "
                         "--db %s` (it takes a backup first)",
                         version, STORE_SCHEMA_VERSION, url);
    if (version > STORE_SCHEMA_VERSION)
        return error_set(err, ERR_CONFLICT, "db",
                         "database schema version %d is newer than this stegvis (%d): upgrade "
                         "stegvis",
                         version, STORE_SCHEMA_VERSION);
    return ERR_OK;
}

/* Begin the transaction of a schema change: on PostgreSQL a lock, so that two servers starting
 * on one new database do not both create the schema. */
static enum err_code begin_schema_change(struct store__conn *conn, struct error *err)
{
    enum err_code rc = store__begin(conn, err);
    if (rc == ERR_OK && conn->backend->sql_schema_lock != NULL)
        rc = store__exec(conn, conn->backend->sql_schema_lock, err);
    return rc;
}

/* A new or empty database gets the schema and the region; any other must be current. */
static enum err_code prepare_schema(struct store__conn *conn, const char *url, const char *name,
                                    const char *region_json, struct error *err)
{
    int version = 0;
    bool empty = false;
    enum err_code rc = begin_schema_change(conn, err);
    if (rc == ERR_OK)
        rc = read_version(conn, name, &version, &empty, err);
    if (rc == ERR_OK && empty) {
        rc = run_migrations(conn, 0, err);
        if (rc == ERR_OK && region_json != NULL)
            rc = store__seed_region(conn, region_json, err);
        if (rc == ERR_OK)
            rc = store__exec(conn, sql_commit, err);
        version = STORE_SCHEMA_VERSION;
    }
    store__rollback(conn);
    if (rc == ERR_OK)
        rc = version_supported(version, url, err);
    return rc;
}

/* ---- open and close ---- */

/* How messages name the database: its file, or its URL with any password as "***" (in `buf`). */
static const char *display_name(const struct store__backend *backend, const char *target, char *buf,
                                size_t size)
{
    if (backend == &store__sqlite_backend)
        return target;
    const char *at = strchr(target, '@');
    const char *user = strstr(target, "://");
    const char *colon =
        user != NULL && at != NULL ? memchr(user + 3, ':', (size_t)(at - user - 3)) : NULL;
    if (colon == NULL || strchr(user + 3, '/') < at)
        snprintf(buf, size, "%s", target);
    else
        snprintf(buf, size, "%.*s:***%s", (int)(colon - target), target, at);
    return buf;
}

static struct store *store_new(const struct store__backend *backend, const char *target)
{
    struct store *store = xcalloc(1, sizeof(*store));
    store->backend = backend;
    store->target = xstrdup(target);
    pthread_mutex_init(&store->lock, NULL);
    pthread_cond_init(&store->queue_cond, NULL);
    return store;
}

enum err_code store_open(const char *url, const char *region_json, struct store **out,
                         struct error *err)
{
    const struct store__backend *backend = NULL;
    const char *target = NULL;
    char name[512];
    *out = NULL;
    enum err_code rc = store__url_parse(url, &backend, &target, err);
    if (rc != ERR_OK)
        return rc;
    struct store *store = store_new(backend, target);
    rc = store__readers_init(store, err);
    if (rc == ERR_OK)
        rc = store__conn_open(store, true, false, &store->writers[0].conn, err);
    if (rc == ERR_OK)
        rc = prepare_schema(store->writers[0].conn, url,
                            display_name(backend, target, name, sizeof(name)), region_json, err);
    if (rc == ERR_OK)
        rc = store__writer_start(store, err);
    if (rc != ERR_OK) {
        store_close(store);
        return rc;
    }
    *out = store;
    return ERR_OK;
}

void store_close(struct store *store)
{
    if (store == NULL)
        return;
    store__writer_stop(store);
    store__readers_close(store);
    pthread_cond_destroy(&store->queue_cond);
    pthread_mutex_destroy(&store->lock);
    free(store->target);
    free(store);
}

void store_stats(struct store *store, struct store_stats *out)
{
    pthread_mutex_lock(&store->lock);
    out->writes = store->writes;
    out->commits = store->commits;
    pthread_mutex_unlock(&store->lock);
}

const char *store_backend_name(const struct store *store)
{
    return store->backend->name;
}

/* A connection of its own to the database at `url`. */
static enum err_code connect_url(const char *url, bool read_only, struct store__conn **conn,
                                 char *name, size_t size, struct error *err)
{
    const struct store__backend *backend = NULL;
    const char *target = NULL;
    *conn = NULL;
    enum err_code rc = store__url_parse(url, &backend, &target, err);
    if (rc == ERR_OK)
        rc = store__conn_connect(backend, target, false, read_only, conn, err);
    const char *shown = rc == ERR_OK ? display_name(backend, target, name, size) : name;
    if (shown != name)
        snprintf(name, size, "%s", shown);
    return rc;
}

enum err_code store_schema_version(const char *url, int *version, struct error *err)
{
    struct store__conn *conn = NULL;
    char name[512];
    bool empty = false;
    *version = 0;
    enum err_code rc = connect_url(url, true, &conn, name, sizeof(name), err);
    if (rc == ERR_OK)
        rc = read_version(conn, name, version, &empty, err);
    store__conn_free(conn);
    return rc;
}

/* ---- migrate ---- */

/* SQLite: a backup file first. PostgreSQL: DDL is transactional, and backups are the operator's
 * pg_dump (docs/operations.md), so there is no file to write. */
static enum err_code backup_before_migrating(struct store__conn *conn, const char *backup_path,
                                             struct error *err)
{
    if (conn->backend != &store__sqlite_backend)
        return ERR_OK;
    return store__sqlite_backup(conn->handle, backup_path, err);
}

static enum err_code migrate_conn(struct store__conn *conn, const char *url, const char *name,
                                  const char *backup_path, int *from, struct error *err)
{
    bool empty = false;
    enum err_code rc = read_version(conn, name, from, &empty, err);
    if (rc != ERR_OK || *from == STORE_SCHEMA_VERSION)
        return rc;
    if (*from > STORE_SCHEMA_VERSION)
        return version_supported(*from, url, err);
    rc = backup_before_migrating(conn, backup_path, err);
    int again = 0;
    if (rc == ERR_OK)
        rc = begin_schema_change(conn, err);
    if (rc == ERR_OK)
        rc = read_version(conn, name, &again, &empty, err);
    if (rc == ERR_OK && again != *from)
        rc = error_set(err, ERR_CONFLICT, "db", "%s changed its schema version meanwhile", name);
    if (rc == ERR_OK)
        rc = run_migrations(conn, *from, err);
    if (rc == ERR_OK)
        rc = store__exec(conn, sql_commit, err);
    store__rollback(conn);
    return rc;
}

enum err_code store_migrate(const char *url, const char *backup_path, int *from, int *to,
                            struct error *err)
{
    struct store__conn *conn = NULL;
    char name[512];
    *from = 0;
    *to = 0;
    enum err_code rc = connect_url(url, false, &conn, name, sizeof(name), err);
    if (rc == ERR_OK)
        rc = migrate_conn(conn, url, name, backup_path, from, err);
    store__conn_free(conn);
    if (rc == ERR_OK)
        *to = STORE_SCHEMA_VERSION;
    return rc;
}
