/* fuzz_api_json.c - JSON request bodies decoded as the API does: http_json_body(), then one of
 *   0: api_read_patient() (POST /patients, and the pages' new-patient and self-referral forms),
 *      against a real SQLite store made once from data/region.json in a temporary folder;
 *   1: api_score_response() with the body's "instrument" and "answers" (POST /responses) on the
 *      real instruments;
 *   2: the member readers of api/fields.h as the handlers chain them (field_known, field_string,
 *      field_int, field_time, field_choice);
 * chosen by byte 0; byte 1 picks the session (none, or one at a unit) and the patient's sex.
 * Every refusal is answered as the API would (http_problem_from_error).
 *
 * Invariants: a body is an object or answered 400/422; a read patient has a personnummer that
 * parses to itself, a birth date and sex that agree with it, a name and a known municipality; a
 * score lies in the instrument's range; field readers' outputs keep their bounds; a refusal is
 * ERR_INVALID (or ERR_UNPROCESSABLE) with a JSON pointer, answered 422 with that pointer. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/pnr.h"
#include "data/datafiles.h"
#include "fuzz/support/fuzz_support.h"
#include "http/api/api.h"
#include "http/api/fields.h"
#include "http/app.h"
#include "http/auth.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct app app;
static char db_dir[4096], db_path[4200];

static void remove_db(void)
{
    static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
    char path[4300];
    store_close(app.store);
    app.store = NULL;
    instrument_catalog_release(&app.catalog);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
        unlink(path);
    }
    rmdir(db_dir);
}

static void init_failed(const char *what, const struct error *err)
{
    fprintf(stderr, "fuzz_api_json: %s: %s\n", what, err->message);
    exit(1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = datafiles_dir(NULL);
    char path[4096], *region = NULL;
    struct error err;
    error_clear(&err);
    instrument_catalog_init(&app.catalog);
    if (datafiles_load_instruments(dir, &app.catalog, &err) != ERR_OK)
        init_failed("instruments", &err);
    snprintf(path, sizeof(path), "%s/region.json", dir);
    if (datafiles_read(path, 4 << 20, &region, &err) != ERR_OK)
        init_failed("region", &err);
    const char *tmp = getenv("TMPDIR");
    snprintf(db_dir, sizeof(db_dir), "%s/stegvis-fuzz-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(db_dir) == NULL) {
        perror("fuzz_api_json: mkdtemp");
        exit(1);
    }
    snprintf(db_path, sizeof(db_path), "%s/fuzz.db", db_dir);
    enum err_code rc = store_open(db_path, region, &app.store, &err);
    free(region);
    if (rc != ERR_OK)
        init_failed("store", &err);
    atexit(remove_db);
    return 0;
}

/* A refusal as the API answers it: 422 problem+json naming the member. */
static void check_refusal(struct fuzz_request *f, enum err_code rc, const struct error *err)
{
    FUZZ_CHECK(rc == ERR_INVALID || rc == ERR_UNPROCESSABLE);
    FUZZ_CHECK(err->code == rc && err->message[0] != '\0');
    struct http_response res;
    memset(&res, 0, sizeof(res));
    http_problem_from_error(&f->req, &res, err);
    FUZZ_CHECK(res.status == 422);
    json_t *doc = json_loadb(res.body, res.body_len, 0, NULL);
    FUZZ_CHECK(doc != NULL && json_integer_value(json_object_get(doc, "status")) == 422);
    json_t *pointer = json_object_get(json_array_get(json_object_get(doc, "errors"), 0), "pointer");
    if (err->field[0] != '\0')
        FUZZ_CHECK(json_is_string(pointer) && json_string_value(pointer)[0] == '/');
    json_decref(doc);
}

static void read_patient(struct fuzz_request *f, json_t *body)
{
    struct store_patient patient;
    struct error err;
    error_clear(&err);
    memset(&patient, 0, sizeof(patient));
    enum err_code rc = api_read_patient(&f->req, body, &patient, &err);
    if (rc != ERR_OK) {
        check_refusal(f, rc, &err);
        return;
    }
    struct pnr p;
    FUZZ_CHECK(pnr_parse(patient.pnr, datetime_date(f->req.now), &p, &err) == ERR_OK);
    FUZZ_CHECK(strcmp(p.digits, patient.pnr) == 0);
    char birth[11];
    date_format(p.birth_date, birth);
    FUZZ_CHECK(strcmp(birth, patient.birth_date) == 0);
    FUZZ_CHECK(strcmp(patient.sex, sex_name(p.sex)) == 0);
    FUZZ_CHECK(patient.name[0] != '\0' && patient.municipality_code[0] != '\0');
    FUZZ_CHECK(store_municipality_exists(app.store, patient.municipality_code, NULL) == ERR_OK);
    FUZZ_CHECK(patient.listed_unit_id >= 0);
}

