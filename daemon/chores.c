#include "config.h"

#include <stdlib.h>

#include "daemon/chores.h"
#include "daemon/signer.h"
#include "log.h"
#include "xmalloc.h"

#define CHORES_PRUNE_SECS	60

struct chores {
	struct db_pool	*db;
	const struct signer *signer;	/* signs a close left unsigned */
	struct event	*prune;		/* vp_prune() */
	struct event	*expire;	/* vp_help_expire() */
	int		 expire_secs;
};

/* A chore's statement finished; say what it did. */
static void
chores_done(const struct db_reply *r, void *arg)
{
	const char *what = arg, *n = db_reply_value(r, 0, 0);

	if (db_reply_status(r) != DB_OK)
		log_debug("chores: %s: not done now (%s)", what,
		    db_reply_message(r));
	else if (n != NULL && atoi(n) > 0)
		log_info("chores: %s: %s", what, n);
}

/* A close left unsigned (vp_month_unsigned), if any: sign its payload and
 * store the JWS, which vp_month_close_sign does only where none is (a
 * daemon finishing the close at the same moment signs the same bytes
 * alike: Ed25519 is deterministic). */
static void
chores_unsigned(const struct db_reply *r, void *arg)
{
	static char what[] = "a month's close left unsigned signed";
	struct chores *c = arg;
	const char *params[2];
	char *jws;

	if (db_reply_status(r) != DB_OK || db_reply_rows(r) < 1 ||
	    db_reply_value(r, 0, 0) == NULL || db_reply_value(r, 0, 1) == NULL)
		return;
	jws = signer_jws(c->signer, db_reply_value(r, 0, 1));
	params[0] = db_reply_value(r, 0, 0);
	params[1] = jws;
	log_info("chores: the close of %s has no JWS: signing it", params[0]);
	db_query(c->db, "SELECT vp_month_close_sign($1, $2)", 2, params,
	    chores_done, what);
	free(jws);
}

/* Timer: forget nonces and idempotency records past their use; sign a
 * month's close left unsigned. */
static void
chores_prune(evutil_socket_t fd, short events, void *arg)
{
	static char what[] = "old nonces and idempotency records pruned";
	struct chores *c = arg;

	db_query(c->db, "SELECT vp_prune()", 0, NULL, chores_done, what);
	db_query(c->db, "SELECT month, payload FROM vp_month_unsigned()", 0,
	    NULL, chores_unsigned, c);
}

/* Timer: help requests past their deadline expire. */
static void
chores_expire(evutil_socket_t fd, short events, void *arg)
{
	static char what[] = "help requests expired, points returned";
	struct chores *c = arg;

	db_query(c->db, "SELECT vp_help_expire()", 0, NULL, chores_done, what);
}

/* Arm a persistent timer. */
static void
chores_arm(struct event *ev, int secs)
{
	struct timeval tv = { secs, 0 };

	if (event_add(ev, &tv) != 0)
		abort();
}

/* Start the timers. */
struct chores *
chores_start(struct event_base *base, struct db_pool *db,
    const struct signer *signer, const struct conf *cf)
{
	struct chores *c = xcalloc(1, sizeof(*c));

	c->db = db;
	c->signer = signer;
	c->prune = event_new(base, -1, EV_PERSIST, chores_prune, c);
	c->expire = event_new(base, -1, EV_PERSIST, chores_expire, c);
	if (c->prune == NULL || c->expire == NULL)
		abort();
	chores_arm(c->prune, CHORES_PRUNE_SECS);
	chores_configure(c, cf);
	/* Once at start as well: a close left unsigned when a daemon
	 * stopped is signed when one starts again. */
	if (event_base_once(base, -1, EV_TIMEOUT, chores_prune, c,
	    &(struct timeval){ 1, 0 }) != 0)
		abort();
	return c;
}

/* Apply a reloaded help_expiry_interval. */
void
chores_configure(struct chores *c, const struct conf *cf)
{
	if (c->expire_secs == cf->help_expiry_interval)
		return;
	c->expire_secs = cf->help_expiry_interval;
	chores_arm(c->expire, c->expire_secs);
}

/* Stop the timers. */
void
chores_free(struct chores *c)
{
	if (c == NULL)
		return;
	event_free(c->prune);
	event_free(c->expire);
	free(c);
}
