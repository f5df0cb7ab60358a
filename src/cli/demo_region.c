/* demo_region.c - the demo's region: the units in the database, what each offers by step
 * (data/region.json), how each works (the profiles below) and where patients live and are
 * listed.
 *
 * The differences are deliberate, so the dashboards have something true to show:
 *   - Gottsunda assesses almost everyone within 3 days and keeps complete contracts;
 *   - Tierp is often late (a third within 3 days), measures at fewer sessions and its staff are
 *     behind on training; it offers no group treatment;
 *   - Ultuna and Årsta get the best outcomes, Knivsta weaker ones, Bålsta more deterioration;
 *   - Enköpings husläkarcentrum writes few complete contracts;
 *   - Älvkarleby has no unit of its own: its residents are listed at Tierp and otherwise use
 *     KBT via nätet, and neither offers group treatment (grupp), so Älvkarleby is the one
 *     municipality whose residents cannot get it. Tierp's and Östhammar's residents are partly
 *     listed at Storvreta, which offers it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo.h"
#include "core/mem.h"

/* code, clinicians, within 3 days, late max, treatment wait max, effect, deteriorate, measured,
 * gad7, contract, contract full, missed, dropout, trained, deviate, self-referral */
static const struct demo_profile profiles[] = {
    { "BALSTA", 5, 0.80, 14, 21, 0.95, 0.12, 0.85, 0.92, 0.85, 0.75, 0.10, 0.030, 0.85, 0.10,
      0.45 },
    { "ENKOPING_HLC", 6, 0.75, 18, 28, 1.00, 0.05, 0.80, 0.90, 0.55, 0.45, 0.10, 0.030, 0.65, 0.12,
      0.45 },
    { "ERIKSBERG", 6, 0.88, 10, 14, 1.05, 0.05, 0.90, 0.95, 0.88, 0.80, 0.08, 0.025, 0.90, 0.08,
      0.50 },
    { "GOTTSUNDA", 7, 0.95, 7, 10, 1.00, 0.05, 0.95, 0.98, 0.96, 0.92, 0.12, 0.030, 0.95, 0.08,
      0.45 },
    { "KBT_NATET", 8, 0.97, 5, 5, 1.10, 0.04, 0.98, 0.99, 0.80, 0.85, 0.05, 0.050, 0.95, 0.05,
      0.90 },
    { "KNIVSTA", 4, 0.90, 10, 14, 0.80, 0.06, 0.88, 0.95, 0.85, 0.80, 0.08, 0.030, 0.85, 0.10,
      0.45 },
    { "STORVRETA", 5, 0.70, 21, 21, 1.00, 0.05, 0.85, 0.92, 0.85, 0.75, 0.09, 0.030, 0.80, 0.10,
      0.45 },
    { "TIERP", 5, 0.35, 35, 35, 0.85, 0.07, 0.60, 0.75, 0.70, 0.55, 0.14, 0.040, 0.45, 0.15, 0.40 },
    { "ULTUNA", 6, 0.90, 10, 14, 1.30, 0.03, 0.95, 0.97, 0.92, 0.85, 0.07, 0.020, 0.95, 0.07,
      0.50 },
    { "UPPSALA_BC", 7, 0.85, 14, 21, 1.00, 0.05, 0.80, 0.92, 0.85, 0.75, 0.10, 0.030, 0.85, 0.10,
      0.45 },
    { "ARSTA", 6, 0.90, 10, 14, 1.20, 0.04, 0.92, 0.96, 0.90, 0.85, 0.08, 0.025, 0.90, 0.08, 0.45 },
};

/* For a unit the table does not know (a region.json of your own). */
static const struct demo_profile default_profile = {
    NULL, 5, 0.85, 14, 21, 1.00, 0.05, 0.85, 0.92, 0.85, 0.75, 0.10, 0.03, 0.85, 0.10, 0.45
};

/* Rounded populations (about 2023), used only as weights for where synthetic patients live. */
struct population {
    const char *code;
    double people;
};

