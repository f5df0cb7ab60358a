/* test_access_matrix_pages.c - every page (web_routes()) x every kind of caller, with the exact
 * status the pages are designed to answer, over real HTTP.
 *
 * The table below has one row per page route. The test reads the route table at run time and
 * fails when the two differ, so a new page cannot be added without deciding here who may use
 * it. The columns are those of the API's matrix (support/access_matrix.h); the clinician at
 * another unit gives the reason for emergency access as the pages do, in the access_reason
 * query argument (the reason page's GET form; a page's links and form actions carry it on).
 * Each cell sends a request that succeeds for a caller who is allowed, then checks:
 *   - the status, and the page: an HTML page (security headers, no inline script or style)
 *     for anything but a redirect; a 303's Location; without a session a page with roles
 *     redirects to /login?next=PATH (GET) or /login (POST); a refused 403 is not a CSRF
 *     refusal (every form carries the right token), and for another unit's patient on a GET
 *     it is the page asking for the reason;
 *   - a refused cell (403, or the redirect to the login) stored nothing and wrote no audit row
 *     for the patient; an allowed cell on a patient's record wrote the row's audit rows by the
 *     caller, flagged as emergency access exactly in the EMERG column.
 * Forms carry their CSRF token in the field "csrf": on staff pages the session's token; public
 * forms (login, self-referral, questionnaire) the double-submit token, read from the form's
 * page as a browser has it. Allowed writes run on a fresh patient of their own. */
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "http/router.h"
#include "http/web/web.h"
#include "support/access_matrix.h"

#define FORM_TYPE "application/x-www-form-urlencoded"
#define PASSWORD  "correct+horse+battery"  /* API_PASSWORD as a form value */
#define CSRF_TEXT "Formuläret har gått ut" /* po/sv/core.po error.csrf */

struct row {
    const char *method;
    const char *pattern; /* exactly as in web_routes() */
    const char *path;    /* with placeholders (matrix_expand) */
    const char *body;    /* form fields, URL-encoded, without csrf; NULL: a GET */
    const char *form;    /* a public form: the page whose form gives the token; else NULL */
    enum matrix_records records;
    const char *action;   /* the audit action on the patient when allowed; NULL: none expected */
    int audit_rows;       /* audit rows an allowed cell writes for the patient; 0: 1 */
    const char *location; /* a 303's Location for a caller who may (a final '*': a prefix) */
    int expect[COLUMNS];
};
_Static_assert(offsetof(struct row, method) == offsetof(struct matrix_route_key, method) &&
                   offsetof(struct row, pattern) == offsetof(struct matrix_route_key, pattern),
               "a row starts with its route (matrix_check_routes)");

/* The expected statuses, in column order: OWN, OTHER, EMERG, MGR, ANALYST, ADMIN, NONE.
 * Without a session every page with roles redirects to the login (303). */
/* clang-format off */
#define PUBLIC_PAGE(s)    { s, s, s, s, s, s, s }
#define LOGIN_PAGE        { 303, 303, 303, 303, 303, 303, 200 }
#define ANY_STAFF(s)      { s, s, s, s, s, s, 303 }
#define UNIT_QUEUE        { 200, 200, 200, 200, 403, 403, 303 }
#define RECORD_READ(s)    { s, 403, s, s, 403, 403, 303 }
#define CLINICIAN_PAGE(s) { s, s, s, 403, 403, 403, 303 }
#define RECORD_WRITE(s)   { s, 403, s, 403, 403, 403, 303 }
#define ADMIN_PAGE(s)     { 403, 403, 403, 403, 403, s, 303 }
#define FOLLOW_UP         { 403, 403, 403, 200, 200, 403, 303 }
/* clang-format on */

#define PHQ9_ZEROS "q-1=0&q-2=0&q-3=0&q-4=0&q-5=0&q-6=0&q-7=0&q-8=0&q-9=0"

