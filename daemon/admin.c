#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "daemon/admin.h"
#include "keyfile.h"
#include "sig.h"

/* POST /v1/stations and /v1/stations/{code}/keys: accept the public key
 * in any form keyfile reads (vpoints format, PEM, a JWK as text or as a
 * JSON object, base64url) and pass it on as base64url. */
int
admin_prepare_station(const struct ops *ops, json_t *args, char *detail,
    size_t len)
{
	unsigned char pk[SIG_PUBLICKEYBYTES];
	char b64[64], why[128], *jwk = NULL;
	const char *text;
	json_t *value = json_object_get(args, "public_key");
	int rc;

	if (json_is_object(value))
		text = jwk = json_dumps(value, JSON_COMPACT);
	else
		text = json_string_value(value);
	if (text == NULL) {
		snprintf(detail, len, "\"public_key\" must be a string or a "
		    "JWK");
		return -1;
	}
	rc = keyfile_parse_public(text, pk, why, sizeof(why));
	free(jwk);
	if (rc != 0) {
		snprintf(detail, len, "\"public_key\": %s", why);
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
