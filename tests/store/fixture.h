/* fixture.h - what the store tests share: a fresh database on the run's backend (testdb.h: a
 * SQLite file in a temporary directory, or a PostgreSQL database in a pg/ run), a temporary
 * directory for files (backups), the shipped region, and rows to add. To look behind the
 * store's interface, use testdb.h on f.db. */
#ifndef STEGVIS_TESTS_STORE_FIXTURE_H
#define STEGVIS_TESTS_STORE_FIXTURE_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "data/datafiles.h"
#include "store/store.h"
#include "support/testdb.h"
#include "testing.h"

#define T0  1767225600LL /* 2026-01-01 00:00 UTC: the tests' reference time */
#define DAY 86400LL

struct fixture {
    char dir[64];             /* a temporary directory for files beside the database */
    char db[TESTDB_URL_SIZE]; /* the database's URL (SQLite: a file path) */
    struct store *store;
};

/* The region file the repository ships (data/region.json), read once per call; free(). */
static inline char *fixture_region(void)
{
    char path[1024];
    char *text = NULL;
    struct error err;
    error_clear(&err);
    snprintf(path, sizeof(path), "%s/region.json", datafiles_dir(NULL));
    if (datafiles_read(path, 1u << 20, &text, &err) != ERR_OK)
        TEST_FAIL("cannot read %s: %s", path, err.message);
    return text;
}

/* A new temporary directory and a new empty database (SQLite: the file is not created). */
static inline void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/stegvis-store-XXXXXX");
    ASSERT_TRUE(mkdtemp(f->dir) != NULL);
    testdb_create("store", f->db, sizeof(f->db));
}

/* A file name in the fixture's directory. */
static inline void fixture_path(const struct fixture *f, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", f->dir, name);
}

/* fixture_init, then store_open on the new file, with the shipped region or none. */
static inline void fixture_open(struct fixture *f, bool with_region)
{
    fixture_init(f);
    char *region = with_region ? fixture_region() : NULL;
    struct error err;
    error_clear(&err);
    enum err_code rc = store_open(f->db, region, &f->store, &err);
    free(region);
    if (rc != ERR_OK)
        TEST_FAIL("store_open(%s): %s", f->db, err.message);
}

/* Close the store (if open), drop the database, and remove the directory with everything in
 * it. */
static inline void fixture_release(struct fixture *f)
{
    store_close(f->store);
    f->store = NULL;
    testdb_drop(f->db);
    DIR *dir = opendir(f->dir);
    ASSERT_TRUE(dir != NULL);
    for (struct dirent *entry = readdir(dir); entry != NULL; entry = readdir(dir)) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", f->dir, entry->d_name);
        ASSERT_EQ_INT(unlink(path), 0);
    }
    closedir(dir);
    ASSERT_EQ_INT(rmdir(f->dir), 0);
}

/* An audit row by staff member `actor_id` ("clin1") for `action` on `patient_id`. */
static inline struct store_audit audit_row(long long actor_id, const char *action,
                                           long long patient_id, long long at)
{
    struct store_audit audit;
    memset(&audit, 0, sizeof(audit));
    audit.at = at;
    audit.actor_id = actor_id;
    snprintf(audit.actor, sizeof(audit.actor), "%s", actor_id ? "clin1" : "system");
    snprintf(audit.action, sizeof(audit.action), "%s", action);
    audit.patient_id = patient_id;
    return audit;
}

/* A patient with this personnummer, living in Uppsala, not listed anywhere. */
static inline struct store_patient patient_row(const char *pnr, const char *name)
{
    struct store_patient patient;
    memset(&patient, 0, sizeof(patient));
    snprintf(patient.pnr, sizeof(patient.pnr), "%s", pnr);
    snprintf(patient.name, sizeof(patient.name), "%s", name);
    snprintf(patient.birth_date, sizeof(patient.birth_date), "%.4s-%.2s-%.2s", pnr, pnr + 4,
             pnr + 6);
    snprintf(patient.sex, sizeof(patient.sex), "female");
    snprintf(patient.municipality_code, sizeof(patient.municipality_code), "0380");
    patient.created_at = 1767225600; /* 2026-01-01 00:00 UTC */
    return patient;
}

