#include "data/datafiles.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#define DATAFILE_MAX_BYTES (1u << 20)

const char *datafiles_dir(const char *override)
{
    if (override != NULL && *override != '\0')
        return override;
    const char *env = getenv("STEGVIS_DATA");
    if (env != NULL && *env != '\0')
        return env;
    return STEGVIS_DATA_DIR;
}

enum err_code datafiles_read(const char *path, size_t max_bytes, char **text, struct error *err)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return error_set(err, ERR_IO, path, "cannot read %s: %s", path, strerror(errno));
    char *buf = xmalloc(max_bytes + 1);
    size_t n = fread(buf, 1, max_bytes + 1, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || n > max_bytes) {
        free(buf);
        if (failed)
            return error_set(err, ERR_IO, path, "cannot read %s", path);
        return error_set(err, ERR_TOO_LARGE, path, "%s is larger than %zu bytes", path, max_bytes);
    }
    buf[n] = '\0';
    *text = xrealloc(buf, n + 1);
    return ERR_OK;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int is_definition(const struct dirent *e)
{
    return e->d_name[0] != '.' && ends_with(e->d_name, ".json") &&
           !ends_with(e->d_name, ".texts.json");
}

static int is_texts(const struct dirent *e)
{
    return e->d_name[0] != '.' && ends_with(e->d_name, ".texts.json");
}

typedef enum err_code (*add_fn)(struct instrument_catalog *, const char *, const char *,
                                struct error *);

/* Apply `add` to every file in `folder` chosen by `filter`, in name order. A missing folder is
 * an error only when `required`. */
static enum err_code load_folder(const char *folder, int (*filter)(const struct dirent *),
                                 add_fn add, int required, struct instrument_catalog *cat,
                                 struct error *err)
{
    struct dirent **names = NULL;
    int n = scandir(folder, &names, filter, alphasort);
    if (n < 0) {
        if (!required && errno == ENOENT)
            return ERR_OK;
        return error_set(err, ERR_IO, folder, "cannot list %s: %s", folder, strerror(errno));
    }
    enum err_code rc = ERR_OK;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", folder, names[i]->d_name);
        char *text = NULL;
        if (rc == ERR_OK)
            rc = datafiles_read(path, DATAFILE_MAX_BYTES, &text, err);
        if (rc == ERR_OK)
            rc = add(cat, text, path, err);
        free(text);
        free(names[i]);
    }
    free(names);
    return rc;
}

enum err_code datafiles_load_instruments(const char *dir, struct instrument_catalog *cat,
                                         struct error *err)
{
    char folder[4096];
    instrument_catalog_init(cat);
    snprintf(folder, sizeof(folder), "%s/instruments", dir);
    enum err_code rc = load_folder(folder, is_definition, instrument_catalog_add_json, 1, cat, err);
    if (rc == ERR_OK && cat->count == 0)
        rc = error_set(err, ERR_IO, folder, "no instrument definitions in %s", folder);
    snprintf(folder, sizeof(folder), "%s/instruments/local", dir);
    if (rc == ERR_OK)
        rc = load_folder(folder, is_texts, instrument_catalog_apply_texts, 0, cat, err);
    if (rc != ERR_OK)
        instrument_catalog_release(cat);
    return rc;
}

enum err_code datafiles_load_steps(const char *dir, struct steps_rules *rules, struct error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/steps.json", dir);
    char *text = NULL;
    enum err_code rc = datafiles_read(path, DATAFILE_MAX_BYTES, &text, err);
    if (rc == ERR_OK)
        rc = steps_rules_parse(rules, text, path, err);
    free(text);
    return rc;
}
