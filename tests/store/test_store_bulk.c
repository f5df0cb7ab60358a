/* test_store_bulk.c - bulk loads: every row kind round-trips through the normal read functions,
 * chunks are committed (and visible to another connection) as the load goes, one audit row
 * covers the whole load, a failure rolls back only the chunk in progress, and a load that needs
 * an empty database refuses one with data. Also the training records. Unit ids are those of
 * data/region.json: 4 = GOTTSUNDA. Times are around 2026-01-01 00:00 UTC (1767225600). */
#include "fixture.h"

static long long count_rows_of(const struct fixture *f, const char *sql)
{
    return testdb_int(f->db, sql);
}

static struct store_audit load_audit(void)
{
    struct store_audit audit = audit_row(0, "demo.generate", 0, 0);
    snprintf(audit.detail, sizeof(audit.detail), "test load");
    return audit;
}

static struct store_bulk *begin(struct fixture *f, int chunk_rows, bool require_empty)
{
    struct store_bulk_options opts = { chunk_rows, require_empty };
    struct store_audit audit = load_audit();
    struct store_bulk *bulk = NULL;
    struct error err;
    error_clear(&err);
    if (store_bulk_begin(f->store, &opts, &audit, &bulk, &err) != ERR_OK)
        TEST_FAIL("store_bulk_begin: %s", err.message);
    return bulk;
}

static long long bulk_patient(struct store_bulk *bulk, const char *pnr)
{
    struct store_patient patient = patient_row(pnr, "Bulk Patient");
    patient.listed_unit_id = 4;
    struct error err;
    error_clear(&err);
    if (store_bulk_patient(bulk, &patient, &err) != ERR_OK)
        TEST_FAIL("store_bulk_patient(%s): %s", pnr, err.message);
    return patient.id;
}

static long long bulk_staff(struct store_bulk *bulk, const char *username)
{
    struct store_staff staff;
    memset(&staff, 0, sizeof(staff));
    snprintf(staff.username, sizeof(staff.username), "%s", username);
    snprintf(staff.display_name, sizeof(staff.display_name), "Kliniker %s", username);
    snprintf(staff.role, sizeof(staff.role), "clinician");
    staff.unit_id = 4;
    snprintf(staff.pw_hash, sizeof(staff.pw_hash), "!");
    staff.active = true;
    ASSERT_EQ_INT(store_bulk_staff(bulk, &staff, NULL), ERR_OK);
    return staff.id;
}

