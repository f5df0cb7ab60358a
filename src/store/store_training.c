/* store_training.c - the courses staff have completed. */
#include "store_internal.h"

#include <string.h>

/* Completing a course again (a refresher) moves its date; there is one row per course. */
static const char sql_training_add[] =
    "INSERT INTO training (staff_id, course, completed_at) VALUES (?, ?, ?) "
    "ON CONFLICT (staff_id, course) DO UPDATE SET completed_at = excluded.completed_at";
static const char sql_training_list_all[] =
    "SELECT staff_id, course, completed_at FROM training ORDER BY staff_id, course";
static const char sql_training_list_staff[] = "SELECT staff_id, course, completed_at FROM training "
                                              "WHERE staff_id = ? ORDER BY staff_id, course";

static void read_training(struct store__stmt *stmt, void *elem)
{
    struct store_training *training = elem;
    training->staff_id = store__column_int64(stmt, 0);
    STORE__COLUMN_FIELD(stmt, 1, training->course);
    training->completed_at = store__column_int64(stmt, 2);
}

static enum err_code training_add_job(struct store__conn *conn, void *arg, struct error *err)
{
    const struct store_training *training = arg;
    struct store__stmt *stmt = NULL;
    enum err_code rc = store__must_exist(conn, store__sql_staff_exists, training->staff_id,
                                         "staff_id", "staff member", err);
    if (rc == ERR_OK)
        rc = store__stmt(conn, sql_training_add, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    store__bind_int64(stmt, 1, training->staff_id);
    STORE__BIND_FIELD(stmt, 2, training->course);
    store__bind_int64(stmt, 3, training->completed_at);
    return store__step_done(stmt, err);
}

enum err_code store_training_add(struct store *store, const struct store_training *training,
                                 const struct store_audit *audit, struct error *err)
{
    if (training->course[0] == '\0')
        return error_set(err, ERR_INVALID, "course", "no course given");
    return store__write(store, training_add_job, (void *)training, audit, err);
}

enum err_code store_training_list(struct store *store, long long staff_id,
                                  struct store_training **list, int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc =
        store__list(store, staff_id != 0 ? sql_training_list_staff : sql_training_list_all,
                    staff_id, sizeof(**list), read_training, &array, count, err);
    *list = array;
    return rc;
}
