/* bench_indicator.c - how fast the dashboards' aggregation is: indicator_compute() over
 * synthetic fact tables of 20,000, 200,000 and 1,000,000 patients (about 1.2 episodes each,
 * fixed seed), warm, best of 5, for a few indicators and breakdowns; plus what building the
 * table and keeping it current cost. The goal (the issue): under 100 ms warm at 1,000,000
 * patients. Prints figures only; nothing here is a test. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/date.h"
#include "core/indicator.h"
#include "data/datafiles.h"

#define UNITS          11 /* the demo region: eleven units, eight municipalities */
#define MUNICIPALITIES 8
#define ROUNDS         5

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: small, fast, and the same sequence everywhere. */
static unsigned long long rng_state;

static unsigned rnd(unsigned below)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 2685821657736338717ull) >> 33) % below;
}

/* A first and last score pair: mostly improving, some not. */
static void scores(int8_t *first, int8_t *last, uint8_t *count, int max, int unit)
{
    *count = (uint8_t)(1 + rnd(8));
    int start = (int)rnd((unsigned)max + 1);
    int drop = (int)rnd((unsigned)(max / 2 + 1)) - max / 8 + unit % 3;
    int end = start - drop;
    *first = (int8_t)start;
    *last = (int8_t)(end < 0 ? 0 : end > max ? max : end);
    if (*count == 1)
        *last = *first;
}

static struct indicator_episode synthetic_episode(long start_day)
{
    struct indicator_episode ep;
    indicator_episode_init(&ep);
    int unit = (int)rnd(UNITS);
    ep.unit = (int16_t)unit;
    ep.municipality = (int16_t)(rnd(20) == 0 ? -1 : (int)rnd(MUNICIPALITIES));
    ep.listed_unit = (int16_t)(rnd(10) == 0 ? -1 : (rnd(4) == 0 ? (int)rnd(UNITS) : unit));
    ep.sex = (int8_t)(1 + rnd(2));
    ep.age_band = (int8_t)(1 + rnd(INDICATOR_AGE_BANDS - 1));
    ep.referred_day = (int32_t)(start_day + rnd(730));
    if (rnd(20) != 0) {
        ep.assessed_day = ep.referred_day + (int32_t)rnd(3 + (unsigned)unit);
        ep.step = (int8_t)rnd(5);
        ep.flags = (uint8_t)((rnd(10) != 0 ? INDICATOR_COMMON_AT_ASSESSMENT : 0) |
                             (rnd(8) != 0 ? INDICATOR_CONTRACT_COMPLETE : 0) |
                             (rnd(10) == 0 ? INDICATOR_STEPPED_UP : 0));
        scores(&ep.phq9_first, &ep.phq9_last, &ep.phq9_count, 27, unit);
        scores(&ep.gad7_first, &ep.gad7_last, &ep.gad7_count, 21, unit);
        if (rnd(5) != 0)
            ep.treatment_day = ep.assessed_day + (int32_t)rnd(45);
        if (ep.treatment_day >= 0 && rnd(10) < 7) {
            ep.ended_day = ep.treatment_day + 30 + (int32_t)rnd(90);
            ep.sessions_attended = (uint16_t)rnd(12);
        }
    }
    return ep;
}

static double build(struct indicator_facts *facts, long patients, long start_day,
                    const struct instrument *phq9, const struct instrument *gad7)
{
    struct indicator_dims dims = { UNITS, MUNICIPALITIES, 5 };
    struct error err;
    if (indicator_facts_init(facts, &dims, phq9, gad7, &err) != ERR_OK ||
        indicator_facts_reserve(facts, (size_t)(patients * 13 / 10), &err) != ERR_OK) {
        fprintf(stderr, "bench_indicator: %s\n", err.message);
        exit(1);
    }
    rng_state = 0x5eed5eedULL + (unsigned long long)patients;
    double t0 = seconds_now();
    for (long p = 0; p < patients; p++) {
        int episodes = rnd(5) == 0 ? 2 : 1; /* about 1.2 per patient */
        for (int e = 0; e < episodes; e++) {
            struct indicator_episode ep = synthetic_episode(start_day);
            if (indicator_facts_append(facts, &ep, NULL, &err) != ERR_OK) {
                fprintf(stderr, "bench_indicator: %s\n", err.message);
                exit(1);
            }
        }
    }
    return seconds_now() - t0;
}

struct query {
    enum indicator_id id;
    enum indicator_dim by1, by2;
    bool suppress_and_funnel;
};

