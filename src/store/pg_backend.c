/* pg_backend.c - the PostgreSQL backend's connections and statements (struct store__backend),
 * with libpq.
 *
 * Statements: the shared SQL's `?` become $1, $2, ... and each statement is prepared once per
 * connection (PQprepare, named s1, s2, ...), with parameters sent as text and their types
 * inferred by the server. A connection the server dropped (restart, network) is noticed by
 * PQstatus or by a failed statement, logged once, and opened again (PQreset); its statements
 * are prepared anew when next used (a generation count per connection). A statement that failed
 * because the connection was lost while no transaction was open is tried once more on the new
 * connection (nothing of it can have happened); inside a transaction the request gets
 * ERR_UNAVAILABLE (HTTP 503) and nothing of its transaction is stored.
 *
 * Durability: PostgreSQL's own (synchronous_commit on, fsync on): COMMIT returns once the WAL is
 * flushed, and the writer acknowledges nothing before its COMMIT returns. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store_internal.h"

#define CONNECT_TIMEOUT "5" /* seconds, for every (re)connect */

struct pg_handle {
    PGconn *pg;
    long long changes; /* rows the last command changed */
    unsigned next_name;
    unsigned generation; /* +1 at every reconnect: statements prepared before are gone */
    bool loss_logged;    /* the loss of this connection has been logged */
};

struct pg_param {
    char *value; /* NULL: SQL NULL; else `text` or `number` */
    int length;
    char number[24];
    char *text;
    size_t capacity;
};

struct pg_stmt {
    struct store__stmt base;
    char name[16];
    char *sql;           /* with $N parameters */
    unsigned generation; /* of the connection it was prepared on */
    int nparams;
    struct pg_param *params;
    const char **values;
    int *lengths;
    PGresult *result;
    int row, rows;
};

static struct pg_handle *handle_of(struct store__conn *conn)
{
    return conn->handle;
}

static struct pg_stmt *pg_of(struct store__stmt *stmt)
{
    return (struct pg_stmt *)stmt;
}

/* ---- errors ---- */

static bool sqlstate_is(const char *state, const char *prefix)
{
    return state != NULL && strncmp(state, prefix, strlen(prefix)) == 0;
}

/* The server is gone or refuses work for now: the caller may try again. */
static bool unavailable_state(const char *state)
{
    static const char *const states[] = { "08",    "53",    "57P01", "57P02", "57P03",
                                          "40001", "40P01", "55P03", "57014" };
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
        if (sqlstate_is(state, states[i]))
            return true;
    return false;
}

/* The first line of libpq's message about `pg`. */
static const char *reason(PGconn *pg, char *buf, size_t size)
{
    const char *message = pg != NULL ? PQerrorMessage(pg) : "no connection";
    size_t len = strcspn(message, "\n");
    snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), message);
    return buf;
}

static void log_loss(struct pg_handle *h)
{
    char why[256];
    if (h->loss_logged)
        return;
    h->loss_logged = true;
    fprintf(stderr, "stegvis: lost the connection to PostgreSQL (%s); reconnecting on next use\n",
            reason(h->pg, why, sizeof(why)));
}

static enum err_code connection_lost(struct pg_handle *h, struct error *err)
{
    log_loss(h);
    return error_set(err, ERR_UNAVAILABLE, NULL,
                     "the database cannot be reached; nothing was stored, try again");
}

/* Map a failed result (or none: the connection failed) to an err_code. */
static enum err_code pg_error(struct pg_handle *h, const PGresult *res, struct error *err)
{
    if (res == NULL || PQstatus(h->pg) != CONNECTION_OK)
        return connection_lost(h, err);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *name = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    const char *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (message == NULL)
        message = "unknown error";
    if (sqlstate_is(state, "23505"))
        return store__violation_error(STORE__UNIQUE, name, message, err);
    if (sqlstate_is(state, "23514"))
        return store__violation_error(STORE__CHECK, name, message, err);
    if (sqlstate_is(state, "23503"))
        return store__violation_error(STORE__FOREIGN_KEY, name, message, err);
    if (sqlstate_is(state, "23502"))
        return store__violation_error(STORE__NOT_NULL, name, message, err);
    if (sqlstate_is(state, "P0001"))
        return store__violation_error(STORE__TRIGGER, name, message, err);
    if (unavailable_state(state))
        return error_set(err, ERR_UNAVAILABLE, NULL, "the database is busy; try again (%s)",
                         message);
    if (sqlstate_is(state, "22"))
        return error_set(err, ERR_INVALID, NULL, "a value the database refuses: %s", message);
    return error_set(err, ERR_INTERNAL, NULL, "database error: %s", message);
}

