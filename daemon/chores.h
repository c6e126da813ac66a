/* Periodic work of the daemon, run through the pool like any request so
 * that it never blocks the loop: old nonces and idempotency records are
 * pruned every minute, a month's close left without its JWS is signed,
 * and help requests past their deadline expire. */
#ifndef VPOINTSD_CHORES_H
#define VPOINTSD_CHORES_H

#include <event2/event.h>

#include "daemon/conf.h"
#include "daemon/db.h"

struct chores;
struct signer;

struct chores	*chores_start(struct event_base *, struct db_pool *,
		    const struct signer *, const struct conf *);
void		 chores_configure(struct chores *, const struct conf *);
void		 chores_free(struct chores *);

#endif
