#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "daemon/route.h"

/* A captured segment holds unreserved URI characters only (RFC 3986). */
static bool
route_segment_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* Match path against pattern, capturing each {} segment into m. */
static bool
route_path_matches(const char *pattern, const char *path,
    struct route_match *m)
{
	const char *p = pattern, *s = path;
	size_t len;

	m->nparams = 0;
	while (*p != '\0') {
		if (p[0] == '{' && p[1] == '}') {
			for (len = 0; route_segment_char(s[len]); len++)
				;
			if (len == 0 || len >= ROUTE_MAX_PARAM_LEN ||
			    m->nparams == ROUTE_MAX_PARAMS)
				return false;
			memcpy(m->params[m->nparams], s, len);
			m->params[m->nparams][len] = '\0';
			m->nparams++;
			s += len;
			p += 2;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

/* Find the entry for method and path. On ROUTE_BAD_METHOD, m->allow lists
 * the methods the path has. */
enum route_result
route_find(const struct route *table, size_t n, const char *method,
    const char *path, struct route_match *m)
{
	struct route_match probe;
	bool path_known = false;
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		if (!route_path_matches(table[i].pattern, path, &probe))
			continue;
		if (strcmp(table[i].method, method) == 0) {
			memcpy(m, &probe, sizeof(probe));
			m->route = &table[i];
			return ROUTE_FOUND;
		}
		if (strstr(m->allow, table[i].method) == NULL &&
		    strlen(m->allow) + strlen(table[i].method) + 3 <
		    sizeof(m->allow)) {
			if (path_known)
				strcat(m->allow, ", ");
			strcat(m->allow, table[i].method);
		}
		path_known = true;
	}
	return path_known ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

/* How much of path, in whole segments, the literal segments of some
 * pattern of the table spell, up to its first {} or its end:
 * "/v1/volunteers/Wang%20Fang" gives the length of "/v1/volunteers". For
 * a log line that shows of a path only what the table knows. */
size_t
route_known_prefix(const struct route *table, size_t n, const char *path)
{
	const char *p, *s;
	size_t best = 0, i, lp, ls;

	for (i = 0; i < n; i++) {
		p = table[i].pattern;
		s = path;
		while (*p == '/' && *s == '/' && !(p[1] == '{' && p[2] == '}')) {
			lp = strcspn(p + 1, "/");
			ls = strcspn(s + 1, "/");
			if (lp == 0 || lp != ls || strncmp(p + 1, s + 1, lp) != 0)
				break;
			p += lp + 1;
			s += ls + 1;
			if ((size_t)(s - path) > best)
				best = (size_t)(s - path);
		}
	}
	return best;
}
