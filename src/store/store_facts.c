/* store_facts.c - the quality indicators' facts table (core/indicator.h) from the records.
 *
 * One query per kind of fact (episodes with their patients, attended appointments, PHQ-9/GAD-7
 * per episode, contracts, step-ups), each in episode-id order, joined in C by looking the
 * episode id up in the sorted list of episodes. Days are instants divided by 86400 (UTC). */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/indicator.h"
#include "core/mem.h"

#define SECONDS_PER_DAY  86400
#define FACTS_STEP_COUNT 5 /* episode.step is CHECKed to -1..4 */

/* Each query comes twice: over every episode (store_facts_load) and for one episode ?1
 * (store_facts_load_episode), from the same text. */
#define SQL_EPISODES                                                                               \
    "SELECT e.id, e.unit_id, coalesce(p.municipality_code, ''), coalesce(p.listed_unit_id, 0), "   \
    "p.sex, p.birth_date, e.step, e.referred_at, e.assessed_at, e.treatment_started_at, "          \
    "e.ended_at FROM episode e JOIN patient p ON p.id = e.patient_id "
#define SQL_ATTENDED "SELECT episode_id, count(*) FROM appointment WHERE status = 'attended' "
/* count, first day, first and last total of each instrument per episode */
#define SQL_SCORES                                                                                 \
    "SELECT r.episode_id, r.instrument, count(*), min(r.answered_at), "                            \
    "(SELECT f.total FROM response f WHERE f.episode_id = r.episode_id AND "                       \
    "  f.instrument = r.instrument AND f.total >= 0 ORDER BY f.answered_at, f.id LIMIT 1), "       \
    "(SELECT l.total FROM response l WHERE l.episode_id = r.episode_id AND "                       \
    "  l.instrument = r.instrument AND l.total >= 0 ORDER BY l.answered_at DESC, l.id DESC "       \
    "  LIMIT 1) "                                                                                  \
    "FROM response r WHERE r.total >= 0 AND r.instrument IN ('phq9', 'gad7') "
#define SQL_CONTRACTS                                                                              \
    "SELECT episode_id, contact_staff_id IS NOT NULL, next_contact_at > 0, goals <> '' "           \
    "FROM contract "
/* stepped up: a later assessment chose a higher step than an earlier one */
#define SQL_STEP_UPS                                                                               \
    "SELECT DISTINCT a.episode_id FROM assessment a JOIN assessment b "                            \
    "ON b.episode_id = a.episode_id AND (b.at > a.at OR (b.at = a.at AND b.id > a.id)) "           \
    "AND b.chosen_step > a.chosen_step "

static const char sql_facts_episodes[] = SQL_EPISODES "ORDER BY e.id";
static const char sql_facts_attended[] = SQL_ATTENDED "GROUP BY episode_id ORDER BY episode_id";
static const char sql_facts_scores[] = SQL_SCORES "AND r.episode_id IS NOT NULL "
                                                  "GROUP BY r.episode_id, r.instrument "
                                                  "ORDER BY r.episode_id";
static const char sql_facts_contracts[] = SQL_CONTRACTS "ORDER BY episode_id";
static const char sql_facts_step_ups[] = SQL_STEP_UPS "ORDER BY a.episode_id";

static const char sql_one_episode[] = SQL_EPISODES "WHERE e.id = ?1";
static const char sql_one_attended[] = SQL_ATTENDED "AND episode_id = ?1 GROUP BY episode_id";
static const char sql_one_scores[] =
    SQL_SCORES "AND r.episode_id = ?1 GROUP BY r.episode_id, r.instrument";
static const char sql_one_contract[] = SQL_CONTRACTS "WHERE episode_id = ?1";
static const char sql_one_step_ups[] = SQL_STEP_UPS "WHERE a.episode_id = ?1";

struct facts_sql {
    const char *episodes, *attended, *scores, *contracts, *step_ups;
};
static const struct facts_sql facts_sql_all = { sql_facts_episodes, sql_facts_attended,
                                                sql_facts_scores, sql_facts_contracts,
                                                sql_facts_step_ups };
