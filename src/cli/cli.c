/* cli.c - helpers shared by the subcommands. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/datafiles.h"
#include "store/store.h"

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stegvis: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_report(const struct error *err)
{
    fprintf(stderr, "stegvis: %s\n", err->message);
    return err->code == ERR_INVALID || err->code == ERR_UNPROCESSABLE ? CLI_EXIT_USAGE
                                                                      : CLI_EXIT_FAILURE;
}

int cli_print_json(json_t *obj)
{
    char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (text == NULL)
        return CLI_EXIT_FAILURE;
    puts(text);
    free(text);
    return CLI_EXIT_OK;
}

/* Take the value of option argv[*i] ("--name VALUE" or "--name=VALUE"). */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t len = strlen(name);
    if (argv[*i][len] == '=')
        return argv[*i] + len + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int is_option(const char *arg, const char *name)
{
    size_t len = strlen(name);
    return strncmp(arg, name, len) == 0 && (arg[len] == '\0' || arg[len] == '=');
}

int cli_common_options(int *argc, char **argv, struct cli_common *opts)
{
    static const char *const names[] = { "--data", "--sex", "--lang", "--on" };
    memset(opts, 0, sizeof(*opts));
    int kept = 0;
    for (int i = 0; i < *argc; i++) {
        int which = -1;
        for (int n = 0; n < 4; n++)
            if (is_option(argv[i], names[n]))
                which = n;
        if (which < 0) {
            argv[kept++] = argv[i];
            continue;
        }
        const char *value = option_value(*argc, argv, &i, names[which]);
        if (value == NULL)
            return cli_usage_error("%s needs a value", names[which]);
        if (which == 0)
            opts->data_dir = value;
        else if (which == 1 && sex_parse(value, &opts->sex) != 0)
            return cli_usage_error("--sex: \"%s\" is not female or male", value);
        else if (which == 2 && lang_parse(value, &opts->lang) != 0)
            return cli_usage_error("--lang: \"%s\" is not sv or en", value);
        else if (which == 3)
            opts->on = value;
    }
    *argc = kept;
    argv[kept] = NULL;
    return CLI_EXIT_OK;
}

int cli_load_catalog(const struct cli_common *opts, struct instrument_catalog *cat)
{
    struct error err;
    error_clear(&err);
    if (datafiles_load_instruments(datafiles_dir(opts->data_dir), cat, &err) != ERR_OK) {
        fprintf(stderr, "stegvis: %s\n", err.message);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

int cli_open_store(const char *db, const char *data_dir, struct store **out)
{
    char path[4096];
    char *region = NULL;
    struct error err;
    error_clear(&err);
    snprintf(path, sizeof(path), "%s/region.json", datafiles_dir(data_dir));
    if (datafiles_read(path, 1u << 20, &region, &err) != ERR_OK) {
        fprintf(stderr, "stegvis: %s\n", err.message);
        return CLI_EXIT_FAILURE;
    }
    enum err_code rc = store_open(db, region, out, &err);
    free(region);
    if (rc != ERR_OK) {
        fprintf(stderr, "stegvis: %s\n", err.message);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

const char *cli_db_file(const char *url)
{
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return NULL;
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    if (strncmp(url, "//", 2) == 0)
        url += 2;
    return url;
}

bool cli_db_missing(const char *url)
{
    const char *file = cli_db_file(url);
    struct stat st;
    if (file == NULL || stat(file, &st) == 0)
        return false;
    fprintf(stderr, "stegvis: %s does not exist\n", file);
    return true;
}
