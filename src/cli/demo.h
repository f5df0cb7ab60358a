/* demo.h - `stegvis demo`: a deterministic synthetic region (cmd_demo.c and demo_*.c only).
 *
 * The generator draws everything from its own PRNG (xoshiro256**, seeded through splitmix64),
 * one stream per patient derived from the seed and the patient's number, and calls no libm
 * function (only + - * / on doubles), so the same seed, patient count and end date (--today)
 * give the same rows, whichever compiler built it (gcc and clang builds were compared). Only
 * the time of the load's audit row and the salted password hashes of the demo logins differ.
 *
 * Scores are never invented: the generator draws a latent severity (0..1) per episode and
 * measure, turns it into item answers (option positions) that score near it, and stores what
 * instrument_score() returns for them. Steps come from steps_recommend() and step-ups from
 * steps_check_step_up(), with the rules in data/steps.json.
 *
 * Files: demo_rng.c (the PRNG), demo_region.c (units, what they offer, how they differ),
 * demo_staff.c (staff, training, demo logins), demo_patients.c (people and their episodes),
 * demo_care.c (an episode up to its assessment), demo_treat.c (its treatment and end),
 * demo_events.c (writing an episode's rows), demo_answers.c (answers that score near a level).
 */
#ifndef STEGVIS_CLI_DEMO_H
#define STEGVIS_CLI_DEMO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/instrument.h"
#include "core/steps.h"
#include "store/store.h"

#define DEMO_MAX_UNITS        32
#define DEMO_MAX_MUNICIPALITY 32
#define DEMO_MAX_OFFERS       8 /* interventions a unit offers at one step */
#define DEMO_STEPS            5 /* steps 0-4 */
#define DEMO_MAX_CLINICIANS   16
#define DEMO_MAX_EVENTS       256 /* rows of one episode */
#define DEMO_DAYS             730 /* the two years before today */
#define DEMO_MAX_PATIENTS     1000000
#define DEMO_MIN_AGE          18
#define DEMO_MAX_AGE          85
#define DEMO_SECONDS_PER_DAY  86400LL

/* ---- the PRNG (demo_rng.c) ---- */

struct demo_rng {
    uint64_t s[4];
};

/* Seed stream `stream` of `seed`: different streams are independent sequences. */
void demo_rng_seed(struct demo_rng *rng, uint64_t seed, uint64_t stream);
uint64_t demo_rng_next(struct demo_rng *rng);
double demo_rng_uniform(struct demo_rng *rng);              /* [0, 1) */
int demo_rng_below(struct demo_rng *rng, int n);            /* [0, n), n >= 1 */
int demo_rng_between(struct demo_rng *rng, int lo, int hi); /* [lo, hi] */
bool demo_rng_chance(struct demo_rng *rng, double p);
/* About N(0, 1) (Irwin-Hall of four uniforms, within +-3.47): no libm, so no rounding that
 * differs between C libraries. */
double demo_rng_normal(struct demo_rng *rng);
/* An index drawn with the given weights (count >= 1, weights >= 0, sum > 0). */
int demo_rng_weighted(struct demo_rng *rng, const double *weights, int count);
/* Clamp to [lo, hi]. */
double demo_clamp(double x, double lo, double hi);

/* ---- the region (demo_region.c) ---- */

/* How a unit works, on purpose different between units so that the dashboards have something
 * true to show. Shares are 0..1. */
struct demo_profile {
    const char *code;
    int clinicians;
    double within_3_days;   /* referrals assessed within 3 days */
    int late_max_days;      /* the others wait 4..this many days */
    int treatment_wait_max; /* days from assessment to the first session: 0..this */
    double effect;          /* improvement per session relative to the region */
    double deteriorate;     /* patients who get worse in treatment */
    double measured;        /* attended sessions with PHQ-9 and GAD-7 */
    double gad7;            /* assessments with GAD-7 besides PHQ-9 */
    double contract;        /* treated episodes with a patient contract */
    double contract_full;   /* contracts with named contact, next time and goals */
    double missed;          /* booked sessions missed */
    double dropout;         /* chance per attended session to drop out */
    double trained;         /* required courses completed by its staff */
    double deviate;         /* chosen steps that differ from the recommendation */
    double self_referral;   /* referrals the patient made (the rest from a clinic) */
};

