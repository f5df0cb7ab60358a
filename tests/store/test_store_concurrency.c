/* test_store_concurrency.c - the writer under load: every acknowledged write is there afterwards,
 * waiting writes share one commit, one failing request in a batch spoils no other, and an online
 * backup taken while writes go on is a sound database. */
#include "fixture.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define THREADS    8
#define PER_THREAD 200

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

struct writer_arg {
    struct store *store;
    long long patient_id, episode_id;
    long long ids[PER_THREAD];
    int failures;
};

/* On this thread's own read connection: an acknowledged write is visible at once. */
static void read_back(struct writer_arg *arg, int written)
{
    struct store_response *list = NULL;
    int count = 0;
    if (store_response_list(arg->store, arg->patient_id, &list, &count, NULL) != ERR_OK ||
        count != written)
        arg->failures++;
    free(list);
}

static void *write_responses(void *p)
{
    struct writer_arg *arg = p;
    for (int i = 0; i < PER_THREAD; i++) {
        struct store_response response =
            response_row(arg->patient_id, arg->episode_id, i % 28, i % 5, 0, T0 + i);
        struct store_audit audit = audit_row(0, "response.create", arg->patient_id, 0);
        if (store_response_add(arg->store, &response, &audit, NULL) != ERR_OK)
            arg->failures++;
        else
            arg->ids[i] = response.id;
        if (i % 50 == 49)
            read_back(arg, i + 1);
    }
    return NULL;
}

static void test_group_commit_keeps_every_acknowledged_row(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct writer_arg args[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        char pnr[13];
        snprintf(pnr, sizeof(pnr), "1980010100%02d", t);
        memset(&args[t], 0, sizeof(args[t]));
        args[t].store = f.store;
        args[t].patient_id = add_patient(f.store, pnr, "Load");
        args[t].episode_id = add_episode(f.store, args[t].patient_id, 4, T0);
    }
    struct store_stats before, after;
    store_stats(f.store, &before);
    for (int t = 0; t < THREADS; t++)
        ASSERT_EQ_INT(pthread_create(&threads[t], NULL, write_responses, &args[t]), 0);
    for (int t = 0; t < THREADS; t++)
        ASSERT_EQ_INT(pthread_join(threads[t], NULL), 0);
    store_stats(f.store, &after);

    for (int t = 0; t < THREADS; t++) {
        ASSERT_EQ_INT(args[t].failures, 0);
        struct store_response *list = NULL;
        int count = 0;
        ASSERT_EQ_INT(store_response_list(f.store, args[t].patient_id, &list, &count, NULL),
                      ERR_OK);
        ASSERT_EQ_INT(count, PER_THREAD);
        for (int i = 0; i < PER_THREAD; i++) {
            ASSERT_EQ_INT(list[i].id, args[t].ids[i]); /* answered_at T0 + i: in write order */
            ASSERT_EQ_INT(list[i].total, i % 28);
        }
        free(list);
    }
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM response"), THREADS * PER_THREAD);
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(DISTINCT id) FROM response"),
                  THREADS * PER_THREAD);
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM audit WHERE action = 'response.create'"),
                  THREADS * PER_THREAD);
    ASSERT_EQ_INT(after.writes - before.writes, THREADS * PER_THREAD);
    ASSERT_TRUE(after.commits - before.commits <= after.writes - before.writes);
    fprintf(stderr, "    %lld writes in %lld commits\n", after.writes - before.writes,
            after.commits - before.commits);
    fixture_release(&f);
}

struct patient_arg {
    struct store *store;
    char pnr[13];
    long long id;
    enum err_code rc;
    struct error err;
};

static void *add_one_patient(void *p)
{
    struct patient_arg *arg = p;
    struct store_patient patient = patient_row(arg->pnr, "Batch");
    struct store_audit audit = audit_row(0, "patient.create", 0, 0);
    error_clear(&arg->err);
    arg->rc = store_patient_add(arg->store, &patient, &audit, &arg->err);
    arg->id = patient.id;
    return NULL;
}

/* Hold a write lock from outside so the writer waits: the first request is stuck there alone,
 * and the four that come next queue up and are committed together. SQLite: the database's
 * write lock (BEGIN IMMEDIATE), so the writer waits in BEGIN; PostgreSQL: a SHARE lock on the
 * patient table, so the writer waits in its INSERT. */
