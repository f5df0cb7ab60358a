/* test_pg_outage.c - the PostgreSQL server dies under load and comes back.
 *
 * A cluster of the test's own (scripts/pg-cluster, $STEGVIS_PG_CLUSTER, in a temporary folder)
 * and a server on a database in it. The clinician posts responses from several clients at
 * once; while they are in flight the postmaster is killed (SIGKILL). Then every request is
 * answered 503 with a problem+json body (docs/api.md: "the database is unavailable; try
 * again"): never 500, never a dropped connection, and the server process stays up. After
 * `pg-cluster restart` (same port) the server reconnects by itself: a new response is stored
 * within a bounded number of tries. Nothing is half-written: every response acknowledged with
 * 201 is in the database, and every response has its audit row (they are one transaction). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "support/api_fixture.h"
#include "support/support.h"
#include "support/testdb.h"
#include "testing.h"

#define POSTERS      4
#define MAX_ACKED    4096
#define ACKED_BEFORE 20   /* responses stored under load before the kill */
#define REFUSED_EACH 3    /* 503 answers each poster sees after the kill */
#define WAIT_TICKS   3000 /* 10 ms each: generous bounds, not timings under test */
#define RESUME_TRIES 120  /* 500 ms apart */
#define PHQ9_ANSWERS "[1,1,1,1,1,1,1,1,0]"

static char cluster_dir[256];
static struct api_world W;
static long long patient_id, episode_id;

struct poster {
    pthread_t thread;
    struct test_http_client client;
    long long acked[MAX_ACKED];
    int acked_count;
    atomic_int refused; /* 503 problem answers */
    char wrong[512];    /* the first answer that was neither 201 nor a 503 problem */
};

static struct poster posters[POSTERS];
static atomic_bool stop_posting;
static atomic_int acked_total;

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static const char *cluster_script(void)
{
    const char *script = getenv("STEGVIS_PG_CLUSTER");
    if (script == NULL || *script == '\0')
        TEST_FAIL("STEGVIS_PG_CLUSTER (scripts/pg-cluster) is not set: run through ctest");
    return script;
}

/* scripts/pg-cluster COMMAND cluster_dir; fails the test with its stderr unless it exits 0. */
static void cluster(const char *command)
{
    const char *args[] = { command, cluster_dir, NULL };
    struct test_run run = test_run_program(cluster_script(), NULL, args);
    if (run.exit_code != 0)
        TEST_FAIL("pg-cluster %s %s: exit %d\n%s", command, cluster_dir, run.exit_code, run.err);
    test_run_free(&run);
}

/* A child that runs `pg-cluster stop` when this process ends, however it ends (a failed
 * assertion aborts): it waits for the end of a pipe only this process holds open. */
static void stop_cluster_when_done(void)
{
    const char *script = cluster_script();
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        TEST_FAIL("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        TEST_FAIL("fork: %s", strerror(errno));
    if (pid == 0) {
        close(fds[1]);
        char byte;
        while (read(fds[0], &byte, 1) > 0)
            ;
        execl(script, script, "stop", cluster_dir, (char *)NULL);
        _exit(127);
    }
    close(fds[0]); /* fds[1] stays open until this process is gone */
}

static void read_base_url(char *out, size_t size)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/url", cluster_dir);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        TEST_FAIL("cannot read %s: %s", path, strerror(errno));
    if (fgets(out, (int)size, f) == NULL)
        out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
}

static struct test_http_response post_response(struct test_http_client *c)
{
    return test_http_send_json(c, "POST", "/api/v1/responses",
                               api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,"
                                       "\"instrument\":\"phq9\",\"answers\":" PHQ9_ANSWERS "}",
                                       patient_id, episode_id));
}

/* A 503 problem+json answer ("status" 503, a title and a detail). */
static bool is_unavailable_problem(const struct test_http_response *res)
{
    const char *type = test_http_header(res, "Content-Type");
    return res->status == 503 && type != NULL &&
           strncmp(type, "application/problem+json", 24) == 0 &&
           test_http_json_int(res, "status") == 503 &&
           test_http_json_string(res, "title") != NULL &&
           test_http_json_string(res, "detail") != NULL;
}

/* Post until told to stop, keeping the ids of the stored responses; stop at the first answer
 * that is neither. api_fmt's buffers are not for threads: the body is built here. */
static void *keep_posting(void *arg)
{
    struct poster *p = arg;
    char body[256];
    snprintf(
        body, sizeof(body),
        "{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"phq9\",\"answers\":" PHQ9_ANSWERS
        "}",
        patient_id, episode_id);
    while (!atomic_load(&stop_posting) && p->acked_count < MAX_ACKED) {
        struct test_http_response res =
            test_http_send_json(&p->client, "POST", "/api/v1/responses", body);
        long long id = res.status == 201 ? test_http_json_int(&res, "id") : -1;
        if (res.status == 201 && id > 0) {
            p->acked[p->acked_count++] = id;
            atomic_fetch_add(&acked_total, 1);
        } else if (is_unavailable_problem(&res)) {
            atomic_fetch_add(&p->refused, 1);
        } else {
            snprintf(p->wrong, sizeof(p->wrong), "status %ld, body %.400s", res.status, res.body);
            test_http_response_free(&res);
            break;
        }
        test_http_response_free(&res);
    }
    return NULL;
}

static void wait_until(bool (*done)(void), const char *what)
{
    for (int i = 0; i < WAIT_TICKS; i++) {
        if (done())
            return;
        sleep_ms(10);
    }
    TEST_FAIL("gave up waiting until %s", what);
}

