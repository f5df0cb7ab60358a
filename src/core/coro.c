/* coro.c - coroutines on ucontext (see coro.h).
 *
 * A coroutine's context and stack are kept by the thread that made it and reused: its entry
 * function is a loop that runs one piece of work after another, so a new coroutine costs no
 * getcontext/makecontext once a thread has one to spare. Under AddressSanitizer every switch is
 * announced (__sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber), so ASan knows
 * which stack is in use. */
#include "core/coro.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "core/mem.h"

#if defined(__SANITIZE_ADDRESS__)
#define CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORO_ASAN 1
#endif
#endif

#ifdef CORO_ASAN
#include <sanitizer/common_interface_defs.h>
#define CORO_STACK_SIZE (1024 * 1024) /* ASan's redzones make frames several times larger */
#else
#define CORO_STACK_SIZE (256 * 1024) /* SQLite needs well under 100 KiB */
#endif
#define CORO_SPARE_MAX 64 /* finished coroutines a thread keeps for reuse */

struct coro {
    ucontext_t ctx;    /* the coroutine's own, while it is not running */
    ucontext_t caller; /* coro_run's, while the coroutine runs */
    void (*fn)(void *arg);
    void *arg;
    struct coro_hooks hooks;
    bool finished;
    bool started; /* its context has been entered once: later work continues the loop */
    char *map;    /* the mapping: a guard page, then the stack */
    size_t map_size;
    char *stack; /* its lowest address */
    struct coro *next_spare;
    /* for AddressSanitizer only: each side's fake stack while switched away, the caller's stack */
    void *fake_caller, *fake_coro;
    const void *caller_bottom;
    size_t caller_size;
};

/* A thread's finished coroutines, freed when the thread ends. */
struct coro_spares {
    struct coro *head;
    int count;
};

static _Thread_local struct coro *current;
static _Thread_local struct coro *starting; /* handed to entry(): makecontext passes only ints */
static _Thread_local int pins;
static _Thread_local struct coro_spares spares;
static pthread_key_t spares_key;
static pthread_once_t spares_once = PTHREAD_ONCE_INIT;

/* ---- AddressSanitizer's view of the switches ---- */

static void asan_leave(void **fake_save, const void *to_bottom, size_t to_size)
{
#ifdef CORO_ASAN
    __sanitizer_start_switch_fiber(fake_save, to_bottom, to_size);
#else
    (void)fake_save;
    (void)to_bottom;
    (void)to_size;
#endif
}

static void asan_arrive(void *fake_save, const void **from_bottom, size_t *from_size)
{
#ifdef CORO_ASAN
    __sanitizer_finish_switch_fiber(fake_save, from_bottom, from_size);
#else
    (void)fake_save;
    (void)from_bottom;
    (void)from_size;
#endif
}

/* ---- switching ---- */

/* Back to coro_run's caller; returns when the coroutine is run again. */
static void switch_to_caller(struct coro *co)
{
    asan_leave(&co->fake_coro, co->caller_bottom, co->caller_size);
    swapcontext(&co->ctx, &co->caller);
    asan_arrive(co->fake_coro, &co->caller_bottom, &co->caller_size);
}

/* The coroutine's context starts here and never returns: one piece of work per run from its
 * beginning, then back to the caller to wait for the next. */
static void entry(void)
{
    struct coro *co = starting;
    asan_arrive(NULL, &co->caller_bottom, &co->caller_size);
    for (;;) {
        co->fn(co->arg);
        co->finished = true;
        switch_to_caller(co);
    }
}

/* ---- stacks and spares ---- */

static void coro_destroy(struct coro *co)
{
    munmap(co->map, co->map_size);
    free(co);
}

static void spares_release(void *arg)
{
    struct coro_spares *list = arg;
    while (list->head != NULL) {
        struct coro *co = list->head;
        list->head = co->next_spare;
        coro_destroy(co);
    }
    list->count = 0;
}

static void spares_key_make(void)
{
    if (pthread_key_create(&spares_key, spares_release) != 0)
        abort();
}

static struct coro *coro_make(void)
{
    struct coro *co = xcalloc(1, sizeof(*co));
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    co->map_size = CORO_STACK_SIZE + page;
    co->map = mmap(NULL, co->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (co->map == MAP_FAILED) {
        fprintf(stderr, "stegvis: out of memory (a coroutine's stack)\n");
        abort();
    }
    mprotect(co->map, page, PROT_NONE); /* the guard: an overflow faults instead of corrupting */
    getcontext(&co->ctx);
    co->stack = co->map + page;
    co->ctx.uc_stack.ss_sp = co->stack;
    co->ctx.uc_stack.ss_size = CORO_STACK_SIZE;
    co->ctx.uc_link = NULL;
    makecontext(&co->ctx, entry, 0);
    return co;
}

struct coro *coro_new(void (*fn)(void *arg), void *arg, const struct coro_hooks *hooks)
{
    struct coro *co = spares.head;
    if (co != NULL) {
        spares.head = co->next_spare;
        spares.count--;
    } else {
        co = coro_make();
    }
    co->fn = fn;
    co->arg = arg;
    co->hooks = *hooks;
    co->finished = false;
    co->next_spare = NULL;
    return co;
}

void coro_free(struct coro *co)
{
    if (co == NULL)
        return;
    if (!co->finished && co->started) {
        /* parked for good: its stack may still be referred to, so it is not reused */
        fprintf(stderr, "stegvis: internal error: a parked coroutine was freed\n");
        return;
    }
    if (spares.count >= CORO_SPARE_MAX) {
        coro_destroy(co);
        return;
    }
    pthread_once(&spares_once, spares_key_make);
    if (spares.count == 0)
        pthread_setspecific(spares_key, &spares);
    co->next_spare = spares.head;
    spares.head = co;
    spares.count++;
}

bool coro_run(struct coro *co)
{
    current = co;
    if (!co->started) {
        co->started = true;
        starting = co;
    }
    asan_leave(&co->fake_caller, co->stack, CORO_STACK_SIZE);
    swapcontext(&co->caller, &co->ctx);
    asan_arrive(co->fake_caller, NULL, NULL);
    current = NULL;
    return co->finished;
}

bool coro_finished(const struct coro *co)
{
    return co->finished;
}

struct coro *coro_current(void)
{
    return current;
}

bool coro_park_prepare(void)
{
    struct coro *co = current;
    if (co == NULL || pins > 0 || co->hooks.prepare == NULL)
        return false;
    return co->hooks.prepare(co->hooks.ctx);
}

void coro_park(void)
{
    switch_to_caller(current);
}

void coro_wake(struct coro *co)
{
    struct coro_hooks hooks = co->hooks; /* `co` may be continued (and reused) once woken */
    hooks.wake(hooks.ctx);
}

void coro_pin(void)
{
    pins++;
}

void coro_unpin(void)
{
    pins--;
}