/* ---- connections ---- */

static PGconn *connect_to(const char *conninfo)
{
    const char *const keys[] = { "dbname", "connect_timeout", "application_name", NULL };
    const char *const values[] = { conninfo, CONNECT_TIMEOUT, "stegvis", NULL };
    return PQconnectdbParams(keys, values, 1);
}

static enum err_code pg_open(const char *target, bool create, bool read_only, void **handle,
                             struct error *err)
{
    (void)create; /* the database must exist; a new one gets the schema (store_open) */
    (void)read_only;
    *handle = NULL;
    PGconn *pg = connect_to(target);
    if (pg == NULL)
        return error_set(err, ERR_NOMEM, "db", "out of memory connecting to PostgreSQL");
    if (PQstatus(pg) != CONNECTION_OK) {
        char why[256];
        enum err_code rc = error_set(err, ERR_UNAVAILABLE, "db", "cannot connect to PostgreSQL: %s",
                                     reason(pg, why, sizeof(why)));
        PQfinish(pg);
        return rc;
    }
    PQsetNoticeProcessor(pg, NULL, NULL);
    struct pg_handle *h = xcalloc(1, sizeof(*h));
    h->pg = pg;
    *handle = h;
    return ERR_OK;
}

static void pg_close(void *handle)
{
    struct pg_handle *h = handle;
    if (h == NULL)
        return;
    PQfinish(h->pg);
    free(h);
}

static bool pg_healthy(void *handle)
{
    struct pg_handle *h = handle;
    if (PQstatus(h->pg) == CONNECTION_OK)
        return true;
    log_loss(h);
    return false;
}

static enum err_code pg_reconnect(void *handle, struct error *err)
{
    struct pg_handle *h = handle;
    char why[256];
    PQreset(h->pg);
    if (PQstatus(h->pg) != CONNECTION_OK)
        return error_set(err, ERR_UNAVAILABLE, NULL,
                         "the database cannot be reached (%s); try again",
                         reason(h->pg, why, sizeof(why)));
    PQsetNoticeProcessor(h->pg, NULL, NULL);
    fprintf(stderr, "stegvis: reconnected to PostgreSQL\n");
    h->loss_logged = false;
    h->generation++;
    return ERR_OK;
}

/* ---- statements ---- */

/* `sql` with each `?` outside quotes numbered $1, $2, ... and each `?N` (SQLite's numbered
 * parameter) written $N; *count says how many parameters there are. */
static char *number_parameters(const char *sql, int *count)
{
    size_t size = strlen(sql) * 4 + 1;
    char *out = xmalloc(size), *o = out;
    bool quoted = false;
    int next = 0;
    *count = 0;
    for (const char *p = sql; *p != '\0'; p++) {
        if (*p == '\'')
            quoted = !quoted;
        if (*p != '?' || quoted) {
            *o++ = *p;
            continue;
        }
        char *end = NULL;
        long number = strtol(p + 1, &end, 10);
        if (end != p + 1 && number > 0 && number < 1000) {
            p = end - 1;
        } else {
            number = ++next;
        }
        o += snprintf(o, size - (size_t)(o - out), "$%ld", number);
        if (number > *count)
            *count = (int)number;
    }
    *o = '\0';
    return out;
}

/* Prepare `s` on its connection as it is now. */
static enum err_code server_prepare(struct pg_stmt *s, struct error *err)
{
    struct pg_handle *h = handle_of(s->base.conn);
    PGresult *res = PQprepare(h->pg, s->name, s->sql, 0, NULL);
    enum err_code rc = ERR_OK;
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = pg_error(h, res, err);
    PQclear(res);
    if (rc == ERR_OK)
        s->generation = h->generation;
    return rc;
}

