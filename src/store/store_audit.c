/* store_audit.c - the audit log: appended by the writer (with each change, or alone for reads)
 * and queried newest first. Nothing here updates or deletes it, and the schema's triggers
 * refuse it to anything else. */
#include "store_internal.h"

#include <limits.h>

#define AUDIT_QUERY_MAX 1000

static const char sql_audit_add[] =
    "INSERT INTO audit (at, actor_id, actor, action, patient_id, emergency, detail) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";

#define AUDIT_COLUMNS "SELECT id, at, actor_id, actor, action, patient_id, emergency, detail "
#define AUDIT_ORDER   " AND at BETWEEN ? AND ? ORDER BY at DESC, id DESC LIMIT ?"

/* One statement per combination of filters, so each can use its index. */
static const char sql_audit_any[] = AUDIT_COLUMNS "FROM audit WHERE 1 = 1" AUDIT_ORDER;
static const char sql_audit_patient[] = AUDIT_COLUMNS "FROM audit WHERE patient_id = ?" AUDIT_ORDER;
static const char sql_audit_actor[] = AUDIT_COLUMNS "FROM audit WHERE actor_id = ?" AUDIT_ORDER;
static const char sql_audit_both[] =
    AUDIT_COLUMNS "FROM audit WHERE patient_id = ? AND actor_id = ?" AUDIT_ORDER;

enum err_code store__audit_insert(struct store__conn *conn, const struct store_audit *audit,
                                  struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__stmt(conn, sql_audit_add, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, audit->at != 0 ? audit->at : store__now());
    store__bind_int64(stmt, 2, audit->actor_id);
    STORE__BIND_FIELD(stmt, 3, audit->actor);
    STORE__BIND_FIELD(stmt, 4, audit->action);
    store__bind_int64(stmt, 5, audit->patient_id);
    store__bind_int(stmt, 6, audit->emergency ? 1 : 0);
    STORE__BIND_FIELD(stmt, 7, audit->detail);
    return store__step_done(stmt, err);
}

enum err_code store_audit_add(struct store *store, const struct store_audit *audit,
                              struct error *err)
{
    if (audit == NULL)
        return error_set(err, ERR_INVALID, "audit", "no audit row given");
    return store__write(store, NULL, NULL, audit, err);
}

static void read_audit(struct store__stmt *stmt, void *elem)
{
    struct store_audit *row = elem;
    row->id = store__column_int64(stmt, 0);
    row->at = store__column_int64(stmt, 1);
    row->actor_id = store__column_int64(stmt, 2);
    STORE__COLUMN_FIELD(stmt, 3, row->actor);
    STORE__COLUMN_FIELD(stmt, 4, row->action);
    row->patient_id = store__column_int64(stmt, 5);
    row->emergency = store__column_int(stmt, 6) != 0;
    STORE__COLUMN_FIELD(stmt, 7, row->detail);
}

enum err_code store_audit_query(struct store *store, const struct store_audit_filter *filter,
                                struct store_audit **rows, int *count, struct error *err)
{
    static const char *const sql_by_filter[] = { sql_audit_any, sql_audit_patient, sql_audit_actor,
                                                 sql_audit_both };
    *rows = NULL;
    *count = 0;
    if (filter->limit < 1 || filter->limit > AUDIT_QUERY_MAX)
        return error_set(err, ERR_INVALID, "limit", "limit must be 1 to %d", AUDIT_QUERY_MAX);
    int which = (filter->patient_id != 0) | (filter->actor_id != 0) << 1;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__read(store, sql_by_filter[which], &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int index = 1;
    if (filter->patient_id != 0)
        store__bind_int64(stmt, index++, filter->patient_id);
    if (filter->actor_id != 0)
        store__bind_int64(stmt, index++, filter->actor_id);
    store__bind_int64(stmt, index++, filter->from);
    store__bind_int64(stmt, index++, filter->to != 0 ? filter->to : LLONG_MAX);
    store__bind_int(stmt, index, filter->limit);
    void *array = NULL;
    rc = store__collect(stmt, sizeof(struct store_audit), read_audit, &array, count, err);
    *rows = array;
    return rc;
}
