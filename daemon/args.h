/* An operation's arguments, as vp_call takes them: one JSON object made
 * of the request's JSON body (writes) or its query parameters (reads),
 * the route's {} segment under the route's param name, and what the
 * route's prepare hook makes of them (e.g. a PEM public key becomes
 * base64url). Plain inputs in, a JSON object or a problem out: the
 * daemon's handler (ops.c), the unit tests and the fuzzer (fuzz/
 * fuzz_json.c) all decode through args_decode. */
#ifndef VPOINTSD_ARGS_H
#define VPOINTSD_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "routes.h"

struct ops;

/* What a request brings to its arguments. */
struct args_request {
	const char	*query;		/* without "?"; "" when there is none */
	const char	*body;
	size_t		 body_len;
	const char	*segment;	/* the route's {} segment, or NULL */
};

/* Why the arguments could not be made: a problem+json reply. */
struct args_problem {
	int		 status;	/* 400 or 422 */
	const char	*type;		/* a WIRE_P_* */
	const char	*title;
	char		 detail[256];
	json_t		*members;	/* its extension members, or NULL;
					 * the caller takes them */
};

json_t	*args_decode(enum wire_op, const struct ops *,
	    const struct args_request *, struct args_problem *);
bool	args_rewritten(enum wire_op);

#endif