static const struct facts_sql facts_sql_one = { sql_one_episode, sql_one_attended, sql_one_scores,
                                                sql_one_contract, sql_one_step_ups };

struct code_index {
    const char *code;
    int index;
};

static int code_index_cmp(const void *a, const void *b)
{
    return strcmp(((const struct code_index *)a)->code, ((const struct code_index *)b)->code);
}

static int id_cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Everything the loader works with. */
struct facts_load {
    struct store_facts_maps *maps;
    struct indicator_episode *episodes; /* parallel to maps->episode_ids */
    struct code_index *municipality_codes;
    int *assessed_common; /* per episode: bit 0 PHQ-9, bit 1 GAD-7 scored by the assessment */
    const struct facts_sql *sql;
    long long only; /* > 0: the one episode the queries are bound to */
};

/* The calling thread's statement for `sql`, bound to the one episode when there is one. */
static enum err_code facts_read(struct store *store, const struct facts_load *load, const char *sql,
                                struct store__stmt **stmt, struct error *err)
{
    enum err_code rc = store__read(store, sql, stmt, err);
    if (rc == ERR_OK && load->only > 0)
        store__bind_int64(*stmt, 1, load->only);
    return rc;
}

static long day_of(long long epoch)
{
    return epoch > 0 ? (long)(epoch / SECONDS_PER_DAY) : INDICATOR_NO_DAY;
}