static const struct row table[] = {
    /* The start address sends each to their work, and anyone else to the login. */
    { "GET", "/", "/", NULL, NULL, SHARED, NULL, 0, "{home}", PUBLIC_PAGE(303) },
    { "GET", "/login", "/login", NULL, NULL, SHARED, NULL, 0, "{home}", LOGIN_PAGE },
    /* A logged-in browser never sees the login form (GET /login sends it home): the
     * double-submit token of any public form serves. The credentials decide. */
    { "POST", "/login", "/login", "username={username}&password=" PASSWORD "&next=%2Fhjalp",
      "/egen-anmalan", SHARED, NULL, 0, "/hjalp", PUBLIC_PAGE(303) },
    { "GET", "/logout", "/logout", NULL, NULL, SHARED, NULL, 0, NULL, ANY_STAFF(200) },
    { "POST", "/logout", "/logout", "", NULL, SHARED, NULL, 0, "/login?logged_out=1",
      ANY_STAFF(303) },
    { "GET", "/lang", "/lang?to=sv&back=%2Fhjalp", NULL, NULL, SHARED, NULL, 0, "/hjalp",
      PUBLIC_PAGE(303) },
    { "GET", "/static/stegvis.css", "/static/stegvis.css", NULL, NULL, SHARED, NULL, 0, NULL,
      PUBLIC_PAGE(200) },
    { "GET", "/hjalp", "/hjalp", NULL, NULL, SHARED, NULL, 0, NULL, PUBLIC_PAGE(200) },

    /* The patient's pages: public; the link is the key, a session changes nothing. */
    { "GET", "/egen-anmalan", "/egen-anmalan", NULL, NULL, SHARED, NULL, 0, NULL,
      PUBLIC_PAGE(200) },
    { "POST", "/egen-anmalan", "/egen-anmalan",
      "name=Patient+{serial}&pnr={newpnr}&contact=070-1234567&municipality_code=0380&"
      "unit_code=GOTTSUNDA&problem=Orolig",
      "/egen-anmalan", SHARED, NULL, 0, "/i/*", PUBLIC_PAGE(303) },
    { "GET", "/i/{token}", "/i/{token}", NULL, NULL, SHARED, NULL, 0, NULL, PUBLIC_PAGE(200) },
    /* Answered (used up): the confirmation, nothing left to finish. */
    { "GET", "/i/{token}/klart", "/i/{token}/klart", NULL, NULL, ANSWERED, NULL, 0, NULL,
      PUBLIC_PAGE(200) },
    { "GET", "/i/{token}/plan", "/i/{token}/plan", NULL, NULL, SHARED, "contract.read", 0, NULL,
      PUBLIC_PAGE(200) },
    { "GET", "/i/{token}/{n}", "/i/{token}/1", NULL, NULL, SHARED, NULL, 0, NULL,
      PUBLIC_PAGE(200) },
    { "POST", "/i/{token}/{n}", "/i/{token}/1", PHQ9_ZEROS, "/i/{token}/1", INVITE,
      "response.create", 0, "/i/{token}/2", PUBLIC_PAGE(303) },

    /* The queue of the caller's own unit: no patient record is read. */
    { "GET", "/triage", "/triage", NULL, NULL, SHARED, NULL, 0, NULL, UNIT_QUEUE },
    { "GET", "/patienter", "/patienter?pnr={pnr}", NULL, NULL, SHARED, "patient.search", 0,
      "/patienter/{patient}{reason}", RECORD_READ(303) },
    /* A new patient belongs to nobody yet: any clinician registers one for their own unit. */
    { "GET", "/patienter/ny", "/patienter/ny", NULL, NULL, SHARED, NULL, 0, NULL,
      CLINICIAN_PAGE(200) },
    { "POST", "/patienter/ny", "/patienter/ny",
      "pnr={newpnr}&name=Patient+{serial}&municipality_code=0380&source=clinic", NULL, SHARED, NULL,
      0, "/patienter/*", CLINICIAN_PAGE(303) },
    { "GET", "/patienter/{id}", "/patienter/{patient}", NULL, NULL, SHARED, "patient.read", 0, NULL,
      RECORD_READ(200) },
    { "POST", "/patienter/{id}/episoder", "/patienter/{patient}/episoder", "source=clinic", NULL,
      SHARED, "episode.create", 0, "/patienter/{patient}{reason}", RECORD_WRITE(303) },
    { "GET", "/episoder/{id}/bedomning", "/episoder/{episode}/bedomning", NULL, NULL, SHARED,
      "assessment.list", 0, NULL, RECORD_READ(200) },
    { "POST", "/episoder/{id}/bedomning", "/episoder/{episode}/bedomning",
      "form=step&chosen_step=2&reason=Matris", NULL, SHARED, "assessment.create", 0,
      "/episoder/{episode}/bedomning{reason}", RECORD_WRITE(303) },
    { "GET", "/episoder/{id}/kontrakt", "/episoder/{episode}/kontrakt", NULL, NULL, SHARED,
      "contract.read", 0, NULL, RECORD_READ(200) },
    { "POST", "/episoder/{id}/kontrakt", "/episoder/{episode}/kontrakt",
      "contact_staff_id={anna}&goals=Sova+b%C3%A4ttre&plan=Internet-KBT", NULL, SHARED,
      "contract.update", 0, "/episoder/{episode}/kontrakt{reason}", RECORD_WRITE(303) },
    { "GET", "/episoder/{id}/session", "/episoder/{episode}/session", NULL, NULL, SHARED,
      "appointment.list", 0, NULL, RECORD_READ(200) },
    /* An attended session with no measures: the appointment booked, then marked attended. */
    { "POST", "/episoder/{id}/session", "/episoder/{episode}/session", "", NULL, SHARED,
      "appointment.create", 2, "/episoder/{episode}/session{reason}", RECORD_WRITE(303) },
    { "POST", "/episoder/{id}/avsluta", "/episoder/{episode}/avsluta", "end_reason=completed", NULL,
      SHARED, "episode.update", 0, "/patienter/{patient}{reason}", RECORD_WRITE(303) },
    /* The link is shown once, as the answer to the POST itself. */
    { "POST", "/episoder/{id}/inbjudan", "/episoder/{episode}/inbjudan",
      "instruments=phq9&instruments=gad7", NULL, SHARED, "invitation.create", 0, NULL,
      RECORD_WRITE(200) },
    { "GET", "/admin/personal", "/admin/personal", NULL, NULL, SHARED, NULL, 0, NULL,
      ADMIN_PAGE(200) },
    { "POST", "/admin/personal", "/admin/personal",
      "username=ny{serial}&display_name=Ny+{serial}&role=clinician&unit_code=ARSTA&"
      "password=" PASSWORD,
      NULL, SHARED, NULL, 0, "/admin/personal?skapad=ny{serial}", ADMIN_PAGE(303) },

    /* The follow-up: aggregates for managers and analysts, never a record. */
    { "GET", "/oversikt", "/oversikt", NULL, NULL, SHARED, NULL, 0, NULL, FOLLOW_UP },
    { "GET", "/enhet", "/enhet", NULL, NULL, SHARED, NULL, 0, NULL, FOLLOW_UP },
    { "GET", "/jamlikhet", "/jamlikhet", NULL, NULL, SHARED, NULL, 0, NULL, FOLLOW_UP },
    { "GET", "/tillganglighet", "/tillganglighet", NULL, NULL, SHARED, NULL, 0, NULL, FOLLOW_UP },
    { "GET", "/utbildning", "/utbildning", NULL, NULL, SHARED, NULL, 0, NULL, FOLLOW_UP },
};

