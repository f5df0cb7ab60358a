/* instrument_json.c - reading instrument definitions (docs/instruments.md) with jansson.
 * Parsing from text only: finding and reading the files is src/data's job. */
#include "instrument.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* Parsing context: the source name and the error to fill. */
struct parse {
    const char *source;
    struct error *err;
};

static enum err_code bad(struct parse *p, const char *path, const char *what)
{
    return error_set(p->err, ERR_INVALID, path, "%s: %s: %s", p->source, path, what);
}

static char *opt_string(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static void lang_texts(json_t *obj, char *out[LANG_COUNT])
{
    for (int l = 0; l < LANG_COUNT; l++)
        out[l] = opt_string(obj, lang_code((enum lang)l));
}

static void free_texts(char *texts[LANG_COUNT])
{
    for (int l = 0; l < LANG_COUNT; l++) {
        free(texts[l]);
        texts[l] = NULL;
    }
}

static enum err_code get_int(struct parse *p, json_t *obj, const char *key, const char *path,
                             int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return bad(p, path, "expected an integer");
    *out = (int)json_integer_value(v);
    return ERR_OK;
}

/* A number, or {"default", "female", "male"} (female and male default to "default"). */
static enum err_code sex_values(struct parse *p, json_t *v, const char *path, int out[SEX_COUNT])
{
    if (json_is_integer(v)) {
        for (int s = 0; s < SEX_COUNT; s++)
            out[s] = (int)json_integer_value(v);
        return ERR_OK;
    }
    if (!json_is_object(v) || !json_is_integer(json_object_get(v, "default")))
        return bad(p, path, "expected an integer or {\"default\", \"female\", \"male\"}");
    out[SEX_UNKNOWN] = (int)json_integer_value(json_object_get(v, "default"));
    json_t *f = json_object_get(v, "female"), *m = json_object_get(v, "male");
    out[SEX_FEMALE] = json_is_integer(f) ? (int)json_integer_value(f) : out[SEX_UNKNOWN];
    out[SEX_MALE] = json_is_integer(m) ? (int)json_integer_value(m) : out[SEX_UNKNOWN];
    return ERR_OK;
}

static enum err_code parse_threshold(struct parse *p, json_t *v, const char *path,
                                     struct threshold *out)
{
    memset(out, 0, sizeof(*out));
    if (v == NULL || json_is_null(v))
        return ERR_OK;
    json_t *least = json_object_get(v, "at_least"), *most = json_object_get(v, "at_most");
    if ((least == NULL) == (most == NULL))
        return bad(p, path, "expected exactly one of \"at_least\" or \"at_most\"");
    out->kind = least ? THRESHOLD_AT_LEAST : THRESHOLD_AT_MOST;
    return sex_values(p, least ? least : most, path, out->value);
}

static enum err_code parse_options(struct parse *p, json_t *sets, json_t *spec, const char *path,
                                   struct instrument_item *item)
{
    json_t *list = json_is_string(spec) ? json_object_get(sets, json_string_value(spec)) : spec;
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n < 2 || n > INSTRUMENT_MAX_OPTIONS)
        return bad(p, path, "options: expected an option set name or an array of 2-10 options");
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(list, i);
        struct instrument_option *opt = &item->options[i];
        enum err_code rc = get_int(p, o, "value", path, &opt->value);
        if (rc != ERR_OK)
            return rc;
        lang_texts(o, opt->label);
        item->option_count = (int)i + 1;
    }
    return ERR_OK;
}

static enum err_code parse_item(struct parse *p, json_t *sets, json_t *j, int index,
                                struct instrument_item *item)
{
    char path[32];
    snprintf(path, sizeof(path), "/items/%d", index);
    json_t *id = json_object_get(j, "id");
    if (!json_is_string(id))
        return bad(p, path, "item needs a string \"id\"");
    item->id = xstrdup(json_string_value(id));
    item->code = opt_string(j, "code");
    lang_texts(j, item->text);
    lang_texts(json_object_get(j, "label"), item->label);
    item->scored = !json_is_false(json_object_get(j, "scored"));
    item->optional = json_is_true(json_object_get(j, "optional"));
    item->allow_not_applicable = json_is_true(json_object_get(j, "not_applicable"));
    return parse_options(p, sets, json_object_get(j, "options"), path, item);
}

