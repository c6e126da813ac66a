/* The routes of the API (common/routes.h) on the daemon's side. The
 * unsigned ones go to their handlers (health, metrics, the public key,
 * the console's files);
 * every other names one operation that vp_call runs in one transaction.
 * Its handler requires an Idempotency-Key on writes, checks the signature
 * (auth.c), makes the operation's arguments (args.c) and replies with the
 * status and body vp_call returns, or what the route's finish hook makes
 * of them. */
#ifndef VPOINTSD_OPS_H
#define VPOINTSD_OPS_H

#include "daemon/auth.h"
#include "daemon/conf.h"
#include "daemon/db.h"
#include "daemon/http.h"

struct console;
struct metrics;
struct ops;
struct standby;

/* Turns a successful operation's body into the reply (e.g. signs it, or
 * writes CSV); it must reply. */
typedef void (*ops_finish)(const struct ops *, struct http_request *,
    int status, const char *body);

/* What every handler needs. */
struct ops {
	struct db_pool	*db;
	struct standby	*standby;	/* reads that may lag, or NULL */
	struct auth	*auth;
	struct conf	**conf;		/* the configuration in force */
	struct signer	*signer;	/* the daemon's own key */
	struct metrics	*metrics;	/* what GET /metrics serves */
	struct console	*console;	/* the browser console's files */
};

void	ops_route_all(struct http_server *, struct ops *);

#endif
