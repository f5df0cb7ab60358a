/* app_facts.c - the server's quality-indicator facts table (app.h).
 *
 * Loaded whole at start-up (store_facts_load(), a few GROUP BY queries), then kept current
 * episode by episode: every write that changes an episode logs it in the database's change log
 * (whichever server process made it), each request that needs the table first asks the log what
 * changed since its last look (store_changes_since(), one indexed query), and the episodes named
 * are read again, one small query set each (store_facts_load_episode()), and updated in place
 * under the write lock (indicator_facts_update(), or append for a new episode). Writes that
 * change no episode - logins, sessions, audit rows - cost nothing. A full reload remains the
 * fallback: too many episodes waiting, the region's lists changed (a unit added), or an update
 * refused. Requests that find nothing waiting only take the read lock. */
#include <stdlib.h>
#include <string.h>

#include "core/coro.h"
#include "core/mem.h"
#include "http/app.h"

static enum err_code facts_reload(struct app *app, struct error *err)
{
    struct indicator_facts facts;
    struct store_facts_maps maps;
    const struct instrument *phq9 = instrument_find(&app->catalog, "phq9");
    const struct instrument *gad7 = instrument_find(&app->catalog, "gad7");
    long long cursor = 0;
    /* the mark first: a change committed while loading is applied (again) afterwards */
    enum err_code rc = store_changes_mark(app->store, &cursor, err);
    if (rc == ERR_OK)
        rc = store_facts_load(app->store, phq9, gad7, &facts, &maps, err);
    if (rc != ERR_OK)
        return rc;
    pthread_mutex_lock(&app->facts_dirty_lock);
    app->facts_cursor = cursor;
    pthread_mutex_unlock(&app->facts_dirty_lock);
    if (app->facts_ready) {
        indicator_facts_release(&app->facts);
        store_facts_maps_release(&app->facts_maps);
    }
    app->facts = facts;
    app->facts_maps = maps;
    app->facts_ids_cap = maps.episode_count;
    app->facts_ready = true;
    app->facts_version++;
    app->facts_reloads++;
    return ERR_OK;
}

enum err_code app_facts_init(struct app *app, struct error *err)
{
    app->facts_ready = false;
    app->facts_version = 0;
    app->facts_reloads = 0;
    app->facts_dirty_count = 0;
    app->facts_dirty_all = false;
    app->facts_cursor = 0;
    if (pthread_rwlock_init(&app->facts_lock, NULL) != 0)
        return error_set(err, ERR_INTERNAL, NULL, "cannot make the facts lock");
    if (pthread_mutex_init(&app->facts_dirty_lock, NULL) != 0) {
        pthread_rwlock_destroy(&app->facts_lock);
        return error_set(err, ERR_INTERNAL, NULL, "cannot make the facts lock");
    }
    app->facts_dirty = xcalloc(APP_FACTS_DIRTY_MAX, sizeof(*app->facts_dirty));
    enum err_code rc = facts_reload(app, err);
    if (rc != ERR_OK) {
        pthread_rwlock_destroy(&app->facts_lock);
        pthread_mutex_destroy(&app->facts_dirty_lock);
        free(app->facts_dirty);
        app->facts_dirty = NULL;
    }
    return rc;
}

void app_facts_release(struct app *app)
{
    if (!app->facts_ready)
        return;
    indicator_facts_release(&app->facts);
    store_facts_maps_release(&app->facts_maps);
    pthread_rwlock_destroy(&app->facts_lock);
    pthread_mutex_destroy(&app->facts_dirty_lock);
    free(app->facts_dirty);
    app->facts_dirty = NULL;
    app->facts_ready = false;
}

/* Remember that `episode_id` changed (the dirty lock is held). */
static void touch_locked(struct app *app, long long episode_id)
{
    bool known = false;
    for (int i = app->facts_dirty_count - 1; i >= 0 && !known; i--)
        known = app->facts_dirty[i] == episode_id;
    if (!known && !app->facts_dirty_all) {
        if (app->facts_dirty_count < APP_FACTS_DIRTY_MAX)
            app->facts_dirty[app->facts_dirty_count++] = episode_id;
        else
            app->facts_dirty_all = true;
    }
}

/* Ask the change log which episodes changed since the last look, and remember them. */
static enum err_code poll_changes(struct app *app, struct error *err)
{
    long long *ids = NULL;
    int count = 0;
    pthread_mutex_lock(&app->facts_dirty_lock);
    enum err_code rc = store_changes_since(app->store, &app->facts_cursor, &ids, &count, err);
    for (int i = 0; i < count; i++)
        if (ids[i] > 0)
            touch_locked(app, ids[i]);
    pthread_mutex_unlock(&app->facts_dirty_lock);
    free(ids);
    return rc;
}

