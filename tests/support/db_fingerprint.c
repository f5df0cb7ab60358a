/* db_fingerprint.c - row counts and checksums of every record table (db_fingerprint.h). */
#include "db_fingerprint.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testing.h"

#define FP_MAX_TABLES  64
#define FP_MAX_COLUMNS 64
#define FP_SQL_MAX     8192

/* Tables and columns a failed request may change (failed logins are audited and counted). */
static bool table_excluded(const char *table)
{
    return strcmp(table, "audit") == 0 || strcmp(table, "login_session") == 0 ||
           strncmp(table, "sqlite_", 7) == 0;
}

static bool column_excluded(const char *table, const char *column)
{
    return strcmp(table, "staff") == 0 &&
           (strcmp(column, "failed_logins") == 0 || strcmp(column, "locked_until") == 0);
}

static void fnv1a(uint64_t *hash, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        *hash ^= p[i];
        *hash *= 1099511628211ull;
    }
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        TEST_FAIL("fingerprint: %s: %s", sql, sqlite3_errmsg(db));
    return stmt;
}

/* "SELECT quote(a), quote(b) FROM "t" ORDER BY 1, 2" over the table's counted columns. */
static void table_query(sqlite3 *db, const char *table, char *sql, size_t size)
{
    char pragma[160];
    snprintf(pragma, sizeof(pragma), "PRAGMA table_info(\"%.100s\")", table);
    sqlite3_stmt *stmt = prepare(db, pragma);
    size_t used = (size_t)snprintf(sql, size, "SELECT ");
    int columns = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 1);
        if (column_excluded(table, name))
            continue;
        used +=
            (size_t)snprintf(sql + used, size - used, "%squote(\"%s\")", columns ? ", " : "", name);
        columns++;
        if (used >= size || columns >= FP_MAX_COLUMNS)
            TEST_FAIL("fingerprint: table %s has too many columns", table);
    }
    sqlite3_finalize(stmt);
    if (columns == 0)
        TEST_FAIL("fingerprint: table %s has no columns", table);
    used += (size_t)snprintf(sql + used, size - used, " FROM \"%s\" ORDER BY ", table);
    for (int i = 1; i <= columns && used < size; i++)
        used += (size_t)snprintf(sql + used, size - used, "%s%d", i > 1 ? ", " : "", i);
    if (used >= size)
        TEST_FAIL("fingerprint: the query for table %s is too long", table);
}

/* Row count and checksum of one table. */
static void table_fingerprint(sqlite3 *db, const char *table, long long *rows, uint64_t *hash)
{
    char sql[FP_SQL_MAX];
    table_query(db, table, sql, sizeof(sql));
    sqlite3_stmt *stmt = prepare(db, sql);
    *rows = 0;
    *hash = 14695981039346656037ull;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int n = sqlite3_column_count(stmt);
        for (int i = 0; i < n; i++) {
            const unsigned char *text = sqlite3_column_text(stmt, i);
            fnv1a(hash, text ? (const char *)text : "", text ? strlen((const char *)text) : 0);
            fnv1a(hash, "\x1f", 1);
        }
        fnv1a(hash, "\x1e", 1);
        (*rows)++;
    }
    if (rc != SQLITE_DONE)
        TEST_FAIL("fingerprint: reading table %s: %s", table, sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
}

void test_db_fingerprint(const char *db_path, char *out, size_t size)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        TEST_FAIL("fingerprint: cannot open %s: %s", db_path,
                  db ? sqlite3_errmsg(db) : "no memory");
    sqlite3_busy_timeout(db, 10000);
    /* One read transaction, so every table is seen at the same moment. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        TEST_FAIL("fingerprint: BEGIN: %s", sqlite3_errmsg(db));
    char tables[FP_MAX_TABLES][64];
    int table_count = 0;
    sqlite3_stmt *stmt =
        prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        if (table_excluded(name))
            continue;
        if (table_count == FP_MAX_TABLES || strlen(name) >= sizeof(tables[0]))
            TEST_FAIL("fingerprint: too many tables, or the name %s is too long", name);
        snprintf(tables[table_count++], sizeof(tables[0]), "%s", name);
    }
    sqlite3_finalize(stmt);
    if (table_count == 0)
        TEST_FAIL("fingerprint: %s has no tables", db_path);
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < table_count; i++) {
        long long rows;
        uint64_t hash;
        table_fingerprint(db, tables[i], &rows, &hash);
        int n = snprintf(out + used, size - used, "%s=%lld:%016llx;", tables[i], rows,
                         (unsigned long long)hash);
        if (n < 0 || (size_t)n >= size - used)
            TEST_FAIL("fingerprint: %zu bytes are not enough", size);
        used += (size_t)n;
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
}
