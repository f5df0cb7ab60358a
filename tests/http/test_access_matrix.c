/* test_access_matrix.c - every route of the API x every kind of caller, with the exact status
 * docs/api.md and src/http/access.h allow, over real HTTP.
 *
 * The table below has one row per endpoint. The test reads the route table at run time
 * (api_routes()) and fails when the two differ, so a new endpoint cannot be added without
 * deciding here who may call it. Each cell sends a request that succeeds for a caller who is
 * allowed (a valid body, existing records), then checks:
 *   - the status: the success status when allowed, 403 for a role that may not, 401 without a
 *     session, 403 for a clinician at another unit without X-Access-Reason;
 *   - a refused cell stored nothing (database fingerprint before and after) and wrote no audit
 *     row for the patient;
 *   - an allowed cell on a patient's record wrote exactly one audit row with the row's action,
 *     flagged as emergency access (with the reason) exactly in the EMERG column.
 * Writes change what they touch, so every allowed write runs on a fresh patient of its own
 * (matrix_fresh_record); reads and refused writes use one shared patient. The world, the
 * records and the cell checks are shared with the pages' matrix (support/access_matrix.h). */
#include <stddef.h>
#include <string.h>

#include "http/router.h"
#include "support/access_matrix.h"

#define REASON MATRIX_REASON

struct row {
    const char *method;
    const char *pattern; /* exactly as in api_routes() */
    const char *path;    /* with {patient} {episode} {appointment} {token} {pnr} (matrix_expand) */
    const char *body;    /* the same, and {newpnr} {serial} {anna} {username};
_Static_assert(offsetof(struct row, method) == offsetof(struct matrix_route_key, method) &&
                   offsetof(struct row, pattern) == offsetof(struct matrix_route_key, pattern),
               "a row starts with its route (matrix_check_routes)"); NULL: none */
    enum matrix_records records;
    const char *action; /* the audit action on the patient when allowed; NULL: none expected */
    int expect[COLUMNS];
};

/* The expected statuses, in column order: OWN, OTHER, EMERG, MGR, ANALYST, ADMIN, NONE. */
/* clang-format off */
#define CLIN_WRITE(success)   { success, 403, success, 403, 403, 403, 401 }
#define ANY_CLINICIAN(success) { success, success, success, 403, 403, 403, 401 }
#define CLIN_MGR_READ         { 200, 403, 200, 200, 403, 403, 401 }
#define ADMIN_MGR_READ        { 403, 403, 403, 200, 403, 200, 401 }
#define OWN_UNIT_QUEUE        { 200, 200, 200, 200, 403, 403, 401 }
#define ANY_ROLE(success)     { success, success, success, success, success, success, 401 }
#define ADMIN_ONLY(success)   { 403, 403, 403, 403, 403, success, 401 }
#define PUBLIC_ROUTE(success) { success, success, success, success, success, success, success }
#define MGR_ANALYST_READ      { 403, 403, 403, 200, 200, 403, 401 }
/* clang-format on */

