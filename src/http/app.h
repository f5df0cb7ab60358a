/* app.h - what every handler shares: the store, the clinical catalogue and rules, settings.
 * Built once by `stegvis serve` before the server starts; read-only afterwards, except the
 * quality indicators' facts table, which app_facts_acquire() keeps current under its lock. */
#ifndef STEGVIS_HTTP_APP_H
#define STEGVIS_HTTP_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

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
    size_t stylesheet_len;

    /* The quality indicators' facts (app_facts.c): loaded at start-up, reloaded whole when the
     * store has committed a write since (store_stats().writes differs from facts_writes). */
    pthread_rwlock_t facts_lock;
    bool facts_ready;
    long long facts_writes;
    struct indicator_facts facts;
    struct store_facts_maps facts_maps;
};

/* Make the lock and load the facts table from the store (after store_open). On error nothing
 * needs releasing. */
enum err_code app_facts_init(struct app *app, struct error *err) WARN_UNUSED;

/* Free the facts table and its lock (no-op when app_facts_init() did not succeed). */
void app_facts_release(struct app *app);

/* Hold the facts table for reading, first reloading it when the store has written since it was
 * loaded, so figures reflect every write made through this server. Release with
 * app_facts_done(). On error (the reload failed) nothing is held. */
enum err_code app_facts_acquire(struct app *app, struct error *err) WARN_UNUSED;
void app_facts_done(struct app *app);

#endif
