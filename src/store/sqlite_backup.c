/* sqlite_backup.c - online backups of a SQLite database (store_backup, and the copy taken
 * before a migration). */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "store_internal.h"

#define BACKUP_BUSY_RETRIES  100
#define BACKUP_BUSY_SLEEP_MS 50

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
enum err_code store__sqlite_backup(void *handle, const char *path, struct error *err)
{
    sqlite3 *src = handle;
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
    if (store->backend != &store__sqlite_backend)
        return error_set(err, ERR_INVALID, "db",
                         "a PostgreSQL database is backed up with pg_dump (docs/operations.md)");
    struct store__conn *conn = NULL;
    enum err_code rc = store__conn_open(store, false, true, &conn, err);
    if (rc == ERR_OK)
        rc = store__sqlite_backup(conn->handle, path, err);
    store__conn_free(conn);
    return rc;
}
