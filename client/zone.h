/* The time zone in which the client reads and prints times: the
 * programme's, as vpointsd announces it (GET /v1/settings, kept for an
 * hour in the cache folder), unless the config file's "timezone =" names
 * another. Once chosen it is the process's local zone (TZ), so that
 * client/when.c and every time printed use it. */
#ifndef VPOINTS_ZONE_H
#define VPOINTS_ZONE_H

#include <stdbool.h>

struct client;

/* How long an announced zone is taken from the cache without asking. */
#define ZONE_CACHE_SECONDS	3600

bool	zone_valid(const char *name);
void	zone_setup(struct client *, bool may_ask);

#endif
