/* testdb.c - the tests' databases on SQLite or PostgreSQL (testdb.h). */
#include "testdb.h"

#include <errno.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "testing.h"

#define PG_CONNECT_TIMEOUT_S "10"
#define SQLITE_BUSY_MS       10000

struct testdb {
    char url[TESTDB_URL_SIZE];
    sqlite3 *lite; /* one of the two */
    PGconn *pg;
};

static bool url_is_postgres(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

enum testdb_backend testdb_backend(void)
{
    const char *file = getenv("STEGVIS_TEST_PG_FILE");
    return file != NULL && *file != '\0' ? TESTDB_POSTGRES : TESTDB_SQLITE;
}

const char *testdb_backend_name(void)
{
    return testdb_backend() == TESTDB_POSTGRES ? "postgres" : "sqlite";
}

bool testdb_sqlite_only(const char *why)
{
    if (testdb_backend() == TESTDB_SQLITE)
        return true;
    fprintf(stderr, "    skipped on PostgreSQL: %s\n", why);
    return false;
}

void testdb_pg_base_url(char *out, size_t size)
{
    const char *path = getenv("STEGVIS_TEST_PG_FILE");
    if (path == NULL || *path == '\0')
        TEST_FAIL("STEGVIS_TEST_PG_FILE is not set: this is not a PostgreSQL run");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        TEST_FAIL("cannot read the cluster's URL from STEGVIS_TEST_PG_FILE=%s: %s (did the "
                  "pg/cluster-start fixture run?)",
                  path, strerror(errno));
    if (fgets(out, (int)size, f) == NULL)
        out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    if (!url_is_postgres(out) || out[strlen(out) - 1] != '/')
        TEST_FAIL("%s holds \"%s\", not a base URL postgresql://USER@HOST:PORT/", path, out);
}

/* ---- connections -------------------------------------------------------------------------- */

static void ignore_notice(void *context, const char *message)
{
    (void)context;
    (void)message;
}

static PGconn *pg_connect(const char *url)
{
    const char *const keys[] = { "dbname", "connect_timeout", NULL };
    const char *const values[] = { url, PG_CONNECT_TIMEOUT_S, NULL };
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
        TEST_FAIL("cannot connect to PostgreSQL at %s: %s", url,
                  conn ? PQerrorMessage(conn) : "out of memory");
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    return conn;
}

struct testdb *testdb_connect(const char *url)
{
    struct testdb *db = xcalloc(1, sizeof(*db));
    snprintf(db->url, sizeof(db->url), "%s", url);
    if (url_is_postgres(url)) {
        db->pg = pg_connect(url);
        return db;
    }
    if (sqlite3_open_v2(url, &db->lite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        TEST_FAIL("cannot open %s: %s", url, db->lite ? sqlite3_errmsg(db->lite) : "no memory");
    sqlite3_busy_timeout(db->lite, SQLITE_BUSY_MS);
    return db;
}

void testdb_close(struct testdb *db)
{
    if (db == NULL)
        return;
    if (db->pg != NULL)
        PQfinish(db->pg);
    if (db->lite != NULL)
        sqlite3_close(db->lite);
    free(db);
}

/* ---- statements ----------------------------------------------------------------------------- */

static enum testdb_status pg_status(const PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return TESTDB_OK;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state != NULL && (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0))
        return TESTDB_REFUSED;
    return TESTDB_ERROR;
}

static void pg_message(const PGconn *conn, const PGresult *res, char *out, size_t size)
{
    const char *text = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (text == NULL)
        text = PQerrorMessage(conn);
    snprintf(out, size, "%s", text);
    out[strcspn(out, "\n")] = '\0';
}

enum testdb_status testdb_run(struct testdb *db, const char *sql, long long *changes, char *message,
                              size_t size)
{
    enum testdb_status status;
    if (db->pg != NULL) {
        PGresult *res = PQexec(db->pg, sql);
        status = res ? pg_status(res) : TESTDB_ERROR;
        if (message != NULL)
            pg_message(db->pg, status == TESTDB_OK ? NULL : res, message, size);
        if (message != NULL && status == TESTDB_OK)
            message[0] = '\0';
        if (changes != NULL)
            *changes = res ? atoll(PQcmdTuples(res)) : 0;
        PQclear(res);
        return status;
    }
    int rc = sqlite3_exec(db->lite, sql, NULL, NULL, NULL);
    status = rc == SQLITE_OK                    ? TESTDB_OK
             : (rc & 0xff) == SQLITE_CONSTRAINT ? TESTDB_REFUSED
                                                : TESTDB_ERROR;
    if (message != NULL)
        snprintf(message, size, "%s", rc == SQLITE_OK ? "" : sqlite3_errmsg(db->lite));
    if (changes != NULL)
        *changes = sqlite3_changes(db->lite);
    return status;
}

void testdb_query_rows(struct testdb *db, const char *sql, testdb_row_fn *fn, void *context)
{
    if (db->pg != NULL) {
        PGresult *res = PQexec(db->pg, sql);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            char message[512];
            pg_message(db->pg, res, message, sizeof(message));
            TEST_FAIL("%s: %s", sql, message);
        }
        int columns = PQnfields(res);
        const char **values = xcalloc((size_t)columns + 1, sizeof(*values));
        for (int row = 0; row < PQntuples(res); row++) {
            for (int c = 0; c < columns; c++)
                values[c] = PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
            fn(context, columns, values);
        }
        free(values);
        PQclear(res);
        return;
    }
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db->lite, sql, -1, &stmt, NULL) != SQLITE_OK)
        TEST_FAIL("%s: %s", sql, sqlite3_errmsg(db->lite));
    int columns = sqlite3_column_count(stmt);
    const char **values = xcalloc((size_t)columns + 1, sizeof(*values));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int c = 0; c < columns; c++)
            values[c] = (const char *)sqlite3_column_text(stmt, c);
        fn(context, columns, values);
    }
    free(values);
    if (rc != SQLITE_DONE)
        TEST_FAIL("%s: %s", sql, sqlite3_errmsg(db->lite));
    sqlite3_finalize(stmt);
}

