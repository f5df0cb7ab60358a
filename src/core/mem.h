/* mem.h - the one allocation wrapper (redis zmalloc): out of memory aborts the process with a
 * message, so callers never test for NULL. Free with plain free(). */
#ifndef STEGVIS_CORE_MEM_H
#define STEGVIS_CORE_MEM_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);            /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n); /* at most n bytes, always terminated */

#endif
