/* cmd_server.c - `stegvis serve`, `stegvis migrate` and `stegvis backup`: the commands that run
 * or look after a records database. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "data/datafiles.h"
#include "http/app.h"
#include "http/auth.h"
#include "http/server.h"
#include "http/session_cache.h"
#include "http/web/web.h"
#include "store/store.h"

#define REGION_MAX_BYTES  (1024 * 1024)
#define STYLE_MAX_BYTES   (256 * 1024)
#define SERVE_MAX_THREADS 256
#define SERVE_MMAP_BYTES  (1024 * 1024) /* blocks this big are mapped, unmapped on free */

struct option_slot {
    const char *name; /* "--db" */
    const char **value;
};

/* Take "--name VALUE" and "--name=VALUE" for each of `slots`; anything else is a usage error
 * naming the option. */
static int parse_options(const char *command, int argc, char **argv,
                         const struct option_slot *slots, int slot_count)
{
    for (int i = 0; i < argc; i++) {
        const struct option_slot *slot = NULL;
        size_t len = 0;
        for (int s = 0; s < slot_count && slot == NULL; s++) {
            len = strlen(slots[s].name);
            if (strncmp(argv[i], slots[s].name, len) == 0 &&
                (argv[i][len] == '\0' || argv[i][len] == '='))
                slot = &slots[s];
        }
        if (slot == NULL)
            return cli_usage_error("%s: unknown option \"%s\"", command, argv[i]);
        const char *value = NULL;
        if (argv[i][len] == '=')
            value = argv[i] + len + 1;
        else if (i + 1 < argc)
            value = argv[++i];
        if (value == NULL || *value == '\0')
            return cli_usage_error("%s: %s needs a value", command, slot->name);
        *slot->value = value;
    }
    return CLI_EXIT_OK;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- serve -------------------------------------------------------------------------------- */

struct serve_options {
    const char *db;
    const char *listen;
    const char *data;
    int threads;
    int login_delay_ms;                                                /* -1: the default */
    int connection_timeout_s, max_connections, max_connections_per_ip; /* 0: the default */
    const char *public_url; /* where users reach the server; https:// makes cookies Secure */
};

/* A number option's value from `min` to `max` into *out; left as it is when `text` is NULL. */
static int serve_number(const char *name, const char *text, long min, long max, int *out)
{
    if (text == NULL)
        return CLI_EXIT_OK;
    char *end = NULL;
    long n = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || n < min || n > max)
        return cli_usage_error("serve: %s: \"%s\" is not a number from %ld to %ld", name, text, min,
                               max);
    *out = (int)n;
    return CLI_EXIT_OK;
}

static int serve_parse(int argc, char **argv, struct serve_options *opts)
{
    const char *threads = NULL, *delay = NULL, *timeout = NULL, *max = NULL, *per_ip = NULL;
    opts->listen = "127.0.0.1:8080";
    const struct option_slot slots[] = { { "--db", &opts->db },
                                         { "--listen", &opts->listen },
                                         { "--data", &opts->data },
                                         { "--threads", &threads },
                                         { "--login-delay-ms", &delay },
                                         { "--connection-timeout-s", &timeout },
                                         { "--max-connections-per-ip", &per_ip },
                                         { "--max-connections", &max },
                                         { "--public-url", &opts->public_url } };
    int rc = parse_options("serve", argc, argv, slots, 9);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (opts->db == NULL)
        return cli_usage_error("serve: --db FILE is required");
    opts->threads = 0;
    opts->login_delay_ms = -1;
    rc = serve_number("--threads", threads, 1, SERVE_MAX_THREADS, &opts->threads);
    if (rc == CLI_EXIT_OK)
        rc = serve_number("--login-delay-ms", delay, 0, 10000, &opts->login_delay_ms);
    if (rc == CLI_EXIT_OK)
        rc = serve_number("--connection-timeout-s", timeout, 1, 3600, &opts->connection_timeout_s);
    if (rc == CLI_EXIT_OK)
        rc = serve_number("--max-connections", max, 1, 100000, &opts->max_connections);
    if (rc == CLI_EXIT_OK)
        rc = serve_number("--max-connections-per-ip", per_ip, 1, 100000,
                          &opts->max_connections_per_ip);
    if (rc != CLI_EXIT_OK)
        return rc;
    struct error err;
    error_clear(&err);
    if (server_check_listen(opts->listen, &err) != ERR_OK)
        return cli_usage_error("%s", err.message);
    return CLI_EXIT_OK;
}

