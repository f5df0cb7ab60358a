/* store.h - everything Stegvis keeps, behind one interface.
 *
 * Two backends sit behind this one header: SQLite (the embedded default, a file) and PostgreSQL
 * (several server processes on one database). The record logic is written once (store_*.c) over
 * a small statement interface that each backend supplies (sqlite_backend.c, pg_backend.c).
 *
 * Threads: a `struct store` is shared by every worker thread. Reads run on a connection of the
 * calling thread's own (opened on first use, prepared statements cached, closed when the thread
 * ends). Writes are handed to one writer thread that commits whatever requests are waiting in a
 * single transaction (group commit, each request in its own SAVEPOINT) and only then returns to
 * each caller: a write that returned ERR_OK is durable (WAL, synchronous=FULL). On error nothing
 * of that request is stored, and the other requests committed with it are not affected.
 *
 * Errors: a unique value taken is ERR_CONFLICT naming the field ("personnummer already
 * registered"); a value outside its allowed set is ERR_INVALID naming the field; an unknown id
 * (looked up, or referred to by a new row) is ERR_NOT_FOUND naming the field; a busy database is
 * ERR_UNAVAILABLE (try again); a failing disk or damaged file is ERR_IO.
 *
 * Lists are new arrays the caller free()s (NULL when there are none); lists with no stated order
 * are in id order.
 *
 * Times are seconds since 1970-01-01 UTC (`_at` fields; 0 = not set). Dates are "YYYY-MM-DD".
 * Every function that touches a patient's record takes a `struct store_audit` that is written in
 * the same transaction as the change (writes) or appended through the writer (reads).
 */
#ifndef STEGVIS_STORE_STORE_H
#define STEGVIS_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct store;

#define STORE_SCHEMA_VERSION 4

/* ---- opening, schema, backup ------------------------------------------------------------- */

/* Open `url` ("sqlite:FILE", "sqlite://FILE" or a plain FILE path). A new or empty database gets
 * the current schema and the region in `region_json` (the text of data/region.json:
 * municipalities, units, interventions, unit_interventions; may be NULL), in one transaction:
 * a region that does not load is ERR_INVALID naming its JSON path, and leaves the file empty.
 * An older schema is ERR_CONFLICT ("database schema version N is older than M: run `stegvis
 * migrate --db URL` ..."); a newer one is ERR_CONFLICT too ("... upgrade stegvis"); a file with
 * tables but no Stegvis schema version is ERR_CONFLICT and is left alone. */
enum err_code store_open(const char *url, const char *region_json, struct store **out,
                         struct error *err) WARN_UNUSED;

/* Stop the writer (after the writes in flight are committed) and close every connection. Call it
 * when no other thread uses the store any more. NULL is allowed. */
void store_close(struct store *store);

/* The schema version of the database at `url` (0 = empty), without changing it. ERR_NOT_FOUND
 * when there is no such file (it is not created). */
enum err_code store_schema_version(const char *url, int *version, struct error *err) WARN_UNUSED;

/* Bring the database at `url` to STORE_SCHEMA_VERSION, after copying it to `backup_path`
 * (online backup), in one transaction. Sets *from and *to. Nothing changes and no backup is
 * written when it is current already. A newer schema is ERR_CONFLICT (*from says which); a
 * missing file is ERR_NOT_FOUND. Migrating seeds no region. */
enum err_code store_migrate(const char *url, const char *backup_path, int *from, int *to,
                            struct error *err) WARN_UNUSED;

/* Copy the open database to `path` with the online backup API while it is in use: one
 * consistent snapshot, written as PATH.partial and renamed, so `path` is never half a copy.
 * ERR_INVALID when `path` is the database itself. */
enum err_code store_backup(struct store *store, const char *path, struct error *err) WARN_UNUSED;

/* What the writer has done since store_open: group commit shows as commits < writes. */
struct store_stats {
    long long writes;  /* write requests committed */
    long long commits; /* transactions that committed them */
};

void store_stats(struct store *store, struct store_stats *out);

/* "sqlite" or "postgres". */
const char *store_backend_name(const struct store *store);

/* ---- audit --------------------------------------------------------------------------------- */

