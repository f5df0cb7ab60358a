/* test_store.c - the store's life cycle on a real database (a SQLite file, or PostgreSQL in a
 * pg/ run): a new database gets the current schema and the region, older and newer schemas are
 * refused, migrate takes a backup first, backups are whole copies (SQLite), and the audit log
 * cannot be changed even with raw SQL. */
#include "fixture.h"

#include <sys/stat.h>

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Set the schema version behind the store's back (the store is closed). */
static void fake_version(const char *db_url, const char *version)
{
    struct testdb *db = testdb_connect(db_url);
    char sql[128], message[256];
    snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%s' WHERE key = 'schema_version'",
             version);
    long long changes = 0;
    if (testdb_run(db, sql, &changes, message, sizeof(message)) != TESTDB_OK)
        TEST_FAIL("%s: %s", sql, message);
    ASSERT_EQ_INT(changes, 1);
    testdb_close(db);
}

static void test_new_database_gets_schema_and_region(void)
{
    struct fixture f;
    fixture_open(&f, true);
    int version = -1;
    ASSERT_EQ_INT(store_schema_version(f.db, &version, NULL), ERR_OK);
    ASSERT_EQ_INT(version, STORE_SCHEMA_VERSION);

    struct store_unit *units = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_unit_list(f.store, &units, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 11); /* the eleven model units of data/region.json, in file order */
    ASSERT_EQ_INT(units[0].id, 1);
    ASSERT_STR_EQ(units[0].code, "BALSTA");
    ASSERT_STR_EQ(units[0].name, "Bålstadoktorn");
    ASSERT_STR_EQ(units[0].kind, "vardcentral");
    ASSERT_STR_EQ(units[0].municipality_code, "0305");
    ASSERT_STR_EQ(units[4].code, "KBT_NATET");
    ASSERT_STR_EQ(units[4].kind, "digital");
    ASSERT_STR_EQ(units[4].municipality_code, "0380");
    ASSERT_EQ_INT(units[10].id, 11);
    ASSERT_STR_EQ(units[10].code, "ARSTA");
    ASSERT_STR_EQ(units[10].name, "Årsta vårdcentral");
    free(units);

    struct store_unit unit;
    ASSERT_EQ_INT(store_unit_by_code(f.store, "GOTTSUNDA", &unit, NULL), ERR_OK);
    ASSERT_EQ_INT(unit.id, 4);
    ASSERT_STR_EQ(unit.name, "Gottsunda vårdcentral");
    ASSERT_EQ_INT(store_municipality_exists(f.store, "0319", NULL), ERR_OK); /* Älvkarleby */
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_municipality_exists(f.store, "0999", &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.field, "municipality_code");
    ASSERT_STR_EQ(err.message, "municipality 0999 not found");

    struct testdb *db = testdb_connect(f.db);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM municipality"), 8);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM intervention"), 12);
    /* 10 + 11 + 12 + 11 + 5 + 10 + 11 + 9 + 12 + 11 + 11 offers, per unit in file order */
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM unit_intervention"), 113);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM unit WHERE municipality_code IN "
                                       "('0319', '0331', '0382')"),
                  0); /* Älvkarleby, Heby, Östhammar have no unit of their own */
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT step FROM intervention WHERE code = 'ikbt'"), 2);
    char text[64];
    testdb_query_text(db, "SELECT value FROM meta WHERE key = 'schema_version'", text,
                      sizeof(text));
    ASSERT_STR_EQ(text, "4");
    if (testdb_sqlite_only("the journal mode is WAL (a SQLite setting)")) {
        testdb_query_text(db, "PRAGMA journal_mode", text, sizeof(text));
        ASSERT_STR_EQ(text, "wal");
    }
    testdb_close(db);
    fixture_release(&f);
}

