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
 * (fresh_record); reads and refused writes use one shared patient. */
#include <string.h>

#include "http/router.h"
#include "support/api_fixture.h"
#include "support/testdb.h"
#include "support/db_fingerprint.h"

enum column { OWN, OTHER, EMERG, MGR, ANALYST, ADMIN, NONE, COLUMNS };

static const char *const column_names[COLUMNS] = { "clinician at the patient's unit",
                                                   "clinician at another unit",
                                                   "clinician at another unit with a reason",
                                                   "manager",
                                                   "analyst",
                                                   "admin",
                                                   "no session" };

#define REASON "akut kontakt via 1177"

/* Which records a cell needs. */
enum records {
    SHARED, /* the shared patient (a fresh one when the cell is an allowed write) */
    INVITE  /* a fresh invitation on the shared patient, every cell (answering uses it up) */
};

struct row {
    const char *method;
    const char *pattern; /* exactly as in api_routes() */
    const char *path;    /* with {patient} {episode} {appointment} {token} {pnr} (expand()) */
    const char *body;    /* the same, and {newpnr} {serial} {anna} {username}; NULL: none */
    enum records records;
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

static struct api_world W;
static int serial; /* for unique personnummer, unit codes and usernames */

struct record {
    long long patient, episode, appointment;
    char pnr[14], token[80];
};
static struct record shared;

static long long created(const char *path, const char *body, const char *member)
{
    struct test_http_response res = test_http_send_json(&W.client[ACTOR_CLIN], "POST", path, body);
    EXPECT_STATUS(res, 201);
    long long id = member ? api_int(&res, member) : 0;
    test_http_response_free(&res);
    return id;
}

static void new_invitation(struct record *r)
{
    struct test_http_response res = test_http_send_json(
        &W.client[ACTOR_CLIN], "POST", "/api/v1/invitations",
        api_fmt("{\"patient_id\":%lld,\"episode_id\":%lld,\"instruments\":[\"phq9\",\"gad7\"]}",
                r->patient, r->episode));
    EXPECT_STATUS(res, 201);
    snprintf(r->token, sizeof(r->token), "%s", api_str(&res, "token"));
    test_http_response_free(&res);
}

/* A patient listed at GOTTSUNDA with an episode there (referred 2025-01-01), PHQ-9 and GAD-7,
 * a contract, an appointment and an unused invitation, all made by anna. */
static void fresh_record(struct record *r)
{
    char digits[13];
    memset(r, 0, sizeof(*r));
    api_pnr(++serial, r->pnr, digits);
    r->patient = created("/api/v1/patients",
                         api_fmt("{\"pnr\":\"%s\",\"name\":\"Patient %d\",\"municipality_code\":"
                                 "\"0380\"}",
                                 r->pnr, serial),
                         "id");
    r->episode = created("/api/v1/episodes",
                         api_fmt("{\"patient_id\":%lld,\"source\":\"self\",\"referred_at\":"
                                 "\"2025-01-01T00:00:00Z\"}",
                                 r->patient),
                         "id");
#define RESPONSE "{\"patient_id\":%lld,\"episode_id\":%lld,\"instrument\":\"%s\",\"answers\":%s}"
    created("/api/v1/responses",
            api_fmt(RESPONSE, r->patient, r->episode, "phq9", "[1,1,1,1,1,1,1,1,0]"), NULL);
    created("/api/v1/responses",
            api_fmt(RESPONSE, r->patient, r->episode, "gad7", "[1,1,1,1,1,1,1]"), NULL);
    struct test_http_response res = test_http_send_json(
        &W.client[ACTOR_CLIN], "PUT", api_fmt("/api/v1/contracts/%lld", r->episode),
        api_fmt("{\"contact_staff_id\":%lld,\"goals\":\"Må bättre\",\"plan\":\"KBT\"}",
                W.staff_id[ACTOR_CLIN]));
    EXPECT_STATUS(res, 200);
    test_http_response_free(&res);
    r->appointment =
        created("/api/v1/appointments",
                api_fmt("{\"episode_id\":%lld,\"at\":\"2026-12-01T09:00:00Z\"}", r->episode), "id");
    new_invitation(r);
#undef RESPONSE
}

static enum api_actor actor_of(enum column col)
{
    static const enum api_actor actors[] = { ACTOR_CLIN,    ACTOR_CLIN_OTHER, ACTOR_CLIN_OTHER,
                                             ACTOR_MANAGER, ACTOR_ANALYST,    ACTOR_ADMIN };
    return col == NONE ? ACTOR_CLIN : actors[col];
}

/* `text` with the placeholders filled in for the caller in `col`, into `out`; `cell` numbers
 * the cell, for what must be new each time ({newpnr}, {serial}). */
static void expand(const char *text, const struct record *r, enum column col, int cell, char *out,
                   size_t size)
{
    static const char *const names[] = { "{patient}", "{episode}", "{appointment}",
                                         "{token}",   "{pnr}",     "{newpnr}",
                                         "{serial}",  "{anna}",    "{username}" };
    size_t used = 0;
    out[0] = '\0';
    while (*text != '\0') {
        char value[96] = "", pnr[14], digits[13];
        int which = -1;
        for (int i = 0; i < 9 && which < 0; i++)
            if (strncmp(text, names[i], strlen(names[i])) == 0)
                which = i;
        switch (which) {
        case 0:
            snprintf(value, sizeof(value), "%lld", r->patient);
            break;
        case 1:
            snprintf(value, sizeof(value), "%lld", r->episode);
            break;
        case 2:
            snprintf(value, sizeof(value), "%lld", r->appointment);
            break;
        case 3:
            snprintf(value, sizeof(value), "%s", r->token);
            break;
        case 4:
            snprintf(value, sizeof(value), "%s", r->pnr);
            break;
        case 5:
            api_pnr(cell, pnr, digits);
            snprintf(value, sizeof(value), "%s", pnr);
            break;
        case 6:
            snprintf(value, sizeof(value), "%d", cell);
            break;
        case 7:
            snprintf(value, sizeof(value), "%lld", W.staff_id[ACTOR_CLIN]);
            break;
        case 8:
            snprintf(value, sizeof(value), "%s", api_usernames[actor_of(col)]);
            break;
        default:
            value[0] = *text;
        }
        text += which < 0 ? 1 : strlen(names[which]);
        size_t len = strlen(value);
        if (used + len >= size)
            TEST_FAIL("expand: more than %zu bytes", size);
        memcpy(out + used, value, len + 1);
        used += len;
    }
}

static long long audit_rows(long long patient)
{
    return testdb_int(W.server.db_path,
                      api_fmt("SELECT count(*) FROM audit WHERE patient_id = %lld", patient));
}

/* The newest audit row of the patient is `action` by the caller, flagged as it should be. */
static void expect_audit_row(const struct row *row, enum column col, long long patient)
{
    /* Through an invitation the patient acts, not the caller's session. */
    bool invited = row->records == INVITE;
    const char *who = invited ? "invitation" : api_usernames[actor_of(col)];
    bool emergency = col == EMERG && !invited;
    const char *sql = api_fmt(
        "SELECT count(*) FROM audit WHERE id = (SELECT max(id) FROM audit WHERE patient_id = "
        "%lld) AND action = '%s' AND actor = '%s' AND emergency = %d AND detail %s",
        patient, row->action, who, emergency,
        emergency ? "= 'emergency access: " REASON "'" : "NOT LIKE 'emergency%'");
    if (testdb_int(W.server.db_path, sql) != 1)
        TEST_FAIL("%s %s as %s: the newest audit row is not %s by %s%s", row->method, row->pattern,
                  column_names[col], row->action, who, col == EMERG ? " (emergency)" : "");
}

static struct test_http_client *client_of(enum column col)
{
    return col == NONE ? &W.anonymous : &W.client[actor_of(col)];
}

/* POST /login: public, the credentials decide. Without a session, a client of its own logs in
 * (so the anonymous one stays anonymous); else the caller logs in again and keeps the token. */
static struct test_http_response login_cell(const struct row *row, enum column col,
                                            const char *body)
{
    struct test_http_client own;
    struct test_http_client *c = client_of(col);
    if (col == NONE) {
        test_http_client_init(&own, &W.server);
        c = &own;
    }
    struct test_http_response res = api_send(c, row->method, row->path, NULL, body);
    if (res.status == 200 && col != NONE)
        snprintf(c->csrf, sizeof(c->csrf), "%s", api_str(&res, "csrf_token"));
    if (col == NONE)
        test_http_client_release(&own);
    return res;
}

static void run_cell(const struct row *row, enum column col)
{
    int want = row->expect[col];
    bool allowed = want >= 200 && want < 300;
    bool writes = strcmp(row->method, "GET") != 0 && row->records == SHARED && row->action;
    struct record fresh;
    const struct record *r = &shared;
    if (allowed && writes) {
        fresh_record(&fresh);
        r = &fresh;
    } else if (row->records == INVITE) {
        fresh = shared;
        new_invitation(&fresh);
        r = &fresh;
    }
    int cell = ++serial;
    char path[256], body_text[1024];
    expand(row->path, r, col, cell, path, sizeof(path));
    if (row->body != NULL)
        expand(row->body, r, col, cell, body_text, sizeof(body_text));
    const char *body = row->body ? body_text : NULL;
    const char *reason[] = { "X-Access-Reason: " REASON, NULL };
    char before[TEST_DB_FINGERPRINT_SIZE], after[TEST_DB_FINGERPRINT_SIZE];
    test_db_fingerprint(W.server.db_path, before, sizeof(before));
    long long rows = audit_rows(r->patient);

    struct test_http_response res;
    if (strcmp(row->pattern, "/api/v1/login") == 0)
        res = login_cell(row, col, body);
    else
        res = api_send(client_of(col), row->method, path, col == EMERG ? reason : NULL, body);
    if (res.status != want)
        TEST_FAIL("%s %s as %s: status %ld, want %d; body: %s", row->method, path,
                  column_names[col], res.status, want, res.body);
    if (!allowed)
        test_http_expect_problem(&res, want);
    test_http_response_free(&res);

    if (!allowed) {
        test_db_fingerprint(W.server.db_path, after, sizeof(after));
        if (strcmp(before, after) != 0)
            TEST_FAIL("%s %s as %s: refused (%d) but the database changed", row->method, path,
                      column_names[col], want);
        ASSERT_EQ_INT(audit_rows(r->patient), rows);
    } else if (row->action != NULL) {
        ASSERT_EQ_INT(audit_rows(r->patient), rows + 1);
        expect_audit_row(row, col, r->patient);
    }
    /* Logging out ended the caller's session: log in again for the cells that follow. */
    if (strcmp(row->pattern, "/api/v1/logout") == 0 && col != NONE)
        api_world_login(&W, actor_of(col));
}

/* The table and api_routes() name the same endpoints, each once. */
static void table_matches_routes(void)
{
    int count = 0;
    const struct route *routes = api_routes(&count);
    for (int i = 0; i < count; i++) {
        int found = 0;
        for (int t = 0; t < ROWS; t++)
            found += strcmp(table[t].method, routes[i].method) == 0 &&
                     strcmp(table[t].pattern, routes[i].pattern) == 0;
        if (found != 1)
            TEST_FAIL("the route %s %s is in the table %d times: add it to test_access_matrix.c "
                      "with who may call it",
                      routes[i].method, routes[i].pattern, found);
    }
    ASSERT_EQ_INT(ROWS, count);
    /* Public routes (no roles) are exactly the ones every column may call. */
    for (int i = 0; i < count; i++)
        for (int t = 0; t < ROWS; t++)
            if (strcmp(table[t].method, routes[i].method) == 0 &&
                strcmp(table[t].pattern, routes[i].pattern) == 0)
                ASSERT_EQ_INT(routes[i].roles == 0, table[t].expect[NONE] != 401);
}

static void prepare(void)
{
    fresh_record(&shared);
}

/* Every route of api_routes(), in its order, for every column. */
static void matrix(void)
{
    int count = 0;
    const struct route *routes = api_routes(&count);
    for (int i = 0; i < count; i++)
        for (int t = 0; t < ROWS; t++)
            if (strcmp(table[t].method, routes[i].method) == 0 &&
                strcmp(table[t].pattern, routes[i].pattern) == 0)
                for (int col = 0; col < COLUMNS; col++)
                    run_cell(&table[t], (enum column)col);
}

int main(void)
{
    api_world_start(&W);
    api_world_login_all(&W);
    RUN_TEST(table_matches_routes);
    RUN_TEST(prepare);
    RUN_TEST(matrix);
    api_world_stop(&W);
    TEST_SUMMARY();
}