static void test_every_row_kind_round_trips(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct store_bulk *bulk = begin(&f, 0, true);
    long long staff_id = bulk_staff(bulk, "klin");
    struct store_training training = { staff_id, "stegvis_grund", T0 - 30 * DAY };
    ASSERT_EQ_INT(store_bulk_training(bulk, &training, NULL), ERR_OK);
    long long patient_id = bulk_patient(bulk, "196408233234");
    ASSERT_EQ_INT(patient_id, 1);

    struct store_episode episode;
    memset(&episode, 0, sizeof(episode));
    episode.patient_id = patient_id;
    episode.unit_id = 4;
    snprintf(episode.source, sizeof(episode.source), "clinic");
    episode.referred_at = T0;
    episode.assessed_at = T0 + DAY;
    episode.treatment_started_at = T0 + 8 * DAY;
    episode.ended_at = T0 + 60 * DAY;
    snprintf(episode.end_reason, sizeof(episode.end_reason), "completed");
    episode.step = 2;
    snprintf(episode.problem, sizeof(episode.problem), "Oro och ångest");
    ASSERT_EQ_INT(store_bulk_episode(bulk, &episode, NULL), ERR_OK);

    /* PHQ-9 1,2,3,0,1,2,3,0,1 = 13 moderate, item 9 = 1: risk (spec 1.1, 2.1) */
    struct store_response response;
    memset(&response, 0, sizeof(response));
    response.patient_id = patient_id;
    response.episode_id = episode.id;
    snprintf(response.instrument, sizeof(response.instrument), "phq9");
    snprintf(response.answers, sizeof(response.answers), "[1,2,3,0,1,2,3,0,1]");
    response.total = 13;
    snprintf(response.band, sizeof(response.band), "moderate");
    response.severity = 2;
    response.flags = FLAG_RISK;
    response.answered_at = T0 + DAY - 900;
    response.entered_by = staff_id;
    snprintf(response.channel, sizeof(response.channel), "clinic");
    ASSERT_EQ_INT(store_bulk_response(bulk, &response, NULL), ERR_OK);

    struct store_risk_review review;
    memset(&review, 0, sizeof(review));
    review.patient_id = patient_id;
    review.staff_id = staff_id;
    review.at = T0 + DAY;
    snprintf(review.level, sizeof(review.level), "low");
    ASSERT_EQ_INT(store_bulk_risk_review(bulk, &review, NULL), ERR_OK);

    struct store_assessment assessment;
    memset(&assessment, 0, sizeof(assessment));
    assessment.episode_id = episode.id;
    assessment.staff_id = staff_id;
    assessment.at = T0 + DAY;
    assessment.recommended_step = 3;
    assessment.chosen_step = 2;
    snprintf(assessment.reason, sizeof(assessment.reason), "Patienten önskar internet-KBT");
    ASSERT_EQ_INT(store_bulk_assessment(bulk, &assessment, NULL), ERR_OK);

    struct store_contract contract;
    memset(&contract, 0, sizeof(contract));
    contract.episode_id = episode.id;
    contract.version = 1;
    contract.contact_staff_id = staff_id;
    snprintf(contract.goals, sizeof(contract.goals), "Sova bättre");
    contract.updated_at = T0 + DAY;
    contract.updated_by = staff_id;
    ASSERT_EQ_INT(store_bulk_contract(bulk, &contract, NULL), ERR_OK);
    contract.version = 2;
    snprintf(contract.plan, sizeof(contract.plan), "Internet-KBT");
    contract.updated_at = T0 + 20 * DAY;
    ASSERT_EQ_INT(store_bulk_contract(bulk, &contract, NULL), ERR_OK);

    struct store_appointment appointment;
    memset(&appointment, 0, sizeof(appointment));
    appointment.episode_id = episode.id;
    appointment.staff_id = staff_id;
    appointment.at = T0 + 8 * DAY;
    snprintf(appointment.intervention_code, sizeof(appointment.intervention_code), "ikbt");
    snprintf(appointment.status, sizeof(appointment.status), "attended");
    ASSERT_EQ_INT(store_bulk_appointment(bulk, &appointment, NULL), ERR_OK);

    struct store_bulk_stats stats;
    store_bulk_stats(bulk, &stats);
    ASSERT_EQ_INT(stats.rows, 12); /* a contract version is two rows: history and current */
    ASSERT_EQ_INT(stats.commits, 0);
    ASSERT_EQ_INT(store_bulk_commit(bulk, NULL), ERR_OK);

    struct store_patient patient;
    ASSERT_EQ_INT(store_patient_by_pnr(f.store, "196408233234", &patient, NULL), ERR_OK);
    ASSERT_EQ_INT(patient.created_at, T0);
    ASSERT_EQ_INT(patient.listed_unit_id, 4);
    struct store_episode got;
    ASSERT_EQ_INT(store_episode_get(f.store, episode.id, &got, NULL), ERR_OK);
    ASSERT_EQ_INT(got.step, 2);
    ASSERT_EQ_INT(got.ended_at, T0 + 60 * DAY);
    ASSERT_STR_EQ(got.end_reason, "completed");
    struct store_response *responses = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_response_list(f.store, patient_id, &responses, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 1);
    ASSERT_STR_EQ(responses[0].answers, "[1,2,3,0,1,2,3,0,1]");
    ASSERT_EQ_INT(responses[0].flags, FLAG_RISK);
    free(responses);
    bool unresolved = true;
    ASSERT_EQ_INT(store_risk_unresolved(f.store, patient_id, &unresolved, NULL), ERR_OK);
    ASSERT_TRUE(!unresolved); /* the review came after the flagged response */
    struct store_contract current;
    ASSERT_EQ_INT(store_contract_get(f.store, episode.id, &current, NULL), ERR_OK);
    ASSERT_EQ_INT(current.version, 2);
    ASSERT_STR_EQ(current.plan, "Internet-KBT");
    struct store_contract *history = NULL;
    ASSERT_EQ_INT(store_contract_history(f.store, episode.id, &history, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    free(history);
    struct store_assessment *assessments = NULL;
    ASSERT_EQ_INT(store_assessment_list(f.store, episode.id, &assessments, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 1);
    ASSERT_EQ_INT(assessments[0].chosen_step, 2);
    free(assessments);
    struct store_training *courses = NULL;
    ASSERT_EQ_INT(store_training_list(f.store, staff_id, &courses, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 1);
    ASSERT_STR_EQ(courses[0].course, "stegvis_grund");
    free(courses);
    /* one audit row for the load, none per row */
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM audit"), 1);
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM audit WHERE action = 'demo.generate' "
                                    "AND actor = 'system' AND detail = 'test load'"),
                  1);
    fixture_release(&f);
}

static void test_chunks_commit_as_the_load_goes(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct store_bulk *bulk = begin(&f, 3, false);
    char pnr[16];
    for (int i = 1; i <= 4; i++) {
        snprintf(pnr, sizeof(pnr), "1990010100%02d", i);
        bulk_patient(bulk, pnr);
    }
    /* the fourth patient began a new chunk: the first three (and the audit row) are committed */
    struct store_bulk_stats stats;
    store_bulk_stats(bulk, &stats);
    ASSERT_EQ_INT(stats.commits, 1);
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM patient"), 3);
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM audit"), 1);
    /* a broken row fails the load: its chunk is rolled back, earlier chunks stay */
    struct store_patient twin = patient_row("199001010001", "Twin");
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_bulk_patient(bulk, &twin, &err), ERR_CONFLICT);
    ASSERT_STR_EQ(err.field, "pnr");
    error_clear(&err);
    ASSERT_EQ_INT(store_bulk_patient(bulk, &twin, &err), ERR_CONFLICT); /* and stays failed */
    ASSERT_EQ_INT(store_bulk_commit(bulk, &err), ERR_CONFLICT);
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM patient"), 3);
    /* the writer works on as before */
    add_patient(f.store, "199001010099", "Efter");
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM patient"), 4);
    fixture_release(&f);
}

static void test_abort_rolls_back_the_open_chunk(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct store_bulk *bulk = begin(&f, 100, false);
    bulk_patient(bulk, "199001010001");
    store_bulk_abort(bulk);
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM patient"), 0);
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM audit"), 0);
    store_bulk_abort(NULL);
    fixture_release(&f);
}

static void test_require_empty(void)
{
    struct fixture f;
    fixture_open(&f, true);
    add_patient(f.store, "199001010001", "Redan");
    struct store_bulk_options opts = { 0, true };
    struct store_audit audit = load_audit();
    struct store_bulk *bulk = NULL;
    struct error err;
    error_clear(&err);
    ASSERT_EQ_INT(store_bulk_begin(f.store, &opts, &audit, &bulk, &err), ERR_CONFLICT);
    ASSERT_TRUE(bulk == NULL);
    ASSERT_STR_EQ(err.field, "db");
    ASSERT_STR_EQ(err.message, "the database already holds patients or staff");
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM audit WHERE action = 'demo.generate'"),
                  0);
    ASSERT_EQ_INT(store_bulk_begin(f.store, &opts, NULL, &bulk, &err), ERR_INVALID);
    opts.chunk_rows = -1;
    ASSERT_EQ_INT(store_bulk_begin(f.store, &opts, &audit, &bulk, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "chunk_rows");
    opts.chunk_rows = 0;
    opts.require_empty = false;
    ASSERT_EQ_INT(store_bulk_begin(f.store, &opts, &audit, &bulk, &err), ERR_OK);
    bulk_patient(bulk, "199001010002");
    ASSERT_EQ_INT(store_bulk_commit(bulk, &err), ERR_OK);
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM patient"), 2);
    fixture_release(&f);
}

static void test_training(void)
{
    struct fixture f;
    fixture_open(&f, true);
    struct store_staff staff;
    memset(&staff, 0, sizeof(staff));
    snprintf(staff.username, sizeof(staff.username), "klin");
    snprintf(staff.display_name, sizeof(staff.display_name), "Kliniker");
    snprintf(staff.role, sizeof(staff.role), "clinician");
    staff.unit_id = 4;
    snprintf(staff.pw_hash, sizeof(staff.pw_hash), "!");
    staff.active = true;
    ASSERT_EQ_INT(store_staff_add(f.store, &staff, NULL, NULL), ERR_OK);
    struct store_training training = { staff.id, "suicidriskbedomning", T0 };
    struct store_audit audit = audit_row(0, "training.add", 0, T0);
    ASSERT_EQ_INT(store_training_add(f.store, &training, &audit, NULL), ERR_OK);
    training.completed_at = T0 + 400 * DAY; /* a refresher moves the date */
    ASSERT_EQ_INT(store_training_add(f.store, &training, &audit, NULL), ERR_OK);
    struct store_training other = { staff.id, "ikbt_stod", T0 };
    ASSERT_EQ_INT(store_training_add(f.store, &other, NULL, NULL), ERR_OK);
    struct store_training *list = NULL;
    int count = 0;
    ASSERT_EQ_INT(store_training_list(f.store, 0, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 2);
    ASSERT_STR_EQ(list[0].course, "ikbt_stod");
    ASSERT_STR_EQ(list[1].course, "suicidriskbedomning");
    ASSERT_EQ_INT(list[1].completed_at, T0 + 400 * DAY);
    free(list);
    ASSERT_EQ_INT(count_rows_of(&f, "SELECT count(*) FROM audit WHERE action = 'training.add'"), 2);

    struct error err;
    error_clear(&err);
    struct store_training unknown = { 999, "stegvis_grund", T0 };
    ASSERT_EQ_INT(store_training_add(f.store, &unknown, NULL, &err), ERR_NOT_FOUND);
    ASSERT_STR_EQ(err.field, "staff_id");
    struct store_training empty = { staff.id, "", T0 };
    ASSERT_EQ_INT(store_training_add(f.store, &empty, NULL, &err), ERR_INVALID);
    ASSERT_STR_EQ(err.field, "course");
    ASSERT_EQ_INT(store_training_list(f.store, 999, &list, &count, NULL), ERR_OK);
    ASSERT_EQ_INT(count, 0);
    ASSERT_TRUE(list == NULL);
    fixture_release(&f);
}

int main(void)
{
    RUN_TEST(test_every_row_kind_round_trips);
    RUN_TEST(test_chunks_commit_as_the_load_goes);
    RUN_TEST(test_abort_rolls_back_the_open_chunk);
    RUN_TEST(test_require_empty);
    RUN_TEST(test_training);
    TEST_SUMMARY();
}