static void test_new_database_without_region(void)
{
    struct fixture f;
    fixture_open(&f, false);
    struct store_unit *units = NULL;
    int count = -1;
    ASSERT_EQ_INT(store_unit_list(f.store, &units, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 0);
    ASSERT_TRUE(units == NULL);
    fixture_release(&f);
}

static void test_reopen_keeps_rows_and_does_not_seed_again(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long id = add_patient(f.store, "198507142385", "Anna Andersson");
    store_close(f.store);
    char *region = fixture_region();
    ASSERT_EQ_INT(store_open(f.db, region, &f.store, NULL), ERR_OK);
    free(region);
    struct store_patient patient;
    ASSERT_EQ_INT(store_patient_get(f.store, id, &patient, NULL), ERR_OK);
    ASSERT_STR_EQ(patient.name, "Anna Andersson");
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM unit"), 11);
    fixture_release(&f);
}

static void test_bad_region_leaves_database_empty(void)
{
    struct fixture f;
    fixture_init(&f);
    const char *region = "{\"municipalities\":[{\"code\":\"0380\",\"name\":\"Uppsala\"}],"
                         "\"units\":[{\"code\":\"A\",\"name\":\"A\",\"kind\":\"vardcentral\","
                         "\"municipality\":\"0380\"},{\"code\":\"B\",\"name\":\"B\","
                         "\"kind\":\"vardcentral\",\"municipality\":\"0999\"}]}";
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_open(f.db, region, &f.store, &err), ERR_INVALID);
    ASSERT_TRUE(f.store == NULL);
    ASSERT_STR_EQ(err.field, "/units/1");
    ASSERT_STR_EQ(err.message, "region: /units/1: a record it refers to does not exist");
    int version = -1;
    ASSERT_EQ_INT(store_schema_version(f.db, &version, NULL), ERR_OK);
    ASSERT_EQ_INT(version, 0); /* the schema was rolled back with the region */

    error_clear(&err);
    ASSERT_EQ_INT(store_open(f.db, "{\"units\":[{\"code\":\"A\"}]}", &f.store, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "/units/0/name");
    ASSERT_STR_EQ(err.message, "region: /units/0/name must be a non-empty string");
    error_clear(&err);
    ASSERT_EQ_INT(store_open(f.db, "[1,", &f.store, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "region");
    fixture_release(&f);
}

static void test_schema_version_of_missing_file(void)
{
    if (!testdb_sqlite_only("a missing database file (the database must exist on PostgreSQL)"))
        return;
    struct fixture f;
    fixture_init(&f);
    int version = -1;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_schema_version(f.db, &version, &err), ERR_NOT_FOUND);
    ASSERT_EQ_INT(version, 0);
    ASSERT_TRUE(!file_exists(f.db)); /* looking did not create it */
    fixture_release(&f);
}

static void test_older_schema_is_refused(void)
{
    struct fixture f;
    fixture_open(&f, true);
    store_close(f.store);
    f.store = NULL;
    fake_version(f.db, "0");
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, &err), ERR_CONFLICT);
    ASSERT_TRUE(f.store == NULL);
    ASSERT_STR_EQ(err.field, "db");
    char want[512];
    snprintf(want, sizeof(want),
             "database schema version 0 is older than 4: run `stegvis migrate --db %s` (it "
             "takes a backup first)",
             f.db);
    ASSERT_STR_EQ(err.message, want);
    fixture_release(&f);
}

static void test_newer_schema_is_refused(void)
{
    struct fixture f;
    fixture_open(&f, true);
    store_close(f.store);
    f.store = NULL;
    char newer[16], want[128];
    snprintf(newer, sizeof(newer), "%d", STORE_SCHEMA_VERSION + 1);
    snprintf(want, sizeof(want),
             "database schema version %d is newer than this stegvis (%d): upgrade stegvis",
             STORE_SCHEMA_VERSION + 1, STORE_SCHEMA_VERSION);
    fake_version(f.db, newer);
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, &err), ERR_CONFLICT);
    ASSERT_TRUE(f.store == NULL);
    ASSERT_STR_EQ(err.message, want);
    if (testdb_sqlite_only("migrate with a backup file")) {
        char backup[256];
        fixture_path(&f, "backup.db", backup, sizeof(backup));
        int from = -1, to = -1;
        error_clear(&err);
        ASSERT_EQ_INT(store_migrate(f.db, backup, &from, &to, &err), ERR_CONFLICT);
        ASSERT_EQ_INT(from, STORE_SCHEMA_VERSION + 1);
        ASSERT_EQ_INT(to, 0);
        ASSERT_STR_EQ(err.message, want);
        ASSERT_TRUE(!file_exists(backup));
    }
    fixture_release(&f);
}

