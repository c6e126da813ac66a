/* GET /metrics: the daemon's counters in the Prometheus text exposition
 * format 0.0.4, written by hand. The daemon owns one struct metrics; http.c
 * reports every reply to it (metrics_reply), auth.c every refused
 * signature (metrics_refusal). A scrape adds the pool's gauges and the
 * ledger's points, read with one statement (vp_metrics); while the
 * database is down those two are left out and the rest still answers 200.
 * One event loop: nothing here locks. */
#ifndef VPOINTSD_METRICS_H
#define VPOINTSD_METRICS_H

#include <stddef.h>

#include "daemon/db.h"
#include "daemon/http.h"

#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct metrics;

/* How a read that may lag was answered (standby.c). */
enum metrics_standby {
	METRICS_STANDBY_SERVED,	/* by the standby */
	METRICS_STANDBY_BEHIND,	/* by the primary: the standby had not
				 * replayed far enough within the wait */
	METRICS_STANDBY_DOWN,	/* by the primary: the standby failed */
	METRICS_STANDBY_COUNT
};

/* The ledger's points, as vp_metrics reads them. */
struct metrics_ledger {
	long long	 issued;	/* net points out of issuance accounts */
	long long	 redeemed;	/* net points into station accounts */
};

struct metrics	*metrics_create(struct db_pool *);
void		 metrics_free(struct metrics *);
void		 metrics_reply(const char *route, const char *method,
		    int status, double seconds, void *metrics);
void		 metrics_refusal(struct metrics *, const char *slug);
void		 metrics_db(struct metrics *, const char *operation,
		    double seconds);
void		 metrics_standby(struct metrics *, enum metrics_standby);
char		*metrics_render(const struct metrics *, const struct db_stats *,
		    const struct metrics_ledger *, size_t *len);
void		 metrics_get(struct http_request *, void *metrics);

#endif
