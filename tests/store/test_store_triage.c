/* test_store_triage.c - what patients send and what clinicians see first: responses through an
 * invitation (once, before it expires, all or nothing) and the triage queue's order (unresolved
 * risk, then severity, then waiting) on hand-built data. Unit 4 = GOTTSUNDA, 9 = ULTUNA. */
#include "fixture.h"

static long long responses_stored(const struct fixture *f)
{
    return testdb_int(f->db, "SELECT count(*) FROM response");
}

static void test_invitation_round_trip(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, anna, 4, T0);
    make_invitation(f.store, "hash-1", anna, episode, T0 + 7 * DAY);
    struct store_invitation got;
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_STR_EQ(got.token_hash, "hash-1");
    ASSERT_EQ_INT(got.patient_id, anna);
    ASSERT_EQ_INT(got.episode_id, episode);
    ASSERT_STR_EQ(got.instruments, "phq9,gad7");
    ASSERT_EQ_INT(got.created_at, T0);
    ASSERT_EQ_INT(got.expires_at, T0 + 7 * DAY);
    ASSERT_EQ_INT(got.used_at, 0);
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-2", &got, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "no such invitation");
    struct store_invitation stray = got;
    snprintf(stray.token_hash, sizeof(stray.token_hash), "hash-3");
    stray.patient_id = 40;
    struct store_audit audit = audit_row(1, "invitation.create", 40, T0);
    ASSERT_EQ_INT(store_invitation_add(f.store, &stray, &audit, &err), ERR_NOT_FOUND);
    fixture_release(&f);
}

static void test_invited_responses_once(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, anna, 4, T0);
    make_invitation(f.store, "hash-1", anna, episode, T0 + 7 * DAY);

    /* The responses name no patient: the invitation says whose they are. */
    struct store_response responses[2] = { response_row(0, 0, 14, 2, 0, T0 + DAY),
                                           response_row(0, 0, 9, 1, 0, T0 + DAY) };
    snprintf(responses[1].instrument, sizeof(responses[1].instrument), "gad7");
    struct store_audit audit = audit_row(0, "response.create", anna, 0);
    ASSERT_EQ_INT(
        store_response_add_invited(f.store, "hash-1", responses, 2, T0 + DAY, &audit, NULL),
        ERR_OK);
    ASSERT_EQ_INT(responses[0].id, 1);
    ASSERT_EQ_INT(responses[1].id, 2);
    ASSERT_EQ_INT(responses[1].patient_id, anna);
    ASSERT_EQ_INT(responses[1].episode_id, episode);

    struct store_response *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_response_list(f.store, anna, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_STR_EQ(list[0].instrument, "phq9");
    ASSERT_STR_EQ(list[1].instrument, "gad7");
    ASSERT_EQ_INT(list[1].episode_id, episode);
    free(list);
    struct store_invitation got;
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.used_at, T0 + DAY);
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM audit WHERE action = 'response.create'"),
                  1);

    /* The same link again: gone, and nothing more stored or audited. */
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(
        store_response_add_invited(f.store, "hash-1", responses, 2, T0 + DAY + 5, &audit, &err),
        ERR_GONE);
    ASSERT_STR_EQ(err.message, "invitation already used");
    ASSERT_STR_EQ(err.field, "token_hash");
    ASSERT_EQ_INT(responses_stored(&f), 2);
    ASSERT_EQ_INT(testdb_int(f.db, "SELECT count(*) FROM audit WHERE action = 'response.create'"),
                  1);
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.used_at, T0 + DAY);

    ASSERT_EQ_INT(store_response_add_invited(f.store, "nope", responses, 2, T0 + DAY, &audit, &err),
                  ERR_NOT_FOUND);
    ASSERT_EQ_INT(store_response_add_invited(f.store, "hash-1", responses, 0, T0, &audit, &err),
                  ERR_INVALID);
    fixture_release(&f);
}