static const struct row table[] = {
    { "POST", "/api/v1/login", "/api/v1/login",
      "{\"username\":\"{username}\",\"password\":\"" API_PASSWORD "\"}", SHARED, NULL,
      PUBLIC_ROUTE(200) },
    { "POST", "/api/v1/logout", "/api/v1/logout", NULL, SHARED, NULL, ANY_ROLE(204) },
    { "GET", "/api/v1/me", "/api/v1/me", NULL, SHARED, NULL, ANY_ROLE(200) },
    { "GET", "/api/v1/health", "/api/v1/health", NULL, SHARED, NULL, PUBLIC_ROUTE(200) },

    { "GET", "/api/v1/units", "/api/v1/units", NULL, SHARED, NULL, ANY_ROLE(200) },
    { "POST", "/api/v1/units", "/api/v1/units",
      "{\"code\":\"NY{serial}\",\"name\":\"Ny enhet {serial}\",\"kind\":\"digital\","
      "\"municipality_code\":\"0380\"}",
      SHARED, NULL, ADMIN_ONLY(201) },
    /* Admin: all staff; manager: their own unit's. */
    { "GET", "/api/v1/staff", "/api/v1/staff", NULL, SHARED, NULL, ADMIN_MGR_READ },
    { "POST", "/api/v1/staff", "/api/v1/staff",
      "{\"username\":\"ny{serial}\",\"display_name\":\"Ny {serial}\",\"role\":\"clinician\","
      "\"unit_code\":\"ARSTA\",\"password\":\"" API_PASSWORD "\"}",
      SHARED, NULL, ADMIN_ONLY(201) },
    { "GET", "/api/v1/instruments", "/api/v1/instruments", NULL, SHARED, NULL, ANY_ROLE(200) },

    /* A new patient belongs to nobody yet: the other unit's clinician registers one for
     * their own unit (the reason header changes nothing). */
    { "POST", "/api/v1/patients", "/api/v1/patients",
      "{\"pnr\":\"{newpnr}\",\"name\":\"Patient {serial}\",\"municipality_code\":\"0380\"}", SHARED,
      NULL, ANY_CLINICIAN(201) },
    { "GET", "/api/v1/patients", "/api/v1/patients?pnr={pnr}", NULL, SHARED, "patient.search",
      CLIN_MGR_READ },
    { "GET", "/api/v1/patients/{id}", "/api/v1/patients/{patient}", NULL, SHARED, "patient.read",
      CLIN_MGR_READ },

    { "POST", "/api/v1/episodes", "/api/v1/episodes",
      "{\"patient_id\":{patient},\"source\":\"clinic\"}", SHARED, "episode.create",
      CLIN_WRITE(201) },
    { "GET", "/api/v1/episodes/{id}", "/api/v1/episodes/{episode}", NULL, SHARED, "episode.read",
      CLIN_MGR_READ },
    { "PATCH", "/api/v1/episodes/{id}", "/api/v1/episodes/{episode}",
      "{\"treatment_started_at\":\"2025-02-01T09:00:00Z\"}", SHARED, "episode.update",
      CLIN_WRITE(200) },
    { "GET", "/api/v1/episodes/{id}/recommendation", "/api/v1/episodes/{episode}/recommendation",
      NULL, SHARED, "recommendation.read", CLIN_MGR_READ },

    { "POST", "/api/v1/responses", "/api/v1/responses",
      "{\"patient_id\":{patient},\"episode_id\":{episode},\"instrument\":\"gad7\",\"answers\":"
      "[1,1,1,1,1,1,1]}",
      SHARED, "response.create", CLIN_WRITE(201) },
    { "GET", "/api/v1/responses", "/api/v1/responses?patient_id={patient}", NULL, SHARED,
      "response.list", CLIN_MGR_READ },
    { "POST", "/api/v1/risk-reviews", "/api/v1/risk-reviews",
      "{\"patient_id\":{patient},\"level\":\"low\",\"note\":\"Inga tankar på att skada sig\"}",
      SHARED, "risk_review.create", CLIN_WRITE(201) },

    { "POST", "/api/v1/assessments", "/api/v1/assessments",
      "{\"episode_id\":{episode},\"chosen_step\":2,\"reason\":\"Matris\"}", SHARED,
      "assessment.create", CLIN_WRITE(201) },
    { "GET", "/api/v1/assessments", "/api/v1/assessments?episode_id={episode}", NULL, SHARED,
      "assessment.list", CLIN_MGR_READ },

    { "PUT", "/api/v1/contracts/{episode_id}", "/api/v1/contracts/{episode}",
      "{\"contact_staff_id\":{anna},\"goals\":\"Sova bättre\",\"plan\":\"Internet-KBT\"}", SHARED,
      "contract.update", CLIN_WRITE(200) },
    { "GET", "/api/v1/contracts/{episode_id}", "/api/v1/contracts/{episode}", NULL, SHARED,
      "contract.read", CLIN_MGR_READ },

    { "POST", "/api/v1/appointments", "/api/v1/appointments",
      "{\"episode_id\":{episode},\"at\":\"2026-12-01T10:00:00+01:00\"}", SHARED,
      "appointment.create", CLIN_WRITE(201) },
    { "GET", "/api/v1/appointments", "/api/v1/appointments?episode_id={episode}", NULL, SHARED,
      "appointment.list", CLIN_MGR_READ },
    { "PATCH", "/api/v1/appointments/{id}", "/api/v1/appointments/{appointment}",
      "{\"status\":\"missed\"}", SHARED, "appointment.update", CLIN_WRITE(200) },

    /* The queue of the caller's own unit: other unit or not, no patient record is read. */
    { "GET", "/api/v1/triage", "/api/v1/triage", NULL, SHARED, NULL, OWN_UNIT_QUEUE },

    { "POST", "/api/v1/invitations", "/api/v1/invitations",
      "{\"patient_id\":{patient},\"episode_id\":{episode},\"instruments\":[\"phq9\",\"gad7\"]}",
      SHARED, "invitation.create", CLIN_WRITE(201) },
    /* The patient's side: the token is the credential, a session changes nothing. */
    { "GET", "/api/v1/invitations/{token}", "/api/v1/invitations/{token}", NULL, INVITE, NULL,
      PUBLIC_ROUTE(200) },
    { "POST", "/api/v1/invitations/{token}/responses", "/api/v1/invitations/{token}/responses",
      "{\"responses\":[{\"instrument\":\"phq9\",\"answers\":[0,0,0,0,0,0,0,0,0]},{\"instrument\":"
      "\"gad7\",\"answers\":[0,0,0,0,0,0,0]}]}",
      INVITE, "response.create", PUBLIC_ROUTE(201) },

    { "GET", "/api/v1/audit", "/api/v1/audit?patient_id={patient}", NULL, SHARED, NULL,
      ADMIN_ONLY(200) },
    /* Quality indicators: aggregates, suppressed; managers and analysts (docs/api.md). */
    { "GET", "/api/v1/indicators", "/api/v1/indicators?indicator=assessed_within_3_days&by=unit",
      NULL, SHARED, NULL, MGR_ANALYST_READ },
    { "GET", "/api/v1/indicators.csv",
      "/api/v1/indicators.csv?indicator=assessed_within_3_days&by=unit", NULL, SHARED, NULL,
      MGR_ANALYST_READ },
};