static int unit_index(const struct store_facts_maps *maps, long long unit_id)
{
    int lo = 0, hi = maps->unit_count - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (maps->units[mid].id == unit_id)
            return mid;
        if (maps->units[mid].id < unit_id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int municipality_index(const struct facts_load *load, const char *code)
{
    struct code_index key = { code, 0 };
    const struct code_index *hit =
        bsearch(&key, load->municipality_codes, (size_t)load->maps->municipality_count, sizeof(key),
                code_index_cmp);
    return hit ? hit->index : -1;
}

/* The record of episode `id`, or NULL. */
static struct indicator_episode *episode_of(struct facts_load *load, long long id, size_t *pos)
{
    const long long *hit =
        bsearch(&id, load->maps->episode_ids, load->maps->episode_count, sizeof(id), id_cmp);
    if (hit == NULL)
        return NULL;
    *pos = (size_t)(hit - load->maps->episode_ids);
    return &load->episodes[*pos];
}

static void read_episode_row(const struct facts_load *load, struct store__stmt *stmt,
                             struct indicator_episode *ep)
{
    indicator_episode_init(ep);
    ep->unit = (int16_t)unit_index(load->maps, store__column_int64(stmt, 1));
    ep->municipality = (int16_t)municipality_index(load, store__column_str(stmt, 2));
    ep->listed_unit = (int16_t)unit_index(load->maps, store__column_int64(stmt, 3));
    enum sex sex = SEX_UNKNOWN;
    if (sex_parse(store__column_str(stmt, 4), &sex) != 0)
        sex = SEX_UNKNOWN;
    ep->sex = (int8_t)sex;
    int step = store__column_int(stmt, 6);
    ep->step = (int8_t)(step >= 0 && step < FACTS_STEP_COUNT ? step : -1);
    ep->referred_day = (int32_t)day_of(store__column_int64(stmt, 7));
    ep->assessed_day = (int32_t)day_of(store__column_int64(stmt, 8));
    ep->treatment_day = (int32_t)day_of(store__column_int64(stmt, 9));
    ep->ended_day = (int32_t)day_of(store__column_int64(stmt, 10));
    struct date birth;
    struct error ignored;
    if (ep->referred_day >= 0 && date_parse(store__column_str(stmt, 5), &birth, &ignored) == ERR_OK)
        ep->age_band =
            (int8_t)indicator_age_band(date_age_years(birth, date_from_days(ep->referred_day)));
}

static enum err_code load_episodes(struct store *store, struct facts_load *load, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = facts_read(store, load, load->sql->episodes, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = store__step(stmt, err)) == 1) {
        struct store_facts_maps *maps = load->maps;
        if (maps->episode_count == cap) {
            cap = cap ? cap * 2 : 256;
            maps->episode_ids = xrealloc(maps->episode_ids, cap * sizeof(*maps->episode_ids));
            load->episodes = xrealloc(load->episodes, cap * sizeof(*load->episodes));
        }
        maps->episode_ids[maps->episode_count] = store__column_int64(stmt, 0);
        read_episode_row(load, stmt, &load->episodes[maps->episode_count]);
        maps->episode_count++;
    }
    store__done(stmt);
    return step < 0 ? (enum err_code)step : ERR_OK;
}

static enum err_code load_attended(struct store *store, struct facts_load *load, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = facts_read(store, load, load->sql->attended, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int step;
    size_t pos;
    while ((step = store__step(stmt, err)) == 1) {
        struct indicator_episode *ep = episode_of(load, store__column_int64(stmt, 0), &pos);
        long long n = store__column_int64(stmt, 1);
        if (ep != NULL)
            ep->sessions_attended = (uint16_t)(n > 65535 ? 65535 : n);
    }
    store__done(stmt);
    return step < 0 ? (enum err_code)step : ERR_OK;
}

static enum err_code load_scores(struct store *store, struct facts_load *load, struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc = facts_read(store, load, load->sql->scores, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int step;
    size_t pos;
    while ((step = store__step(stmt, err)) == 1) {
        struct indicator_episode *ep = episode_of(load, store__column_int64(stmt, 0), &pos);
        if (ep == NULL)
            continue;
        bool phq9 = strcmp(store__column_str(stmt, 1), "phq9") == 0;
        long long n = store__column_int64(stmt, 2);
        uint8_t count = (uint8_t)(n > 255 ? 255 : n);
        int8_t first = (int8_t)store__column_int(stmt, 4);
        int8_t last = (int8_t)store__column_int(stmt, 5);
        if (phq9) {
            ep->phq9_count = count;
            ep->phq9_first = first;
            ep->phq9_last = last;
        } else {
            ep->gad7_count = count;
            ep->gad7_first = first;
            ep->gad7_last = last;
        }
        long first_day = day_of(store__column_int64(stmt, 3));
        if (ep->assessed_day >= 0 && first_day <= ep->assessed_day)
            load->assessed_common[pos] |= phq9 ? 1 : 2;
    }
    store__done(stmt);
    return step < 0 ? (enum err_code)step : ERR_OK;
}

static enum err_code load_flags(struct store *store, struct facts_load *load, bool step_ups,
                                struct error *err)
{
    struct store__stmt *stmt = NULL;
    enum err_code rc =
        facts_read(store, load, step_ups ? load->sql->step_ups : load->sql->contracts, &stmt, err);
    if (rc != ERR_OK)
        return rc;
    int step;
    size_t pos;
    while ((step = store__step(stmt, err)) == 1) {
        struct indicator_episode *ep = episode_of(load, store__column_int64(stmt, 0), &pos);
        if (ep == NULL)
            continue;
        if (step_ups) {
            ep->flags |= INDICATOR_STEPPED_UP;
            continue;
        }
        if (store__column_int(stmt, 1))
            ep->flags |= INDICATOR_CONTRACT_CONTACT;
        if (store__column_int(stmt, 2))
            ep->flags |= INDICATOR_CONTRACT_NEXT_TIME;
        if (store__column_int(stmt, 3))
            ep->flags |= INDICATOR_CONTRACT_GOALS;
    }
    store__done(stmt);
    return step < 0 ? (enum err_code)step : ERR_OK;
}

/* The municipality codes sorted, for municipality_index(). */
static void index_municipalities(struct facts_load *load)
{
    const struct store_facts_maps *maps = load->maps;
    int n = maps->municipality_count;
    load->municipality_codes = xcalloc(n > 0 ? (size_t)n : 1, sizeof(struct code_index));
    for (int i = 0; i < n; i++)
        load->municipality_codes[i] = (struct code_index){ maps->municipalities[i].code, i };
    qsort(load->municipality_codes, (size_t)n, sizeof(struct code_index), code_index_cmp);
}

static enum err_code load_region(struct store *store, struct facts_load *load, struct error *err)
{
    struct store_facts_maps *maps = load->maps;
    enum err_code rc = store_unit_list(store, &maps->units, &maps->unit_count, err);
    if (rc == ERR_OK)
        rc = store_municipality_list(store, &maps->municipalities, &maps->municipality_count, err);
    if (rc != ERR_OK)
        return rc;
    index_municipalities(load);
    return ERR_OK;
}

static enum err_code append_all(struct facts_load *load, struct indicator_facts *facts,
                                struct error *err)
{
    enum err_code rc = indicator_facts_reserve(facts, load->maps->episode_count, err);
    for (size_t i = 0; rc == ERR_OK && i < load->maps->episode_count; i++)
        rc = indicator_facts_append(facts, &load->episodes[i], NULL, err);
    return rc;
}

/* Every kind of fact for the episodes the load's queries select, into load->episodes. */
static enum err_code load_records(struct store *store, struct facts_load *load, struct error *err)
{
    enum err_code rc = load_episodes(store, load, err);
    if (rc == ERR_OK) {
        load->assessed_common = xcalloc(load->maps->episode_count + 1, sizeof(int));
        rc = load_attended(store, load, err);
    }
    if (rc == ERR_OK)
        rc = load_scores(store, load, err);
    if (rc == ERR_OK)
        rc = load_flags(store, load, false, err);
    if (rc == ERR_OK)
        rc = load_flags(store, load, true, err);
    for (size_t i = 0; rc == ERR_OK && i < load->maps->episode_count; i++)
        if (load->assessed_common[i] == 3)
            load->episodes[i].flags |= INDICATOR_COMMON_AT_ASSESSMENT;
    return rc;
}

enum err_code store_facts_load(struct store *store, const struct instrument *phq9,
                               const struct instrument *gad7, struct indicator_facts *facts,
                               struct store_facts_maps *maps, struct error *err)
{
    struct facts_load load = { maps, NULL, NULL, NULL, &facts_sql_all, 0 };
    memset(maps, 0, sizeof(*maps));
    memset(facts, 0, sizeof(*facts));
    enum err_code rc = load_region(store, &load, err);
    if (rc == ERR_OK)
        rc = load_records(store, &load, err);
    if (rc == ERR_OK) {
        struct indicator_dims dims = { maps->unit_count > 0 ? maps->unit_count : 1,
                                       maps->municipality_count > 0 ? maps->municipality_count : 1,
                                       FACTS_STEP_COUNT };
        rc = indicator_facts_init(facts, &dims, phq9, gad7, err);
        if (rc == ERR_OK)
            rc = append_all(&load, facts, err);
    }
    free(load.episodes);
    free(load.municipality_codes);
    free(load.assessed_common);
    if (rc != ERR_OK) {
        indicator_facts_release(facts);
        store_facts_maps_release(maps);
    }
    return rc;
}

enum err_code store_facts_load_episode(struct store *store, const struct store_facts_maps *maps,
                                       long long episode_id, struct indicator_episode *out,
                                       struct error *err)
{
    /* The region's lists are borrowed; only the episode list is the load's own. */
    struct store_facts_maps one = *maps;
    one.episode_ids = NULL;
    one.episode_count = 0;
    struct facts_load load = { &one, NULL, NULL, NULL, &facts_sql_one, episode_id };
    indicator_episode_init(out);
    if (episode_id <= 0)
        return error_set(err, ERR_NOT_FOUND, "episode_id", "no episode %lld", episode_id);
    index_municipalities(&load);
    enum err_code rc = load_records(store, &load, err);
    if (rc == ERR_OK && one.episode_count != 1)
        rc = error_set(err, ERR_NOT_FOUND, "episode_id", "no episode %lld", episode_id);
    if (rc == ERR_OK)
        *out = load.episodes[0];
    free(one.episode_ids);
    free(load.episodes);
    free(load.municipality_codes);
    free(load.assessed_common);
    return rc;
}

void store_facts_maps_release(struct store_facts_maps *maps)
{
    free(maps->units);
    free(maps->municipalities);
    free(maps->episode_ids);
    memset(maps, 0, sizeof(*maps));
}
