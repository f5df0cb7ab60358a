/* arena.h - a region allocator (h2o's memory pool): many small allocations, one free.
 * Used for per-request memory; out of memory aborts (mem.h policy). Not thread-safe: one arena
 * belongs to one request. */
#ifndef STEGVIS_CORE_ARENA_H
#define STEGVIS_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new empty arena; free with arena_free. */
struct arena *arena_new(void);

/* `size` bytes aligned for any type, zeroed. Never NULL. */
void *arena_alloc(struct arena *arena, size_t size);
char *arena_strdup(struct arena *arena, const char *s); /* NULL in, NULL out */
char *arena_strndup(struct arena *arena, const char *s, size_t n);
char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
char *arena_printf(struct arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Free everything allocated from the arena, and the arena. NULL is allowed. */
void arena_free(struct arena *arena);

#endif
