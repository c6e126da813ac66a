/* What every vpoints command gets: the resolved settings and the global
 * flags; and the helpers every command shares (client/client.c). The
 * commands themselves are tables (client/cmd.h). */
#ifndef VPOINTS_CLIENT_H
#define VPOINTS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "client/net.h"
#include "client/settings.h"
#include "client/table.h"

struct client {
	struct settings	 settings;
	bool		 json;		/* machine output */
	bool		 csv;		/* lists and records as CSV */
	int		 timeout;	/* seconds for one exchange */
	int		 retries;	/* further attempts after the first */
	const char	*idempotency_key; /* given, else one per operation */
	struct keyfile_secret *key;	/* loaded on the first signed call */
	time_t		 started;	/* when the command was run */
};

int	client_exit_code(int http_status);
int	client_report_problem(const struct client *, const char *what,
	    const struct net_response *);
const char *client_str(json_t *, const char *key);
int	client_whole(const char *option, const char *text, long long *n);
bool	client_is_month(const char *text);
int	client_write(const char *path, const char *data, size_t len);
int	client_write_private(const char *path, const char *data, size_t len);
int	client_output(struct client *);
enum table_format client_table_format(const struct client *);

#endif
