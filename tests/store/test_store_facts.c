/* test_store_facts.c - store_facts_load_episode() gives, for every episode of a demo region
 * (`stegvis demo --patients 300 --seed 5 --today 2026-11-24`), the very record the whole-table
 * store_facts_load() gives, so the server can keep its table current episode by episode; an
 * unknown episode is ERR_NOT_FOUND. */
#include "fixture.h"

#include "core/indicator.h"
#include "data/datafiles.h"
#include "support/support.h"

/* Every field but the derived state. */
static void expect_same_record(const struct indicator_episode *a, const struct indicator_episode *b)
{
    ASSERT_EQ_INT(a->referred_day, b->referred_day);
    ASSERT_EQ_INT(a->assessed_day, b->assessed_day);
    ASSERT_EQ_INT(a->treatment_day, b->treatment_day);
    ASSERT_EQ_INT(a->ended_day, b->ended_day);
    ASSERT_EQ_INT(a->unit, b->unit);
    ASSERT_EQ_INT(a->municipality, b->municipality);
    ASSERT_EQ_INT(a->listed_unit, b->listed_unit);
    ASSERT_EQ_INT(a->sessions_attended, b->sessions_attended);
    ASSERT_EQ_INT(a->sex, b->sex);
    ASSERT_EQ_INT(a->age_band, b->age_band);
    ASSERT_EQ_INT(a->step, b->step);
    ASSERT_EQ_INT(a->phq9_first, b->phq9_first);
    ASSERT_EQ_INT(a->phq9_last, b->phq9_last);
    ASSERT_EQ_INT(a->gad7_first, b->gad7_first);
    ASSERT_EQ_INT(a->gad7_last, b->gad7_last);
    ASSERT_EQ_INT(a->phq9_count, b->phq9_count);
    ASSERT_EQ_INT(a->gad7_count, b->gad7_count);
    ASSERT_EQ_INT(a->flags, b->flags);
}

static void test_one_episode_equals_the_whole_load(void)
{
    struct fixture f;
    fixture_init(&f);
    const char *demo[] = { "demo",   "--db", f.db,      "--patients", "300",
                           "--seed", "5",    "--today", "2026-11-24", NULL };
    struct test_run run = test_run_stegvis(NULL, demo);
    ASSERT_EQ_INT(run.exit_code, 0);
    test_run_free(&run);
    struct error err;
    ASSERT_EQ_INT(store_open(f.db, NULL, &f.store, &err), ERR_OK);
    struct instrument_catalog cat;
    ASSERT_EQ_INT(datafiles_load_instruments(datafiles_dir(NULL), &cat, &err), ERR_OK);
    struct indicator_facts facts;
    struct store_facts_maps maps;
    ASSERT_EQ_INT(store_facts_load(f.store, instrument_find(&cat, "phq9"),
                                   instrument_find(&cat, "gad7"), &facts, &maps, &err),
                  ERR_OK);
    ASSERT_TRUE(maps.episode_count > 300);
    ASSERT_EQ_INT(maps.episode_count, facts.count);
    long flagged = 0, paired = 0;
    for (size_t k = 0; k < maps.episode_count; k++) {
        struct indicator_episode one;
        ASSERT_EQ_INT(store_facts_load_episode(f.store, &maps, maps.episode_ids[k], &one, &err),
                      ERR_OK);
        expect_same_record(&one, &facts.episodes[k]);
        flagged += one.flags != 0;
        paired += one.phq9_count >= 2;
    }
    /* The demo has contracts, step-ups and follow-up scores: the comparison saw them. */
    ASSERT_TRUE(flagged > 0);
    ASSERT_TRUE(paired > 0);
    struct indicator_episode none;
    ASSERT_EQ_INT(store_facts_load_episode(
                      f.store, &maps, maps.episode_ids[maps.episode_count - 1] + 1000, &none, NULL),
                  ERR_NOT_FOUND);
    indicator_facts_release(&facts);
    store_facts_maps_release(&maps);
    instrument_catalog_release(&cat);
    fixture_release(&f);
}

int main(void)
{
    RUN_TEST(test_one_episode_equals_the_whole_load);
    TEST_SUMMARY();
}
