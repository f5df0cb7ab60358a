/* fuzz_instrument.c - answers to the real instruments (data/instruments, loaded once through
 * data/datafiles.h) and the one scoring function, instrument_score().
 *
 * Input: byte 0 picks the instrument, byte 1 the sex, byte 2 how the answers come:
 *   0: CSV as the importer reads it (instrument_parse_answers);
 *   1: one option position per byte (as a signed byte: -1 missing, -2 "na", the rest raw);
 *   2: a JSON array as the API's body has it, through api_score_response() (the API's path);
 *   3: an instrument definition (instrument_catalog_add_json), scored with the byte positions
 *      0,1,2,... when it loads.
 * Invariants on every score: the total lies in the instrument's total_min..max_total and
 * max_total <= total_max; answered counts the scored items; the band, caseness and index are
 * those of the total; flags are known bits; the stored answer text is a JSON array that reads
 * back as the positions. A refusal has ERR_INVALID, a field and a message, and a zeroed score. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/instrument.h"
#include "data/datafiles.h"
#include "fuzz/support/fuzz_support.h"
#include "http/api/api.h"
#include "http/app.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct app app; /* only the catalogue: what api_score_response() reads */

static void release_catalog(void)
{
    instrument_catalog_release(&app.catalog);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct error err;
    error_clear(&err);
    instrument_catalog_init(&app.catalog);
    if (datafiles_load_instruments(datafiles_dir(NULL), &app.catalog, &err) != ERR_OK ||
        app.catalog.count == 0) {
        fprintf(stderr, "fuzz_instrument: cannot load the instruments: %s\n", err.message);
        exit(1);
    }
    atexit(release_catalog);
    return 0;
}

static int scored_items(const struct instrument *ins)
{
    int n = 0;
    for (int i = 0; i < ins->item_count; i++)
        n += ins->items[i].scored;
    return n;
}

/* The stored text "[1,null,\"na\"]" read back equals `positions` (when it was not truncated). */
static void check_stored(const int *positions, int count)
{
    char text[96];
    instrument_format_answers(positions, count, text, sizeof(text));
    FUZZ_CHECK(strlen(text) < sizeof(text));
    json_t *array = json_loads(text, 0, NULL);
    if (array == NULL) {
        FUZZ_CHECK(strlen(text) == sizeof(text) - 1); /* only a truncated text may not read */
        return;
    }
    FUZZ_CHECK(json_is_array(array) && json_array_size(array) == (size_t)count);
    for (int i = 0; i < count; i++) {
        json_t *v = json_array_get(array, (size_t)i);
        if (positions[i] == ANSWER_MISSING)
            FUZZ_CHECK(json_is_null(v));
        else if (positions[i] == ANSWER_NOT_APPLICABLE)
            FUZZ_CHECK(json_is_string(v) && strcmp(json_string_value(v), "na") == 0);
        else
            FUZZ_CHECK(json_is_integer(v) && json_integer_value(v) == positions[i]);
    }
    json_decref(array);
}

static void check_score(const struct instrument *ins, enum sex sex,
                        const struct instrument_score *s)
{
    FUZZ_CHECK(s->total >= ins->total_min && s->total <= s->max_total);
    FUZZ_CHECK(s->max_total <= ins->total_max);
    FUZZ_CHECK(s->answered >= 0 && s->answered <= scored_items(ins));
    FUZZ_CHECK(s->band != NULL && s->band == instrument_band_for(ins, s->total, sex));
    FUZZ_CHECK(s->band->severity >= 0 && s->band->severity <= 4);
    FUZZ_CHECK(s->caseness == instrument_caseness(ins, s->total, sex));
    FUZZ_CHECK(s->index == (ins->index_multiplier > 0 ? s->total * ins->index_multiplier : -1));
    FUZZ_CHECK((s->flags & ~((1u << INSTRUMENT_FLAG_COUNT) - 1)) == 0);
    if (s->flags & FLAG_PRORATED)
        FUZZ_CHECK(s->answered < scored_items(ins));
}

static void check_refusal(enum err_code rc, const struct error *err,
                          const struct instrument_score *s)
{
    struct instrument_score zero;
    memset(&zero, 0, sizeof(zero));
    FUZZ_CHECK(rc == ERR_INVALID);
    FUZZ_CHECK(err->field[0] != '\0' && err->message[0] != '\0');
    FUZZ_CHECK(memcmp(s, &zero, sizeof(zero)) == 0);
}

