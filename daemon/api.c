#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* The reply to a database error that is not a refusal of the ledger's
 * (vp_refuse), by its SQLSTATE: a stable problem type and a sentence,
 * never the database's own words, which name tables and constraints and
 * may quote the row. vp_call maps the data and constraint errors of an
 * operation itself (vp_db_problem, sql/functions/base.sql), and stores
 * the answer; these are the ones that reach the daemon. */
struct api_db_problem {
	const char	*prefix;	/* of the SQLSTATE: a code or a class */
	int		 status;
	const char	*type;
	const char	*title;
	const char	*detail;
	const char	*reason;	/* its member "reason", or NULL */
};

static const struct api_db_problem api_db_problems[] = {
	{ "23505", 409, WIRE_P_CONFLICT, "conflict",
	    "A record like this exists already; nothing was changed.",
	    "duplicate" },
	{ "23P01", 409, WIRE_P_CONFLICT, "conflict",
	    "A record like this exists already; nothing was changed.",
	    "duplicate" },
	{ "23503", 409, WIRE_P_CONFLICT, "conflict",
	    "This names a record that does not exist, or one that others "
	    "still name; nothing was changed.", "reference" },
	{ "23", 422, WIRE_P_INVALID_INPUT, "invalid-input",
	    "A value of the request is outside what the ledger accepts.",
	    "rule" },
	{ "22", 422, WIRE_P_INVALID_INPUT, "invalid-input",
	    "A value of the request is not valid.", "value" },
	/* Serialization failures and deadlocks the pool ran again, still. */
	{ "40", 503, WIRE_P_OVERLOADED, "Server overloaded",
	    "The ledger was busy with conflicting writes; retry in a moment.",
	    NULL },
	{ "08", 503, WIRE_P_DB_UNAVAILABLE, "Database unavailable",
	    "The ledger cannot be reached; retry in a moment.", NULL },
	{ "53", 503, WIRE_P_DB_UNAVAILABLE, "Database unavailable",
	    "The ledger is out of resources; retry in a moment.", NULL },
	{ "57", 503, WIRE_P_DB_UNAVAILABLE, "Database unavailable",
	    "The ledger stopped the request; retry in a moment.", NULL },
	{ "", 500, WIRE_P_INTERNAL, "Internal error", "The error was logged.",
	    NULL },
};

/* The entry of api_db_problems for a SQLSTATE (the last one matches all). */
static const struct api_db_problem *
api_db_problem(const char *state)
{
	size_t i, n;

	for (i = 0; i < sizeof(api_db_problems) / sizeof(api_db_problems[0]);
	    i++) {
		n = strlen(api_db_problems[i].prefix);
		if (strncmp(state, api_db_problems[i].prefix, n) == 0)
			return &api_db_problems[i];
	}
	abort();
}

/* Reply to a statement that did not succeed. */
void
api_reply_db_failure(struct http_request *hr, const struct db_reply *r)
{
	const struct api_db_problem *p;
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
		p = api_db_problem(state != NULL ? state : "");
		if (p->status >= 500)
			log_error("db: %s %s: %s (SQLSTATE %s)",
			    http_request_method(hr), http_request_logged(hr),
			    db_reply_message(r), state);
		else
			log_warn("db: %s %s: %s (SQLSTATE %s)",
			    http_request_method(hr), http_request_logged(hr),
			    db_reply_message(r), state);
		http_reply_problem_members(hr, p->status, p->type, p->title,
		    p->detail, p->reason != NULL ? json_pack("{s:s}", "reason",
		    p->reason) : NULL);
		return;
	}
	/* A refusal's members travel as its HINT (vp_refuse). */
	type = xasprintf("%s%s", WIRE_PROBLEM_PREFIX, slug);
	http_reply_problem_members(hr, status, type, slug, db_reply_detail(r),
	    *db_reply_hint(r) != '\0' ? json_loads(db_reply_hint(r), 0, NULL) :
	    NULL);
	free(type);
}
