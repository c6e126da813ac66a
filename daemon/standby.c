#include "config.h"

#include <sys/queue.h>

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "daemon/standby.h"
#include "log.h"
#include "xmalloc.h"

/* The first pause before asking a standby that was behind again; each
 * next pause is twice as long, none past db_read_max_wait. */
#define STANDBY_PAUSE_FIRST_MS	2

/* vp_read's parameters, in its order. */
enum standby_param {
	STANDBY_KEYID,
	STANDBY_LSN,
	STANDBY_OPERATION,
	STANDBY_ARGS,
	STANDBY_TIMEZONE,
	STANDBY_RULES,
	STANDBY_NPARAMS
};

static const char standby_auth_sql[] =
    "SELECT status, body, log_text, lsn FROM vp_auth($1, $2)";
static const char standby_read_sql[] =
    "SELECT status, body, log_text FROM vp_read($1, $2::pg_lsn, $3, "
    "$4::jsonb, $5, $6::jsonb)";

/* One read on its way. */
struct standby_read {
	TAILQ_ENTRY(standby_read) entry; /* while it pauses */
	struct standby	*standby;
	char		*params[STANDBY_NPARAMS];
	char		*nonce;
	struct timespec	 start;		/* when the primary gave the LSN */
	int		 pause_ms;	/* the last pause */
	struct event	*timer;		/* the pause, then ask again */
	db_callback	 cb;
	void		*arg;
};
TAILQ_HEAD(standby_reads, standby_read);

struct standby {
	struct event_base *base;
	struct db_pool	*primary;
	struct db_pool	*pool;		/* connections to the standby */
	struct conf	**conf;		/* the configuration in force */
	struct metrics	*metrics;
	struct standby_reads pausing;
	bool		 down;		/* said so in the log; not again */
};

/* A standby for conf's db_read, or NULL when it names none. */
struct standby *
standby_create(struct event_base *base, struct db_pool *primary,
    struct conf **conf, struct metrics *metrics)
{
	struct standby *sb;

	if ((*conf)->db_read[0] == '\0')
		return NULL;
	sb = xcalloc(1, sizeof(*sb));
	sb->base = base;
	sb->primary = primary;
	sb->conf = conf;
	sb->metrics = metrics;
	TAILQ_INIT(&sb->pausing);
	sb->pool = db_pool_create(base, (*conf)->db_read,
	    (*conf)->db_read_pool_size);
	standby_configure(sb, *conf);
	log_info("standby: reads that may lag go to db_read");
	return sb;
}

/* Apply the reloadable limits to the standby's pool. */
void
standby_configure(struct standby *sb, const struct conf *cf)
{
	if (sb != NULL)
		db_pool_set_limits(sb->pool, cf->db_queue_max,
		    cf->db_reconnect_max);
}

/* Forget a read. */
static void
standby_read_free(struct standby_read *rd)
{
	int i;

	for (i = 0; i < STANDBY_NPARAMS; i++)
		free(rd->params[i]);
	free(rd->nonce);
	if (rd->timer != NULL)
		event_free(rd->timer);
	free(rd);
}

/* Hand the reply to the caller, then forget the read. */
static void
standby_deliver(struct standby_read *rd, const struct db_reply *r)
{
	rd->cb(r, rd->arg);
	standby_read_free(rd);
}

/* The primary answered the read. */
static void
standby_primary_done(const struct db_reply *r, void *arg)
{
	standby_deliver(arg, r);
}

/* Ask the primary instead, in the same read-only way. */
static void
standby_fall_back(struct standby_read *rd, enum metrics_standby why)
{
	metrics_standby(rd->standby->metrics, why);
	db_query(rd->standby->primary, standby_read_sql, STANDBY_NPARAMS,
	    (const char *const *)rd->params, standby_primary_done, rd);
}

/* Milliseconds since the read began. */
static long
standby_elapsed_ms(const struct standby_read *rd)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - rd->start.tv_sec) * 1000 +
	    (now.tv_nsec - rd->start.tv_nsec) / 1000000;
}

static void	standby_ask(struct standby_read *);

/* The pause is over: ask the standby again. */
static void
standby_pause_done(evutil_socket_t fd, short what, void *arg)
{
	struct standby_read *rd = arg;

	TAILQ_REMOVE(&rd->standby->pausing, rd, entry);
	standby_ask(rd);
}

/* The standby has not replayed far enough: pause and ask again, or ask
 * the primary once db_read_max_wait has passed. */