static void score(const struct instrument *ins, enum sex sex, const int *positions, int count)
{
    struct instrument_score s;
    struct error err;
    error_clear(&err);
    memset(&s, 0x5a, sizeof(s));
    enum err_code rc = instrument_score(ins, positions, count, sex, &s, &err);
    if (rc != ERR_OK) {
        check_refusal(rc, &err, &s);
        return;
    }
    check_score(ins, sex, &s);
    check_stored(positions, count);
}

static void from_csv(const struct instrument *ins, enum sex sex, const char *csv)
{
    int positions[INSTRUMENT_MAX_ITEMS], count = 0;
    struct error err;
    error_clear(&err);
    if (instrument_parse_answers(csv, positions, INSTRUMENT_MAX_ITEMS, &count, &err) != ERR_OK) {
        FUZZ_CHECK(err.code == ERR_INVALID && err.message[0] != '\0');
        return;
    }
    FUZZ_CHECK(count >= 1 && count <= INSTRUMENT_MAX_ITEMS);
    for (int i = 0; i < count; i++)
        FUZZ_CHECK(positions[i] >= ANSWER_NOT_APPLICABLE && positions[i] <= 999);
    score(ins, sex, positions, count);
}

static int byte_positions(const uint8_t *data, size_t size, int *positions)
{
    int count = size > INSTRUMENT_MAX_ITEMS ? INSTRUMENT_MAX_ITEMS : (int)size;
    for (int i = 0; i < count; i++)
        positions[i] = (int8_t)data[i];
    return count;
}

/* The API's reading of {"answers": [...]}: the same checks, through api_score_response(). */
static void from_json(const struct instrument *ins, enum sex sex, const char *text, size_t len)
{
    json_t *answers = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    if (answers == NULL)
        return;
    json_t *id = json_string(ins->id);
    struct fuzz_request f;
    fuzz_request_init(&f, "POST", "/api/v1/responses", "", 0);
    f.req.app = &app;
    struct store_response out;
    struct instrument_score s;
    struct error err;
    error_clear(&err);
    enum err_code rc = api_score_response(&f.req, "/responses/0", id, answers, sex, &out, &s, &err);
    if (rc == ERR_OK) {
        check_score(ins, sex, &s);
        FUZZ_CHECK(strcmp(out.instrument, ins->id) == 0 && out.total == s.total);
        FUZZ_CHECK(strcmp(out.band, s.band->id) == 0 && out.flags == s.flags);
        json_t *stored = json_loads(out.answers, 0, NULL);
        FUZZ_CHECK(stored != NULL && json_equal(stored, answers));
        json_decref(stored);
    } else {
        FUZZ_CHECK(rc == ERR_INVALID && strncmp(err.field, "/responses/0/", 13) == 0);
    }
    fuzz_request_release(&f);
    json_decref(id);
    json_decref(answers);
}

/* A definition as data/instruments/NAME.json has it; scored once when it loads. */
static void from_definition(enum sex sex, const char *text)
{
    struct instrument_catalog cat;
    struct error err;
    error_clear(&err);
    instrument_catalog_init(&cat);
    if (instrument_catalog_add_json(&cat, text, "fuzz.json", &err) == ERR_OK) {
        FUZZ_CHECK(cat.count == 1);
        const struct instrument *ins = cat.list[0];
        int positions[INSTRUMENT_MAX_ITEMS];
        for (int i = 0; i < ins->item_count; i++)
            positions[i] = i % 3;
        score(ins, sex, positions, ins->item_count);
    } else {
        FUZZ_CHECK(cat.count == 0 && err.code != ERR_OK);
    }
    instrument_catalog_release(&cat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const struct instrument *ins = app.catalog.list[data[0] % app.catalog.count];
    enum sex sex = (enum sex)(data[1] % SEX_COUNT);
    char *text = malloc(size - 3 + 1);
    if (text == NULL)
        abort();
    memcpy(text, data + 3, size - 3);
    text[size - 3] = '\0';
    int positions[INSTRUMENT_MAX_ITEMS];
    switch (data[2] % 4) {
    case 0:
        from_csv(ins, sex, text);
        break;
    case 1:
        score(ins, sex, positions, byte_positions(data + 3, size - 3, positions));
        break;
    case 2:
        from_json(ins, sex, text, size - 3);
        break;
    default:
        from_definition(sex, text);
        break;
    }
    free(text);
    return 0;
}
