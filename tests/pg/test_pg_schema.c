/* test_pg_schema.c - one migration history, two backends: a new SQLite database and a new
 * PostgreSQL database opened by the store have the same tables with the same columns in the
 * same order, the same schema version, and the same CHECK constraint names (the store names the
 * field from them on both: src/store/store_errors.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "support/support.h"
#include "support/testdb.h"
#include "testing.h"

#define LIST_SIZE 16384

struct list {
    char text[LIST_SIZE];
    size_t len;
};

/* Append "v1.v2;" for each row. */
static void append_row(void *context, int columns, const char *const *values)
{
    struct list *list = context;
    for (int c = 0; c < columns; c++) {
        int n = snprintf(list->text + list->len, sizeof(list->text) - list->len, "%s%s",
                         values[c] ? values[c] : "NULL", c + 1 < columns ? "." : ";");
        ASSERT_TRUE(n > 0 && (size_t)n < sizeof(list->text) - list->len);
        list->len += (size_t)n;
    }
}

static void query_list(const char *url, const char *sql, struct list *out)
{
    memset(out, 0, sizeof(*out));
    struct testdb *db = testdb_connect(url);
    testdb_query_rows(db, sql, append_row, out);
    testdb_close(db);
}

static void open_new(const char *url)
{
    struct store *store = NULL;
    ASSERT_EQ_INT(store_open(url, NULL, &store, NULL), ERR_OK);
    store_close(store);
}

static void test_both_backends_get_the_same_schema(void)
{
    char lite[TESTDB_URL_SIZE], pg[TESTDB_URL_SIZE], base[TESTDB_URL_SIZE];
    /* the SQLite file beside the PostgreSQL run: testdb_create makes a PostgreSQL database in
     * this run, so the file gets a folder of its own */
    char dir[] = "/tmp/stegvis-schema-XXXXXX";
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    snprintf(lite, sizeof(lite), "%s/schema.db", dir);
    testdb_pg_base_url(base, sizeof(base));
    testdb_create_in(base, "schema", pg, sizeof(pg));
    open_new(lite);
    open_new(pg);

    struct list a, b;
    query_list(lite,
               "SELECT m.name, p.cid, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
               "WHERE m.type = 'table' ORDER BY m.name, p.cid",
               &a);
    query_list(
        pg,
        "SELECT table_name, ordinal_position - 1, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name COLLATE \"C\", ordinal_position",
        &b);
    ASSERT_TRUE(a.len > 0);
    ASSERT_STR_EQ(b.text, a.text);
    /* every table of the schema, the change log of version 2 among them */
    ASSERT_TRUE(strstr(a.text, "change_log.0.seq;change_log.1.episode_id;change_log.2.txid;") !=
                NULL);

    int version_lite = -1, version_pg = -1;
    ASSERT_EQ_INT(store_schema_version(lite, &version_lite, NULL), ERR_OK);
    ASSERT_EQ_INT(store_schema_version(pg, &version_pg, NULL), ERR_OK);
    ASSERT_EQ_INT(version_lite, STORE_SCHEMA_VERSION);
    ASSERT_EQ_INT(version_pg, STORE_SCHEMA_VERSION);

    /* the CHECK constraints by name: SQLite keeps them in the table's SQL */
    query_list(pg,
               "SELECT conname FROM pg_constraint WHERE contype = 'c' AND connamespace = "
               "'public'::regnamespace ORDER BY conname",
               &b);
    ASSERT_STR_EQ(b.text, "appointment_status;assessment_chosen_step;assessment_reason;"
                          "assessment_recommended_step;episode_source;episode_step;"
                          "intervention_step;response_channel;risk_review_level;staff_role;"
                          "unit_kind;");
    query_list(lite,
               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND sql LIKE "
               "'%CONSTRAINT unit_kind%' AND sql LIKE '%CHECK%'",
               &a);
    ASSERT_STR_EQ(a.text, "1;");

    testdb_drop(pg);
    testdb_drop(lite);
}

int main(void)
{
    RUN_TEST(test_both_backends_get_the_same_schema);
    return 0;
}
