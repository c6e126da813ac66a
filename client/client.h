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
#include "wire.h"

struct xlsx;

/* What vpoints prints, in the order of CLIENT_FORMATS. */
enum client_format {
	CLIENT_TABLE,		/* aligned columns and sentences for people */
	CLIENT_CSV,		/* lists and records as CSV (RFC 4180) */
	CLIENT_JSON,		/* the daemon's JSON as it came */
	CLIENT_XLSX,		/* lists, records and reports as a workbook */
	CLIENT_HTML		/* a report as a page to print on A4 */
};

#define CLIENT_FORMATS	"table|csv|json|xlsx|html"

struct client {
	struct settings	 settings;
	bool		 json;		/* machine output */
	bool		 csv;		/* lists and records as CSV */
	const char	*format_given;	/* --format, or NULL */
	enum client_format format;	/* what client_output made of them */
	const char	*out;		/* --out FILE, or NULL */
	bool		 bom;		/* CSV starts with a byte-order mark */
	bool		 no_bom;	/* --no-bom */
	bool		 bom_written;
	struct xlsx	*book;		/* --format xlsx: the workbook made */
	int		 stdout_saved;	/* standard output while --out's file
					 * stands in for it, else -1 */
	int		 prose_saved;	/* the same while standard error stands
					 * in for it (xlsx), else -1 */
	char		*out_tmp;	/* --out's FILE.tmp while written */
	int		 timeout;	/* seconds for one exchange */
	int		 retries;	/* further attempts after the first */
	const char	*idempotency_key; /* given, else one per operation */
	char		 sent_key[WIRE_IDEM_KEY_MAX + 1]; /* the last write's */
	struct keyfile_secret *key;	/* loaded on the first signed call */
	struct net	*net;		/* opened on the first call */
	time_t		 started;	/* when the command was run */
};

struct net *client_net(struct client *, struct net_response *);
struct net *client_net_open(const struct client *, struct net_response *);
int	client_exit_code(int http_status);
int	client_report_problem(const struct client *, const char *what,
	    const struct net_response *);
const char *client_str(json_t *, const char *key);
struct cmd;
int	event_print_link(struct client *, const struct cmd *, json_t *);
int	client_whole(const char *option, const char *text, long long *n);
bool	client_is_month(const char *text);
int	client_write(const char *path, const char *data, size_t len);
int	client_write_private(const char *path, const char *data, size_t len);
int	client_output(struct client *);
enum table_format client_table_format(const struct client *);
int	client_begin(struct client *);
int	client_end(struct client *, int rc);
void	client_bom(struct client *);
void	client_rows(struct client *, const char *sheet,
	    const struct table_column *, size_t ncolumns, json_t *rows);
void	client_record(struct client *, const char *sheet,
	    const struct table_column *, size_t ncolumns, json_t *object);

#endif