static void test_migrate_takes_a_backup_first(void)
{
    if (!testdb_sqlite_only("migrate with a backup file"))
        return;
    struct fixture f;
    fixture_open(&f, true);
    long long patient = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, patient, 4, 1767225600);
    add_response(f.store, patient, episode, 2, 0, 1767225700);
    store_close(f.store);
    f.store = NULL;
    fake_version(f.db, "0");

    char backup[256];
    fixture_path(&f, "before-migrate.db", backup, sizeof(backup));
    int from = -1, to = -1;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_migrate(f.db, backup, &from, &to, &err), ERR_OK);
    ASSERT_EQ_INT(from, 0);
    ASSERT_EQ_INT(to, STORE_SCHEMA_VERSION);

    /* The backup is the database as it was: version 0 and the same rows. */
    struct testdb *db = testdb_connect(backup);
    char text[64];
    testdb_query_text(db, "PRAGMA integrity_check", text, sizeof(text));
    ASSERT_STR_EQ(text, "ok");
    testdb_query_text(db, "SELECT value FROM meta WHERE key = 'schema_version'", text,
                      sizeof(text));
    ASSERT_STR_EQ(text, "0");
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM patient"), 1);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM episode"), 1);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM response"), 1);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM unit"), 11);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM audit"), 3);
    testdb_close(db);
    int version = -1;
    ASSERT_EQ_INT(store_schema_version(backup, &version, NULL), ERR_OK);
    ASSERT_EQ_INT(version, 0);

    /* The database itself is current and opens with its rows. */
    ASSERT_EQ_INT(store_schema_version(f.db, &version, NULL), ERR_OK);
    ASSERT_EQ_INT(version, STORE_SCHEMA_VERSION);
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, NULL), ERR_OK);
    struct store_patient row;
    ASSERT_EQ_INT(store_patient_get(f.store, patient, &row, NULL), ERR_OK);
    ASSERT_STR_EQ(row.pnr, "198507142385");
    fixture_release(&f);
}

/* A database as version 1 shipped (no change log): serve refuses it, migrate brings it to the
 * current version with its rows, and from then on writes are logged. */
static void test_migrate_from_version_1(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long patient = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, patient, 4, 1767225600);
    store_close(f.store);
    f.store = NULL;
    char message[256];
    ASSERT_EQ_INT(testdb_exec(f.db, "DROP TABLE change_log", message, sizeof(message)), TESTDB_OK);
    fake_version(f.db, "1");

    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, &err), ERR_CONFLICT);
    ASSERT_TRUE(strstr(err.message, "database schema version 1 is older than 4") != NULL);
    char backup[256];
    fixture_path(&f, "before-2.db", backup, sizeof(backup));
    int from = -1, to = -1;
    ASSERT_EQ_INT(store_migrate(f.db, backup, &from, &to, &err), ERR_OK);
    ASSERT_EQ_INT(from, 1);
    ASSERT_EQ_INT(to, STORE_SCHEMA_VERSION);
    if (testdb_sqlite_only("the backup file taken before migrating"))
        ASSERT_EQ_INT(testdb_int(backup, "SELECT count(*) FROM sqlite_master "
                                         "WHERE name = 'change_log'"),
                      0);

    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, &err), ERR_OK);
    long long cursor = -1, *ids = NULL;
    int count = -1;
    ASSERT_EQ_INT(store_changes_mark(f.store, &cursor, NULL), ERR_OK);
    ASSERT_TRUE(cursor >= 0); /* SQLite: the last sequence number; PostgreSQL: a transaction */
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM change_log"), 0);
    add_response(f.store, patient, episode, 2, 0, 1767225700);
    ASSERT_EQ_INT(store_changes_since(f.store, &cursor, &ids, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 1);
    ASSERT_EQ_INT(ids[0], episode);
    free(ids);
    /* nothing new since: SQLite names nothing; PostgreSQL may name the episode again until no
     * older transaction is running (store.h: applying a change twice does no harm) */
    ASSERT_EQ_INT(store_changes_since(f.store, &cursor, &ids, &count, NULL), ERR_OK);
    ASSERT_TRUE(count == 0 || testdb_backend() == TESTDB_POSTGRES);
    for (int i = 0; i < count; i++)
        ASSERT_EQ_INT(ids[i], episode);
    free(ids);
    fixture_release(&f);
}

/* Version 3 rebuilds SQLite's response table (its channel CHECK) and makes response_invitation
 * partial: the rows stay with their ids, the CHECK still refuses, and an invitation still takes
 * one response per instrument. */
