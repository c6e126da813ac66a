/* A signed call to the vpointsd API: the body's Content-Digest, an
 * Idempotency-Key on writes (one per operation, kept across retries), and
 * an RFC 9421 signature made afresh for every attempt. Retries on no
 * answer, 5xx and 409 with back-off. The answer is JSON unless the caller
 * asks for another media type (Accept); call_fetch hands back its bytes.
 * call_send sends given body bytes under a given Idempotency-Key (the
 * outbox replays writes with it). */
#ifndef VPOINTS_CALL_H
#define VPOINTS_CALL_H

#include <jansson.h>

#include "client/client.h"
#include "wire.h"

/* Enough for an Idempotency-Key: a UUID, or one given of the longest. */
#define CALL_KEY_LEN	(WIRE_IDEM_KEY_MAX + 1)

/* How a call ended. */
enum call_outcome {
	CALL_ANSWERED,		/* the daemon answered; any status */
	CALL_NO_ANSWER,		/* none after every attempt: unreachable */
	CALL_NOT_SENT		/* not sent, nor worth another try: no key, a
				 * bad setting, an untrusted certificate
				 * (resp->failure says which) */
};

enum call_outcome call_send(struct client *, const char *method,
	    const char *path, const char *query, const char *accept,
	    const char *body, const char *idempotency_key,
	    struct net_response *);
int	call_ready(struct client *, struct net_response *);
enum call_outcome call_send_on(struct client *, struct net *,
	    const char *method, const char *path, const char *query,
	    const char *accept, const char *body, const char *idempotency_key,
	    struct net_response *);
void	call_idempotency_key(const struct client *, char *out, size_t len);
bool	call_unsettled(const struct net_response *);
void	call_maybe_done(const char *what, const char *key);
int	call_answer(struct client *, const char *what, struct net_response *,
	    json_t **result);
int	call_api(struct client *, const char *method, const char *path,
	    const char *query, const char *accept, json_t *body,
	    struct net_response *);
int	call_fetch(struct client *, const char *what, const char *method,
	    const char *path, const char *query, const char *accept,
	    json_t *body, struct net_response *);
int	call_run(struct client *, const char *what, const char *method,
	    const char *path, const char *query, json_t *body, json_t **result);

#endif
