/* instrument.h - self-rated instruments as data, and the one scoring function.
 *
 * Every instrument (PHQ-9, GAD-7, AUDIT, ...) is a definition loaded from JSON
 * (data/instruments/NAME.json, format in docs/instruments.md) and interpreted by
 * instrument_score(). There is no code per instrument: the API, the pages, the importer, the
 * demo generator and the reports all score through instrument_score().
 *
 * Answers are option positions: 0 is the first option as listed in the definition, so an item
 * whose options are worth 0, 2, 4 (AUDIT 9-10) takes positions 0, 1, 2.
 */
#ifndef STEGVIS_CORE_INSTRUMENT_H
#define STEGVIS_CORE_INSTRUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "types.h"

#define INSTRUMENT_MAX_ITEMS      16
#define INSTRUMENT_MAX_OPTIONS    10
#define INSTRUMENT_MAX_BANDS      8
#define INSTRUMENT_MAX_FLAG_RULES 4
#define INSTRUMENT_MAX            32

/* Special answer positions. */
#define ANSWER_MISSING        (-1) /* not answered ("-" or empty in a CSV, null in JSON) */
#define ANSWER_NOT_APPLICABLE (-2) /* "na": only for items that allow it (WSAS item 1) */

/* Response flags (bit mask in struct instrument_score.flags). */
enum instrument_flag {
    FLAG_RISK = 1u << 0,         /* a risk item answered above its threshold (PHQ-9 item 9 > 0) */
    FLAG_RISK_UNKNOWN = 1u << 1, /* the risk item was not answered */
    FLAG_PRORATED = 1u << 2,     /* total prorated from missing items (PHQ-9, NHS rule) */
    FLAG_LOW_ITEM = 1u << 3      /* an item at or below a floor (WHO-5 item 0-1) */
};
#define INSTRUMENT_FLAG_COUNT 4

/* How a threshold compares the total. */
enum threshold_kind { THRESHOLD_NONE = 0, THRESHOLD_AT_LEAST, THRESHOLD_AT_MOST };

/* A cut-off that may depend on sex: value[SEX_UNKNOWN] is the default used when sex is unknown. */
struct threshold {
    enum threshold_kind kind;
    int value[SEX_COUNT];
};

struct instrument_option {
    int value;               /* points */
    char *label[LANG_COUNT]; /* may be NULL when no text is known */
};

struct instrument_item {
    char *id;                  /* "1".."n" as on the form */
    char *code;                /* item LOINC code or NULL */
    char *text[LANG_COUNT];    /* NULL when the wording is not shipped (WSAS: region supplies) */
    char *label[LANG_COUNT];   /* short descriptive label (WSAS areas) or NULL */
    bool scored;               /* false: recorded but not in the total (PHQ-9 item 10) */
    bool optional;             /* a trailing unscored item that may be left out */
    bool allow_not_applicable; /* "na" allowed (WSAS item 1: retired / not working) */
    int option_count;
    struct instrument_option options[INSTRUMENT_MAX_OPTIONS];
};

/* Bands are ordered by ascending total; a band covers [min(sex), next band's min(sex) - 1]. */
struct instrument_band {
    char *id; /* spec name, lower case with '_' ("moderately_severe") */
    int min[SEX_COUNT];
    int severity; /* 0..4 on the UI's ramp (0 lightest) */
    char *label[LANG_COUNT];
};

struct instrument_flag_rule {
    enum instrument_flag flag;
    int item;                 /* item index (0-based), or -1 for "any scored item" */
    enum threshold_kind kind; /* item value at least / at most `value` raises `flag` */
    int value;
    unsigned flag_if_missing; /* raised when the item is missing (FLAG_RISK_UNKNOWN) or 0 */
};

struct instrument {
    char *id;   /* "phq9" */
    char *name; /* "PHQ-9" */
    char *title[LANG_COUNT];
    char *stem[LANG_COUNT];
    char *recall[LANG_COUNT];
    char *panel_code; /* LOINC panel or NULL */
    char *total_code; /* LOINC total score or NULL */
    char *licence;
    char *source;                     /* where the texts come from */
    bool text_unverified[LANG_COUNT]; /* wording not checked against an official version */
    bool higher_is_worse;             /* false for WHO-5 */
    int item_count;
    struct instrument_item items[INSTRUMENT_MAX_ITEMS];
    int total_min, total_max; /* of the raw total */
    int band_count;
    struct instrument_band bands[INSTRUMENT_MAX_BANDS];
    struct threshold caseness; /* THRESHOLD_NONE when the instrument has no caseness cut-off */
    int reliable_change;       /* minimum reliable change in reported units; 0 = none defined */
    int index_multiplier;      /* reported score = raw x this (WHO-5: 4); 0 = raw is reported */
    int prorate_max_missing;   /* PHQ-9: 2 (NHS rule); 0 = only complete forms are scored */
    int flag_rule_count;
    struct instrument_flag_rule flag_rules[INSTRUMENT_MAX_FLAG_RULES];
};

