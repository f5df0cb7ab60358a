/* app_facts.c - the server's quality-indicator facts table (app.h).
 *
 * The table is rebuilt whole (store_facts_load(), a few GROUP BY queries) on the first request
 * after the store has committed any write, rather than record by record after each api_do_*
 * call: simpler, and fast enough for a primary-care region (a few hundred thousand episodes).
 * Requests that find the table current only take the read lock. */
#include <string.h>

#include "http/app.h"

static enum err_code facts_reload(struct app *app, long long writes, struct error *err)
{
    struct indicator_facts facts;
    struct store_facts_maps maps;
    const struct instrument *phq9 = instrument_find(&app->catalog, "phq9");
    const struct instrument *gad7 = instrument_find(&app->catalog, "gad7");
    enum err_code rc = store_facts_load(app->store, phq9, gad7, &facts, &maps, err);
    if (rc != ERR_OK)
        return rc;
    if (app->facts_ready) {
        indicator_facts_release(&app->facts);
        store_facts_maps_release(&app->facts_maps);
    }
    app->facts = facts;
    app->facts_maps = maps;
    app->facts_writes = writes;
    app->facts_ready = true;
    return ERR_OK;
}

enum err_code app_facts_init(struct app *app, struct error *err)
{
    struct store_stats stats;
    app->facts_ready = false;
    if (pthread_rwlock_init(&app->facts_lock, NULL) != 0)
        return error_set(err, ERR_INTERNAL, NULL, "cannot make the facts lock");
    store_stats(app->store, &stats);
    enum err_code rc = facts_reload(app, stats.writes, err);
    if (rc != ERR_OK)
        pthread_rwlock_destroy(&app->facts_lock);
    return rc;
}

void app_facts_release(struct app *app)
{
    if (!app->facts_ready)
        return;
    indicator_facts_release(&app->facts);
    store_facts_maps_release(&app->facts_maps);
    pthread_rwlock_destroy(&app->facts_lock);
    app->facts_ready = false;
}

enum err_code app_facts_acquire(struct app *app, struct error *err)
{
    struct store_stats stats;
    store_stats(app->store, &stats);
    pthread_rwlock_rdlock(&app->facts_lock);
    if (app->facts_writes >= stats.writes)
        return ERR_OK;
    pthread_rwlock_unlock(&app->facts_lock);
    pthread_rwlock_wrlock(&app->facts_lock);
    enum err_code rc = ERR_OK;
    if (app->facts_writes < stats.writes)
        rc = facts_reload(app, stats.writes, err);
    pthread_rwlock_unlock(&app->facts_lock);
    if (rc == ERR_OK)
        pthread_rwlock_rdlock(&app->facts_lock);
    return rc;
}

void app_facts_done(struct app *app)
{
    pthread_rwlock_unlock(&app->facts_lock);
}