/* One audit row: who did what to whose record. Append-only: no interface changes or deletes. */
struct store_audit {
    long long id;
    long long at;
    long long actor_id;   /* staff id; 0 = the patient through an invitation, or the system */
    char actor[64];       /* username, or "invitation" / "system" */
    char action[48];      /* "patient.read", "response.create", "login.failed", ... */
    long long patient_id; /* 0 when the action concerns no patient */
    bool emergency;       /* another unit's patient read under emergency access */
    char detail[512];     /* reason given, ids touched */
};

struct store_audit_filter {
    long long patient_id; /* 0 = any */
    long long actor_id;   /* 0 = any */
    long long from, to;   /* 0 = open */
    int limit;            /* at most this many, newest first (1..1000) */
};

/* Append an audit row on its own (for reads), through the writer. `at` 0 means now. */
enum err_code store_audit_add(struct store *store, const struct store_audit *audit,
                              struct error *err) WARN_UNUSED;

/* Rows matching `filter` (from and to inclusive), newest first, into a new array (*rows,
 * free()). ERR_INVALID (field "limit") when the limit is outside 1..1000. */
enum err_code store_audit_query(struct store *store, const struct store_audit_filter *filter,
                                struct store_audit **rows, int *count,
                                struct error *err) WARN_UNUSED;

/* ---- region: municipalities and units ------------------------------------------------------ */

struct store_unit {
    long long id;
    char code[32];
    char name[128];
    char kind[16]; /* vardcentral | digital | specialist */
    char municipality_code[8];
};

/* Sets unit->id. ERR_CONFLICT (field "code") when the code is taken; ERR_NOT_FOUND when the
 * municipality is unknown. */
enum err_code store_unit_add(struct store *store, struct store_unit *unit,
                             struct error *err) WARN_UNUSED;
enum err_code store_unit_get(struct store *store, long long id, struct store_unit *out,
                             struct error *err) WARN_UNUSED;
enum err_code store_unit_by_code(struct store *store, const char *code, struct store_unit *out,
                                 struct error *err) WARN_UNUSED;
enum err_code store_unit_list(struct store *store, struct store_unit **units, int *count,
                              struct error *err) WARN_UNUSED;
/* ERR_NOT_FOUND when the municipality code is unknown. */
enum err_code store_municipality_exists(struct store *store, const char *code,
                                        struct error *err) WARN_UNUSED;

struct store_municipality {
    char code[8]; /* kommunkod, "0380" */
    char name[64];
};

/* Every municipality, by name. */
enum err_code store_municipality_list(struct store *store, struct store_municipality **list,
                                      int *count, struct error *err) WARN_UNUSED;

/* ---- catalogue: interventions and which unit offers which ---------------------------------- */

struct store_intervention {
    char code[32]; /* "grupp" */
    int step;      /* 0..4 */
    char name_sv[128];
    char name_en[128];
};

struct store_unit_offer {
    long long unit_id;
    char intervention_code[32];
};

/* Every intervention, by step, then code, into a new array (*list, free()). */
enum err_code store_intervention_list(struct store *store, struct store_intervention **list,
                                      int *count, struct error *err) WARN_UNUSED;
/* Every (unit, intervention) a unit offers, by unit id, then code (*list, free()). */
enum err_code store_unit_offer_list(struct store *store, struct store_unit_offer **list, int *count,
                                    struct error *err) WARN_UNUSED;

/* ---- staff, login sessions ----------------------------------------------------------------- */

struct store_staff {
    long long id;
    char username[64];
    char display_name[128];
    char role[16]; /* clinician | manager | analyst | admin */
    long long unit_id;
    char pw_hash[160]; /* libsodium crypto_pwhash_str (argon2id) */
    bool active;
    int failed_logins; /* consecutive */
    long long locked_until;
};

/* Sets staff->id. ERR_CONFLICT (field "username") when the username is taken. unit_id 0 = none. */
enum err_code store_staff_add(struct store *store, struct store_staff *staff,
                              const struct store_audit *audit, struct error *err) WARN_UNUSED;
enum err_code store_staff_get(struct store *store, long long id, struct store_staff *out,
                              struct error *err) WARN_UNUSED;
enum err_code store_staff_by_username(struct store *store, const char *username,
                                      struct store_staff *out, struct error *err) WARN_UNUSED;
enum err_code store_staff_list(struct store *store, long long unit_id, struct store_staff **list,
                               int *count, struct error *err) WARN_UNUSED; /* unit 0 = all */
/* Record a login attempt: ok resets the counter and locked_until; a failure increments it and
 * sets locked_until. Both write `audit`. ERR_NOT_FOUND for an unknown staff id. */
