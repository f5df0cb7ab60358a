/* schema.c - the migrations (see schema.h). Never edit a migration that has shipped: add one.
 *
 * Conventions: times are BIGINT seconds since 1970 with 0 for "not set" (so "open episode" is
 * `ended_at = 0` and indexes need no NULL handling); a missing reference to another row is NULL,
 * so foreign keys hold. Version 1 says IF NOT EXISTS throughout so that it also brings a database
 * stamped with a pre-release version 0 up to date without failing on tables it already has.
 */
#include "schema.h"

#include <string.h>

#include "core/mem.h"
#include "store.h"
#include "store_internal.h"

struct schema_migration {
    const char *portable;
    const char *sqlite;   /* appended for SCHEMA_SQLITE */
    const char *postgres; /* appended for SCHEMA_POSTGRES */
};

static const char v1_portable[] =
    "CREATE TABLE IF NOT EXISTS meta (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL);\n"

    /* region: municipalities, units, interventions */
    "CREATE TABLE IF NOT EXISTS municipality (\n"
    "  code TEXT PRIMARY KEY,\n"
    "  name TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS unit (\n"
    "  id @ID@,\n"
    "  code TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL CONSTRAINT unit_kind\n"
    "    CHECK (kind IN ('vardcentral', 'digital', 'specialist')),\n"
    "  municipality_code TEXT NOT NULL REFERENCES municipality (code));\n"
    "CREATE UNIQUE INDEX IF NOT EXISTS unit_code ON unit (code);\n"
    "CREATE TABLE IF NOT EXISTS intervention (\n"
    "  code TEXT PRIMARY KEY,\n"
    "  step INTEGER NOT NULL CONSTRAINT intervention_step CHECK (step BETWEEN 0 AND 4),\n"
    "  name_sv TEXT NOT NULL,\n"
    "  name_en TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS unit_intervention (\n"
    "  unit_id BIGINT NOT NULL REFERENCES unit (id),\n"
    "  intervention_code TEXT NOT NULL REFERENCES intervention (code),\n"
    "  PRIMARY KEY (unit_id, intervention_code));\n"

    /* staff and their logins */
    "CREATE TABLE IF NOT EXISTS staff (\n"
    "  id @ID@,\n"
    "  username TEXT NOT NULL,\n"
    "  display_name TEXT NOT NULL,\n"
    "  role TEXT NOT NULL CONSTRAINT staff_role\n"
    "    CHECK (role IN ('clinician', 'manager', 'analyst', 'admin')),\n"
    "  unit_id BIGINT REFERENCES unit (id),\n"
    "  pw_hash TEXT NOT NULL,\n"
    "  active INTEGER NOT NULL DEFAULT 1,\n"
    "  failed_logins INTEGER NOT NULL DEFAULT 0,\n"
    "  locked_until BIGINT NOT NULL DEFAULT 0);\n"
    "CREATE UNIQUE INDEX IF NOT EXISTS staff_username ON staff (username);\n"
    "CREATE INDEX IF NOT EXISTS staff_unit ON staff (unit_id);\n"
    "CREATE TABLE IF NOT EXISTS training (\n"
    "  staff_id BIGINT NOT NULL REFERENCES staff (id),\n"
    "  course TEXT NOT NULL,\n"
    "  completed_at BIGINT NOT NULL,\n"
    "  PRIMARY KEY (staff_id, course));\n"
    "CREATE TABLE IF NOT EXISTS login_session (\n"
    "  token_hash TEXT PRIMARY KEY,\n"
    "  staff_id BIGINT NOT NULL REFERENCES staff (id),\n"
    "  created_at BIGINT NOT NULL,\n"
    "  expires_at BIGINT NOT NULL,\n"
    "  csrf TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS login_session_expires ON login_session (expires_at);\n"

    /* patients and their care */
    "CREATE TABLE IF NOT EXISTS patient (\n"
    "  id @ID@,\n"
    "  pnr TEXT NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  birth_date TEXT NOT NULL,\n"
    "  sex TEXT NOT NULL,\n"
    "  municipality_code TEXT REFERENCES municipality (code),\n"
    "  listed_unit_id BIGINT REFERENCES unit (id),\n"
    "  contact TEXT NOT NULL DEFAULT '',\n"
    "  created_at BIGINT NOT NULL);\n"
    "CREATE UNIQUE INDEX IF NOT EXISTS patient_pnr ON patient (pnr);\n"
    "CREATE TABLE IF NOT EXISTS episode (\n"
    "  id @ID@,\n"
    "  patient_id BIGINT NOT NULL REFERENCES patient (id),\n"
    "  unit_id BIGINT NOT NULL REFERENCES unit (id),\n"
    "  source TEXT NOT NULL CONSTRAINT episode_source\n"
    "    CHECK (source IN ('self', 'clinic', 'other')),\n"
    "  referred_at BIGINT NOT NULL,\n"
    "  assessed_at BIGINT NOT NULL DEFAULT 0,\n"
    "  treatment_started_at BIGINT NOT NULL DEFAULT 0,\n"
    "  ended_at BIGINT NOT NULL DEFAULT 0,\n"
    "  end_reason TEXT NOT NULL DEFAULT '',\n"
    "  step INTEGER NOT NULL DEFAULT -1 CONSTRAINT episode_step CHECK (step BETWEEN -1 AND 4),\n"
    "  problem TEXT NOT NULL DEFAULT '');\n"
    "CREATE INDEX IF NOT EXISTS episode_patient ON episode (patient_id);\n"
    "CREATE INDEX IF NOT EXISTS episode_unit_open ON episode (unit_id, ended_at);\n"
    "CREATE TABLE IF NOT EXISTS response (\n"
    "  id @ID@,\n"
    "  patient_id BIGINT NOT NULL REFERENCES patient (id),\n"
    "  episode_id BIGINT REFERENCES episode (id),\n"
    "  instrument TEXT NOT NULL,\n"
    "  answers TEXT NOT NULL,\n"
    "  total INTEGER NOT NULL,\n"
    "  band TEXT NOT NULL,\n"
    "  severity INTEGER NOT NULL,\n"
    "  flags INTEGER NOT NULL,\n"
    "  answered_at BIGINT NOT NULL,\n"
    "  entered_by BIGINT REFERENCES staff (id),\n"
    "  channel TEXT NOT NULL CONSTRAINT response_channel\n"
    "    CHECK (channel IN ('portal', 'clinic', 'import')),\n"
    /* the invitation link it was given through (its token's hash), or NULL: one response per
     * invitation and instrument, replaced when the patient goes back and changes it */
    "  invitation_hash TEXT);\n"
    "CREATE INDEX IF NOT EXISTS response_patient ON response (patient_id, answered_at);\n"
    "CREATE INDEX IF NOT EXISTS response_episode ON response (episode_id);\n"
    "CREATE UNIQUE INDEX IF NOT EXISTS response_invitation\n"
    "  ON response (invitation_hash, instrument);\n"
    "CREATE TABLE IF NOT EXISTS risk_review (\n"
    "  id @ID@,\n"
    "  patient_id BIGINT NOT NULL REFERENCES patient (id),\n"
    "  staff_id BIGINT REFERENCES staff (id),\n"
    "  at BIGINT NOT NULL,\n"
    "  level TEXT NOT NULL CONSTRAINT risk_review_level\n"
    "    CHECK (level IN ('low', 'moderate', 'high')),\n"
    "  note TEXT NOT NULL DEFAULT '',\n"
    "  through_response_id BIGINT NOT NULL DEFAULT 0);\n"
    "CREATE INDEX IF NOT EXISTS risk_review_patient ON risk_review (patient_id, at);\n"
    "CREATE TABLE IF NOT EXISTS assessment (\n"
    "  id @ID@,\n"
    "  episode_id BIGINT NOT NULL REFERENCES episode (id),\n"
    "  staff_id BIGINT REFERENCES staff (id),\n"
    "  at BIGINT NOT NULL,\n"
    "  problem TEXT NOT NULL DEFAULT '',\n"
    "  recommended_step INTEGER NOT NULL CONSTRAINT assessment_recommended_step\n"
    "    CHECK (recommended_step BETWEEN 0 AND 4),\n"
    "  chosen_step INTEGER NOT NULL CONSTRAINT assessment_chosen_step\n"
    "    CHECK (chosen_step BETWEEN 0 AND 4),\n"
    "  reason TEXT NOT NULL DEFAULT '',\n"
    "  CONSTRAINT assessment_reason CHECK (chosen_step = recommended_step OR reason <> ''));\n"
    "CREATE INDEX IF NOT EXISTS assessment_episode ON assessment (episode_id, at);\n"
    "CREATE TABLE IF NOT EXISTS contract (\n"
    "  episode_id BIGINT PRIMARY KEY REFERENCES episode (id),\n"
    "  version INTEGER NOT NULL,\n"
    "  contact_staff_id BIGINT REFERENCES staff (id),\n"
    "  goals TEXT NOT NULL DEFAULT '',\n"
    "  plan TEXT NOT NULL DEFAULT '',\n"
    "  next_contact_at BIGINT NOT NULL DEFAULT 0,\n"
    "  municipal_coordination TEXT NOT NULL DEFAULT '',\n"
    "  updated_at BIGINT NOT NULL,\n"
    "  updated_by BIGINT REFERENCES staff (id));\n"
    "CREATE TABLE IF NOT EXISTS contract_history (\n"
    "  episode_id BIGINT NOT NULL REFERENCES episode (id),\n"
    "  version INTEGER NOT NULL,\n"
    "  contact_staff_id BIGINT REFERENCES staff (id),\n"
    "  goals TEXT NOT NULL DEFAULT '',\n"
    "  plan TEXT NOT NULL DEFAULT '',\n"
    "  next_contact_at BIGINT NOT NULL DEFAULT 0,\n"
    "  municipal_coordination TEXT NOT NULL DEFAULT '',\n"
    "  updated_at BIGINT NOT NULL,\n"
    "  updated_by BIGINT REFERENCES staff (id),\n"
    "  PRIMARY KEY (episode_id, version));\n"
    "CREATE TABLE IF NOT EXISTS appointment (\n"
    "  id @ID@,\n"
    "  episode_id BIGINT NOT NULL REFERENCES episode (id),\n"
    "  staff_id BIGINT REFERENCES staff (id),\n"
    "  at BIGINT NOT NULL,\n"
    "  intervention_code TEXT REFERENCES intervention (code),\n"
    "  status TEXT NOT NULL CONSTRAINT appointment_status\n"
    "    CHECK (status IN ('booked', 'attended', 'missed', 'cancelled')));\n"
    "CREATE INDEX IF NOT EXISTS appointment_episode ON appointment (episode_id, at);\n"
    "CREATE TABLE IF NOT EXISTS invitation (\n"
    "  token_hash TEXT PRIMARY KEY,\n"
    "  patient_id BIGINT NOT NULL REFERENCES patient (id),\n"
    "  episode_id BIGINT REFERENCES episode (id),\n"
    "  instruments TEXT NOT NULL,\n"
    "  created_at BIGINT NOT NULL,\n"
    "  expires_at BIGINT NOT NULL,\n"
    "  used_at BIGINT NOT NULL DEFAULT 0,\n"
    "  created_by BIGINT REFERENCES staff (id));\n"
    "CREATE INDEX IF NOT EXISTS invitation_patient ON invitation (patient_id);\n"

    /* the audit log: no foreign keys, so that no change elsewhere can ever refuse an audit row */
    "CREATE TABLE IF NOT EXISTS audit (\n"
    "  id @ID@,\n"
    "  at BIGINT NOT NULL,\n"
    "  actor_id BIGINT NOT NULL DEFAULT 0,\n"
    "  actor TEXT NOT NULL,\n"
    "  action TEXT NOT NULL,\n"
    "  patient_id BIGINT NOT NULL DEFAULT 0,\n"
    "  emergency INTEGER NOT NULL DEFAULT 0,\n"
    "  detail TEXT NOT NULL DEFAULT '');\n"
    "CREATE INDEX IF NOT EXISTS audit_patient ON audit (patient_id, at);\n"
    "CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor_id, at);\n"
    "CREATE INDEX IF NOT EXISTS audit_at ON audit (at);\n";

