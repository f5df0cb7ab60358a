/* instrument.c - scoring. The JSON reader for definitions is in instrument_json.c. */
#include "instrument.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static const char *const flag_names[INSTRUMENT_FLAG_COUNT] = { "risk", "risk_unknown", "prorated",
                                                               "low_item" };

const char *instrument_flag_name(enum instrument_flag flag)
{
    for (int i = 0; i < INSTRUMENT_FLAG_COUNT; i++)
        if ((unsigned)flag == (1u << i))
            return flag_names[i];
    return NULL;
}

unsigned instrument_flag_parse(const char *name)
{
    for (int i = 0; i < INSTRUMENT_FLAG_COUNT; i++)
        if (strcmp(name, flag_names[i]) == 0)
            return 1u << i;
    return 0;
}

const char *instrument_text(char *const text[LANG_COUNT], enum lang lang)
{
    if (text[lang] != NULL)
        return text[lang];
    if (text[LANG_SV] != NULL)
        return text[LANG_SV];
    return text[LANG_EN] != NULL ? text[LANG_EN] : "";
}

const struct instrument *instrument_find(const struct instrument_catalog *cat, const char *id)
{
    for (int i = 0; i < cat->count; i++)
        if (strcmp(cat->list[i]->id, id) == 0)
            return cat->list[i];
    return NULL;
}

int instrument_reported(const struct instrument *ins, int raw_total)
{
    return ins->index_multiplier > 0 ? raw_total * ins->index_multiplier : raw_total;
}

static bool threshold_met(const struct threshold *t, int total, enum sex sex)
{
    int cut = t->value[sex];
    return t->kind == THRESHOLD_AT_LEAST ? total >= cut : total <= cut;
}

enum tri instrument_caseness(const struct instrument *ins, int raw_total, enum sex sex)
{
    if (ins->caseness.kind == THRESHOLD_NONE)
        return TRI_NULL;
    return threshold_met(&ins->caseness, raw_total, sex) ? TRI_TRUE : TRI_FALSE;
}

const struct instrument_band *instrument_band_for(const struct instrument *ins, int raw_total,
                                                  enum sex sex)
{
    const struct instrument_band *found = NULL;
    for (int i = 0; i < ins->band_count; i++)
        if (raw_total >= ins->bands[i].min[sex])
            found = &ins->bands[i];
    return found;
}

enum err_code instrument_parse_answers(const char *csv, int *positions, int cap, int *count,
                                       struct error *err)
{
    *count = 0;
    const char *p = csv;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (*count >= cap)
            return error_set(err, ERR_INVALID, "answers", "more than %d answers", cap);
        int *slot = &positions[*count];
        if (len == 0 || (len == 1 && *p == '-')) {
            *slot = ANSWER_MISSING;
        } else if (len == 2 && strncmp(p, "na", 2) == 0) {
            *slot = ANSWER_NOT_APPLICABLE;
        } else {
            char *stop = NULL;
            long v = strtol(p, &stop, 10);
            /* strtol would skip leading white space and take a sign: only digits here. */
            if (stop != p + len || len > 3 || *p < '0' || *p > '9')
                return error_set(err, ERR_INVALID, "answers",
                                 "answer %d is \"%.*s\": expected an option position, '-' or 'na'",
                                 *count + 1, (int)(len > 20 ? 20 : len), p);
            *slot = (int)v;
        }
        (*count)++;
        if (end == NULL)
            break;
        p = end + 1;
    }
    if (*count == 1 && positions[0] == ANSWER_MISSING)
        return error_set(err, ERR_INVALID, "answers", "no answers given");
    return ERR_OK;
}

static enum err_code check_count(const struct instrument *ins, int count, struct error *err)
{
    int required = ins->item_count;
    while (required > 0 && ins->items[required - 1].optional)
        required--;
    if (count < required)
        return error_set(err, ERR_INVALID, "/answers",
                         "%s expects %d answers, got %d: item %s has no answer", ins->name,
                         required, count, ins->items[count].id);
    if (count > ins->item_count)
        return error_set(err, ERR_INVALID, "/answers",
                         "%s expects %d answers, got %d: it has no item %d", ins->name, required,
                         count, ins->item_count + 1);
    return ERR_OK;
}

/* Check one answer's position; on success *value is its points or a negative ANSWER_* code. */
static enum err_code answer_error(struct error *err, int index, const char *fmt_what,
                                  const struct instrument *ins, int position)
{
    char field[24];
    snprintf(field, sizeof(field), "/answers/%d", index);
    const struct instrument_item *item = &ins->items[index];
    if (fmt_what == NULL)
        return error_set(err, ERR_INVALID, field,
                         "%s item %s: answer position %d is out of range 0-%d", ins->name, item->id,
                         position, item->option_count - 1);
    return error_set(err, ERR_INVALID, field, "%s item %s: %s", ins->name, item->id, fmt_what);
}

/* Check one answer's position; on success *value is its points or a negative ANSWER_* code.
 * The error text is made only on error: this runs for every answer of every submission. */