static void test_invitation_expired(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    make_invitation(f.store, "hash-1", anna, 0, T0 + 7 * DAY);
    struct store_response response = response_row(0, 0, 14, 2, 0, T0 + 7 * DAY);
    struct store_audit audit = audit_row(0, "response.create", anna, 0);
    struct error err;
    error_clear(&err);
    /* expires_at is the first second it no longer works */
    ASSERT_EQ_INT(
        store_response_add_invited(f.store, "hash-1", &response, 1, T0 + 7 * DAY, &audit, &err),
        ERR_GONE);
    ASSERT_STR_EQ(err.message, "invitation expired");
    ASSERT_EQ_INT(responses_stored(&f), 0);
    struct store_invitation got;
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.used_at, 0);
    ASSERT_EQ_INT(
        store_response_add_invited(f.store, "hash-1", &response, 1, T0 + 7 * DAY - 1, &audit, NULL),
        ERR_OK);
    ASSERT_EQ_INT(responses_stored(&f), 1);
    fixture_release(&f);
}

/* One bad response of several: the invitation stays unused and none is stored. */
static void test_invited_responses_all_or_nothing(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    make_invitation(f.store, "hash-1", anna, 0, T0 + 7 * DAY);
    struct store_response responses[3] = { response_row(0, 0, 14, 2, 0, T0),
                                           response_row(0, 0, 9, 1, 0, T0),
                                           response_row(0, 0, 9, 1, 0, T0) };
    snprintf(responses[2].channel, sizeof(responses[2].channel), "fax");
    struct store_audit audit = audit_row(0, "response.create", anna, 0);
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_response_add_invited(f.store, "hash-1", responses, 3, T0 + 1, &audit, &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "channel");
    ASSERT_EQ_INT(responses_stored(&f), 0);
    struct store_invitation got;
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.used_at, 0);
    fixture_release(&f);
}

static void review(struct store *store, long long patient_id, long long at)
{
    struct store_risk_review row;
    memset(&row, 0, sizeof(row));
    row.patient_id = patient_id;
    row.at = at;
    snprintf(row.level, sizeof(row.level), "low");
    struct store_audit audit = audit_row(1, "risk_review.create", patient_id, 0);
    ASSERT_EQ_INT(store_risk_review_add(store, &row, &audit, NULL), ERR_OK);
}

static void mark_assessed(struct store *store, long long episode_id, long long at)
{
    struct store_episode episode;
    ASSERT_EQ_INT(store_episode_get(store, episode_id, &episode, NULL), ERR_OK);
    episode.assessed_at = at;
    struct store_audit audit = audit_row(1, "episode.update", episode.patient_id, 0);
    ASSERT_EQ_INT(store_episode_update(store, &episode, &audit, NULL), ERR_OK);
}

struct triage_case {
    long long a, b, c, d, e, h, i, j; /* episode ids of the patients below */
};