void app_facts_touch_all(struct app *app)
{
    if (!app->facts_ready)
        return;
    pthread_mutex_lock(&app->facts_dirty_lock);
    app->facts_dirty_all = true;
    pthread_mutex_unlock(&app->facts_dirty_lock);
}

static int id_cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Bring episode `id` up to date. ERR_CONFLICT when only a full reload can (an episode gone, or
 * older than the last but missing); other errors as the store or the update give them. */
static enum err_code facts_refresh_one(struct app *app, long long id, struct error *err)
{
    struct store_facts_maps *maps = &app->facts_maps;
    struct indicator_episode ep;
    enum err_code rc = store_facts_load_episode(app->store, maps, id, &ep, err);
    if (rc != ERR_OK)
        return rc == ERR_NOT_FOUND ? ERR_CONFLICT : rc;
    const long long *hit =
        maps->episode_count > 0
            ? bsearch(&id, maps->episode_ids, maps->episode_count, sizeof(id), id_cmp)
            : NULL;
    if (hit != NULL)
        return indicator_facts_update(&app->facts, (size_t)(hit - maps->episode_ids), &ep, err);
    if (maps->episode_count > 0 && id < maps->episode_ids[maps->episode_count - 1])
        return error_set(err, ERR_CONFLICT, "episode_id", "episode %lld is out of order", id);
    rc = indicator_facts_append(&app->facts, &ep, NULL, err);
    if (rc != ERR_OK)
        return rc;
    if (maps->episode_count == app->facts_ids_cap) {
        app->facts_ids_cap = app->facts_ids_cap ? app->facts_ids_cap * 2 : 256;
        maps->episode_ids =
            xrealloc(maps->episode_ids, app->facts_ids_cap * sizeof(*maps->episode_ids));
    }
    maps->episode_ids[maps->episode_count++] = id;
    return ERR_OK;
}

/* Under the write lock: apply what is waiting. Ids are taken off the list first, so a touch
 * that arrives meanwhile waits for the next request. */
static enum err_code facts_refresh(struct app *app, struct error *err)
{
    pthread_mutex_lock(&app->facts_dirty_lock);
    int count = app->facts_dirty_count;
    bool all = app->facts_dirty_all;
    long long *ids = xmalloc(((size_t)count + 1) * sizeof(*ids));
    memcpy(ids, app->facts_dirty, (size_t)count * sizeof(*ids));
    app->facts_dirty_count = 0;
    app->facts_dirty_all = false;
    pthread_mutex_unlock(&app->facts_dirty_lock);
    /* Ascending, so new episodes are appended in id order. */
    qsort(ids, (size_t)count, sizeof(*ids), id_cmp);
    enum err_code rc = ERR_OK;
    for (int i = 0; !all && i < count; i++) {
        rc = facts_refresh_one(app, ids[i], err);
        if (rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_TOO_LARGE)
            all = true; /* the table cannot hold the change as it is: start again */
        else if (rc != ERR_OK)
            break;
    }
    free(ids);
    if (all) {
        rc = facts_reload(app, err);
        if (rc != ERR_OK)
            app_facts_touch_all(app); /* try again next time */
        return rc;
    }
    if (rc == ERR_OK && count > 0)
        app->facts_version++;
    if (rc != ERR_OK)
        app_facts_touch_all(app); /* half applied: reload next time */
    return rc;
}

static bool facts_waiting(struct app *app)
{
    pthread_mutex_lock(&app->facts_dirty_lock);
    bool waiting = app->facts_dirty_count > 0 || app->facts_dirty_all;
    pthread_mutex_unlock(&app->facts_dirty_lock);
    return waiting;
}

enum err_code app_facts_acquire(struct app *app, struct error *err)
{
    enum err_code rc = poll_changes(app, err);
    if (rc != ERR_OK)
        return rc;
    /* No handler parks while this thread holds the lock: another handler continued on the same
     * thread meanwhile could wait for the write lock and never let the holder go on. */
    coro_pin();
    pthread_rwlock_rdlock(&app->facts_lock);
    if (!facts_waiting(app))
        return ERR_OK;
    pthread_rwlock_unlock(&app->facts_lock);
    pthread_rwlock_wrlock(&app->facts_lock);
    if (facts_waiting(app))
        rc = facts_refresh(app, err);
    pthread_rwlock_unlock(&app->facts_lock);
    if (rc == ERR_OK)
        pthread_rwlock_rdlock(&app->facts_lock);
    else
        coro_unpin();
    return rc;
}

void app_facts_done(struct app *app)
{
    pthread_rwlock_unlock(&app->facts_lock);
    coro_unpin();
}