/* The loaded set of instruments. Owns everything it points to. */
struct instrument_catalog {
    int count;
    struct instrument *list[INSTRUMENT_MAX];
};

/* The result of scoring one set of answers. */
struct instrument_score {
    int total;     /* raw total; prorated (rounded half up) when FLAG_PRORATED */
    int max_total; /* the highest total possible for these answers (WSAS n/a: 32) */
    int index;     /* total x index_multiplier, or -1 when the instrument has none */
    const struct instrument_band *band;
    enum tri caseness; /* TRI_NULL when the instrument has no caseness cut-off */
    unsigned flags;    /* enum instrument_flag bits */
    int answered;      /* scored items answered */
};

void instrument_catalog_init(struct instrument_catalog *cat);
void instrument_catalog_release(struct instrument_catalog *cat);

/* Parse one definition from JSON text and add it to `cat`. `source` names the file in error
 * messages. On error nothing is added and `err` names the JSON path that is wrong. */
enum err_code instrument_catalog_add_json(struct instrument_catalog *cat, const char *json_text,
                                          const char *source, struct error *err) WARN_UNUSED;

/* Replace texts (never numbers) of an instrument already in `cat` from a locally licensed text
 * file: {"id": ..., "stem": {"sv","en"}, "items": {"1": {"sv","en"}, ...}}. ERR_NOT_FOUND when
 * the instrument or an item id is unknown; on error nothing is changed. */
enum err_code instrument_catalog_apply_texts(struct instrument_catalog *cat, const char *json_text,
                                             const char *source, struct error *err) WARN_UNUSED;

/* The instrument with this id ("phq9"), or NULL. */
const struct instrument *instrument_find(const struct instrument_catalog *cat, const char *id);

/* Score answers given as option positions (ANSWER_MISSING / ANSWER_NOT_APPLICABLE allowed where
 * the definition allows them). `sex` picks sex-specific cut-offs (SEX_UNKNOWN: the default).
 * Errors (ERR_INVALID, `err->field` "/answers" or "/answers/N" with 0-based N, message naming
 * the item): wrong number of answers, a position out of range, a missing item where the
 * instrument has no prorating rule, too many missing items, "na" where it is not allowed.
 * On error `out` is left zeroed. */
enum err_code instrument_score(const struct instrument *ins, const int *positions, int count,
                               enum sex sex, struct instrument_score *out,
                               struct error *err) WARN_UNUSED;

/* Parse "1,2,3,-,na" into positions ("-" or empty: ANSWER_MISSING, "na": ANSWER_NOT_APPLICABLE).
 * At most `cap` answers; sets *count. ERR_INVALID naming the answer that is not a number. */
enum err_code instrument_parse_answers(const char *csv, int *positions, int cap, int *count,
                                       struct error *err) WARN_UNUSED;

/* The answers as they are stored, a JSON array of positions: "[1,2,null,\"na\"]" (null for
 * ANSWER_MISSING, "na" for ANSWER_NOT_APPLICABLE). Always terminated; truncated to `size`. */
void instrument_format_answers(const int *positions, int count, char *out, size_t size);

/* Reported score: the WHO-5 index (raw x 4) where defined, else the raw total. */
int instrument_reported(const struct instrument *ins, int raw_total);

/* Whether a raw total is at caseness for `sex`: TRI_NULL when the instrument has no cut-off. */
enum tri instrument_caseness(const struct instrument *ins, int raw_total, enum sex sex);

/* The band a raw total falls in for `sex` (never NULL for a total within range). */
const struct instrument_band *instrument_band_for(const struct instrument *ins, int raw_total,
                                                  enum sex sex);

/* Name of one flag bit ("risk", "risk_unknown", "prorated", "low_item"), or NULL. */
const char *instrument_flag_name(enum instrument_flag flag);

/* Parse a flag name into its bit; 0 when unknown. */
unsigned instrument_flag_parse(const char *name);

/* The text in `lang`, falling back to Swedish, then English; "" when neither exists. */
const char *instrument_text(char *const text[LANG_COUNT], enum lang lang);

#endif
