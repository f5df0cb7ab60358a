/* access_matrix.c - the access-matrix tests' shared world, records and cell runner
 * (access_matrix.h). */
#include "access_matrix.h"

#include <stdio.h>
#include <string.h>

#include "db_fingerprint.h"
#include "http/router.h"

const char *const matrix_column_names[COLUMNS] = { "clinician at the patient's unit",
                                                   "clinician at another unit",
                                                   "clinician at another unit with a reason",
                                                   "manager",
                                                   "analyst",
                                                   "admin",
                                                   "no session" };

enum api_actor matrix_actor(enum matrix_column col)
{
    static const enum api_actor actors[] = { ACTOR_CLIN,    ACTOR_CLIN_OTHER, ACTOR_CLIN_OTHER,
                                             ACTOR_MANAGER, ACTOR_ANALYST,    ACTOR_ADMIN };
    return col == NONE ? ACTOR_CLIN : actors[col];
}

struct test_http_client *matrix_client(struct matrix *m, enum matrix_column col)
{
    return col == NONE ? &m->world.anonymous : &m->world.client[matrix_actor(col)];
}

static long long created(struct matrix *m, const char *path, const char *body, const char *member)
{
    struct test_http_response res =
        test_http_send_json(&m->world.client[ACTOR_CLIN], "POST", path, body);
    EXPECT_STATUS(res, 201);
    long long id = member ? api_int(&res, member) : 0;
    test_http_response_free(&res);
    return id;
}

void matrix_new_invitation(struct matrix *m, struct matrix_record *r)
{
    struct test_http_response res = test_http_send_json(
        &m->world.client[ACTOR_CLIN], "POST", "/api/v1/invitations",
        api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":[\"phq9\",\"gad7\"]}",
                r->patient, r->episode));
    EXPECT_STATUS(res, 201);
    snprintf(r->token, sizeof(r->token), "%s", api_str(&res, "token"));
    test_http_response_free(&res);
}

/* Answer r's invitation through the API, which uses it up. */
static void answer_invitation(struct matrix *m, const struct matrix_record *r)
{
    struct test_http_response res = test_http_send_json(
        &m->world.anonymous, "POST", api_fmt("/api/v1/invitations/%s/responses", r->token),
        "{\"responses\":[{\"instrument\":\"phq9\",\"answers\":[0,0,0,0,0,0,0,0,0]},"
        "{\"instrument\":\"gad7\",\"answers\":[0,0,0,0,0,0,0]}]}");
    EXPECT_STATUS(res, 201);
    test_http_response_free(&res);
}

/* A patient listed at GOTTSUNDA with an episode there (referred 2025-01-01), PHQ-9 and GAD-7,
 * a contract, an appointment and an unused invitation, all made by anna. */
void matrix_fresh_record(struct matrix *m, struct matrix_record *r)
{
    char digits[13];
    memset(r, 0, sizeof(*r));
    api_pnr(++m->serial, r->pnr, digits);
    r->patient = created(m, "/api/v1/patients",
                         api_fmt("{\"pnr\":\"%s\",\"name\":\"Patient %d\",\"municipality_code\":"
                                 "\"0380\"}",
                                 r->pnr, m->serial),
                         "id");
    r->episode = created(m, "/api/v1/episodes",
                         api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"referred_at\":"
                                 "\"2025-01-01T00:00:00Z\"}",
                                 r->patient),
                         "id");
#define RESPONSE "{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"%s\",\"answers\":%s}"
    created(m, "/api/v1/responses",
            api_fmt(RESPONSE, r->patient, r->episode, "phq9", "[1,1,1,1,1,1,1,1,0]"), NULL);
    created(m, "/api/v1/responses",
            api_fmt(RESPONSE, r->patient, r->episode, "gad7", "[1,1,1,1,1,1,1]"), NULL);
#undef RESPONSE
    struct test_http_response res = test_http_send_json(
        &m->world.client[ACTOR_CLIN], "PUT", api_fmt("/api/v1/contracts/%lld", r->episode),
        api_fmt("{\"contact_staff_id\":%lld,\"goals\":\"Må bättre\",\"plan\":\"KBT\"}",
                m->world.staff_id[ACTOR_CLIN]));
    EXPECT_STATUS(res, 200);
    test_http_response_free(&res);
    r->appointment =
        created(m, "/api/v1/appointments",
                api_fmt("{\"episode_id\":%lld,\"at\":\"2026-12-01T09:00:00Z\"}", r->episode), "id");
    matrix_new_invitation(m, r);
}