struct demo_unit {
    long long id;
    char code[32];
    char name[128];
    char kind[16];
    char municipality[8];
    bool digital;
    const struct demo_profile *profile;
    int offer_count[DEMO_STEPS];
    const char *offers[DEMO_STEPS][DEMO_MAX_OFFERS]; /* intervention codes, owned by the region */
    int clinician_count;
    long long clinicians[DEMO_MAX_CLINICIANS]; /* staff ids */
    long long manager;
};

struct demo_municipality {
    char code[8];
    char name[64];
    double population; /* a weight for where patients live */
    int listing_count;
    int listing_unit[DEMO_MAX_UNITS]; /* unit indexes residents are listed at */
    double listing_weight[DEMO_MAX_UNITS];
};

struct demo_region {
    int unit_count;
    struct demo_unit units[DEMO_MAX_UNITS];
    int municipality_count;
    struct demo_municipality municipalities[DEMO_MAX_MUNICIPALITY];
    int digital;    /* index of the region-wide digital unit; -1: none */
    char **strings; /* intervention codes the units point to */
    int string_count;
    double municipality_weight[DEMO_MAX_MUNICIPALITY];
};

/* Read the units from `store` and, from `region_json` (data/region.json), what each offers by
 * step; give each unit its profile and each municipality its listing weights. ERR_INVALID
 * naming what is wrong. Release with demo_region_release(). */
enum err_code demo_region_load(struct demo_region *region, struct store *store,
                               const char *region_json, struct error *err) WARN_UNUSED;
void demo_region_release(struct demo_region *region);
/* The unit with this code, or -1. */
int demo_region_unit(const struct demo_region *region, const char *code);

/* ---- the generator ---- */

struct demo_episode;

struct demo_counts {
    long long patients, episodes, responses, assessments, appointments, contracts, reviews;
    long long staff, training;
};

struct demo {
    struct store_bulk *bulk;
    const struct instrument_catalog *catalog;
    const struct steps_rules *rules;
    const struct instrument *phq9, *gad7, *audit, *wsas;
    struct demo_region region;
    uint64_t seed;
    long today;     /* days since 1970: the first day after the generated history */
    long first_day; /* today - DEMO_DAYS */
    /* birth numbers used so far, per birth day and sex, so every personnummer is unique */
    long birth_first_day;
    int birth_day_count;
    unsigned short *birth_numbers_used;
    struct demo_episode *scratch; /* the episode being simulated */
    struct demo_counts counts;
};

/* One demo login, printed at the end. */
struct demo_login {
    const char *username;
    const char *password;
    const char *role;
    const char *unit_code; /* NULL: region-wide */
    const char *display_name;
    const char *what; /* "clinician, Gottsunda vårdcentral" */
};

extern const struct demo_login demo_logins[];
extern const int demo_login_count;

/* Print the demo logins to `to`. */
void demo_logins_print(FILE *to);

/* Staff for every unit (clinicians, a manager), the region's analysts and administrator, the
 * demo logins among them (argon2id hashes of their known passwords), and training records
 * (demo_staff.c). Needs auth_init(). */
enum err_code demo_staff_generate(struct demo *demo, struct error *err) WARN_UNUSED;

/* A Swedish-looking first name for `sex` and a surname from small lists (static strings). */
void demo_name_draw(struct demo_rng *rng, enum sex sex, const char **first, const char **last);

/* Patient number `index` (0-based) and all their episodes (demo_patients.c). */
enum err_code demo_patient_generate(struct demo *demo, long index, struct error *err) WARN_UNUSED;

/* Free what demo_patient_generate keeps between patients. */
void demo_patients_release(struct demo *demo);

/* ---- one episode (demo_care.c, demo_events.c) ---- */

/* The person an episode belongs to. */
struct demo_person {
    long long patient_id;
    enum sex sex;
    int age_years;
    bool retired;
    int municipality; /* index */
    int listed_unit;  /* index */
};

enum demo_event_kind {
    DEMO_RESPONSE,
    DEMO_ASSESSMENT,
    DEMO_CONTRACT,
    DEMO_APPOINTMENT,
    DEMO_RISK_REVIEW
};