static void test_migrate_version_2_to_3(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long patient = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, patient, 4, 1767225600);
    long long first = add_response(f.store, patient, episode, 2, 0, T0);
    long long second = add_response(f.store, patient, episode, 3, 1, T0 + DAY);
    store_close(f.store);
    f.store = NULL;
    fake_version(f.db, "2");

    char backup[256];
    fixture_path(&f, "before-3.db", backup, sizeof(backup));
    int from = -1, to = -1;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_migrate(f.db, backup, &from, &to, &err), ERR_OK);
    ASSERT_EQ_INT(from, 2);
    ASSERT_EQ_INT(to, STORE_SCHEMA_VERSION);
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, &err), ERR_OK);
    struct store_response *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_response_list(f.store, patient, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_EQ_INT(list[0].id, first);
    ASSERT_EQ_INT(list[0].severity, 2);
    ASSERT_EQ_INT(list[1].id, second);
    ASSERT_EQ_INT(list[1].flags, 1);
    ASSERT_STR_EQ(list[1].channel, "portal");
    free(list);
    if (testdb_backend() == TESTDB_SQLITE) {
        ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM sqlite_master WHERE name = "
                                       "'response' AND sql LIKE '%channel = ''import''%'"),
                      1);
        ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                       "AND tbl_name = 'response'"),
                      4);
    }

    /* the CHECK, by its name */
    struct store_response bad = response_row(patient, episode, 5, 1, 0, T0);
    snprintf(bad.channel, sizeof(bad.channel), "fax");
    struct store_audit audit = audit_row(0, "response.create", patient, 0);
    ASSERT_EQ_INT(store_response_add(f.store, &bad, &audit, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "channel");

    /* one response per invitation and instrument; responses without one are not in the index */
    char sql[512], message[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO response (patient_id, instrument, answers, total, band, severity, "
             "flags, answered_at, channel, invitation_hash) VALUES (%lld, 'phq9', '[]', 0, "
             "'minimal', 0, 0, %lld, 'portal', 'hash-1')",
             patient, T0);
    ASSERT_EQ_INT(testdb_exec(f.db, sql, message, sizeof(message)), TESTDB_OK);
    ASSERT_TRUE(testdb_exec(f.db, sql, message, sizeof(message)) != TESTDB_OK);
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM response WHERE invitation_hash IS NULL"),
                  2);
    fixture_release(&f);
}

static void test_migrate_when_current_changes_nothing(void)
{
    if (!testdb_sqlite_only("migrate with a backup file"))
        return;
    struct fixture f;
    fixture_open(&f, true);
    store_close(f.store);
    f.store = NULL;
    char backup[256];
    fixture_path(&f, "backup.db", backup, sizeof(backup));
    int from = -1, to = -1;
    ASSERT_EQ_INT(store_migrate(f.db, backup, &from, &to, NULL), ERR_OK);
    ASSERT_EQ_INT(from, STORE_SCHEMA_VERSION);
    ASSERT_EQ_INT(to, STORE_SCHEMA_VERSION);
    ASSERT_TRUE(!file_exists(backup));
    fixture_release(&f);
}

static void test_migrate_empty_and_missing_files(void)
{
    if (!testdb_sqlite_only("missing and empty database files, migrate with a backup file"))
        return;
    struct fixture f;
    fixture_init(&f);
    char backup[256];
    fixture_path(&f, "backup.db", backup, sizeof(backup));
    int from = -1, to = -1;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_migrate(f.db, backup, &from, &to, &err), ERR_NOT_FOUND);
    char want[400];
    snprintf(want, sizeof(want), "no database at %s", f.db);
    ASSERT_STR_EQ(err.message, want);

    FILE *empty = fopen(f.db, "w");
    ASSERT_TRUE(empty != NULL);
    fclose(empty);
    ASSERT_EQ_INT(store_migrate(f.db, backup, &from, &to, NULL), ERR_OK);
    ASSERT_EQ_INT(from, 0);
    ASSERT_EQ_INT(to, STORE_SCHEMA_VERSION);
    ASSERT_TRUE(file_exists(backup));
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM unit"), 0); /* migrate seeds nothing */
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), 7);
    fixture_release(&f);
}

static void test_foreign_database_is_left_alone(void)
{
    struct fixture f;
    fixture_init(&f);
    ASSERT_EQ_INT(testdb_exec(f.db, "CREATE TABLE notes (text TEXT)", NULL, 0), TESTDB_OK);
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, &err), ERR_CONFLICT);
    char want[512];
    snprintf(want, sizeof(want),
             "%s is not a Stegvis database (it has tables but no schema version)", f.db);
    ASSERT_STR_EQ(err.message, want);
    ASSERT_EQ_INT(testdb_table_count(f.db), 1);
    fixture_release(&f);
}