void matrix_start(struct matrix *m)
{
    memset(m, 0, sizeof(*m));
    api_world_start(&m->world);
    api_world_login_all(&m->world);
    matrix_fresh_record(m, &m->shared);
}

void matrix_stop(struct matrix *m)
{
    api_world_stop(&m->world);
}

void matrix_url_encode(const char *text, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t used = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (used + 4 > size)
            TEST_FAIL("matrix_url_encode: more than %zu bytes", size);
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p) != NULL) {
            out[used++] = (char)*p;
        } else {
            out[used++] = '%';
            out[used++] = hex[*p >> 4];
            out[used++] = hex[*p & 15];
        }
    }
    out[used] = '\0';
}

/* Where login_home() (web_core.c) sends the caller. */
static const char *home_of(enum matrix_column col)
{
    switch (col) {
    case NONE:
        return "/login";
    case ADMIN:
        return "/admin/personal";
    case ANALYST:
        return "/oversikt";
    default:
        return "/triage";
    }
}

/* The value of placeholder `which` (an index into the names in matrix_expand). */
static void placeholder(const struct matrix *m, int which, const struct matrix_record *r,
                        enum matrix_column col, int serial, char *value, size_t size)
{
    char pnr[14], digits[13], reason[96];
    switch (which) {
    case 0:
        snprintf(value, size, "%lld", r->patient);
        break;
    case 1:
        snprintf(value, size, "%lld", r->episode);
        break;
    case 2:
        snprintf(value, size, "%lld", r->appointment);
        break;
    case 3:
        snprintf(value, size, "%s", r->token);
        break;
    case 4:
        snprintf(value, size, "%s", r->pnr);
        break;
    case 5:
        api_pnr(serial, pnr, digits);
        snprintf(value, size, "%s", pnr);
        break;
    case 6:
        snprintf(value, size, "%d", serial);
        break;
    case 7:
        snprintf(value, size, "%lld", m->world.staff_id[ACTOR_CLIN]);
        break;
    case 8:
        snprintf(value, size, "%s", api_usernames[matrix_actor(col)]);
        break;
    case 9:
        snprintf(value, size, "%s", home_of(col));
        break;
    default:
        matrix_url_encode(MATRIX_REASON, reason, sizeof(reason));
        snprintf(value, size, "%s%s", col == EMERG ? "?access_reason=" : "",
                 col == EMERG ? reason : "");
    }
}

void matrix_expand(const struct matrix *m, const char *text, const struct matrix_record *r,
                   enum matrix_column col, int serial, char *out, size_t size)
{
    static const char *const names[] = { "{patient}",  "{episode}", "{appointment}", "{token}",
                                         "{pnr}",      "{newpnr}",  "{serial}",      "{anna}",
                                         "{username}", "{home}",    "{reason}" };
    const int count = (int)(sizeof(names) / sizeof(names[0]));
    size_t used = 0;
    out[0] = '\0';
    while (*text != '\0') {
        char value[128] = "";
        int which = -1;
        for (int i = 0; i < count && which < 0; i++)
            if (strncmp(text, names[i], strlen(names[i])) == 0)
                which = i;
        if (which < 0)
            value[0] = *text;
        else
            placeholder(m, which, r, col, serial, value, sizeof(value));
        text += which < 0 ? 1 : strlen(names[which]);
        size_t len = strlen(value);
        if (used + len >= size)
            TEST_FAIL("matrix_expand: more than %zu bytes", size);
        memcpy(out + used, value, len + 1);
        used += len;
    }
}

static long long audit_rows(const struct matrix *m, long long patient)
{
    return testdb_int(m->world.server.db_path,
                      api_fmt("SELECT count(*) FROM audit WHERE patient_id = %lld", patient));
}

/* The audit rows for the patient after `last_id` are `audit_rows` rows by the caller, flagged
 * as they should be, one of them the cell's action. */
