/* test_coro.c - coroutines (core/coro.h) and the offload threads (core/offload.h): a coroutine
 * runs to its end or parks and is continued after its wake, keeps its stack across the park,
 * two parked at once on one thread stay apart, a pin or the owner's refusal keeps it from
 * parking; offloaded work runs on another thread while its caller is parked, or inline outside a
 * coroutine. Nothing is timed: waits are for flags. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/coro.h"
#include "core/offload.h"

#include "testing.h"

/* The owner's side, as the server's: counts prepares, records wakes. */
struct owner {
    bool allow;
    int prepared;
    atomic_int woken;
    atomic_ulong waker; /* pthread_self() of the thread that woke */
};

static bool owner_prepare(void *ctx)
{
    struct owner *o = ctx;
    o->prepared++;
    return o->allow;
}

static void owner_wake(void *ctx)
{
    struct owner *o = ctx;
    atomic_store(&o->waker, (unsigned long)pthread_self());
    atomic_fetch_add(&o->woken, 1);
}

static struct coro_hooks hooks_of(struct owner *o)
{
    struct coro_hooks h = { owner_prepare, owner_wake, o };
    return h;
}

static void wait_woken(struct owner *o, int count)
{
    struct timespec tick = { 0, 1000 * 1000 };
    while (atomic_load(&o->woken) < count)
        nanosleep(&tick, NULL);
}

/* ---- a coroutine that never parks ---- */

struct plain {
    struct coro *self_seen;
    int runs;
};

static void plain_fn(void *arg)
{
    struct plain *p = arg;
    p->self_seen = coro_current();
    p->runs++;
}

static void test_runs_to_end(void)
{
    struct owner o = { .allow = true };
    struct coro_hooks h = hooks_of(&o);
    ASSERT_TRUE(coro_current() == NULL);
    for (int i = 0; i < 200; i++) { /* the same spare is reused each time */
        struct plain p = { 0 };
        struct coro *co = coro_new(plain_fn, &p, &h);
        ASSERT_TRUE(!coro_finished(co));
        ASSERT_TRUE(coro_run(co));
        ASSERT_TRUE(coro_finished(co));
        ASSERT_TRUE(p.self_seen == co);
        ASSERT_EQ_INT(p.runs, 1);
        coro_free(co);
    }
    ASSERT_TRUE(coro_current() == NULL);
    ASSERT_EQ_INT(o.prepared, 0);
}

/* ---- parking ---- */

struct parker {
    int step;
    bool prepared;
    char stack_text[64]; /* written before the park, compared after */
    char copy[64];
};

static void parker_fn(void *arg)
{
    struct parker *p = arg;
    char local[64];
    snprintf(local, sizeof(local), "kept across the park %p", (void *)p);
    p->step = 1;
    p->prepared = coro_park_prepare();
    if (p->prepared)
        coro_park();
    p->step = 2;
    memcpy(p->copy, local, sizeof(local));
    snprintf(p->stack_text, sizeof(p->stack_text), "kept across the park %p", (void *)p);
}

static void *wake_from_thread(void *arg)
{
    coro_wake(arg);
    return NULL;
}

static void test_park_and_wake(void)
{
    struct owner o = { .allow = true };
    struct coro_hooks h = hooks_of(&o);
    struct parker p = { 0 };
    struct coro *co = coro_new(parker_fn, &p, &h);
    ASSERT_TRUE(!coro_run(co)); /* parked */
    ASSERT_EQ_INT(p.step, 1);
    ASSERT_TRUE(p.prepared);
    ASSERT_EQ_INT(o.prepared, 1);
    ASSERT_TRUE(coro_current() == NULL);
    pthread_t thread;
    ASSERT_TRUE(pthread_create(&thread, NULL, wake_from_thread, co) == 0);
    pthread_join(thread, NULL);
    ASSERT_EQ_INT(atomic_load(&o.woken), 1);
    ASSERT_TRUE(atomic_load(&o.waker) == (unsigned long)thread);
    ASSERT_TRUE(coro_run(co)); /* continued where it parked, to its end */
    ASSERT_EQ_INT(p.step, 2);
    ASSERT_STR_EQ(p.copy, p.stack_text);
    coro_free(co);
}

