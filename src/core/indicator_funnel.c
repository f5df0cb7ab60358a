/* indicator_funnel.c - funnel plots: each unit's rate against control limits around the
 * regional rate, and a plain-language reading of the plot in Swedish and English.
 *
 * Why the normal approximation (docs/indicators.md "Funnel plots"): its limits have a closed
 * form a reader can check by hand and draw as smooth curves, one formula for every n. It is
 * least accurate for small n and rates near 0 or 1; limits are clamped to [0, 1], and units
 * below the small-number limit are not plotted at all. */
#include "indicator.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator_internal.h"
#include "mem.h"

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

struct indicator_limits indicator_funnel_limits(double p, long n)
{
    struct indicator_limits limits = { 0.0, 1.0, 0.0, 1.0 };
    if (n <= 0)
        return limits;
    double se = sqrt(p * (1.0 - p) / (double)n);
    limits.low95 = clamp01(p - INDICATOR_Z95 * se);
    limits.high95 = clamp01(p + INDICATOR_Z95 * se);
    limits.low998 = clamp01(p - INDICATOR_Z998 * se);
    limits.high998 = clamp01(p + INDICATOR_Z998 * se);
    return limits;
}

/* On a limit counts as within. */
static enum indicator_funnel_class classify(double rate, const struct indicator_limits *limits)
{
    if (rate > limits->high998)
        return INDICATOR_FUNNEL_ABOVE_998;
    if (rate > limits->high95)
        return INDICATOR_FUNNEL_ABOVE_95;
    if (rate < limits->low998)
        return INDICATOR_FUNNEL_BELOW_998;
    if (rate < limits->low95)
        return INDICATOR_FUNNEL_BELOW_95;
    return INDICATOR_FUNNEL_WITHIN;
}

enum err_code indicator_funnel(const struct indicator_result *result, struct indicator_funnel *out,
                               struct error *err)
{
    memset(out, 0, sizeof(*out));
    if (result == NULL || result->def == NULL || result->def->kind != INDICATOR_SHARE)
        return error_set(err, ERR_INVALID, "result", "a funnel plot needs a share indicator");
    if (result->by1 == INDICATOR_BY_NONE || result->by2 != INDICATOR_BY_NONE)
        return error_set(err, ERR_INVALID, "result",
                         "a funnel plot needs a result broken down by one dimension");
    if (result->total.state != INDICATOR_CELL_SHOWN || result->total.denominator == 0)
        return error_set(err, ERR_UNPROCESSABLE, "total",
                         "the regional total is too small for a funnel plot");
    out->def = result->def;
    out->dim = result->by1;
    out->numerator = result->total.numerator;
    out->denominator = result->total.denominator;
    out->p = (double)out->numerator / (double)out->denominator;
    out->min_cell = result->min_cell;
    out->count = result->rows;
    out->points = xcalloc((size_t)result->rows, sizeof(*out->points));
    for (int row = 0; row < result->rows; row++) {
        const struct indicator_cell *cell = indicator_result_cell(result, row, 0);
        struct indicator_funnel_point *point = &out->points[row];
        point->key = result->row_keys[row];
        if (cell->state != INDICATOR_CELL_SHOWN) {
            point->position = INDICATOR_FUNNEL_HIDDEN;
            continue;
        }
        if (cell->denominator == 0) {
            point->position = INDICATOR_FUNNEL_NO_DATA;
            continue;
        }
        point->numerator = cell->numerator;
        point->denominator = cell->denominator;
        point->rate = cell->value;
        point->limits = indicator_funnel_limits(out->p, cell->denominator);
        point->position = classify(point->rate, &point->limits);
    }
    return ERR_OK;
}

void indicator_funnel_release(struct indicator_funnel *funnel)
{
    free(funnel->points);
    memset(funnel, 0, sizeof(*funnel));
}

/* ---- plain language ------------------------------------------------------------------------ */

/* Text written into a caller's buffer; `need` counts what the whole text needs. */
struct text {
    char *out;
    size_t cap, need;
};

static void text_init(struct text *t, char *out, size_t cap)
{
    t->out = out;
    t->cap = cap;
    t->need = 0;
    if (cap > 0)
        out[0] = '\0';
}

static void __attribute__((format(printf, 2, 3))) text_add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->need < t->cap ? t->cap - t->need : 0;
    int n = vsnprintf(room > 0 ? t->out + t->need : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->need += (size_t)n;
}

/* Translated strings, [LANG_SV] then [LANG_EN]. */
struct phrase {
    const char *text[LANG_COUNT];
};