static const struct query queries[] = {
    { INDICATOR_RECOVERY, INDICATOR_BY_NONE, INDICATOR_BY_NONE, false },
    { INDICATOR_RECOVERY, INDICATOR_BY_UNIT, INDICATOR_BY_NONE, true },
    { INDICATOR_ASSESSED_WITHIN_3_DAYS, INDICATOR_BY_UNIT, INDICATOR_BY_MONTH, false },
    { INDICATOR_DAYS_TO_ASSESSMENT, INDICATOR_BY_MUNICIPALITY, INDICATOR_BY_MONTH, false },
    { INDICATOR_STEP_2, INDICATOR_BY_UNIT, INDICATOR_BY_AGE_BAND, false },
    { INDICATOR_CONTRACT_COVERAGE, INDICATOR_BY_LISTED_UNIT, INDICATOR_BY_SEX, false },
};

/* Best of ROUNDS warm runs (one untimed run first), in milliseconds. */
static double time_query(const struct indicator_facts *facts, const struct query *q, long from,
                         long to, long *checksum)
{
    double best = 1e9;
    for (int round = 0; round <= ROUNDS; round++) {
        struct indicator_result r;
        struct indicator_funnel f;
        double t0 = seconds_now();
        if (indicator_compute(facts, q->id, q->by1, q->by2, from, to, &r, NULL) != ERR_OK) {
            fprintf(stderr, "bench_indicator: compute failed\n");
            exit(1);
        }
        if (q->suppress_and_funnel) {
            indicator_suppress(&r, INDICATOR_MIN_CELL);
            if (indicator_funnel(&r, &f, NULL) == ERR_OK)
                indicator_funnel_release(&f);
        }
        double ms = (seconds_now() - t0) * 1e3;
        if (round > 0 && ms < best)
            best = ms;
        *checksum += r.total.denominator;
        indicator_result_release(&r);
    }
    return best;
}

/* Keeping the table current: rewrite random records in place (a new last PHQ-9 score, so the
 * outcome is classified again), ns per update. */
static double time_updates(struct indicator_facts *facts, long updates)
{
    struct error err;
    double t0 = seconds_now();
    for (long i = 0; i < updates; i++) {
        size_t index = (size_t)rnd((unsigned)facts->count);
        struct indicator_episode ep = facts->episodes[index];
        if (ep.phq9_count > 0)
            ep.phq9_last = (int8_t)rnd(28);
        ep.sessions_attended++;
        if (indicator_facts_update(facts, index, &ep, &err) != ERR_OK) {
            fprintf(stderr, "bench_indicator: %s\n", err.message);
            exit(1);
        }
    }
    return (seconds_now() - t0) * 1e9 / (double)updates;
}

static const char *breakdown(const struct query *q, char *out, size_t cap)
{
    if (q->by1 == INDICATOR_BY_NONE)
        snprintf(out, cap, "none");
    else if (q->by2 == INDICATOR_BY_NONE)
        snprintf(out, cap, "%s%s", indicator_dim_name(q->by1),
                 q->suppress_and_funnel ? " + suppress + funnel" : "");
    else
        snprintf(out, cap, "%s x %s", indicator_dim_name(q->by1), indicator_dim_name(q->by2));
    return out;
}

int main(int argc, char **argv)
{
    long max_patients = argc > 1 ? atol(argv[1]) : 1000000;
    struct instrument_catalog cat;
    struct error err;
    if (datafiles_load_instruments(datafiles_dir(NULL), &cat, &err) != ERR_OK) {
        fprintf(stderr, "bench_indicator: %s\n", err.message);
        return 1;
    }
    const struct instrument *phq9 = instrument_find(&cat, "phq9");
    const struct instrument *gad7 = instrument_find(&cat, "gad7");
    long from = date_to_days((struct date){ 2025, 1, 1 });
    long to = date_to_days((struct date){ 2026, 12, 31 });
    const long sizes[3] = { 20000, 200000, 1000000 };
    long checksum = 0;

    printf("| patients | episodes | build | update | indicator | breakdown | best of %d |\n",
           ROUNDS);
    printf("|---:|---:|---:|---:|---|---|---:|\n");
    for (int s = 0; s < 3 && sizes[s] <= max_patients; s++) {
        struct indicator_facts facts;
        double build_s = build(&facts, sizes[s], from, phq9, gad7);
        double update_ns = time_updates(&facts, 200000);
        for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
            char by[64];
            double ms = time_query(&facts, &queries[q], from, to, &checksum);
            printf("| %ld | %zu | %.0f ms | %.0f ns | %s | %s | %.2f ms |\n", sizes[s], facts.count,
                   build_s * 1e3, update_ns, indicator_def(queries[q].id)->code,
                   breakdown(&queries[q], by, sizeof(by)), ms);
        }
        indicator_facts_release(&facts);
    }
    printf("\nchecksum %ld\n", checksum);
    instrument_catalog_release(&cat);
    return 0;
}