/* Patients A..K, each with one episode; the comments give what decides their place. */
static struct triage_case build_triage(struct store *store)
{
    struct triage_case t;
    long long p;
    p = add_patient(store, "198001010001", "A"); /* waiting since day 10, severity 2 */
    t.a = add_episode(store, p, 4, T0 + 10 * DAY);
    add_response(store, p, t.a, 2, 4, T0 + 10 * DAY); /* prorated only: no risk */
    add_response(store, p, t.a, 1, 0, T0 + 11 * DAY);
    p = add_patient(store, "198001010002", "B"); /* day 5, severity 4 */
    t.b = add_episode(store, p, 4, T0 + 5 * DAY);
    add_response(store, p, t.b, 4, 0, T0 + 5 * DAY);
    p = add_patient(store, "198001010003", "C"); /* assessed, but unresolved risk, severity 1 */
    t.c = add_episode(store, p, 4, T0 + 20 * DAY);
    add_response(store, p, t.c, 1, 1, T0 + 20 * DAY);
    mark_assessed(store, t.c, T0 + 21 * DAY);
    p = add_patient(store, "198001010004", "D"); /* day 1, no responses: severity -1 */
    t.d = add_episode(store, p, 4, T0 + 1 * DAY);
    p = add_patient(store, "198001010005", "E"); /* day 2, risk reviewed after it, severity 3 */
    t.e = add_episode(store, p, 4, T0 + 2 * DAY);
    add_response(store, p, t.e, 3, 1, T0 + 2 * DAY);
    review(store, p, T0 + 3 * DAY);
    p = add_patient(store, "198001010006", "F"); /* assessed, no risk: not in the queue */
    long long f = add_episode(store, p, 4, T0 + 3 * DAY);
    add_response(store, p, f, 4, 0, T0 + 3 * DAY);
    mark_assessed(store, f, T0 + 4 * DAY);
    p = add_patient(store, "198001010007", "G"); /* ended: not in the queue despite the risk */
    long long g = add_episode(store, p, 4, T0);
    add_response(store, p, g, 4, 1, T0);
    struct store_episode ended;
    ASSERT_EQ_INT(store_episode_get(store, g, &ended, NULL), ERR_OK);
    ended.ended_at = T0 + DAY;
    struct store_audit audit = audit_row(1, "episode.update", p, 0);
    ASSERT_EQ_INT(store_episode_update(store, &ended, &audit, NULL), ERR_OK);
    p = add_patient(store, "198001010008", "H"); /* at Ultuna: day 0, severity 2 */
    t.h = add_episode(store, p, 9, T0);
    add_response(store, p, t.h, 2, 0, T0);
    p = add_patient(store, "198001010009", "I"); /* day 8, severity 2: before A */
    t.i = add_episode(store, p, 4, T0 + 8 * DAY);
    add_response(store, p, t.i, 2, 0, T0 + 8 * DAY);
    p = add_patient(store, "198001010010", "J"); /* flagged again after a review, severity 0 */
    t.j = add_episode(store, p, 4, T0 + 30 * DAY);
    add_response(store, p, t.j, 0, 1, T0 + 30 * DAY);
    review(store, p, T0 + 31 * DAY);
    add_response(store, p, t.j, 0, 1, T0 + 32 * DAY);
    return t;
}

static void assert_order(const struct store_triage_row *rows, int count, const long long *want,
                         int want_count)
{
    ASSERT_EQ_INT(count, want_count);
    for (int i = 0; i < count; i++)
        ASSERT_EQ_INT(rows[i].episode_id, want[i]);
}

static void test_triage_order(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct triage_case t = build_triage(f.store);
    struct store_triage_row *rows = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_triage(f.store, 4, &rows, &count, NULL), ERR_OK);
    /* risk: C (severity 1), J (0); then B (4), E (3), I (2, day 8), A (2, day 10), D (-1) */
    const long long gottsunda[] = { t.c, t.j, t.b, t.e, t.i, t.a, t.d };
    assert_order(rows, count, gottsunda, 7);
    ASSERT_TRUE(rows[0].unresolved_risk);
    ASSERT_EQ_INT(rows[0].max_severity, 1);
    ASSERT_STR_EQ(rows[0].patient_name, "C");
    ASSERT_EQ_INT(rows[0].unit_id, 4);
    ASSERT_EQ_INT(rows[0].referred_at, T0 + 20 * DAY);
    ASSERT_STR_EQ(rows[0].source, "self");
    ASSERT_TRUE(rows[1].unresolved_risk);
    ASSERT_TRUE(!rows[2].unresolved_risk);
    ASSERT_EQ_INT(rows[2].max_severity, 4);
    ASSERT_TRUE(!rows[3].unresolved_risk); /* E's flag was reviewed */
    ASSERT_EQ_INT(rows[3].max_severity, 3);
    ASSERT_EQ_INT(rows[5].max_severity, 2); /* A: the highest of 2 and 1 */
    ASSERT_EQ_INT(rows[6].max_severity, -1);
    free(rows);

    ASSERT_EQ_INT(store_triage(f.store, 0, &rows, &count, NULL), ERR_OK);
    const long long everywhere[] = { t.c, t.j, t.b, t.e, t.h, t.i, t.a, t.d };
    assert_order(rows, count, everywhere, 8);
    free(rows);

    ASSERT_EQ_INT(store_triage(f.store, 11, &rows, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 0);
    ASSERT_TRUE(rows == NULL);
    fixture_release(&f);
}