static enum err_code check_answer(const struct instrument *ins, int index, int position, int *value,
                                  struct error *err)
{
    const struct instrument_item *item = &ins->items[index];
    if (position >= 0 && position < item->option_count) {
        *value = item->options[position].value;
        return ERR_OK;
    }
    if (position == ANSWER_MISSING) {
        *value = ANSWER_MISSING;
        return ERR_OK;
    }
    if (position == ANSWER_NOT_APPLICABLE && item->allow_not_applicable) {
        *value = ANSWER_NOT_APPLICABLE;
        return ERR_OK;
    }
    if (position == ANSWER_NOT_APPLICABLE)
        return answer_error(err, index, "\"not applicable\" is not allowed for this item", ins,
                            position);
    return answer_error(err, index, NULL, ins, position);
}

static int item_max(const struct instrument_item *item)
{
    int max = 0;
    for (int i = 0; i < item->option_count; i++)
        if (item->options[i].value > max)
            max = item->options[i].value;
    return max;
}

static void apply_flag_rules(const struct instrument *ins, const int *values, int count,
                             unsigned *flags)
{
    for (int r = 0; r < ins->flag_rule_count; r++) {
        const struct instrument_flag_rule *rule = &ins->flag_rules[r];
        for (int i = 0; i < count; i++) {
            if (rule->item >= 0 ? i != rule->item : !ins->items[i].scored)
                continue;
            if (values[i] == ANSWER_MISSING) {
                *flags |= rule->flag_if_missing;
                continue;
            }
            if (values[i] < 0)
                continue;
            bool hit = rule->kind == THRESHOLD_AT_LEAST ? values[i] >= rule->value
                                                        : values[i] <= rule->value;
            if (hit)
                *flags |= rule->flag;
        }
        if (rule->item >= count)
            *flags |= rule->flag_if_missing; /* an omitted optional item */
    }
}

/* NHS rule: with up to `prorate_max_missing` items missing, total = mean of answered x items,
 * rounded half up (spec 2.2). Integer arithmetic: round(sum * n / answered). */
static int prorate(int sum, int answered, int scored_items)
{
    return (2 * sum * scored_items + answered) / (2 * answered);
}

enum err_code instrument_score(const struct instrument *ins, const int *positions, int count,
                               enum sex sex, struct instrument_score *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    enum err_code rc = check_count(ins, count, err);
    if (rc != ERR_OK)
        return rc;
    int values[INSTRUMENT_MAX_ITEMS];
    int sum = 0, answered = 0, missing = 0, scored_items = 0, max_total = 0, first_missing = -1;
    for (int i = 0; i < count; i++) {
        rc = check_answer(ins, i, positions[i], &values[i], err);
        if (rc != ERR_OK)
            return rc;
    }
    for (int i = 0; i < ins->item_count; i++) {
        if (!ins->items[i].scored)
            continue;
        int v = i < count ? values[i] : ANSWER_MISSING;
        if (v == ANSWER_NOT_APPLICABLE)
            continue;
        scored_items++;
        max_total += item_max(&ins->items[i]);
        if (v == ANSWER_MISSING) {
            missing++;
            if (first_missing < 0)
                first_missing = i;
            continue;
        }
        sum += v;
        answered++;
    }
    if (missing > ins->prorate_max_missing) {
        char field[24];
        snprintf(field, sizeof(field), "/answers/%d", first_missing);
        if (ins->prorate_max_missing == 0)
            return error_set(err, ERR_INVALID, field,
                             "%s item %s is not answered: only complete forms can be scored",
                             ins->name, ins->items[first_missing].id);
        return error_set(err, ERR_INVALID, field,
                         "%s has %d unanswered items (item %s first): at most %d may be missing",
                         ins->name, missing, ins->items[first_missing].id,
                         ins->prorate_max_missing);
    }
    out->total = missing > 0 ? prorate(sum, answered, scored_items) : sum;
    out->max_total = max_total;
    out->answered = answered;
    if (missing > 0)
        out->flags |= FLAG_PRORATED;
    apply_flag_rules(ins, values, count, &out->flags);
    out->index = ins->index_multiplier > 0 ? out->total * ins->index_multiplier : -1;
    out->band = instrument_band_for(ins, out->total, sex);
    out->caseness = instrument_caseness(ins, out->total, sex);
    return ERR_OK;
}

void instrument_format_answers(const int *positions, int count, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "[");
    for (int i = 0; i < count && used < size; i++) {
        const char *sep = i ? "," : "";
        if (positions[i] == ANSWER_MISSING)
            used += (size_t)snprintf(out + used, size - used, "%snull", sep);
        else if (positions[i] == ANSWER_NOT_APPLICABLE)
            used += (size_t)snprintf(out + used, size - used, "%s\"na\"", sep);
        else
            used += (size_t)snprintf(out + used, size - used, "%s%d", sep, positions[i]);
    }
    if (used < size)
        snprintf(out + used, size - used, "]");
}
