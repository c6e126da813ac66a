/* Allocation helpers: out of memory is not a recoverable error here, so
 * every x* function aborts instead of returning NULL. */
#ifndef VPOINTS_XMALLOC_H
#define VPOINTS_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
