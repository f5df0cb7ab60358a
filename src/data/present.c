#include "data/present.h"

#include "core/date.h"

json_t *present_tri(enum tri value)
{
    return value == TRI_NULL ? json_null() : json_boolean(value == TRI_TRUE);
}

json_t *present_flags(unsigned flags)
{
    json_t *list = json_array();
    for (int i = 0; i < INSTRUMENT_FLAG_COUNT; i++)
        if (flags & (1u << i))
            json_array_append_new(list, json_string(instrument_flag_name(1u << i)));
    return list;
}

static int instrument_max(const struct instrument *ins)
{
    return ins->total_max;
}

json_t *present_score(const struct instrument *ins, const struct instrument_score *score)
{
    json_t *obj = json_object();
    json_object_set_new(obj, "instrument", json_string(ins->id));
    json_object_set_new(obj, "total", json_integer(score->total));
    json_object_set_new(obj, "band", score->band ? json_string(score->band->id) : json_null());
    json_object_set_new(obj, "caseness", present_tri(score->caseness));
    json_object_set_new(obj, "flags", present_flags(score->flags));
    if (score->index >= 0)
        json_object_set_new(obj, "index", json_integer(score->index));
    if (score->max_total != instrument_max(ins))
        json_object_set_new(obj, "max_total", json_integer(score->max_total));
    return obj;
}

json_t *present_outcome_measure(const struct outcome_measure *m)
{
    const char *reliable = outcome_reliable_name(m->reliable);
    json_t *obj = json_object();
    json_object_set_new(obj, "instrument", json_string(m->instrument->id));
    json_object_set_new(obj, "first", json_integer(m->first));
    json_object_set_new(obj, "last", json_integer(m->last));
    json_object_set_new(obj, "change", json_integer(m->change));
    json_object_set_new(obj, "reliable", reliable ? json_string(reliable) : json_null());
    json_object_set_new(obj, "caseness_start", present_tri(m->caseness_start));
    json_object_set_new(obj, "caseness_end", present_tri(m->caseness_end));
    json_object_set_new(obj, "recovery", present_tri(m->recovery));
    json_object_set_new(obj, "reliable_recovery", present_tri(m->reliable_recovery));
    return obj;
}

json_t *present_outcome_episode(const struct outcome_measure *measures, int count,
                                const struct outcome_episode *episode)
{
    const char *reliable = outcome_reliable_name(episode->reliable);
    json_t *obj = json_object(), *list = json_array();
    for (int i = 0; i < count; i++)
        json_array_append_new(list, present_outcome_measure(&measures[i]));
    json_object_set_new(obj, "measures", list);
    json_object_set_new(obj, "caseness_start", present_tri(episode->caseness_start));
    json_object_set_new(obj, "caseness_end", present_tri(episode->caseness_end));
    json_object_set_new(obj, "reliable", reliable ? json_string(reliable) : json_null());
    json_object_set_new(obj, "recovery", present_tri(episode->recovery));
    json_object_set_new(obj, "reliable_recovery", present_tri(episode->reliable_recovery));
    return obj;
}

json_t *present_pnr(const struct pnr *p)
{
    char birth[11];
    date_format(p->birth_date, birth);
    json_t *obj = json_object();
    json_object_set_new(obj, "pnr", json_string(p->digits));
    json_object_set_new(obj, "birth_date", json_string(birth));
    json_object_set_new(obj, "sex", json_string(sex_name(p->sex)));
    json_object_set_new(obj, "coordination_number", json_boolean(p->coordination_number));
    return obj;
}

json_t *present_recommendation(const struct steps_rules *rules, const struct steps_result *result,
                               enum lang lang)
{
    json_t *obj = json_object(), *reasons = json_array();
    json_object_set_new(obj, "step", json_integer(result->step));
    json_object_set_new(obj, "name", json_string(steps_name(rules, result->step, lang)));
    for (int i = 0; i < result->reason_count; i++) {
        char text[512];
        steps_reason_text(rules, &result->reasons[i], lang, text, sizeof(text));
        json_t *reason = json_object();
        json_object_set_new(reason, "code", json_string(steps_reason_code(&result->reasons[i])));
        json_object_set_new(reason, "text", json_string(text));
        json_array_append_new(reasons, reason);
    }
    json_object_set_new(obj, "reasons", reasons);
    return obj;
}

static json_t *present_threshold(const struct threshold *t)
{
    if (t->kind == THRESHOLD_NONE)
        return json_null();
    json_t *obj = json_object();
    const char *key = t->kind == THRESHOLD_AT_LEAST ? "at_least" : "at_most";
    if (t->value[SEX_FEMALE] == t->value[SEX_MALE] && t->value[SEX_MALE] == t->value[SEX_UNKNOWN]) {
        json_object_set_new(obj, key, json_integer(t->value[SEX_UNKNOWN]));
        return obj;
    }
    json_t *by_sex = json_object();
    json_object_set_new(by_sex, "default", json_integer(t->value[SEX_UNKNOWN]));
    json_object_set_new(by_sex, "female", json_integer(t->value[SEX_FEMALE]));
    json_object_set_new(by_sex, "male", json_integer(t->value[SEX_MALE]));
    json_object_set_new(obj, key, by_sex);
    return obj;
}

json_t *present_instrument_summary(const struct instrument *ins)
{
    json_t *obj = json_object(), *bands = json_array();
    int scored = 0;
    for (int i = 0; i < ins->item_count; i++)
        scored += ins->items[i].scored;
    json_object_set_new(obj, "id", json_string(ins->id));
    json_object_set_new(obj, "name", json_string(ins->name));
    json_object_set_new(obj, "items", json_integer(ins->item_count));
    json_object_set_new(obj, "scored_items", json_integer(scored));
    json_object_set_new(obj, "min", json_integer(ins->total_min));
    json_object_set_new(obj, "max", json_integer(ins->total_max));
    for (int b = 0; b < ins->band_count; b++)
        json_array_append_new(bands, json_string(ins->bands[b].id));
    json_object_set_new(obj, "bands", bands);
    json_object_set_new(obj, "caseness", present_threshold(&ins->caseness));
    json_object_set_new(obj, "reliable_change",
                        ins->reliable_change ? json_integer(ins->reliable_change) : json_null());
    json_object_set_new(obj, "code", ins->total_code ? json_string(ins->total_code) : json_null());
    return obj;
}
