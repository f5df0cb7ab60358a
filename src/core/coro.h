/* coro.h - coroutines on glibc's ucontext: a piece of work that can give up its thread while it
 * waits and be continued later on the same thread, the way h2o and libuv's users run a request
 * as a state machine, but without cutting every handler into callbacks.
 *
 * The HTTP server runs each request's handler as a coroutine. When the handler waits for the
 * store's writer, it parks: the server suspends the connection, the thread serves other
 * connections, and the writer's "wake" resumes the connection, whose thread continues the
 * coroutine where it parked. Code that must not park (it holds a lock another coroutine on the
 * same thread could want) pins the thread; a wait then sleeps the thread as before.
 *
 * A coroutine lives on one thread: it is run, parked and continued by the thread that made it.
 * Its stack is a private mapping with a guard page below it, kept for reuse by that thread. */
#ifndef STEGVIS_CORE_CORO_H
#define STEGVIS_CORE_CORO_H

#include <stdbool.h>

struct coro;

/* What the owner (the server) does around a park. */
struct coro_hooks {
    /* On the coroutine's thread, before it parks: make ready to be woken (suspend the
     * connection). false: the wait must not park (the server is stopping); the caller then
     * waits on its thread instead. */
    bool (*prepare)(void *ctx);
    /* On any thread, once: the wait is over; continue the coroutine (resume the connection).
     * Neither the coroutine nor anything on its stack may be touched after this call. */
    void (*wake)(void *ctx);
    void *ctx;
};

/* A coroutine that will run fn(arg); nothing runs until coro_run. Never NULL. */
struct coro *coro_new(void (*fn)(void *arg), void *arg, const struct coro_hooks *hooks);

/* Run `co` on this thread until fn returns (true) or it parks (false). A parked coroutine is
 * run again only after its wake. */
bool coro_run(struct coro *co);

/* Whether `co` has finished. */
bool coro_finished(const struct coro *co);

/* Free a coroutine that has finished (or never ran). NULL is allowed. */
void coro_free(struct coro *co);

/* The coroutine running on this thread, or NULL. */
struct coro *coro_current(void);

/* Whether the coroutine running on this thread may park now: there is one, no pin is held, and
 * the owner's prepare hook agreed (it is called here, so a true answer must be followed by
 * coro_park). */
bool coro_park_prepare(void);

/* Give the thread back to coro_run's caller until coro_wake; only after coro_park_prepare said
 * true. */
void coro_park(void);

/* End the wait of parked (or parking) coroutine `co`: calls its wake hook. From any thread. */
void coro_wake(struct coro *co);

/* While pinned (calls nest), the running coroutine does not park: for code that holds a lock
 * across a wait. Outside a coroutine they do nothing. */
void coro_pin(void);
void coro_unpin(void);

#endif