/* The audit log is append-only whatever SQL reaches the database. */
static const char v1_sqlite[] =
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;\n"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;\n";

/* PostgreSQL's version of the same. TRUNCATE skips row triggers, so it gets a statement trigger
 * of its own. */
static const char v1_postgres[] =
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS\n"
    "$$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$;\n"
    "CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit\n"
    "  FOR EACH ROW EXECUTE FUNCTION audit_append_only();\n"
    "CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit\n"
    "  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();\n";

/* Version 2: the change log. Every write that changes an episode's record adds a row for the
 * episode in the same transaction, so a server process can bring its in-memory indicator facts up
 * to date with the writes of every other process on the database (app_facts.c, store_changes.c,
 * docs/operations.md). On PostgreSQL each row also carries its transaction's id, because there
 * transactions commit out of sequence order. */
static const char v2_portable[] =
    "CREATE TABLE IF NOT EXISTS change_log (\n"
    "  seq @ID@,\n"
    "  episode_id BIGINT NOT NULL,\n"
    "  txid BIGINT NOT NULL DEFAULT 0);\n"
    /* the triage queue: a patient's risk-flagged responses (few) found without reading the rest
     * (STORE__RISK_UNRESOLVED), and an episode's highest severity from the index alone; the
     * second serves every lookup by episode, so the plain one goes */
    "CREATE INDEX IF NOT EXISTS response_risk ON response (patient_id, id)\n"
    "  WHERE (flags & 1) <> 0;\n"
    "CREATE INDEX IF NOT EXISTS response_episode_severity ON response (episode_id, severity);\n"
    "DROP INDEX IF EXISTS response_episode;\n";

