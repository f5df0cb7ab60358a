/* indicator_region.c - the indicators that are not about episodes: which interventions the
 * residents of each municipality can get, and how many staff have completed their training. */
#include "indicator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static enum err_code check_sizes(int unit_count, int intervention_count, int municipality_count,
                                 struct error *err)
{
    if (unit_count < 0 || unit_count > INDICATOR_MAX_INDEX)
        return error_set(err, ERR_INVALID, "unit_count", "unit count must be 0-%d",
                         INDICATOR_MAX_INDEX);
    if (intervention_count < 1 || intervention_count > INDICATOR_MAX_INDEX)
        return error_set(err, ERR_INVALID, "intervention_count", "intervention count must be 1-%d",
                         INDICATOR_MAX_INDEX);
    if (municipality_count < 1 || municipality_count > INDICATOR_MAX_INDEX)
        return error_set(err, ERR_INVALID, "municipality_count", "municipality count must be 1-%d",
                         INDICATOR_MAX_INDEX);
    return ERR_OK;
}

static enum err_code check_units(const int *unit_municipality, int unit_count,
                                 int municipality_count, struct error *err)
{
    for (int u = 0; u < unit_count; u++) {
        int m = unit_municipality[u];
        if (m != INDICATOR_REGIONWIDE && (m < 0 || m >= municipality_count)) {
            char field[48];
            snprintf(field, sizeof(field), "unit_municipality/%d", u);
            return error_set(err, ERR_INVALID, field, "unit %d has municipality %d, not 0-%d", u, m,
                             municipality_count - 1);
        }
    }
    return ERR_OK;
}

/* Check the offers and mark them in `seen` (unit x intervention) to find duplicates. */
static enum err_code check_offers(const struct indicator_offer *offers, int offer_count,
                                  int unit_count, int intervention_count, unsigned char *seen,
                                  struct error *err)
{
    for (int i = 0; i < offer_count; i++) {
        const struct indicator_offer *o = &offers[i];
        char field[32];
        snprintf(field, sizeof(field), "offers/%d", i);
        if (o->unit < 0 || o->unit >= unit_count || o->intervention < 0 ||
            o->intervention >= intervention_count)
            return error_set(err, ERR_INVALID, field,
                             "offer of intervention %d by unit %d is "
                             "outside the region's lists",
                             o->intervention, o->unit);
        unsigned char *mark =
            &seen[(size_t)o->unit * (size_t)intervention_count + (size_t)o->intervention];
        if (*mark)
            return error_set(err, ERR_INVALID, field,
                             "unit %d offers intervention %d more than once", o->unit,
                             o->intervention);
        *mark = 1;
    }
    return ERR_OK;
}

enum err_code indicator_availability(const int *unit_municipality, int unit_count,
                                     const struct indicator_offer *offers, int offer_count,
                                     int intervention_count, int municipality_count,
                                     struct indicator_availability *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    enum err_code rc = check_sizes(unit_count, intervention_count, municipality_count, err);
    if (rc == ERR_OK && offer_count < 0)
        rc = error_set(err, ERR_INVALID, "offer_count", "negative offer count");
    if (rc == ERR_OK)
        rc = check_units(unit_municipality, unit_count, municipality_count, err);
    if (rc != ERR_OK)
        return rc;
    unsigned char *seen = xcalloc((size_t)unit_count * (size_t)intervention_count + 1, 1);
    rc = check_offers(offers, offer_count, unit_count, intervention_count, seen, err);
    free(seen);
    if (rc != ERR_OK)
        return rc;

    int *units = xcalloc((size_t)intervention_count * (size_t)municipality_count, sizeof(int));
    for (int i = 0; i < offer_count; i++) {
        int *row = units + (size_t)offers[i].intervention * (size_t)municipality_count;
        int m = unit_municipality[offers[i].unit];
        if (m == INDICATOR_REGIONWIDE)
            for (int k = 0; k < municipality_count; k++)
                row[k]++;
        else
            row[m]++;
    }
    out->intervention_count = intervention_count;
    out->municipality_count = municipality_count;
    out->units = units;
    for (size_t c = 0; c < (size_t)intervention_count * (size_t)municipality_count; c++)
        out->gap_count += units[c] == 0;
    return ERR_OK;
}

int indicator_availability_units(const struct indicator_availability *availability,
                                 int intervention, int municipality)
{
    if (intervention < 0 || intervention >= availability->intervention_count || municipality < 0 ||
        municipality >= availability->municipality_count)
        return -1;
    return availability->units[(size_t)intervention * (size_t)availability->municipality_count +
                               (size_t)municipality];
}

int indicator_availability_offered(const struct indicator_availability *availability,
                                   int municipality)
{
    if (municipality < 0 || municipality >= availability->municipality_count)
        return -1;
    int offered = 0;
    for (int i = 0; i < availability->intervention_count; i++)
        offered += indicator_availability_units(availability, i, municipality) > 0;
    return offered;
}

void indicator_availability_release(struct indicator_availability *availability)
{
    free(availability->units);
    memset(availability, 0, sizeof(*availability));
}

static void training_add(struct indicator_training *t, bool completed)
{
    t->total++;
    t->completed += completed;
}

static void training_share(struct indicator_training *t)
{
    t->share = t->total > 0 ? (double)t->completed / (double)t->total : 0.0;
}

enum err_code indicator_training(const struct indicator_staff *staff, int staff_count,
                                 unsigned required, int unit_count,
                                 struct indicator_training *per_unit,
                                 struct indicator_training *region, struct error *err)
{
    memset(region, 0, sizeof(*region));
    if (unit_count > 0)
        memset(per_unit, 0, (size_t)unit_count * sizeof(*per_unit));
    if (required == 0)
        return error_set(err, ERR_INVALID, "required", "no required course given");
    if (unit_count < 0 || staff_count < 0)
        return error_set(err, ERR_INVALID, "unit_count", "negative count");
    for (int i = 0; i < staff_count; i++)
        if (staff[i].unit < -1 || staff[i].unit >= unit_count) {
            char field[32];
            snprintf(field, sizeof(field), "staff/%d/unit", i);
            return error_set(err, ERR_INVALID, field, "unit %d is not 0-%d (or -1)", staff[i].unit,
                             unit_count - 1);
        }
    for (int i = 0; i < staff_count; i++) {
        if (!staff[i].active)
            continue;
        bool completed = (staff[i].courses & required) == required;
        training_add(region, completed);
        if (staff[i].unit >= 0)
            training_add(&per_unit[staff[i].unit], completed);
    }
    for (int u = 0; u < unit_count; u++)
        training_share(&per_unit[u]);
    training_share(region);
    return ERR_OK;
}
