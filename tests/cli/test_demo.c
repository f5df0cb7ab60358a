/* test_demo.c - `stegvis demo` through the real binary on a temporary folder: the region and the
 * patients it writes, one scoring path (every stored response re-scored here through the shipped
 * catalogue gives what is stored), valid personnummer, the same data for the same seed, refusal
 * of a database with data, and the printed logins. */
#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testing.h"
#include "core/date.h"
#include "core/instrument.h"
#include "core/pnr.h"
#include "http/auth.h"
#include "support/support.h"

#define TODAY    "2026-06-15"
#define PATIENTS "300"

static char dir[64];

static void path_in_dir(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, name);
}

/* `stegvis demo --db DIR/NAME --patients 300 --seed SEED --today TODAY`. */
static struct test_run run_demo(const char *name, const char *seed)
{
    char db[128];
    path_in_dir(name, db, sizeof(db));
    const char *args[] = { "demo",   "--db", db,        "--patients", PATIENTS,
                           "--seed", seed,   "--today", TODAY,        NULL };
    return test_run_stegvis(NULL, args);
}

static sqlite3 *open_db(const char *name)
{
    char db[128];
    path_in_dir(name, db, sizeof(db));
    sqlite3 *conn = NULL;
    if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        TEST_FAIL("cannot open %s: %s", db, sqlite3_errmsg(conn));
    return conn;
}

static long long count_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        TEST_FAIL("%s: %s", sql, sqlite3_errmsg(db));
    ASSERT_EQ_INT(sqlite3_step(stmt), SQLITE_ROW);
    long long n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* ---- a dump of every table, as one comparable string ---- */

static uint64_t fnv1a(uint64_t hash, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        hash = (hash ^ p[i]) * 1099511628211ULL;
    return hash;
}

/* The columns of `table` but those that differ between two runs by design: the time of the
 * load's audit row and the salted password hashes of the demo logins. */
static void dump_columns(sqlite3 *db, const char *table, char *out, size_t size)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT name FROM pragma_table_info('%s') ORDER BY cid", table);
    sqlite3_stmt *stmt = NULL;
    ASSERT_EQ_INT(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    size_t used = 0;
    out[0] = '\0';
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(stmt, 0);
        if ((strcmp(table, "audit") == 0 && strcmp(col, "at") == 0) ||
            (strcmp(table, "staff") == 0 && strcmp(col, "pw_hash") == 0))
            continue;
        used += (size_t)snprintf(out + used, size - used, "%squote(\"%s\")", used ? "||','||" : "",
                                 col);
    }
    sqlite3_finalize(stmt);
}

static void dump_table(sqlite3 *db, const char *table, char *out, size_t size)
{
    char columns[2048], sql[2300];
    dump_columns(db, table, columns, sizeof(columns));
    snprintf(sql, sizeof(sql), "SELECT %s FROM \"%s\" ORDER BY rowid", columns, table);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        TEST_FAIL("%s: %s", sql, sqlite3_errmsg(db));
    uint64_t hash = 14695981039346656037ULL;
    long long rows = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        hash = fnv1a(hash, sqlite3_column_text(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0));
        hash = fnv1a(hash, "\n", 1);
        rows++;
    }
    sqlite3_finalize(stmt);
    snprintf(out, size, "%s=%lld:%016llx;", table, rows, (unsigned long long)hash);
}