static const char v2_sqlite[] = "";

static const char v2_postgres[] =
    "ALTER TABLE change_log ALTER COLUMN txid SET DEFAULT (pg_current_xact_id()::text::bigint);\n"
    "CREATE INDEX IF NOT EXISTS change_log_txid ON change_log (txid);\n";

/* Version 3: a cheaper response INSERT, the write of every questionnaire submission.
 * - The channel CHECK compares with each value: SQLite evaluates `IN (three or more constants)`
 *   in a CHECK by building a temporary index on every INSERT (about 30,000 instructions, almost
 *   half of the INSERT); in a CHECK a list is never cached, while `=` costs nothing.
 * - response_invitation leaves out the responses not given through an invitation (NULL hash, the
 *   clinic's and the imports'): one B-tree page fewer to change and to write to the WAL on every
 *   such INSERT. Lookups by hash (store_invited.c) name a hash, so they still use it, and NULLs
 *   were never unique anyway.
 * SQLite cannot change a CHECK in place, so its table is rebuilt the documented way (new table,
 * copy, drop, rename; nothing refers to `response`), with its indexes made again. This must run
 * before any migration that adds a trigger on `response` or names it in a trigger's body. */
#define V3_CHANNEL_CHECK                                                                           \
    "CONSTRAINT response_channel\n"                                                                \
    "    CHECK (channel = 'portal' OR channel = 'clinic' OR channel = 'import')"
