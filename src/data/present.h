/* present.h - core results as JSON (jansson), the same for the CLI, the API and the reports.
 * Every function returns a new reference the caller owns. */
#ifndef STEGVIS_DATA_PRESENT_H
#define STEGVIS_DATA_PRESENT_H

#include <jansson.h>

#include "core/instrument.h"
#include "core/outcome.h"
#include "core/pnr.h"
#include "core/steps.h"

/* {"instrument","total","band","caseness","flags"} and, where defined, "index" (WHO-5) and
 * "max_total" when it differs from the instrument's maximum (WSAS item 1 not applicable). */
json_t *present_score(const struct instrument *ins, const struct instrument_score *score);

/* The flags as an array of names in a fixed order. */
json_t *present_flags(unsigned flags);

/* A tri-state as true / false / null. */
json_t *present_tri(enum tri value);

/* {"instrument","first","last","change","reliable","caseness_start","caseness_end","recovery",
 *  "reliable_recovery"} */
json_t *present_outcome_measure(const struct outcome_measure *m);

/* {"measures":[...], "caseness_start", "caseness_end", "reliable", "recovery",
 *  "reliable_recovery"} */
json_t *present_outcome_episode(const struct outcome_measure *measures, int count,
                                const struct outcome_episode *episode);

/* {"pnr","birth_date","sex","coordination_number"} */
json_t *present_pnr(const struct pnr *p);

/* {"step","name","reasons":[{"code","text",...}]} with texts in `lang`. */
json_t *present_recommendation(const struct steps_rules *rules, const struct steps_result *result,
                               enum lang lang);

/* One instrument's summary for listings: id, name, items, range, bands, caseness, codes. */
json_t *present_instrument_summary(const struct instrument *ins);

#endif