#define ROWS ((int)(sizeof(table) / sizeof(table[0])))

static struct matrix M;

/* The route of the table's row (the table names each once: table_matches_routes). */
static const struct route *route_of(const struct row *row)
{
    int count = 0;
    const struct route *routes = web_routes(&count);
    for (int i = 0; i < count; i++)
        if (strcmp(routes[i].method, row->method) == 0 &&
            strcmp(routes[i].pattern, row->pattern) == 0)
            return &routes[i];
    TEST_FAIL("%s %s is not a page route", row->method, row->pattern);
}

static const struct row *row_of(const struct matrix_cell *cell)
{
    for (int t = 0; t < ROWS; t++)
        if (strcmp(table[t].method, cell->method) == 0 &&
            strcmp(table[t].pattern, cell->pattern) == 0)
            return &table[t];
    TEST_FAIL("%s %s is not in the table", cell->method, cell->pattern);
}

/* The value of the first csrf field of a page (the form's token), or "" when it has none. */
static void csrf_field(const struct test_http_response *res, char *out, size_t size)
{
    static const char field[] = "name=\"csrf\" value=\"";
    const char *at = strstr(res->body, field);
    out[0] = '\0';
    if (at != NULL)
        snprintf(out, size, "%.*s", (int)strcspn(at + strlen(field), "\""), at + strlen(field));
}