static enum err_code pg_prepare(struct store__conn *conn, const char *sql, struct store__stmt **out,
                                struct error *err)
{
    struct pg_handle *h = handle_of(conn);
    int count = 0;
    struct pg_stmt *s = xcalloc(1, sizeof(*s));
    s->base.conn = conn;
    s->sql = number_parameters(sql, &count);
    snprintf(s->name, sizeof(s->name), "s%u", ++h->next_name);
    enum err_code rc = server_prepare(s, err);
    if (rc != ERR_OK) {
        free(s->sql);
        free(s);
        return rc;
    }
    s->nparams = count;
    s->params = xcalloc((size_t)(count > 0 ? count : 1), sizeof(*s->params));
    s->values = xcalloc((size_t)(count > 0 ? count : 1), sizeof(*s->values));
    s->lengths = xcalloc((size_t)(count > 0 ? count : 1), sizeof(*s->lengths));
    *out = &s->base;
    return ERR_OK;
}

static void clear_result(struct pg_stmt *s)
{
    PQclear(s->result);
    s->result = NULL;
    s->row = -1;
    s->rows = 0;
}

static void pg_finalize(struct store__stmt *stmt)
{
    struct pg_stmt *s = pg_of(stmt);
    clear_result(s);
    for (int i = 0; i < s->nparams; i++)
        free(s->params[i].text);
    free(s->params);
    free(s->values);
    free(s->lengths);
    free(s->sql);
    free(s); /* the prepared statement goes with its connection (or stays until it ends) */
}

static struct pg_param *param(struct store__stmt *stmt, int index)
{
    struct pg_stmt *s = pg_of(stmt);
    return index >= 1 && index <= s->nparams ? &s->params[index - 1] : NULL;
}

static void pg_bind_int64(struct store__stmt *stmt, int index, long long value)
{
    struct pg_param *p = param(stmt, index);
    if (p == NULL)
        return;
    p->length = snprintf(p->number, sizeof(p->number), "%lld", value);
    p->value = p->number;
}

static void pg_bind_text(struct store__stmt *stmt, int index, const char *text, size_t len)
{
    struct pg_param *p = param(stmt, index);
    if (p == NULL)
        return;
    if (p->capacity < len + 1) {
        p->capacity = len + 1 > 64 ? len + 1 : 64;
        p->text = xrealloc(p->text, p->capacity);
    }
    memcpy(p->text, text, len);
    p->text[len] = '\0';
    p->value = p->text;
    p->length = (int)len;
}

static void pg_bind_null(struct store__stmt *stmt, int index)
{
    struct pg_param *p = param(stmt, index);
    if (p != NULL)
        p->value = NULL;
}

static int pg_param_count(struct store__stmt *stmt)
{
    return pg_of(stmt)->nparams;
}

/* Run the statement once (prepared again first when the connection is newer than it): ERR_OK
 * with s->result set, whatever its status, or the error of the failed prepare. */
static enum err_code run_once(struct pg_stmt *s, struct error *err)
{
    struct pg_handle *h = handle_of(s->base.conn);
    if (s->generation != h->generation) {
        enum err_code rc = server_prepare(s, err);
        if (rc != ERR_OK)
            return rc;
    }
    s->result = PQexecPrepared(h->pg, s->name, s->nparams, s->values, s->lengths, NULL, 0);
    return ERR_OK;
}

static enum err_code failed(struct pg_stmt *s, enum err_code rc)
{
    clear_result(s);
    s->rows = -1; /* executed and failed: no rows until reset */
    return rc;
}