#define V3_RESPONSE_INVITATION                                                                     \
    "CREATE UNIQUE INDEX IF NOT EXISTS response_invitation ON response (invitation_hash, "         \
    "instrument)\n  WHERE invitation_hash IS NOT NULL;\n"
#define V3_RESPONSE_COLUMNS                                                                        \
    "id, patient_id, episode_id, instrument, answers, total, band, severity, flags, answered_at, " \
    "entered_by, channel, invitation_hash"

static const char v3_portable[] = "";

/* A database stamped 0 before release runs every step again, with version 4's triggers in place:
 * they name `response` in their bodies, which SQLite's RENAME refuses while `response` is gone, so
 * they are dropped first (version 4 makes them again). */
static const char v3_sqlite[] =
    "DROP TRIGGER IF EXISTS response_risk_flagged;\n"
    "DROP TRIGGER IF EXISTS response_risk_replaced;\n"
    "DROP TRIGGER IF EXISTS risk_review_resolves;\n"
    "DROP TRIGGER IF EXISTS episode_risk_added;\n"
    "DROP TRIGGER IF EXISTS episode_risk_changed;\n"
    "CREATE TABLE response_v3 (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  patient_id BIGINT NOT NULL REFERENCES patient (id),\n"
    "  episode_id BIGINT REFERENCES episode (id),\n"
    "  instrument TEXT NOT NULL,\n"
    "  answers TEXT NOT NULL,\n"
    "  total INTEGER NOT NULL,\n"
    "  band TEXT NOT NULL,\n"
    "  severity INTEGER NOT NULL,\n"
    "  flags INTEGER NOT NULL,\n"
    "  answered_at BIGINT NOT NULL,\n"
    "  entered_by BIGINT REFERENCES staff (id),\n"
    "  channel TEXT NOT NULL " V3_CHANNEL_CHECK ",\n"
    "  invitation_hash TEXT);\n"
    "INSERT INTO response_v3 (" V3_RESPONSE_COLUMNS ")\n"
    "  SELECT " V3_RESPONSE_COLUMNS " FROM response ORDER BY id;\n"
    "DROP TABLE response;\n"
    "ALTER TABLE response_v3 RENAME TO response;\n"
    "CREATE INDEX response_patient ON response (patient_id, answered_at);\n"
    "CREATE INDEX response_risk ON response (patient_id, id) WHERE (flags & 1) <> 0;\n"
    "CREATE INDEX response_episode_severity ON response (episode_id, "
    "severity);\n" V3_RESPONSE_INVITATION;