static const struct phrase position_phrase[] = {
    [INDICATOR_FUNNEL_WITHIN] = { { "ligger inom 95-procentsgränserna",
                                    "lies within the 95% limits" } },
    [INDICATOR_FUNNEL_ABOVE_95] = { { "ligger över den övre 95-procentsgränsen men inom "
                                      "99,8-procentsgränsen",
                                      "lies above the upper 95% limit but within the 99.8% "
                                      "limit" } },
    [INDICATOR_FUNNEL_ABOVE_998] = { { "ligger över den övre 99,8-procentsgränsen",
                                       "lies above the upper 99.8% limit" } },
    [INDICATOR_FUNNEL_BELOW_95] = { { "ligger under den nedre 95-procentsgränsen men inom "
                                      "99,8-procentsgränsen",
                                      "lies below the lower 95% limit but within the 99.8% "
                                      "limit" } },
    [INDICATOR_FUNNEL_BELOW_998] = { { "ligger under den nedre 99,8-procentsgränsen",
                                       "lies below the lower 99.8% limit" } },
};

static const struct phrase chance_within = {
    { "Skillnaden mot regionen kan förklaras av slumpen.",
      "The difference from the region can be explained by chance." }
};
static const struct phrase chance_95 = {
    { "Ungefär 1 av 20 enheter hamnar utanför 95-procentsgränserna av en slump; följ upp över "
      "tid innan slutsatser dras.",
      "About 1 unit in 20 falls outside the 95% limits by chance alone; follow it over time "
      "before drawing conclusions." }
};
static const struct phrase chance_998 = {
    { "Bara ungefär 1 av 500 enheter hamnar utanför 99,8-procentsgränserna av en slump; "
      "skillnaden är sannolikt verklig och värd att förstå.",
      "Only about 1 unit in 500 falls outside the 99.8% limits by chance alone; the difference "
      "is probably real and worth understanding." }
};
static const struct phrase better = { { "För det här måttet är det bättre än regionen.",
                                        "For this measure that is better than the region." } };
static const struct phrase worse = { { "För det här måttet är det sämre än regionen.",
                                       "For this measure that is worse than the region." } };

static bool is_above(enum indicator_funnel_class c)
{
    return c == INDICATOR_FUNNEL_ABOVE_95 || c == INDICATOR_FUNNEL_ABOVE_998;
}

static bool is_outside(enum indicator_funnel_class c)
{
    return c >= INDICATOR_FUNNEL_ABOVE_95 && c <= INDICATOR_FUNNEL_BELOW_998;
}

static bool is_998(enum indicator_funnel_class c)
{
    return c == INDICATOR_FUNNEL_ABOVE_998 || c == INDICATOR_FUNNEL_BELOW_998;
}

/* Better or worse than the region, by the indicator's direction; NULL when neutral. */
static const struct phrase *judgement(const struct indicator_def *def,
                                      enum indicator_funnel_class c)
{
    if (!is_outside(c) || def->direction == INDICATOR_NEUTRAL)
        return NULL;
    bool higher_better = def->direction == INDICATOR_HIGHER_BETTER;
    return is_above(c) == higher_better ? &better : &worse;
}

static void add_hidden(struct text *t, const struct indicator_funnel *f, const char *name,
                       enum lang lang)
{
    int min_cell = f->min_cell > 0 ? f->min_cell : INDICATOR_MIN_CELL;
    if (lang == LANG_EN)
        text_add(t,
                 "%s is not shown: fewer than %d cases, or hidden so that a small number "
                 "cannot be worked out.",
                 name, min_cell);
    else
        text_add(t,
                 "%s visas inte: färre än %d fall, eller dolt för att ett litet tal inte ska "
                 "kunna räknas fram.",
                 name, min_cell);
}

size_t indicator_funnel_sentence(const struct indicator_funnel *funnel, int index, const char *name,
                                 enum lang lang, char *out, size_t cap)
{
    struct text t;
    text_init(&t, out, cap);
    if (funnel == NULL || index < 0 || index >= funnel->count)
        return 0;
    const struct indicator_funnel_point *point = &funnel->points[index];
    int l = lang == LANG_EN ? LANG_EN : LANG_SV;
    if (point->position == INDICATOR_FUNNEL_HIDDEN) {
        add_hidden(&t, funnel, name, (enum lang)l);
        return t.need;
    }
    if (point->position == INDICATOR_FUNNEL_NO_DATA) {
        text_add(&t,
                 l == LANG_EN ? "%s has no cases in the period."
                              : "%s har inga fall under "
                                "perioden.",
                 name);
        return t.need;
    }
    char rate[32], region[32];
    indicator__percent(point->rate, (enum lang)l, rate, sizeof(rate));
    indicator__percent(funnel->p, (enum lang)l, region, sizeof(region));
    text_add(&t, "%s %s: %s (%ld %s %ld) %s %s.", name, position_phrase[point->position].text[l],
             rate, point->numerator, l == LANG_EN ? "of" : "av", point->denominator,
             l == LANG_EN ? "against the region's" : "mot regionens", region);
    const struct phrase *chance = is_998(point->position)       ? &chance_998
                                  : is_outside(point->position) ? &chance_95
                                                                : &chance_within;
    text_add(&t, " %s", chance->text[l]);
    const struct phrase *verdict = judgement(funnel->def, point->position);
    if (verdict != NULL)
        text_add(&t, " %s", verdict->text[l]);
    return t.need;
}

