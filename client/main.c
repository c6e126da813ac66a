#include "config.h"
#include "version.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "keyfile.h"
#include "wire.h"

/* vpoints [global options] COMMAND [args]: parse the command line against
 * the command tables (client/cmd.c), then run the command. */
int
main(int argc, char **argv)
{
	struct settings_args args = { NULL, NULL, NULL, NULL };
	struct client cl;
	struct cmd *c;
	enum cmd_parsed parsed;
	char err[512], *cause;
	bool configured;
	int rc;

	i18n_init();
	memset(&cl, 0, sizeof(cl));
	cl.started = time(NULL);
	cl.timeout = 10;
	cl.retries = 5;
	parsed = cmd_parse(argc, argv, &cl, &args, &c, &cause);
	/* The config file's language = speaks in the usage too; a bad
	 * config file matters only to a command that runs. */
	configured = settings_resolve(&cl.settings, &args, err,
	    sizeof(err)) == 0;
	if (configured && cl.settings.language != NULL) {
		i18n_language(cl.settings.language);
		/* The line was judged before the language was known: say
		 * what is wrong with it again, in that language. */
		if (parsed == CMD_BAD) {
			free(cause);
			cmd_free(c);
			parsed = cmd_parse(argc, argv, &cl, &args, &c, &cause);
		}
	}
	switch (parsed) {
	case CMD_PARSED:
		break;
	case CMD_HELP:
		cmd_usage(stdout, c);
		rc = WIRE_EXIT_OK;
		goto done;
	case CMD_VERSION:
		printf("vpoints %s\n", VPOINTS_VERSION);
		rc = WIRE_EXIT_OK;
		goto done;
	case CMD_BAD:
		if (c != NULL)
			fprintf(stderr, "vpoints: %s: %s\n", cmd_what(c),
			    cause);
		else
			fprintf(stderr, "vpoints: %s\n", cause);
		cmd_usage(stderr, c);
		rc = WIRE_EXIT_USAGE;
		goto done;
	default:
		abort();
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "vpoints: %s\n", _("libsodium cannot start"));
		rc = WIRE_EXIT_SOFTWARE;
		goto done;
	}
	if (!configured) {
		fprintf(stderr, "vpoints: %s: %s\n", _("config"), err);
		rc = WIRE_EXIT_CONFIG;
		goto done;
	}
	if ((rc = client_output(&cl)) == 0)
		rc = cmd_exec(&cl, c);
done:
	free(cause);
	cmd_free(c);
	keyfile_secret_free(cl.key);
	net_close(cl.net);
	settings_clear(&cl.settings);
	return rc;
}