static void test_urls(void)
{
    struct fixture f;
    fixture_init(&f);
    if (testdb_sqlite_only("the sqlite:FILE and sqlite://FILE forms")) {
        char url[TESTDB_URL_SIZE + 16];
        snprintf(url, sizeof(url), "sqlite:%s", f.db);
        ASSERT_EQ_INT(store_open(url, NULL, &f.store, NULL), ERR_OK);
        store_close(f.store);
        f.store = NULL;
        snprintf(url, sizeof(url), "sqlite://%s", f.db);
        int version = -1;
        ASSERT_EQ_INT(store_schema_version(url, &version, NULL), ERR_OK);
        ASSERT_EQ_INT(version, STORE_SCHEMA_VERSION);
    }

    struct store *store = NULL;
    struct error err;
    error_clear(&err);
    /* a PostgreSQL url goes to the PostgreSQL backend: nothing listens on port 1 */
    ASSERT_EQ_INT(store_open("postgresql://127.0.0.1:1/stegvis", NULL, &store, &err),
                  ERR_UNAVAILABLE);
    ASSERT_TRUE(strncmp(err.message, "cannot connect to PostgreSQL: ", 30) == 0);
    ASSERT_EQ_INT(store_open("", NULL, &store, &err), ERR_INVALID);
    ASSERT_EQ_INT(store_open("sqlite:", NULL, &store, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.message, "no database file in \"sqlite:\"");
    ASSERT_TRUE(store == NULL);
    fixture_release(&f);
}

static void test_backup_is_a_whole_copy(void)
{
    if (!testdb_sqlite_only("backup files (store_backup copies a SQLite file)"))
        return;
    struct fixture f;
    fixture_open(&f, true);
    long long patient = add_patient(f.store, "198507142385", "Anna Andersson");
    add_episode(f.store, patient, 4, 1767225600);
    char backup[256];
    fixture_path(&f, "copy.db", backup, sizeof(backup));
    ASSERT_EQ_INT(store_backup(f.store, backup, NULL), ERR_OK);
    struct testdb *db = testdb_connect(backup);
    char text[64];
    testdb_query_text(db, "PRAGMA integrity_check", text, sizeof(text));
    ASSERT_STR_EQ(text, "ok");
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM patient"), 1);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM episode"), 1);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM unit"), 11);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM audit"), 2);
    testdb_close(db);

    /* A second backup over the first replaces it whole; no .partial is left behind. */
    add_patient(f.store, "199001012382", "Bo Berg");
    ASSERT_EQ_INT(store_backup(f.store, backup, NULL), ERR_OK);
    ASSERT_EQ_INT(testdb_int(backup, "SELECT count(*) FROM patient"), 2);
    char partial[300];
    snprintf(partial, sizeof(partial), "%s.partial", backup);
    ASSERT_TRUE(!file_exists(partial));

    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_backup(f.store, f.db, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.message, "the backup cannot overwrite the database");
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM patient"), 2);
    fixture_release(&f);
}

static void test_audit_is_append_only(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct store_audit audit = audit_row(7, "patient.read", 3, 1767225600);
    ASSERT_EQ_INT(store_audit_add(f.store, &audit, NULL), ERR_OK);

    struct testdb *db = testdb_connect(f.db);
    char message[256];
    ASSERT_EQ_INT(
        testdb_run(db, "UPDATE audit SET actor = 'someone else'", NULL, message, sizeof(message)),
        TESTDB_REFUSED);
    ASSERT_STR_EQ(message, "audit is append-only");
    ASSERT_EQ_INT(testdb_run(db, "DELETE FROM audit", NULL, message, sizeof(message)),
                  TESTDB_REFUSED);
    ASSERT_STR_EQ(message, "audit is append-only");
    ASSERT_EQ_INT(testdb_run(db, "DELETE FROM audit WHERE id = 1", NULL, NULL, 0), TESTDB_REFUSED);
    ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM audit"), 1);
    char text[64];
    testdb_query_text(db, "SELECT actor FROM audit WHERE id = 1", text, sizeof(text));
    ASSERT_STR_EQ(text, "clin1");
    testdb_close(db);
    fixture_release(&f);
}

int main(void)
{
    RUN_TEST(test_new_database_gets_schema_and_region);
    RUN_TEST(test_new_database_without_region);
    RUN_TEST(test_reopen_keeps_rows_and_does_not_seed_again);
    RUN_TEST(test_bad_region_leaves_database_empty);
    RUN_TEST(test_schema_version_of_missing_file);
    RUN_TEST(test_older_schema_is_refused);
    RUN_TEST(test_newer_schema_is_refused);
    RUN_TEST(test_migrate_takes_a_backup_first);
    RUN_TEST(test_migrate_from_version_1);
    RUN_TEST(test_migrate_version_2_to_3);
    RUN_TEST(test_migrate_when_current_changes_nothing);
    RUN_TEST(test_migrate_empty_and_missing_files);
    RUN_TEST(test_foreign_database_is_left_alone);
    RUN_TEST(test_urls);
    RUN_TEST(test_backup_is_a_whole_copy);
    RUN_TEST(test_audit_is_append_only);
    TEST_SUMMARY();
}
