/* cli.h - what the `stegvis` subcommands share: argument helpers, output, loading data.
 *
 * Machine-readable output is one JSON object on stdout with exit 0. Bad input is one line on
 * stderr naming what is wrong, with exit 2 (CLI_EXIT_USAGE). Other failures exit 1. */
#ifndef STEGVIS_CLI_CLI_H
#define STEGVIS_CLI_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "core/error.h"
#include "core/instrument.h"
#include "core/types.h"

#define CLI_EXIT_OK      0
#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_USAGE   2

/* Options every clinical subcommand understands, taken out of argv by cli_common_options. */
struct cli_common {
    const char *data_dir; /* --data DIR */
    enum sex sex;         /* --sex female|male */
    enum lang lang;       /* --lang sv|en */
    const char *on;       /* --on YYYY-MM-DD */
};

/* Remove the common options from argv (in place) and fill `opts`; *argc is updated.
 * Returns CLI_EXIT_OK, or CLI_EXIT_USAGE after printing a message. */
int cli_common_options(int *argc, char **argv, struct cli_common *opts);

/* Print "stegvis: MESSAGE" on stderr and return CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print an error from a core function on stderr ("stegvis: message") and return the exit code
 * that fits it (2 for invalid input, 1 otherwise). */
int cli_report(const struct error *err);

/* Print `obj` compactly on stdout with a newline, then drop the reference. Returns 0. */
int cli_print_json(json_t *obj);

/* Load the instrument catalogue from the data folder; prints and returns non-zero on error. */
int cli_load_catalog(const struct cli_common *opts, struct instrument_catalog *cat);

struct store;

/* Open the database at `db` ("FILE" or "sqlite:FILE"); a new one gets the schema and the region
 * from DATA/region.json (`data_dir` NULL: the default data folder). Prints the reason and
 * returns non-zero on failure. */
int cli_open_store(const char *db, const char *data_dir, struct store **out);

/* The file behind a database url ("sqlite:FILE", "sqlite://FILE" or FILE); NULL for a
 * PostgreSQL url ("postgres://", "postgresql://"). */
const char *cli_db_file(const char *url);

/* Whether the database at `url` is missing: a SQLite file that does not exist (said on stderr). A
 * PostgreSQL database is never "missing" here: connecting tells. */
bool cli_db_missing(const char *url);

/* Subcommands: each takes argc/argv after the subcommand name and returns the exit code. */
int cmd_instruments(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_outcome(int argc, char **argv);
int cmd_pnr(int argc, char **argv);
int cmd_recommend(int argc, char **argv);

/* cmd_server.c: run the records server, migrate a database, back it up while it is in use. */
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_backup(int argc, char **argv);
/* Copy every row of one database into a new empty one (e.g. SQLite to PostgreSQL) and verify it
 * with each table's row count and checksum. */
int cmd_copy(int argc, char **argv);
int cmd_user(int argc, char **argv);

/* cmd_report.c: the quality indicators of a database, suppressed, as CSV, JSON or HTML. */
int cmd_report(int argc, char **argv);

/* cmd_demo.c: a new database filled with a deterministic synthetic region. */
int cmd_demo(int argc, char **argv);

#endif