static void test_two_parked_on_one_thread(void)
{
    struct owner o = { .allow = true };
    struct coro_hooks h = hooks_of(&o);
    struct parker a = { 0 }, b = { 0 };
    struct coro *ca = coro_new(parker_fn, &a, &h);
    struct coro *cb = coro_new(parker_fn, &b, &h);
    ASSERT_TRUE(!coro_run(ca));
    ASSERT_TRUE(!coro_run(cb));
    ASSERT_TRUE(coro_run(cb)); /* the second continues first */
    ASSERT_EQ_INT(b.step, 2);
    ASSERT_EQ_INT(a.step, 1);
    ASSERT_TRUE(coro_run(ca));
    ASSERT_EQ_INT(a.step, 2);
    ASSERT_STR_EQ(a.copy, a.stack_text);
    ASSERT_STR_EQ(b.copy, b.stack_text);
    ASSERT_TRUE(strcmp(a.copy, b.copy) != 0);
    coro_free(ca);
    coro_free(cb);
}

static void test_no_park_when_refused_pinned_or_outside(void)
{
    ASSERT_TRUE(!coro_park_prepare()); /* not in a coroutine */
    struct owner o = { .allow = false };
    struct coro_hooks h = hooks_of(&o);
    struct parker p = { 0 };
    struct coro *co = coro_new(parker_fn, &p, &h);
    ASSERT_TRUE(coro_run(co)); /* the owner said no: it went on without parking */
    ASSERT_TRUE(!p.prepared);
    ASSERT_EQ_INT(o.prepared, 1);
    coro_free(co);

    o.allow = true;
    o.prepared = 0;
    memset(&p, 0, sizeof(p));
    coro_pin();
    co = coro_new(parker_fn, &p, &h);
    ASSERT_TRUE(coro_run(co)); /* pinned: not even asked */
    ASSERT_TRUE(!p.prepared);
    ASSERT_EQ_INT(o.prepared, 0);
    coro_free(co);
    coro_unpin();
}

/* ---- offloading ---- */

struct offloaded {
    unsigned long ran_on;
    bool slept;
};

static void note_thread(void *arg)
{
    struct offloaded *w = arg;
    w->ran_on = (unsigned long)pthread_self();
}

static void offload_fn(void *arg)
{
    struct offloaded *w = arg;
    offload_run(note_thread, w);
    offload_sleep_ms(5);
    w->slept = true;
}

static void test_offload_in_coroutine(void)
{
    struct owner o = { .allow = true };
    struct coro_hooks h = hooks_of(&o);
    struct offloaded w = { 0 };
    struct coro *co = coro_new(offload_fn, &w, &h);
    ASSERT_TRUE(!coro_run(co)); /* parked while the work runs elsewhere */
    wait_woken(&o, 1);
    ASSERT_TRUE(w.ran_on != 0 && w.ran_on != (unsigned long)pthread_self());
    ASSERT_TRUE(atomic_load(&o.waker) == w.ran_on); /* the offload thread woke it */
    ASSERT_TRUE(!coro_run(co));                     /* parked again: the delay's timer */
    ASSERT_TRUE(!w.slept);
    wait_woken(&o, 2);
    ASSERT_TRUE(coro_run(co));
    ASSERT_TRUE(w.slept);
    coro_free(co);
}

static void test_offload_outside_coroutine(void)
{
    struct offloaded w = { 0 };
    offload_run(note_thread, &w);
    ASSERT_TRUE(w.ran_on == (unsigned long)pthread_self());
    offload_sleep_ms(1);
    offload_sleep_ms(0);
}

int main(void)
{
    RUN_TEST(test_runs_to_end);
    RUN_TEST(test_park_and_wake);
    RUN_TEST(test_two_parked_on_one_thread);
    RUN_TEST(test_no_park_when_refused_pinned_or_outside);
    RUN_TEST(test_offload_in_coroutine);
    RUN_TEST(test_offload_outside_coroutine);
    TEST_SUMMARY();
}
