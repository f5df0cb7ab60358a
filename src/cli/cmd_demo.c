/* cmd_demo.c - `stegvis demo --db FILE [--patients N] [--seed S] [--data DIR] [--today DATE]`:
 * a new or empty database filled with a deterministic synthetic Uppsala län (see demo.h), the
 * demo logins printed at the end. `stegvis demo --logins` prints only the logins.
 *
 * Output: progress and the logins on stderr; one JSON summary on stdout. A database that
 * already holds patients or staff is refused with exit 2 and left as it was. When the run
 * fails, a database file it created is removed, so a half-filled demo never stays behind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/demo.h"
#include "core/date.h"
#include "data/datafiles.h"
#include "http/auth.h"
#include "store/store.h"

#define DEMO_DEFAULT_PATIENTS 20000
#define DEMO_DEFAULT_SEED     1
#define REGION_MAX_BYTES      (1024 * 1024)

struct demo_options {
    const char *db;
    const char *data;
    long today; /* days since 1970 */
    long patients;
    uint64_t seed;
    bool logins_only;
};

/* ---- options ---- */

static int parse_number(const char *option, const char *text, unsigned long long max,
                        unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno != 0 || n > max)
        return cli_usage_error("demo: %s: \"%s\" is not a number from 0 to %llu", option, text,
                               max);
    *out = n;
    return CLI_EXIT_OK;
}

static int demo_parse(int argc, char **argv, struct demo_options *o)
{
    static const char *const names[] = { "--db", "--patients", "--seed", "--data", "--today" };
    const char *values[5] = { NULL };
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--logins") == 0) {
            o->logins_only = true;
            continue;
        }
        int which = -1;
        size_t len = 0;
        for (int n = 0; n < 5 && which < 0; n++) {
            len = strlen(names[n]);
            if (strncmp(argv[i], names[n], len) == 0 &&
                (argv[i][len] == '\0' || argv[i][len] == '='))
                which = n;
        }
        if (which < 0)
            return cli_usage_error("demo: unknown option \"%s\" (usage: stegvis demo --db FILE "
                                   "[--patients N] [--seed S] [--data DIR] [--today YYYY-MM-DD])",
                                   argv[i]);
        const char *value = argv[i][len] == '=' ? argv[i] + len + 1
                            : i + 1 < argc      ? argv[++i]
                                                : NULL;
        if (value == NULL || value[0] == '\0')
            return cli_usage_error("demo: %s needs a value", names[which]);
        values[which] = value;
    }
    o->db = values[0];
    o->data = values[3];
    struct date today = datetime_date((long long)time(NULL));
    struct error err;
    if (values[4] != NULL &&
        (date_parse(values[4], &today, &err) != ERR_OK || today.year < 2000 || today.year > 2199))
        return cli_usage_error("demo: --today: \"%s\" is not a date YYYY-MM-DD from 2000 to 2199",
                               values[4]);
    o->today = date_to_days(today);
    unsigned long long n = DEMO_DEFAULT_PATIENTS, seed = DEMO_DEFAULT_SEED;
    if (values[1] != NULL && parse_number("--patients", values[1], DEMO_MAX_PATIENTS, &n) != 0)
        return CLI_EXIT_USAGE;
    if (values[2] != NULL && parse_number("--seed", values[2], UINT64_MAX, &seed) != 0)
        return CLI_EXIT_USAGE;
    o->patients = (long)n;
    o->seed = seed;
    if (o->db == NULL && !o->logins_only)
        return cli_usage_error("demo: --db FILE is required");
    return CLI_EXIT_OK;
}

/* ---- setup ---- */

/* How the summary and messages name the database: its file, or the url as given. */
static const char *db_name(const char *url)
{
    const char *file = cli_db_file(url);
    return file != NULL ? file : url;
}

/* A new SQLite file is removed again when the demo fails; a PostgreSQL database is the
 * operator's, and stays. */
