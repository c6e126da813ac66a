#include "config.h"

#include <sys/queue.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "daemon/db.h"
#include "log.h"
#include "xmalloc.h"

#define DB_BACKOFF_FIRST_MS	100
#define DB_MAX_RETRIES		5	/* of a statement PostgreSQL aborted */
#define DB_PREPARED_MAX		16	/* statements prepared per connection */

enum db_conn_state {
	DB_CONN_DOWN,		/* no connection; the retry timer is armed */
	DB_CONN_CONNECTING,	/* PQconnectPoll is under way */
	DB_CONN_IDLE,		/* connected and waiting for a statement */
	DB_CONN_BUSY		/* a statement was sent; waiting for its result */
};

struct db_query {
	TAILQ_ENTRY(db_query) entry;
	const char	*sql;		/* static text of the statement */
	int		 nparams;
	char		**params;	/* copies; NULL is SQL NULL */
	enum db_status	 status;	/* for a query failed before sending */
	int		 retries;	/* after serialization failures */
	struct timespec	 sent;		/* first sent to the server; 0 before */
	db_callback	 cb;
	void		*arg;
};
TAILQ_HEAD(db_queue, db_query);

struct db_conn {
	struct db_pool	*pool;
	int		 index;		/* for log lines */
	PGconn		*pg;
	enum db_conn_state state;
	struct event	*io;		/* readiness of the socket */
	evutil_socket_t	 io_fd;
	short		 io_what;
	struct event	*retry;		/* reconnect timer */
	int		 backoff_ms;
	bool		 was_up;	/* counts reconnects, not the first */
	struct db_query	*query;		/* in flight when BUSY */
	PGresult	*result;	/* its result, gathered */
	/* Statements prepared on this connection, by their (static) text;
	 * statement i is named "s<i>". Parsed and planned once, not at
	 * every request. */
	const char	*prepared[DB_PREPARED_MAX];
	int		 nprepared;
	bool		 preparing;	/* the query's Prepare is in flight */
};

struct db_pool {
	struct event_base *base;
	char		*conninfo;
	int		 size;
	struct db_conn	*conns;
	struct db_queue	 waiting;	/* not yet sent, oldest first */
	int		 nwaiting;
	struct db_queue	 failed;	/* refused before sending */
	struct event	*kick;		/* runs db_pool_run from the loop */
	int		 queue_max;
	int		 reconnect_max_ms;
	unsigned long	 reconnects;
	unsigned long	 errors;
};

struct db_reply {
	enum db_status	 status;
	PGresult	*result;
	double		 seconds;	/* sent to result, or -1: never sent */
};

static void	db_conn_start(struct db_conn *);
static void	db_conn_io(evutil_socket_t, short, void *);

