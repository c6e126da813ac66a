#include "config.h"

#include <stdio.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "keyfile.h"
#include "wire.h"

static const char keygen_about[] =
N_("Make an Ed25519 key pair for a station: the secret key in FILE (mode\n"
"0600), the public key in FILE.pub; print the key id (the RFC 7638\n"
"thumbprint). Existing files are never overwritten. Give FILE.pub to the\n"
"administrator, who enrols it with vpoints station add.\n");

/* vpoints keygen --out FILE */
static int
keygen_run(struct client *cl, struct cmd *c)
{
	char keyid[SIG_KEYID_LEN + 1], err[512];
	const char *out = cmd_get(c, "out");

	if (keyfile_generate(out, keyid, err, sizeof(err)) != 0) {
		fprintf(stderr, _("vpoints: keygen: %s\n"), err);
		return WIRE_EXIT_CONFIG;
	}
	if (cl->json)
		printf("{\"keyid\":\"%s\",\"secret_key\":\"%s\"}\n", keyid,
		    out);
	else
		printf("%s\n", keyid);
	return WIRE_EXIT_OK;
}

static const struct cmd_option keygen_options[] = {
	{ "out", CMD_STRING, .value = "FILE", .flags = CMD_REQUIRED,
	    .letter = 'o' },
	CMD_END
};

static const struct cmd_verb keygen_verbs[] = {
	{ .options = keygen_options, .flags = CMD_LOCAL, .run = keygen_run },
};

const struct cmd_entry cmd_keygen_entry = {
	.name = "keygen",
	.summary = N_("make a station key pair"),
	.about = keygen_about,
	.verbs = keygen_verbs,
	.nverbs = CMD_NITEMS(keygen_verbs),
};