static const struct population populations[] = {
    { "0305", 22000 }, { "0319", 9600 },   { "0330", 20000 }, { "0331", 14000 },
    { "0360", 21000 }, { "0380", 245000 }, { "0381", 47000 }, { "0382", 22000 },
};

/* Where residents of a municipality are listed (weights; units missing from the region are
 * skipped). */
struct listing {
    const char *municipality;
    const char *unit;
    double weight;
};

static const struct listing listings[] = {
    { "0305", "BALSTA", 90 },       { "0305", "ENKOPING_HLC", 6 },  { "0305", "ERIKSBERG", 4 },
    { "0319", "TIERP", 100 },       { "0330", "KNIVSTA", 85 },      { "0330", "ULTUNA", 10 },
    { "0330", "ARSTA", 5 },         { "0331", "ENKOPING_HLC", 40 }, { "0331", "ERIKSBERG", 35 },
    { "0331", "ULTUNA", 25 },       { "0360", "TIERP", 85 },        { "0360", "STORVRETA", 15 },
    { "0380", "ERIKSBERG", 17 },    { "0380", "GOTTSUNDA", 18 },    { "0380", "STORVRETA", 12 },
    { "0380", "ULTUNA", 15 },       { "0380", "UPPSALA_BC", 20 },   { "0380", "ARSTA", 18 },
    { "0381", "ENKOPING_HLC", 95 }, { "0381", "BALSTA", 5 },        { "0382", "STORVRETA", 55 },
    { "0382", "TIERP", 45 },
};

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

int demo_region_unit(const struct demo_region *region, const char *code)
{
    for (int i = 0; i < region->unit_count; i++)
        if (strcmp(region->units[i].code, code) == 0)
            return i;
    return -1;
}

static const struct demo_profile *profile_for(const char *code)
{
    for (int i = 0; i < COUNT_OF(profiles); i++)
        if (strcmp(profiles[i].code, code) == 0)
            return &profiles[i];
    return &default_profile;
}

static enum err_code load_units(struct demo_region *region, struct store *store, struct error *err)
{
    struct store_unit *units = NULL;
    int count = 0;
    enum err_code rc = store_unit_list(store, &units, &count, err);
    if (rc != ERR_OK)
        return rc;
    if (count > DEMO_MAX_UNITS)
        count = DEMO_MAX_UNITS;
    region->digital = -1;
    for (int i = 0; i < count; i++) {
        struct demo_unit *unit = &region->units[region->unit_count++];
        unit->id = units[i].id;
        snprintf(unit->code, sizeof(unit->code), "%s", units[i].code);
        snprintf(unit->name, sizeof(unit->name), "%s", units[i].name);
        snprintf(unit->kind, sizeof(unit->kind), "%s", units[i].kind);
        snprintf(unit->municipality, sizeof(unit->municipality), "%s", units[i].municipality_code);
        unit->digital = strcmp(units[i].kind, "digital") == 0;
        unit->profile = profile_for(units[i].code);
        if (unit->digital && region->digital < 0)
            region->digital = i;
    }
    free(units);
    if (region->unit_count == 0 || region->unit_count == (region->digital >= 0 ? 1 : 0))
        return error_set(err, ERR_INVALID, "units",
                         "the region has no units where patients can be listed (region.json)");
    return ERR_OK;
}

static const char *keep_string(struct demo_region *region, const char *text)
{
    region->strings =
        xrealloc(region->strings, sizeof(char *) * (size_t)(region->string_count + 1));
    region->strings[region->string_count] = xstrdup(text);
    return region->strings[region->string_count++];
}

/* The step of intervention `code` in the region's catalogue; -1 when unknown. */
static int intervention_step(json_t *interventions, const char *code)
{
    size_t i;
    json_t *item;
    json_array_foreach(interventions, i, item)
    {
        const char *c = json_string_value(json_object_get(item, "code"));
        json_t *step = json_object_get(item, "step");
        if (c != NULL && strcmp(c, code) == 0 && json_is_integer(step))
            return (int)json_integer_value(step);
    }
    return -1;
}