#define ROWS ((int)(sizeof(table) / sizeof(table[0])))

static struct matrix M;

/* POST /login: public, the credentials decide. Without a session, a client of its own logs in
 * (so the anonymous one stays anonymous); else the caller logs in again and keeps the token. */
static struct test_http_response login_cell(const struct matrix_cell *cell, const char *body)
{
    struct test_http_client own;
    struct test_http_client *c = matrix_client(&M, cell->col);
    if (cell->col == NONE) {
        test_http_client_init(&own, &M.world.server);
        c = &own;
    }
    struct test_http_response res = api_send(c, cell->method, cell->path, NULL, body);
    if (res.status == 200 && cell->col != NONE)
        snprintf(c->csrf, sizeof(c->csrf), "%s", api_str(&res, "csrf_token"));
    if (cell->col == NONE)
        test_http_client_release(&own);
    return res;
}

/* The request as a program sends it: the reason in X-Access-Reason in the EMERG column. */
static void send_api(struct matrix *m, const struct matrix_cell *cell,
                     const struct matrix_request *req)
{
    const char *body = cell->body ? req->body : NULL;
    const char *reason[] = { "X-Access-Reason: " REASON, NULL };
    struct test_http_response res;
    if (strcmp(cell->pattern, "/api/v1/login") == 0)
        res = login_cell(cell, body);
    else
        res = api_send(matrix_client(m, cell->col), cell->method, req->path,
                       cell->col == EMERG ? reason : NULL, body);
    if (res.status != cell->want)
        TEST_FAIL("%s %s as %s: status %ld, want %d; body: %s", cell->method, req->path,
                  matrix_column_names[cell->col], res.status, cell->want, res.body);
    if (!cell->allowed)
        test_http_expect_problem(&res, cell->want);
    test_http_response_free(&res);
    /* Logging out ended the caller's session: log in again for the cells that follow. */
    if (strcmp(cell->pattern, "/api/v1/logout") == 0 && cell->col != NONE)
        api_world_login(&m->world, matrix_actor(cell->col));
}

static void run_cell(const struct row *row, enum matrix_column col)
{
    int want = row->expect[col];
    struct matrix_cell cell = { .method = row->method,
                                .pattern = row->pattern,
                                .path = row->path,
                                .body = row->body,
                                .records = row->records,
                                .action = row->action,
                                .by_invitation = row->records == INVITE,
                                .col = col,
                                .want = want,
                                .allowed = want >= 200 && want < 300 };
    matrix_run_cell(&M, &cell, send_api);
}

/* The table and api_routes() name the same endpoints, each once. */
static void table_matches_routes(void)
{
    int count = 0;
    const struct route *routes = api_routes(&count);
    matrix_check_routes(routes, count, table, ROWS, sizeof(table[0]), "test_access_matrix.c");
    /* Public routes (no roles) are exactly the ones every column may call. */
    for (int i = 0; i < count; i++) {
        const struct row *row = matrix_row_of(&routes[i], table, ROWS, sizeof(table[0]));
        ASSERT_EQ_INT(routes[i].roles == 0, row->expect[NONE] != 401);
    }
}

/* Every route of api_routes(), in its order, for every column. */
static void matrix(void)
{
    int count = 0;
    const struct route *routes = api_routes(&count);
    for (int i = 0; i < count; i++) {
        const struct row *row = matrix_row_of(&routes[i], table, ROWS, sizeof(table[0]));
        for (int col = 0; col < COLUMNS; col++)
            run_cell(row, (enum matrix_column)col);
    }
}

int main(void)
{
    matrix_start(&M);
    RUN_TEST(table_matches_routes);
    RUN_TEST(matrix);
    matrix_stop(&M);
    TEST_SUMMARY();
}
