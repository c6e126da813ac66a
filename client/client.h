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
bool	client_wants_help(int argc, char **argv);
const char *client_str(json_t *, const char *key);
int	client_whole(const char *option, const char *text, long long *n);
int	client_utf8(int argc, char **argv);
bool	client_is_month(const char *text);
int	client_write(const char *path, const char *data, size_t len);
int	client_output(struct client *);
enum table_format client_table_format(const struct client *);

int	status_main(struct client *, int argc, char **argv);
int	keygen_main(struct client *, int argc, char **argv);
int	community_main(struct client *, int argc, char **argv);
int	station_main(struct client *, int argc, char **argv);
int	activity_main(struct client *, int argc, char **argv);
int	shift_main(struct client *, int argc, char **argv);
int	catalog_main(struct client *, int argc, char **argv);
int	redeem_main(struct client *, int argc, char **argv);
int	redemption_main(struct client *, int argc, char **argv);
int	help_main(struct client *, int argc, char **argv);
int	audit_main(struct client *, int argc, char **argv);
int	report_main(struct client *, int argc, char **argv);
int	stars_main(struct client *, int argc, char **argv);
int	certificate_main(struct client *, int argc, char **argv);
int	month_main(struct client *, int argc, char **argv);
int	offline_main(struct client *, int argc, char **argv);

#endif
