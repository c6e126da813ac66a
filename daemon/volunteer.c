#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "daemon/ops.h"
#include "daemon/volunteer.h"

#define VOLUNTEER_ID_MAX	32	/* characters of an ID number */

/* HMAC-SHA-256 (hex) of an ID number, normalised (trimmed, upper case,
 * letters and digits only), and its last four characters. -1 if the
 * number is not 4 to 32 letters and digits. */
int
volunteer_id_hash(const char *key_hex, const char *id_number, char *hash_hex,
    size_t hashlen, char *last4, size_t last4len)
{
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char id[VOLUNTEER_ID_MAX + 1];
	size_t n = 0, i, len;

	len = strlen(id_number);
	while (len > 0 && isspace((unsigned char)id_number[len - 1]))
		len--;
	for (i = 0; i < len && isspace((unsigned char)id_number[i]); i++)
		;
	for (; i < len; i++) {
		if (!isalnum((unsigned char)id_number[i]) ||
		    n == VOLUNTEER_ID_MAX)
			goto fail;
		id[n++] = (char)toupper((unsigned char)id_number[i]);
	}
	if (n < 4)
		goto fail;
	if (sodium_hex2bin(key, sizeof(key), key_hex, strlen(key_hex), NULL,
	    NULL, NULL) != 0)
		goto fail;
	crypto_auth_hmacsha256(mac, (const unsigned char *)id, n, key);
	sodium_bin2hex(hash_hex, hashlen, mac, sizeof(mac));
	snprintf(last4, last4len, "%.4s", id + n - 4);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(id, sizeof(id));
	return 0;
fail:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(id, sizeof(id));
	return -1;
}

/* POST /v1/volunteers, PATCH /v1/volunteers/{number}: replace "id_number"
 * by "id_hash" and "id_last4"; a client may not send those two itself. */
int
volunteer_prepare(const struct ops *ops, json_t *args, char *detail,
    size_t len, json_t **members)
{
	const char *key = (*ops->conf)->id_hash_key;
	char hash[2 * crypto_auth_hmacsha256_BYTES + 1], last4[5];
	const char *id;
	json_t *v;

	json_object_del(args, "id_hash");
	json_object_del(args, "id_last4");
	v = json_object_get(args, "id_number");
	if (v == NULL || json_is_null(v)) {
		json_object_del(args, "id_number");
		return 0;
	}
	if ((id = json_string_value(v)) == NULL) {
		snprintf(detail, len, "\"id_number\" must be a string");
		*members = json_pack("{s:s, s:s, s:s}", "field", "id_number",
		    "reason", "type", "json_type", "string");
		return -1;
	}
	if (*key == '\0') {
		snprintf(detail, len, "ID numbers are not accepted: the daemon "
		    "has no id_hash_key configured");
		*members = json_pack("{s:s, s:s}", "field", "id_number",
		    "reason", "not-accepted");
		return -1;
	}
	if (volunteer_id_hash(key, id, hash, sizeof(hash), last4,
	    sizeof(last4)) != 0) {
		snprintf(detail, len, "\"id_number\" must be 4 to %d letters "
		    "and digits", VOLUNTEER_ID_MAX);
		*members = json_pack("{s:s, s:s, s:i, s:i}", "field",
		    "id_number", "reason", "id-number", "min_length", 4,
		    "max_length", VOLUNTEER_ID_MAX);
		return -1;
	}
	json_object_del(args, "id_number");
	json_object_set_new(args, "id_hash", json_string(hash));
	json_object_set_new(args, "id_last4", json_string(last4));
	return 0;
}

/* POST /v1/import/volunteers: each row's "id_number" becomes "id_hash"
 * and "id_last4" as for one registration. A row whose ID number cannot
 * be hashed is not the batch's fault: it gets "id_number_refused" with
 * the reason, which refuses that row only (sql/functions/import.sql). */
int
volunteer_prepare_rows(const struct ops *ops, json_t *args, char *detail,
    size_t len, json_t **members)
{
	json_t *rows = json_object_get(args, "rows"), *row, *why_members;
	char why[256];
	size_t i;

	if (!json_is_array(rows))
		return 0;	/* refused in SQL, with the other fields */
	json_array_foreach(rows, i, row) {
		if (!json_is_object(row))
			continue;
		json_object_del(row, "id_number_refused");
		why[0] = '\0';
		why_members = NULL;
		if (volunteer_prepare(ops, row, why, sizeof(why),
		    &why_members) != 0) {
			json_object_del(row, "id_number");
			json_object_set_new(row, "id_number_refused",
			    json_string(why));
		}
		json_decref(why_members);
	}
	(void)detail;
	(void)len;
	(void)members;
	return 0;
}
