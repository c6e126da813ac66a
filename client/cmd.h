/* vpoints commands as data, after tmux's cmd_entry and args_parse. Each
 * command file declares one struct cmd_entry: the command's name, its line
 * in vpoints --help, its help text and its verbs (subcommands). A verb
 * lists its positional arguments and options, each with the JSON field it
 * becomes and its type, the route it calls (common/routes.h) and how its
 * answer is printed. This module parses a command line against the tables
 * (global options before or after the command), checks it, builds the
 * request (path, query or JSON body), makes the call and hands the answer
 * to the verb's printer. Every usage text comes from the tables. */
#ifndef VPOINTS_CMD_H
#define VPOINTS_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "client/client.h"
#include "client/settings.h"
#include "client/table.h"
#include "routes.h"

/* What a value is on the command line, and what it becomes. */
enum cmd_type {
	CMD_STRING,		/* text, as given */
	CMD_FLAG,		/* an option without a value: true (query: 1) */
	CMD_CHOICE,		/* one of the words of value, "a|b|c" */
	CMD_WHOLE,		/* a whole number, 0 or more: a JSON integer */
	CMD_WHOLES,		/* whole numbers "1,2,3": a JSON list */
	CMD_YEAR,		/* YYYY */
	CMD_MONTH,		/* YYYY-MM, a month 01 to 12 */
	CMD_DATE,		/* YYYY-MM-DD in shape */
	CMD_TIME,		/* RFC 3339, or a local "YYYY-MM-DD HH:MM" */
	CMD_CUSTOM		/* what the option's parse function makes */
};

/* Flags of an argument or option. */
#define CMD_REQUIRED	0x01	/* an option that must be given */
#define CMD_LIST	0x02	/* may be repeated: a JSON list; "" leaves
				 * it empty */
#define CMD_FALSE	0x04	/* a flag that sends false */
#define CMD_NOW		0x08	/* not given: the time (date) the command
				 * was run, so that a queued write keeps it */
#define CMD_SWITCH	0x10	/* given, the verb calls the option's op */

/* Flags of a verb. */
#define CMD_OFFLINE	0x01	/* queued in the outbox when vpointsd
				 * gives no answer */
#define CMD_PRINT_JSON	0x02	/* the printer runs with --json too */
#define CMD_SOME	0x04	/* wants at least one option */
#define CMD_LOCAL	0x08	/* calls no route: run does it all */
#define CMD_TABLES	0x10	/* its printer or run prints lists or
				 * records (client_rows, client_record),
				 * which --format xlsx makes sheets of; a
				 * verb with columns does */
#define CMD_PAGE	0x20	/* --format html: run prints a page */

/* The number of rows of a table (verbs, columns). */
#define CMD_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* A row of an option table: --name_, its type, the JSON field it becomes
 * (NULL: not sent), its value's word in the usage, its flags. */
#define CMD_OPT(name_, type_, field_, value_, flags_)			\
	{ .name = (name_), .type = (type_), .field = (field_),		\
	    .value = (value_), .flags = (flags_) }

/* A positional argument: its word in the usage, its type, its field. */
#define CMD_ARG(word_, type_, field_)					\
	{ .name = (word_), .type = (type_), .field = (field_) }

/* Ends a list of arguments or options. */
#define CMD_END		{ .name = NULL }

/* A verb's answer printed as rows: its member holding them, the columns. */
#define CMD_ROWS(member_, columns_)					\
	.rows = (member_), .columns = (columns_),			\
	.ncolumns = CMD_NITEMS(columns_)

/* A verb's answer printed as one record of these columns. */
#define CMD_RECORD(columns_)						\
	.columns = (columns_), .ncolumns = CMD_NITEMS(columns_)

struct cmd;
struct cmd_option;

/* Makes the JSON value of a CMD_CUSTOM option from its text; 0, or says
 * why not and returns the exit code. */
typedef int cmd_parse_cb(const struct cmd *, const struct cmd_option *,
    const char *text, json_t **value);

