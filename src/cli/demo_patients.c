/* demo_patients.c - synthetic people: name, sex, birth date, personnummer, where they live and
 * are listed, and their episodes of care.
 *
 * Personnummer: valid in form (date, birth number, Luhn check digit) but synthetic. Birth
 * numbers are handed out per birth date and sex from the top of the series downwards (999, 997,
 * ... for men, 998, 996, ... for women), the 98x-99x end that published test numbers use, so a
 * run of up to a million patients needs no lookup to stay unique. Such a number may happen to
 * be a real person's too: nothing else about the row is, and no name, address or history comes
 * from anyone. */
#include <stdlib.h>
#include <string.h>

#include "cli/demo.h"
#include "core/date.h"
#include "core/mem.h"

#define FEMALE_SHARE      0.62 /* of patients in primary care for anxiety and depression */
#define DIGITAL_SHARE     0.12 /* episodes at the region-wide digital unit */
#define ANOTHER_EPISODE   0.15 /* a later episode after one has ended */
#define MAX_EPISODES      3
#define RETIREMENT_AGE    66
#define BIRTH_NUMBERS_MAX 499 /* per birth date and sex */

static const char *const female_names[] = {
    "Anna",     "Eva",   "Maria",   "Karin",   "Sara",   "Emma",   "Lena",  "Kerstin",
    "Ingrid",   "Elin",  "Johanna", "Linnea",  "Maja",   "Ida",    "Hanna", "Sofia",
    "Elsa",     "Klara", "Malin",   "Frida",   "Ebba",   "Julia",  "Alva",  "Astrid",
    "Birgitta", "Ulla",  "Helena",  "Camilla", "Åsa",    "Fatima", "Amina", "Yasmin",
    "Agnes",    "Wilma", "Signe",   "Ronja",   "Louise", "Annika", "Jenny", "Therese",
};

static const char *const male_names[] = {
    "Lars",    "Anders", "Johan", "Erik",    "Per",       "Karl",   "Nils",     "Mikael",
    "Peter",   "Jan",    "Hans",  "Fredrik", "Daniel",    "Oskar",  "Magnus",   "Mattias",
    "Andreas", "Gustav", "Axel",  "Viktor",  "Emil",      "Jonas",  "Olof",     "Björn",
    "Lucas",   "Liam",   "Elias", "Hugo",    "Alexander", "Sven",   "Mohammed", "Ali",
    "Omar",    "Leo",    "Filip", "Ludvig",  "Henrik",    "Tobias", "Stefan",   "Åke",
};

static const char *const surnames[] = {
    "Andersson", "Johansson", "Karlsson",   "Nilsson",    "Eriksson",    "Larsson",    "Olsson",
    "Persson",   "Svensson",  "Gustafsson", "Pettersson", "Jonsson",     "Jansson",    "Hansson",
    "Bengtsson", "Jönsson",   "Lindberg",   "Jakobsson",  "Magnusson",   "Lindström",  "Olofsson",
    "Lindqvist", "Lindgren",  "Berg",       "Axelsson",   "Bergström",   "Lundberg",   "Lind",
    "Lundgren",  "Lundqvist", "Mattsson",   "Berglund",   "Fredriksson", "Sandberg",   "Henriksson",
    "Forsberg",  "Sjöberg",   "Wallin",     "Engström",   "Eklund",      "Danielsson", "Lundin",
    "Håkansson", "Björk",     "Bergman",    "Gunnarsson", "Holm",        "Wikström",   "Samuelsson",
    "Isaksson",  "Fransson",  "Nyström",    "Holmberg",   "Arvidsson",   "Löfgren",    "Söderberg",
    "Nyberg",    "Blomqvist", "Nordström",  "Ali",        "Mohammed",    "Hassan",     "Ahmed",
    "Åberg",     "Falk",      "Ekström",    "Hermansson", "Holmgren",    "Öberg",      "Yilmaz",
};

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

void demo_name_draw(struct demo_rng *rng, enum sex sex, const char **first, const char **last)
{
    if (sex == SEX_MALE)
        *first = male_names[demo_rng_below(rng, COUNT_OF(male_names))];
    else
        *first = female_names[demo_rng_below(rng, COUNT_OF(female_names))];
    *last = surnames[demo_rng_below(rng, COUNT_OF(surnames))];
}

/* ---- dates and personnummer ---- */

/* The same day `years` earlier (29 February becomes 28 February), in days since 1970. */
static long years_before(long day, int years)
{
    struct date d = date_from_days(day);
    d.year -= years;
    if (d.month == 2 && d.day == 29 && !date_valid(d.year, 2, 29))
        d.day = 28;
    return date_to_days(d);
}

/* Age at the first referral, in bands (18-29, 30-44, 45-64, 65-85), as a birth day: someone
 * exactly `age` years old on `on` was born after years_before(on, age + 1). */
static long draw_birth_day(struct demo_rng *rng, long on)
{
    static const double weights[4] = { 0.30, 0.31, 0.27, 0.12 };
    static const int low[4] = { 18, 30, 45, 65 }, high[4] = { 29, 44, 64, DEMO_MAX_AGE };
    int band = demo_rng_weighted(rng, weights, 4);
    long youngest = years_before(on, low[band]);
    long oldest = years_before(on, high[band] + 1) + 1;
    return oldest + (long)demo_rng_below(rng, (int)(youngest - oldest + 1));
}

