/* What the volunteer operations need in C before their SQL runs: the
 * national ID number becomes a keyed hash and its last four characters,
 * so that the number itself never reaches the database or its logs. */
#ifndef VPOINTSD_VOLUNTEER_H
#define VPOINTSD_VOLUNTEER_H

#include <stddef.h>

#include <jansson.h>

struct ops;

int	volunteer_prepare(const struct ops *, json_t *args, char *detail,
	    size_t len, json_t **members);
int	volunteer_prepare_rows(const struct ops *, json_t *args,
	    char *detail, size_t len, json_t **members);
int	volunteer_id_hash(const char *key_hex, const char *id_number,
	    char *hash_hex, size_t hashlen, char *last4, size_t last4len);

#endif
