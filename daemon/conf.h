/* vpointsd configuration: a table of keys (name, type, default, bounds,
 * reloadable) read from an ini file, with command-line overrides. A load
 * parses into a new struct and validates it; the caller swaps it in. */
#ifndef VPOINTSD_CONF_H
#define VPOINTSD_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

struct conf {
	char		*listen;		/* ADDR:PORT of the HTTP listener */
	char		*db;			/* libpq connection string */
	char		*sql_dir;		/* folder of the NNN_name.sql migrations */
	int		 db_pool_size;		/* PostgreSQL connections */
	int		 db_queue_max;		/* requests waiting for a connection */
	int		 db_reconnect_max;	/* longest reconnect back-off, seconds */
	char		*db_read;		/* libpq connection string of a hot
						 * standby for WIRE_LAGGED reads;
						 * "" none */
	int		 db_read_pool_size;	/* connections to it */
	int		 db_read_max_wait;	/* ms a read waits for the standby
						 * to replay, then the primary */
	int		 max_body_size;		/* bytes in a request body */
	int		 max_header_size;	/* bytes in a request's headers */
	int		 idle_timeout;		/* seconds a connection may stay silent */
	int		 request_timeout;	/* seconds to send one whole request */
	int		 max_connections;	/* connections open at once */
	char		*server_names;		/* names signed requests may be for;
						 * "" for those of listen */
	char		*path_prefix;		/* "" or "/vpoints": the path a proxy
						 * serves vpointsd under */
	int		 shutdown_timeout;	/* seconds to finish requests on stop */
	enum log_level	 log_level;		/* least level written to the log */
	char		*timezone;		/* time zone of reports */
	char		*id_hash_key;		/* HMAC key of ID numbers, hex; "" none */
	char		*link_key;		/* MAC key of link tokens, hex; "" from
						 * the signing key */
	int		 help_expiry_interval;	/* seconds between deadline checks */
	char		*programme_start;	/* no record dated before, YYYY-MM-DD */
	int		 back_entry_days;	/* days back a station key may date */
	int		 approval_target;	/* percent of evaluations 4 or 5 */
	int		 recruitment_target;	/* volunteers a party member brings */
	int		 noshow_limit;		/* no-shows that block sign-ups; 0 never */
	int		 noshow_days;		/* days a no-show counts */
	char		*signing_key;		/* the daemon's own key file */
	char		*previous_signing_keys;	/* public key files of the keys
						 * that signed before it */
	char		*console_dir;		/* the browser console's files;
						 * "" serves none */
};

/* The longest authority (HOST:PORT) conf_authority writes, with its NUL. */
#define CONF_AUTHORITY_MAX	300

/* An override from the command line, applied after the file. */
struct conf_override {
	const char	*key;
	const char	*value;
};

struct conf	*conf_new(void);
void		 conf_free(struct conf *);
int		 conf_load(struct conf *, const char *path, char *err,
		     size_t errlen);
int		 conf_set(struct conf *, const char *key, const char *value,
		     char *err, size_t errlen);
void		 conf_keep_fixed(struct conf *next, const struct conf *cur);
int		 conf_authority(const char *in, size_t len, char *out,
		     size_t outlen);

size_t		 conf_key_count(void);
const char	*conf_key_name(size_t index);

#endif