struct first_value {
    bool seen, null;
    char text[4096];
};

static void keep_first(void *context, int columns, const char *const *values)
{
    struct first_value *first = context;
    if (first->seen || columns < 1)
        return;
    first->seen = true;
    first->null = values[0] == NULL;
    snprintf(first->text, sizeof(first->text), "%s", values[0] ? values[0] : "");
}

static void query_first(struct testdb *db, const char *sql, struct first_value *first)
{
    memset(first, 0, sizeof(*first));
    testdb_query_rows(db, sql, keep_first, first);
    if (!first->seen)
        TEST_FAIL("no row from %s (%s)", sql, db->url);
}

long long testdb_query_int(struct testdb *db, const char *sql)
{
    struct first_value first;
    query_first(db, sql, &first);
    char *end = NULL;
    long long value = strtoll(first.text, &end, 10);
    if (first.null || end == first.text || *end != '\0')
        TEST_FAIL("%s: \"%s\" is not an integer", sql, first.null ? "NULL" : first.text);
    return value;
}

void testdb_query_text(struct testdb *db, const char *sql, char *out, size_t size)
{
    struct first_value first;
    query_first(db, sql, &first);
    snprintf(out, size, "%s", first.text);
}

enum testdb_status testdb_exec(const char *url, const char *sql, char *message, size_t size)
{
    struct testdb *db = testdb_connect(url);
    enum testdb_status status = testdb_run(db, sql, NULL, message, size);
    testdb_close(db);
    return status;
}

long long testdb_int(const char *url, const char *sql)
{
    struct testdb *db = testdb_connect(url);
    long long value = testdb_query_int(db, sql);
    testdb_close(db);
    return value;
}

void testdb_text(const char *url, const char *sql, char *out, size_t size)
{
    struct testdb *db = testdb_connect(url);
    testdb_query_text(db, sql, out, size);
    testdb_close(db);
}

long long testdb_table_count(const char *url)
{
    return testdb_int(url, url_is_postgres(url)
                               ? "SELECT count(*) FROM information_schema.tables WHERE "
                                 "table_schema = 'public' AND table_type = 'BASE TABLE'"
                               : "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
}

/* ---- creating and dropping databases ------------------------------------------------------ */

/* "t_TAG_PID_N": lower-case letters, digits and '_' only, at most 63 bytes. */
static void database_name(const char *tag, char *out, size_t size)
{
    static atomic_int counter;
    char clean[32];
    size_t n = 0;
    for (const char *p = tag; *p != '\0' && n < sizeof(clean) - 1; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        clean[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
    }
    clean[n] = '\0';
    snprintf(out, size, "t_%s_%ld_%d", clean, (long)getpid(), atomic_fetch_add(&counter, 1) + 1);
}

/* Run one statement on the cluster's maintenance database "postgres". */
static void pg_admin(const char *base_url, const char *sql, bool must_succeed)
{
    char url[TESTDB_URL_SIZE];
    snprintf(url, sizeof(url), "%spostgres", base_url);
    struct testdb *db = testdb_connect(url);
    char message[512];
    if (testdb_run(db, sql, NULL, message, sizeof(message)) != TESTDB_OK && must_succeed)
        TEST_FAIL("%s on %s: %s", sql, url, message);
    testdb_close(db);
}

void testdb_create_in(const char *base_url, const char *tag, char *url, size_t size)
{
    char name[64], sql[128];
    database_name(tag, name, sizeof(name));
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    pg_admin(base_url, sql, true);
    int n = snprintf(url, size, "%s%s", base_url, name);
    if (n < 0 || (size_t)n >= size)
        TEST_FAIL("the URL %s%s is too long", base_url, name);
}

void testdb_create(const char *tag, char *url, size_t size)
{
    if (testdb_backend() == TESTDB_POSTGRES) {
        char base[TESTDB_URL_SIZE];
        testdb_pg_base_url(base, sizeof(base));
        testdb_create_in(base, tag, url, size);
        return;
    }
    const char *tmp = getenv("TMPDIR");
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/stegvis-db-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        TEST_FAIL("mkdtemp %s: %s", dir, strerror(errno));
    char name[64];
    database_name(tag, name, sizeof(name));
    int n = snprintf(url, size, "%s/%s.db", dir, name);
    if (n < 0 || (size_t)n >= size)
        TEST_FAIL("the path %s/%s.db is too long", dir, name);
}

void testdb_drop(const char *url)
{
    if (url_is_postgres(url)) {
        const char *name = strrchr(url, '/');
        char base[TESTDB_URL_SIZE], sql[128];
        if (name == NULL || (size_t)(name - url) + 2 > sizeof(base))
            return;
        snprintf(base, (size_t)(name - url) + 2, "%s", url);
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name + 1);
        pg_admin(base, sql, false);
        return;
    }
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    char path[TESTDB_URL_SIZE + 16];
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", url, suffixes[i]);
        unlink(path);
    }
    char dir[TESTDB_URL_SIZE];
    snprintf(dir, sizeof(dir), "%s", url);
    char *slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
        rmdir(dir); /* only when empty */
    }
}
