/* steps_rules.c - reading the step rules (data/steps.json, format in steps.h) with jansson, and
 * turning reasons into text. The evaluation is in steps.c. */
#include "steps.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* The reason codes the code produces; each needs a template in the file. */
static const char *const builtin_codes[] = {
    STEPS_REASON_ABOVE_LIMIT,       STEPS_REASON_NOT_CASENESS,  STEPS_REASON_WITHIN_LIMITS,
    STEPS_REASON_RISK_REVIEW,       STEPS_REASON_TOO_EARLY,     STEPS_REASON_NOT_ENOUGH,
    STEPS_REASON_NO_IMPROVEMENT,    STEPS_REASON_DETERIORATION, STEPS_REASON_IMPROVEMENT,
    STEPS_REASON_SPECIALIST_REVIEW,
};
#define BUILTIN_CODE_COUNT ((int)(sizeof(builtin_codes) / sizeof(builtin_codes[0])))

/* Totals and limits in the file are small; anything bigger is a typo. */
#define VALUE_MAX 1000

struct parse {
    const char *source;
    struct error *err;
};

static enum err_code bad(struct parse *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum err_code bad(struct parse *p, const char *path, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return error_set(p->err, ERR_INVALID, path, "%s: %s: %s", p->source, path, what);
}

/* A string member of at most `max_len` bytes (0: any length), copied into *out. */
static enum err_code get_string(struct parse *p, json_t *obj, const char *key, const char *path,
                                size_t max_len, char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return bad(p, path, "\"%s\" must be a non-empty string", key);
    if (max_len > 0 && json_string_length(v) > max_len)
        return bad(p, path, "\"%s\" is longer than %zu characters", key, max_len);
    *out = xstrdup(json_string_value(v));
    return ERR_OK;
}

/* An integer member in [min, max]; when absent, `fallback` if `optional`, else an error. */
static enum err_code get_int(struct parse *p, json_t *obj, const char *key, const char *path,
                             int min, int max, bool optional, int fallback, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL && optional) {
        *out = fallback;
        return ERR_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return bad(p, path, "\"%s\" must be an integer from %d to %d", key, min, max);
    *out = (int)json_integer_value(v);
    return ERR_OK;
}

/* {"sv": "...", "en": "..."}, both required. */
static enum err_code get_texts(struct parse *p, json_t *obj, const char *path,
                               char *out[LANG_COUNT])
{
    for (int l = 0; l < LANG_COUNT; l++) {
        enum err_code rc = get_string(p, obj, lang_code((enum lang)l), path, 0, &out[l]);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static enum err_code parse_limit(struct parse *p, json_t *j, const char *path,
                                 struct steps_limit *limit)
{
    enum err_code rc = get_string(p, j, "instrument", path, STEPS_ID_MAX - 1, &limit->instrument);
    if (rc != ERR_OK)
        return rc;
    json_t *at_most = json_object_get(j, "at_most"),
           *not_caseness = json_object_get(j, "not_caseness");
    if ((at_most == NULL) == (not_caseness == NULL))
        return bad(p, path, "expected exactly one of \"at_most\" or \"not_caseness\"");
    if (not_caseness != NULL) {
        if (!json_is_true(not_caseness))
            return bad(p, path, "\"not_caseness\" must be true");
        limit->kind = STEPS_LIMIT_NOT_CASENESS;
        return ERR_OK;
    }
    limit->kind = STEPS_LIMIT_AT_MOST;
    return get_int(p, j, "at_most", path, 0, VALUE_MAX, false, 0, &limit->value);
}

static enum err_code parse_step(struct parse *p, json_t *j, int index, bool last,
                                struct steps_step *step)
{
    char path[48];
    snprintf(path, sizeof(path), "/steps/%d", index);
    int number = -1;
    enum err_code rc = get_int(p, j, "step", path, 0, STEPS_MAX - 1, false, 0, &number);
    if (rc == ERR_OK && number != index)
        rc = bad(p, path, "steps must be numbered 0, 1, ... in order: expected %d", index);
    if (rc == ERR_OK)
        rc = get_string(p, j, "code", path, 0, &step->code);
    if (rc == ERR_OK)
        rc = get_texts(p, json_object_get(j, "name"), path, step->name);
    if (rc != ERR_OK)
        return rc;
    json_t *limits = json_object_get(j, "limits");
    size_t n = json_array_size(limits);
    if (limits != NULL && !json_is_array(limits))
        return bad(p, path, "\"limits\" must be an array");
    if (last && n > 0)
        return bad(p, path, "the last step takes everyone: it may have no limits");
    if (!last && (n == 0 || n > STEPS_MAX_LIMITS))
        return bad(p, path, "expected 1-%d limits (only the last step has none)", STEPS_MAX_LIMITS);
    for (size_t i = 0; i < n; i++) {
        char limit_path[96];
        snprintf(limit_path, sizeof(limit_path), "%s/limits/%zu", path, i);
        step->limit_count = (int)i + 1;
        rc = parse_limit(p, json_array_get(limits, i), limit_path, &step->limits[i]);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static enum err_code parse_steps(struct parse *p, json_t *root, struct steps_rules *rules)
{
    json_t *steps = json_object_get(root, "steps");
    size_t n = json_array_size(steps);
    if (!json_is_array(steps) || n < 2 || n > STEPS_MAX)
        return bad(p, "/steps", "expected an array of 2-%d steps", STEPS_MAX);
    for (size_t i = 0; i < n; i++) {
        rules->step_count = (int)i + 1;
        enum err_code rc =
            parse_step(p, json_array_get(steps, i), (int)i, i == n - 1, &rules->steps[i]);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* Either a flag (on any input, or on "instrument") or "instrument" with "at_least". */
static enum err_code parse_raise_trigger(struct parse *p, json_t *j, const char *path,
                                         struct steps_raise *raise)
{
    json_t *flag = json_object_get(j, "flag"), *at_least = json_object_get(j, "at_least");
    if ((flag == NULL) == (at_least == NULL))
        return bad(p, path, "expected exactly one of \"flag\" or \"at_least\"");
    json_t *instrument = json_object_get(j, "instrument");
    if (instrument != NULL || at_least != NULL) {
        enum err_code rc =
            get_string(p, j, "instrument", path, STEPS_ID_MAX - 1, &raise->instrument);
        if (rc != ERR_OK)
            return rc;
    }
    if (at_least != NULL)
        return get_int(p, j, "at_least", path, 0, VALUE_MAX, false, 0, &raise->at_least);
    raise->flag = json_is_string(flag) ? instrument_flag_parse(json_string_value(flag)) : 0;
    if (raise->flag == 0)
        return bad(p, path, "\"flag\" must name a response flag (\"risk\", ...)");
    return ERR_OK;
}

static enum err_code parse_raise(struct parse *p, json_t *j, int index, int step_count,
                                 struct steps_raise *raise)
{
    char path[48];
    snprintf(path, sizeof(path), "/raises/%d", index);
    raise->min_step = -1;
    enum err_code rc = get_string(p, j, "reason", path, STEPS_CODE_MAX - 1, &raise->code);
    if (rc == ERR_OK)
        rc = parse_raise_trigger(p, j, path, raise);
    if (rc == ERR_OK)
        rc = get_int(p, j, "steps_up", path, 0, step_count - 1, true, 0, &raise->steps_up);
    if (rc == ERR_OK)
        rc = get_int(p, j, "min_step", path, 0, step_count - 1, true, -1, &raise->min_step);
    if (rc == ERR_OK && raise->steps_up == 0 && raise->min_step < 0)
        rc = bad(p, path, "a raise needs \"steps_up\" or \"min_step\"");
    return rc;
}

static enum err_code parse_raises(struct parse *p, json_t *root, struct steps_rules *rules)
{
    json_t *raises = json_object_get(root, "raises");
    size_t n = json_array_size(raises);
    if (raises != NULL && (!json_is_array(raises) || n > STEPS_MAX_RAISES))
        return bad(p, "/raises", "expected an array of at most %d raises", STEPS_MAX_RAISES);
    for (size_t i = 0; i < n; i++) {
        rules->raise_count = (int)i + 1;
        enum err_code rc =
            parse_raise(p, json_array_get(raises, i), (int)i, rules->step_count, &rules->raises[i]);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static enum err_code parse_step_up(struct parse *p, json_t *root, struct steps_rules *rules)
{
    json_t *j = json_object_get(root, "step_up");
    struct steps_step_up_rule *up = &rules->step_up;
    if (!json_is_object(j))
        return bad(p, "/step_up", "expected an object");
    enum err_code rc =
        get_int(p, j, "min_sessions", "/step_up", 1, VALUE_MAX, false, 0, &up->min_sessions);
    if (rc == ERR_OK)
        rc = get_int(p, j, "min_weeks", "/step_up", 1, VALUE_MAX, false, 0, &up->min_weeks);
    if (rc != ERR_OK)
        return rc;
    json_t *measures = json_object_get(j, "measures");
    size_t n = json_array_size(measures);
    if (!json_is_array(measures) || n == 0 || n > STEPS_MAX_MEASURES)
        return bad(p, "/step_up/measures", "expected an array of 1-%d instrument ids",
                   STEPS_MAX_MEASURES);
    for (size_t i = 0; i < n; i++) {
        json_t *id = json_array_get(measures, i);
        if (!json_is_string(id) || json_string_length(id) == 0 ||
            json_string_length(id) >= STEPS_ID_MAX)
            return bad(p, "/step_up/measures", "item %zu must be an instrument id", i);
        up->measures[i] = xstrdup(json_string_value(id));
        up->measure_count = (int)i + 1;
    }
    return ERR_OK;
}

static enum err_code parse_names(struct parse *p, json_t *root, struct steps_rules *rules)
{
    json_t *names = json_object_get(root, "instrument_names");
    if (names == NULL)
        return ERR_OK;
    if (!json_is_object(names) || json_object_size(names) > STEPS_MAX_NAMES)
        return bad(p, "/instrument_names", "expected an object of at most %d names",
                   STEPS_MAX_NAMES);
    const char *key;
    json_t *value;
    json_object_foreach(names, key, value)
    {
        if (!json_is_string(value))
            return bad(p, "/instrument_names", "the name of \"%s\" must be a string", key);
        struct steps_display_name *name = &rules->names[rules->name_count++];
        name->id = xstrdup(key);
        name->name = xstrdup(json_string_value(value));
    }
    return ERR_OK;
}

static const struct steps_template *find_template(const struct steps_rules *rules, const char *code)
{
    for (int i = 0; i < rules->template_count; i++)
        if (strcmp(rules->templates[i].code, code) == 0)
            return &rules->templates[i];
    return NULL;
}

static enum err_code require_template(struct parse *p, const struct steps_rules *rules,
                                      const char *code)
{
    if (find_template(rules, code) == NULL)
        return bad(p, "/reasons", "no text for the reason \"%s\"", code);
    return ERR_OK;
}

static enum err_code parse_templates(struct parse *p, json_t *root, struct steps_rules *rules)
{
    json_t *reasons = json_object_get(root, "reasons");
    if (!json_is_object(reasons) || json_object_size(reasons) > STEPS_MAX_TEMPLATES)
        return bad(p, "/reasons", "expected an object of at most %d reason texts",
                   STEPS_MAX_TEMPLATES);
    const char *key;
    json_t *value;
    json_object_foreach(reasons, key, value)
    {
        struct steps_template *t = &rules->templates[rules->template_count++];
        t->code = xstrdup(key);
        char path[STEPS_CODE_MAX + 16];
        snprintf(path, sizeof(path), "/reasons/%.*s", STEPS_CODE_MAX, key);
        enum err_code rc = get_texts(p, value, path, t->text);
        if (rc != ERR_OK)
            return rc;
    }
    for (int i = 0; i < BUILTIN_CODE_COUNT; i++) {
        enum err_code rc = require_template(p, rules, builtin_codes[i]);
        if (rc != ERR_OK)
            return rc;
    }
    for (int i = 0; i < rules->raise_count; i++) {
        enum err_code rc = require_template(p, rules, rules->raises[i].code);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static enum err_code parse_rules(struct parse *p, json_t *root, struct steps_rules *rules)
{
    if (!json_is_object(root))
        return bad(p, "/", "expected an object");
    enum err_code rc = parse_steps(p, root, rules);
    if (rc == ERR_OK)
        rc = parse_raises(p, root, rules);
    if (rc == ERR_OK)
        rc = parse_step_up(p, root, rules);
    if (rc == ERR_OK)
        rc = parse_names(p, root, rules);
    if (rc == ERR_OK)
        rc = parse_templates(p, root, rules);
    return rc;
}

enum err_code steps_rules_parse(struct steps_rules *rules, const char *json_text,
                                const char *source, struct error *err)
{
    struct parse p = { source, err };
    memset(rules, 0, sizeof(*rules));
    json_error_t jerr;
    json_t *root = json_loads(json_text, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return error_set(err, ERR_INVALID, "/", "%s: line %d: %s", source, jerr.line, jerr.text);
    enum err_code rc = parse_rules(&p, root, rules);
    json_decref(root);
    if (rc != ERR_OK)
        steps_rules_release(rules);
    return rc;
}

static void free_texts(char *texts[LANG_COUNT])
{
    for (int l = 0; l < LANG_COUNT; l++)
        free(texts[l]);
}

void steps_rules_release(struct steps_rules *rules)
{
    for (int s = 0; s < rules->step_count; s++) {
        struct steps_step *step = &rules->steps[s];
        free(step->code);
        free_texts(step->name);
        for (int i = 0; i < step->limit_count; i++)
            free(step->limits[i].instrument);
    }
    for (int i = 0; i < rules->raise_count; i++) {
        free(rules->raises[i].code);
        free(rules->raises[i].instrument);
    }
    for (int i = 0; i < rules->step_up.measure_count; i++)
        free(rules->step_up.measures[i]);
    for (int i = 0; i < rules->name_count; i++) {
        free(rules->names[i].id);
        free(rules->names[i].name);
    }
    for (int i = 0; i < rules->template_count; i++) {
        free(rules->templates[i].code);
        free_texts(rules->templates[i].text);
    }
    memset(rules, 0, sizeof(*rules));
}

const char *steps_name(const struct steps_rules *rules, int step, enum lang lang)
{
    if (step < 0 || step >= rules->step_count)
        return "";
    return instrument_text(rules->steps[step].name, lang);
}

const char *steps_reason_code(const struct steps_reason *reason)
{
    return reason->code;
}

/* Bounded text output that keeps counting past the end, as snprintf does. */
struct text_out {
    char *buf;
    size_t size, len;
};

static void put(struct text_out *out, const char *s, size_t n)
{
    if (out->len + 1 < out->size) {
        size_t room = out->size - 1 - out->len;
        memcpy(out->buf + out->len, s, n < room ? n : room);
    }
    out->len += n;
}

static const char *display_name(const struct steps_rules *rules, const char *id)
{
    for (int i = 0; i < rules->name_count; i++)
        if (strcmp(rules->names[i].id, id) == 0)
            return rules->names[i].name;
    return id;
}

static bool word_is(const char *name, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(name, word, n) == 0;
}

/* Write the value of placeholder `name` (length n); false when it is not a placeholder. */
static bool put_placeholder(struct text_out *out, const struct steps_rules *rules,
                            const struct steps_reason *reason, enum lang lang, const char *name,
                            size_t n)
{
    const struct {
        const char *word;
        int value;
    } numbers[] = {
        { "total", reason->total },
        { "limit", reason->limit },
        { "step", reason->step },
        { "first", reason->first },
        { "days", reason->days },
        { "sessions", reason->sessions },
        { "weeks", (reason->days + 6) / 7 },
    };
    char number[24];
    const char *text = NULL;
    if (word_is(name, n, "instrument"))
        text = display_name(rules, reason->instrument);
    else if (word_is(name, n, "step_name"))
        text = steps_name(rules, reason->step, lang);
    else if (word_is(name, n, "change")) {
        snprintf(number, sizeof(number), "%+d", reason->change);
        text = number;
    }
    for (size_t i = 0; text == NULL && i < sizeof(numbers) / sizeof(numbers[0]); i++)
        if (word_is(name, n, numbers[i].word)) {
            snprintf(number, sizeof(number), "%d", numbers[i].value);
            text = number;
        }
    if (text == NULL)
        return false;
    put(out, text, strlen(text));
    return true;
}

int steps_reason_text(const struct steps_rules *rules, const struct steps_reason *reason,
                      enum lang lang, char *buf, size_t size)
{
    struct text_out out = { buf, size, 0 };
    const struct steps_template *t = find_template(rules, reason->code);
    const char *p = t ? instrument_text(t->text, lang) : reason->code;
    while (*p != '\0') {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (close == NULL) {
            put(&out, p, strlen(p));
            break;
        }
        put(&out, p, (size_t)(open - p));
        if (!put_placeholder(&out, rules, reason, lang, open + 1, (size_t)(close - open - 1)))
            put(&out, open, (size_t)(close - open + 1));
        p = close + 1;
    }
    if (size > 0)
        buf[out.len < size ? out.len : size - 1] = '\0';
    return (int)out.len;
}