static void expect_audit_rows(const struct matrix *m, const struct matrix_cell *cell,
                              long long patient, long long last_id)
{
    const char *who = cell->by_invitation ? "invitation" : api_usernames[matrix_actor(cell->col)];
    bool emergency = cell->col == EMERG && !cell->by_invitation;
    long long want = cell->audit_rows > 0 ? cell->audit_rows : 1;
    const char *db = m->world.server.db_path;
    const char *new_rows =
        api_fmt("FROM audit WHERE patient_id = %lld AND id > %lld", patient, last_id);
    long long count = testdb_int(db, api_fmt("SELECT count(*) %s", new_rows));
    long long as_caller = testdb_int(
        db,
        api_fmt("SELECT count(*) %s AND actor = '%s' AND emergency = %d AND detail %s", new_rows,
                who, emergency,
                emergency ? "= 'emergency access: " MATRIX_REASON "'" : "NOT LIKE 'emergency%'"));
    long long with_action =
        testdb_int(db, api_fmt("SELECT count(*) %s AND action = '%s'", new_rows, cell->action));
    if (count != want || as_caller != want || with_action < 1)
        TEST_FAIL("%s %s as %s: %lld new audit rows (want %lld), %lld by %s%s, %lld %s",
                  cell->method, cell->pattern, matrix_column_names[cell->col], count, want,
                  as_caller, who, emergency ? " (emergency)" : "", with_action, cell->action);
}

/* The records of a cell: its own when it writes or answers, else the shared ones. */
static const struct matrix_record *cell_records(struct matrix *m, const struct matrix_cell *cell,
                                                struct matrix_record *fresh)
{
    bool writes = strcmp(cell->method, "GET") != 0 && cell->records == SHARED && cell->action;
    if (cell->allowed && writes) {
        matrix_fresh_record(m, fresh);
        return fresh;
    }
    if (cell->records == SHARED)
        return &m->shared;
    *fresh = m->shared;
    matrix_new_invitation(m, fresh);
    if (cell->records == ANSWERED)
        answer_invitation(m, fresh);
    return fresh;
}

void matrix_run_cell(struct matrix *m, const struct matrix_cell *cell, matrix_send_fn *send)
{
    struct matrix_record fresh;
    struct matrix_request req;
    memset(&req, 0, sizeof(req));
    req.record = cell_records(m, cell, &fresh);
    req.serial = ++m->serial;
    matrix_expand(m, cell->path, req.record, cell->col, req.serial, req.path, sizeof(req.path));
    if (cell->body != NULL)
        matrix_expand(m, cell->body, req.record, cell->col, req.serial, req.body, sizeof(req.body));
    const char *db = m->world.server.db_path;
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(db, before, sizeof(before));
    long long patient = req.record->patient;
    long long rows = audit_rows(m, patient);
    long long last_id = testdb_int(db, "SELECT coalesce(max(id), 0) FROM audit");

    send(m, cell, &req);

    if (!cell->allowed) {
        test_db_fingerprint(db, after, sizeof(after));
        if (strcmp(before, after) != 0)
            TEST_FAIL("%s %s as %s: refused (%d) but the database changed", cell->method, req.path,
                      matrix_column_names[cell->col], cell->want);
        if (audit_rows(m, patient) != rows)
            TEST_FAIL("%s %s as %s: refused (%d) but an audit row was written for the patient",
                      cell->method, req.path, matrix_column_names[cell->col], cell->want);
    } else if (cell->action != NULL) {
        expect_audit_rows(m, cell, patient, last_id);
    }
}

void matrix_check_routes(const struct route *routes, int count, const void *table, int rows,
                         size_t row_size, const char *file)
{
    for (int i = 0; i < count; i++) {
        int found = 0;
        for (int t = 0; t < rows; t++) {
            const struct matrix_route_key *key =
                (const void *)((const char *)table + (size_t)t * row_size);
            found += strcmp(key->method, routes[i].method) == 0 &&
                     strcmp(key->pattern, routes[i].pattern) == 0;
        }
        if (found != 1)
            TEST_FAIL("the route %s %s is in the table %d times: add it to %s with who may use it",
                      routes[i].method, routes[i].pattern, found, file);
    }
    ASSERT_EQ_INT(rows, count);
}

const void *matrix_row_of(const struct route *route, const void *table, int rows, size_t row_size)
{
    for (int t = 0; t < rows; t++) {
        const struct matrix_route_key *key =
            (const void *)((const char *)table + (size_t)t * row_size);
        if (strcmp(key->method, route->method) == 0 && strcmp(key->pattern, route->pattern) == 0)
            return key;
    }
    TEST_FAIL("the route %s %s is not in the table", route->method, route->pattern);
}