static void
standby_behind(struct standby_read *rd)
{
	long left = (*rd->standby->conf)->db_read_max_wait -
	    standby_elapsed_ms(rd);
	struct timeval tv;

	if (left <= 0) {
		log_debug("standby: %s behind for %d ms; asking the primary",
		    rd->params[STANDBY_OPERATION],
		    (*rd->standby->conf)->db_read_max_wait);
		standby_fall_back(rd, METRICS_STANDBY_BEHIND);
		return;
	}
	rd->pause_ms = rd->pause_ms == 0 ? STANDBY_PAUSE_FIRST_MS :
	    rd->pause_ms * 2;
	if (rd->pause_ms > left)
		rd->pause_ms = (int)left;
	if (rd->timer == NULL && (rd->timer = evtimer_new(rd->standby->base,
	    standby_pause_done, rd)) == NULL)
		abort();
	tv.tv_sec = rd->pause_ms / 1000;
	tv.tv_usec = (rd->pause_ms % 1000) * 1000;
	TAILQ_INSERT_TAIL(&rd->standby->pausing, rd, entry);
	evtimer_add(rd->timer, &tv);
}

/* The standby answered, or could not. */
static void
standby_answered(const struct db_reply *r, void *arg)
{
	struct standby_read *rd = arg;
	struct standby *sb = rd->standby;

	if (db_reply_status(r) != DB_OK) {
		if (!sb->down)
			log_warn("standby: cannot read from db_read (%s); "
			    "the primary answers reads until it can",
			    db_reply_status(r) == DB_ERROR ?
			    db_reply_message(r) : "unavailable");
		sb->down = true;
		standby_fall_back(rd, METRICS_STANDBY_DOWN);
		return;
	}
	if (db_reply_value(r, 0, 0) == NULL) {
		standby_behind(rd);
		return;
	}
	if (sb->down)
		log_info("standby: db_read answers again");
	sb->down = false;
	metrics_standby(sb->metrics, METRICS_STANDBY_SERVED);
	standby_deliver(rd, r);
}

/* Ask the standby to run the read. */
static void
standby_ask(struct standby_read *rd)
{
	db_query(rd->standby->pool, standby_read_sql, STANDBY_NPARAMS,
	    (const char *const *)rd->params, standby_answered, rd);
}

/* The primary checked the key and the nonce: on to the standby, or the
 * refusal (or the failure) straight to the caller. */
static void
standby_authed(const struct db_reply *r, void *arg)
{
	struct standby_read *rd = arg;
	const char *lsn;

	if (db_reply_status(r) != DB_OK || db_reply_value(r, 0, 0) != NULL ||
	    (lsn = db_reply_value(r, 0, 3)) == NULL) {
		standby_deliver(rd, r);
		return;
	}
	rd->params[STANDBY_LSN] = xstrdup(lsn);
	clock_gettime(CLOCK_MONOTONIC, &rd->start);
	standby_ask(rd);
}

/* Run one read that may lag: the key and the nonce on the primary, the
 * read on the standby; cb gets vp_call's columns. */
void
standby_read(struct standby *sb, const struct standby_request *req,
    db_callback cb, void *arg)
{
	struct standby_read *rd = xcalloc(1, sizeof(*rd));
	const char *params[2];

	rd->standby = sb;
	rd->params[STANDBY_KEYID] = xstrdup(req->keyid);
	rd->params[STANDBY_OPERATION] = xstrdup(req->operation);
	rd->params[STANDBY_ARGS] = xstrdup(req->args);
	rd->params[STANDBY_TIMEZONE] = xstrdup(req->timezone);
	rd->params[STANDBY_RULES] = xstrdup(req->rules);
	rd->nonce = xstrdup(req->nonce);
	rd->cb = cb;
	rd->arg = arg;
	params[0] = rd->params[STANDBY_KEYID];
	params[1] = rd->nonce;
	db_query(sb->primary, standby_auth_sql, 2, params, standby_authed, rd);
}

/* Close the standby's connections; reads under way go to the primary,
 * whose pool, freed after this, answers what is still waiting. */
void
standby_free(struct standby *sb)
{
	struct standby_read *rd;

	if (sb == NULL)
		return;
	while ((rd = TAILQ_FIRST(&sb->pausing)) != NULL) {
		TAILQ_REMOVE(&sb->pausing, rd, entry);
		evtimer_del(rd->timer);
		standby_fall_back(rd, METRICS_STANDBY_DOWN);
	}
	db_pool_free(sb->pool);
	free(sb);
}