static const char v3_postgres[] =
    "ALTER TABLE response DROP CONSTRAINT IF EXISTS response_channel,\n"
    "  ADD " V3_CHANNEL_CHECK ";\n"
    "DROP INDEX IF EXISTS response_invitation;\n" V3_RESPONSE_INVITATION;

/* Version 4: the triage queue reads only its candidates (store_care.c). The open episodes not yet
 * assessed come from a partial index; the others come from `triage_risk`, which holds every open
 * episode whose patient may have an unresolved risk flag (STORE__RISK_UNRESOLVED), with its unit.
 * Triggers keep it: a flagged response stored (or replaced) adds the patient's open episodes, a
 * risk review that leaves no flag unresolved removes them, and an episode added, ended, reopened
 * or moved to another unit is looked at again. The table may only err towards holding too much:
 * the queue still decides risk from the responses themselves. Everything here can run again on
 * a database that has it (a pre-release database stamped 0 runs every migration). On PostgreSQL
 * a review, a new episode and a response of one patient never run at once (store_records.c takes
 * the patient's lock for each, exclusive but for responses), since a flagged response committed
 * beside a new episode would not see it, nor its trigger the response. Not in the trigger: a bulk
 * load or `stegvis copy` inserts every episode in one transaction, and a lock per row would
 * exhaust the lock table. An episode that ends only leaves the table. */
