/* sqlite.c - the SQLite backend's life cycle: open (creating or checking the schema), close,
 * schema version, migrate, backup. */
#include "sqlite_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "schema.h"

static const char sql_begin[] = "BEGIN IMMEDIATE";
static const char sql_commit[] = "COMMIT";
static const char sql_has_meta[] =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'";
static const char sql_table_count[] =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
static const char sql_version_get[] = SCHEMA_VERSION_GET_SQL;
static const char sql_version_set[] = SCHEMA_VERSION_SET_SQL;

#define BACKUP_BUSY_RETRIES  100
#define BACKUP_BUSY_SLEEP_MS 50

/* ---- schema version ---- */

static enum err_code count_rows(struct store__conn *conn, const char *sql, long long *count,
                                struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int row = store__step(stmt, err);
    *count = row == 1 ? sqlite3_column_int64(stmt, 0) : 0;
    store__done(stmt);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

static enum err_code meta_version(struct store__conn *conn, const char *path, int *version,
                                  struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_version_get, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int row = store__step(stmt, err);
    if (row == 1) {
        const char *text = (const char *)sqlite3_column_text(stmt, 0);
        char *end = NULL;
        long value = text ? strtol(text, &end, 10) : -1;
        if (text == NULL || end == text || *end != '\0' || value < 0 || value > 1000000)
            row = error_set(err, ERR_IO, "db", "%s has a damaged schema version", path);
        else
            *version = (int)value;
    }
    store__done(stmt);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

/* The schema version, and whether the database is `empty` (no tables at all: version 0 too).
 * A database with tables but without our version is someone else's, and is left alone. */
static enum err_code read_version(struct store__conn *conn, const char *path, int *version,
                                  bool *empty, struct error *err)
{
    long long has_meta = 0, tables = 0;
    *version = 0;
    *empty = false;
    enum err_code rc = count_rows(conn, sql_has_meta, &has_meta, err);
    if (rc == ERR_OK && has_meta)
        return meta_version(conn, path, version, err);
    if (rc == ERR_OK)
        rc = count_rows(conn, sql_table_count, &tables, err);
    if (rc == ERR_OK && tables > 0)
        rc = error_set(err, ERR_CONFLICT, "db",
                       "%s is not a Stegvis database (it has tables but no schema version)", path);
    *empty = rc == ERR_OK;
    return rc;
}

static enum err_code set_version(struct store__conn *conn, int version, struct error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_version_set, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    char text[16];
    snprintf(text, sizeof(text), "%d", version);
    sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
    return store__step_done(stmt, err);
}

/* Run migrations from+1 .. latest inside the caller's transaction. */
static enum err_code run_migrations(struct store__conn *conn, int from, struct error *err)
{
    for (int version = from + 1; version <= schema_latest(); version++) {
        char *sql = schema_migration_sql(version, SCHEMA_SQLITE);
        int rc = sqlite3_exec(conn->db, sql, NULL, NULL, NULL);
        free(sql);
        if (rc != SQLITE_OK)
            return store__sqlite_error(conn->db, rc, err);
        enum err_code code = set_version(conn, version, err);
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

static void rollback(struct store__conn *conn)
{
    if (!sqlite3_get_autocommit(conn->db))
        sqlite3_exec(conn->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A new or empty database gets the schema and the region; any other must be current. */
static enum err_code prepare_schema(struct store__conn *conn, const char *url, const char *path,
                                    const char *region_json, struct error *err)
{
    int version = 0;
    bool empty = false;
    enum err_code rc = store__exec(conn, sql_begin, err);
    if (rc == ERR_OK)
        rc = read_version(conn, path, &version, &empty, err);
    if (rc == ERR_OK && empty) {
        rc = run_migrations(conn, 0, err);
        if (rc == ERR_OK && region_json != NULL)
            rc = store__seed_region(conn, region_json, err);
        if (rc == ERR_OK)
            rc = store__exec(conn, sql_commit, err);
        version = STORE_SCHEMA_VERSION;
    }
    rollback(conn);
    if (rc == ERR_OK)
        rc = version_supported(version, url, err);
    return rc;
}

/* ---- open and close ---- */

static struct store *store_new(const char *path)
{
    struct store *store = xcalloc(1, sizeof(*store));
    store->path = xstrdup(path);
    pthread_mutex_init(&store->lock, NULL);
    pthread_cond_init(&store->queue_cond, NULL);
    return store;
}

enum err_code store_open(const char *url, const char *region_json, struct store **out,
                         struct error *err)
{
    const char *path = NULL;
    *out = NULL;
    enum err_code rc = store__url_path(url, &path, err);
    if (rc != ERR_OK)
        return rc;
    struct store *store = store_new(path);
    rc = store__readers_init(store, err);
    if (rc == ERR_OK)
        rc = store__conn_open(path, true, false, &store->writer, err);
    if (rc == ERR_OK)
        rc = prepare_schema(store->writer, url, path, region_json, err);
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
    store__conn_free(store->writer);
    store__readers_close(store);
    pthread_cond_destroy(&store->queue_cond);
    pthread_mutex_destroy(&store->lock);
    free(store->path);
    free(store);
}

void store_stats(struct store *store, struct store_stats *out)
{
    pthread_mutex_lock(&store->lock);
    out->writes = store->writes;
    out->commits = store->commits;
    pthread_mutex_unlock(&store->lock);
}

enum err_code store_schema_version(const char *url, int *version, struct error *err)
{
    const char *path = NULL;
    struct store__conn *conn = NULL;
    bool empty = false;
    *version = 0;
    enum err_code rc = store__url_path(url, &path, err);
    if (rc == ERR_OK)
        rc = store__conn_open(path, false, true, &conn, err);
    if (rc == ERR_OK)
        rc = read_version(conn, path, version, &empty, err);
    store__conn_free(conn);
    return rc;
}

/* ---- backup ---- */

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static char *with_suffix(const char *path, const char *suffix)
{
    size_t size = strlen(path) + strlen(suffix) + 1;
    char *s = xmalloc(size);
    snprintf(s, size, "%s%s", path, suffix);
    return s;
}

/* Stale -wal or -journal files of an older file named `path` would be replayed into the new
 * one when it is opened, so they go before the new file takes the name. */
static void remove_companions(const char *path)
{
    static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char *name = with_suffix(path, suffixes[i]);
        unlink(name);
        free(name);
    }
}

static void sync_directory(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, strlen(dir) + 1, ".");
    else if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Copy every page of `src` into the new file `partial` in one step, so the copy is one
 * consistent snapshot even while the writer commits (WAL readers do not block it). */
static enum err_code copy_pages(sqlite3 *src, const char *partial, struct error *err)
{
    sqlite3 *dst = NULL;
    enum err_code code = ERR_OK;
    int rc = sqlite3_open_v2(partial, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(dst, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
    sqlite3_backup *backup = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", src, "main") : NULL;
    if (backup != NULL) {
        for (int tries = 0; tries < BACKUP_BUSY_RETRIES; tries++) {
            rc = sqlite3_backup_step(backup, -1);
            if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                break;
            sqlite3_sleep(BACKUP_BUSY_SLEEP_MS);
        }
        sqlite3_backup_finish(backup);
        if (rc == SQLITE_DONE)
            rc = sqlite3_errcode(dst);
    } else if (rc == SQLITE_OK) {
        rc = sqlite3_errcode(dst);
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        code = error_set(err, (rc & 0xff) == SQLITE_BUSY ? ERR_UNAVAILABLE : ERR_IO, "to",
                         "cannot write the backup %s: %s", partial,
                         dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
    if (sqlite3_close(dst) != SQLITE_OK && code == ERR_OK)
        code = error_set(err, ERR_IO, "to", "cannot close the backup %s", partial);
    return code;
}

/* Back `src` up to `path`: written beside it as PATH.partial, then renamed, so `path` is
 * either the old file or a whole new backup, never half of one. */
static enum err_code backup_db(sqlite3 *src, const char *path, struct error *err)
{
    if (path == NULL || path[0] == '\0')
        return error_set(err, ERR_INVALID, "to", "no backup file given");
    const char *source = sqlite3_db_filename(src, "main");
    if (source != NULL && same_file(source, path))
        return error_set(err, ERR_INVALID, "to", "the backup cannot overwrite the database");
    char *partial = with_suffix(path, ".partial");
    remove_companions(partial);
    unlink(partial);
    enum err_code rc = copy_pages(src, partial, err);
    if (rc == ERR_OK) {
        remove_companions(path);
        if (rename(partial, path) != 0)
            rc = error_set(err, ERR_IO, "to", "cannot rename %s to %s: %s", partial, path,
                           strerror(errno));
        else
            sync_directory(path);
    }
    if (rc != ERR_OK)
        unlink(partial);
    free(partial);
    return rc;
}

enum err_code store_backup(struct store *store, const char *path, struct error *err)
{
    struct store__conn *conn = NULL;
    enum err_code rc = store__conn_open(store->path, false, true, &conn, err);
    if (rc == ERR_OK)
        rc = backup_db(conn->db, path, err);
    store__conn_free(conn);
    return rc;
}

/* ---- migrate ---- */

static enum err_code migrate_conn(struct store__conn *conn, const char *url, const char *path,
                                  const char *backup_path, int *from, struct error *err)
{
    bool empty = false;
    enum err_code rc = read_version(conn, path, from, &empty, err);
    if (rc != ERR_OK || *from == STORE_SCHEMA_VERSION)
        return rc;
    if (*from > STORE_SCHEMA_VERSION)
        return version_supported(*from, url, err);
    rc = backup_db(conn->db, backup_path, err);
    int again = 0;
    if (rc == ERR_OK)
        rc = store__exec(conn, sql_begin, err);
    if (rc == ERR_OK)
        rc = read_version(conn, path, &again, &empty, err);
    if (rc == ERR_OK && again != *from)
        rc = error_set(err, ERR_CONFLICT, "db", "%s changed its schema version meanwhile", path);
    if (rc == ERR_OK)
        rc = run_migrations(conn, *from, err);
    if (rc == ERR_OK)
        rc = store__exec(conn, sql_commit, err);
    rollback(conn);
    return rc;
}

enum err_code store_migrate(const char *url, const char *backup_path, int *from, int *to,
                            struct error *err)
{
    const char *path = NULL;
    struct store__conn *conn = NULL;
    *from = 0;
    *to = 0;
    enum err_code rc = store__url_path(url, &path, err);
    if (rc == ERR_OK)
        rc = store__conn_open(path, false, false, &conn, err);
    if (rc == ERR_OK)
        rc = migrate_conn(conn, url, path, backup_path, from, err);
    store__conn_free(conn);
    if (rc == ERR_OK)
        *to = STORE_SCHEMA_VERSION;
    return rc;
}
