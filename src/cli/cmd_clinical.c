/* cmd_clinical.c - the clinical subcommands: instruments, score, outcome, pnr, recommend.
 * Each is a thin shell around src/core, printing through src/data/present. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/outcome.h"
#include "core/pnr.h"
#include "core/steps.h"
#include "data/datafiles.h"
#include "data/present.h"

#define MAX_RECOMMEND_INPUTS 8

static int unknown_instrument(const struct instrument_catalog *cat, const char *name)
{
    char known[256] = "";
    for (int i = 0; i < cat->count; i++) {
        strncat(known, i ? ", " : "", sizeof(known) - strlen(known) - 1);
        strncat(known, cat->list[i]->id, sizeof(known) - strlen(known) - 1);
    }
    return cli_usage_error("unknown instrument \"%s\" (known: %s)", name, known);
}

/* Strict decimal integer. */
static int parse_int(const char *s, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

int cmd_instruments(int argc, char **argv)
{
    struct cli_common opts;
    struct instrument_catalog cat;
    int rc = cli_common_options(&argc, argv, &opts);
    if (rc == CLI_EXIT_OK && argc > 0)
        rc = cli_usage_error("instruments takes no arguments");
    if (rc == CLI_EXIT_OK)
        rc = cli_load_catalog(&opts, &cat);
    if (rc != CLI_EXIT_OK)
        return rc;
    json_t *list = json_array();
    for (int i = 0; i < cat.count; i++)
        json_array_append_new(list, present_instrument_summary(cat.list[i]));
    instrument_catalog_release(&cat);
    return cli_print_json(json_pack("{s:o}", "instruments", list));
}

/* Score one "P1,P2,..." for `ins`; prints the error and returns non-zero on failure. */
static int score_answers(const struct instrument *ins, const char *csv, enum sex sex,
                         struct instrument_score *score)
{
    int positions[INSTRUMENT_MAX_ITEMS + 1], count = 0;
    struct error err;
    error_clear(&err);
    if (instrument_parse_answers(csv, positions, INSTRUMENT_MAX_ITEMS + 1, &count, &err) !=
            ERR_OK ||
        instrument_score(ins, positions, count, sex, score, &err) != ERR_OK)
        return cli_report(&err);
    return CLI_EXIT_OK;
}

int cmd_score(int argc, char **argv)
{
    struct cli_common opts;
    struct instrument_catalog cat;
    int rc = cli_common_options(&argc, argv, &opts);
    if (rc == CLI_EXIT_OK && argc != 2)
        rc = cli_usage_error("usage: stegvis score INSTRUMENT P1,P2,... [--sex female|male]");
    if (rc == CLI_EXIT_OK)
        rc = cli_load_catalog(&opts, &cat);
    if (rc != CLI_EXIT_OK)
        return rc;
    const struct instrument *ins = instrument_find(&cat, argv[0]);
    struct instrument_score score;
    rc = ins ? score_answers(ins, argv[1], opts.sex, &score) : unknown_instrument(&cat, argv[0]);
    if (rc == CLI_EXIT_OK)
        rc = cli_print_json(present_score(ins, &score));
    instrument_catalog_release(&cat);
    return rc;
}

/* One measure from "NAME FIRST LAST" words. */
static int outcome_one(const struct instrument_catalog *cat, char **words, enum sex sex,
                       struct outcome_measure *out)
{
    const struct instrument *ins = instrument_find(cat, words[0]);
    if (ins == NULL)
        return unknown_instrument(cat, words[0]);
    int first, last;
    if (parse_int(words[1], &first) != 0)
        return cli_usage_error("first score \"%s\" is not a whole number", words[1]);
    if (parse_int(words[2], &last) != 0)
        return cli_usage_error("last score \"%s\" is not a whole number", words[2]);
    struct error err;
    error_clear(&err);
    if (outcome_measure(ins, first, last, sex, out, &err) != ERR_OK)
        return cli_report(&err);
    return CLI_EXIT_OK;
}

static int outcome_combined(const struct instrument_catalog *cat, int argc, char **argv,
                            enum sex sex)
{
    struct outcome_measure measures[2];
    int count = 0;
    for (int i = 0; i < argc; i += 3) {
        if (strncmp(argv[i], "--", 2) != 0 || i + 2 >= argc || count == 2)
            return cli_usage_error("usage: stegvis outcome --phq9 FIRST LAST --gad7 FIRST LAST");
        char *words[3] = { argv[i] + 2, argv[i + 1], argv[i + 2] };
        int rc = outcome_one(cat, words, sex, &measures[count]);
        if (rc != CLI_EXIT_OK)
            return rc;
        count++;
    }
    if (count == 2 && measures[0].instrument == measures[1].instrument)
        return cli_usage_error("the two measures must be different instruments");
    struct outcome_episode episode;
    struct error err;
    error_clear(&err);
    if (outcome_episode(measures, count, &episode, &err) != ERR_OK)
        return cli_report(&err);
    return cli_print_json(present_outcome_episode(measures, count, &episode));
}

int cmd_outcome(int argc, char **argv)
{
    struct cli_common opts;
    struct instrument_catalog cat;
    int rc = cli_common_options(&argc, argv, &opts);
    if (rc == CLI_EXIT_OK && argc != 3 && argc != 6)
        rc = cli_usage_error("usage: stegvis outcome INSTRUMENT FIRST LAST | "
                             "stegvis outcome --phq9 FIRST LAST --gad7 FIRST LAST");
    if (rc == CLI_EXIT_OK)
        rc = cli_load_catalog(&opts, &cat);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (strncmp(argv[0], "--", 2) == 0) {
        rc = outcome_combined(&cat, argc, argv, opts.sex);
    } else if (argc != 3) {
        rc = cli_usage_error("usage: stegvis outcome INSTRUMENT FIRST LAST");
    } else {
        struct outcome_measure m;
        rc = outcome_one(&cat, argv, opts.sex, &m);
        if (rc == CLI_EXIT_OK)
            rc = cli_print_json(present_outcome_measure(&m));
    }
    instrument_catalog_release(&cat);
    return rc;
}

/* Today in Sweden (Europe/Stockholm), for reference dates. */
static struct date today_in_sweden(void)
{
    setenv("TZ", "Europe/Stockholm", 1);
    tzset();
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return (struct date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

int cmd_pnr(int argc, char **argv)
{
    struct cli_common opts;
    int rc = cli_common_options(&argc, argv, &opts);
    if (rc == CLI_EXIT_OK && argc != 1)
        rc = cli_usage_error("usage: stegvis pnr NUMBER [--on YYYY-MM-DD]");
    if (rc != CLI_EXIT_OK)
        return rc;
    struct error err;
    error_clear(&err);
    struct date reference = today_in_sweden();
    if (opts.on != NULL && date_parse(opts.on, &reference, &err) != ERR_OK)
        return cli_usage_error("--on: %s", err.message);
    struct pnr p;
    if (pnr_parse(argv[0], reference, &p, &err) != ERR_OK)
        return cli_report(&err);
    return cli_print_json(present_pnr(&p));
}

/* Score each "NAME=P1,..." argument into inputs/scores. */
static int recommend_inputs(const struct instrument_catalog *cat, int argc, char **argv,
                            enum sex sex, struct steps_input *inputs, json_t *scores)
{
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq == NULL)
            return cli_usage_error("\"%s\": expected INSTRUMENT=P1,P2,...", argv[i]);
        *eq = '\0';
        const struct instrument *ins = instrument_find(cat, argv[i]);
        if (ins == NULL)
            return unknown_instrument(cat, argv[i]);
        for (int j = 0; j < i; j++)
            if (strcmp(inputs[j].instrument, ins->id) == 0)
                return cli_usage_error("%s is given twice", ins->name);
        struct instrument_score score;
        int rc = score_answers(ins, eq + 1, sex, &score);
        if (rc != CLI_EXIT_OK)
            return rc;
        inputs[i] = (struct steps_input){ ins->id, score.total, score.caseness, score.flags };
        json_array_append_new(scores, present_score(ins, &score));
    }
    return CLI_EXIT_OK;
}

int cmd_recommend(int argc, char **argv)
{
    struct cli_common opts;
    struct instrument_catalog cat;
    struct steps_rules rules;
    struct error err;
    error_clear(&err);
    int rc = cli_common_options(&argc, argv, &opts);
    if (rc == CLI_EXIT_OK && (argc < 1 || argc > MAX_RECOMMEND_INPUTS))
        rc = cli_usage_error("usage: stegvis recommend phq9=P1,...,P9 gad7=... [audit=...] "
                             "[wsas=...] [--sex female|male] [--lang sv|en]");
    if (rc == CLI_EXIT_OK)
        rc = cli_load_catalog(&opts, &cat);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (datafiles_load_steps(datafiles_dir(opts.data_dir), &rules, &err) != ERR_OK) {
        instrument_catalog_release(&cat);
        return cli_report(&err);
    }
    struct steps_input inputs[MAX_RECOMMEND_INPUTS];
    struct steps_result result;
    json_t *scores = json_array();
    rc = recommend_inputs(&cat, argc, argv, opts.sex, inputs, scores);
    if (rc == CLI_EXIT_OK && steps_recommend(&rules, inputs, argc, &result, &err) != ERR_OK)
        rc = cli_report(&err);
    if (rc == CLI_EXIT_OK) {
        json_t *obj = present_recommendation(&rules, &result, opts.lang);
        json_object_set(obj, "scores", scores);
        rc = cli_print_json(obj);
    }
    json_decref(scores);
    steps_rules_release(&rules);
    instrument_catalog_release(&cat);
    return rc;
}
