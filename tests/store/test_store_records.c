/* test_store_records.c - every record function round-trips on a real SQLite file, unknown ids are
 * ERR_NOT_FOUND, broken rules are ERR_CONFLICT / ERR_INVALID with nothing stored, and each
 * write leaves exactly its audit row. Unit ids are those of data/region.json: 4 = GOTTSUNDA,
 * 9 = ULTUNA. Times are around 2026-01-01 00:00 UTC (1767225600). */
#include "fixture.h"

static long long count_rows(const struct fixture *f, const char *sql)
{
    return testdb_int(f->db, sql);
}

static long long add_staff(struct store *store, const char *username, long long unit_id)
{
    struct store_staff staff;
    memset(&staff, 0, sizeof(staff));
    snprintf(staff.username, sizeof(staff.username), "%s", username);
    snprintf(staff.display_name, sizeof(staff.display_name), "Doctor %s", username);
    snprintf(staff.role, sizeof(staff.role), "clinician");
    staff.unit_id = unit_id;
    snprintf(staff.pw_hash, sizeof(staff.pw_hash), "$argon2id$v=19$fake");
    staff.active = true;
    struct store_audit audit = audit_row(0, "staff.create", 0, T0);
    ASSERT_EQ_INT(store_staff_add(store, &staff, &audit, NULL), ERR_OK);
    return staff.id;
}