static int luhn_check_digit(const char *ten_digit_prefix /* YYMMDDNNN, 9 digits */)
{
    int sum = 0;
    for (int i = 0; i < 9; i++) {
        int product = (ten_digit_prefix[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += product / 10 + product % 10;
    }
    return (10 - sum % 10) % 10;
}

static void ensure_birth_numbers(struct demo *demo)
{
    if (demo->birth_numbers_used != NULL)
        return;
    demo->birth_first_day = years_before(demo->first_day, DEMO_MAX_AGE + 1);
    demo->birth_day_count = (int)(demo->today - demo->birth_first_day + 1);
    demo->birth_numbers_used = xcalloc((size_t)demo->birth_day_count * 2, sizeof(unsigned short));
}

/* The next free birth number for this day and sex; a full day (499 taken) moves the birth a
 * day later. Writes the 12 digits into `pnr` and may change *birth_day. */
static void assign_pnr(struct demo *demo, long *birth_day, enum sex sex, char pnr[13])
{
    ensure_birth_numbers(demo);
    int male = sex == SEX_MALE;
    long slot = *birth_day - demo->birth_first_day;
    while (demo->birth_numbers_used[slot * 2 + male] >= BIRTH_NUMBERS_MAX)
        slot = (slot + 1) % demo->birth_day_count;
    *birth_day = demo->birth_first_day + slot;
    int taken = demo->birth_numbers_used[slot * 2 + male]++;
    int birth_number = (male ? 999 : 998) - 2 * taken;
    struct date d = date_from_days(*birth_day);
    char digits[16];
    snprintf(digits, sizeof(digits), "%02d%02d%02d%03d", d.year % 100, d.month, d.day,
             birth_number);
    snprintf(pnr, 13, "%04d%02d%02d%03d%d", d.year, d.month, d.day, birth_number,
             luhn_check_digit(digits));
}

/* A day in the two years, a little more often recently (referrals grow by half over the
 * period): rejection sampling on a linear density. */
static long draw_referral_day(struct demo *demo, struct demo_rng *rng)
{
    for (;;) {
        int offset = demo_rng_below(rng, DEMO_DAYS);
        double density = 0.8 + 0.4 * offset / DEMO_DAYS;
        if (demo_rng_uniform(rng) * 1.2 < density)
            return demo->first_day + offset;
    }
}

/* ---- people ---- */

static int age_on(long birth_day, long day)
{
    return date_age_years(date_from_days(birth_day), date_from_days(day));
}

static int episode_unit(const struct demo *demo, struct demo_rng *rng,
                        const struct demo_person *person)
{
    if (demo->region.digital >= 0 && demo_rng_chance(rng, DIGITAL_SHARE))
        return demo->region.digital;
    return person->listed_unit;
}

static struct demo_episode *scratch_episode(struct demo *demo)
{
    if (demo->scratch == NULL)
        demo->scratch = xcalloc(1, sizeof(*demo->scratch));
    return demo->scratch;
}

static enum err_code add_patient(struct demo *demo, struct demo_rng *rng,
                                 struct demo_person *person, long birth_day, long long created_at,
                                 struct error *err)
{
    struct store_patient row;
    const char *first, *last;
    memset(&row, 0, sizeof(row));
    assign_pnr(demo, &birth_day, person->sex, row.pnr);
    demo_name_draw(rng, person->sex, &first, &last);
    snprintf(row.name, sizeof(row.name), "%s %s", first, last);
    date_format(date_from_days(birth_day), row.birth_date);
    snprintf(row.sex, sizeof(row.sex), "%s", person->sex == SEX_MALE ? "male" : "female");
    const struct demo_region *region = &demo->region;
    snprintf(row.municipality_code, sizeof(row.municipality_code), "%s",
             region->municipalities[person->municipality].code);
    row.listed_unit_id = region->units[person->listed_unit].id;
    row.created_at = created_at;
    enum err_code rc = store_bulk_patient(demo->bulk, &row, err);
    person->patient_id = row.id;
    demo->counts.patients++;
    return rc;
}

enum err_code demo_patient_generate(struct demo *demo, long index, struct error *err)
{
    struct demo_rng rng;
    demo_rng_seed(&rng, demo->seed, (uint64_t)index + 1);
    const struct demo_region *region = &demo->region;
    struct demo_person person;
    memset(&person, 0, sizeof(person));
    person.sex = demo_rng_chance(&rng, FEMALE_SHARE) ? SEX_FEMALE : SEX_MALE;
    person.municipality =
        demo_rng_weighted(&rng, region->municipality_weight, region->municipality_count);
    const struct demo_municipality *m = &region->municipalities[person.municipality];
    person.listed_unit =
        m->listing_unit[demo_rng_weighted(&rng, m->listing_weight, m->listing_count)];
    long day = draw_referral_day(demo, &rng);
    long birth_day = draw_birth_day(&rng, day);
    struct demo_episode *episode = scratch_episode(demo);
    enum err_code rc = ERR_OK;
    for (int n = 0; n < MAX_EPISODES && day < demo->today && rc == ERR_OK; n++) {
        person.age_years = age_on(birth_day, day);
        person.retired = person.age_years >= RETIREMENT_AGE;
        rc = demo_care_simulate(demo, &rng, &person, episode_unit(demo, &rng, &person), day,
                                episode, err);
        if (rc == ERR_OK && n == 0)
            rc = add_patient(demo, &rng, &person, birth_day, episode->row.referred_at, err);
        if (rc == ERR_OK)
            rc = demo_events_write(demo, &person, episode, err);
        if (episode->row.ended_at == 0 || !demo_rng_chance(&rng, ANOTHER_EPISODE))
            break;
        day =
            (long)(episode->row.ended_at / DEMO_SECONDS_PER_DAY) + demo_rng_between(&rng, 30, 365);
    }
    return rc;
}

void demo_patients_release(struct demo *demo)
{
    free(demo->birth_numbers_used);
    demo->birth_numbers_used = NULL;
    free(demo->scratch);
    demo->scratch = NULL;
}
