#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/client.h"
#include "client/cmd.h"
#include "client/headings.h"
#include "client/i18n.h"
#include "client/table.h"
#include "keyfile.h"
#include "wire.h"

static const char community_about[] =
N_("Communities are the unit of registration: N is the resident population,\n"
"the base of the 13 % registration share. Adding needs an admin key, or\n"
"an office key and a --region of its own. A community sits in a region of\n"
"the lowest level (see vpoints region); place puts it in another one\n"
"from now on.\n");

static const char station_about[] =
N_("Enrol a station's public key (vpoints format, PEM as openssl writes it,\n"
"or a JWK) and print its key id; list stations; revoke every key of a\n"
"station, or with --key the one key, which is refused from its next\n"
"request on. rotate enrols a new key for a station: both keys sign until\n"
"the old one is revoked (a station holds at most two); a lost key is\n"
"revoked and replaced the same way. All need an admin key, or an office\n"
"key for the stations of its region's communities and the offices below\n"
"it. An admin station may leave out --community; an office key (--role\n"
"office) has a --region instead. link: a new URL of the station's\n"
"calendar of events (iCalendar), revoking the one before; a station\n"
"may link its own.\n");

/* Print the community the daemon added. */
static int
community_print_added(struct client *cl, const struct cmd *c, json_t *added)
{
	printf(_("community %s added: %s, population %lld\n"),
	    client_str(added, "code"), client_str(added, "name"),
	    (long long)json_integer_value(json_object_get(added,
	    "population")));
	return WIRE_EXIT_OK;
}

static const struct table_column community_rows[] = {
	{ "code", N_("CODE"), NULL, false },
	{ "population", N_("POPULATION"), NULL, true },
	{ "region", N_("REGION"), NULL, false },
	{ "name", N_("NAME"), NULL, false },
};

static const struct cmd_option community_add_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", CMD_REQUIRED),
	CMD_OPT("population", CMD_WHOLE, "population", "N", CMD_REQUIRED),
	CMD_OPT("region", CMD_STRING, "region", "R", 0),
	CMD_END
};

static const struct cmd_option community_place_options[] = {
	CMD_OPT("region", CMD_STRING, "region", "R", CMD_REQUIRED),
	CMD_END
};

/* Print where the community sits now. */
static int
community_print_placed(struct client *cl, const struct cmd *c, json_t *placed)
{
	printf(_("community %s is in region %s\n"), client_str(placed, "code"),
	    client_str(placed, "region"));
	return WIRE_EXIT_OK;
}

static const struct cmd_verb community_verbs[] = {
	{ .name = "add", .args = cmd_code, .options = community_add_options,
	    .op = WIRE_OP_COMMUNITY_ADD, .print = community_print_added },
	{ .name = "list", .op = WIRE_OP_COMMUNITY_LIST,
	    CMD_ROWS("communities", community_rows) },
	{ .name = "place", .args = cmd_code, .options = community_place_options,
	    .op = WIRE_OP_COMMUNITY_PLACE, .print = community_print_placed },
};

const struct cmd_entry cmd_community_entry = {
	.name = "community",
	.summary = N_("add, list and place communities (admin, office)"),
	.about = community_about,
	.verbs = community_verbs,
	.nverbs = CMD_NITEMS(community_verbs),
};

/* The public key of --pubkey FILE, base64url as the daemon takes it. */
static int
station_pubkey(const struct cmd *c, const struct cmd_option *o,
    const char *path, json_t **value)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char b64[64], err[512];

	if (keyfile_read_public(path, pk, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpoints: %s: %s\n", cmd_what(c), err);
		return WIRE_EXIT_DATAERR;
	}
	keyfile_public_b64(pk, b64, sizeof(b64));
	*value = json_string(b64);
	return 0;
}

/* A station needs its community, an office its region; an admin station
 * may have none. */
static const char *
station_check(const struct cmd *c)
{
	if (cmd_get(c, "community") == NULL &&
	    strcmp(cmd_get(c, "role"), "station") == 0)
		return _("--community is required for a station");
	if (cmd_get(c, "region") == NULL &&
	    strcmp(cmd_get(c, "role"), "office") == 0)
		return _("--region is required for an office");
	return NULL;
}

/* Print the key id of the station the daemon enrolled, after checking it
 * is the thumbprint of the key sent (with --json too). */
static int
station_print_added(struct client *cl, const struct cmd *c, json_t *added)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char keyid[SIG_KEYID_LEN + 1], err[512];
	const char *sent = json_string_value(json_object_get(cmd_body(c),
	    "public_key"));

	if (sent == NULL || keyfile_parse_public(sent, pk, err,
	    sizeof(err)) != 0)
		abort();
	sig_keyid(pk, keyid);
	if (strcmp(client_str(added, "keyid"), keyid) != 0) {
		fprintf(stderr, _("vpoints: %s: the daemon's key id %s "
		    "is not the key's thumbprint %s\n"), cmd_what(c),
		    client_str(added, "keyid"), keyid);
		return WIRE_EXIT_SOFTWARE;
	}
	if (!cl->json)
		printf("%s\n", keyid);
	return WIRE_EXIT_OK;
}