static bool enough_acked(void)
{
    return atomic_load(&acked_total) >= ACKED_BEFORE;
}

static bool all_refused(void)
{
    for (int i = 0; i < POSTERS; i++)
        if (atomic_load(&posters[i].refused) < REFUSED_EACH && posters[i].wrong[0] == '\0')
            return false;
    return true;
}

static void server_is_alive(void)
{
    int status = 0;
    ASSERT_EQ_INT(waitpid(W.server.pid, &status, WNOHANG), 0);
}

/* The world on a database of the cluster, a patient with an episode, some stored responses. */
static void start(void)
{
    char base[TESTDB_URL_SIZE], url[TESTDB_URL_SIZE];
    read_base_url(base, sizeof(base));
    testdb_create_in(base, "outage", url, sizeof(url));
    api_world_start_on(&W, url);
    api_world_login(&W, ACTOR_CLIN);
    api_patient_with_episode(&W.client[ACTOR_CLIN], 42, &patient_id, &episode_id);
    struct test_http_response res;
    for (int i = 0; i < 5; i++) {
        res = post_response(&W.client[ACTOR_CLIN]);
        EXPECT_STATUS(res, 201);
        test_http_response_free(&res);
    }
}

/* Kill the postmaster while the posters are busy: from then on, 503 problems only. */
static void kill_under_load(void)
{
    for (int i = 0; i < POSTERS; i++) {
        test_http_client_init(&posters[i].client, &W.server);
        test_http_login(&posters[i].client, api_usernames[ACTOR_CLIN], API_PASSWORD);
        ASSERT_EQ_INT(pthread_create(&posters[i].thread, NULL, keep_posting, &posters[i]), 0);
    }
    wait_until(enough_acked, "the posters had stored 20 responses");
    cluster("kill");
    wait_until(all_refused, "every poster had 3 answers 503 after the kill");
    atomic_store(&stop_posting, true);
    for (int i = 0; i < POSTERS; i++) {
        ASSERT_EQ_INT(pthread_join(posters[i].thread, NULL), 0);
        if (posters[i].wrong[0] != '\0')
            TEST_FAIL("poster %d: an answer neither 201 nor a 503 problem: %s", i,
                      posters[i].wrong);
    }
    server_is_alive();
    /* While the database is down: one more write and a read, both 503 problems. */
    struct test_http_response res = post_response(&W.client[ACTOR_CLIN]);
    EXPECT_PROBLEM(res, 503, NULL);
    test_http_response_free(&res);
    res = test_http_get(&W.client[ACTOR_CLIN],
                        api_fmt("/api/v1/responses?patient_id=%lld", patient_id));
    EXPECT_PROBLEM(res, 503, NULL);
    test_http_response_free(&res);
    server_is_alive();
}

/* Restart on the same port: the server reconnects by itself and stores again. */
static void service_resumes(void)
{
    cluster("restart");
    long long status = 0;
    for (int i = 0; i < RESUME_TRIES && status != 201; i++) {
        struct test_http_response res = post_response(&W.client[ACTOR_CLIN]);
        status = res.status;
        if (status != 201 && !is_unavailable_problem(&res))
            TEST_FAIL("after the restart: status %ld, want 201 or a 503 problem; body %s",
                      res.status, res.body);
        test_http_response_free(&res);
        if (status != 201)
            sleep_ms(500);
    }
    ASSERT_EQ_INT(status, 201);
    server_is_alive();
}

/* Every acknowledged response is stored, and none is without its audit row. */
static void nothing_half_written(void)
{
    struct testdb *db = testdb_connect(W.server.db_path);
    long long acked = 0;
    for (int p = 0; p < POSTERS; p++)
        for (int i = 0; i < posters[p].acked_count; i++, acked++)
            if (testdb_query_int(db, api_fmt("SELECT count(*) FROM response WHERE id = %lld",
                                             posters[p].acked[i])) != 1)
                TEST_FAIL("response %lld was acknowledged (201) but is not stored",
                          posters[p].acked[i]);
    ASSERT_TRUE(acked >= ACKED_BEFORE);
    long long responses = testdb_query_int(
        db, api_fmt("SELECT count(*) FROM response WHERE patient_id = %lld", patient_id));
    long long audited = testdb_query_int(
        db, api_fmt("SELECT count(*) FROM audit WHERE action = 'response.create' AND "
                    "patient_id = %lld",
                    patient_id));
    /* 5 before the load, the acknowledged ones, the one after the restart, and perhaps some
     * whose commit was lost with the connection (stored, but answered 503). */
    ASSERT_TRUE(responses >= 5 + acked + 1);
    ASSERT_EQ_INT(audited, responses);
    testdb_close(db);
    fprintf(stderr, "    %lld acknowledged under load, %lld stored in all\n", acked, responses);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(cluster_dir, sizeof(cluster_dir), "%s/stegvis-pg-outage-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(cluster_dir) == NULL)
        TEST_FAIL("mkdtemp %s: %s", cluster_dir, strerror(errno));
    stop_cluster_when_done();
    cluster("start");
    RUN_TEST(start);
    RUN_TEST(kill_under_load);
    RUN_TEST(service_resumes);
    RUN_TEST(nothing_half_written);
    for (int i = 0; i < POSTERS; i++)
        test_http_client_release(&posters[i].client);
    api_world_stop(&W);
    cluster("stop");
    TEST_SUMMARY();
}