static void score_response(struct fuzz_request *f, json_t *body, enum sex sex)
{
    struct store_response out;
    struct instrument_score s;
    struct error err;
    error_clear(&err);
    enum err_code rc = api_score_response(&f->req, "", json_object_get(body, "instrument"),
                                          json_object_get(body, "answers"), sex, &out, &s, &err);
    if (rc != ERR_OK) {
        check_refusal(f, rc, &err);
        return;
    }
    const struct instrument *ins = instrument_find(&app.catalog, out.instrument);
    FUZZ_CHECK(ins != NULL);
    FUZZ_CHECK(s.total >= ins->total_min && s.total <= s.max_total &&
               s.max_total <= ins->total_max);
    FUZZ_CHECK(out.total == s.total && s.band != NULL && strcmp(out.band, s.band->id) == 0);
    json_t *stored = json_loads(out.answers, 0, NULL);
    FUZZ_CHECK(stored != NULL && json_equal(stored, json_object_get(body, "answers")));
    json_decref(stored);
}

/* The member readers in the order a handler chains them; each output within its bounds. */
static void read_fields(struct fuzz_request *f, json_t *body)
{
    static const char *const allowed[] = { "name", "count", "at", "source", NULL };
    char name[17], source[32];
    long long count = -1, at = 0;
    bool has_count = false, has_at = false, has_source = false;
    struct error err;
    error_clear(&err);
    enum err_code rc = field_known(body, allowed, &err);
    if (rc == ERR_OK)
        rc = field_string(body, "name", true, name, sizeof(name) - 1, NULL, &err);
    if (rc == ERR_OK)
        FUZZ_CHECK(strlen(name) >= 1 && strlen(name) <= sizeof(name) - 1);
    if (rc == ERR_OK)
        rc = field_int(body, "count", false, 1, 365, &count, &has_count, &err);
    if (rc == ERR_OK)
        FUZZ_CHECK(has_count ? count >= 1 && count <= 365 : count == -1);
    if (rc == ERR_OK)
        rc = field_time(body, "at", false, &at, &has_at, &err);
    if (rc == ERR_OK && has_at) {
        char text[21];
        datetime_format(at, text);
        long long again = 0;
        FUZZ_CHECK(datetime_parse(text, &again, &err) == ERR_OK && again == at);
    }
    if (rc == ERR_OK)
        rc = field_choice(body, "source", false, api_episode_sources, source, sizeof(source),
                          &has_source, &err);
    if (rc == ERR_OK && has_source) {
        bool known = false;
        for (int i = 0; api_episode_sources[i] != NULL; i++)
            known = known || strcmp(api_episode_sources[i], source) == 0;
        FUZZ_CHECK(known);
    }
    if (rc != ERR_OK)
        check_refusal(f, rc, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    char *text = malloc(size - 2 + 1);
    if (text == NULL)
        abort();
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';
    struct fuzz_request f;
    fuzz_request_init(&f, "POST", "/api/v1/patients", text, size - 2);
    f.req.app = &app;
    struct auth_session session;
    memset(&session, 0, sizeof(session));
    session.unit_id = 1;
    if (data[1] & 1)
        f.req.session = &session;
    enum sex sex = (enum sex)((data[1] >> 1) % SEX_COUNT);

    json_t *body = http_json_body(&f.req, &f.res);
    if (body == NULL) {
        FUZZ_CHECK(f.res.status == 400 || f.res.status == 422);
        json_t *doc = json_loadb(f.res.body, f.res.body_len, 0, NULL);
        FUZZ_CHECK(doc != NULL &&
                   json_integer_value(json_object_get(doc, "status")) == f.res.status);
        json_decref(doc);
    } else {
        FUZZ_CHECK(json_is_object(body));
        switch (data[0] % 3) {
        case 0:
            read_patient(&f, body);
            break;
        case 1:
            score_response(&f, body, sex);
            break;
        default:
            read_fields(&f, body);
            break;
        }
        json_decref(body);
    }
    fuzz_request_release(&f);
    free(text);
    return 0;
}