static enum err_code parse_items(struct parse *p, json_t *root, struct instrument *ins)
{
    json_t *items = json_object_get(root, "items");
    size_t n = json_array_size(items);
    if (!json_is_array(items) || n == 0 || n > INSTRUMENT_MAX_ITEMS)
        return bad(p, "/items", "expected an array of 1-16 items");
    json_t *sets = json_object_get(root, "option_sets");
    for (size_t i = 0; i < n; i++) {
        ins->item_count = (int)i + 1;
        enum err_code rc = parse_item(p, sets, json_array_get(items, i), (int)i, &ins->items[i]);
        if (rc != ERR_OK)
            return rc;
        if (i > 0 && ins->items[i - 1].optional && !ins->items[i].optional)
            return bad(p, "/items", "optional items must come last");
    }
    return ERR_OK;
}

static enum err_code parse_bands(struct parse *p, json_t *root, struct instrument *ins)
{
    json_t *bands = json_object_get(root, "bands");
    size_t n = json_array_size(bands);
    if (!json_is_array(bands) || n == 0 || n > INSTRUMENT_MAX_BANDS)
        return bad(p, "/bands", "expected an array of 1-8 bands");
    for (size_t i = 0; i < n; i++) {
        json_t *b = json_array_get(bands, i);
        struct instrument_band *band = &ins->bands[i];
        char path[32];
        snprintf(path, sizeof(path), "/bands/%zu", i);
        ins->band_count = (int)i + 1;
        band->id = opt_string(b, "id");
        if (band->id == NULL)
            return bad(p, path, "band needs a string \"id\"");
        enum err_code rc = sex_values(p, json_object_get(b, "min"), path, band->min);
        if (rc == ERR_OK)
            rc = get_int(p, b, "severity", path, &band->severity);
        if (rc != ERR_OK)
            return rc;
        lang_texts(b, band->label);
        for (int s = 0; s < SEX_COUNT; s++)
            if ((i == 0 && band->min[s] != ins->total_min) ||
                (i > 0 && band->min[s] <= ins->bands[i - 1].min[s]))
                return bad(p, path, "bands must start at the total's minimum and ascend");
    }
    return ERR_OK;
}

static int item_index(const struct instrument *ins, const char *id)
{
    for (int i = 0; i < ins->item_count; i++)
        if (strcmp(ins->items[i].id, id) == 0)
            return i;
    return -1;
}

static enum err_code parse_flag_rule(struct parse *p, json_t *f, const char *path,
                                     struct instrument *ins, struct instrument_flag_rule *rule)
{
    json_t *name = json_object_get(f, "flag"), *item = json_object_get(f, "item");
    rule->flag = json_is_string(name) ? instrument_flag_parse(json_string_value(name)) : 0;
    if (rule->flag == 0)
        return bad(p, path, "unknown \"flag\" (risk, risk_unknown, prorated, low_item)");
    const char *item_id = json_is_string(item) ? json_string_value(item) : "";
    rule->item = strcmp(item_id, "*") == 0 ? -1 : item_index(ins, item_id);
    if (rule->item < 0 && strcmp(item_id, "*") != 0)
        return bad(p, path, "\"item\" must be an item id or \"*\"");
    json_t *least = json_object_get(f, "at_least"), *most = json_object_get(f, "at_most");
    if (!json_is_integer(least) && !json_is_integer(most))
        return bad(p, path, "expected \"at_least\" or \"at_most\"");
    rule->kind = json_is_integer(least) ? THRESHOLD_AT_LEAST : THRESHOLD_AT_MOST;
    rule->value = (int)json_integer_value(least ? least : most);
    json_t *missing = json_object_get(f, "if_missing");
    rule->flag_if_missing =
        json_is_string(missing) ? instrument_flag_parse(json_string_value(missing)) : 0;
    return ERR_OK;
}

static enum err_code parse_flags(struct parse *p, json_t *root, struct instrument *ins)
{
    json_t *flags = json_object_get(root, "flags");
    if (flags == NULL)
        return ERR_OK;
    if (!json_is_array(flags) || json_array_size(flags) > INSTRUMENT_MAX_FLAG_RULES)
        return bad(p, "/flags", "expected an array of at most 4 rules");
    for (size_t i = 0; i < json_array_size(flags); i++) {
        char path[32];
        snprintf(path, sizeof(path), "/flags/%zu", i);
        enum err_code rc =
            parse_flag_rule(p, json_array_get(flags, i), path, ins, &ins->flag_rules[i]);
        if (rc != ERR_OK)
            return rc;
        ins->flag_rule_count = (int)i + 1;
    }
    return ERR_OK;
}