/* DIR/region.json as text, or NULL (with a note) when the data folder has none. */
static enum err_code read_region(const char *dir, char **text, struct error *err)
{
    char path[4096];
    *text = NULL;
    snprintf(path, sizeof(path), "%s/region.json", dir);
    if (!file_exists(path)) {
        fprintf(stderr, "stegvis: %s not found: a new database gets no units\n", path);
        return ERR_OK;
    }
    return datafiles_read(path, REGION_MAX_BYTES, text, err);
}

/* DIR/static/stegvis.css, the pages' one stylesheet. */
static enum err_code read_stylesheet(const char *dir, struct app *app, struct error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/static/stegvis.css", dir);
    enum err_code rc = datafiles_read(path, STYLE_MAX_BYTES, &app->stylesheet, err);
    if (rc == ERR_OK)
        app->stylesheet_len = strlen(app->stylesheet);
    return rc;
}

static void app_defaults(struct app *app)
{
    app->session_ttl_s = 8 * 3600;
    app->invitation_ttl_s = 14 * 24 * 3600;
    app->login_max_failures = 5;
    app->login_lock_s = 15 * 60;
    app->login_delay_ms = 400;
    app->cookie_secure = false;
}

/* Load the catalogue and rules, open the store. On error everything loaded is released. */
static enum err_code app_load(struct app *app, const struct serve_options *opts, struct error *err)
{
    const char *dir = datafiles_dir(opts->data);
    char *region = NULL;
    memset(app, 0, sizeof(*app));
    instrument_catalog_init(&app->catalog);
    app_defaults(app);
    if (opts->login_delay_ms >= 0)
        app->login_delay_ms = opts->login_delay_ms;
    /* behind a TLS proxy (docs/operations.md): cookies only over HTTPS */
    if (opts->public_url != NULL && strncmp(opts->public_url, "https://", 8) == 0)
        app->cookie_secure = true;
    enum err_code rc = datafiles_load_instruments(dir, &app->catalog, err);
    if (rc == ERR_OK)
        rc = datafiles_load_steps(dir, &app->rules, err);
    if (rc == ERR_OK)
        rc = read_stylesheet(dir, app, err);
    if (rc == ERR_OK)
        rc = read_region(dir, &region, err);
    if (rc == ERR_OK)
        rc = store_open(opts->db, region, &app->store, err);
    if (rc == ERR_OK)
        rc = app_facts_init(app, err);
    if (rc == ERR_OK)
        rc = auth_init(err);
    free(region);
    if (rc != ERR_OK)
        goto fail;
    app->sessions = session_cache_new();
    return ERR_OK;
fail:
    app_facts_release(app);
    if (app->store != NULL)
        store_close(app->store);
    app->store = NULL;
    free(app->stylesheet);
    app->stylesheet = NULL;
    steps_rules_release(&app->rules);
    instrument_catalog_release(&app->catalog);
    return rc;
}

static void app_release(struct app *app)
{
    session_cache_free(app->sessions);
    app->sessions = NULL;
    app_facts_release(app);
    store_close(app->store);
    app->store = NULL;
    free(app->stylesheet);
    app->stylesheet = NULL;
    steps_rules_release(&app->rules);
    instrument_catalog_release(&app->catalog);
}

/* "127.0.0.1:0" with port 8080 -> "http://127.0.0.1:8080". */
static void print_listening(const char *listen, int port)
{
    const char *colon = strrchr(listen, ':');
    int host_len = colon ? (int)(colon - listen) : (int)strlen(listen);
    printf("stegvis: listening on http://%.*s:%d\n", host_len, listen, port);
    fflush(stdout);
}