static bool db_existed(const char *url)
{
    const char *file = cli_db_file(url);
    struct stat st;
    return file == NULL || stat(file, &st) == 0;
}

static void remove_database(const char *file)
{
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s%s", file, suffixes[i]);
        unlink(path);
    }
}

static enum err_code find_instruments(struct demo *demo, struct error *err)
{
    demo->phq9 = instrument_find(demo->catalog, "phq9");
    demo->gad7 = instrument_find(demo->catalog, "gad7");
    demo->audit = instrument_find(demo->catalog, "audit");
    demo->wsas = instrument_find(demo->catalog, "wsas");
    if (demo->phq9 == NULL || demo->gad7 == NULL)
        return error_set(err, ERR_INVALID, "instruments",
                         "demo: the data folder has no PHQ-9 or GAD-7 definition");
    return ERR_OK;
}

/* ---- the run ---- */

struct run {
    const struct demo_options *opts;
    struct instrument_catalog catalog;
    struct steps_rules rules;
    char *region_json;
    struct store *store;
    struct demo demo;
    struct timespec started;
};

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static enum err_code load_data(struct run *run, struct error *err)
{
    const char *dir = datafiles_dir(run->opts->data);
    char path[4096];
    snprintf(path, sizeof(path), "%s/region.json", dir);
    enum err_code rc = datafiles_load_instruments(dir, &run->catalog, err);
    if (rc == ERR_OK)
        rc = datafiles_load_steps(dir, &run->rules, err);
    if (rc == ERR_OK)
        rc = datafiles_read(path, REGION_MAX_BYTES, &run->region_json, err);
    if (rc == ERR_OK)
        rc = auth_init(err);
    return rc;
}

static enum err_code begin_bulk(struct run *run, struct error *err)
{
    struct demo *demo = &run->demo;
    char today[11];
    date_format(date_from_days(demo->today), today);
    struct store_audit audit;
    memset(&audit, 0, sizeof(audit));
    snprintf(audit.actor, sizeof(audit.actor), "system");
    snprintf(audit.action, sizeof(audit.action), "demo.generate");
    snprintf(audit.detail, sizeof(audit.detail),
             "stegvis demo: synthetic data, seed %llu, %ld patients, two years up to %s",
             (unsigned long long)demo->seed, run->opts->patients, today);
    struct store_bulk_options bulk_opts = { 0, true };
    return store_bulk_begin(run->store, &bulk_opts, &audit, &demo->bulk, err);
}

static void progress(const struct run *run, long done)
{
    long total = run->opts->patients;
    if (total < 1000 || done % (total / 10) != 0 || done == 0)
        return;
    fprintf(stderr, "stegvis demo: %3ld%%  %ld patients  %.1f s\n", done * 100 / total, done,
            seconds_since(&run->started));
}

static enum err_code generate(struct run *run, struct error *err)
{
    struct demo *demo = &run->demo;
    enum err_code rc = begin_bulk(run, err);
    if (rc == ERR_OK)
        rc = demo_staff_generate(demo, err);
    for (long i = 0; rc == ERR_OK && i < run->opts->patients; i++) {
        rc = demo_patient_generate(demo, i, err);
        progress(run, i + 1);
    }
    if (demo->bulk == NULL)
        return rc;
    if (rc != ERR_OK) {
        store_bulk_abort(demo->bulk);
        demo->bulk = NULL;
        return rc;
    }
    rc = store_bulk_commit(demo->bulk, err);
    demo->bulk = NULL;
    return rc;
}