static enum err_code execute(struct pg_stmt *s, struct error *err)
{
    struct pg_handle *h = handle_of(s->base.conn);
    for (int i = 0; i < s->nparams; i++) {
        s->values[i] = s->params[i].value;
        s->lengths[i] = s->params[i].length;
    }
    bool outside_transaction = PQtransactionStatus(h->pg) == PQTRANS_IDLE;
    enum err_code rc = run_once(s, err);
    if (outside_transaction && PQstatus(h->pg) != CONNECTION_OK) {
        /* lost before anything could happen: once more on a new connection */
        log_loss(h);
        clear_result(s);
        rc = pg_reconnect(h, err);
        if (rc == ERR_OK)
            rc = run_once(s, err);
    }
    if (rc != ERR_OK)
        return failed(s, rc);
    ExecStatusType status = s->result != NULL ? PQresultStatus(s->result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        return failed(s, pg_error(h, s->result, err));
    const char *changed = PQcmdTuples(s->result);
    h->changes = changed[0] != '\0' ? strtoll(changed, NULL, 10) : 0;
    s->rows = status == PGRES_TUPLES_OK ? PQntuples(s->result) : 0;
    s->row = -1;
    return ERR_OK;
}

static int pg_step(struct store__stmt *stmt, struct error *err)
{
    struct pg_stmt *s = pg_of(stmt);
    if (s->result == NULL) {
        enum err_code rc = execute(s, err);
        if (rc != ERR_OK)
            return rc;
    }
    if (s->row + 1 >= s->rows)
        return 0;
    s->row++;
    return 1;
}

static void pg_reset(struct store__stmt *stmt)
{
    struct pg_stmt *s = pg_of(stmt);
    clear_result(s);
    for (int i = 0; i < s->nparams; i++)
        s->params[i].value = NULL;
}

static const char *value_of(struct pg_stmt *s, int col)
{
    if (s->result == NULL || s->row < 0 || s->row >= s->rows || col >= PQnfields(s->result) ||
        PQgetisnull(s->result, s->row, col))
        return NULL;
    return PQgetvalue(s->result, s->row, col);
}

static long long pg_column_int64(struct store__stmt *stmt, int col)
{
    const char *text = value_of(pg_of(stmt), col);
    if (text == NULL)
        return 0;
    if (text[0] == 't' || text[0] == 'f') /* a boolean: EXISTS (...) */
        return text[0] == 't';
    return strtoll(text, NULL, 10);
}

static const char *pg_column_text(struct store__stmt *stmt, int col, size_t *len)
{
    struct pg_stmt *s = pg_of(stmt);
    const char *text = value_of(s, col);
    *len = text != NULL ? (size_t)PQgetlength(s->result, s->row, col) : 0;
    return text;
}

static long long pg_changes(struct store__conn *conn)
{
    return handle_of(conn)->changes;
}

static bool pg_in_transaction(struct store__conn *conn)
{
    PGTransactionStatusType status = PQtransactionStatus(handle_of(conn)->pg);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

static enum err_code pg_exec_script(struct store__conn *conn, const char *sql, struct error *err)
{
    struct pg_handle *h = handle_of(conn);
    PGresult *res = PQexec(h->pg, sql);
    ExecStatusType status = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    enum err_code rc = ERR_OK;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        rc = pg_error(h, res, err);
    PQclear(res);
    return rc;
}

/* A bulk load commits chunks of many rows: no setting to change. */
static enum err_code pg_tune_bulk(struct store__conn *conn, struct error *err)
{
    (void)conn;
    (void)err;
    return ERR_OK;
}

const struct store__backend store__pg_backend = {
    .name = "postgres",
    .dialect = SCHEMA_POSTGRES,
    .sql_begin = "BEGIN",
    .sql_has_meta = "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema = current_schema() AND table_name = 'meta'",
    .sql_table_count = "SELECT count(*) FROM information_schema.tables "
                       "WHERE table_schema = current_schema()",
    /* Two servers starting on one new database: the second waits, then finds the schema. */
    .sql_schema_lock = "SELECT pg_advisory_xact_lock(7830330)",
    /* Transactions commit in any order, so a sequence number seen does not mean every smaller
     * one is committed. The cursor is the oldest transaction still running when it was taken
     * (snapshot xmin): every change log row of a transaction below it is committed and visible,
     * so the next poll asks for the rows of transactions from the cursor on (seeing some twice,
     * which only refreshes an episode again). */
    .sql_change_mark = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
    .sql_changes_since = "SELECT x.mark, c.episode_id FROM "
                         "(SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS mark) x "
                         "LEFT JOIN change_log c ON c.txid >= ? ORDER BY c.seq",
    /* advisory locks in the two-key space (class 1 = patients), apart from the schema lock */
    .sql_lock_patient_shared = "SELECT pg_advisory_xact_lock_shared(1, CAST(? AS integer))",
    .sql_lock_patient = "SELECT pg_advisory_xact_lock(1, CAST(? AS integer))",
    /* Each commit waits for its WAL flush: several writers keep PostgreSQL busy meanwhile,
     * each still committing what waits for it together. */
    .writers = 4,
    .open = pg_open,
    .close = pg_close,
    .healthy = pg_healthy,
    .reconnect = pg_reconnect,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .param_count = pg_param_count,
    .step = pg_step,
    .reset = pg_reset,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .changes = pg_changes,
    .in_transaction = pg_in_transaction,
    .busy = pg_in_transaction, /* a statement's rows are fetched whole (PQexecPrepared) */
    .exec_script = pg_exec_script,
    .tune_bulk = pg_tune_bulk,
};
