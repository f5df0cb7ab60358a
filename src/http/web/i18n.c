/* i18n.c - looking up the compiled-in catalogue (i18n.h). */
#include "http/web/i18n.h"

#include <string.h>

const struct i18n_catalog *i18n_catalog_for(enum lang lang)
{
    const char *code = lang_code(lang);
    for (int i = 0; i < i18n_catalog_count; i++)
        if (strcmp(i18n_catalogs[i].lang, code) == 0)
            return &i18n_catalogs[i];
    return NULL;
}

const char *i18n_lookup(enum lang lang, const char *id)
{
    const struct i18n_catalog *cat = i18n_catalog_for(lang);
    if (cat == NULL || id == NULL)
        return NULL;
    int lo = 0, hi = cat->count - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int cmp = strcmp(id, cat->messages[mid].id);
        if (cmp == 0)
            return cat->messages[mid].text;
        if (cmp < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}