/* A request's big blocks (a long list's rows, its JSON text, libmicrohttpd's copy of the answer)
 * grow with the data. glibc serves them from its heaps once a freed mapping has raised its
 * dynamic mmap threshold (up to 32 MiB), and a heap keeps its high-water mark: the resident
 * memory of a long-running server would then creep up with every larger answer, though nothing
 * is held between requests. A fixed threshold (which also stops the dynamic one) maps such
 * blocks and gives them back when the request frees them. Not lower than 1 MiB: a threshold of
 * 64 KiB halved the requests per second (a map and unmap for a common block size; bench_http). */
static void serve_tune_malloc(void)
{
#ifdef M_MMAP_THRESHOLD
    (void)mallopt(M_MMAP_THRESHOLD, SERVE_MMAP_BYTES); /* a sanitizer's malloc ignores it */
#endif
}

static int wait_for_stop_signal(const sigset_t *signals)
{
    int sig = 0;
    while (sigwait(signals, &sig) != 0)
        ;
    return sig;
}

int cmd_serve(int argc, char **argv)
{
    struct serve_options opts = { 0 };
    int rc = serve_parse(argc, argv, &opts);
    if (rc != CLI_EXIT_OK)
        return rc;
    /* Blocked before any thread starts (the store's writer, the server's pool), so every
     * thread inherits the mask and only sigwait below sees SIGTERM and SIGINT. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    web_timezone_init(); /* pages show Stockholm time; before any thread, as setenv is not safe */
    serve_tune_malloc();

    struct app app;
    struct error err;
    error_clear(&err);
    if (app_load(&app, &opts, &err) != ERR_OK)
        return cli_report(&err);
    struct server *server = NULL;
    struct server_options server_opts = { opts.listen, opts.threads, opts.connection_timeout_s,
                                          opts.max_connections, opts.max_connections_per_ip };
    if (server_start(&app, &server_opts, &server, &err) != ERR_OK) {
        app_release(&app);
        return cli_report(&err);
    }
    print_listening(opts.listen, server_port(server));
    int sig = wait_for_stop_signal(&signals);
    fprintf(stderr, "stegvis: shutting down (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(server);
    app_release(&app);
    return CLI_EXIT_OK;
}

/* ---- migrate ------------------------------------------------------------------------------ */

/* FILE.bak-YYYYMMDD-HHMMSS in local time. */
static char *default_backup_path(const char *file)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    size_t size = strlen(file) + sizeof(".bak-") + strlen(stamp);
    char *path = xmalloc(size);
    snprintf(path, size, "%s.bak-%s", file, stamp);
    return path;
}

int cmd_migrate(int argc, char **argv)
{
    const char *db = NULL, *backup = NULL;
    const struct option_slot slots[] = { { "--db", &db }, { "--backup", &backup } };
    int rc = parse_options("migrate", argc, argv, slots, 2);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (db == NULL)
        return cli_usage_error("migrate: --db FILE is required");
    const char *file = cli_db_file(db);
    if (cli_db_missing(db))
        return CLI_EXIT_FAILURE;
    /* PostgreSQL: the schema change is one transaction (all or nothing); backups are pg_dump's
     * (docs/operations.md), not a file of ours. */
    if (backup != NULL && file == NULL)
        return cli_usage_error("migrate: --backup is for SQLite files; back a PostgreSQL database "
                               "up with pg_dump first");
    char *default_path = backup || file == NULL ? NULL : default_backup_path(file);
    const char *backup_path = backup ? backup : default_path;
    struct error err;
    error_clear(&err);
    int from = 0, to = 0;
    if (store_migrate(db, backup_path, &from, &to, &err) != ERR_OK) {
        free(default_path);
        return cli_report(&err);
    }
    /* A current database is left as it is, and then no backup is taken. */
    json_t *taken = from == to || backup_path == NULL ? json_null() : json_string(backup_path);
    rc = cli_print_json(json_pack("{s:i, s:i, s:o}", "from", from, "to", to, "backup", taken));
    free(default_path);
    return rc;
}

/* ---- backup ------------------------------------------------------------------------------- */