enum err_code store_staff_login_result(struct store *store, long long staff_id, bool ok,
                                       long long locked_until, const struct store_audit *audit,
                                       struct error *err) WARN_UNUSED;

struct store_session {
    char token_hash[65]; /* hex SHA-256 of the cookie token; the token itself is not kept */
    long long staff_id;
    long long created_at;
    long long expires_at;
    char csrf[65];
};

enum err_code store_session_add(struct store *store, const struct store_session *session,
                                struct error *err) WARN_UNUSED;
/* The session and, when `staff` is not NULL, its staff member (one read: a session's staff
 * member always exists). ERR_NOT_FOUND when there is no such session. */
enum err_code store_session_get(struct store *store, const char *token_hash,
                                struct store_session *out, struct store_staff *staff,
                                struct error *err) WARN_UNUSED;
/* ERR_NOT_FOUND when there was no such session. */
enum err_code store_session_delete(struct store *store, const char *token_hash,
                                   struct error *err) WARN_UNUSED;

/* ---- training ------------------------------------------------------------------------------ */

/* A course a staff member has completed (the staff training indicator counts these). */
struct store_training {
    long long staff_id;
    char course[64]; /* course code, "stegvis_grund" */
    long long completed_at;
};

/* Record a completed course; completing it again replaces completed_at (one row per staff member
 * and course). ERR_NOT_FOUND (field "staff_id") for an unknown staff member; ERR_INVALID (field
 * "course") for an empty course code. */
enum err_code store_training_add(struct store *store, const struct store_training *training,
                                 const struct store_audit *audit, struct error *err) WARN_UNUSED;
/* The courses of `staff_id` (0 = every staff member), by staff id, then course. */
enum err_code store_training_list(struct store *store, long long staff_id,
                                  struct store_training **list, int *count,
                                  struct error *err) WARN_UNUSED;

/* ---- patients and episodes ----------------------------------------------------------------- */

struct store_patient {
    long long id;
    char pnr[13]; /* 12 digits */
    char name[128];
    char birth_date[11];
    char sex[8]; /* female | male */
    char municipality_code[8];
    long long listed_unit_id; /* 0 = not known */
    char contact[128];        /* phone or e-mail */
    long long created_at;
};

/* Sets patient->id (and created_at when 0: now). ERR_CONFLICT (field "pnr") when the
 * personnummer exists. An empty municipality_code and listed_unit_id 0 are stored as not known. */
enum err_code store_patient_add(struct store *store, struct store_patient *patient,
                                const struct store_audit *audit, struct error *err) WARN_UNUSED;
enum err_code store_patient_get(struct store *store, long long id, struct store_patient *out,
                                struct error *err) WARN_UNUSED;
enum err_code store_patient_by_pnr(struct store *store, const char *pnr12,
                                   struct store_patient *out, struct error *err) WARN_UNUSED;
/* The patient (as store_patient_get()) and, in the same read, whether it is at `unit_id`: listed
 * there, or with an episode there, open or ended (the unit's own patients, access.c). */
enum err_code store_patient_get_at_unit(struct store *store, long long id, long long unit_id,
                                        struct store_patient *out, bool *at_unit,
                                        struct error *err) WARN_UNUSED;

struct store_episode {
    long long id;
    long long patient_id;
    long long unit_id;
    char source[8]; /* self | clinic | other */
    long long referred_at;
    long long assessed_at;
    long long treatment_started_at;
    long long ended_at;
    char end_reason[64];
    int step;          /* -1 = not chosen */
    char problem[256]; /* what the patient wants help with */
};

/* Sets episode->id. ERR_NOT_FOUND when the patient or the unit is unknown. */
enum err_code store_episode_add(struct store *store, struct store_episode *episode,
                                const struct store_audit *audit, struct error *err) WARN_UNUSED;
enum err_code store_episode_get(struct store *store, long long id, struct store_episode *out,
                                struct error *err) WARN_UNUSED;
/* Replace the mutable fields (assessed_at, treatment_started_at, ended_at, end_reason, step).
 * ERR_NOT_FOUND when there is no episode episode->id. */
enum err_code store_episode_update(struct store *store, const struct store_episode *episode,
                                   const struct store_audit *audit, struct error *err) WARN_UNUSED;
enum err_code store_episode_list(struct store *store, long long patient_id,
                                 struct store_episode **list, int *count,
                                 struct error *err) WARN_UNUSED; /* oldest first */

