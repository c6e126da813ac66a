#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "routes.h"
#include "xmalloc.h"

const struct wire_route wire_routes[WIRE_OP_COUNT] = {
#define WIRE_ROUTE_ROW(id, method, pattern, operation, access, param) \
	[WIRE_OP_##id] = { method, pattern, operation, access, param },
	WIRE_ROUTES(WIRE_ROUTE_ROW)
#undef WIRE_ROUTE_ROW
};

/* One route of the table. */
const struct wire_route *
wire_route(enum wire_op op)
{
	if ((unsigned)op >= WIRE_OP_COUNT)
		abort();
	return &wire_routes[op];
}

/* Is this byte left as it is in a path segment (RFC 3986 unreserved)? */
static int
wire_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* The path of a route, its {} replaced by PARAM percent-encoded; a new
 * string. PARAM is NULL for a route without a {} segment. */
char *
wire_path(enum wire_op op, const char *param)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *pattern = wire_route(op)->pattern, *brace;
	size_t len = strlen(pattern), i, n = 0;
	char *path;

	brace = strstr(pattern, "{}");
	if ((brace == NULL) != (param == NULL))
		abort();
	if (brace == NULL)
		return xstrdup(pattern);
	path = xmalloc(len + 3 * strlen(param) + 1);
	memcpy(path, pattern, (size_t)(brace - pattern));
	n = (size_t)(brace - pattern);
	for (i = 0; param[i] != '\0'; i++) {
		unsigned char c = (unsigned char)param[i];

		if (wire_unreserved(c)) {
			path[n++] = (char)c;
		} else {
			path[n++] = '%';
			path[n++] = hex[c >> 4];
			path[n++] = hex[c & 15];
		}
	}
	strcpy(path + n, brace + 2);
	return path;
}