/* Add the patient; fail the test on error. Returns the new id. */
static inline long long add_patient(struct store *store, const char *pnr, const char *name)
{
    struct store_patient patient = patient_row(pnr, name);
    struct store_audit audit = audit_row(0, "patient.create", 0, 0);
    struct error err;
    error_clear(&err);
    if (store_patient_add(store, &patient, &audit, &err) != ERR_OK)
        TEST_FAIL("store_patient_add(%s): %s", pnr, err.message);
    return patient.id;
}

/* An open episode at `unit_id`, referred at `referred_at`, self-referred, step not chosen. */
static inline long long add_episode(struct store *store, long long patient_id, long long unit_id,
                                    long long referred_at)
{
    struct store_episode episode;
    memset(&episode, 0, sizeof(episode));
    episode.patient_id = patient_id;
    episode.unit_id = unit_id;
    snprintf(episode.source, sizeof(episode.source), "self");
    episode.referred_at = referred_at;
    episode.step = -1;
    struct store_audit audit = audit_row(0, "episode.create", patient_id, 0);
    struct error err;
    error_clear(&err);
    if (store_episode_add(store, &episode, &audit, &err) != ERR_OK)
        TEST_FAIL("store_episode_add: %s", err.message);
    return episode.id;
}

/* A PHQ-9 response with these values. */
static inline struct store_response response_row(long long patient_id, long long episode_id,
                                                 int total, int severity, unsigned flags,
                                                 long long answered_at)
{
    struct store_response response;
    memset(&response, 0, sizeof(response));
    response.patient_id = patient_id;
    response.episode_id = episode_id;
    snprintf(response.instrument, sizeof(response.instrument), "phq9");
    snprintf(response.answers, sizeof(response.answers), "[1,1,1,1,1,1,1,1,%d]", flags & 1 ? 1 : 0);
    response.total = total;
    snprintf(response.band, sizeof(response.band), "band%d", severity);
    response.severity = severity;
    response.flags = flags;
    response.answered_at = answered_at;
    snprintf(response.channel, sizeof(response.channel), "portal");
    return response;
}

/* Add a response; fail the test on error. Returns the new id. */
static inline long long add_response(struct store *store, long long patient_id,
                                     long long episode_id, int severity, unsigned flags,
                                     long long answered_at)
{
    struct store_response response =
        response_row(patient_id, episode_id, 5 * severity, severity, flags, answered_at);
    struct store_audit audit = audit_row(0, "response.create", patient_id, 0);
    struct error err;
    error_clear(&err);
    if (store_response_add(store, &response, &audit, &err) != ERR_OK)
        TEST_FAIL("store_response_add: %s", err.message);
    return response.id;
}

/* An invitation for PHQ-9 and GAD-7 to `patient_id`'s episode, created at T0. */
static inline void make_invitation(struct store *store, const char *hash, long long patient_id,
                                   long long episode_id, long long expires_at)
{
    struct store_invitation invitation;
    memset(&invitation, 0, sizeof(invitation));
    snprintf(invitation.token_hash, sizeof(invitation.token_hash), "%s", hash);
    invitation.patient_id = patient_id;
    invitation.episode_id = episode_id;
    snprintf(invitation.instruments, sizeof(invitation.instruments), "phq9,gad7");
    invitation.created_at = T0;
    invitation.expires_at = expires_at;
    struct store_audit audit = audit_row(1, "invitation.create", patient_id, T0);
    ASSERT_EQ_INT(store_invitation_add(store, &invitation, &audit, NULL), ERR_OK);
}

#endif
