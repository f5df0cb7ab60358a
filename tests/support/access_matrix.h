/* access_matrix.h - what the access-matrix tests share: test_access_matrix.c (every route of the
 * JSON API) and test_access_matrix_pages.c (every page) run each route for every kind of caller
 * (a column) and check the exact status the design allows.
 *
 * Shared here: the columns and their clients, the records a cell works on (a patient at
 * GOTTSUNDA with an episode, scores, a contract, an appointment and an invitation, all made by
 * anna through the API), the placeholders in a row's path and body, and running one cell:
 *   - an allowed write (not GET, on the shared records, with an audit action) runs on a fresh
 *     patient of its own; a cell on an invitation gets a fresh one;
 *   - a refused cell stored nothing (db_fingerprint.h before and after) and wrote no audit row
 *     for the patient;
 *   - an allowed cell with an action wrote exactly `audit_rows` (default 1) new audit rows for
 *     the patient, every one by the caller (or "invitation" for the patient's own link), flagged
 *     as emergency access with the reason exactly in the EMERG column, one of them `action`.
 * The test sends the request and checks the answer itself (a callback): problems for the API,
 * pages and redirects for people. */
#ifndef STEGVIS_TESTS_ACCESS_MATRIX_H
#define STEGVIS_TESTS_ACCESS_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "support/api_fixture.h"

/* The callers: a clinician at the patient's unit (anna), a clinician at another unit (bo),
 * the same with an emergency reason, the manager, the analyst and the admin (at the patient's
 * unit), and a client that never logged in. */
enum matrix_column { OWN, OTHER, EMERG, MGR, ANALYST, ADMIN, NONE, COLUMNS };

extern const char *const matrix_column_names[COLUMNS];

/* The emergency reason of the EMERG column (the API's X-Access-Reason header, the pages'
 * access_reason query argument). */
#define MATRIX_REASON "akut kontakt via 1177"

/* Which records a cell needs. */
enum matrix_records {
    SHARED,  /* the shared patient (a fresh one when the cell is an allowed write) */
    INVITE,  /* a fresh invitation on the shared patient, every cell (answering uses it up) */
    ANSWERED /* a fresh invitation on the shared patient, answered (used up) through the API */
};

struct matrix_record {
    long long patient, episode, appointment;
    char pnr[14], token[80];
};

struct matrix {
    struct api_world world;
    struct matrix_record shared;
    int serial; /* for unique personnummer, unit codes and usernames */
};

/* One cell of a row, as the row describes it. */
struct matrix_cell {
    const char *method;
    const char *pattern; /* as in the route table */
    const char *path;    /* with placeholders (matrix_expand) */
    const char *body;    /* the same; NULL: none */
    enum matrix_records records;
    const char *action; /* the audit action on the patient when allowed; NULL: none expected */
    int audit_rows;     /* how many audit rows an allowed cell writes for the patient; 0: 1 */
    bool by_invitation; /* the patient acts through the link, not the caller's session */
    enum matrix_column col;
    int want;     /* the expected status */
    bool allowed; /* the caller may do it; else it is refused (nothing stored) */
};

/* The request of a cell, placeholders filled in. */
struct matrix_request {
    const struct matrix_record *record;
    int serial; /* this cell's number, for what must be new each time */
    char path[256];
    char body[1024]; /* "" when the cell has no body */
};

/* Send the request of `cell` and check the answer (status and its shape). */
typedef void matrix_send_fn(struct matrix *m, const struct matrix_cell *cell,
                            const struct matrix_request *req);

/* Start the world (api_fixture.h), log everyone in, and make the shared patient. */
void matrix_start(struct matrix *m);
void matrix_stop(struct matrix *m);

/* The actor of a column (anna for NONE: whose records and username a no-session cell uses). */
enum api_actor matrix_actor(enum matrix_column col);

/* The client of a column (the anonymous one for NONE). */
struct test_http_client *matrix_client(struct matrix *m, enum matrix_column col);

/* A new patient with everything the shared one has. */
void matrix_fresh_record(struct matrix *m, struct matrix_record *r);

/* A new invitation (PHQ-9, GAD-7) on r's episode into r->token. */
void matrix_new_invitation(struct matrix *m, struct matrix_record *r);

/* `text` with the placeholders filled in for the caller in `col`, into `out`; `serial` numbers
 * the cell. {patient} {episode} {appointment} {token} {pnr}: the record's; {newpnr} a
 * personnummer no one has yet; {serial}; {anna}: anna's staff id; {username}: the column's
 * actor; {home}: where the caller lands ("/login" without a session); {reason}:
 * "?access_reason=<the reason, percent-encoded>" in the EMERG column, else "". */
void matrix_expand(const struct matrix *m, const char *text, const struct matrix_record *r,
                   enum matrix_column col, int serial, char *out, size_t size);

/* `text` percent-encoded as the pages encode a query value (RFC 3986 unreserved kept). */
void matrix_url_encode(const char *text, char *out, size_t size);

/* Run one cell: records, placeholders, `send`, then the database and audit checks above. */
void matrix_run_cell(struct matrix *m, const struct matrix_cell *cell, matrix_send_fn *send);

/* The start of every table row: the route as the router names it. */
struct matrix_route_key {
    const char *method;
    const char *pattern;
};

/* Fail unless the table (`rows` rows of `row_size` bytes, each starting with a
 * struct matrix_route_key) names each of the router's `count` routes exactly once and nothing
 * else; `file` is the test to add a missing route to. */
struct route;
void matrix_check_routes(const struct route *routes, int count, const void *table, int rows,
                         size_t row_size, const char *file);

/* The table row of `route` (as matrix_check_routes lays the table out); fails the test when the
 * table has none. */
const void *matrix_row_of(const struct route *route, const void *table, int rows, size_t row_size);

#endif