/* The queue's row for `episode_id` at `unit_id` (unit 0: every unit): whether it is there, and
 * its risk. */
static bool queued(struct store *store, long long unit_id, long long episode_id, bool *risk)
{
    struct store_triage_row *rows = NULL;
    int count = 0;
    bool found = false;
    ASSERT_EQ_INT(store_triage(store, unit_id, &rows, &count, NULL), ERR_OK);
    for (int i = 0; i < count; i++)
        if (rows[i].episode_id == episode_id) {
            found = true;
            *risk = rows[i].unresolved_risk;
        }
    free(rows);
    return found;
}

static void assert_queued(struct store *store, long long unit_id, long long episode_id,
                          bool want_risk)
{
    bool risk = !want_risk;
    ASSERT_TRUE(queued(store, unit_id, episode_id, &risk));
    ASSERT_TRUE(risk == want_risk);
}

static void assert_not_queued(struct store *store, long long unit_id, long long episode_id)
{
    bool risk = false;
    ASSERT_TRUE(!queued(store, unit_id, episode_id, &risk));
}

/* An assessed episode comes back with each risk flag its review has not covered, however the
 * flag arrives, and leaves with the review: a response, a review, a new flag; a flag from another
 * unit's episode before the episode began; a flag in answers changed through an invitation. */
static void test_triage_risk_of_assessed_episodes(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long p = add_patient(f.store, "198001010001", "A");
    long long a = add_episode(f.store, p, 4, T0);
    add_response(f.store, p, a, 2, 0, T0);
    mark_assessed(f.store, a, T0 + DAY);
    assert_not_queued(f.store, 4, a);
    add_response(f.store, p, a, 3, 1, T0 + 2 * DAY);
    assert_queued(f.store, 4, a, true);
    assert_queued(f.store, 0, a, true);
    review(f.store, p, T0 + 3 * DAY);
    assert_not_queued(f.store, 4, a);
    assert_not_queued(f.store, 0, a);
    add_response(f.store, p, a, 1, 1, T0 + 4 * DAY);
    assert_queued(f.store, 4, a, true);

    /* B's flag came at Ultuna; the episode at Gottsunda that follows is at risk too, also once
     * assessed, and so is the one at Ultuna once assessed. */
    p = add_patient(f.store, "198001010002", "B");
    long long b9 = add_episode(f.store, p, 9, T0);
    add_response(f.store, p, b9, 2, 1, T0);
    long long b4 = add_episode(f.store, p, 4, T0 + DAY);
    mark_assessed(f.store, b4, T0 + 2 * DAY);
    mark_assessed(f.store, b9, T0 + 2 * DAY);
    assert_queued(f.store, 4, b4, true);
    assert_queued(f.store, 9, b9, true);
    assert_not_queued(f.store, 9, b4);
    review(f.store, p, T0 + 3 * DAY);
    assert_not_queued(f.store, 4, b4);
    assert_not_queued(f.store, 9, b9);

    /* C answers through an invitation without a flag, is assessed and reviewed, then changes the
     * answers to ones with the flag: the changed response counts as stored after the review. */
    p = add_patient(f.store, "198001010003", "C");
    long long c = add_episode(f.store, p, 4, T0);
    make_invitation(f.store, "hash-c", p, c, T0 + 7 * DAY);
    struct store_response answers = response_row(0, 0, 10, 2, 0, T0 + 60);
    struct store_audit audit = audit_row(0, "response.create", p, 0);
    ASSERT_EQ_INT(store_response_put_invited(f.store, "hash-c", &answers, T0 + 60, &audit, NULL),
                  ERR_OK);
    mark_assessed(f.store, c, T0 + 120);
    review(f.store, p, T0 + 180);
    assert_not_queued(f.store, 4, c);
    answers = response_row(0, 0, 12, 2, 1, T0 + 240);
    ASSERT_EQ_INT(store_response_put_invited(f.store, "hash-c", &answers, T0 + 240, &audit, NULL),
                  ERR_OK);
    assert_queued(f.store, 4, c, true);
    fixture_release(&f);
}

