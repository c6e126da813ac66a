/* A small pool of asynchronous PostgreSQL connections driven by the event
 * loop. A caller hands over one statement with text parameters and gets one
 * reply in a callback, always from the loop, never from inside db_query.
 * While no connection is up, statements fail at once as unavailable, and
 * the pool reconnects with back-off. A statement aborted by a
 * serialization failure or a deadlock is run again (each is one whole
 * transaction). Nothing here knows of HTTP. */
#ifndef VPOINTSD_DB_H
#define VPOINTSD_DB_H

#include <event2/event.h>

struct db_pool;
struct db_reply;

enum db_status {
	DB_OK,			/* the statement ran; rows may follow */
	DB_ERROR,		/* PostgreSQL refused it: see sqlstate, message */
	DB_UNAVAILABLE,		/* no connection, or it broke meanwhile */
	DB_OVERLOADED		/* too many statements wait for a connection */
};

typedef void (*db_callback)(const struct db_reply *, void *arg);

/* Counters for /healthz and /metrics. */
struct db_stats {
	int		 connections;	/* connections up */
	int		 busy;		/* connections running a statement */
	int		 waiting;	/* statements waiting for a connection */
	unsigned long	 reconnects;	/* connections made after a loss */
	unsigned long	 errors;	/* statements failed by the database */
};

struct db_pool	*db_pool_create(struct event_base *, const char *conninfo,
		    int size);
void		 db_pool_set_limits(struct db_pool *, int queue_max,
		    int reconnect_max_seconds);
void		 db_pool_free(struct db_pool *);
void		 db_pool_stats(const struct db_pool *, struct db_stats *);

void		 db_query(struct db_pool *, const char *sql, int nparams,
		    const char *const *params, db_callback, void *arg);

enum db_status	 db_reply_status(const struct db_reply *);
double		 db_reply_seconds(const struct db_reply *);
int		 db_reply_rows(const struct db_reply *);
const char	*db_reply_value(const struct db_reply *, int row, int col);
const char	*db_reply_sqlstate(const struct db_reply *);
const char	*db_reply_message(const struct db_reply *);
const char	*db_reply_detail(const struct db_reply *);
const char	*db_reply_hint(const struct db_reply *);

#endif