static void test_units(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct store_unit unit;
    memset(&unit, 0, sizeof(unit));
    snprintf(unit.code, sizeof(unit.code), "SPEC");
    snprintf(unit.name, sizeof(unit.name), "Allmänpsykiatri Uppsala");
    snprintf(unit.kind, sizeof(unit.kind), "specialist");
    snprintf(unit.municipality_code, sizeof(unit.municipality_code), "0380");
    ASSERT_EQ_INT(store_unit_add(f.store, &unit, NULL), ERR_OK);
    ASSERT_EQ_INT(unit.id, 12); /* after the eleven seeded units */
    struct store_unit got;
    ASSERT_EQ_INT(store_unit_get(f.store, 12, &got, NULL), ERR_OK);
    ASSERT_STR_EQ(got.code, "SPEC");
    ASSERT_STR_EQ(got.name, "Allmänpsykiatri Uppsala");
    ASSERT_STR_EQ(got.kind, "specialist");
    ASSERT_STR_EQ(got.municipality_code, "0380");

    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_unit_add(f.store, &unit, &err), ERR_CONFLICT);
    ASSERT_STR_EQ(err.field, "code");
    ASSERT_STR_EQ(err.message, "unit code already in use");
    snprintf(unit.code, sizeof(unit.code), "OTHER");
    snprintf(unit.kind, sizeof(unit.kind), "hospital");
    ASSERT_EQ_INT(store_unit_add(f.store, &unit, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "kind");
    ASSERT_STR_EQ(err.message, "kind must be vardcentral, digital or specialist");
    snprintf(unit.kind, sizeof(unit.kind), "digital");
    snprintf(unit.municipality_code, sizeof(unit.municipality_code), "0999");
    ASSERT_EQ_INT(store_unit_add(f.store, &unit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.field, "municipality_code");
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM unit"), 12);

    ASSERT_EQ_INT(store_unit_get(f.store, 99, &got, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "unit 99 not found");
    ASSERT_EQ_INT(store_unit_by_code(f.store, "NOPE", &got, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.field, "code");
    fixture_release(&f);
}

static void test_staff_and_logins(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_staff(f.store, "anna", 4);
    long long bo = add_staff(f.store, "bo", 9);
    long long cleo = add_staff(f.store, "cleo", 4);
    ASSERT_EQ_INT(anna, 1);
    ASSERT_EQ_INT(cleo, 3);

    struct store_staff staff;
    ASSERT_EQ_INT(store_staff_by_username(f.store, "bo", &staff, NULL), ERR_OK);
    ASSERT_EQ_INT(staff.id, bo);
    ASSERT_STR_EQ(staff.display_name, "Doctor bo");
    ASSERT_STR_EQ(staff.role, "clinician");
    ASSERT_EQ_INT(staff.unit_id, 9);
    ASSERT_STR_EQ(staff.pw_hash, "$argon2id$v=19$fake");
    ASSERT_TRUE(staff.active);
    ASSERT_EQ_INT(staff.failed_logins, 0);

    struct store_staff *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_staff_list(f.store, 4, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_STR_EQ(list[0].username, "anna");
    ASSERT_STR_EQ(list[1].username, "cleo");
    free(list);
    ASSERT_EQ_INT(store_staff_list(f.store, 0, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 3);
    free(list);

    struct error err;
    error_clear(&err);
    memset(&staff, 0, sizeof(staff));
    snprintf(staff.username, sizeof(staff.username), "anna");
    snprintf(staff.role, sizeof(staff.role), "admin");
    struct store_audit audit = audit_row(0, "staff.create", 0, T0);
    ASSERT_EQ_INT(store_staff_add(f.store, &staff, &audit, &err), ERR_CONFLICT);
    ASSERT_STR_EQ(err.field, "username");
    ASSERT_STR_EQ(err.message, "username already taken");
    snprintf(staff.username, sizeof(staff.username), "dan");
    staff.unit_id = 77;
    ASSERT_EQ_INT(store_staff_add(f.store, &staff, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "unit 77 not found");
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit WHERE action = 'staff.create'"), 3);

    /* Two failures count up and lock; a success resets both. */
    audit = audit_row(anna, "login.failed", 0, T0);
    ASSERT_EQ_INT(store_staff_login_result(f.store, anna, false, 0, &audit, NULL), ERR_OK);
    audit = audit_row(anna, "login.locked", 0, T0 + 1);
    ASSERT_EQ_INT(store_staff_login_result(f.store, anna, false, T0 + 900, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(store_staff_get(f.store, anna, &staff, NULL), ERR_OK);
    ASSERT_EQ_INT(staff.failed_logins, 2);
    ASSERT_EQ_INT(staff.locked_until, T0 + 900);
    audit = audit_row(anna, "login", 0, T0 + 1000);
    ASSERT_EQ_INT(store_staff_login_result(f.store, anna, true, 0, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(store_staff_get(f.store, anna, &staff, NULL), ERR_OK);
    ASSERT_EQ_INT(staff.failed_logins, 0);
    ASSERT_EQ_INT(staff.locked_until, 0);
    ASSERT_EQ_INT(store_staff_login_result(f.store, 42, true, 0, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "staff member 42 not found");
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit WHERE actor_id = 1"), 3);
    ASSERT_EQ_INT(store_staff_get(f.store, 42, &staff, &err), ERR_NOT_FOUND);
    ASSERT_EQ_INT(store_staff_by_username(f.store, "nobody", &staff, &err), ERR_NOT_FOUND);
    fixture_release(&f);
}

static void test_sessions(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_staff(f.store, "anna", 4);
    struct store_session session;
    memset(&session, 0, sizeof(session));
    memset(session.token_hash, 'a', 64);
    session.staff_id = anna;
    session.created_at = T0;
    session.expires_at = T0 + 3600;
    memset(session.csrf, 'c', 64);
    ASSERT_EQ_INT(store_session_add(f.store, &session, NULL), ERR_OK);
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_session_add(f.store, &session, &err), ERR_CONFLICT);

    struct store_session got;
    struct store_staff staff;
    ASSERT_EQ_INT(store_session_get(f.store, session.token_hash, &got, &staff, NULL), ERR_OK);
    ASSERT_STR_EQ(got.token_hash, session.token_hash);
    ASSERT_EQ_INT(strlen(got.csrf), 64);
    ASSERT_EQ_INT(got.staff_id, anna);
    ASSERT_EQ_INT(got.created_at, T0);
    ASSERT_EQ_INT(got.expires_at, T0 + 3600);
    /* the session's staff member comes with it */
    ASSERT_EQ_INT(staff.id, anna);
    ASSERT_STR_EQ(staff.username, "anna");
    ASSERT_TRUE(staff.active);
    ASSERT_EQ_INT(store_session_get(f.store, session.token_hash, &got, NULL, NULL), ERR_OK);
    ASSERT_EQ_INT(got.staff_id, anna);

    ASSERT_EQ_INT(store_session_delete(f.store, session.token_hash, NULL), ERR_OK);
    ASSERT_EQ_INT(store_session_get(f.store, session.token_hash, &got, &staff, &err),
                  ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "no such session");
    ASSERT_EQ_INT(store_session_delete(f.store, session.token_hash, &err), ERR_NOT_FOUND);
    session.staff_id = 99;
    ASSERT_EQ_INT(store_session_add(f.store, &session, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "staff member 99 not found");
    fixture_release(&f);
}

static void test_patients(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct store_patient patient = patient_row("198507142385", "Anna Andersson");
    patient.listed_unit_id = 4;
    snprintf(patient.contact, sizeof(patient.contact), "anna@example.org");
    struct store_audit audit = audit_row(1, "patient.create", 0, T0 + 5);
    ASSERT_EQ_INT(store_patient_add(f.store, &patient, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(patient.id, 1);

    struct store_patient got;
    ASSERT_EQ_INT(store_patient_by_pnr(f.store, "198507142385", &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.id, 1);
    ASSERT_STR_EQ(got.name, "Anna Andersson");
    ASSERT_STR_EQ(got.birth_date, "1985-07-14");
    ASSERT_STR_EQ(got.sex, "female");
    ASSERT_STR_EQ(got.municipality_code, "0380");
    ASSERT_EQ_INT(got.listed_unit_id, 4);
    ASSERT_STR_EQ(got.contact, "anna@example.org");
    ASSERT_EQ_INT(got.created_at, T0);

    /* The same personnummer again: refused, and nothing else changed (no row, no audit). */
    long long audits = count_rows(&f, "SELECT count(*) FROM audit");
    struct store_patient twin = patient_row("198507142385", "Someone Else");
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_patient_add(f.store, &twin, &audit, &err), ERR_CONFLICT);
    ASSERT_STR_EQ(err.field, "pnr");
    ASSERT_STR_EQ(err.message, "personnummer already registered");
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM patient"), 1);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit"), audits);

    struct store_patient stray = patient_row("199001012382", "Bo Berg");
    stray.listed_unit_id = 55;
    ASSERT_EQ_INT(store_patient_add(f.store, &stray, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.field, "listed_unit_id");
    stray.listed_unit_id = 0;
    snprintf(stray.municipality_code, sizeof(stray.municipality_code), "9999");
    ASSERT_EQ_INT(store_patient_add(f.store, &stray, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "municipality 9999 not found");
    stray.municipality_code[0] = '\0'; /* not known: stored as none */
    ASSERT_EQ_INT(store_patient_add(f.store, &stray, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(store_patient_get(f.store, stray.id, &got, NULL), ERR_OK);
    ASSERT_STR_EQ(got.municipality_code, "");
    ASSERT_EQ_INT(got.listed_unit_id, 0);

    ASSERT_EQ_INT(store_patient_get(f.store, 404, &got, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "patient 404 not found");
    ASSERT_EQ_INT(store_patient_by_pnr(f.store, "200001012380", &got, &err), ERR_NOT_FOUND);

    bool yes = false;
    ASSERT_EQ_INT(store_patient_get_at_unit(f.store, 1, 4, &got, &yes, NULL), ERR_OK);
    ASSERT_EQ_INT(got.id, 1);
    ASSERT_EQ_INT(got.listed_unit_id, 4);
    ASSERT_TRUE(yes); /* listed there, no episode yet */
    ASSERT_EQ_INT(store_patient_get_at_unit(f.store, 1, 9, &got, &yes, NULL), ERR_OK);
    ASSERT_TRUE(!yes); /* neither listed nor an episode at unit 9 */
    add_episode(f.store, 1, 9, T0);
    ASSERT_EQ_INT(store_patient_get_at_unit(f.store, 1, 9, &got, &yes, NULL), ERR_OK);
    ASSERT_TRUE(yes); /* an episode there */
    yes = true;
    ASSERT_EQ_INT(store_patient_get_at_unit(f.store, 404, 4, &got, &yes, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "patient 404 not found");
    ASSERT_TRUE(!yes);
    fixture_release(&f);
}

static void test_episodes(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long patient = add_patient(f.store, "198507142385", "Anna Andersson");
    long long later = add_episode(f.store, patient, 9, T0 + 30 * DAY);
    long long first = add_episode(f.store, patient, 4, T0);

    struct store_episode episode;
    ASSERT_EQ_INT(store_episode_get(f.store, first, &episode, NULL), ERR_OK);
    ASSERT_EQ_INT(episode.patient_id, patient);
    ASSERT_EQ_INT(episode.unit_id, 4);
    ASSERT_STR_EQ(episode.source, "self");
    ASSERT_EQ_INT(episode.referred_at, T0);
    ASSERT_EQ_INT(episode.assessed_at, 0);
    ASSERT_EQ_INT(episode.step, -1);

    episode.assessed_at = T0 + 2 * DAY;
    episode.treatment_started_at = T0 + 9 * DAY;
    episode.ended_at = T0 + 90 * DAY;
    snprintf(episode.end_reason, sizeof(episode.end_reason), "completed");
    episode.step = 2;
    struct store_audit audit = audit_row(1, "episode.update", patient, T0);
    ASSERT_EQ_INT(store_episode_update(f.store, &episode, &audit, NULL), ERR_OK);

    struct store_episode *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_episode_list(f.store, patient, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_EQ_INT(list[0].id, first); /* oldest referral first */
    ASSERT_EQ_INT(list[0].assessed_at, T0 + 2 * DAY);
    ASSERT_EQ_INT(list[0].treatment_started_at, T0 + 9 * DAY);
    ASSERT_EQ_INT(list[0].ended_at, T0 + 90 * DAY);
    ASSERT_STR_EQ(list[0].end_reason, "completed");
    ASSERT_EQ_INT(list[0].step, 2);
    ASSERT_EQ_INT(list[1].id, later);
    free(list);

    struct error err;
    error_clear(&err);
    episode.id = 999;
    ASSERT_EQ_INT(store_episode_update(f.store, &episode, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "episode 999 not found");
    ASSERT_EQ_INT(store_episode_get(f.store, 999, &episode, &err), ERR_NOT_FOUND);
    memset(&episode, 0, sizeof(episode));
    episode.patient_id = 31;
    episode.unit_id = 4;
    snprintf(episode.source, sizeof(episode.source), "self");
    ASSERT_EQ_INT(store_episode_add(f.store, &episode, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.field, "patient_id");
    ASSERT_STR_EQ(err.message, "patient 31 not found");
    episode.patient_id = patient;
    snprintf(episode.source, sizeof(episode.source), "mail");
    ASSERT_EQ_INT(store_episode_add(f.store, &episode, &audit, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "source");
    ASSERT_EQ_INT(store_episode_list(f.store, 31, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 0);
    ASSERT_TRUE(list == NULL);
    fixture_release(&f);
}

static void test_responses_and_risk(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long bo = add_patient(f.store, "199001012382", "Bo Berg");
    long long episode = add_episode(f.store, anna, 4, T0);
    struct store_response response = response_row(anna, episode, 21, 4, 1, T0 + 100);
    response.entered_by = 0;
    struct store_audit audit = audit_row(0, "response.create", anna, 0);
    ASSERT_EQ_INT(store_response_add(f.store, &response, &audit, NULL), ERR_OK);
    add_response(f.store, anna, 0, 1, 4, T0 + 50); /* prorated, no episode, answered earlier */

    struct store_response *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_response_list(f.store, anna, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_EQ_INT(list[0].answered_at, T0 + 50); /* oldest first */
    ASSERT_EQ_INT(list[0].episode_id, 0);
    ASSERT_EQ_INT(list[0].flags, 4);
    ASSERT_EQ_INT(list[1].id, response.id);
    ASSERT_EQ_INT(list[1].episode_id, episode);
    ASSERT_STR_EQ(list[1].instrument, "phq9");
    ASSERT_STR_EQ(list[1].answers, "[1,1,1,1,1,1,1,1,1]");
    ASSERT_EQ_INT(list[1].total, 21);
    ASSERT_STR_EQ(list[1].band, "band4");
    ASSERT_EQ_INT(list[1].severity, 4);
    ASSERT_EQ_INT(list[1].flags, 1);
    ASSERT_STR_EQ(list[1].channel, "portal");
    free(list);

    /* Anna's episode is not Bo's. */
    struct error err;
    error_clear(&err);
    struct store_response wrong = response_row(bo, episode, 3, 0, 0, T0);
    ASSERT_EQ_INT(store_response_add(f.store, &wrong, &audit, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "episode_id");
    ASSERT_STR_EQ(err.message, "episode 1 belongs to another patient");
    wrong.episode_id = 999; /* no such episode */
    ASSERT_EQ_INT(store_response_add(f.store, &wrong, &audit, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "episode_id");
    ASSERT_STR_EQ(err.message, "no such episode 999");
    wrong.episode_id = 0;
    wrong.patient_id = 77;
    ASSERT_EQ_INT(store_response_add(f.store, &wrong, &audit, &err), ERR_NOT_FOUND);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM response"), 2);

    /* The flag on the response stored at T0+100 is unresolved until a review is stored after
     * it; what counts is the order of storing, not the times given: a review dated a second
     * before the flag still resolves it, and a response stored after the review (even one
     * dated earlier, a paper form typed in late) raises the flag again. */
    bool yes = false;
    ASSERT_EQ_INT(store_risk_unresolved(f.store, anna, &yes, NULL), ERR_OK);
    ASSERT_TRUE(yes);
    ASSERT_EQ_INT(store_risk_unresolved(f.store, bo, &yes, NULL), ERR_OK);
    ASSERT_TRUE(!yes);
    struct store_risk_review review;
    memset(&review, 0, sizeof(review));
    review.patient_id = anna;
    review.at = T0 + 99;
    snprintf(review.level, sizeof(review.level), "moderate");
    snprintf(review.note, sizeof(review.note), "Samtal, ingen plan.");
    audit = audit_row(1, "risk_review.create", anna, 0);
    ASSERT_EQ_INT(store_risk_review_add(f.store, &review, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(review.id, 1);
    ASSERT_EQ_INT(store_risk_unresolved(f.store, anna, &yes, NULL), ERR_OK);
    ASSERT_TRUE(!yes);
    add_response(f.store, anna, episode, 3, 1 | 4, T0 + 50); /* stored later, dated earlier */
    ASSERT_EQ_INT(store_risk_unresolved(f.store, anna, &yes, NULL), ERR_OK);
    ASSERT_TRUE(yes);
    review.at = T0 + 100;
    ASSERT_EQ_INT(store_risk_review_add(f.store, &review, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(store_risk_unresolved(f.store, anna, &yes, NULL), ERR_OK);
    ASSERT_TRUE(!yes);
    add_response(f.store, anna, episode, 3, 1 | 4, T0 + 200);
    ASSERT_EQ_INT(store_risk_unresolved(f.store, anna, &yes, NULL), ERR_OK);
    ASSERT_TRUE(yes);
    snprintf(review.level, sizeof(review.level), "extreme");
    ASSERT_EQ_INT(store_risk_review_add(f.store, &review, &audit, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "level");
    review.patient_id = 12;
    ASSERT_EQ_INT(store_risk_review_add(f.store, &review, &audit, &err), ERR_NOT_FOUND);
    /* An episode that has ended takes no more responses. */
    struct store_episode ended;
    ASSERT_EQ_INT(store_episode_get(f.store, episode, &ended, NULL), ERR_OK);
    ended.ended_at = T0 + 200;
    snprintf(ended.end_reason, sizeof(ended.end_reason), "completed");
    struct store_audit end_audit = audit_row(0, "episode.update", anna, 0);
    ASSERT_EQ_INT(store_episode_update(f.store, &ended, &end_audit, NULL), ERR_OK);
    struct store_response late = response_row(anna, episode, 3, 0, 0, T0 + 300);
    ASSERT_EQ_INT(store_response_add(f.store, &late, &audit, &err), ERR_CONFLICT);
    ASSERT_STR_EQ(err.field, "episode_id");
    fixture_release(&f);
}

static void test_assessments(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long clinician = add_staff(f.store, "anna", 4);
    long long episode = add_episode(f.store, anna, 4, T0);
    struct store_assessment assessment;
    memset(&assessment, 0, sizeof(assessment));
    assessment.episode_id = episode;
    assessment.staff_id = clinician;
    assessment.at = T0 + 2 * DAY;
    snprintf(assessment.problem, sizeof(assessment.problem), "nedstämdhet");
    assessment.recommended_step = 2;
    assessment.chosen_step = 2;
    struct store_audit audit = audit_row(clinician, "assessment.create", anna, 0);
    ASSERT_EQ_INT(store_assessment_add(f.store, &assessment, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(assessment.id, 1);
    struct store_episode got;
    ASSERT_EQ_INT(store_episode_get(f.store, episode, &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.assessed_at, T0 + 2 * DAY);
    ASSERT_EQ_INT(got.step, 2);

    /* A later one changes the step but not when the episode was first assessed. */
    struct error err;
    error_clear(&err);
    assessment.at = T0 + 20 * DAY;
    assessment.chosen_step = 3;
    ASSERT_EQ_INT(store_assessment_add(f.store, &assessment, &audit, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "reason");
    ASSERT_STR_EQ(err.message,
                  "a chosen step that differs from the recommended step needs a reason");
    snprintf(assessment.reason, sizeof(assessment.reason), "tidigare iKBT utan effekt");
    ASSERT_EQ_INT(store_assessment_add(f.store, &assessment, &audit, NULL), ERR_OK);
    ASSERT_EQ_INT(store_episode_get(f.store, episode, &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.assessed_at, T0 + 2 * DAY);
    ASSERT_EQ_INT(got.step, 3);

    struct store_assessment *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_assessment_list(f.store, episode, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_EQ_INT(list[0].at, T0 + 2 * DAY);
    ASSERT_STR_EQ(list[0].problem, "nedstämdhet");
    ASSERT_EQ_INT(list[0].staff_id, clinician);
    ASSERT_STR_EQ(list[0].reason, "");
    ASSERT_EQ_INT(list[1].chosen_step, 3);
    ASSERT_EQ_INT(list[1].recommended_step, 2);
    ASSERT_STR_EQ(list[1].reason, "tidigare iKBT utan effekt");
    free(list);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit WHERE action = 'assessment.create'"),
                  2);
    assessment.episode_id = 50;
    ASSERT_EQ_INT(store_assessment_add(f.store, &assessment, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "episode 50 not found");
    fixture_release(&f);
}

static void test_contract_history(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long clinician = add_staff(f.store, "anna", 4);
    long long episode = add_episode(f.store, anna, 4, T0);
    struct error err;
    error_clear(&err);
    struct store_contract contract;
    ASSERT_EQ_INT(store_contract_get(f.store, episode, &contract, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "episode 1 has no contract");

    static const char *const goals[] = { "sova bättre", "tillbaka till arbetet", "färre oro" };
    for (int i = 0; i < 3; i++) {
        memset(&contract, 0, sizeof(contract));
        contract.episode_id = episode;
        contract.contact_staff_id = clinician;
        snprintf(contract.goals, sizeof(contract.goals), "%s", goals[i]);
        snprintf(contract.plan, sizeof(contract.plan), "iKBT, 8 veckor");
        contract.next_contact_at = T0 + (i + 1) * 7 * DAY;
        contract.updated_at = T0 + i * DAY;
        contract.updated_by = clinician;
        struct store_audit audit = audit_row(clinician, "contract.update", anna, 0);
        ASSERT_EQ_INT(store_contract_put(f.store, &contract, &audit, NULL), ERR_OK);
        ASSERT_EQ_INT(contract.version, i + 1);
    }
    struct store_contract current;
    ASSERT_EQ_INT(store_contract_get(f.store, episode, &current, NULL), ERR_OK);
    ASSERT_EQ_INT(current.version, 3);
    ASSERT_STR_EQ(current.goals, "färre oro");
    ASSERT_EQ_INT(current.next_contact_at, T0 + 21 * DAY);
    ASSERT_EQ_INT(current.contact_staff_id, clinician);

    struct store_contract *history = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_contract_history(f.store, episode, &history, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 3);
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ_INT(history[i].version, i + 1);
        ASSERT_STR_EQ(history[i].goals, goals[i]);
        ASSERT_EQ_INT(history[i].updated_at, T0 + i * DAY);
        ASSERT_STR_EQ(history[i].plan, "iKBT, 8 veckor");
    }
    free(history);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM contract"), 1);

    contract.episode_id = 8;
    struct store_audit audit = audit_row(clinician, "contract.update", anna, 0);
    ASSERT_EQ_INT(store_contract_put(f.store, &contract, &audit, &err), ERR_NOT_FOUND);
    contract.episode_id = episode;
    contract.contact_staff_id = 66;
    ASSERT_EQ_INT(store_contract_put(f.store, &contract, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.field, "contact_staff_id");
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM contract_history"), 3);
    fixture_release(&f);
}

static void test_appointments(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson");
    long long clinician = add_staff(f.store, "anna", 4);
    long long episode = add_episode(f.store, anna, 4, T0);
    struct store_appointment appointment;
    memset(&appointment, 0, sizeof(appointment));
    appointment.episode_id = episode;
    appointment.staff_id = clinician;
    appointment.at = T0 + 14 * DAY;
    snprintf(appointment.intervention_code, sizeof(appointment.intervention_code), "kbt");
    snprintf(appointment.status, sizeof(appointment.status), "booked");
    struct store_audit audit = audit_row(clinician, "appointment.create", anna, 0);
    ASSERT_EQ_INT(store_appointment_add(f.store, &appointment, &audit, NULL), ERR_OK);
    long long second_id = appointment.id;
    appointment.at = T0 + 7 * DAY;
    appointment.intervention_code[0] = '\0'; /* an assessment visit: no intervention */
    ASSERT_EQ_INT(store_appointment_add(f.store, &appointment, &audit, NULL), ERR_OK);

    audit = audit_row(clinician, "appointment.update", anna, 0);
    ASSERT_EQ_INT(store_appointment_set_status(f.store, second_id, "attended", &audit, NULL),
                  ERR_OK);
    struct store_appointment got;
    ASSERT_EQ_INT(store_appointment_get(f.store, second_id, &got, NULL), ERR_OK);
    ASSERT_STR_EQ(got.status, "attended");
    ASSERT_STR_EQ(got.intervention_code, "kbt");
    ASSERT_EQ_INT(got.staff_id, clinician);
    ASSERT_EQ_INT(got.at, T0 + 14 * DAY);

    struct store_appointment *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_appointment_list(f.store, episode, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_EQ_INT(list[0].at, T0 + 7 * DAY);
    ASSERT_STR_EQ(list[0].intervention_code, "");
    ASSERT_STR_EQ(list[0].status, "booked");
    ASSERT_EQ_INT(list[1].id, second_id);
    free(list);

    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_appointment_set_status(f.store, second_id, "maybe", &audit, &err),
                  ERR_INVALID);
    ASSERT_STR_EQ(err.field, "status");
    ASSERT_EQ_INT(store_appointment_set_status(f.store, 70, "missed", &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "appointment 70 not found");
    ASSERT_EQ_INT(store_appointment_get(f.store, 70, &got, &err), ERR_NOT_FOUND);
    snprintf(appointment.intervention_code, sizeof(appointment.intervention_code), "yoga");
    ASSERT_EQ_INT(store_appointment_add(f.store, &appointment, &audit, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.message, "intervention yoga not found");
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit WHERE action LIKE 'appointment.%'"),
                  3);
    fixture_release(&f);
}

static void test_audit_rows(void)
{
    struct fixture f;
    fixture_open(&f, true);
    long long anna = add_patient(f.store, "198507142385", "Anna Andersson"); /* audit 1, now */
    struct store_audit audit = audit_row(5, "patient.read", anna, T0);
    audit.emergency = true;
    snprintf(audit.detail, sizeof(audit.detail), "akut: medvetslös på akuten");
    ASSERT_EQ_INT(store_audit_add(f.store, &audit, NULL), ERR_OK);
    audit = audit_row(6, "patient.read", anna, T0 + 10);
    ASSERT_EQ_INT(store_audit_add(f.store, &audit, NULL), ERR_OK);
    audit = audit_row(5, "login", 0, T0 + 20);
    ASSERT_EQ_INT(store_audit_add(f.store, &audit, NULL), ERR_OK);

    struct store_audit_filter filter = { anna, 0, 0, 0, 100 };
    struct store_audit *rows = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_audit_query(f.store, &filter, &rows, &count, NULL), ERR_OK);
    /* The create row names the new patient (the store fills in the id it just made); it was
     * written "now", after T0 + 10, so it comes first, newest first. */
    ASSERT_EQ_INT(count, 3);
    ASSERT_STR_EQ(rows[0].action, "patient.create");
    ASSERT_EQ_INT(rows[0].patient_id, anna);
    ASSERT_EQ_INT(rows[1].at, T0 + 10);
    ASSERT_EQ_INT(rows[1].actor_id, 6);
    ASSERT_EQ_INT(rows[2].actor_id, 5);
    ASSERT_TRUE(rows[2].emergency);
    ASSERT_STR_EQ(rows[2].detail, "akut: medvetslös på akuten");
    ASSERT_STR_EQ(rows[2].action, "patient.read");
    ASSERT_STR_EQ(rows[2].actor, "clin1");
    free(rows);

    filter = (struct store_audit_filter){ 0, 5, 0, 0, 100 };
    ASSERT_EQ_INT(store_audit_query(f.store, &filter, &rows, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_STR_EQ(rows[0].action, "login");
    free(rows);
    filter = (struct store_audit_filter){ anna, 5, 0, 0, 100 };
    ASSERT_EQ_INT(store_audit_query(f.store, &filter, &rows, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 1);
    free(rows);
    filter = (struct store_audit_filter){ 0, 0, T0 + 5, T0 + 20, 100 };
    ASSERT_EQ_INT(store_audit_query(f.store, &filter, &rows, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2); /* T0+10 and T0+20: both ends included */
    free(rows);
    filter = (struct store_audit_filter){ 0, 0, 0, 0, 1 };
    ASSERT_EQ_INT(store_audit_query(f.store, &filter, &rows, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 1);
    ASSERT_STR_EQ(rows[0].action, "patient.create"); /* at = now, after 2026-01-01 */
    ASSERT_TRUE(rows[0].at >= T0);
    free(rows);

    struct error err;
    error_clear(&err);
    filter.limit = 0;
    ASSERT_EQ_INT(store_audit_query(f.store, &filter, &rows, &count, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "limit");
    ASSERT_TRUE(rows == NULL);
    filter.limit = 1001;
    ASSERT_EQ_INT(store_audit_query(f.store, &filter, &rows, &count, &err), ERR_INVALID);
    ASSERT_EQ_INT(count_rows(&f, "SELECT count(*) FROM audit"), 4);
    fixture_release(&f);
}

int main(void)
{
    RUN_TEST(test_units);
    RUN_TEST(test_staff_and_logins);
    RUN_TEST(test_sessions);
    RUN_TEST(test_patients);
    RUN_TEST(test_episodes);
    RUN_TEST(test_responses_and_risk);
    RUN_TEST(test_assessments);
    RUN_TEST(test_contract_history);
    RUN_TEST(test_appointments);
    RUN_TEST(test_audit_rows);
    TEST_SUMMARY();
}
