/* Matching a request line against the route table: patterns such as
 * "/v1/stations/{}/revoke", where {} captures one path segment. */
#ifndef VPOINTSD_ROUTE_H
#define VPOINTSD_ROUTE_H

#include <stddef.h>

#define ROUTE_MAX_PARAMS	4
#define ROUTE_MAX_PARAM_LEN	128

struct route {
	const char	*method;	/* "GET", "POST", ... */
	const char	*pattern;
	void		*target;	/* what the caller routes to */
};

enum route_result {
	ROUTE_FOUND,		/* method and path match an entry */
	ROUTE_NOT_FOUND,	/* no entry has this path */
	ROUTE_BAD_METHOD	/* the path exists, not with this method */
};

struct route_match {
	const struct route *route;
	int		 nparams;
	char		 params[ROUTE_MAX_PARAMS][ROUTE_MAX_PARAM_LEN];
	char		 allow[64];	/* methods of the path, for 405 */
};

size_t		 route_known_prefix(const struct route *table, size_t n,
		    const char *path);
enum route_result route_find(const struct route *table, size_t n,
		    const char *method, const char *path, struct route_match *);

#endif
