#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "keyfile.h"
#include "wire.h"
#include "xmalloc.h"

static const char community_usage[] =
"usage: vpoints community add CODE --name NAME --population N\n"
"       vpoints community list\n"
"\n"
"Communities are the unit of registration: N is the resident population,\n"
"the base of the 13 % registration share. Adding needs an admin key.\n";

static const char station_usage[] =
"usage: vpoints station add CODE --community C --name NAME --pubkey FILE\n"
"                           [--role station|admin]\n"
"       vpoints station list\n"
"       vpoints station revoke CODE\n"
"\n"
"Enrol a station's public key (vpoints format, or PEM as openssl writes\n"
"it) and print its key id; list stations; revoke every key of a station,\n"
"which is refused from its next request on. All need an admin key. An\n"
"admin station may leave out --community.\n";

/* A string member or "". */
static const char *
admin_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* Parse a whole non-negative number. */
static int
admin_number(const char *text, long long *n)
{
	char *end;

	*n = strtoll(text, &end, 10);
	return *end == '\0' && end != text && *n >= 0 ? 0 : -1;
}

/* vpoints community add CODE --name NAME --population N */
static int
community_add(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "name",	required_argument, NULL, 'n' },
		{ "population",	required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *population = NULL;
	json_t *body, *result;
	long long n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'p':
			population = optarg;
			break;
		default:
			fputs(community_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || name == NULL || population == NULL) {
		fputs(community_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (admin_number(population, &n) != 0) {
		fprintf(stderr, "vpoints: --population wants a whole number\n");
		return WIRE_EXIT_DATAERR;
	}
	body = json_pack("{s:s, s:s, s:I}", "code", argv[optind], "name", name,
	    "population", (json_int_t)n);
	rc = call_run(cl, "community add", "POST", WIRE_API_PREFIX
	    "/communities", NULL, body, &result);
	json_decref(body);
	if (rc == WIRE_EXIT_OK && !cl->json)
		printf("community %s added: %s, population %lld\n",
		    admin_str(result, "code"), admin_str(result, "name"),
		    (long long)json_integer_value(json_object_get(result,
		    "population")));
	json_decref(result);
	return rc;
}

/* vpoints community list */
static int
community_list(struct client *cl)
{
	json_t *result, *c;
	size_t i;
	int rc;

	rc = call_run(cl, "community list", "GET", WIRE_API_PREFIX
	    "/communities", NULL, NULL, &result);
	if (rc == WIRE_EXIT_OK && !cl->json) {
		printf("%-16s %12s  %s\n", "CODE", "POPULATION", "NAME");
		json_array_foreach(json_object_get(result, "communities"), i,
		    c) {
			printf("%-16s %12lld  %s\n", admin_str(c, "code"),
			    (long long)json_integer_value(json_object_get(c,
			    "population")), admin_str(c, "name"));
		}
	}
	json_decref(result);
	return rc;
}

/* vpoints community add|list */
int
community_main(struct client *cl, int argc, char **argv)
{
	if (client_wants_help(argc, argv)) {
		fputs(community_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return community_add(cl, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return community_list(cl);
	fputs(community_usage, stderr);
	return WIRE_EXIT_USAGE;
}

/* vpoints station add CODE --community C --name NAME --pubkey FILE */
static int
station_add(struct client *cl, int argc, char **argv)
{
	static const struct option options[] = {
		{ "community",	required_argument, NULL, 'c' },
		{ "name",	required_argument, NULL, 'n' },
		{ "pubkey",	required_argument, NULL, 'k' },
		{ "role",	required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *community = NULL, *name = NULL, *pubkey = NULL;
	const char *role = "station";
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char b64[64], keyid[SIG_KEYID_LEN + 1], err[512];
	json_t *body, *result;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (ch) {
		case 'c':
			community = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'k':
			pubkey = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		default:
			fputs(station_usage, stderr);
			return WIRE_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || name == NULL || pubkey == NULL ||
	    (strcmp(role, "station") != 0 && strcmp(role, "admin") != 0) ||
	    (community == NULL && strcmp(role, "station") == 0)) {
		fputs(station_usage, stderr);
		return WIRE_EXIT_USAGE;
	}
	if (keyfile_read_public(pubkey, pk, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpoints: station add: %s\n", err);
		return WIRE_EXIT_DATAERR;
	}
	keyfile_public_b64(pk, b64, sizeof(b64));
	sig_keyid(pk, keyid);
	body = json_pack("{s:s, s:s, s:s, s:s}", "code", argv[optind],
	    "name", name, "public_key", b64, "role", role);
	if (community != NULL)
		json_object_set_new(body, "community", json_string(community));
	rc = call_run(cl, "station add", "POST", WIRE_API_PREFIX "/stations",
	    NULL, body, &result);
	json_decref(body);
	if (rc == WIRE_EXIT_OK && strcmp(admin_str(result, "keyid"), keyid) != 0) {
		fprintf(stderr, "vpoints: station add: the daemon's key id %s "
		    "is not the key's thumbprint %s\n", admin_str(result,
		    "keyid"), keyid);
		rc = WIRE_EXIT_SOFTWARE;
	} else if (rc == WIRE_EXIT_OK && !cl->json) {
		printf("%s\n", keyid);
	}
	json_decref(result);
	return rc;
}

/* Print one station as a table row. */
static void
station_row(json_t *s)
{
	json_t *keys = json_object_get(s, "keys"), *k;
	const char *state = "revoked", *keyid = "-";
	size_t i;

	json_array_foreach(keys, i, k) {
		keyid = admin_str(k, "keyid");
		if (json_is_null(json_object_get(k, "revoked_at")))
			state = "active";
	}
	printf("%-16s %-7s %-16s %-8s %-43s %s\n", admin_str(s, "code"),
	    admin_str(s, "role"), json_is_string(json_object_get(s,
	    "community")) ? admin_str(s, "community") : "-", state, keyid,
	    admin_str(s, "name"));
}

/* vpoints station list */
static int
station_list(struct client *cl)
{
	json_t *result, *s;
	size_t i;
	int rc;

	rc = call_run(cl, "station list", "GET", WIRE_API_PREFIX "/stations",
	    NULL, NULL, &result);
	if (rc == WIRE_EXIT_OK && !cl->json) {
		printf("%-16s %-7s %-16s %-8s %-43s %s\n", "CODE", "ROLE",
		    "COMMUNITY", "KEY", "KEYID", "NAME");
		json_array_foreach(json_object_get(result, "stations"), i, s)
			station_row(s);
	}
	json_decref(result);
	return rc;
}

/* vpoints station revoke CODE */
static int
station_revoke(struct client *cl, const char *code)
{
	json_t *result;
	char *path;
	int rc;

	path = xasprintf(WIRE_API_PREFIX "/stations/%s/revoke", code);
	rc = call_run(cl, "station revoke", "POST", path, NULL, NULL, &result);
	free(path);
	if (rc == WIRE_EXIT_OK && !cl->json)
		printf("station %s: %lld key(s) revoked now\n",
		    admin_str(result, "code"), (long long)json_integer_value(
		    json_object_get(result, "revoked_now")));
	json_decref(result);
	return rc;
}

/* vpoints station add|list|revoke */
int
station_main(struct client *cl, int argc, char **argv)
{
	if (client_wants_help(argc, argv)) {
		fputs(station_usage, stdout);
		return WIRE_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return station_add(cl, argc - 1, argv + 1);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return station_list(cl);
	if (argc == 3 && strcmp(argv[1], "revoke") == 0)
		return station_revoke(cl, argv[2]);
	fputs(station_usage, stderr);
	return WIRE_EXIT_USAGE;
}
