/* app.h - what every handler shares: the store, the clinical catalogue and rules, settings.
 * Built once by `stegvis serve` before the server starts; read-only afterwards, except the
 * quality indicators' facts table, which app_facts_acquire() keeps current under its lock, and
 * the session cache, which locks itself. */
#ifndef STEGVIS_HTTP_APP_H
#define STEGVIS_HTTP_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct session_cache;

#include "core/indicator.h"
#include "core/instrument.h"
#include "core/steps.h"
#include "store/store.h"

struct app {
    struct store *store;
    struct instrument_catalog catalog;
    struct steps_rules rules;
    int session_ttl_s;      /* login session lifetime (default 8 h) */
    int invitation_ttl_s;   /* invitation link lifetime (default 14 days) */
    int login_max_failures; /* consecutive failures before the account is locked (default 5) */
    int login_lock_s;       /* how long it stays locked (default 15 min) */
    int login_delay_ms;     /* pause after every failed login (default 400 ms) */
    bool cookie_secure;     /* add Secure to cookies (behind TLS) */
    char *stylesheet;       /* DIR/static/stegvis.css, served at /static/stegvis.css (free()) */
    struct session_cache *sessions; /* recently confirmed sessions (session_cache.h); NULL: none */
    size_t stylesheet_len;

    /* The quality indicators' facts (app_facts.c): loaded at start-up, then kept current
     * episode by episode: every write that can change an episode's facts logs the episode in
     * the database's change log (store_changes_since(): this process's writes and every other
     * process's on the same database), and each app_facts_acquire() asks for the episodes
     * logged since its last look, reads just those again (store_facts_load_episode()) and
     * updates their records in place. Other writes (logins, sessions, audit rows) log nothing.
     * A full reload is the fallback: when more than APP_FACTS_DIRTY_MAX episodes wait, when the
     * region's lists may have changed (app_facts_touch_all()), or when an update is refused. */
    pthread_rwlock_t facts_lock;
    bool facts_ready;
    struct indicator_facts facts;
    struct store_facts_maps facts_maps;
    size_t facts_ids_cap;    /* allocated length of facts_maps.episode_ids */
    long long facts_version; /* +1 whenever the table changes (the API shows it as meta) */
    long long facts_reloads; /* full loads, the one at start-up included */

    pthread_mutex_t facts_dirty_lock; /* guards the four below (take it after facts_lock) */
    long long *facts_dirty;           /* APP_FACTS_DIRTY_MAX episode ids waiting */
    int facts_dirty_count;
    bool facts_dirty_all;
    long long facts_cursor; /* the change log read up to here (store_changes_mark()) */
};

#define APP_FACTS_DIRTY_MAX 4096 /* changed episodes remembered before a full reload */

/* Make the lock and load the facts table from the store (after store_open). On error nothing
 * needs releasing. */
enum err_code app_facts_init(struct app *app, struct error *err) WARN_UNUSED;

/* Free the facts table and its lock (no-op when app_facts_init() did not succeed). */
void app_facts_release(struct app *app);

/* Something behind every record may have changed (a unit added): the next acquire reloads the
 * whole table. Thread-safe and cheap. */
void app_facts_touch_all(struct app *app);

/* Hold the facts table for reading, first bringing every episode the change log names up to date
 * (or reloading the table), so figures reflect every write committed before the call, through
 * this server or any other on the database. Release with app_facts_done(). On error (the store
 * cannot be read, or the reload failed) nothing is held. */
enum err_code app_facts_acquire(struct app *app, struct error *err) WARN_UNUSED;
void app_facts_done(struct app *app);

#endif
