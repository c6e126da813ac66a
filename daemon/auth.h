/* Signed requests: the RFC 9421 check of every request but /healthz,
 * /metrics and /v1/public-key. auth_check refuses a bad request itself
 * (401 problem+json naming the reason; a request signed for an authority
 * that is none of the daemon's names, auth_configure, is wrong-authority)
 * or calls back with the verified key id and nonce. The nonce, revocation
 * and role are checked by vp_call in the operation's own transaction (by
 * vp_auth on the primary for a read a standby answers, standby.c), so
 * every daemon on the database sees a revocation at once; the public key
 * of a key id never changes, so it is cached here after the first
 * look-up. Every refusal is counted for /metrics by its slug, also those
 * vp_call makes (auth_refused). */
#ifndef VPOINTSD_AUTH_H
#define VPOINTSD_AUTH_H

#include <stdbool.h>

#include "daemon/conf.h"
#include "daemon/db.h"
#include "daemon/http.h"
#include "daemon/metrics.h"

struct auth;

/* A request whose signature verified. */
struct auth_ok {
	const char	*keyid;
	const char	*nonce;
};

typedef void (*auth_cb)(struct http_request *, const struct auth_ok *,
    void *arg);

struct auth	*auth_create(struct db_pool *, struct metrics *);
void		 auth_configure(struct auth *, const struct conf *);
void		 auth_free(struct auth *);
void		 auth_check(struct auth *, struct http_request *, bool is_write,
		    auth_cb, void *arg);
void		 auth_refused(struct auth *, const char *problem_json);

#endif