/* ---- responses, risk reviews --------------------------------------------------------------- */

struct store_response {
    long long id;
    long long patient_id;
    long long episode_id; /* 0 = none */
    char instrument[16];
    char answers[96]; /* the positions as given, JSON array text: "[1,2,3,null]" */
    int total;
    char band[40];
    int severity;   /* the band's 0-4 step, for ordering */
    unsigned flags; /* enum instrument_flag bits */
    long long answered_at;
    long long entered_by; /* staff id; 0 = the patient */
    char channel[8];      /* portal | clinic | import */
};

/* Sets response->id. The episode, when one is named, must be the patient's and open: ERR_INVALID
 * (field "episode_id") when there is no such episode or it is another patient's, ERR_CONFLICT when
 * it has ended; ERR_NOT_FOUND ("patient_id") without an episode and no such patient. */
enum err_code store_response_add(struct store *store, struct store_response *response,
                                 const struct store_audit *audit, struct error *err) WARN_UNUSED;
/* Several responses (one invitation) in one transaction, and mark the invitation used (used_at =
 * `now`). Each response's patient_id and episode_id are set from the invitation, and its id.
 * A response to an instrument saved earlier through the same invitation (store_response_put_
 * invited) is replaced, as there. ERR_NOT_FOUND for an unknown invitation; ERR_GONE "invitation
 * already used" or "invitation expired" (expires_at <= now); ERR_INVALID (field "instrument")
 * for an instrument the invitation does not ask for; then, as on any error, nothing is stored. */
enum err_code store_response_add_invited(struct store *store, const char *invitation_hash,
                                         struct store_response *responses, int count, long long now,
                                         const struct store_audit *audit,
                                         struct error *err) WARN_UNUSED;
enum err_code store_response_list(struct store *store, long long patient_id,
                                  struct store_response **list, int *count,
                                  struct error *err) WARN_UNUSED; /* oldest first */

struct store_risk_review {
    long long id;
    long long patient_id;
    long long staff_id;
    long long at;
    char level[16]; /* low | moderate | high */
    char note[1024];
};

/* Record a clinician's risk assessment: it resolves the risk flags on every response of the
 * patient stored before it (by the order responses were stored, not by answered_at). Sets
 * review->id. */
enum err_code store_risk_review_add(struct store *store, struct store_risk_review *review,
                                    const struct store_audit *audit, struct error *err) WARN_UNUSED;
/* Whether the patient has a response with FLAG_RISK stored after their latest review. */
enum err_code store_risk_unresolved(struct store *store, long long patient_id, bool *yes,
                                    struct error *err) WARN_UNUSED;

/* ---- assessments, contracts, appointments -------------------------------------------------- */

struct store_assessment {
    long long id;
    long long episode_id;
    long long staff_id;
    long long at;
    char problem[256];
    int recommended_step;
    int chosen_step;
    char reason[1024]; /* required when chosen differs from recommended */
};

/* Also sets the episode's assessed_at (when not set) and step (= chosen_step), in the same
 * transaction. Sets assessment->id (and at when 0: now). ERR_INVALID (field "reason") when the
 * chosen step differs from the recommended one and no reason is given. */
enum err_code store_assessment_add(struct store *store, struct store_assessment *assessment,
                                   const struct store_audit *audit, struct error *err) WARN_UNUSED;
/* Oldest first. */
enum err_code store_assessment_list(struct store *store, long long episode_id,
                                    struct store_assessment **list, int *count,
                                    struct error *err) WARN_UNUSED;

struct store_contract {
    long long episode_id;
    int version; /* 1, 2, ... ; history keeps every version */
    long long contact_staff_id;
    char goals[2048];
    char plan[2048];
    long long next_contact_at;
    char municipal_coordination[1024];
    long long updated_at;
    long long updated_by;
};

/* Store a new version (version = previous + 1, set on return) in the history and as the current
 * contract (updated_at 0 = now). ERR_NOT_FOUND when the episode or a staff id is unknown. */
enum err_code store_contract_put(struct store *store, struct store_contract *contract,
                                 const struct store_audit *audit, struct error *err) WARN_UNUSED;
/* The current version; ERR_NOT_FOUND when there is none. */
enum err_code store_contract_get(struct store *store, long long episode_id,
                                 struct store_contract *out, struct error *err) WARN_UNUSED;
