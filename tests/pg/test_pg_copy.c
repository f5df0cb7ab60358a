/* test_pg_copy.c - `stegvis copy --from sqlite:FILE --to postgres://...` moves a whole demo region
 * and proves it: every table's row count in the PostgreSQL copy equals the SQLite source's
 * (counted here with plain SQL on each side), the command reports every table verified, a
 * second copy into the now full database is refused and changes nothing, and the copy works
 * as a database: new rows get ids after the copied ones (the sequences were moved on). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/support.h"
#include "support/testdb.h"
#include "testing.h"

#define DEMO_PATIENTS "120"

static const char *const tables[] = {
    "municipality", "unit",          "intervention", "unit_intervention", "staff",
    "training",     "login_session", "patient",      "episode",           "response",
    "risk_review",  "assessment",    "contract",     "contract_history",  "appointment",
    "invitation",   "audit",
};

#define TABLES ((int)(sizeof(tables) / sizeof(tables[0])))

static long long count_rows(const char *url, const char *table)
{
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    return testdb_int(url, sql);
}

static void demo_source(char *dir, char *path, size_t size)
{
    snprintf(dir, 64, "/tmp/stegvis-copy-XXXXXX");
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    snprintf(path, size, "%s/demo.db", dir);
    const char *args[] = { "demo", "--db", path, "--patients", DEMO_PATIENTS, NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 0);
    test_run_free(&run);
}

/* Every table of the report: verified, and its rows equal to both sides' own counts. */
static void check_report(const char *out, const char *source, const char *copy)
{
    json_error_t error;
    json_t *report = json_loads(out, 0, &error);
    ASSERT_TRUE(report != NULL);
    ASSERT_TRUE(json_is_true(json_object_get(report, "verified")));
    json_t *list = json_object_get(report, "tables");
    ASSERT_EQ_INT(json_array_size(list), TABLES);
    long long total = 0;
    for (int i = 0; i < TABLES; i++) {
        json_t *row = json_array_get(list, (size_t)i);
        ASSERT_STR_EQ(json_string_value(json_object_get(row, "table")), tables[i]);
        long long rows = json_integer_value(json_object_get(row, "rows"));
        ASSERT_EQ_INT(rows, count_rows(source, tables[i]));
        ASSERT_EQ_INT(rows, count_rows(copy, tables[i]));
        ASSERT_TRUE(json_is_true(json_object_get(row, "match")));
        ASSERT_EQ_INT(strlen(json_string_value(json_object_get(row, "checksum"))), 64);
        total += rows;
    }
    ASSERT_EQ_INT(json_integer_value(json_object_get(report, "rows")), total);
    ASSERT_EQ_INT(count_rows(copy, "patient"), atoi(DEMO_PATIENTS));
    json_decref(report);
}

static void test_copy_sqlite_to_postgres(void)
{
    char dir[64], source[128], copy[TESTDB_URL_SIZE], from[160];
    demo_source(dir, source, sizeof(source));
    testdb_create("copy", copy, sizeof(copy));
    snprintf(from, sizeof(from), "sqlite:%s", source);

    const char *args[] = { "copy", "--from", from, "--to", copy, NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 0);
    check_report(run.out, source, copy);
    test_run_free(&run);

    /* the copy is a database of its own: the next patient id follows the copied ones */
    long long max_id = testdb_int(copy, "SELECT MAX(id) FROM patient");
    char message[256];
    ASSERT_EQ_INT(testdb_exec(copy,
                              "INSERT INTO patient (pnr, name, birth_date, sex, created_at) "
                              "VALUES ('190001019806', 'Ny Patient', '1900-01-01', 'female', 1)",
                              message, sizeof(message)),
                  TESTDB_OK);
    ASSERT_EQ_INT(testdb_int(copy, "SELECT id FROM patient WHERE pnr = '190001019806'"),
                  max_id + 1);

    /* a second copy into the full database is refused and adds nothing */
    long long responses = count_rows(copy, "response");
    run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 1);
    ASSERT_CONTAINS(run.err, "the database to copy to is not empty");
    test_run_free(&run);
    ASSERT_EQ_INT(count_rows(copy, "response"), responses);

    testdb_drop(copy);
    testdb_drop(source);
}

static void test_copy_needs_an_existing_source(void)
{
    char copy[TESTDB_URL_SIZE];
    testdb_create("copy_missing", copy, sizeof(copy));
    const char *args[] = { "copy", "--from", "sqlite:/nonexistent/stegvis.db", "--to", copy, NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 1);
    ASSERT_CONTAINS(run.err, "no database at /nonexistent/stegvis.db");
    test_run_free(&run);
    ASSERT_EQ_INT(testdb_table_count(copy), 0); /* nothing was created */
    testdb_drop(copy);
}

int main(void)
{
    RUN_TEST(test_copy_sqlite_to_postgres);
    RUN_TEST(test_copy_needs_an_existing_source);
    return 0;
}