/* A positional argument or an option. */
struct cmd_option {
	const char	*name;		/* an option's name without "--"; an
					 * argument's word in the usage */
	enum cmd_type	 type;
	const char	*field;		/* the JSON member, query parameter or
					 * route's {} it becomes; NULL: not
					 * sent (the command reads it) */
	const char	*value;		/* an option value's word in the usage;
					 * CMD_CHOICE: the choices, a|b|c */
	int		 flags;
	const char	*fallback;	/* taken when not given, or NULL */
	cmd_parse_cb	*parse;		/* CMD_CUSTOM */
	enum wire_op	 op;		/* CMD_SWITCH: the route it calls */
	char		 letter;	/* a one-letter form, -o, or 0 */
};

/* One verb of a command ("volunteer add"), or a command without verbs. */
struct cmd_verb {
	const char		*name;	/* the subcommand; NULL for none */
	const struct cmd_option	*args;	/* positional, in order, or NULL */
	const struct cmd_option	*options; /* or NULL */
	enum wire_op		 op;	/* the route it calls */
	int			 flags;
	/* A usage error the table cannot say, or NULL. */
	const char		*(*check)(const struct cmd *);
	/* Does all instead of the call, once the request is built. */
	int			(*run)(struct client *, struct cmd *);
	/* Prints a successful answer; the exit code. */
	int			(*print)(struct client *, const struct cmd *,
				    json_t *answer);
	/* Without print: the answer as a table or record. */
	const struct table_column *columns;
	size_t			 ncolumns;
	const char		*rows;	/* the member of the rows; NULL: the
					 * answer is one record */
};

/* A command: the word after vpoints. */
struct cmd_entry {
	const char		*name;
	const char		*summary;	/* its line in vpoints --help */
	const char		*about;		/* its help after the usage */
	const struct cmd_verb	*verbs;
	size_t			 nverbs;
};

/* What cmd_parse made of a command line. */
enum cmd_parsed {
	CMD_PARSED,		/* a command to run */
	CMD_HELP,		/* --help: the usage to standard output */
	CMD_VERSION,		/* --version */
	CMD_BAD			/* a usage error: cause says what */
};

/* The argument CODE many verbs take, the code of what they add or change. */
extern const struct cmd_option cmd_code[];

/* Every command, in the order vpoints --help lists them; NULL ends it. */
extern const struct cmd_entry *const cmd_table[];

extern const struct cmd_entry cmd_activity_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_balance_entry;
extern const struct cmd_entry cmd_card_entry;
extern const struct cmd_entry cmd_catalog_entry;
extern const struct cmd_entry cmd_certificate_entry;
extern const struct cmd_entry cmd_community_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_event_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_keygen_entry;
extern const struct cmd_entry cmd_month_entry;
extern const struct cmd_entry cmd_outbox_entry;
extern const struct cmd_entry cmd_redeem_entry;
extern const struct cmd_entry cmd_redemption_entry;
extern const struct cmd_entry cmd_region_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_shift_entry;
extern const struct cmd_entry cmd_signup_entry;
extern const struct cmd_entry cmd_star_levels_entry;
extern const struct cmd_entry cmd_station_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_team_entry;
extern const struct cmd_entry cmd_training_entry;
extern const struct cmd_entry cmd_qualification_entry;
extern const struct cmd_entry cmd_award_entry;
extern const struct cmd_entry cmd_evaluation_entry;
extern const struct cmd_entry cmd_volunteer_entry;

enum cmd_parsed cmd_parse(int argc, char **argv, struct client *,
	    struct settings_args *, struct cmd **, char **cause);
int	cmd_build(struct client *, struct cmd *);
int	cmd_exec(struct client *, struct cmd *);
void	cmd_usage(FILE *, const struct cmd *);
void	cmd_free(struct cmd *);

const char *cmd_what(const struct cmd *);
const char *cmd_sub(const struct cmd *);
const char *cmd_arg(const struct cmd *, size_t);
const char *cmd_get(const struct cmd *, const char *option);
int	cmd_choice(const struct cmd *, const char *option);
const char *cmd_path(const struct cmd *);
const char *cmd_query(const struct cmd *);
json_t	*cmd_body(const struct cmd *);
enum wire_op cmd_op(const struct cmd *);

#endif
