/* demo_answers.c - answers that score near a latent level, scored by instrument_score().
 *
 * Each scored item gets the option position nearest level x (options - 1) plus noise, so the
 * total lands near level x the maximum whatever the instrument; a risk item (a flag rule on one
 * item, PHQ-9 item 9) is answered above 0 with its own probability instead. Everything comes
 * from the definition: nothing here knows one instrument from another. */
#include <stdio.h>
#include <string.h>

#include "cli/demo.h"

#define ITEM_NOISE         0.8  /* sd of an item's position around the level */
#define OPTIONAL_ANSWERED  0.9  /* a trailing unscored item (PHQ-9 item 10) is answered */
#define ONE_ITEM_MISSING   0.01 /* forms with one item left blank, where prorating allows it */
#define RISK_ONE_POSITION  0.7  /* a risk answer above 0 is "several days" */
#define RISK_TWO_POSITIONS 0.6  /* else "more than half the days", else "nearly every day" */

static bool is_risk_item(const struct instrument *ins, int item)
{
    for (int r = 0; r < ins->flag_rule_count; r++)
        if (ins->flag_rules[r].flag == FLAG_RISK && ins->flag_rules[r].item == item)
            return true;
    return false;
}

static int risk_position(struct demo_rng *rng, const struct instrument_item *item, double risk)
{
    int position = 0;
    if (demo_rng_chance(rng, risk))
        position = demo_rng_chance(rng, RISK_ONE_POSITION)    ? 1
                   : demo_rng_chance(rng, RISK_TWO_POSITIONS) ? 2
                                                              : 3;
    return position < item->option_count ? position : item->option_count - 1;
}

static int level_position(struct demo_rng *rng, const struct instrument_item *item, double level)
{
    double top = item->option_count - 1;
    double x = demo_clamp(level * top + ITEM_NOISE * demo_rng_normal(rng), 0, top);
    int position = (int)(x + 0.5);
    return position > (int)top ? (int)top : position;
}

/* Leave one scored item blank, never a risk item (its flag must stay known). */
static void blank_one(struct demo_rng *rng, const struct instrument *ins, int *positions, int count)
{
    int item = demo_rng_below(rng, count);
    for (int tries = 0; tries < count; tries++, item = (item + 1) % count)
        if (ins->items[item].scored && !is_risk_item(ins, item) && positions[item] >= 0) {
            positions[item] = ANSWER_MISSING;
            return;
        }
}

enum err_code demo_answers_draw(struct demo_rng *rng, const struct instrument *ins, double level,
                                double risk, bool retired, enum sex sex, struct demo_event *event,
                                struct error *err)
{
    int positions[INSTRUMENT_MAX_ITEMS];
    int count = ins->item_count;
    for (int i = 0; i < count; i++) {
        const struct instrument_item *item = &ins->items[i];
        if (is_risk_item(ins, i))
            positions[i] = risk_position(rng, item, risk);
        else if (item->allow_not_applicable && retired)
            positions[i] = ANSWER_NOT_APPLICABLE;
        else
            positions[i] = level_position(rng, item, level);
    }
    const struct instrument_item *last = &ins->items[count - 1];
    if (last->optional && !last->scored && !demo_rng_chance(rng, OPTIONAL_ANSWERED))
        count--;
    if (ins->prorate_max_missing > 0 && demo_rng_chance(rng, ONE_ITEM_MISSING))
        blank_one(rng, ins, positions, count);
    event->kind = DEMO_RESPONSE;
    event->u.response.instrument = ins;
    event->u.response.count = count;
    for (int i = 0; i < count; i++)
        event->u.response.positions[i] = (signed char)positions[i];
    return instrument_score(ins, positions, count, sex, &event->u.response.score, err);
}

void demo_answers_text(const signed char *positions, int count, char *out, size_t size)
{
    int wide[INSTRUMENT_MAX_ITEMS];
    for (int i = 0; i < count && i < INSTRUMENT_MAX_ITEMS; i++)
        wide[i] = positions[i];
    instrument_format_answers(wide, count < INSTRUMENT_MAX_ITEMS ? count : INSTRUMENT_MAX_ITEMS,
                              out, size);
}
