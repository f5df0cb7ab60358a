/* cmd_report.c - `stegvis report`: the quality indicators of a records database, suppressed,
 * as CSV, JSON or HTML on stdout. The figures come from the same path as GET
 * /api/v1/indicators: store_facts_load(), then data/indicator_report.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "data/indicator_report.h"
#include "store/store.h"

#define SECONDS_PER_DAY 86400

struct report_options {
    const char *db, *format, *unit, *from, *to, *indicator, *by;
};

static int report_parse(int argc, char **argv, struct report_options *opts)
{
    static const char *const names[] = { "--db", "--format",    "--unit", "--from",
                                         "--to", "--indicator", "--by" };
    const char **slots[] = { &opts->db, &opts->format,    &opts->unit, &opts->from,
                             &opts->to, &opts->indicator, &opts->by };
    for (int i = 0; i < argc; i++) {
        int which = -1;
        for (int n = 0; n < 7 && which < 0; n++)
            if (strcmp(argv[i], names[n]) == 0)
                which = n;
        if (which < 0)
            return cli_usage_error("report: unknown option \"%s\"", argv[i]);
        if (i + 1 >= argc || argv[i + 1][0] == '\0')
            return cli_usage_error("report: %s needs a value", names[which]);
        *slots[which] = argv[++i];
    }
    if (opts->db == NULL)
        return cli_usage_error("report: --db FILE is required");
    if (opts->format == NULL)
        opts->format = "csv";
    if (strcmp(opts->format, "csv") != 0 && strcmp(opts->format, "json") != 0 &&
        strcmp(opts->format, "html") != 0)
        return cli_usage_error("report: --format: \"%s\" is not csv, json or html", opts->format);
    if (opts->by == NULL)
        opts->by = "unit";
    return CLI_EXIT_OK;
}

/* The unit index of `code`, or -1 after printing why. */
static int unit_of(const struct store_facts_maps *maps, const char *code)
{
    for (int i = 0; i < maps->unit_count; i++)
        if (strcmp(maps->units[i].code, code) == 0)
            return i;
    fprintf(stderr, "stegvis: report: no unit \"%s\"\n", code);
    return -1;
}

/* One indicator in the chosen format, appended to stdout (CSV without its header after the
 * first) or to `list` (JSON). */
static int report_one(const struct report_options *opts, const char *code,
                      const struct indicator_facts *facts, const struct indicator_view *view,
                      bool first, json_t *list)
{
    struct indicator_query query;
    struct indicator_result result;
    struct error err;
    error_clear(&err);
    if (indicator_query_parse(code, opts->by, opts->from, opts->to,
                              (long)(time(NULL) / SECONDS_PER_DAY), &query, &err) != ERR_OK)
        return cli_report(&err);
    if (view->only_unit >= 0 && query.by1 != INDICATOR_BY_UNIT)
        return cli_usage_error("report: --unit needs --by unit (or unit,DIM)");
    if (indicator_report_compute(facts, &query, &result, &err) != ERR_OK)
        return cli_report(&err);
    if (strcmp(opts->format, "json") == 0) {
        json_array_append_new(list, indicator_report_json(&result, view));
    } else {
        bool csv = strcmp(opts->format, "csv") == 0;
        char *text =
            csv ? indicator_report_csv(&result, view) : indicator_report_html(&result, view);
        const char *body = text;
        if (csv && !first)
            body = strchr(text, '\n') + 1;
        fputs(body, stdout);
        free(text);
    }
    indicator_result_release(&result);
    return CLI_EXIT_OK;
}

static int report_all(const struct report_options *opts, const struct indicator_facts *facts,
                      const struct indicator_view *view)
{
    json_t *list = json_array();
    bool html = strcmp(opts->format, "html") == 0;
    if (html)
        printf("<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
               "<title>Stegvis</title></head><body>\n",
               lang_code(view->lang));
    int rc = CLI_EXIT_OK;
    if (opts->indicator != NULL)
        rc = report_one(opts, opts->indicator, facts, view, true, list);
    for (int id = 0; opts->indicator == NULL && id < INDICATOR_COUNT && rc == CLI_EXIT_OK; id++)
        rc = report_one(opts, indicator_def((enum indicator_id)id)->code, facts, view, id == 0,
                        list);
    if (html && rc == CLI_EXIT_OK)
        printf("</body></html>\n");
    if (rc == CLI_EXIT_OK && strcmp(opts->format, "json") == 0)
        return cli_print_json(json_pack("{s:o}", "indicators", list));
    json_decref(list);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    struct cli_common common;
    struct report_options opts = { 0 };
    int rc = cli_common_options(&argc, argv, &common);
    if (rc == CLI_EXIT_OK)
        rc = report_parse(argc, argv, &opts);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (cli_db_missing(opts.db))
        return CLI_EXIT_FAILURE;
    struct instrument_catalog catalog;
    instrument_catalog_init(&catalog);
    struct store *store = NULL;
    rc = cli_load_catalog(&common, &catalog);
    if (rc == CLI_EXIT_OK)
        rc = cli_open_store(opts.db, common.data_dir, &store);
    if (rc != CLI_EXIT_OK) {
        instrument_catalog_release(&catalog);
        return rc;
    }
    struct indicator_facts facts;
    struct store_facts_maps maps;
    struct error err;
    error_clear(&err);
    if (store_facts_load(store, instrument_find(&catalog, "phq9"),
                         instrument_find(&catalog, "gad7"), &facts, &maps, &err) != ERR_OK) {
        rc = cli_report(&err);
    } else {
        const char **units = xcalloc((size_t)maps.unit_count + 1, sizeof(*units));
        const char **municipalities = xcalloc((size_t)maps.municipality_count + 1, sizeof(*units));
        for (int i = 0; i < maps.unit_count; i++)
            units[i] = maps.units[i].name;
        for (int i = 0; i < maps.municipality_count; i++)
            municipalities[i] = maps.municipalities[i].name;
        struct indicator_view view = { units,          maps.unit_count,
                                       municipalities, maps.municipality_count,
                                       common.lang,    -1 };
        if (opts.unit != NULL)
            view.only_unit = unit_of(&maps, opts.unit);
        rc = opts.unit != NULL && view.only_unit < 0 ? CLI_EXIT_USAGE
                                                     : report_all(&opts, &facts, &view);
        free(units);
        free(municipalities);
        indicator_facts_release(&facts);
        store_facts_maps_release(&maps);
    }
    store_close(store);
    instrument_catalog_release(&catalog);
    return rc;
}