static char *dump(const char *name)
{
    sqlite3 *db = open_db(name);
    sqlite3_stmt *stmt = NULL;
    ASSERT_EQ_INT(sqlite3_prepare_v2(db,
                                     "SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                     -1, &stmt, NULL),
                  SQLITE_OK);
    size_t size = 8192, used = 0;
    char *text = calloc(1, size);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        char line[256];
        dump_table(db, (const char *)sqlite3_column_text(stmt, 0), line, sizeof(line));
        ASSERT_TRUE(used + strlen(line) + 1 < size);
        memcpy(text + used, line, strlen(line) + 1);
        used += strlen(line);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return text;
}

/* ---- the cases ---- */

static void builds_the_region_and_the_patients(void)
{
    struct test_run run = run_demo("a.db", "7");
    if (run.exit_code != 0)
        TEST_FAIL("stegvis demo: exit %d, stderr %s", run.exit_code, run.err);
    json_t *summary = json_loads(run.out, 0, NULL);
    ASSERT_TRUE(summary != NULL);
    ASSERT_EQ_INT(json_integer_value(json_object_get(summary, "patients")), 300);
    ASSERT_STR_EQ(json_string_value(json_object_get(summary, "today")), TODAY);
    json_int_t responses = json_integer_value(json_object_get(summary, "responses"));
    json_decref(summary);
    test_run_free(&run);

    sqlite3 *db = open_db("a.db");
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM patient"), 300);
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM unit"), 11);
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM municipality"), 8);
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM response"), responses);
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM episode") >= 300);
    /* every unit has a manager and clinicians, and training records (some units behind) */
    ASSERT_EQ_INT(count_rows(db, "SELECT count(DISTINCT unit_id) FROM staff WHERE role = "
                                 "'manager'"),
                  11);
    ASSERT_EQ_INT(count_rows(db, "SELECT count(DISTINCT unit_id) FROM staff WHERE role = "
                                 "'clinician'"),
                  11);
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM staff WHERE role = 'analyst'") >= 1);
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM training") > 0);
    /* one audit row for the whole load, not one per synthetic row */
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM audit"), 1);
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM audit WHERE action = 'demo.generate' "
                                 "AND actor = 'system'"),
                  1);
    /* every course of care is there: open, ended, assessed, stepped up, contracts */
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM episode WHERE ended_at = 0") > 0);
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM episode WHERE end_reason = 'completed'") > 0);
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM assessment") > 0);
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM contract") > 0);
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM appointment WHERE status = 'attended'") > 0);
    /* times in order, and nothing after today but booked sessions */
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM episode WHERE (assessed_at > 0 AND "
                                 "assessed_at < referred_at) OR (ended_at > 0 AND ended_at < "
                                 "referred_at)"),
                  0);
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM appointment WHERE status <> 'booked' AND "
                                 "at >= unixepoch('" TODAY "')"),
                  0);
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM response WHERE answered_at >= "
                                 "unixepoch('" TODAY "')"),
                  0);
    /* an episode's step is its latest assessment's chosen step */
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM episode e WHERE e.step <> COALESCE(("
                                 "SELECT chosen_step FROM assessment a WHERE a.episode_id = e.id "
                                 "ORDER BY at DESC, id DESC LIMIT 1), -1)"),
                  0);
    sqlite3_close(db);
}

/* Positions from the stored answers text: numbers, null (missing) and "na". */
static int parse_answers(const char *text, int *positions)
{
    json_t *array = json_loads(text, 0, NULL);
    ASSERT_TRUE(json_is_array(array));
    int count = (int)json_array_size(array);
    ASSERT_TRUE(count <= INSTRUMENT_MAX_ITEMS);
    for (int i = 0; i < count; i++) {
        json_t *v = json_array_get(array, (size_t)i);
        if (json_is_null(v))
            positions[i] = ANSWER_MISSING;
        else if (json_is_string(v) && strcmp(json_string_value(v), "na") == 0)
            positions[i] = ANSWER_NOT_APPLICABLE;
        else if (json_is_integer(v))
            positions[i] = (int)json_integer_value(v);
        else
            TEST_FAIL("answer %d of %s is neither a position, null nor \"na\"", i, text);
    }
    json_decref(array);
    return count;
}

static void every_response_scores_as_stored(void)
{
    sqlite3 *db = open_db("a.db");
    sqlite3_stmt *stmt = NULL;
    ASSERT_EQ_INT(sqlite3_prepare_v2(db,
                                     "SELECT r.id, r.instrument, r.answers, r.total, r.band, "
                                     "r.severity, r.flags, p.sex FROM response r "
                                     "JOIN patient p ON p.id = r.patient_id ORDER BY r.id",
                                     -1, &stmt, NULL),
                  SQLITE_OK);
    int checked = 0, risk = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(stmt, 0);
        const struct instrument *ins = test_instrument((const char *)sqlite3_column_text(stmt, 1));
        int positions[INSTRUMENT_MAX_ITEMS];
        int count = parse_answers((const char *)sqlite3_column_text(stmt, 2), positions);
        enum sex sex =
            strcmp((const char *)sqlite3_column_text(stmt, 7), "male") == 0 ? SEX_MALE : SEX_FEMALE;
        struct instrument_score score;
        struct error err;
        error_clear(&err);
        if (instrument_score(ins, positions, count, sex, &score, &err) != ERR_OK)
            TEST_FAIL("response %lld: %s", id, err.message);
        if (score.total != sqlite3_column_int(stmt, 3) ||
            strcmp(score.band->id, (const char *)sqlite3_column_text(stmt, 4)) != 0 ||
            score.band->severity != sqlite3_column_int(stmt, 5) ||
            score.flags != (unsigned)sqlite3_column_int64(stmt, 6))
            TEST_FAIL("response %lld (%s %s): scored %d %s %u, stored %d %s %lld", id, ins->id,
                      sqlite3_column_text(stmt, 2), score.total, score.band->id, score.flags,
                      sqlite3_column_int(stmt, 3), sqlite3_column_text(stmt, 4),
                      (long long)sqlite3_column_int64(stmt, 6));
        risk += (score.flags & FLAG_RISK) != 0;
        checked++;
    }
    sqlite3_finalize(stmt);
    ASSERT_TRUE(checked > 1000);
    ASSERT_TRUE(risk > 0); /* some PHQ-9 item 9 answers above 0 */
    sqlite3_close(db);
}

