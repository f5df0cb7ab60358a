/* demo_staff.c - the demo's staff: clinicians and a manager per unit, the region's analysts and
 * administrator, their training, and the demo logins among them.
 *
 * Only the demo logins can log in: the other synthetic staff get a password hash that matches
 * no password ("!" is not an argon2id string), so a demo database opens no account whose
 * password is not printed. The demo logins' hashes are salted at random, so they are the one
 * thing two runs with the same seed do not share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo.h"
#include "core/mem.h"
#include "http/auth.h"

#define NO_LOGIN_HASH "!no login: synthetic demo staff"
#define STAFF_STREAM  0xFFFFFFFFFFFFFFF0ULL /* patients use streams 1..N */

const struct demo_login demo_logins[] = {
    { "admin", "demo-admin-2026", "admin", NULL, "Demo Administratör", "administrator (region)" },
    { "anna", "demo-klinik-2026", "clinician", "GOTTSUNDA", "Anna Lindqvist, psykolog",
      "clinician, Gottsunda vårdcentral" },
    { "erik", "demo-klinik-2026", "clinician", "ARSTA", "Erik Holm, kurator",
      "clinician, Årsta vårdcentral" },
    { "maria", "demo-chef-2026", "manager", "GOTTSUNDA", "Maria Ek, verksamhetschef",
      "unit manager, Gottsunda vårdcentral" },
    { "lars", "demo-analys-2026", "analyst", NULL, "Lars Berg, analytiker", "regional analyst" },
};

const int demo_login_count = (int)(sizeof(demo_logins) / sizeof(demo_logins[0]));

/* Courses of the stepped-care model (codes as stored in training.course). */
struct course {
    const char *code;
    bool clinicians_only;
};

static const struct course courses[] = {
    { "stegvis_grund", false },      /* the stepped-care model and the common assessment */
    { "skattningsformular", true },  /* PHQ-9, GAD-7, AUDIT and WSAS: giving and reading them */
    { "suicidriskbedomning", true }, /* structured suicide risk assessment */
    { "ikbt_stod", true },           /* guiding internet CBT */
};

static const char *const professions[] = { "psykolog", "kurator", "psykoterapeut", "sjuksköterska",
                                           "distriktsläkare" };

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

void demo_logins_print(FILE *to)
{
    fprintf(to, "Demo logins (synthetic data only; the pages or POST /api/v1/login):\n");
    for (int i = 0; i < demo_login_count; i++)
        fprintf(to, "  %-6s / %-18s %s\n", demo_logins[i].username, demo_logins[i].password,
                demo_logins[i].what);
}

struct staff_run {
    struct demo *demo;
    struct demo_rng rng;
    char hashes[8][160]; /* one argon2id hash per distinct demo password */
    const char *hashed[8];
    int hash_count;
    char usernames[DEMO_MAX_UNITS * (DEMO_MAX_CLINICIANS + 1) + 8][64];
    int username_count;
};

static enum err_code password_hash(struct staff_run *run, const char *password, char out[160],
                                   struct error *err)
{
    for (int i = 0; i < run->hash_count; i++) {
        if (strcmp(run->hashed[i], password) == 0) {
            memcpy(out, run->hashes[i], 160);
            return ERR_OK;
        }
    }
    enum err_code rc = auth_hash_password(password, out, err);
    if (rc == ERR_OK && run->hash_count < COUNT_OF(run->hashes)) {
        memcpy(run->hashes[run->hash_count], out, 160);
        run->hashed[run->hash_count++] = password;
    }
    return rc;
}

static bool username_taken(const struct staff_run *run, const char *name)
{
    for (int i = 0; i < run->username_count; i++)
        if (strcmp(run->usernames[i], name) == 0)
            return true;
    return false;
}

/* "Åsa Öberg" -> "asa.oberg", with a number when that is taken. */
static void make_username(struct staff_run *run, const char *first, const char *last, char *out,
                          size_t size)
{
    char base[64];
    size_t n = 0;
    const char *parts[2] = { first, last };
    for (int p = 0; p < 2; p++) {
        if (p == 1 && n + 1 < sizeof(base))
            base[n++] = '.';
        for (const unsigned char *s = (const unsigned char *)parts[p]; *s && n + 1 < sizeof(base);
             s++) {
            if (s[0] == 0xC3 && s[1] != 0) { /* å ä ö é (UTF-8) -> a a o e */
                unsigned char c = s[1];
                base[n++] = c == 0xA5 || c == 0xA4 || c == 0x85 || c == 0x84 ? 'a'
                            : c == 0xB6 || c == 0x96                         ? 'o'
                            : c == 0xA9 || c == 0x89                         ? 'e'
                                                                             : 'x';
                s++;
            } else if (*s >= 'A' && *s <= 'Z') {
                base[n++] = (char)(*s - 'A' + 'a');
            } else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) {
                base[n++] = (char)*s;
            }
        }
    }
    base[n] = '\0';
    snprintf(out, size, "%s", base);
    for (int i = 2; username_taken(run, out); i++)
        snprintf(out, size, "%.50s%d", base, i);
    if (run->username_count < COUNT_OF(run->usernames))
        snprintf(run->usernames[run->username_count++], 64, "%s", out);
}

