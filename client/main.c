#include "config.h"
#include "version.h"

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
	struct settings_args args = { NULL, NULL, NULL };
	struct client cl;
	struct cmd *c;
	char err[512], *cause;
	int rc;

	i18n_init();
	memset(&cl, 0, sizeof(cl));
	cl.started = time(NULL);
	cl.timeout = 10;
	cl.retries = 5;
	switch (cmd_parse(argc, argv, &cl, &args, &c, &cause)) {
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
		fprintf(stderr, "vpoints: libsodium cannot start\n");
		rc = WIRE_EXIT_SOFTWARE;
		goto done;
	}
	if (settings_resolve(&cl.settings, &args, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpoints: config: %s\n", err);
		rc = WIRE_EXIT_CONFIG;
		goto done;
	}
	if ((rc = client_output(&cl)) == 0)
		rc = cmd_exec(&cl, c);
done:
	free(cause);
	cmd_free(c);
	keyfile_secret_free(cl.key);
	settings_clear(&cl.settings);
	return rc;
}
