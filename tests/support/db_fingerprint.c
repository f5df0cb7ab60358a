/* db_fingerprint.c - row counts and checksums of every record table (db_fingerprint.h). */
#include "db_fingerprint.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "testdb.h"
#include "testing.h"

#define FP_MAX_TABLES  64
#define FP_MAX_COLUMNS 64
#define FP_SQL_MAX     8192
#define FP_NAME_MAX    64

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

struct names {
    int count;
    char name[FP_MAX_TABLES][FP_NAME_MAX];
};

/* Row callback: keep the first column as a name. */
static void add_name(void *context, int columns, const char *const *values)
{
    struct names *names = context;
    if (columns < 1 || values[0] == NULL)
        return;
    if (names->count == FP_MAX_TABLES || strlen(values[0]) >= FP_NAME_MAX)
        TEST_FAIL("fingerprint: too many tables or columns, or the name %s is too long", values[0]);
    snprintf(names->name[names->count++], FP_NAME_MAX, "%s", values[0]);
}

/* The record tables, in name order. */
static void list_tables(struct testdb *db, struct names *tables)
{
    memset(tables, 0, sizeof(*tables));
    testdb_query_rows(db,
                      testdb_backend() == TESTDB_POSTGRES
                          ? "SELECT table_name FROM information_schema.tables WHERE table_schema "
                            "= 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
                          : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                      add_name, tables);
}

/* The table's columns, in their order in the table. */
static void list_columns(struct testdb *db, const char *table, struct names *columns)
{
    char sql[256];
    if (testdb_backend() == TESTDB_POSTGRES)
        snprintf(sql, sizeof(sql),
                 "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                 "'public' AND table_name = '%s' ORDER BY ordinal_position",
                 table);
    else
        snprintf(sql, sizeof(sql), "SELECT name FROM pragma_table_info('%s') ORDER BY cid", table);
    memset(columns, 0, sizeof(*columns));
    testdb_query_rows(db, sql, add_name, columns);
}

/* "SELECT "a", "b" FROM "t" ORDER BY 1, 2" over the table's counted columns. */
static void table_query(struct testdb *db, const char *table, char *sql, size_t size)
{
    struct names columns;
    list_columns(db, table, &columns);
    size_t used = (size_t)snprintf(sql, size, "SELECT ");
    int counted = 0;
    for (int i = 0; i < columns.count && used < size; i++) {
        if (column_excluded(table, columns.name[i]))
            continue;
        used += (size_t)snprintf(sql + used, size - used, "%s\"%s\"", counted ? ", " : "",
                                 columns.name[i]);
        counted++;
    }
    if (counted == 0)
        TEST_FAIL("fingerprint: table %s has no columns", table);
    if (used < size)
        used += (size_t)snprintf(sql + used, size - used, " FROM \"%s\" ORDER BY ", table);
    for (int i = 1; i <= counted && used < size; i++)
        used += (size_t)snprintf(sql + used, size - used, "%s%d", i > 1 ? ", " : "", i);
    if (used >= size)
        TEST_FAIL("fingerprint: the query for table %s is too long", table);
}

struct table_sum {
    long long rows;
    uint64_t hash;
};

/* Row callback: each value's text (NULL as a byte no text holds), then a row separator. */
static void hash_row(void *context, int columns, const char *const *values)
{
    struct table_sum *sum = context;
    for (int i = 0; i < columns; i++) {
        if (values[i] == NULL)
            fnv1a(&sum->hash, "\x01", 1);
        else
            fnv1a(&sum->hash, values[i], strlen(values[i]));
        fnv1a(&sum->hash, "\x1f", 1);
    }
    fnv1a(&sum->hash, "\x1e", 1);
    sum->rows++;
}

void test_db_fingerprint(const char *db_url, char *out, size_t size)
{
    struct testdb *db = testdb_connect(db_url);
    char message[256];
    /* One read transaction, so every table is seen at the same moment. */
    const char *begin = testdb_backend() == TESTDB_POSTGRES
                            ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                            : "BEGIN";
    if (testdb_run(db, begin, NULL, message, sizeof(message)) != TESTDB_OK)
        TEST_FAIL("fingerprint: BEGIN: %s", message);
    static struct names tables;
    list_tables(db, &tables);
    size_t used = 0;
    out[0] = '\0';
    int counted = 0;
    for (int i = 0; i < tables.count; i++) {
        if (table_excluded(tables.name[i]))
            continue;
        char sql[FP_SQL_MAX];
        table_query(db, tables.name[i], sql, sizeof(sql));
        struct table_sum sum = { 0, 14695981039346656037ull };
        testdb_query_rows(db, sql, hash_row, &sum);
        int n = snprintf(out + used, size - used, "%s=%lld:%016llx;", tables.name[i], sum.rows,
                         (unsigned long long)sum.hash);
        if (n < 0 || (size_t)n >= size - used)
            TEST_FAIL("fingerprint: %zu bytes are not enough", size);
        used += (size_t)n;
        counted++;
    }
    if (counted == 0)
        TEST_FAIL("fingerprint: %s has no tables", db_url);
    (void)testdb_run(db, "COMMIT", NULL, NULL, 0);
    testdb_close(db);
}