/* Every version, oldest first. */
enum err_code store_contract_history(struct store *store, long long episode_id,
                                     struct store_contract **list, int *count,
                                     struct error *err) WARN_UNUSED;

struct store_appointment {
    long long id;
    long long episode_id;
    long long staff_id;
    long long at;
    char intervention_code[32];
    char status[12]; /* booked | attended | missed | cancelled */
};

/* Sets appointment->id. An empty intervention_code means none; an unknown one is
 * ERR_NOT_FOUND. */
enum err_code store_appointment_add(struct store *store, struct store_appointment *appointment,
                                    const struct store_audit *audit, struct error *err) WARN_UNUSED;
enum err_code store_appointment_get(struct store *store, long long id,
                                    struct store_appointment *out, struct error *err) WARN_UNUSED;
enum err_code store_appointment_set_status(struct store *store, long long id, const char *status,
                                           const struct store_audit *audit,
                                           struct error *err) WARN_UNUSED;
/* Oldest first. */
enum err_code store_appointment_list(struct store *store, long long episode_id,
                                     struct store_appointment **list, int *count,
                                     struct error *err) WARN_UNUSED;

/* ---- triage -------------------------------------------------------------------------------- */

struct store_triage_row {
    long long episode_id;
    long long patient_id;
    char patient_name[128];
    long long unit_id;
    long long referred_at;
    bool unresolved_risk;
    int max_severity; /* highest band severity among the episode's responses; -1: none */
    char source[8];
};

/* Open episodes (not ended) at `unit_id` (0 = every unit) that are not yet assessed or have an
 * unresolved risk flag (as store_risk_unresolved), ordered: unresolved risk first, then
 * severity (highest first), then days waiting (longest first, i.e. referred_at oldest first). */
enum err_code store_triage(struct store *store, long long unit_id, struct store_triage_row **rows,
                           int *count, struct error *err) WARN_UNUSED;

/* ---- invitations --------------------------------------------------------------------------- */

struct store_invitation {
    char token_hash[65];
    long long patient_id;
    long long episode_id;
    char instruments[96]; /* comma-separated ids: "phq9,gad7" */
    long long created_at;
    long long expires_at;
    long long used_at; /* 0 = not used */
    long long created_by;
};

/* ERR_CONFLICT when the token hash exists; ERR_NOT_FOUND when the patient or episode is unknown. */
enum err_code store_invitation_add(struct store *store, const struct store_invitation *invitation,
                                   const struct store_audit *audit, struct error *err) WARN_UNUSED;
enum err_code store_invitation_get(struct store *store, const char *token_hash,
                                   struct store_invitation *out, struct error *err) WARN_UNUSED;

/* The patient's pages save each questionnaire of an invitation as soon as it is answered (so a
 * risk answer reaches the clinic even if they stop there) and may go back and change it until
 * they finish. These functions live in store_invited.c. */

/* Store the answers to one instrument of the invitation `invitation_hash` at once: a new
 * response the first time, after that a replacement of the earlier one (one response per
 * invitation and instrument). patient_id and episode_id are set from the invitation, and
 * response->id: a replacement gets a new id, higher than every id before it, so a risk flag in
 * changed answers always counts as stored after any risk review (store_risk_unresolved).
 * ERR_NOT_FOUND for an unknown invitation; ERR_GONE "invitation already used" or "invitation
 * expired" (expires_at <= now); ERR_INVALID (field "instrument") when the invitation does not
 * ask for the instrument; on error nothing is stored. */
enum err_code store_response_put_invited(struct store *store, const char *invitation_hash,
                                         struct store_response *response, long long now,
                                         const struct store_audit *audit,
                                         struct error *err) WARN_UNUSED;

/* The responses stored through the invitation (by either function above), oldest first; none
 * for an unknown invitation. */
enum err_code store_response_list_invited(struct store *store, const char *invitation_hash,
                                          struct store_response **list, int *count,
                                          struct error *err) WARN_UNUSED;

/* Mark the invitation used (used_at = `now`): no more answers through it. ERR_NOT_FOUND for an
 * unknown invitation; ERR_GONE as store_response_put_invited (also when it was finished
 * already); ERR_CONFLICT (field "instruments") "not every instrument is answered" while an
 * instrument it asks for has no response yet. */
enum err_code store_invitation_finish(struct store *store, const char *invitation_hash,
                                      long long now, const struct store_audit *audit,
                                      struct error *err) WARN_UNUSED;

