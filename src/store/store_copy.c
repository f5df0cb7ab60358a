/* store_copy.c - moving a whole region from one database to another (store_copy) and the
 * per-table row counts and checksums that prove the copy (store_table_sums).
 *
 * Rows travel as text: each column is read as text (or NULL) and bound as text, which both
 * backends turn back into the column's type, so one copy works in either direction. The tables
 * are listed here once, parents before children (foreign keys), with the statements built from
 * the list by the preprocessor: no SQL is put together at run time. */
#include "store_internal.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define P1  "?"
#define P2  P1 ", ?"
#define P3  P2 ", ?"
#define P4  P3 ", ?"
#define P5  P4 ", ?"
#define P6  P5 ", ?"
#define P7  P6 ", ?"
#define P8  P7 ", ?"
#define P9  P8 ", ?"
#define P11 P9 ", ?, ?"
#define P13 P11 ", ?, ?"

/* A table without a generated id. */
#define TABLE(name, columns, n)                                                                    \
    {                                                                                              \
#name, "SELECT " columns " FROM " #name,                                                   \
            "INSERT INTO " #name " (" columns ") VALUES (" P##n ")", NULL, n                       \
    }
/* A table whose `id` comes from a sequence (PostgreSQL): the sequence is moved past the ids
 * copied, so that new rows do not collide with them. */
#define ID_TABLE(name, columns, n)                                                                 \
    {                                                                                              \
#name, "SELECT " columns " FROM " #name " ORDER BY id",                                    \
            "INSERT INTO " #name " (" columns ") VALUES (" P##n ")",                               \
            "SELECT setval(pg_get_serial_sequence('" #name "', 'id'), "                            \
            "COALESCE((SELECT MAX(id) FROM " #name "), 0) + 1, false)",                            \
            n                                                                                      \
    }

struct copy_table {
    const char *name;
    const char *select;
    const char *insert;
    const char *sequence; /* PostgreSQL only; NULL: no generated id */
    int columns;
};

#define CONTRACT_COLUMNS                                                                           \
    "episode_id, version, contact_staff_id, goals, plan, next_contact_at, "                        \
    "municipal_coordination, updated_at, updated_by"

/* Every table but `meta` (each database has its own schema version), `change_log` (which
 * episodes a running server must re-read: a copied database starts with none) and `triage_risk`
 * (the target's triggers make it again as the episodes, responses and reviews arrive). */
static const struct copy_table tables[] = {
    TABLE(municipality, "code, name", 2),
    ID_TABLE(unit, "id, code, name, kind, municipality_code", 5),
    TABLE(intervention, "code, step, name_sv, name_en", 4),
    TABLE(unit_intervention, "unit_id, intervention_code", 2),
    ID_TABLE(staff,
             "id, username, display_name, role, unit_id, pw_hash, active, failed_logins, "
             "locked_until",
             9),
    TABLE(training, "staff_id, course, completed_at", 3),
    TABLE(login_session, "token_hash, staff_id, created_at, expires_at, csrf", 5),
    ID_TABLE(patient,
             "id, pnr, name, birth_date, sex, municipality_code, listed_unit_id, contact, "
             "created_at",
             9),
    ID_TABLE(episode,
             "id, patient_id, unit_id, source, referred_at, assessed_at, treatment_started_at, "
             "ended_at, end_reason, step, problem",
             11),
    ID_TABLE(response,
             "id, patient_id, episode_id, instrument, answers, total, band, severity, flags, "
             "answered_at, entered_by, channel, invitation_hash",
             13),
    ID_TABLE(risk_review, "id, patient_id, staff_id, at, level, note, through_response_id", 7),
    ID_TABLE(assessment,
             "id, episode_id, staff_id, at, problem, recommended_step, chosen_step, reason", 8),
    TABLE(contract, CONTRACT_COLUMNS, 9),
    TABLE(contract_history, CONTRACT_COLUMNS, 9),
    ID_TABLE(appointment, "id, episode_id, staff_id, at, intervention_code, status", 6),
    TABLE(invitation,
          "token_hash, patient_id, episode_id, instruments, created_at, expires_at, used_at, "
          "created_by",
          8),
    ID_TABLE(audit, "id, at, actor_id, actor, action, patient_id, emergency, detail", 8),
};

#define TABLE_COUNT ((int)(sizeof(tables) / sizeof(tables[0])))

_Static_assert(sizeof(tables) / sizeof(tables[0]) <= STORE_COPY_TABLES_MAX,
               "store.h must allow every table");

/* ---- checksums ---- */

/* Add the SHA-256 of one row (each value as text, NULL marked apart from "") to `sum`, four
 * 64-bit lanes added separately: the sum does not depend on the order rows are read in, which
 * differs between backends for text keys (collations). */
