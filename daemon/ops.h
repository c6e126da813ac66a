/* Signed operations: each route of the API names one operation that
 * vp_call runs in one transaction. The handler checks the signature
 * (auth.c), turns the JSON body and the route's {} segments into one JSON
 * object of arguments, requires an Idempotency-Key on writes, and replies
 * with the status and body vp_call returns. */
#ifndef VPOINTSD_OPS_H
#define VPOINTSD_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "daemon/auth.h"
#include "daemon/conf.h"
#include "daemon/db.h"
#include "daemon/http.h"

#define OPS_MAX_PARAMS	4

struct ops;

/* Rewrites a request's arguments before they go to SQL (e.g. turns a PEM
 * public key into base64url); returns -1 with a detail for a 422. */
typedef int (*ops_prepare)(const struct ops *, json_t *args, char *detail,
    size_t len);

/* Turns a successful operation's body into the reply (e.g. signs it, or
 * writes CSV); it must reply. */
typedef void (*ops_finish)(const struct ops *, struct http_request *,
    int status, const char *body);

struct op {
	const char	*method;
	const char	*pattern;	/* route, with {} segments */
	const char	*name;		/* the operation vp_call runs */
	bool		 write;		/* needs an Idempotency-Key */
	const char	*params[OPS_MAX_PARAMS]; /* names of the {} segments */
	ops_prepare	 prepare;	/* or NULL */
	ops_finish	 finish;	/* or NULL: the body as it came */
};

/* What every operation handler needs. */
struct ops {
	struct db_pool	*db;
	struct auth	*auth;
	struct conf	**conf;		/* the configuration in force */
	struct signer	*signer;	/* the daemon's own key */
};

void	ops_route_all(struct http_server *, struct ops *);

#endif
