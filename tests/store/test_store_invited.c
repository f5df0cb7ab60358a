/* test_store_invited.c - answers saved one questionnaire at a time through an invitation (the
 * patient's pages): stored at once, replaced when changed (with a new id, so a risk review
 * never hides a changed risk answer), refused once the link is used or expired, and finished
 * only when every questionnaire is answered; and the municipalities the self-referral page
 * offers. Unit 4 = GOTTSUNDA. */
#include "fixture.h"

/* One questionnaire's answers as the page sends them: no patient (the invitation says whose). */
static struct store_response answers(const char *instrument, int total, unsigned flags,
                                     long long at)
{
    struct store_response response = response_row(0, 0, total, total / 5, flags, at);
    snprintf(response.instrument, sizeof(response.instrument), "%s", instrument);
    return response;
}

static enum err_code put(struct fixture *f, const char *hash, struct store_response *response,
                         long long now, struct error *err)
{
    struct store_audit audit = audit_row(0, "response.create", 0, now);
    snprintf(audit.actor, sizeof(audit.actor), "invitation");
    return store_response_put_invited(f->store, hash, response, now, &audit, err);
}

static long long count_rows(const struct fixture *f, const char *sql)
{
    return testdb_int(f->db, sql);
}

static void test_put_stores_at_once(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, anna, 4, T0);
    make_invitation(f.store, "hash-1", anna, episode, T0 + 7 * DAY);

    /* PHQ-9 with the risk item answered: the clinic sees the flag before the patient goes on. */
    struct store_response phq9 = answers("phq9", 14, FLAG_RISK, T0 + 60);
    ASSERT_EQ_INT(put(&f, "hash-1", &phq9, T0 + 60, NULL), ERR_OK);
    ASSERT_EQ_INT(phq9.id, 1);
    ASSERT_EQ_INT(phq9.patient_id, anna);
    ASSERT_EQ_INT(phq9.episode_id, episode);
    bool risk = false;
    ASSERT_EQ_INT(store_risk_unresolved(f.store, anna, &risk, NULL), ERR_OK);
    ASSERT_TRUE(risk);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM response WHERE invitation_hash = 'hash-1'"),
                  1);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit WHERE action = 'response.create' "
                                 "AND actor = 'invitation'"),
                  1);

    struct store_response *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_response_list_invited(f.store, "hash-1", &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 1);
    ASSERT_STR_EQ(list[0].instrument, "phq9");
    ASSERT_EQ_INT(list[0].total, 14);
    ASSERT_EQ_INT(list[0].flags, FLAG_RISK);
    ASSERT_STR_EQ(list[0].channel, "portal");
    free(list);

    /* The invitation stays open: nothing is finished by saving. */
    struct store_invitation got;
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.used_at, 0);

    ASSERT_EQ_INT(store_response_list_invited(f.store, "nope", &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 0);
    ASSERT_TRUE(list == NULL);
    fixture_release(&f);
}

/* Going back and changing an answer replaces the response; the replacement gets an id above
 * every earlier one, so a risk review written between the two saves does not resolve it. */
static void test_put_replaces_with_new_id(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, anna, 4, T0);
    make_invitation(f.store, "hash-1", anna, episode, T0 + 7 * DAY);

    struct store_response first = answers("phq9", 9, 0, T0 + 60);
    ASSERT_EQ_INT(put(&f, "hash-1", &first, T0 + 60, NULL), ERR_OK);
    ASSERT_EQ_INT(first.id, 1);

    struct store_risk_review review;
    memset(&review, 0, sizeof(review));
    review.patient_id = anna;
    review.at = T0 + 120;
    snprintf(review.level, sizeof(review.level), "low");
    struct store_audit audit = audit_row(1, "risk_review.create", anna, 0);
    ASSERT_EQ_INT(store_risk_review_add(f.store, &review, &audit, NULL), ERR_OK);

    /* Response 1 was the newest row: a delete-and-insert would have taken id 1 again. */
    struct store_response changed = answers("phq9", 10, FLAG_RISK, T0 + 180);
    ASSERT_EQ_INT(put(&f, "hash-1", &changed, T0 + 180, NULL), ERR_OK);
    ASSERT_EQ_INT(changed.id, 2);
    bool risk = false;
    ASSERT_EQ_INT(store_risk_unresolved(f.store, anna, &risk, NULL), ERR_OK);
    ASSERT_TRUE(risk);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM response"), 1);
    ASSERT_EQ_INT(count_rows(&f, "SELECT total FROM response WHERE id = 2"), 10);
    ASSERT_EQ_INT(count_rows(&f, "SELECT answered_at FROM response WHERE id = 2"), T0 + 180);

    /* GAD-7 next to it: a second row; then PHQ-9 changed again takes id 4, not 3. */
    struct store_response gad7 = answers("gad7", 6, 0, T0 + 240);
    ASSERT_EQ_INT(put(&f, "hash-1", &gad7, T0 + 240, NULL), ERR_OK);
    ASSERT_EQ_INT(gad7.id, 3);
    ASSERT_EQ_INT(put(&f, "hash-1", &changed, T0 + 300, NULL), ERR_OK);
    ASSERT_EQ_INT(changed.id, 4);

    struct store_response *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_response_list_invited(f.store, "hash-1", &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_STR_EQ(list[0].instrument, "gad7");
    ASSERT_STR_EQ(list[1].instrument, "phq9");
    free(list);
    fixture_release(&f);
}