/* The token the caller's form carries: a public form's from its page (which also sets the
 * double-submit cookie in the client), else the session's ("" without one). */
static void form_token(const struct row *row, const struct matrix_request *req,
                       struct test_http_client *c, enum matrix_column col, char *out, size_t size)
{
    char path[256];
    snprintf(out, size, "%s", c->csrf);
    if (row->form == NULL)
        return;
    matrix_expand(&M, row->form, req->record, col, req->serial, path, sizeof(path));
    struct test_http_response res = test_http_get(c, path);
    if (res.status != 200)
        TEST_FAIL("GET %s (the form of %s %s): %ld", path, row->method, row->pattern, res.status);
    csrf_field(&res, out, size);
    ASSERT_EQ_INT(strlen(out), 64);
    test_http_response_free(&res);
}

static void expect_location(const struct matrix_cell *cell, const struct matrix_request *req,
                            const struct test_http_response *res, const char *want)
{
    const char *location = test_http_header(res, "Location");
    size_t len = strlen(want);
    bool prefix = len > 0 && want[len - 1] == '*';
    if (location == NULL ||
        (prefix ? strncmp(location, want, len - 1) != 0 : strcmp(location, want) != 0))
        TEST_FAIL("%s %s as %s: Location %s, want %s", cell->method, req->path,
                  matrix_column_names[cell->col], location ? location : "(none)", want);
}

/* Where a 303 of this cell must lead. */
static void check_redirect(const struct matrix_cell *cell, const struct matrix_request *req,
                           const struct test_http_response *res)
{
    const struct row *row = row_of(cell);
    char want[1024], path[256];
    if (cell->col == NONE && route_of(row)->roles != 0) {
        /* The page to come back to after the login: the path without its query. */
        snprintf(path, sizeof(path), "%.*s", (int)strcspn(req->path, "?"), req->path);
        char encoded[sizeof(path) * 3];
        matrix_url_encode(path, encoded, sizeof(encoded));
        if (strcmp(cell->method, "GET") == 0)
            snprintf(want, sizeof(want), "/login?next=%s", encoded);
        else
            snprintf(want, sizeof(want), "/login");
    } else {
        if (row->location == NULL)
            TEST_FAIL("%s %s: a 303 with no Location in the table", cell->method, cell->pattern);
        matrix_expand(&M, row->location, req->record, cell->col, req->serial, want, sizeof(want));
    }
    expect_location(cell, req, res, want);
}

/* The answer of a cell that is not a redirect. */
static void check_page(const struct matrix_cell *cell, const struct matrix_request *req,
                       const struct test_http_response *res)
{
    if (strcmp(cell->pattern, "/static/stegvis.css") == 0) {
        ASSERT_CONTAINS(test_http_header(res, "Content-Type"), "text/css");
        return;
    }
    test_http_expect_html(res, cell->want);
    if (cell->want != 403)
        return;
    if (strstr(res->body, CSRF_TEXT) != NULL)
        TEST_FAIL("%s %s as %s: refused for its CSRF token, not for who is asking", cell->method,
                  req->path, matrix_column_names[cell->col]);
    /* A refused page shows nothing of the record, not even the patient's name. */
    char name[128];
    testdb_text(M.world.server.db_path,
                api_fmt("SELECT name FROM patient WHERE id = %lld", req->record->patient), name,
                sizeof(name));
    if (strstr(res->body, name) != NULL)
        TEST_FAIL("%s %s as %s: refused, but the page names the patient", cell->method, req->path,
                  matrix_column_names[cell->col]);
    /* Another unit's patient: the page asks for the reason (a GET form back here). */
    bool asks = strstr(res->body, "id=\"access-reason-form\"") != NULL;
    bool should = cell->col == OTHER && cell->action != NULL && strcmp(cell->method, "GET") == 0;
    if (asks != should)
        TEST_FAIL("%s %s as %s: the reason page %s", cell->method, req->path,
                  matrix_column_names[cell->col], should ? "is missing" : "is shown");
}