/* Free a query and its parameter copies. */
static void
db_query_free(struct db_query *q)
{
	int i;

	for (i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	free(q);
}

/* Hand a reply to the caller, then forget the query. */
static void
db_deliver(struct db_query *q, enum db_status status, PGresult *result)
{
	struct db_reply reply = { status, result, -1 };
	struct timespec now;

	if (q->sent.tv_sec != 0 || q->sent.tv_nsec != 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		reply.seconds = (double)(now.tv_sec - q->sent.tv_sec) +
		    (double)(now.tv_nsec - q->sent.tv_nsec) / 1e9;
	}

	q->cb(&reply, q->arg);
	db_query_free(q);
}

/* Route libpq notices to the log instead of stderr. */
static void
db_notice(void *arg, const char *message)
{
	log_debug("db: %s", message);
}

/* Watch the connection's socket for the given readiness. */
static void
db_conn_watch(struct db_conn *c, short what)
{
	evutil_socket_t fd = PQsocket(c->pg);

	if (c->io != NULL && c->io_fd == fd && c->io_what == what)
		return;
	if (c->io != NULL)
		event_free(c->io);
	c->io = event_new(c->pool->base, fd, what | EV_PERSIST, db_conn_io, c);
	if (c->io == NULL || event_add(c->io, NULL) != 0)
		abort();
	c->io_fd = fd;
	c->io_what = what;
}

/* True when at least one connection can run statements. */
static bool
db_pool_up(const struct db_pool *pool)
{
	int i;

	for (i = 0; i < pool->size; i++) {
		if (pool->conns[i].state == DB_CONN_IDLE ||
		    pool->conns[i].state == DB_CONN_BUSY)
			return true;
	}
	return false;
}

/* Ask the loop to run db_pool_run soon. */
static void
db_pool_kick(struct db_pool *pool)
{
	event_active(pool->kick, EV_TIMEOUT, 0);
}

/* Drop a connection: fail its statement, arm a reconnect with back-off. */
static void
db_conn_down(struct db_conn *c, const char *why)
{
	struct db_pool *pool = c->pool;
	struct db_query *q = c->query;
	struct timeval tv;

	if (c->state == DB_CONN_IDLE || c->state == DB_CONN_BUSY)
		log_warn("db: connection %d lost: %s", c->index, why);
	else
		log_warn("db: connection %d failed: %s", c->index, why);
	if (c->io != NULL) {
		event_free(c->io);
		c->io = NULL;
	}
	if (c->result != NULL) {
		PQclear(c->result);
		c->result = NULL;
	}
	PQfinish(c->pg);
	c->pg = NULL;
	c->query = NULL;
	c->nprepared = 0;
	c->preparing = false;
	c->state = DB_CONN_DOWN;
	c->backoff_ms = c->backoff_ms == 0 ? DB_BACKOFF_FIRST_MS :
	    c->backoff_ms * 2;
	if (c->backoff_ms > pool->reconnect_max_ms)
		c->backoff_ms = pool->reconnect_max_ms;
	tv.tv_sec = c->backoff_ms / 1000;
	tv.tv_usec = (c->backoff_ms % 1000) * 1000;
	evtimer_add(c->retry, &tv);
	/* The statement may or may not have committed: the caller must
	 * treat it as unknown (the idempotency record tells on a retry). */
	if (q != NULL)
		db_deliver(q, DB_UNAVAILABLE, NULL);
	db_pool_kick(pool);
}

/* The slot of a statement prepared on the connection, or -1. */
static int
db_conn_prepared(const struct db_conn *c, const char *sql)
{
	int i;

	for (i = 0; i < c->nprepared; i++) {
		if (c->prepared[i] == sql)
			return i;
	}
	return -1;
}

/* Send a statement on an idle connection: run it prepared, or prepare it
 * first (its execution follows once the Prepare succeeded), or, with
 * every slot taken, send it whole. */
static void
db_conn_send(struct db_conn *c, struct db_query *q)
{
	struct db_pool *pool = c->pool;
	const char *const *params = (const char *const *)q->params;
	char name[16];
	int slot, sent, rc;

	/* The database's time of a statement starts when it is first sent:
	 * its Prepare and the runs after a serialization failure count. */
	if (q->sent.tv_sec == 0 && q->sent.tv_nsec == 0)
		clock_gettime(CLOCK_MONOTONIC, &q->sent);
	slot = db_conn_prepared(c, q->sql);
	if (slot >= 0) {
		snprintf(name, sizeof(name), "s%d", slot);
		sent = PQsendQueryPrepared(c->pg, name, q->nparams, params,
		    NULL, NULL, 0);
	} else if (c->nprepared < DB_PREPARED_MAX) {
		snprintf(name, sizeof(name), "s%d", c->nprepared);
		sent = PQsendPrepare(c->pg, name, q->sql, q->nparams, NULL);
		c->preparing = sent != 0;
	} else {
		sent = PQsendQueryParams(c->pg, q->sql, q->nparams, NULL,
		    params, NULL, NULL, 0);
	}
	if (!sent) {
		/* Nothing reached the server: the statement may go on
		 * another connection. */
		TAILQ_INSERT_HEAD(&pool->waiting, q, entry);
		pool->nwaiting++;
		db_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	c->query = q;
	c->state = DB_CONN_BUSY;
	rc = PQflush(c->pg);
	if (rc < 0) {
		db_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	db_conn_watch(c, rc == 1 ? EV_READ | EV_WRITE : EV_READ);
}

/* Deliver refusals, then give waiting statements to idle connections. */
static void
db_pool_run(evutil_socket_t fd, short what, void *arg)
{
	struct db_pool *pool = arg;
	struct db_query *q;
	int i;

	while ((q = TAILQ_FIRST(&pool->failed)) != NULL) {
		TAILQ_REMOVE(&pool->failed, q, entry);
		db_deliver(q, q->status, NULL);
	}
	if (!db_pool_up(pool)) {
		while ((q = TAILQ_FIRST(&pool->waiting)) != NULL) {
			TAILQ_REMOVE(&pool->waiting, q, entry);
			pool->nwaiting--;
			db_deliver(q, DB_UNAVAILABLE, NULL);
		}
		return;
	}
	for (i = 0; i < pool->size && !TAILQ_EMPTY(&pool->waiting); i++) {
		if (pool->conns[i].state != DB_CONN_IDLE)
			continue;
		q = TAILQ_FIRST(&pool->waiting);
		TAILQ_REMOVE(&pool->waiting, q, entry);
		pool->nwaiting--;
		db_conn_send(&pool->conns[i], q);
	}
}

/* Step the non-blocking connection handshake. */
static void
db_conn_connecting(struct db_conn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_READING:
		db_conn_watch(c, EV_READ);
		break;
	case PGRES_POLLING_WRITING:
		db_conn_watch(c, EV_WRITE);
		break;
	case PGRES_POLLING_OK:
		if (PQsetnonblocking(c->pg, 1) != 0) {
			db_conn_down(c, PQerrorMessage(c->pg));
			break;
		}
		if (c->was_up)
			c->pool->reconnects++;
		c->was_up = true;
		c->state = DB_CONN_IDLE;
		c->backoff_ms = 0;
		log_info("db: connection %d ready", c->index);
		db_conn_watch(c, EV_READ);
		db_pool_kick(c->pool);
		break;
	case PGRES_POLLING_FAILED:
	default:
		db_conn_down(c, PQerrorMessage(c->pg));
		break;
	}
}

/* Input on an idle connection: notices, or the server going away. */
static void
db_conn_idle_input(struct db_conn *c)
{
	PGnotify *n;

	if (!PQconsumeInput(c->pg) || PQstatus(c->pg) == CONNECTION_BAD) {
		db_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	while ((n = PQnotifies(c->pg)) != NULL)
		PQfreemem(n);
}

/* Keep the first error result, else the first result. */
static void
db_conn_gather(struct db_conn *c, PGresult *res)
{
	if (c->result == NULL) {
		c->result = res;
	} else if (PQresultStatus(c->result) != PGRES_FATAL_ERROR &&
	    PQresultStatus(res) == PGRES_FATAL_ERROR) {
		PQclear(c->result);
		c->result = res;
	} else {
		PQclear(res);
	}
}

/* The status a finished statement reports to its caller. */
static enum db_status
db_result_status(struct db_conn *c, PGresult *res)
{
	const char *state;

	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		return DB_OK;
	default:
		break;
	}
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	/* Class 08 (connection exception) and 57P (operator intervention)
	 * mean the server went away, not that the statement was wrong. */
	if (PQstatus(c->pg) == CONNECTION_BAD || state == NULL ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return DB_UNAVAILABLE;
	c->pool->errors++;
	return DB_ERROR;
}

/* True for a serialization failure or a deadlock: PostgreSQL rolled the
 * statement's transaction back, and running it again may succeed. */
static bool
db_retryable(PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	return state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0);
}

/* Progress on a busy connection: flush what is left, read results. */
static void
db_conn_busy_io(struct db_conn *c, short what)
{
	struct db_query *q;
	enum db_status status;
	PGresult *res;
	int rc;

	if (what & EV_WRITE) {
		rc = PQflush(c->pg);
		if (rc < 0) {
			db_conn_down(c, PQerrorMessage(c->pg));
			return;
		}
		if (rc == 0)
			db_conn_watch(c, EV_READ);
	}
	if (!(what & EV_READ))
		return;
	if (!PQconsumeInput(c->pg)) {
		db_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	while (!PQisBusy(c->pg)) {
		res = PQgetResult(c->pg);
		if (res != NULL) {
			db_conn_gather(c, res);
			continue;
		}
		q = c->query;
		res = c->result;
		c->query = NULL;
		c->result = NULL;
		if (c->preparing) {
			c->preparing = false;
			if (res != NULL &&
			    PQresultStatus(res) == PGRES_COMMAND_OK) {
				/* Prepared: now run it. A failed Prepare
				 * ends the statement as its run would. */
				c->prepared[c->nprepared++] = q->sql;
				PQclear(res);
				db_conn_send(c, q);
				return;
			}
		}
		status = res != NULL ? db_result_status(c, res) :
		    DB_UNAVAILABLE;
		if (status == DB_UNAVAILABLE) {
			c->query = q;
			PQclear(res);
			db_conn_down(c, "the server ended the statement");
			return;
		}
		c->state = DB_CONN_IDLE;
		if (status == DB_ERROR && db_retryable(res) &&
		    q->retries < DB_MAX_RETRIES) {
			/* The transaction was rolled back whole: run it again,
			 * before anything that queued after it. */
			q->retries++;
			log_debug("db: retrying after %s",
			    PQresultErrorField(res, PG_DIAG_SQLSTATE));
			TAILQ_INSERT_HEAD(&c->pool->waiting, q, entry);
			c->pool->nwaiting++;
		} else {
			db_deliver(q, status, res);
		}
		PQclear(res);
		db_pool_kick(c->pool);
		return;
	}
}

/* Socket readiness, dispatched on the connection's state. */
static void
db_conn_io(evutil_socket_t fd, short what, void *arg)
{
	struct db_conn *c = arg;

	switch (c->state) {
	case DB_CONN_CONNECTING:
		db_conn_connecting(c);
		break;
	case DB_CONN_IDLE:
		db_conn_idle_input(c);
		break;
	case DB_CONN_BUSY:
		db_conn_busy_io(c, what);
		break;
	case DB_CONN_DOWN:
	default:
		abort();
	}
}

/* Reconnect timer. */
static void
db_conn_retry(evutil_socket_t fd, short what, void *arg)
{
	db_conn_start(arg);
}

/* Begin a non-blocking connection. */
static void
db_conn_start(struct db_conn *c)
{
	c->pg = PQconnectStart(c->pool->conninfo);
	if (c->pg == NULL)
		abort();
	PQsetNoticeProcessor(c->pg, db_notice, NULL);
	c->state = DB_CONN_CONNECTING;
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		db_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	/* libpq: act as if PQconnectPoll had last asked for writing. */
	db_conn_watch(c, EV_WRITE);
}

/* A pool of size connections; they connect in the background. */
struct db_pool *
db_pool_create(struct event_base *base, const char *conninfo, int size)
{
	struct db_pool *pool = xcalloc(1, sizeof(*pool));
	int i;

	pool->base = base;
	pool->conninfo = xstrdup(conninfo);
	pool->size = size;
	pool->queue_max = 1024;
	pool->reconnect_max_ms = 2000;
	TAILQ_INIT(&pool->waiting);
	TAILQ_INIT(&pool->failed);
	pool->kick = event_new(base, -1, 0, db_pool_run, pool);
	if (pool->kick == NULL)
		abort();
	pool->conns = xcalloc((size_t)size, sizeof(*pool->conns));
	for (i = 0; i < size; i++) {
		pool->conns[i].pool = pool;
		pool->conns[i].index = i;
		pool->conns[i].retry = evtimer_new(base, db_conn_retry,
		    &pool->conns[i]);
		if (pool->conns[i].retry == NULL)
			abort();
		db_conn_start(&pool->conns[i]);
	}
	return pool;
}

/* Apply the reloadable limits. */
void
db_pool_set_limits(struct db_pool *pool, int queue_max,
    int reconnect_max_seconds)
{
	pool->queue_max = queue_max;
	pool->reconnect_max_ms = reconnect_max_seconds * 1000;
}

/* Close every connection; statements still pending get DB_UNAVAILABLE. */
void
db_pool_free(struct db_pool *pool)
{
	struct db_query *q;
	struct db_conn *c;
	int i;

	if (pool == NULL)
		return;
	for (i = 0; i < pool->size; i++) {
		c = &pool->conns[i];
		if (c->io != NULL)
			event_free(c->io);
		event_free(c->retry);
		if (c->result != NULL)
			PQclear(c->result);
		if (c->pg != NULL)
			PQfinish(c->pg);
		if (c->query != NULL)
			db_deliver(c->query, DB_UNAVAILABLE, NULL);
	}
	TAILQ_CONCAT(&pool->failed, &pool->waiting, entry);
	while ((q = TAILQ_FIRST(&pool->failed)) != NULL) {
		TAILQ_REMOVE(&pool->failed, q, entry);
		db_deliver(q, DB_UNAVAILABLE, NULL);
	}
	event_free(pool->kick);
	free(pool->conns);
	free(pool->conninfo);
	free(pool);
}

/* Fill in the pool's counters. */
void
db_pool_stats(const struct db_pool *pool, struct db_stats *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < pool->size; i++) {
		if (pool->conns[i].state == DB_CONN_IDLE)
			st->connections++;
		if (pool->conns[i].state == DB_CONN_BUSY) {
			st->connections++;
			st->busy++;
		}
	}
	st->waiting = pool->nwaiting;
	st->reconnects = pool->reconnects;
	st->errors = pool->errors;
}

/* Queue one statement; cb runs later from the loop with its reply. The
 * sql text must outlive the call (a literal); params are copied. */
void
db_query(struct db_pool *pool, const char *sql, int nparams,
    const char *const *params, db_callback cb, void *arg)
{
	struct db_query *q = xcalloc(1, sizeof(*q));
	int i;

	q->sql = sql;
	q->nparams = nparams;
	q->params = xcalloc((size_t)(nparams > 0 ? nparams : 1),
	    sizeof(char *));
	for (i = 0; i < nparams; i++)
		q->params[i] = params[i] != NULL ? xstrdup(params[i]) : NULL;
	q->cb = cb;
	q->arg = arg;
	if (!db_pool_up(pool)) {
		q->status = DB_UNAVAILABLE;
		TAILQ_INSERT_TAIL(&pool->failed, q, entry);
	} else if (pool->nwaiting >= pool->queue_max) {
		q->status = DB_OVERLOADED;
		TAILQ_INSERT_TAIL(&pool->failed, q, entry);
	} else {
		TAILQ_INSERT_TAIL(&pool->waiting, q, entry);
		pool->nwaiting++;
	}
	db_pool_kick(pool);
}

/* How the statement ended. */
enum db_status
db_reply_status(const struct db_reply *r)
{
	return r->status;
}

/* Seconds from the statement's first sending to its result, or -1 when
 * it never reached the server (no connection, queue full). */
double
db_reply_seconds(const struct db_reply *r)
{
	return r->seconds;
}

/* Rows returned; 0 unless DB_OK. */
int
db_reply_rows(const struct db_reply *r)
{
	return r->status == DB_OK ? PQntuples(r->result) : 0;
}

/* A value as text, or NULL for SQL NULL or out of range. */
const char *
db_reply_value(const struct db_reply *r, int row, int col)
{
	if (r->status != DB_OK || row >= PQntuples(r->result) ||
	    col >= PQnfields(r->result) || PQgetisnull(r->result, row, col))
		return NULL;
	return PQgetvalue(r->result, row, col);
}

/* A field of the error, or "" when there is none. */
static const char *
db_reply_field(const struct db_reply *r, int field)
{
	const char *v;

	if (r->result == NULL)
		return "";
	v = PQresultErrorField(r->result, field);
	return v != NULL ? v : "";
}

/* The SQLSTATE of a DB_ERROR reply. */
const char *
db_reply_sqlstate(const struct db_reply *r)
{
	return db_reply_field(r, PG_DIAG_SQLSTATE);
}

/* The primary message of a DB_ERROR reply. */
const char *
db_reply_message(const struct db_reply *r)
{
	return db_reply_field(r, PG_DIAG_MESSAGE_PRIMARY);
}

/* The detail of a DB_ERROR reply. */
const char *
db_reply_detail(const struct db_reply *r)
{
	return db_reply_field(r, PG_DIAG_MESSAGE_DETAIL);
}

/* The hint of a DB_ERROR reply: a refusal's members (vp_refuse). */
const char *
db_reply_hint(const struct db_reply *r)
{
	return db_reply_field(r, PG_DIAG_MESSAGE_HINT);
}
