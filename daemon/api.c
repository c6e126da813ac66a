#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/api.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

/* The HTTP status of a 'VPnnn' SQLSTATE, or 0 if it is not one. */
static int
api_sqlstate_status(const char *state)
{
	int status;

	if (strlen(state) != 5 || state[0] != 'V' || state[1] != 'P' ||
	    !isdigit((unsigned char)state[2]) ||
	    !isdigit((unsigned char)state[3]) ||
	    !isdigit((unsigned char)state[4]))
		return 0;
	status = atoi(state + 2);
	return status >= 400 && status <= 599 ? status : 0;
}

/* True if s can follow the problem prefix: a short lowercase slug. */
static int
api_is_slug(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!islower((unsigned char)s[i]) && s[i] != '-' &&
		    !isdigit((unsigned char)s[i]))
			return 0;
	}
	return i > 0 && i < 64;
}

/* Reply to a statement that did not succeed. */
void
api_reply_db_failure(struct http_request *hr, const struct db_reply *r)
{
	const char *state, *slug;
	char *type;
	int status;

	switch (db_reply_status(r)) {
	case DB_UNAVAILABLE:
		http_reply_problem(hr, 503, WIRE_P_DB_UNAVAILABLE,
		    "Database unavailable", "The ledger cannot be reached; "
		    "retry in a moment.");
		return;
	case DB_OVERLOADED:
		http_reply_problem(hr, 503, WIRE_P_OVERLOADED,
		    "Server overloaded", "Too many requests are waiting; "
		    "retry in a moment.");
		return;
	case DB_ERROR:
		break;
	case DB_OK:
	default:
		abort();
	}
	state = db_reply_sqlstate(r);
	slug = db_reply_message(r);
	status = api_sqlstate_status(state);
	if (status == 0 || !api_is_slug(slug)) {
		log_error("db: %s %s: %s (%s)", http_request_method(hr),
		    http_request_path(hr), db_reply_message(r), state);
		http_reply_problem(hr, 500, WIRE_P_INTERNAL,
		    "Internal error", "The error was logged.");
		return;
	}
	type = xasprintf("%s%s", WIRE_PROBLEM_PREFIX, slug);
	http_reply_problem(hr, status, type, slug, db_reply_detail(r));
	free(type);
}