static enum err_code add_training(struct staff_run *run, const struct store_staff *staff,
                                  double share, struct error *err)
{
    struct demo *demo = run->demo;
    bool clinician = strcmp(staff->role, "clinician") == 0;
    for (int c = 0; c < COUNT_OF(courses); c++) {
        if (courses[c].clinicians_only && !clinician)
            continue;
        if (!demo_rng_chance(&run->rng, share))
            continue;
        struct store_training training;
        memset(&training, 0, sizeof(training));
        training.staff_id = staff->id;
        snprintf(training.course, sizeof(training.course), "%s", courses[c].code);
        long day = demo->first_day - 200 + demo_rng_below(&run->rng, DEMO_DAYS + 199);
        training.completed_at =
            day * DEMO_SECONDS_PER_DAY + 8 * 3600 + 3600 * demo_rng_below(&run->rng, 8);
        enum err_code rc = store_bulk_training(demo->bulk, &training, err);
        if (rc != ERR_OK)
            return rc;
        demo->counts.training++;
    }
    return ERR_OK;
}

/* Insert one staff member; `login` gives the name and password of a demo login, else a name
 * is drawn. Sets *id. */
static enum err_code add_staff(struct staff_run *run, const struct demo_login *login,
                               const char *role, long long unit_id, const char *title,
                               double trained, long long *id, struct error *err)
{
    struct store_staff staff;
    memset(&staff, 0, sizeof(staff));
    snprintf(staff.role, sizeof(staff.role), "%s", role);
    staff.unit_id = unit_id;
    staff.active = true;
    enum err_code rc = ERR_OK;
    if (login != NULL) {
        snprintf(staff.username, sizeof(staff.username), "%s", login->username);
        snprintf(staff.display_name, sizeof(staff.display_name), "%s", login->display_name);
        if (run->username_count < COUNT_OF(run->usernames))
            snprintf(run->usernames[run->username_count++], 64, "%s", login->username);
        rc = password_hash(run, login->password, staff.pw_hash, err);
        trained = 1.0;
    } else {
        const char *first, *last;
        demo_name_draw(&run->rng, demo_rng_chance(&run->rng, 0.7) ? SEX_FEMALE : SEX_MALE, &first,
                       &last);
        make_username(run, first, last, staff.username, sizeof(staff.username));
        snprintf(staff.display_name, sizeof(staff.display_name), "%s %s, %s", first, last, title);
        snprintf(staff.pw_hash, sizeof(staff.pw_hash), "%s", NO_LOGIN_HASH);
    }
    if (rc == ERR_OK)
        rc = store_bulk_staff(run->demo->bulk, &staff, err);
    if (rc != ERR_OK)
        return rc;
    run->demo->counts.staff++;
    *id = staff.id;
    return add_training(run, &staff, trained, err);
}

/* The unit a demo login belongs to: its own, or the first unit when the region has no unit
 * with that code (a region.json of your own); NULL for region-wide logins. */
static const char *login_unit(const struct demo_region *region, const struct demo_login *login)
{
    if (login->unit_code == NULL || demo_region_unit(region, login->unit_code) >= 0)
        return login->unit_code;
    return region->units[0].code;
}

/* The first demo login not used yet with this role at this unit (NULL: region-wide). */
static const struct demo_login *take_login(const struct demo_region *region, const char *role,
                                           const char *unit_code, bool *used)
{
    for (int i = 0; i < demo_login_count; i++) {
        const char *unit = login_unit(region, &demo_logins[i]);
        bool same_unit =
            unit == NULL ? unit_code == NULL : unit_code != NULL && strcmp(unit, unit_code) == 0;
        if (!used[i] && same_unit && strcmp(demo_logins[i].role, role) == 0) {
            used[i] = true;
            return &demo_logins[i];
        }
    }
    return NULL;
}

/* The unit's clinicians (its demo login first, if any) and its manager. */
static enum err_code unit_staff(struct staff_run *run, struct demo_unit *unit, bool *used,
                                struct error *err)
{
    const struct demo_region *region = &run->demo->region;
    int want = unit->profile->clinicians;
    if (want > DEMO_MAX_CLINICIANS)
        want = DEMO_MAX_CLINICIANS;
    for (int c = 0; c < want; c++) {
        const struct demo_login *login = take_login(region, "clinician", unit->code, used);
        const char *title = professions[demo_rng_below(&run->rng, COUNT_OF(professions))];
        enum err_code rc = add_staff(run, login, "clinician", unit->id, title,
                                     unit->profile->trained, &unit->clinicians[c], err);
        if (rc != ERR_OK)
            return rc;
        unit->clinician_count++;
    }
    const struct demo_login *manager = take_login(region, "manager", unit->code, used);
    return add_staff(run, manager, "manager", unit->id, "verksamhetschef", unit->profile->trained,
                     &unit->manager, err);
}

/* The region-wide demo logins with `role`, then `extra` more drawn ones. */
static enum err_code region_staff(struct staff_run *run, const char *role, const char *title,
                                  int extra, bool *used, struct error *err)
{
    long long id = 0;
    enum err_code rc = ERR_OK;
    for (;;) {
        const struct demo_login *login = take_login(&run->demo->region, role, NULL, used);
        if (login == NULL)
            break;
        rc = add_staff(run, login, role, 0, title, 1.0, &id, err);
        if (rc != ERR_OK)
            return rc;
    }
    for (int i = 0; i < extra && rc == ERR_OK; i++)
        rc = add_staff(run, NULL, role, 0, title, 1.0, &id, err);
    return rc;
}

enum err_code demo_staff_generate(struct demo *demo, struct error *err)
{
    struct staff_run *run = xcalloc(1, sizeof(*run));
    run->demo = demo;
    demo_rng_seed(&run->rng, demo->seed, STAFF_STREAM);
    bool used[COUNT_OF(demo_logins)] = { false };
    enum err_code rc = region_staff(run, "admin", "administratör", 0, used, err);
    if (rc == ERR_OK)
        rc = region_staff(run, "analyst", "analytiker", 1, used, err);
    for (int u = 0; rc == ERR_OK && u < demo->region.unit_count; u++)
        rc = unit_staff(run, &demo->region.units[u], used, err);
    free(run);
    return rc;
}
