/* offload.c - the offload threads: a queue of work and a list of timers (see offload.h).
 *
 * A parked caller's item lives on its coroutine's stack until the wake, so nothing is
 * allocated per call. The threads start with the first parked call and live as long as the
 * process. */
#include "core/offload.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/coro.h"

struct offload_item {
    void (*fn)(void *arg); /* NULL: a timer */
    void *arg;
    long long due_ms; /* a timer's end (CLOCK_MONOTONIC) */
    struct coro *coro;
    struct offload_item *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond; /* on CLOCK_MONOTONIC; signalled when work or an earlier timer comes */
static struct offload_item *work_head, *work_tail; /* first come, first run */
static struct offload_item *timers;                /* soonest first */
static pthread_once_t started = PTHREAD_ONCE_INIT;

static long long now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The next item whose time has come, waiting for one (the lock is held). */
static struct offload_item *next_item(void)
{
    for (;;) {
        if (work_head != NULL) {
            struct offload_item *item = work_head;
            work_head = item->next;
            if (work_head == NULL)
                work_tail = NULL;
            return item;
        }
        if (timers != NULL && timers->due_ms <= now_ms()) {
            struct offload_item *item = timers;
            timers = item->next;
            return item;
        }
        if (timers == NULL) {
            pthread_cond_wait(&cond, &lock);
            continue;
        }
        struct timespec until = { (time_t)(timers->due_ms / 1000),
                                  (long)(timers->due_ms % 1000) * 1000000L };
        pthread_cond_timedwait(&cond, &lock, &until);
    }
}

static void *offload_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        struct offload_item *item = next_item();
        pthread_mutex_unlock(&lock);
        if (item->fn != NULL)
            item->fn(item->arg);
        coro_wake(item->coro); /* the item is the caller's again */
        pthread_mutex_lock(&lock);
    }
    return NULL;
}

static void start_threads(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&cond, &attr);
    pthread_condattr_destroy(&attr);
    for (int i = 0; i < OFFLOAD_THREADS; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, offload_main, NULL) != 0) {
            fprintf(stderr, "stegvis: cannot start the offload threads\n");
            abort();
        }
        pthread_detach(thread);
    }
}

/* Queue `item` (work at the end, a timer in order of its end) and park until it is done. */
static void queue_and_park(struct offload_item *item)
{
    pthread_once(&started, start_threads);
    item->coro = coro_current();
    item->next = NULL;
    pthread_mutex_lock(&lock);
    if (item->fn != NULL) {
        if (work_tail != NULL)
            work_tail->next = item;
        else
            work_head = item;
        work_tail = item;
    } else {
        struct offload_item **p = &timers;
        while (*p != NULL && (*p)->due_ms <= item->due_ms)
            p = &(*p)->next;
        item->next = *p;
        *p = item;
    }
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    coro_park();
}

void offload_run(void (*fn)(void *arg), void *arg)
{
    if (!coro_park_prepare()) {
        fn(arg);
        return;
    }
    struct offload_item item = { .fn = fn, .arg = arg };
    queue_and_park(&item);
}

void offload_sleep_ms(int ms)
{
    if (ms <= 0)
        return;
    if (!coro_park_prepare()) {
        struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) != 0)
            ;
        return;
    }
    struct offload_item item = { .fn = NULL, .due_ms = now_ms() + ms };
    queue_and_park(&item);
}
