/* Reads that may lag (WIRE_LAGGED in common/routes.h: reports, lists,
 * the audit trail) answered by a PostgreSQL hot standby (db_read). The
 * primary checks the key and records the nonce first (vp_auth) and tells
 * its WAL position at that moment; the standby runs the read (vp_read)
 * once it has replayed up to there, so the answer holds every write
 * committed before the request came. A standby still behind is asked
 * again for up to db_read_max_wait ms, then the primary answers; so does
 * it while the standby is down (logged once, counted in /metrics). The
 * caller gets one reply shaped as vp_call's: status, body, log_text. */
#ifndef VPOINTSD_STANDBY_H
#define VPOINTSD_STANDBY_H

#include <event2/event.h>

#include "daemon/conf.h"
#include "daemon/db.h"
#include "daemon/metrics.h"

struct standby;

/* What one read needs. */
struct standby_request {
	const char	*keyid;
	const char	*nonce;
	const char	*operation;
	const char	*args;		/* JSON */
	const char	*timezone;
	const char	*rules;		/* JSON, as vp_call's p_rules */
};

struct standby	*standby_create(struct event_base *, struct db_pool *primary,
		    struct conf **, struct metrics *);
void		 standby_configure(struct standby *, const struct conf *);
void		 standby_free(struct standby *);
void		 standby_read(struct standby *, const struct standby_request *,
		    db_callback, void *arg);

#endif
