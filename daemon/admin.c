#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "daemon/admin.h"
#include "keyfile.h"
#include "sig.h"

/* POST /v1/stations: accept the public key in any form keyfile reads
 * (vpoints format, PEM, base64url) and pass it on as base64url. */
int
admin_prepare_station(const struct ops *ops, json_t *args, char *detail,
    size_t len, json_t **members)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char b64[64], why[128];
	const char *text;

	text = json_string_value(json_object_get(args, "public_key"));
	if (text == NULL) {
		snprintf(detail, len, "\"public_key\" must be a string");
		*members = json_pack("{s:s, s:s, s:s}", "field", "public_key",
		    "reason", "type", "json_type", "string");
		return -1;
	}
	if (keyfile_parse_public(text, pk, why, sizeof(why)) != 0) {
		snprintf(detail, len, "\"public_key\": %s", why);
		*members = json_pack("{s:s, s:s}", "field", "public_key",
		    "reason", "key");
		return -1;
	}
	keyfile_public_b64(pk, b64, sizeof(b64));
	json_object_set_new(args, "public_key", json_string(b64));
	return 0;
}

/* vpointsd --init-admin FILE.pub: enrol the first admin key, before the
 * event loop runs (so blocking libpq is fine). */
int
admin_init(const char *conninfo, const char *pubkey_path, char *keyid,
    size_t keyidlen, char *err, size_t errlen)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	const char *params[1];
	char b64[64];
	PGresult *res;
	PGconn *pg;
	int rc = -1;

	if (keyfile_read_public(pubkey_path, pk, err, errlen) != 0)
		return -1;
	keyfile_public_b64(pk, b64, sizeof(b64));
	params[0] = b64;
	pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the database: %s",
		    PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	res = PQexecParams(pg, "SELECT vp_init_admin($1)", 1, NULL, params,
	    NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		snprintf(keyid, keyidlen, "%s", PQgetvalue(res, 0, 0));
		rc = 0;
	} else {
		snprintf(err, errlen, "%s", PQresultErrorMessage(res));
	}
	PQclear(res);
	PQfinish(pg);
	return rc;
}