/* A station as listed: its members, and of its keys whether any is
 * active ("key") and the newest ("keyid"). */
static const struct table_column station_rows[] = {
	{ "code", N_("CODE"), NULL, false },
	{ "role", N_("ROLE"), NULL, false },
	{ "community", N_("COMMUNITY"), NULL, false },
	{ "key", N_("KEY"), NULL, false },
	{ "keyid", N_("KEYID"), NULL, false },
	{ "name", N_("NAME"), NULL, false },
};

/* Print the stations: a row each, with its newest key. */
static int
station_print_list(struct client *cl, const struct cmd *c, json_t *list)
{
	json_t *station, *key, *rows = json_array(), *row;
	const char *state, *keyid;
	size_t i, k;

	if (cl->format == CLIENT_TABLE)
		printf("%-16s %-7s %-16s %-8s %-43s %s\n", _("CODE"),
		    _("ROLE"), _("COMMUNITY"), _("KEY"), _("KEYID"), _("NAME"));
	json_array_foreach(json_object_get(list, "stations"), i, station) {
		state = "revoked";
		keyid = NULL;
		json_array_foreach(json_object_get(station, "keys"), k, key) {
			keyid = client_str(key, "keyid");
			if (json_is_null(json_object_get(key, "revoked_at")))
				state = "active";
		}
		if (cl->format == CLIENT_TABLE)
			printf("%-16s %-7s %-16s %-8s %-43s %s\n",
			    client_str(station, "code"),
			    heading_value("role", client_str(station, "role")),
			    json_is_string(json_object_get(station,
			    "community")) ? client_str(station, "community") :
			    json_is_string(json_object_get(station, "region")) ?
			    client_str(station, "region") :
			    "-", heading_value("key", state),
			    keyid != NULL ? keyid : "-",
			    client_str(station, "name"));
		row = json_copy(station);
		json_object_set_new(row, "key", json_string(state));
		json_object_set_new(row, "keyid", keyid != NULL ?
		    json_string(keyid) : json_null());
		json_array_append_new(rows, row);
	}
	if (cl->format != CLIENT_TABLE)
		client_rows(cl, "stations", station_rows,
		    CMD_NITEMS(station_rows), rows);
	json_decref(rows);
	return WIRE_EXIT_OK;
}

/* Print how many keys a revocation revoked. */
static int
station_print_revoked(struct client *cl, const struct cmd *c, json_t *done)
{
	printf(_("station %s: %lld key(s) revoked now\n"),
	    client_str(done, "code"), (long long)json_integer_value(
	    json_object_get(done, "revoked_now")));
	return WIRE_EXIT_OK;
}

static const struct cmd_option station_add_options[] = {
	CMD_OPT("name", CMD_STRING, "name", "NAME", CMD_REQUIRED),
	{ "pubkey", CMD_CUSTOM, .field = "public_key", .value = "FILE",
	    .flags = CMD_REQUIRED, .parse = station_pubkey },
	{ "role", CMD_CHOICE, .field = "role", .value = "station|office|admin",
	    .fallback = "station" },
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_OPT("region", CMD_STRING, "region", "R", 0),
	CMD_END
};

static const struct cmd_option station_link_options[] = {
	CMD_OPT("revoke", CMD_FLAG, "revoke", NULL, 0),
	CMD_OPT("png", CMD_STRING, NULL, "FILE", 0),
	CMD_END
};

static const struct cmd_option station_rotate_options[] = {
	{ "pubkey", CMD_CUSTOM, .field = "public_key", .value = "FILE",
	    .flags = CMD_REQUIRED, .parse = station_pubkey },
	CMD_END
};

static const struct cmd_option station_revoke_options[] = {
	CMD_OPT("key", CMD_STRING, "keyid", "KEYID", 0),
	CMD_END
};

static const struct cmd_verb station_verbs[] = {
	{ .name = "add", .args = cmd_code, .options = station_add_options,
	    .op = WIRE_OP_STATION_ADD, .flags = CMD_PRINT_JSON,
	    .check = station_check, .print = station_print_added },
	{ .name = "list", .op = WIRE_OP_STATION_LIST, .flags = CMD_TABLES,
	    .print = station_print_list },
	{ .name = "rotate", .args = cmd_code,
	    .options = station_rotate_options,
	    .op = WIRE_OP_STATION_KEY_ADD, .flags = CMD_PRINT_JSON,
	    .print = station_print_added },
	{ .name = "revoke", .args = cmd_code,
	    .options = station_revoke_options, .op = WIRE_OP_STATION_REVOKE,
	    .print = station_print_revoked },
	{ .name = "link", .args = cmd_code, .options = station_link_options,
	    .op = WIRE_OP_STATION_LINK, .print = event_print_link },
};

const struct cmd_entry cmd_station_entry = {
	.name = "station",
	.summary = N_("enrol stations; list, rotate and revoke their keys (admin, office)"),
	.about = station_about,
	.verbs = station_verbs,
	.nverbs = CMD_NITEMS(station_verbs),
};
