/* A signed call to the vpointsd API: the body's Content-Digest, an
 * Idempotency-Key on writes (one per operation, kept across retries), and
 * an RFC 9421 signature made afresh for every attempt. Retries on no
 * answer, 5xx and 409 with back-off. The answer is JSON unless the caller
 * asks for another media type (Accept); call_fetch hands back its bytes. */
#ifndef VPOINTS_CALL_H
#define VPOINTS_CALL_H

#include <jansson.h>

#include "client/client.h"

int	call_api(struct client *, const char *method, const char *path,
	    const char *query, const char *accept, json_t *body,
	    struct net_response *);
int	call_fetch(struct client *, const char *what, const char *method,
	    const char *path, const char *query, const char *accept,
	    json_t *body, struct net_response *);
int	call_run(struct client *, const char *what, const char *method,
	    const char *path, const char *query, json_t *body, json_t **result);

#endif
