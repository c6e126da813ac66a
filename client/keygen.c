#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "client/client.h"
#include "keyfile.h"
#include "wire.h"

static const char keygen_usage[] =
"usage: vpoints keygen --out FILE\n"
"\n"
"Make an Ed25519 key pair for a station: the secret key in FILE (mode\n"
"0600), the public key in FILE.pub; print the key id (the RFC 7638\n"
"thumbprint). Existing files are never overwritten. Give FILE.pub to the\n"
"administrator, who enrols it with vpoints station add.\n";

/* vpoints keygen --out FILE */
int
keygen_main(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "out",	required_argument, NULL, 'o' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char keyid[SIG_KEYID_LEN + 1], err[512];
	const char *out = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(keygen_usage, stdout);
			return WIRE_EXIT_OK;
		default:
			fputs(keygen_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (out == NULL || optind != argc) {
		fputs(keygen_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (keyfile_generate(out, keyid, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpoints: keygen: %s\n", err);
		return WIRE_EXIT_CONFIG;
	}
	if (cl->json)
		printf("{\"keyid\":\"%s\",\"secret_key\":\"%s\"}\n", keyid, out);
	else
		printf("%s\n", keyid);
	return WIRE_EXIT_OK;
}
