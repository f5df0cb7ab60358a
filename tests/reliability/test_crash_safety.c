/* test_crash_safety.c - an acknowledged write survives a crash (issue 8).
 *
 * The real server on one database, 20 rounds: four client threads post questionnaire responses
 * (POST /api/v1/responses, each thread for a patient of its own) as fast as they can, the
 * server is killed with SIGKILL after a random delay, and started again on the same database.
 * Then every response ever acknowledged (201 with its id) must be there with the same answers,
 * total and band; a response the server took but could not acknowledge may be there or not,
 * but whole (with its audit row) or not at all; and SQLite's integrity check says "ok".
 *
 * The delays come from a seed printed at the start (STEGVIS_SEED=N repeats a run). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "support/api_fixture.h"
#include "support/testdb.h"

#define THREADS       4
#define ROUNDS        20
#define MIN_DELAY_MS  100
#define DELAY_SPAN_MS 900

/* One response as it was sent and acknowledged. */
struct written {
    long long id;
    char answers[32]; /* compact JSON, e.g. [1,2,3,0,1,2,3,0,1] */
    long long total;
    char band[32];
};

struct writer {
    struct test_http_client client;
    long long patient, episode;
    unsigned seed;
    struct written *known; /* acknowledged, or found committed after a crash */
    int known_count, known_cap;
    int acknowledged;          /* of `known`, those acknowledged with 201 */
    char in_flight[32];        /* the answers of the request the crash cut ("" for none) */
    int adopted;               /* unacknowledged responses found committed after a crash */
    int round_writes;          /* acknowledged in the current round */
    char transport_error[256]; /* what ended the current round for this thread */
};

static struct api_world W;
static struct writer writers[THREADS];

static void writer_remember(struct writer *wr, const struct written *entry)
{
    if (wr->known_count == wr->known_cap) {
        wr->known_cap = wr->known_cap ? wr->known_cap * 2 : 256;
        wr->known = xrealloc(wr->known, (size_t)wr->known_cap * sizeof(*wr->known));
    }
    wr->known[wr->known_count++] = *entry;
}

/* Nine PHQ-9 answers (option positions 0-3) as compact JSON. */
static void random_answers(unsigned *seed, char out[32])
{
    int used = snprintf(out, 32, "[");
    for (int i = 0; i < 9; i++)
        used += snprintf(out + used, (size_t)(32 - used), "%s%d", i ? "," : "", rand_r(seed) % 4);
    snprintf(out + used, (size_t)(32 - used), "]");
}

/* Post responses until the server is gone; each 201 is remembered. */
static void *writer_run(void *arg)
{
    struct writer *wr = arg;
    char body[256];
    wr->in_flight[0] = '\0';
    wr->round_writes = 0;
    for (;;) {
        char answers[32];
        random_answers(&wr->seed, answers);
        snprintf(body, sizeof(body),
                 "{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"phq9\","
                 "\"answers\":%s}",
                 wr->patient, wr->episode, answers);
        struct test_http_response res;
        if (!test_http_try_request(&wr->client, "POST", "/api/v1/responses", "application/json",
                                   body, NULL, &res, wr->transport_error,
                                   sizeof(wr->transport_error))) {
            test_http_response_free(&res);
            snprintf(wr->in_flight, sizeof(wr->in_flight), "%s", answers);
            return NULL;
        }
        if (res.status != 201)
            TEST_FAIL("POST /api/v1/responses: status %ld, want 201; body: %s", res.status,
                      res.body);
        struct written entry = { .id = api_int(&res, "id"), .total = api_int(&res, "total") };
        snprintf(entry.answers, sizeof(entry.answers), "%s", api_dump(&res, "answers"));
        snprintf(entry.band, sizeof(entry.band), "%s", api_str(&res, "band"));
        ASSERT_STR_EQ(entry.answers, answers);
        ASSERT_TRUE(entry.id > 0 && entry.total >= 0);
        test_http_response_free(&res);
        writer_remember(wr, &entry);
        wr->acknowledged++;
        wr->round_writes++;
    }
}

static const struct written *find_known(const struct writer *wr, long long id)
{
    for (int i = 0; i < wr->known_count; i++)
        if (wr->known[i].id == id)
            return &wr->known[i];
    return NULL;
}

/* A response the list shows that no 201 announced: it must be the request the crash cut. */
static void adopt_unacknowledged(struct writer *wr, const struct written *found)
{
    if (wr->in_flight[0] == '\0' || strcmp(found->answers, wr->in_flight) != 0)
        TEST_FAIL("patient %lld: response %lld (%s) was never sent or never acknowledged "
                  "(in flight: \"%s\")",
                  wr->patient, found->id, found->answers, wr->in_flight);
    wr->in_flight[0] = '\0'; /* at most one */
    writer_remember(wr, found);
    wr->adopted++;
}

/* The patient's responses through the API: every known one intact, nothing else but the
 * one request the crash cut. Returns how many were compared. */