static void every_pnr_is_valid_and_adult(void)
{
    struct date today;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(date_parse(TODAY, &today, &err), ERR_OK);
    sqlite3 *db = open_db("a.db");
    sqlite3_stmt *stmt = NULL;
    ASSERT_EQ_INT(sqlite3_prepare_v2(db,
                                     "SELECT pnr, birth_date, sex, created_at FROM patient "
                                     "ORDER BY id",
                                     -1, &stmt, NULL),
                  SQLITE_OK);
    int checked = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 0);
        struct pnr pnr;
        if (pnr_parse(text, today, &pnr, &err) != ERR_OK)
            TEST_FAIL("pnr %s: %s", text, err.message);
        ASSERT_EQ_INT(strlen(text), 12);
        char birth[11];
        date_format(pnr.birth_date, birth);
        ASSERT_STR_EQ(birth, (const char *)sqlite3_column_text(stmt, 1));
        ASSERT_STR_EQ(sex_name(pnr.sex), (const char *)sqlite3_column_text(stmt, 2));
        int age = date_age_years(pnr.birth_date, datetime_date(sqlite3_column_int64(stmt, 3)));
        if (age < 18 || age > 85)
            TEST_FAIL("pnr %s: %d years old at the first referral", text, age);
        checked++;
    }
    sqlite3_finalize(stmt);
    ASSERT_EQ_INT(checked, 300);
    ASSERT_EQ_INT(count_rows(db, "SELECT count(DISTINCT pnr) FROM patient"), 300);
    sqlite3_close(db);
}

static void interventions_are_offered_where_given(void)
{
    sqlite3 *db = open_db("a.db");
    /* every session's intervention is one its unit offers */
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM appointment a JOIN episode e ON e.id = "
                                 "a.episode_id WHERE a.intervention_code IS NOT NULL AND NOT "
                                 "EXISTS (SELECT 1 FROM unit_intervention ui WHERE ui.unit_id = "
                                 "e.unit_id AND ui.intervention_code = a.intervention_code)"),
                  0);
    /* Älvkarleby (0319): no unit its residents use offers group treatment */
    ASSERT_EQ_INT(count_rows(db, "SELECT count(*) FROM unit_intervention ui WHERE "
                                 "ui.intervention_code = 'grupp' AND ui.unit_id IN (SELECT "
                                 "e.unit_id FROM episode e JOIN patient p ON p.id = e.patient_id "
                                 "WHERE p.municipality_code = '0319' UNION SELECT listed_unit_id "
                                 "FROM patient WHERE municipality_code = '0319')"),
                  0);
    ASSERT_TRUE(count_rows(db, "SELECT count(*) FROM appointment WHERE intervention_code = "
                               "'grupp'") > 0);
    sqlite3_close(db);
}

static void same_seed_same_data(void)
{
    struct test_run again = run_demo("b.db", "7");
    ASSERT_EQ_INT(again.exit_code, 0);
    test_run_free(&again);
    struct test_run other = run_demo("c.db", "8");
    ASSERT_EQ_INT(other.exit_code, 0);
    test_run_free(&other);
    char *a = dump("a.db"), *b = dump("b.db"), *c = dump("c.db");
    ASSERT_STR_EQ(b, a);
    ASSERT_TRUE(strcmp(c, a) != 0);
    ASSERT_CONTAINS(a, "patient=300:");
    free(a);
    free(b);
    free(c);
}