/* ---- bulk load ----------------------------------------------------------------------------- */

/* A bulk load writes many rows fast (the demo generator; imports) without weakening durability.
 *
 * How: the rows go in on a connection of the bulk load's own, with its prepared statements
 * reused, in transactions of about `chunk_rows` rows; each chunk is committed like any write
 * (WAL, synchronous=FULL), so a chunk whose commit returned is on disk. A chunk is closed only
 * before a patient or a staff member, so it never splits one patient's records. Writes through
 * the writer thread meanwhile wait (busy timeout) while a chunk is being committed.
 *
 * What is checked: only what the database itself enforces (foreign keys, CHECK constraints,
 * unique columns), not the cross-row rules the store_*_add functions check (a response's episode
 * is its patient's; an assessment also dating its episode). Rows go in exactly as given: the
 * caller writes each episode in its final state (assessed_at, step, ended_at, ...).
 *
 * Audit: one summary row per bulk load (the `audit` given to store_bulk_begin, e.g. action
 * "demo.generate", actor "system"), written in the first chunk's transaction so that no
 * committed row is ever without it, instead of one audit row per record loaded.
 *
 * Failure: the first error rolls back the chunk in progress and is returned by that call and
 * every later one; the caller then calls store_bulk_abort(). Chunks committed before stay: a
 * bulk load is not atomic as a whole, so a caller that needs all or nothing loads into a new
 * file and removes it on failure (as `stegvis demo` does).
 *
 * Threads: a bulk load is used by one thread at a time. */
struct store_bulk;

#define STORE_BULK_CHUNK_ROWS 10000 /* default rows per transaction */

struct store_bulk_options {
    int chunk_rows;     /* rows per transaction (1..1000000); 0: STORE_BULK_CHUNK_ROWS */
    bool require_empty; /* refuse a database that holds patients or staff already */
};

struct store_bulk_stats {
    long long rows;    /* rows inserted, committed or in the open chunk (not the audit row) */
    long long commits; /* chunks committed */
};

/* Start a bulk load on `store` (the store stays usable). `audit` (required) is the summary row.
 * With opts->require_empty, a database that holds patients or staff is ERR_CONFLICT (field
 * "db") and nothing is written. *out is the new bulk load (store_bulk_commit or
 * store_bulk_abort end it); NULL on error. */
enum err_code store_bulk_begin(struct store *store, const struct store_bulk_options *opts,
                               const struct store_audit *audit, struct store_bulk **out,
                               struct error *err) WARN_UNUSED;

/* Insert one row each; the ones with an id set it (staff->id, patient->id, ...). A patient's
 * created_at and an assessment's at are stored as given (0 is not replaced by now). Errors are
 * the database's, mapped as everywhere in this header (ERR_CONFLICT for a taken personnummer,
 * ERR_NOT_FOUND for a missing referenced row, ERR_INVALID for a value outside its set). */
enum err_code store_bulk_staff(struct store_bulk *bulk, struct store_staff *staff,
                               struct error *err) WARN_UNUSED;
enum err_code store_bulk_training(struct store_bulk *bulk, const struct store_training *training,
                                  struct error *err) WARN_UNUSED;
enum err_code store_bulk_patient(struct store_bulk *bulk, struct store_patient *patient,
                                 struct error *err) WARN_UNUSED;
enum err_code store_bulk_episode(struct store_bulk *bulk, struct store_episode *episode,
                                 struct error *err) WARN_UNUSED;
enum err_code store_bulk_response(struct store_bulk *bulk, struct store_response *response,
                                  struct error *err) WARN_UNUSED;
enum err_code store_bulk_assessment(struct store_bulk *bulk, struct store_assessment *assessment,
                                    struct error *err) WARN_UNUSED;
/* Adds contract->version (as given, 1, 2, ... in order) to the history and makes it the current
 * contract of its episode. */
enum err_code store_bulk_contract(struct store_bulk *bulk, const struct store_contract *contract,
                                  struct error *err) WARN_UNUSED;
enum err_code store_bulk_appointment(struct store_bulk *bulk, struct store_appointment *appointment,
                                     struct error *err) WARN_UNUSED;
/* Resolves the risk flags of the patient's responses inserted before it, as
 * store_risk_review_add does: insert it after the responses it reviews. */
enum err_code store_bulk_risk_review(struct store_bulk *bulk, struct store_risk_review *review,
                                     struct error *err) WARN_UNUSED;

