/* store_catalog.c - the region's interventions and which unit offers which. */
#include "store_internal.h"

#include <string.h>

static const char sql_intervention_list[] =
    "SELECT code, step, name_sv, name_en FROM intervention ORDER BY step, code";
static const char sql_unit_offer_list[] = "SELECT unit_id, intervention_code FROM "
                                          "unit_intervention ORDER BY unit_id, intervention_code";

static void read_intervention(struct store__stmt *stmt, void *elem)
{
    struct store_intervention *intervention = elem;
    STORE__COLUMN_FIELD(stmt, 0, intervention->code);
    intervention->step = store__column_int(stmt, 1);
    STORE__COLUMN_FIELD(stmt, 2, intervention->name_sv);
    STORE__COLUMN_FIELD(stmt, 3, intervention->name_en);
}

static void read_offer(struct store__stmt *stmt, void *elem)
{
    struct store_unit_offer *offer = elem;
    offer->unit_id = store__column_int64(stmt, 0);
    STORE__COLUMN_FIELD(stmt, 1, offer->intervention_code);
}

enum err_code store_intervention_list(struct store *store, struct store_intervention **list,
                                      int *count, struct error *err)
{
    void *array = NULL;
    enum err_code rc = store__list(store, sql_intervention_list, 0, sizeof(**list),
                                   read_intervention, &array, count, err);
    *list = array;
    return rc;
}

enum err_code store_unit_offer_list(struct store *store, struct store_unit_offer **list, int *count,
                                    struct error *err)
{
    void *array = NULL;
    enum err_code rc =
        store__list(store, sql_unit_offer_list, 0, sizeof(**list), read_offer, &array, count, err);
    *list = array;
    return rc;
}