static void test_put_refused(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, anna, 4, T0);
    make_invitation(f.store, "hash-1", anna, episode, T0 + 7 * DAY);
    struct error err;
    error_clear(&err);

    struct store_response response = answers("phq9", 9, 0, T0);
    ASSERT_EQ_INT(put(&f, "nope", &response, T0, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "no such invitation");

    struct store_response audit_c = answers("audit", 9, 0, T0);
    ASSERT_EQ_INT(put(&f, "hash-1", &audit_c, T0, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "instrument");
    ASSERT_STR_EQ(err.message, "the invitation does not ask for audit");

    /* expires_at is the first second it no longer works */
    ASSERT_EQ_INT(put(&f, "hash-1", &response, T0 + 7 * DAY, &err), ERR_GONE);
    ASSERT_STR_EQ(err.message, "invitation expired");
    ASSERT_STR_EQ(err.field, "token_hash");

    struct store_response bad = answers("phq9", 9, 0, T0);
    snprintf(bad.channel, sizeof(bad.channel), "fax");
    ASSERT_EQ_INT(put(&f, "hash-1", &bad, T0, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "channel");

    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM response"), 0);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit WHERE action = 'response.create'"), 0);
    fixture_release(&f);
}

static void test_finish(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, anna, 4, T0);
    make_invitation(f.store, "hash-1", anna, episode, T0 + 7 * DAY);
    struct store_audit audit = audit_row(0, "invitation.finish", anna, 0);
    struct error err;
    error_clear(&err);

    struct store_response phq9 = answers("phq9", 9, 0, T0 + 60);
    ASSERT_EQ_INT(put(&f, "hash-1", &phq9, T0 + 60, NULL), ERR_OK);
    /* GAD-7 is not answered yet: the invitation stays open. */
    ASSERT_EQ_INT(store_invitation_finish(f.store, "hash-1", T0 + 90, &audit, &err), ERR_CONFLICT);
    ASSERT_STR_EQ(err.field, "instruments");
    ASSERT_STR_EQ(err.message, "not every instrument is answered");
    struct store_invitation got;
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.used_at, 0);

    struct store_response gad7 = answers("gad7", 6, 0, T0 + 120);
    ASSERT_EQ_INT(put(&f, "hash-1", &gad7, T0 + 120, NULL), ERR_OK);
    ASSERT_EQ_INT(store_invitation_finish(f.store, "hash-1", T0 + 150, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.used_at, T0 + 150);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit WHERE action = 'invitation.finish'"),
                  1);

    /* Finished: no more changes, and finishing again says so. */
    ASSERT_EQ_INT(put(&f, "hash-1", &gad7, T0 + 180, &err), ERR_GONE);
    ASSERT_STR_EQ(err.message, "invitation already used");
    ASSERT_EQ_INT(count_rows(&f, "SELECT total FROM response WHERE instrument = 'gad7'"), 6);
    ASSERT_EQ_INT(store_invitation_finish(f.store, "hash-1", T0 + 200, &audit, &err), ERR_GONE);
    ASSERT_EQ_INT(store_invitation_finish(f.store, "nope", T0 + 200, &audit, &err), ERR_NOT_FOUND);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit WHERE action = 'invitation.finish'"),
                  1);
    fixture_release(&f);
}

/* The JSON API's all-at-once answer after some pages were saved: it replaces them. */
static void test_add_invited_after_put(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long episode = add_episode(f.store, anna, 4, T0);
    make_invitation(f.store, "hash-1", anna, episode, T0 + 7 * DAY);
    struct store_response phq9 = answers("phq9", 9, 0, T0 + 60);
    ASSERT_EQ_INT(put(&f, "hash-1", &phq9, T0 + 60, NULL), ERR_OK);

    struct store_response both[2] = { answers("phq9", 14, 0, T0 + 90),
                                      answers("gad7", 6, 0, T0 + 90) };
    struct store_audit audit = audit_row(0, "response.create", anna, 0);
    ASSERT_EQ_INT(store_response_add_invited(f.store, "hash-1", both, 2, T0 + 90, &audit, NULL),
                  ERR_OK);
    ASSERT_EQ_INT(both[0].id, 2);
    ASSERT_EQ_INT(both[1].id, 3);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM response"), 2);
    ASSERT_EQ_INT(count_rows(&f, "SELECT total FROM response WHERE instrument = 'phq9'"), 14);
    struct store_invitation got;
    ASSERT_EQ_INT(store_invitation_get(f.store, "hash-1", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.used_at, T0 + 90);
    fixture_release(&f);
}

/* The shipped region's eight municipalities, by name (byte order: Å, Ä, Ö come last). */
static void test_municipality_list(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct store_municipality *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_municipality_list(f.store, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 8);
    ASSERT_STR_EQ(list[0].code, "0381");
    ASSERT_STR_EQ(list[0].name, "Enköping");
    ASSERT_STR_EQ(list[5].name, "Uppsala");
    ASSERT_STR_EQ(list[5].code, "0380");
    ASSERT_STR_EQ(list[7].name, "Östhammar");
    free(list);
    fixture_release(&f);
}

int main(void)
{
    RUN_TEST(test_put_stores_at_once);
    RUN_TEST(test_put_replaces_with_new_id);
    RUN_TEST(test_put_refused);
    RUN_TEST(test_finish);
    RUN_TEST(test_add_invited_after_put);
    RUN_TEST(test_municipality_list);
    TEST_SUMMARY();
}