static enum err_code backup_database(const char *db, const char *to, struct error *err)
{
    struct store *store = NULL;
    enum err_code rc = store_open(db, NULL, &store, err);
    if (rc != ERR_OK)
        return rc;
    rc = store_backup(store, to, err);
    store_close(store);
    return rc;
}

int cmd_backup(int argc, char **argv)
{
    const char *db = NULL, *to = NULL;
    const struct option_slot slots[] = { { "--db", &db }, { "--to", &to } };
    int rc = parse_options("backup", argc, argv, slots, 2);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (db == NULL)
        return cli_usage_error("backup: --db FILE is required");
    if (to == NULL)
        return cli_usage_error("backup: --to FILE is required");
    if (cli_db_missing(db))
        return CLI_EXIT_FAILURE;
    if (file_exists(to)) {
        fprintf(stderr, "stegvis: %s exists already: back up to a new file\n", to);
        return CLI_EXIT_FAILURE;
    }
    struct error err;
    error_clear(&err);
    if (backup_database(db, to, &err) != ERR_OK)
        return cli_report(&err);
    struct stat st;
    if (stat(to, &st) != 0) {
        fprintf(stderr, "stegvis: %s: %s\n", to, strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    return cli_print_json(json_pack("{s:s, s:I}", "backup", to, "bytes", (json_int_t)st.st_size));
}

/* ---- copy --------------------------------------------------------------------------------- */

/* The sums of both databases side by side: {"table", "rows", "checksum", "match"} each. */
static json_t *compare_sums(struct store *from, struct store *to, bool *all_match,
                            struct error *err)
{
    struct store_table_sum a[STORE_COPY_TABLES_MAX], b[STORE_COPY_TABLES_MAX];
    int na = 0, nb = 0;
    *all_match = false;
    if (store_table_sums(from, a, &na, err) != ERR_OK ||
        store_table_sums(to, b, &nb, err) != ERR_OK)
        return NULL;
    json_t *list = json_array();
    *all_match = na == nb;
    for (int i = 0; i < na && i < nb; i++) {
        bool match = a[i].rows == b[i].rows && strcmp(a[i].checksum, b[i].checksum) == 0;
        *all_match = *all_match && match;
        json_array_append_new(list,
                              json_pack("{s:s, s:I, s:I, s:s, s:b}", "table", a[i].table, "rows",
                                        (json_int_t)a[i].rows, "copied_rows", (json_int_t)b[i].rows,
                                        "checksum", a[i].checksum, "match", match));
    }
    return list;
}

static int copy_databases(const char *from_url, const char *to_url)
{
    struct store *from = NULL, *to = NULL;
    struct error err;
    error_clear(&err);
    int version = 0;
    long long rows = 0;
    bool match = false;
    json_t *tables = NULL;
    /* the source must exist (store_open would make a new SQLite file) */
    enum err_code rc = store_schema_version(from_url, &version, &err);
    if (rc == ERR_OK)
        rc = store_open(from_url, NULL, &from, &err);
    if (rc == ERR_OK)
        rc = store_open(to_url, NULL, &to, &err);
    if (rc == ERR_OK)
        rc = store_copy(from, to, &rows, &err);
    if (rc == ERR_OK)
        tables = compare_sums(from, to, &match, &err);
    store_close(to);
    store_close(from);
    if (tables == NULL)
        return cli_report(&err);
    int exit_code = cli_print_json(json_pack("{s:I, s:o, s:b}", "rows", (json_int_t)rows, "tables",
                                             tables, "verified", match));
    if (!match) {
        fprintf(stderr, "stegvis: the copy differs from the source (see \"match\")\n");
        return CLI_EXIT_FAILURE;
    }
    return exit_code;
}

int cmd_copy(int argc, char **argv)
{
    const char *from = NULL, *to = NULL;
    const struct option_slot slots[] = { { "--from", &from }, { "--to", &to } };
    int rc = parse_options("copy", argc, argv, slots, 2);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (from == NULL)
        return cli_usage_error("copy: --from URL is required");
    if (to == NULL)
        return cli_usage_error("copy: --to URL is required");
    if (strcmp(from, to) == 0)
        return cli_usage_error("copy: --from and --to are the same database");
    return copy_databases(from, to);
}