/* "enheter" / "units" by the dimension plotted. */
static const char *noun(enum indicator_dim dim, int l)
{
    if (dim == INDICATOR_BY_UNIT || dim == INDICATOR_BY_LISTED_UNIT)
        return l == LANG_EN ? "units" : "enheter";
    if (dim == INDICATOR_BY_MUNICIPALITY)
        return l == LANG_EN ? "municipalities" : "kommuner";
    return l == LANG_EN ? "groups" : "grupper";
}

/* "A (över), B (under)" for the points whose class satisfies `pick`. */
static int add_list(struct text *t, const struct indicator_funnel *f, const char *const *names,
                    bool (*pick)(enum indicator_funnel_class), int l)
{
    int listed = 0;
    for (int i = 0; i < f->count; i++) {
        enum indicator_funnel_class c = f->points[i].position;
        if (!pick(c))
            continue;
        const char *side =
            is_above(c) ? (l == LANG_EN ? "above" : "över") : (l == LANG_EN ? "below" : "under");
        text_add(t, "%s%s (%s)", listed > 0 ? ", " : "", names[i], side);
        listed++;
    }
    return listed;
}

static bool pick_998(enum indicator_funnel_class c)
{
    return is_998(c);
}

static bool pick_95(enum indicator_funnel_class c)
{
    return is_outside(c) && !is_998(c);
}

size_t indicator_funnel_summary(const struct indicator_funnel *funnel, const char *const *names,
                                enum lang lang, char *out, size_t cap)
{
    struct text t;
    text_init(&t, out, cap);
    if (funnel == NULL || names == NULL)
        return 0;
    int l = lang == LANG_EN ? LANG_EN : LANG_SV;
    int shown = 0, outside998 = 0, outside95 = 0, hidden = 0;
    for (int i = 0; i < funnel->count; i++) {
        enum indicator_funnel_class c = funnel->points[i].position;
        shown += c <= INDICATOR_FUNNEL_BELOW_998;
        outside998 += is_998(c);
        outside95 += pick_95(c);
        hidden += c == INDICATOR_FUNNEL_HIDDEN;
    }
    char region[32];
    indicator__percent(funnel->p, (enum lang)l, region, sizeof(region));
    const char *what = noun(funnel->dim, l);
    if (outside998 + outside95 == 0) {
        text_add(&t,
                 l == LANG_EN ? "All %d %s shown lie within the 95%% limits around the region's "
                                "%s: the differences can be explained by chance."
                              : "Alla %d %s som visas ligger inom 95-procentsgränserna kring "
                                "regionens %s: skillnaderna kan förklaras av slumpen.",
                 shown, what, region);
    } else {
        text_add(&t, l == LANG_EN ? "Region: %s; %d %s shown." : "Regionen: %s; %d %s visas.",
                 region, shown, what);
        if (outside998 > 0) {
            text_add(&t, l == LANG_EN ? " Outside the 99.8%% limits: "
                                      : " Utanför "
                                        "99,8-procentsgränserna: ");
            add_list(&t, funnel, names, pick_998, l);
            text_add(&t, ".");
        }
        if (outside95 > 0) {
            text_add(&t, l == LANG_EN ? " Outside the 95%% limits only: "
                                      : " Utanför bara 95-procentsgränserna: ");
            add_list(&t, funnel, names, pick_95, l);
            text_add(&t, ".");
        }
        text_add(&t, l == LANG_EN ? " The others lie within the limits, where chance can explain "
                                    "the difference."
                                  : " Övriga ligger inom gränserna, där slumpen kan förklara "
                                    "skillnaden.");
    }
    if (hidden > 0)
        text_add(&t,
                 l == LANG_EN ? " %d %s are not shown (too few cases)."
                              : " %d %s visas inte (för få fall).",
                 hidden, what);
    return t.need;
}