static int print_summary(const struct run *run)
{
    const struct demo_counts *c = &run->demo.counts;
    char today[11];
    date_format(date_from_days(run->demo.today), today);
    uint64_t seed = run->demo.seed;
    double seconds = seconds_since(&run->started);
    json_t *summary = json_object();
    json_object_set_new(summary, "db", json_string(db_name(run->opts->db)));
    json_object_set_new(summary, "patients", json_integer(c->patients));
    json_object_set_new(summary, "episodes", json_integer(c->episodes));
    json_object_set_new(summary, "responses", json_integer(c->responses));
    json_object_set_new(summary, "assessments", json_integer(c->assessments));
    json_object_set_new(summary, "appointments", json_integer(c->appointments));
    json_object_set_new(summary, "contracts", json_integer(c->contracts));
    json_object_set_new(summary, "risk_reviews", json_integer(c->reviews));
    json_object_set_new(summary, "staff", json_integer(c->staff));
    json_object_set_new(summary, "training", json_integer(c->training));
    json_object_set_new(summary, "seed",
                        seed <= INT64_MAX ? json_integer((json_int_t)seed)
                                          : json_real((double)seed));
    json_object_set_new(summary, "today", json_string(today));
    json_object_set_new(summary, "seconds", json_real(seconds));
    demo_logins_print(stderr);
    char *text = json_dumps(summary, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(summary);
    if (text == NULL)
        return CLI_EXIT_FAILURE;
    puts(text);
    free(text);
    return CLI_EXIT_OK;
}

static void run_release(struct run *run)
{
    if (run->demo.bulk != NULL)
        store_bulk_abort(run->demo.bulk);
    demo_patients_release(&run->demo);
    demo_region_release(&run->demo.region);
    store_close(run->store);
    free(run->region_json);
    steps_rules_release(&run->rules);
    instrument_catalog_release(&run->catalog);
}

/* Exit 2 for a database that is not new or empty (store_open's or the bulk load's refusal). */
static int report(const struct run *run, const struct error *err, bool existed)
{
    const char *file = db_name(run->opts->db);
    if (err->code == ERR_CONFLICT) {
        fprintf(stderr, "stegvis: demo: %s: %s; the demo fills only a new or empty database\n",
                file, err->message);
        return CLI_EXIT_USAGE;
    }
    int code = cli_report(err);
    if (existed && run->demo.counts.staff > 0)
        fprintf(stderr, "stegvis: demo: %s may now hold part of the demo data\n", file);
    return code;
}

static enum err_code prepare(struct run *run, struct error *err)
{
    struct demo *demo = &run->demo;
    demo->today = run->opts->today;
    enum err_code rc = load_data(run, err);
    if (rc == ERR_OK)
        rc = store_open(run->opts->db, run->region_json, &run->store, err);
    demo->catalog = &run->catalog;
    demo->rules = &run->rules;
    demo->seed = run->opts->seed;
    demo->first_day = demo->today - DEMO_DAYS;
    if (rc == ERR_OK)
        rc = find_instruments(demo, err);
    if (rc == ERR_OK)
        rc = demo_region_load(&demo->region, run->store, run->region_json, err);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    struct demo_options opts;
    int code = demo_parse(argc, argv, &opts);
    if (code != CLI_EXIT_OK)
        return code;
    if (opts.logins_only) {
        demo_logins_print(stdout);
        return CLI_EXIT_OK;
    }
    struct run run;
    memset(&run, 0, sizeof(run));
    run.opts = &opts;
    instrument_catalog_init(&run.catalog);
    clock_gettime(CLOCK_MONOTONIC, &run.started);
    const char *file = db_name(opts.db);
    bool existed = db_existed(opts.db);
    struct error err;
    error_clear(&err);
    fprintf(stderr, "stegvis demo: %ld synthetic patients in %s, seed %llu\n", opts.patients, file,
            (unsigned long long)opts.seed);
    enum err_code rc = prepare(&run, &err);
    if (rc == ERR_OK)
        rc = generate(&run, &err);
    if (rc != ERR_OK) {
        code = report(&run, &err, existed);
        run_release(&run);
        if (!existed)
            remove_database(file);
        return code;
    }
    code = print_summary(&run);
    run_release(&run);
    return code;
}
