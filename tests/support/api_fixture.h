/* api_fixture.h - what the JSON API tests share: a server with one account per role, short
 * ways to build requests and read answers. To look at the database itself, use testdb.h on
 * server.db_path (a SQLite path or a PostgreSQL URL).
 *
 * The world: a fresh database with these accounts (made with the real `stegvis user add`
 * before the server starts), all with the password API_PASSWORD:
 *   anna     clinician at GOTTSUNDA        bo    clinician at ARSTA
 *   cecilia  manager at GOTTSUNDA          david analyst (at GOTTSUNDA)
 *   eva      admin (at GOTTSUNDA)
 * Each has a client of its own (logged in by api_world_login). */
#ifndef STEGVIS_TESTS_API_FIXTURE_H
#define STEGVIS_TESTS_API_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "support/http_client.h"
#include "support/testdb.h"
#include "testing.h"

#define API_PASSWORD "correct horse battery"

enum api_actor {
    ACTOR_CLIN,       /* anna, clinician at GOTTSUNDA */
    ACTOR_CLIN_OTHER, /* bo, clinician at ARSTA */
    ACTOR_MANAGER,    /* cecilia, manager at GOTTSUNDA */
    ACTOR_ANALYST,    /* david */
    ACTOR_ADMIN,      /* eva */
    ACTOR_COUNT
};

struct api_world {
    struct test_server server;
    struct test_http_client client[ACTOR_COUNT];
    struct test_http_client anonymous; /* never logged in */
    long long staff_id[ACTOR_COUNT];   /* from GET /me after api_world_login */
    long long unit_gottsunda, unit_arsta;
    /* api_world_start_second: another server on the same database, with clients of its own */
    struct test_server second;
    struct test_http_client second_client[ACTOR_COUNT];
    long long second_staff_id[ACTOR_COUNT];
};

extern const char *const api_usernames[ACTOR_COUNT];

/* Make the database and the accounts, start the server, and make the clients (not logged in). */
void api_world_start(struct api_world *w);

/* api_world_start on the existing, empty database at `db_url` (a PostgreSQL cluster of the
 * test's own), which api_world_stop leaves in place. */
void api_world_start_on(struct api_world *w, const char *db_url);

/* Start a second `stegvis serve` on the world's database (--db the same URL: two processes on
 * one PostgreSQL database), with a client per actor in w->second_client (not logged in). */
void api_world_start_second(struct api_world *w);

/* api_world_start with more `serve` options (NULL-terminated, at most 10; may be NULL). */
void api_world_start_with(struct api_world *w, const char *const *serve_args);

/* Log `actor` in (its client keeps cookie and CSRF token) and note its staff id. */
void api_world_login(struct api_world *w, enum api_actor actor);

/* The same on the second server's client of `actor`. */
void api_world_login_second(struct api_world *w, enum api_actor actor);

/* Log every actor in and look up the two units' ids. */
void api_world_login_all(struct api_world *w);

/* Release the clients, stop the servers (exit code 0 asserted) and remove their folders (and
 * the database api_world_start made). */
void api_world_stop(struct api_world *w);

/* printf into one of a few rotating buffers of the calling thread (valid for its next 15 calls). */
const char *api_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The member at `path` ("episodes/0/id": object keys and array indexes), or NULL. */
json_t *api_at(json_t *root, const char *path);
long long api_int(const struct test_http_response *res, const char *path); /* -1 when none */
const char *api_str(const struct test_http_response *res, const char *path);
int api_bool(const struct test_http_response *res, const char *path); /* -1 when none */
/* Compact JSON text of the member (rotating static buffer); "(none)" when absent. */
const char *api_dump(const struct test_http_response *res, const char *path);

/* Seconds since 1970 of a server time "2026-11-24T09:30:00Z"; -1 when it is not one. */
long long api_epoch(const char *iso);

/* The first "errors" pointer of a problem answer, or NULL. */
const char *api_problem_pointer(const struct test_http_response *res);

/* The request with extra headers (NULL-terminated) and a JSON body. */
struct test_http_response api_send(struct test_http_client *c, const char *method, const char *path,
                                   const char *const *headers, const char *json_body);

/* Fail unless the status is `want`, printing the body. */
#define EXPECT_STATUS(res, want)                                                                   \
    do {                                                                                           \
        const struct test_http_response *r_ = &(res);                                              \
        if (r_->status != (long)(want))                                                            \
            TEST_FAIL("status %ld, want %ld; body: %s", r_->status, (long)(want), r_->body);       \
    } while (0)

/* A problem+json answer with `status` and, when `pointer` is not NULL, that first pointer. */
#define EXPECT_PROBLEM(res, status, pointer)                                                       \
    do {                                                                                           \
        EXPECT_STATUS(res, status);                                                                \
        test_http_expect_problem(&(res), status);                                                  \
        const char *want_pointer_ = (pointer);                                                     \
        if (want_pointer_ != NULL)                                                                 \
            ASSERT_STR_EQ(api_problem_pointer(&(res)), want_pointer_);                             \
    } while (0)

/* Send a request that must be refused: check the answer is problem+json with `status` (and
 * the first errors pointer `pointer` when that is not NULL), and that nothing stored changed
 * (db_fingerprint.h before and after). `content_type` NULL sends none. Returns the answer for
 * further checks; free it. */
struct test_http_response api_refused(struct api_world *w, struct test_http_client *c,
                                      const char *method, const char *path,
                                      const char *content_type, const char *body,
                                      const char *const *headers, long status, const char *pointer);

/* api_refused with a JSON body (application/json) and no extra headers; the answer is freed. */
void api_refused_json(struct api_world *w, struct test_http_client *c, const char *method,
                      const char *path, const char *body, long status, const char *pointer);

/* A valid personnummer "19700101-NNNC" for birth number `serial` (1-999), with its Luhn check
 * digit, and its 12-digit form "19700101NNNC". */
void api_pnr(int serial, char dashed[14], char digits[13]);

/* Register a patient (personnummer of api_pnr(serial), municipality 0380) and open an episode
 * for them at the clinician's unit; their ids into *patient and *episode. Fails the test
 * unless both are 201. Not for several threads at once (api_fmt's buffers). */
void api_patient_with_episode(struct test_http_client *clinician, int serial, long long *patient,
                              long long *episode);

/* The audit actions recorded for a patient (GET /audit?patient_id= as `admin`), newest first,
 * comma-separated (rotating static buffer). */
const char *api_audit_actions(struct test_http_client *admin, long long patient_id);

#endif
