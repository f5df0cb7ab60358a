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

int main(void)
{
    RUN_TEST(test_invitation_round_trip);
    RUN_TEST(test_invited_responses_once);
    RUN_TEST(test_invitation_expired);
    RUN_TEST(test_invited_responses_all_or_nothing);
    RUN_TEST(test_triage_order);
    TEST_SUMMARY();
}