static void add_row(struct store__stmt *stmt, int columns, uint64_t sum[4])
{
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    for (int c = 0; c < columns; c++) {
        const unsigned char null_mark = 0x00, value_mark = 0x01, end = 0x1f;
        if (store__column_is_null(stmt, c)) {
            crypto_hash_sha256_update(&state, &null_mark, 1);
        } else {
            const char *text = store__column_str(stmt, c);
            crypto_hash_sha256_update(&state, &value_mark, 1);
            crypto_hash_sha256_update(&state, (const unsigned char *)text, strlen(text));
        }
        crypto_hash_sha256_update(&state, &end, 1);
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    for (int lane = 0; lane < 4; lane++) {
        uint64_t v = 0;
        for (int b = 0; b < 8; b++)
            v = v << 8 | digest[lane * 8 + b];
        sum[lane] += v;
    }
}

static enum err_code table_sum(struct store__conn *conn, const struct copy_table *table,
                               struct store_table_sum *out, struct error *err)
{
    struct store__stmt *stmt = NULL;
    uint64_t sum[4] = { 0, 0, 0, 0 };
    memset(out, 0, sizeof(*out));
    snprintf(out->table, sizeof(out->table), "%s", table->name);
    enum err_code rc = store__stmt(conn, table->select, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int row;
    while ((row = store__step(stmt, err)) == 1) {
        add_row(stmt, table->columns, sum);
        out->rows++;
    }
    store__done(stmt);
    if (row < 0)
        return (enum err_code)row;
    snprintf(out->checksum, sizeof(out->checksum), "%016llx%016llx%016llx%016llx",
             (unsigned long long)sum[0], (unsigned long long)sum[1], (unsigned long long)sum[2],
             (unsigned long long)sum[3]);
    return ERR_OK;
}

enum err_code store_table_sums(struct store *store, struct store_table_sum *sums, int *count,
                               struct error *err)
{
    struct store__conn *conn = NULL;
    *count = 0;
    enum err_code rc = store__conn_open(store, false, true, &conn, err);
    /* one snapshot for every table: a transaction (SQLite: a read transaction) */
    if (rc == ERR_OK)
        rc = store__exec_script(conn, "BEGIN", err);
    for (int i = 0; rc == ERR_OK && i < TABLE_COUNT; i++)
        rc = table_sum(conn, &tables[i], &sums[i], err);
    if (conn != NULL)
        store__rollback(conn);
    store__conn_free(conn);
    if (rc == ERR_OK)
        *count = TABLE_COUNT;
    return rc;
}

/* ---- copying ---- */

static enum err_code copy_rows(struct store__conn *from, struct store__conn *to,
                               const struct copy_table *table, long long *rows, struct error *err)
{
    struct store__stmt *select = NULL, *insert = NULL;
    enum err_code rc = store__stmt(from, table->select, &select, err);
    if (rc == ERR_OK)
        rc = store__stmt(to, table->insert, &insert, err);
    int row = 0;
    while (rc == ERR_OK && (row = store__step(select, err)) == 1) {
        for (int c = 0; c < table->columns; c++) {
            if (store__column_is_null(select, c))
                store__bind_null(insert, c + 1);
            else
                store__bind_str(insert, c + 1, store__column_str(select, c));
        }
        rc = store__step_done(insert, err);
        *rows += rc == ERR_OK;
    }
    store__done(select);
    store__done(insert);
    if (rc == ERR_OK && row < 0)
        rc = (enum err_code)row;
    if (rc == ERR_OK && table->sequence != NULL && to->backend->dialect == SCHEMA_POSTGRES)
        rc = store__exec(to, table->sequence, err);
    return rc;
}

static enum err_code must_be_empty(struct store__conn *to, struct error *err)
{
    for (int i = 0; i < TABLE_COUNT; i++) {
        struct store_table_sum sum;
        enum err_code rc = table_sum(to, &tables[i], &sum, err);
        if (rc != ERR_OK)
            return rc;
        if (sum.rows > 0)
            return error_set(err, ERR_CONFLICT, "to",
                             "the database to copy to is not empty (table %s has %lld rows)",
                             tables[i].name, sum.rows);
    }
    return ERR_OK;
}

enum err_code store_copy(struct store *from, struct store *to, long long *rows, struct error *err)
{
    struct store__conn *source = NULL, *target = NULL;
    *rows = 0;
    enum err_code rc = store__conn_open(from, false, true, &source, err);
    if (rc == ERR_OK)
        rc = store__conn_open(to, false, false, &target, err);
    if (rc == ERR_OK)
        rc = store__exec_script(source, "BEGIN", err); /* one snapshot of the source */
    if (rc == ERR_OK)
        rc = store__begin(target, err); /* all or nothing */
    if (rc == ERR_OK)
        rc = must_be_empty(target, err);
    for (int i = 0; rc == ERR_OK && i < TABLE_COUNT; i++)
        rc = copy_rows(source, target, &tables[i], rows, err);
    if (rc == ERR_OK)
        rc = store__exec(target, "COMMIT", err);
    if (rc != ERR_OK)
        *rows = 0;
    if (target != NULL)
        store__rollback(target);
    if (source != NULL)
        store__rollback(source);
    store__conn_free(target);
    store__conn_free(source);
    return rc;
}