static int check_responses(struct writer *wr)
{
    struct test_http_client *anna = &W.client[ACTOR_CLIN];
    struct test_http_response res =
        test_http_get(anna, api_fmt("/api/v1/responses?patient_id=%lld", wr->patient));
    EXPECT_STATUS(res, 200);
    json_t *list = api_at(res.json, "responses");
    int matched = 0;
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *item = json_array_get(list, i);
        char *answers = json_dumps(json_object_get(item, "answers"), JSON_COMPACT);
        struct written found = {
            .id = json_integer_value(json_object_get(item, "id")),
            .total = json_integer_value(json_object_get(item, "total")),
        };
        snprintf(found.answers, sizeof(found.answers), "%s", answers ? answers : "");
        snprintf(found.band, sizeof(found.band), "%s",
                 json_string_value(json_object_get(item, "band")));
        free(answers);
        const struct written *want = find_known(wr, found.id);
        if (want == NULL) {
            adopt_unacknowledged(wr, &found);
            continue;
        }
        if (strcmp(want->answers, found.answers) != 0 || want->total != found.total ||
            strcmp(want->band, found.band) != 0)
            TEST_FAIL("response %lld: acknowledged %s total %lld band %s, stored %s total %lld "
                      "band %s",
                      found.id, want->answers, want->total, want->band, found.answers, found.total,
                      found.band);
        matched++;
    }
    ASSERT_EQ_INT((long long)json_array_size(list), wr->known_count);
    test_http_response_free(&res);
    return matched;
}

/* Directly in the file: one audit row per response, and nothing else written half. */
static void check_database(const struct writer *wr)
{
    long long responses =
        testdb_int(W.server.db_path,
                   api_fmt("SELECT COUNT(*) FROM response WHERE patient_id = %lld", wr->patient));
    long long audited = testdb_int(
        W.server.db_path, api_fmt("SELECT COUNT(*) FROM audit WHERE action = 'response.create' "
                                  "AND patient_id = %lld",
                                  wr->patient));
    ASSERT_EQ_INT(responses, wr->known_count);
    ASSERT_EQ_INT(audited, responses);
}

static void check_integrity(void)
{
    char result[256];
    testdb_text(W.server.db_path, "PRAGMA integrity_check", result, sizeof(result));
    ASSERT_STR_EQ(result, "ok");
}

static void setup(unsigned seed)
{
    const char *args[] = { "--login-delay-ms", "0", NULL };
    api_world_start_with(&W, args);
    api_world_login(&W, ACTOR_CLIN);
    for (int t = 0; t < THREADS; t++) {
        struct writer *wr = &writers[t];
        api_patient_with_episode(&W.client[ACTOR_CLIN], 100 + t, &wr->patient, &wr->episode);
        test_http_client_init(&wr->client, &W.server);
        test_http_login(&wr->client, api_usernames[ACTOR_CLIN], API_PASSWORD);
        wr->seed = seed + (unsigned)t * 7919u;
    }
}

/* One round: write from every thread, crash the server after `delay_ms`, start it again, and
 * check. Returns the acknowledged writes compared. */
static int crash_round(int round, int delay_ms)
{
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++)
        if (pthread_create(&threads[t], NULL, writer_run, &writers[t]) != 0)
            TEST_FAIL("pthread_create failed");
    struct timespec delay = { delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L };
    nanosleep(&delay, NULL);
    test_server_kill(&W.server);
    int round_writes = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        round_writes += writers[t].round_writes;
    }
    test_server_launch(&W.server);
    check_integrity();
    int compared = 0;
    for (int t = 0; t < THREADS; t++) {
        compared += check_responses(&writers[t]);
        check_database(&writers[t]);
    }
    printf("round %2d: killed after %4d ms, %4d writes acknowledged (%s), %5d checked\n", round,
           delay_ms, round_writes, writers[0].transport_error, compared);
    return compared;
}

static void crash_rounds(void)
{
    const char *fixed = getenv("STEGVIS_SEED");
    unsigned seed = fixed ? (unsigned)strtoul(fixed, NULL, 10)
                          : (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
    printf("crash safety: seed %u (STEGVIS_SEED=%u repeats this run)\n", seed, seed);
    setup(seed);
    unsigned delays = seed;
    long long checks = 0;
    for (int round = 1; round <= ROUNDS; round++)
        checks += crash_round(round, MIN_DELAY_MS + rand_r(&delays) % DELAY_SPAN_MS);
    int acknowledged = 0, adopted = 0;
    for (int t = 0; t < THREADS; t++) {
        acknowledged += writers[t].acknowledged;
        adopted += writers[t].adopted;
        test_http_client_release(&writers[t].client);
        free(writers[t].known);
    }
    printf("crash safety: %d rounds, %d acknowledged writes all present and intact (%lld "
           "comparisons in all); %d unacknowledged writes found committed whole\n",
           ROUNDS, acknowledged, checks, adopted);
    ASSERT_TRUE(acknowledged > 0);
    api_world_stop(&W);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    RUN_TEST(crash_rounds);
    TEST_SUMMARY();
}