static void load_offers(struct demo_region *region, json_t *root)
{
    json_t *interventions = json_object_get(root, "interventions");
    json_t *offered = json_object_get(root, "unit_interventions");
    for (int u = 0; u < region->unit_count; u++) {
        struct demo_unit *unit = &region->units[u];
        json_t *list = json_object_get(offered, unit->code);
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item)
        {
            const char *code = json_string_value(item);
            int step = code ? intervention_step(interventions, code) : -1;
            if (step < 0 || step >= DEMO_STEPS || unit->offer_count[step] >= DEMO_MAX_OFFERS)
                continue;
            unit->offers[step][unit->offer_count[step]++] = keep_string(region, code);
        }
    }
}

static double population_of(const char *code)
{
    for (int i = 0; i < COUNT_OF(populations); i++)
        if (strcmp(populations[i].code, code) == 0)
            return populations[i].people;
    return 10000;
}

static void add_listing(struct demo_municipality *m, int unit, double weight)
{
    if (m->listing_count >= DEMO_MAX_UNITS)
        return;
    m->listing_unit[m->listing_count] = unit;
    m->listing_weight[m->listing_count++] = weight;
}

/* The table's listings; else the municipality's own units; else every vårdcentral. */
static void load_listings(struct demo_region *region, struct demo_municipality *m)
{
    for (int i = 0; i < COUNT_OF(listings); i++) {
        int unit = demo_region_unit(region, listings[i].unit);
        if (strcmp(listings[i].municipality, m->code) == 0 && unit >= 0 &&
            !region->units[unit].digital)
            add_listing(m, unit, listings[i].weight);
    }
    for (int u = 0; u < region->unit_count && m->listing_count == 0; u++)
        if (!region->units[u].digital && strcmp(region->units[u].municipality, m->code) == 0)
            add_listing(m, u, 1);
    for (int u = 0; u < region->unit_count && m->listing_count == 0; u++)
        if (!region->units[u].digital)
            add_listing(m, u, 1);
}

static enum err_code load_municipalities(struct demo_region *region, struct store *store,
                                         json_t *root, struct error *err)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(root, "municipalities"), i, item)
    {
        const char *code = json_string_value(json_object_get(item, "code"));
        const char *name = json_string_value(json_object_get(item, "name"));
        if (code == NULL || region->municipality_count >= DEMO_MAX_MUNICIPALITY)
            continue;
        struct error ignored;
        if (store_municipality_exists(store, code, &ignored) != ERR_OK)
            continue;
        struct demo_municipality *m = &region->municipalities[region->municipality_count];
        snprintf(m->code, sizeof(m->code), "%s", code);
        snprintf(m->name, sizeof(m->name), "%s", name ? name : code);
        m->population = population_of(code);
        region->municipality_weight[region->municipality_count++] = m->population;
        load_listings(region, m);
    }
    if (region->municipality_count == 0)
        return error_set(err, ERR_INVALID, "municipalities",
                         "region.json names no municipality the database has");
    return ERR_OK;
}

enum err_code demo_region_load(struct demo_region *region, struct store *store,
                               const char *region_json, struct error *err)
{
    memset(region, 0, sizeof(*region));
    json_error_t parse_error;
    json_t *root = json_loads(region_json, 0, &parse_error);
    if (root == NULL)
        return error_set(err, ERR_INVALID, "region", "region.json line %d: %s", parse_error.line,
                         parse_error.text);
    enum err_code rc = load_units(region, store, err);
    if (rc == ERR_OK) {
        load_offers(region, root);
        rc = load_municipalities(region, store, root, err);
    }
    json_decref(root);
    if (rc != ERR_OK)
        demo_region_release(region);
    return rc;
}

void demo_region_release(struct demo_region *region)
{
    for (int i = 0; i < region->string_count; i++)
        free(region->strings[i]);
    free(region->strings);
    region->strings = NULL;
    region->string_count = 0;
}