#define V4_AT_RISK(patient)                                                                        \
    "EXISTS (SELECT 1 FROM response r WHERE r.patient_id = " patient                               \
    " AND " STORE__RISK_UNRESOLVED ")"
#define V4_NEW_AT_RISK V4_AT_RISK("NEW.patient_id")
/* Episodes already in the table are left out before inserting, not only by ON CONFLICT: on
 * PostgreSQL an insert of a key another transaction has inserted but not committed waits for it,
 * and two writers adding the same patients' episodes in opposite orders deadlocked (every flagged
 * response of a patient at risk added all of the patient's episodes again; make bench). */
#define V4_ADD_EPISODES_WHERE(condition)                                                           \
    "INSERT INTO triage_risk (episode_id, unit_id) SELECT id, unit_id FROM episode e "             \
    "WHERE e.ended_at = 0 AND NOT EXISTS (SELECT 1 FROM triage_risk k "                            \
    "WHERE k.episode_id = e.id) AND " condition " ON CONFLICT (episode_id) DO NOTHING"
#define V4_ADD_EPISODES_AT_RISK  V4_ADD_EPISODES_WHERE(V4_AT_RISK("e.patient_id"))
#define V4_ADD_PATIENTS_EPISODES V4_ADD_EPISODES_WHERE("e.patient_id = NEW.patient_id")
#define V4_DROP_PATIENTS_EPISODES                                                                  \
    "DELETE FROM triage_risk WHERE episode_id IN "                                                 \
    "(SELECT id FROM episode WHERE patient_id = NEW.patient_id)"
/* the episode NEW again: in the table when open and its patient at risk */
#define V4_DROP_EPISODE "DELETE FROM triage_risk WHERE episode_id = NEW.id"
#define V4_ADD_EPISODE_AT_RISK                                                                     \
    "INSERT INTO triage_risk (episode_id, unit_id) SELECT NEW.id, NEW.unit_id "                    \
    "WHERE NEW.ended_at = 0 AND " V4_NEW_AT_RISK " ON CONFLICT (episode_id) DO NOTHING"
#define V4_EPISODE_CHANGED "NEW.ended_at <> OLD.ended_at OR NEW.unit_id <> OLD.unit_id"

static const char v4_portable[] =
    "CREATE TABLE IF NOT EXISTS triage_risk (\n"
    "  episode_id BIGINT PRIMARY KEY REFERENCES episode (id),\n"
    "  unit_id BIGINT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS triage_risk_unit ON triage_risk (unit_id, episode_id);\n"
    "CREATE INDEX IF NOT EXISTS episode_unassessed ON episode (unit_id, ended_at)\n"
    "  WHERE ended_at = 0 AND assessed_at = 0;\n" V4_ADD_EPISODES_AT_RISK ";\n";

static const char v4_sqlite[] =
    "CREATE TRIGGER IF NOT EXISTS response_risk_flagged AFTER INSERT ON response\n"
    "  WHEN (NEW.flags & 1) <> 0 BEGIN " V4_ADD_PATIENTS_EPISODES "; END;\n"
    "CREATE TRIGGER IF NOT EXISTS response_risk_replaced AFTER UPDATE ON response\n"
    "  WHEN (NEW.flags & 1) <> 0 BEGIN " V4_ADD_PATIENTS_EPISODES "; END;\n"
    "CREATE TRIGGER IF NOT EXISTS risk_review_resolves AFTER INSERT ON risk_review\n"
    "  WHEN NOT " V4_NEW_AT_RISK " BEGIN " V4_DROP_PATIENTS_EPISODES "; END;\n"
    "CREATE TRIGGER IF NOT EXISTS episode_risk_added AFTER INSERT ON episode\n"
    "  BEGIN " V4_ADD_EPISODE_AT_RISK "; END;\n"
    "CREATE TRIGGER IF NOT EXISTS episode_risk_changed AFTER UPDATE OF ended_at, unit_id ON "
    "episode\n"
    "  WHEN " V4_EPISODE_CHANGED " BEGIN " V4_DROP_EPISODE "; " V4_ADD_EPISODE_AT_RISK "; END;\n";