/* Among episodes at risk, the highest severity first whatever the assessment, then the longest
 * waiting; an episode at risk after its assessment and one not yet assessed share the order. */
static void test_triage_order_among_risks(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long p = add_patient(f.store, "198001010001", "A"); /* assessed, severity 2, day 3 */
    long long a = add_episode(f.store, p, 4, T0 + 3 * DAY);
    add_response(f.store, p, a, 2, 1, T0 + 3 * DAY);
    mark_assessed(f.store, a, T0 + 4 * DAY);
    p = add_patient(f.store, "198001010002", "B"); /* not assessed, severity 4, day 5 */
    long long b = add_episode(f.store, p, 4, T0 + 5 * DAY);
    add_response(f.store, p, b, 4, 1, T0 + 5 * DAY);
    p = add_patient(f.store, "198001010003", "C"); /* assessed, severity 2, day 1 */
    long long c = add_episode(f.store, p, 4, T0 + 1 * DAY);
    add_response(f.store, p, c, 1, 0, T0 + 1 * DAY);
    add_response(f.store, p, c, 2, 1, T0 + 2 * DAY);
    mark_assessed(f.store, c, T0 + 6 * DAY);
    p = add_patient(f.store, "198001010004", "D"); /* not assessed, no risk, severity 4 */
    long long d = add_episode(f.store, p, 4, T0);
    add_response(f.store, p, d, 4, 0, T0);

    struct store_triage_row *rows = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_triage(f.store, 4, &rows, &count, NULL), ERR_OK);
    const long long want[] = { b, c, a, d };
    assert_order(rows, count, want, 4);
    ASSERT_EQ_INT(rows[0].max_severity, 4);
    ASSERT_EQ_INT(rows[1].max_severity, 2);
    ASSERT_TRUE(rows[2].unresolved_risk);
    ASSERT_TRUE(!rows[3].unresolved_risk);
    free(rows);
    fixture_release(&f);
}

/* A database as version 2 shipped (no triage_risk): migrate finds the assessed episodes at
 * risk among the rows it already has. */
static void test_triage_after_migrating_from_version_2(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long p = add_patient(f.store, "198001010001", "A");
    long long a = add_episode(f.store, p, 4, T0);
    add_response(f.store, p, a, 3, 1, T0);
    mark_assessed(f.store, a, T0 + DAY);
    store_close(f.store);
    f.store = NULL;
    char message[256];
    ASSERT_EQ_INT(testdb_exec(f.db, "DROP TABLE triage_risk", message, sizeof(message)), TESTDB_OK);
    ASSERT_EQ_INT(testdb_exec(f.db, "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
                              message, sizeof(message)),
                  TESTDB_OK);
    char backup[256];
    fixture_path(&f, "before-migrate.db", backup, sizeof(backup));
    int from = -1, to = -1;
    ASSERT_EQ_INT(store_migrate(f.db, backup, &from, &to, NULL), ERR_OK);
    ASSERT_EQ_INT(from, 2);
    ASSERT_EQ_INT(to, STORE_SCHEMA_VERSION);
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, NULL), ERR_OK);
    assert_queued(f.store, 4, a, true);
    review(f.store, p, T0 + 2 * DAY);
    assert_not_queued(f.store, 4, a);
    fixture_release(&f);
}

int main(void)
{
    RUN_TEST(test_invitation_round_trip);
    RUN_TEST(test_invited_responses_once);
    RUN_TEST(test_invitation_expired);
    RUN_TEST(test_invited_responses_all_or_nothing);
    RUN_TEST(test_triage_order);
    RUN_TEST(test_triage_risk_of_assessed_episodes);
    RUN_TEST(test_triage_order_among_risks);
    RUN_TEST(test_triage_after_migrating_from_version_2);
    TEST_SUMMARY();
}