static void parse_header(json_t *root, struct instrument *ins)
{
    ins->id = opt_string(root, "id");
    ins->name = opt_string(root, "name");
    lang_texts(json_object_get(root, "title"), ins->title);
    lang_texts(json_object_get(root, "stem"), ins->stem);
    lang_texts(json_object_get(root, "recall"), ins->recall);
    json_t *codes = json_object_get(root, "codes");
    ins->panel_code = opt_string(codes, "panel");
    ins->total_code = opt_string(codes, "total");
    ins->licence = opt_string(root, "licence");
    ins->source = opt_string(root, "source");
    json_t *unverified = json_object_get(root, "text_unverified");
    for (int l = 0; l < LANG_COUNT; l++)
        ins->text_unverified[l] = json_is_true(json_object_get(unverified, lang_code(l)));
    ins->higher_is_worse = !json_is_false(json_object_get(root, "higher_is_worse"));
    json_t *rc = json_object_get(root, "reliable_change");
    ins->reliable_change = json_is_integer(rc) ? (int)json_integer_value(rc) : 0;
    json_t *mult = json_object_get(root, "index_multiplier");
    ins->index_multiplier = json_is_integer(mult) ? (int)json_integer_value(mult) : 0;
    json_t *prorate = json_object_get(root, "prorate_max_missing");
    ins->prorate_max_missing = json_is_integer(prorate) ? (int)json_integer_value(prorate) : 0;
}

#define OPTION_VALUE_MAX 100 /* points of one option; real instruments stay below 10 */
#define MULTIPLIER_MAX   100

/* The numbers scoring works with must agree and stay small, so instrument_score() cannot
 * overflow or divide by zero: option values 0..OPTION_VALUE_MAX, "total" exactly the range the
 * scored items span, fewer items allowed missing than are scored, a small index multiplier; and
 * band severities on the pages' ramp (0..4). */
static enum err_code check_numbers(struct parse *p, const struct instrument *ins)
{
    int low = 0, high = 0, scored = 0;
    for (int i = 0; i < ins->item_count; i++) {
        const struct instrument_item *item = &ins->items[i];
        int item_low = OPTION_VALUE_MAX, item_high = 0;
        for (int o = 0; o < item->option_count; o++) {
            int v = item->options[o].value;
            if (v < 0 || v > OPTION_VALUE_MAX)
                return bad(p, "/items", "option values must be 0-100");
            item_low = v < item_low ? v : item_low;
            item_high = v > item_high ? v : item_high;
        }
        if (!item->scored)
            continue;
        scored++;
        low += item_low;
        high += item_high;
    }
    if (ins->total_min != low || ins->total_max != high)
        return bad(p, "/total", "min and max must be the lowest and highest sum of the items");
    if (ins->prorate_max_missing < 0 || ins->prorate_max_missing >= scored)
        return bad(p, "/prorate_max_missing", "must be 0 or more and less than the scored items");
    if (ins->index_multiplier < 0 || ins->index_multiplier > MULTIPLIER_MAX)
        return bad(p, "/index_multiplier", "must be 0-100");
    for (int b = 0; b < ins->band_count; b++)
        if (ins->bands[b].severity < 0 || ins->bands[b].severity > 4)
            return bad(p, "/bands", "severity must be 0-4 (the ramp's steps)");
    return ERR_OK;
}

static enum err_code parse_instrument(struct parse *p, json_t *root, struct instrument *ins)
{
    if (!json_is_object(root))
        return bad(p, "/", "expected an object");
    parse_header(root, ins);
    if (ins->id == NULL || ins->name == NULL)
        return bad(p, "/id", "\"id\" and \"name\" are required strings");
    json_t *total = json_object_get(root, "total");
    enum err_code rc = get_int(p, total, "min", "/total/min", &ins->total_min);
    if (rc == ERR_OK)
        rc = get_int(p, total, "max", "/total/max", &ins->total_max);
    if (rc == ERR_OK)
        rc = parse_items(p, root, ins);
    if (rc == ERR_OK)
        rc = parse_bands(p, root, ins);
    if (rc == ERR_OK)
        rc = parse_threshold(p, json_object_get(root, "caseness"), "/caseness", &ins->caseness);
    if (rc == ERR_OK)
        rc = parse_flags(p, root, ins);
    if (rc == ERR_OK)
        rc = check_numbers(p, ins);
    return rc;
}

