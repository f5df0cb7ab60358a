#include "arena.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define ARENA_BLOCK 8192

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

struct arena {
    struct arena_block *head;
};

struct arena *arena_new(void)
{
    return xcalloc(1, sizeof(struct arena));
}

static struct arena_block *block_new(size_t size, struct arena_block *next)
{
    struct arena_block *b = xmalloc(sizeof(*b) + size);
    b->next = next;
    b->used = 0;
    b->size = size;
    return b;
}

void *arena_alloc(struct arena *arena, size_t size)
{
    size_t align = alignof(max_align_t);
    size_t rounded = (size + align - 1) & ~(align - 1);
    struct arena_block *b = arena->head;
    if (b == NULL || b->size - b->used < rounded) {
        if (rounded > ARENA_BLOCK / 2) {
            /* Large: a block of its own, kept behind the current one so its space stays in use. */
            struct arena_block *big = block_new(rounded, b ? b->next : NULL);
            if (b)
                b->next = big;
            else
                arena->head = big;
            big->used = rounded;
            memset(big->data, 0, rounded);
            return big->data;
        }
        b = arena->head = block_new(ARENA_BLOCK, arena->head);
    }
    void *p = b->data + b->used;
    b->used += rounded;
    memset(p, 0, rounded);
    return p;
}

char *arena_strndup(struct arena *arena, const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    size_t len = strnlen(s, n);
    char *p = arena_alloc(arena, len + 1);
    memcpy(p, s, len);
    return p;
}

char *arena_strdup(struct arena *arena, const char *s)
{
    return s ? arena_strndup(arena, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (len < 0)
        return arena_strdup(arena, "");
    char *p = arena_alloc(arena, (size_t)len + 1);
    vsnprintf(p, (size_t)len + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(arena, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(struct arena *arena)
{
    if (arena == NULL)
        return;
    struct arena_block *b = arena->head;
    while (b != NULL) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(arena);
}