static void database_with_data_is_refused(void)
{
    char *before = dump("a.db");
    struct test_run run = run_demo("a.db", "9");
    ASSERT_EQ_INT(run.exit_code, 2);
    ASSERT_STR_EQ(run.out, "");
    ASSERT_CONTAINS(run.err, "already holds patients or staff; the demo fills only a new or "
                             "empty database");
    test_run_free(&run);
    char *after = dump("a.db");
    ASSERT_STR_EQ(after, before);
    free(before);
    free(after);
}

static void bad_options_are_refused(void)
{
    const char *too_many[] = { "demo", "--db", "/nonexistent/x.db", "--patients", "1000001", NULL };
    struct test_run run = test_run_stegvis(NULL, too_many);
    ASSERT_EQ_INT(run.exit_code, 2);
    ASSERT_CONTAINS(run.err, "--patients");
    test_run_free(&run);
    const char *bad_day[] = { "demo", "--db", "/nonexistent/x.db", "--today", "2026-13-01", NULL };
    run = test_run_stegvis(NULL, bad_day);
    ASSERT_EQ_INT(run.exit_code, 2);
    ASSERT_CONTAINS(run.err, "--today");
    test_run_free(&run);
    const char *no_db[] = { "demo", "--patients", "10", NULL };
    run = test_run_stegvis(NULL, no_db);
    ASSERT_EQ_INT(run.exit_code, 2);
    ASSERT_CONTAINS(run.err, "--db FILE is required");
    test_run_free(&run);
}

static void the_printed_logins_work(void)
{
    const char *args[] = { "demo", "--logins", NULL };
    struct test_run run = test_run_stegvis(NULL, args);
    ASSERT_EQ_INT(run.exit_code, 0);
    ASSERT_CONTAINS(run.out, "anna   / demo-klinik-2026");
    ASSERT_CONTAINS(run.out, "maria  / demo-chef-2026");
    test_run_free(&run);

    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(auth_init(&err), ERR_OK);
    sqlite3 *db = open_db("a.db");
    sqlite3_stmt *stmt = NULL;
    ASSERT_EQ_INT(sqlite3_prepare_v2(db,
                                     "SELECT s.username, s.role, COALESCE(u.code, ''), s.pw_hash "
                                     "FROM staff s LEFT JOIN unit u ON u.id = s.unit_id "
                                     "ORDER BY s.id",
                                     -1, &stmt, NULL),
                  SQLITE_OK);
    static const struct {
        const char *username, *password, *role, *unit;
    } logins[] = {
        { "admin", "demo-admin-2026", "admin", "" },
        { "anna", "demo-klinik-2026", "clinician", "GOTTSUNDA" },
        { "erik", "demo-klinik-2026", "clinician", "ARSTA" },
        { "maria", "demo-chef-2026", "manager", "GOTTSUNDA" },
        { "lars", "demo-analys-2026", "analyst", "" },
    };
    int found = 0, others = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *username = (const char *)sqlite3_column_text(stmt, 0);
        const char *hash = (const char *)sqlite3_column_text(stmt, 3);
        int match = -1;
        for (int i = 0; i < 5; i++)
            if (strcmp(logins[i].username, username) == 0)
                match = i;
        if (match < 0) { /* synthetic staff cannot log in with any demo password */
            ASSERT_TRUE(!auth_verify_password(hash, "demo-klinik-2026"));
            others++;
            continue;
        }
        ASSERT_STR_EQ((const char *)sqlite3_column_text(stmt, 1), logins[match].role);
        ASSERT_STR_EQ((const char *)sqlite3_column_text(stmt, 2), logins[match].unit);
        ASSERT_TRUE(auth_verify_password(hash, logins[match].password));
        ASSERT_TRUE(!auth_verify_password(hash, "wrong-password-2026"));
        found++;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    ASSERT_EQ_INT(found, 5);
    ASSERT_TRUE(others > 11);
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    for (struct dirent *entry = readdir(d); entry != NULL; entry = readdir(d)) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/stegvis-demo-XXXXXX");
    ASSERT_TRUE(mkdtemp(dir) != NULL);
    RUN_TEST(builds_the_region_and_the_patients);
    RUN_TEST(every_response_scores_as_stored);
    RUN_TEST(every_pnr_is_valid_and_adult);
    RUN_TEST(interventions_are_offered_where_given);
    RUN_TEST(same_seed_same_data);
    RUN_TEST(database_with_data_is_refused);
    RUN_TEST(bad_options_are_refused);
    RUN_TEST(the_printed_logins_work);
    remove_dir();
    TEST_SUMMARY();
}