static void test_failing_request_spoils_no_other_in_its_batch(void)
{
    struct fixture f;
    fixture_open(&f, true);
    add_patient(f.store, "198507142385", "Anna Andersson");
    struct testdb *lock = testdb_connect(f.db);
    const char *take = testdb_backend() == TESTDB_POSTGRES
                           ? "BEGIN; LOCK TABLE patient IN SHARE MODE"
                           : "BEGIN IMMEDIATE";
    ASSERT_EQ_INT(testdb_run(lock, take, NULL, NULL, 0), TESTDB_OK);
    struct store_stats before, after;
    store_stats(f.store, &before);

    static const char *const pnrs[] = { "199001010001", "199001010002", "198507142385",
                                        "199001010003", "199001010004" };
    struct patient_arg args[5];
    pthread_t threads[5];
    for (int i = 0; i < 5; i++) {
        memset(&args[i], 0, sizeof(args[i]));
        args[i].store = f.store;
        snprintf(args[i].pnr, sizeof(args[i].pnr), "%s", pnrs[i]);
    }
    ASSERT_EQ_INT(pthread_create(&threads[0], NULL, add_one_patient, &args[0]), 0);
    sleep_ms(100);
    for (int i = 1; i < 5; i++)
        ASSERT_EQ_INT(pthread_create(&threads[i], NULL, add_one_patient, &args[i]), 0);
    sleep_ms(300);
    ASSERT_EQ_INT(testdb_run(lock, "COMMIT", NULL, NULL, 0), TESTDB_OK);
    testdb_close(lock);
    for (int i = 0; i < 5; i++)
        ASSERT_EQ_INT(pthread_join(threads[i], NULL), 0);
    store_stats(f.store, &after);

    ASSERT_EQ_INT(args[2].rc, ERR_CONFLICT); /* Anna's personnummer again */
    ASSERT_STR_EQ(args[2].err.message, "personnummer already registered");
    for (int i = 0; i < 5; i++) {
        if (i == 2)
            continue;
        ASSERT_EQ_INT(args[i].rc, ERR_OK);
        struct store_patient got;
        ASSERT_EQ_INT(store_patient_by_pnr(f.store, pnrs[i], &got, NULL), ERR_OK);
        ASSERT_EQ_INT(got.id, args[i].id);
    }
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM patient"), 5);
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM audit WHERE action = 'patient.create'"),
                  5);
    ASSERT_EQ_INT(after.writes - before.writes, 4);
    /* SQLite (one writer): the first alone, then the four others in one transaction (three of
     * them committed). PostgreSQL has four writers, each in a transaction of its own: the waiting
     * requests spread over them, so there are more commits, but never more than writes. */
    if (testdb_backend() == TESTDB_SQLITE)
        ASSERT_EQ_INT(after.commits - before.commits, 2);
    else
        ASSERT_TRUE(after.commits - before.commits >= 2 && after.commits - before.commits <= 4);
    fixture_release(&f);
}

struct busy_writer {
    struct store *store;
    long long patient_id;
    atomic_bool stop;
    int written;
};

static void *keep_writing(void *p)
{
    struct busy_writer *arg = p;
    while (!atomic_load(&arg->stop)) {
        struct store_response response =
            response_row(arg->patient_id, 0, 10, 2, 0, T0 + arg->written);
        struct store_audit audit = audit_row(0, "response.create", arg->patient_id, 0);
        ASSERT_EQ_INT(store_response_add(arg->store, &response, &audit, NULL), ERR_OK);
        arg->written++;
    }
    return NULL;
}

static void test_backup_while_writing(void)
{
    if (!testdb_sqlite_only("backup files (store_backup copies a SQLite file)"))
        return;
    struct fixture f;
    fixture_open(&f, true);
    struct busy_writer writer;
    memset(&writer, 0, sizeof(writer));
    writer.store = f.store;
    writer.patient_id = add_patient(f.store, "198507142385", "Anna Andersson");
    atomic_init(&writer.stop, false);
    pthread_t thread;
    ASSERT_EQ_INT(pthread_create(&thread, NULL, keep_writing, &writer), 0);
    sleep_ms(100);
    char backup[256];
    fixture_path(&f, "online.db", backup, sizeof(backup));
    for (int round = 0; round < 3; round++) {
        long long before = testdb_int(f.db, "SELECT count(*) FROM response");
        ASSERT_EQ_INT(store_backup(f.store, backup, NULL), ERR_OK);
        long long after = testdb_int(f.db, "SELECT count(*) FROM response");
        struct testdb *db = testdb_connect(backup);
        char text[64];
        testdb_query_text(db, "PRAGMA integrity_check", text, sizeof(text));
        ASSERT_STR_EQ(text, "ok");
        long long copied = testdb_query_int(db, "SELECT count(*) FROM response");
        ASSERT_TRUE(copied >= before && copied <= after);
        /* each response was committed with its audit row: the copy holds both or neither */
        ASSERT_EQ_INT(
            testdb_query_int(db, "SELECT count(*) FROM audit WHERE action = 'response.create'"),
            copied);
        ASSERT_EQ_INT(testdb_query_int(db, "SELECT count(*) FROM unit"), 11);
        testdb_close(db);
        sleep_ms(50);
    }
    atomic_store(&writer.stop, true);
    ASSERT_EQ_INT(pthread_join(thread, NULL), 0);
    ASSERT_TRUE(writer.written > 0);
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM response"), writer.written);
    fixture_release(&f);
}

/* store_close commits what was acknowledged; a new store on the file sees every row. */
static void test_close_and_reopen_after_load(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct writer_arg arg;
    memset(&arg, 0, sizeof(arg));
    arg.store = f.store;
    arg.patient_id = add_patient(f.store, "198507142385", "Anna Andersson");
    write_responses(&arg);
    ASSERT_EQ_INT(arg.failures, 0);
    store_close(f.store);
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, NULL), ERR_OK);
    struct store_response *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_response_list(f.store, arg.patient_id, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, PER_THREAD);
    free(list);
    fixture_release(&f);
}

int main(void)
{
    RUN_TEST(test_group_commit_keeps_every_acknowledged_row);
    RUN_TEST(test_failing_request_spoils_no_other_in_its_batch);
    RUN_TEST(test_backup_while_writing);
    RUN_TEST(test_close_and_reopen_after_load);
    TEST_SUMMARY();
}