static void instrument_free(struct instrument *ins)
{
    if (ins == NULL)
        return;
    free(ins->id);
    free(ins->name);
    free_texts(ins->title);
    free_texts(ins->stem);
    free_texts(ins->recall);
    free(ins->panel_code);
    free(ins->total_code);
    free(ins->licence);
    free(ins->source);
    for (int i = 0; i < ins->item_count; i++) {
        struct instrument_item *item = &ins->items[i];
        free(item->id);
        free(item->code);
        free_texts(item->text);
        free_texts(item->label);
        for (int o = 0; o < item->option_count; o++)
            free_texts(item->options[o].label);
    }
    for (int b = 0; b < ins->band_count; b++) {
        free(ins->bands[b].id);
        free_texts(ins->bands[b].label);
    }
    free(ins);
}

void instrument_catalog_init(struct instrument_catalog *cat)
{
    memset(cat, 0, sizeof(*cat));
}

void instrument_catalog_release(struct instrument_catalog *cat)
{
    for (int i = 0; i < cat->count; i++)
        instrument_free(cat->list[i]);
    memset(cat, 0, sizeof(*cat));
}

static json_t *load_json(struct parse *p, const char *text)
{
    json_error_t jerr;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        error_set(p->err, ERR_INVALID, "/", "%s: line %d: %s", p->source, jerr.line, jerr.text);
    return root;
}

enum err_code instrument_catalog_add_json(struct instrument_catalog *cat, const char *json_text,
                                          const char *source, struct error *err)
{
    struct parse p = { source, err };
    if (cat->count >= INSTRUMENT_MAX)
        return error_set(err, ERR_INVALID, "/", "%s: more than %d instruments", source,
                         INSTRUMENT_MAX);
    json_t *root = load_json(&p, json_text);
    if (root == NULL)
        return ERR_INVALID;
    struct instrument *ins = xcalloc(1, sizeof(*ins));
    enum err_code rc = parse_instrument(&p, root, ins);
    json_decref(root);
    if (rc == ERR_OK && instrument_find(cat, ins->id) != NULL)
        rc = error_set(err, ERR_CONFLICT, "/id", "%s: instrument \"%s\" is defined twice", source,
                       ins->id);
    if (rc != ERR_OK) {
        instrument_free(ins);
        return rc;
    }
    cat->list[cat->count++] = ins;
    return ERR_OK;
}

/* Replace the texts in `dst` by those in `obj` where present. */
static void replace_texts(char *dst[LANG_COUNT], json_t *obj)
{
    for (int l = 0; l < LANG_COUNT; l++) {
        json_t *v = json_object_get(obj, lang_code(l));
        if (json_is_string(v)) {
            free(dst[l]);
            dst[l] = xstrdup(json_string_value(v));
        }
    }
}

static bool all_items_have_text(const struct instrument *ins, enum lang lang)
{
    for (int i = 0; i < ins->item_count; i++)
        if (ins->items[i].text[lang] == NULL)
            return false;
    return true;
}

enum err_code instrument_catalog_apply_texts(struct instrument_catalog *cat, const char *json_text,
                                             const char *source, struct error *err)
{
    struct parse p = { source, err };
    json_t *root = load_json(&p, json_text);
    if (root == NULL)
        return ERR_INVALID;
    json_t *id = json_object_get(root, "id"), *items = json_object_get(root, "items");
    const struct instrument *found =
        json_is_string(id) ? instrument_find(cat, json_string_value(id)) : NULL;
    enum err_code rc = ERR_OK;
    const char *key;
    json_t *value;
    if (found == NULL)
        rc = error_set(err, ERR_NOT_FOUND, "/id", "%s: no such instrument", source);
    json_object_foreach(items, key, value)
    {
        if (rc == ERR_OK && item_index(found, key) < 0)
            rc = error_set(err, ERR_NOT_FOUND, "/items", "%s: %s has no item \"%s\"", source,
                           found->name, key);
    }
    if (rc == ERR_OK) {
        struct instrument *ins = (struct instrument *)found;
        replace_texts(ins->stem, json_object_get(root, "stem"));
        json_object_foreach(items, key, value)
        {
            replace_texts(ins->items[item_index(ins, key)].text, value);
        }
        for (int l = 0; l < LANG_COUNT; l++)
            if (all_items_have_text(ins, (enum lang)l))
                ins->text_unverified[l] = false; /* the region's licensed wording */
    }
    json_decref(root);
    return rc;
}
