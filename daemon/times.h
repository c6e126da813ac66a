/* Times in replies as RFC 3339 writes them. */
#ifndef VPOINTSD_TIMES_H
#define VPOINTSD_TIMES_H

#include <stddef.h>

char	*times_rfc3339(const char *json, size_t len, size_t *newlen);

#endif
