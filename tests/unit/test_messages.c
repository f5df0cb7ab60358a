/* test_messages.c - the compiled-in message catalogue (po/LANG/NAME.po -> messages.c): both
 * languages have exactly the same ids, each table is sorted (so lookups can bisect) and every
 * text keeps the placeholders of the other language. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/web/i18n.h"
#include "testing.h"

static const struct i18n_catalog *catalog(const char *lang)
{
    for (int i = 0; i < i18n_catalog_count; i++)
        if (strcmp(i18n_catalogs[i].lang, lang) == 0)
            return &i18n_catalogs[i];
    TEST_FAIL("no catalogue for \"%s\" (po/%s/ missing?)", lang, lang);
}

static const char *text_of(const struct i18n_catalog *cat, const char *id)
{
    for (int i = 0; i < cat->count; i++)
        if (strcmp(cat->messages[i].id, id) == 0)
            return cat->messages[i].text;
    return NULL;
}

/* Exactly the languages the pages offer (enum lang), each with messages. */
static void both_languages_exist(void)
{
    ASSERT_EQ_INT(i18n_catalog_count, LANG_COUNT);
    ASSERT_TRUE(catalog("sv")->count > 0);
    ASSERT_TRUE(catalog("en")->count > 0);
    ASSERT_TRUE(i18n_catalog_for(LANG_SV) == catalog("sv"));
    ASSERT_TRUE(i18n_catalog_for(LANG_EN) == catalog("en"));
}

/* Strictly ascending ids: sorted for the binary search, and no id twice. */
static void tables_sorted(void)
{
    for (int c = 0; c < i18n_catalog_count; c++) {
        const struct i18n_catalog *cat = &i18n_catalogs[c];
        for (int i = 1; i < cat->count; i++)
            if (strcmp(cat->messages[i - 1].id, cat->messages[i].id) >= 0)
                TEST_FAIL("%s: \"%s\" before \"%s\"", cat->lang, cat->messages[i - 1].id,
                          cat->messages[i].id);
    }
}

/* Every id of every language is in every other language (a missing or empty msgstr, which
 * msgfmt leaves out, shows up here). */
static void same_ids_everywhere(void)
{
    int missing = 0;
    for (int a = 0; a < i18n_catalog_count; a++)
        for (int b = 0; b < i18n_catalog_count; b++) {
            if (a == b)
                continue;
            for (int i = 0; i < i18n_catalogs[a].count; i++) {
                const char *id = i18n_catalogs[a].messages[i].id;
                if (text_of(&i18n_catalogs[b], id) == NULL) {
                    fprintf(stderr, "\"%s\" is in po/%s/ but not in po/%s/\n", id,
                            i18n_catalogs[a].lang, i18n_catalogs[b].lang);
                    missing++;
                }
            }
        }
    ASSERT_EQ_INT(missing, 0);
}

static int by_string(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The {name} placeholders of `text`, sorted and joined: "{date}{hour}{minute}". */
static void placeholders(const char *text, char *out, size_t size)
{
    char names[16][32];
    int count = 0;
    for (const char *p = strchr(text, '{'); p != NULL && count < 16; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        if (close == NULL)
            break;
        snprintf(names[count++], sizeof(names[0]), "%.*s", (int)(close - p + 1), p);
    }
    qsort(names, (size_t)count, sizeof(names[0]), by_string);
    out[0] = '\0';
    for (int i = 0; i < count; i++)
        snprintf(out + strlen(out), size - strlen(out), "%s", names[i]);
}

/* A translation may reorder words but not drop, add or rename a placeholder. */
static void same_placeholders(void)
{
    const struct i18n_catalog *sv = catalog("sv"), *en = catalog("en");
    for (int i = 0; i < sv->count; i++) {
        const char *other = text_of(en, sv->messages[i].id);
        if (other == NULL)
            continue;
        char a[512], b[512];
        placeholders(sv->messages[i].text, a, sizeof(a));
        placeholders(other, b, sizeof(b));
        if (strcmp(a, b) != 0)
            TEST_FAIL("\"%s\": placeholders %s in Swedish, %s in English", sv->messages[i].id, a,
                      b);
    }
}

/* A few texts exactly as po/sv/core.po and po/en/core.po have them. */
static void lookups(void)
{
    ASSERT_STR_EQ(i18n_lookup(LANG_SV, "login.title"), "Logga in");
    ASSERT_STR_EQ(i18n_lookup(LANG_EN, "login.title"), "Log in");
    ASSERT_STR_EQ(i18n_lookup(LANG_SV, "layout.lang_switch"), "English");
    ASSERT_STR_EQ(i18n_lookup(LANG_EN, "layout.lang_switch"), "Svenska");
    ASSERT_STR_EQ(i18n_lookup(LANG_SV, "nav.new_patient"), "Ny patient");
    ASSERT_STR_EQ(i18n_lookup(LANG_SV, "help.call_90101"), "Ring Självmordslinjen 90101");
    ASSERT_STR_EQ(i18n_lookup(LANG_SV, "date.datetime"), "{date} kl. {hour}.{minute}");
    ASSERT_STR_EQ(i18n_lookup(LANG_EN, "date.month.5"), "May");
    ASSERT_STR_EQ(i18n_lookup(LANG_SV, "date.month.5"), "maj");
    /* the first and last ids of a table are found too (the ends of the bisection) */
    const struct i18n_catalog *sv = catalog("sv");
    ASSERT_STR_EQ(i18n_lookup(LANG_SV, sv->messages[0].id), sv->messages[0].text);
    ASSERT_STR_EQ(i18n_lookup(LANG_SV, sv->messages[sv->count - 1].id),
                  sv->messages[sv->count - 1].text);
    ASSERT_TRUE(i18n_lookup(LANG_SV, "no.such.id") == NULL);
    ASSERT_TRUE(i18n_lookup(LANG_SV, "") == NULL);
    ASSERT_TRUE(i18n_lookup(LANG_EN, NULL) == NULL);
}

int main(void)
{
    RUN_TEST(both_languages_exist);
    RUN_TEST(tables_sorted);
    RUN_TEST(same_ids_everywhere);
    RUN_TEST(same_placeholders);
    RUN_TEST(lookups);
    TEST_SUMMARY();
}
