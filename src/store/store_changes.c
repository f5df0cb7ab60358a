/* store_changes.c - the change log (store.h, schema version 2): written by the jobs that change
 * an episode, read by processes that keep derived figures current. The cursor's meaning is the
 * backend's (store__backend.sql_change_mark / sql_changes_since): SQLite's last sequence number
 * seen, PostgreSQL's oldest running transaction. */
#include "store_internal.h"

#include <stdlib.h>

#include "core/mem.h"

static const char sql_change_insert[] = "INSERT INTO change_log (episode_id) VALUES (?)";
static const char sql_change_by_appointment[] =
    "INSERT INTO change_log (episode_id) SELECT episode_id FROM appointment WHERE id = ?";

enum err_code store__episode_changed(struct store__conn *conn, long long episode_id,
                                     struct error *err)
{
    struct store__stmt *stmt = NULL;
    if (episode_id <= 0)
        return ERR_OK;
    enum err_code rc = store__stmt(conn, sql_change_insert, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, episode_id);
    return store__step_done(stmt, err);
}

enum err_code store__appointment_changed(struct store__conn *conn, long long appointment_id,
                                         struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_change_by_appointment, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, appointment_id);
    return store__step_done(stmt, err);
}

enum err_code store_changes_mark(struct store *store, long long *cursor, struct error *err)
{
    struct store__stmt *stmt = NULL;
    *cursor = 0;
    enum err_code rc = store__read(store, store->backend->sql_change_mark, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int row = store__step(stmt, err);
    if (row == 1)
        *cursor = store__column_int64(stmt, 0);
    store__done(stmt);
    return row < 0 ? (enum err_code)row : ERR_OK;
}

enum err_code store_changes_since(struct store *store, long long *cursor, long long **ids,
                                  int *count, struct error *err)
{
    struct store__stmt *stmt = NULL;
    long long *list = NULL, next = *cursor;
    int n = 0, capacity = 0, row;
    *ids = NULL;
    *count = 0;
    enum err_code rc = store__read(store, store->backend->sql_changes_since, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, *cursor);
    while ((row = store__step(stmt, err)) == 1) {
        long long mark = store__column_int64(stmt, 0);
        if (mark > next)
            next = mark;
        if (store__column_is_null(stmt, 1))
            continue; /* PostgreSQL: the mark alone, no change */
        if (n == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            list = xrealloc(list, (size_t)capacity * sizeof(*list));
        }
        list[n++] = store__column_int64(stmt, 1);
    }
    store__done(stmt);
    if (row < 0) {
        free(list);
        return (enum err_code)row;
    }
    *cursor = next;
    *ids = list;
    *count = n;
    return ERR_OK;
}
