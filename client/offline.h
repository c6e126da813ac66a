/* Offline stations: a write that finds no vpointsd is queued in the outbox
 * instead of failing, and `vpoints outbox flush` sends it later under the
 * same Idempotency-Key. */
#ifndef VPOINTS_OFFLINE_H
#define VPOINTS_OFFLINE_H

#include <jansson.h>

#include "client/client.h"

int	offline_run(struct client *, const char *what, const char *method,
	    const char *path, json_t *body, json_t **result);

#endif