/* The request as a browser sends it: the reason in the query in the EMERG column, a form's
 * token in its csrf field. */
static void send_page(struct matrix *m, const struct matrix_cell *cell,
                      const struct matrix_request *req)
{
    const struct row *row = row_of(cell);
    struct test_http_client *c = matrix_client(m, cell->col), own;
    /* Without a session, a client of its own logs in: the anonymous one stays anonymous. */
    bool login = strcmp(cell->pattern, "/login") == 0 && strcmp(cell->method, "POST") == 0;
    if (login && cell->col == NONE) {
        test_http_client_init(&own, &m->world.server);
        c = &own;
    }
    char path[512], token[80], reason[96];
    matrix_url_encode(MATRIX_REASON, reason, sizeof(reason));
    snprintf(path, sizeof(path), "%s", req->path);
    if (cell->col == EMERG)
        snprintf(path, sizeof(path), "%s%caccess_reason=%s", req->path,
                 strchr(req->path, '?') ? '&' : '?', reason);
    struct test_http_response res;
    if (row->body == NULL) {
        res = test_http_get(c, path);
    } else {
        form_token(row, req, c, cell->col, token, sizeof(token));
        char *body = strdup(api_fmt("csrf=%s%s%s", token, *req->body ? "&" : "", req->body));
        res = test_http_request(c, cell->method, path, FORM_TYPE, body, NULL);
        free(body);
    }
    if (res.status != cell->want)
        TEST_FAIL("%s %s as %s: status %ld, want %d; body: %s", cell->method, path,
                  matrix_column_names[cell->col], res.status, cell->want, res.body);
    if (res.status == 303)
        check_redirect(cell, req, &res);
    else
        check_page(cell, req, &res);
    test_http_response_free(&res);
    if (c == &own)
        test_http_client_release(&own);
    /* Logging in or out replaced or ended the caller's session: log in again. */
    bool logout = strcmp(cell->pattern, "/logout") == 0 && strcmp(cell->method, "POST") == 0;
    if ((login || logout) && cell->col != NONE)
        api_world_login(&m->world, matrix_actor(cell->col));
}

static void run_cell(const struct row *row, enum matrix_column col)
{
    int want = row->expect[col];
    bool to_login = col == NONE && route_of(row)->roles != 0;
    struct matrix_cell cell = { .method = row->method,
                                .pattern = row->pattern,
                                .path = row->path,
                                .body = row->body,
                                .records = row->records,
                                .action = row->action,
                                .audit_rows = row->audit_rows,
                                .by_invitation = strncmp(row->pattern, "/i/", 3) == 0,
                                .col = col,
                                .want = want,
                                .allowed = want != 403 && want != 404 && !to_login };
    matrix_run_cell(&M, &cell, send_page);
}

/* The table and web_routes() name the same pages, each once; a page with roles sends a
 * caller without a session to the login, and a public one answers them. */
static void table_matches_routes(void)
{
    int count = 0;
    const struct route *routes = web_routes(&count);
    matrix_check_routes(routes, count, table, ROWS, sizeof(table[0]), "test_access_matrix_pages.c");
    for (int t = 0; t < ROWS; t++)
        if (route_of(&table[t])->roles != 0)
            ASSERT_EQ_INT(table[t].expect[NONE], 303);
}

/* Every route of web_routes(), in its order, for every column. */
static void matrix(void)
{
    int count = 0;
    const struct route *routes = web_routes(&count);
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
