/* i18n.h - the message catalogue compiled in: po/LANG/NAME.po -> msgfmt -> .mo -> tools/mo2c ->
 * one C table per language, sorted by id (the generated messages.c in the build folder). */
#ifndef STEGVIS_HTTP_WEB_I18N_H
#define STEGVIS_HTTP_WEB_I18N_H

#include "core/types.h"

struct i18n_message {
    const char *id;   /* symbolic msgid: "login.title" */
    const char *text; /* msgstr, UTF-8 */
};

/* One language's messages, sorted by id (strcmp) so lookups can bisect. */
struct i18n_catalog {
    const char *lang; /* "sv", "en": the po/ folder's name */
    const struct i18n_message *messages;
    int count;
};

/* Generated (messages.c): every language that has a po/ folder, in name order. */
extern const struct i18n_catalog i18n_catalogs[];
extern const int i18n_catalog_count;

/* The catalogue of `lang`, or NULL when there is none. */
const struct i18n_catalog *i18n_catalog_for(enum lang lang);

/* The text of `id` in `lang` (binary search), or NULL when that catalogue has no such id. */
const char *i18n_lookup(enum lang lang, const char *id);

#endif
