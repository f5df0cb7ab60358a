/* offload.h - slow or sleeping work kept off the threads that serve requests.
 *
 * The server has few threads (a handler parks instead of blocking while it waits for the
 * store; coro.h), so a handler that hashed a password or slept out a failed login's delay on
 * its thread would hold up every other connection of that thread. These functions park the
 * calling coroutine instead: the work runs on one of OFFLOAD_THREADS threads of its own (a
 * password hash: argon2id takes tens of milliseconds and 64 MiB, so at most that many run at
 * once), a delay on a timer. Outside a coroutine, or when it may not park, they run the work or
 * sleep right on the calling thread, as a plain call would. */
#ifndef STEGVIS_CORE_OFFLOAD_H
#define STEGVIS_CORE_OFFLOAD_H

#define OFFLOAD_THREADS 4

/* Run fn(arg), and return when it has. */
void offload_run(void (*fn)(void *arg), void *arg);

/* Return after `ms` milliseconds (0 or less: at once). */
void offload_sleep_ms(int ms);

#endif