/* PostgreSQL's version of the same. */
static const char v4_postgres[] =
    "CREATE OR REPLACE FUNCTION triage_risk_flagged() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN " V4_ADD_PATIENTS_EPISODES "; RETURN NULL; END $$;\n"
    "CREATE OR REPLACE TRIGGER response_risk_flagged AFTER INSERT OR UPDATE ON response\n"
    "  FOR EACH ROW WHEN ((NEW.flags & 1) <> 0) EXECUTE FUNCTION triage_risk_flagged();\n"
    "CREATE OR REPLACE FUNCTION triage_risk_reviewed() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN IF NOT " V4_NEW_AT_RISK " THEN " V4_DROP_PATIENTS_EPISODES "; END IF;\n"
    "RETURN NULL; END $$;\n"
    "CREATE OR REPLACE TRIGGER risk_review_resolves AFTER INSERT ON risk_review\n"
    "  FOR EACH ROW EXECUTE FUNCTION triage_risk_reviewed();\n"
    "CREATE OR REPLACE FUNCTION triage_risk_episode() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN " V4_DROP_EPISODE "; " V4_ADD_EPISODE_AT_RISK ";\n"
    "RETURN NULL; END $$;\n"
    "CREATE OR REPLACE TRIGGER episode_risk_added AFTER INSERT ON episode\n"
    "  FOR EACH ROW EXECUTE FUNCTION triage_risk_episode();\n"
    "CREATE OR REPLACE TRIGGER episode_risk_changed AFTER UPDATE OF ended_at, unit_id ON episode\n"
    "  FOR EACH ROW WHEN (" V4_EPISODE_CHANGED ") EXECUTE FUNCTION triage_risk_episode();\n";

static const struct schema_migration migrations[] = {
    { v1_portable, v1_sqlite, v1_postgres },
    { v2_portable, v2_sqlite, v2_postgres },
    { v3_portable, v3_sqlite, v3_postgres },
    { v4_portable, v4_sqlite, v4_postgres },
};

#define MIGRATION_COUNT ((int)(sizeof(migrations) / sizeof(migrations[0])))

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
               "every schema version needs its migration");

static const char id_token[] = "@ID@";

static const char *id_type(enum schema_dialect dialect)
{
    if (dialect == SCHEMA_POSTGRES)
        return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    return "INTEGER PRIMARY KEY";
}

static size_t count_tokens(const char *text)
{
    size_t count = 0;
    for (const char *p = strstr(text, id_token); p != NULL; p = strstr(p + 1, id_token))
        count++;
    return count;
}

int schema_latest(void)
{
    return MIGRATION_COUNT;
}

char *schema_migration_sql(int version, enum schema_dialect dialect)
{
    if (version < 1 || version > MIGRATION_COUNT)
        return NULL;
    const struct schema_migration *m = &migrations[version - 1];
    const char *extra = dialect == SCHEMA_POSTGRES ? m->postgres : m->sqlite;
    const char *id = id_type(dialect);
    size_t size = strlen(m->portable) + count_tokens(m->portable) * strlen(id) + strlen(extra) + 1;
    char *sql = xmalloc(size);
    char *out = sql;
    const char *in = m->portable;
    for (const char *hit = strstr(in, id_token); hit != NULL; hit = strstr(in, id_token)) {
        memcpy(out, in, (size_t)(hit - in));
        out += hit - in;
        memcpy(out, id, strlen(id));
        out += strlen(id);
        in = hit + strlen(id_token);
    }
    size_t rest = strlen(in);
    memcpy(out, in, rest);
    out += rest;
    memcpy(out, extra, strlen(extra) + 1);
    return sql;
}
