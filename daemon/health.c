#include "config.h"
#include "version.h"

#include <stdlib.h>

#include <jansson.h>

#include "daemon/health.h"
#include "wire.h"

/* The round trip ended: 200 with the schema version and the build's
 * (version.h), or 503. */
static void
health_done(const struct db_reply *r, void *arg)
{
	struct http_request *hr = arg;
	const char *schema = db_reply_value(r, 0, 0);
	json_t *body;

	if (db_reply_status(r) == DB_OK && schema != NULL) {
		body = json_pack("{s:s, s:s, s:i, s:s}", "status", "ok", "db",
		    "ok", "schema", atoi(schema), "version", VPOINTS_VERSION);
		http_reply_json(hr, 200, body);
		return;
	}
	body = json_pack("{s:s, s:s, s:i, s:s, s:s}",
	    "type", WIRE_P_DB_UNAVAILABLE, "title", "Database unavailable",
	    "status", 503, "detail", "No database round trip succeeded.",
	    "db", "unavailable");
	http_reply_problem_json(hr, body);
}

/* Ask the database for the applied schema version. */
void
health_get(struct http_request *hr, void *db_pool)
{
	db_query(db_pool, "SELECT max(version) FROM schema_migrations", 0,
	    NULL, health_done, hr);
}