void store_bulk_stats(const struct store_bulk *bulk, struct store_bulk_stats *out);

/* Commit the last chunk and end the bulk load (freed, also on error). When the load has failed,
 * its first error is returned and nothing more is committed. */
enum err_code store_bulk_commit(struct store_bulk *bulk, struct error *err) WARN_UNUSED;

/* Roll back the chunk in progress and end the bulk load (freed). NULL is allowed. */
void store_bulk_abort(struct store_bulk *bulk);

/* ---- changes: which episodes other writers changed (store_changes.c) ----------------------- */

/* Every write that changes an episode's record (the episode, its responses, assessments,
 * contract, appointments, an invitation finished) also logs the episode's id, in the same
 * transaction. A process that keeps something derived from episodes (the indicator facts) takes
 * a mark before it reads them all, and later asks which episodes changed since: that sees the
 * writes of every process on the database, committed in any order. Bulk loads log nothing. */

/* The change cursor now: take it before reading what it will keep current. */
enum err_code store_changes_mark(struct store *store, long long *cursor,
                                 struct error *err) WARN_UNUSED;

/* The episodes changed after `*cursor` (an episode may be named more than once, and again by a
 * later call: applying a change twice must do no harm), into a new array (*ids, free(); NULL when
 * none); *cursor moves on. */
enum err_code store_changes_since(struct store *store, long long *cursor, long long **ids,
                                  int *count, struct error *err) WARN_UNUSED;

/* ---- copying a region between databases (store_copy.c) ------------------------------------ */

#define STORE_COPY_TABLES_MAX 24

/* A table's row count and a checksum of its rows: SHA-256 of each row's values as text, summed
 * in four 64-bit lanes (hex), so it does not depend on the order rows are read in and is the same
 * on either backend for the same rows. */
struct store_table_sum {
    char table[32];
    long long rows;
    char checksum[65];
};

/* Every copied table's sum (all but meta and change_log), parents first, from one snapshot, into
 * `sums` (STORE_COPY_TABLES_MAX elements). */
enum err_code store_table_sums(struct store *store, struct store_table_sum *sums, int *count,
                               struct error *err) WARN_UNUSED;

/* Copy every row of every table (as store_table_sums lists them) from `from` into `to`, in one
 * transaction on `to` from one snapshot of `from`: all or nothing. Ids are kept (PostgreSQL's
 * sequences are moved past them). ERR_CONFLICT (field "to") when `to` holds any row already
 * (open it with no region). Sets *rows to the rows copied. Compare store_table_sums() of both
 * afterwards to verify. */
enum err_code store_copy(struct store *from, struct store *to, long long *rows,
                         struct error *err) WARN_UNUSED;

/* ---- quality indicators: the facts table (store_facts.c) ------------------------------------ */

struct indicator_facts;
struct indicator_episode;
struct instrument;

/* The region's lists behind the facts' dense indexes: unit index i is units[i] (by id),
 * municipality index m is municipalities[m] (by name); episode_ids[k] is the episode of record
 * k. Release with store_facts_maps_release(). */
struct store_facts_maps {
    struct store_unit *units;
    int unit_count;
    struct store_municipality *municipalities;
    int municipality_count;
    long long *episode_ids;
    size_t episode_count;
};

/* Load every episode of the region into a new `facts` table (indicator.h) in one pass: a few
 * GROUP BY queries joined in C by episode id. Days are UTC civil days of the stored instants.
 * `phq9`/`gad7` are the catalogue's definitions. On error nothing needs releasing. */
enum err_code store_facts_load(struct store *store, const struct instrument *phq9,
                               const struct instrument *gad7, struct indicator_facts *facts,
                               struct store_facts_maps *maps, struct error *err) WARN_UNUSED;

void store_facts_maps_release(struct store_facts_maps *maps);

/* The fact record of one episode as store_facts_load() would make it, its indexes taken from
 * `maps` (a loaded table's): the same queries restricted to the episode, so keeping a table
 * current costs one small read per changed episode. `out->state` is left for
 * indicator_facts_update()/append() to derive. An episode at a unit missing from `maps` gets
 * unit -1 (which those refuse: reload the whole table). ERR_NOT_FOUND when there is no such
 * episode. */
enum err_code store_facts_load_episode(struct store *store, const struct store_facts_maps *maps,
                                       long long episode_id, struct indicator_episode *out,
                                       struct error *err) WARN_UNUSED;

#endif