/* One row of an episode, compact: the rows are written once the episode's end is known. */
struct demo_event {
    enum demo_event_kind kind;
    long long at;
    long long staff_id;
    union {
        struct {
            const struct instrument *instrument;
            signed char positions[INSTRUMENT_MAX_ITEMS];
            int count;
            struct instrument_score score;
            bool portal;
        } response;
        struct {
            int problem;
            int recommended, chosen;
            int deviation; /* index of the reason text for chosen != recommended; -1 none */
            bool step_up;
            struct steps_reason why; /* the step-up's reason */
        } assessment;
        struct {
            int version;
            int goals, plan;
            bool named_contact, next_time, has_goals, coordination;
            long long next_contact_at;
        } contract;
        struct {
            const char *intervention; /* NULL: none */
            const char *status;
        } appointment;
        struct {
            const char *level;
        } review;
    } u;
};

struct demo_episode {
    struct store_episode row;
    int problem; /* index of what the patient wants help with (demo_events.c) */
    int event_count;
    struct demo_event events[DEMO_MAX_EVENTS];
};

/* Simulate one episode at unit `unit` (index) referred on day `referral_day` into `episode`
 * (row filled but for its ids, events in time order). Returns ERR_OK or a scoring error. */
enum err_code demo_care_simulate(struct demo *demo, struct demo_rng *rng,
                                 const struct demo_person *person, int unit, long referral_day,
                                 struct demo_episode *episode, struct error *err) WARN_UNUSED;

/* ---- inside one episode (demo_care.c: referral, assessment; demo_treat.c: treatment) ---- */

#define DEMO_MAX_MEASURES    64
#define DEMO_ALCOHOL_PROBLEM 0.3 /* latent alcohol level: AUDIT always given, alcohol care */

/* The state of the episode being simulated. */
struct demo_care {
    struct demo *demo;
    struct demo_rng *rng;
    const struct demo_person *person;
    const struct demo_unit *unit;
    const struct demo_profile *profile;
    struct demo_episode *episode;
    double dep, anx, alc, func; /* latent severities, 0..1 */
    double rate;                /* relative improvement per attended session */
    long long clinician;        /* the patient's contact, who sees them throughout */
    int step, recommended;
    bool contract;
    int contract_version, goals;
    int measure_count; /* PHQ-9 and GAD-7 at the current step, for the step-up rule */
    struct steps_measure measures[DEMO_MAX_MEASURES];
    long step_day;
    int sessions_at_step, step_ups;
    bool reviewed; /* the step-up rule has been asked at this step */
    const struct demo_event *last_phq9, *last_gad7;
};

/* Saturday and Sunday move to Monday. */
long demo_care_workday(long day);
/* An office-hours time on `day` (07:00-15:00 UTC, about 08-17 in Sweden). */
long long demo_care_office_time(struct demo_rng *rng, long day);
/* A new event of the episode (zeroed but for these), or NULL when the episode is full. */
struct demo_event *demo_care_event(struct demo_care *care, enum demo_event_kind kind, long long at,
                                   long long staff_id);
/* Whether `events` more fit. */
bool demo_care_room(const struct demo_care *care, int events);
/* PHQ-9 and GAD-7 from the latent severities at `at` (entered by the patient when `portal`). */
enum err_code demo_care_measure_pair(struct demo_care *care, long long at, bool portal,
                                     struct error *err) WARN_UNUSED;
/* Count a PHQ-9 or GAD-7 response as a measure at the current step, dated `day`. */
void demo_care_keep_measure(struct demo_care *care, const struct demo_event *event, long day);

/* After the assessment at `assessed_at` (step chosen): treatment until it ends or today. */
enum err_code demo_treat_begin(struct demo_care *care, long long assessed_at,
                               struct error *err) WARN_UNUSED;
/* End the episode at `at` with `reason` (completed, dropped_out, ...). */
void demo_treat_end(struct demo_care *care, long long at, const char *reason);

/* Write `episode` and its rows through the bulk load; sets episode->row.id. */
enum err_code demo_events_write(struct demo *demo, const struct demo_person *person,
                                struct demo_episode *episode, struct error *err) WARN_UNUSED;

/* ---- answers (demo_answers.c) ---- */

/* Draw answers to `ins` for a latent `level` (0..1 of the maximum) with item 9-style risk items
 * answered above 0 with probability `risk`, score them with instrument_score() and fill the
 * response event. WSAS item 1 is "not applicable" when `retired`. */
enum err_code demo_answers_draw(struct demo_rng *rng, const struct instrument *ins, double level,
                                double risk, bool retired, enum sex sex, struct demo_event *event,
                                struct error *err) WARN_UNUSED;

/* The positions as the API stores them: "[1,2,null,\"na\"]". */
void demo_answers_text(const signed char *positions, int count, char *out, size_t size);

#endif
