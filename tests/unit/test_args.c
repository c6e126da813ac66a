/* Unit tests of daemon/args.c: a request's body, query and {} segment
 * into an operation's arguments, or the problem the daemon replies. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/unit/unit.h"
#include "daemon/args.h"
#include "daemon/conf.h"
#include "daemon/ops.h"
#include "wire.h"

static char		 id_hash_key[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static char		 no_key[] = "";
static struct conf	 conf_keyed = { .id_hash_key = id_hash_key };
static struct conf	 conf_unkeyed = { .id_hash_key = no_key };
static struct conf	*conf_keyed_p = &conf_keyed;
static struct conf	*conf_unkeyed_p = &conf_unkeyed;
static const struct ops	 keyed = { .conf = &conf_keyed_p };
static const struct ops	 unkeyed = { .conf = &conf_unkeyed_p };

/* Decode for op with ops; the arguments as compact text (sorted keys), or
 * NULL with *p filled. */
static char *
decode(enum wire_op op, const struct ops *ops, const char *query,
    const char *body, const char *segment, struct args_problem *p)
{
	struct args_request req = { query, body, strlen(body), segment };
	json_t *args;
	char *text;

	memset(p, 0, sizeof(*p));
	args = args_decode(op, ops, &req, p);
	if (args == NULL)
		return NULL;
	text = json_dumps(args, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(args);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* Assert that decoding gives text. */
static void
decodes(enum wire_op op, const char *query, const char *body,
    const char *segment, const char *want)
{
	struct args_problem p;
	char *got = decode(op, &keyed, query, body, segment, &p);

	ck_assert_msg(got != NULL, "refused: %d %s %s", p.status, p.type,
	    p.detail);
	ck_assert_str_eq(got, want);
	free(got);
}

/* Assert that decoding is refused with status, type and detail (NULL:
 * jansson's words, whatever they are). */
static void
refused(enum wire_op op, const struct ops *ops, const char *query,
    const char *body, const char *segment, int status, const char *type,
    const char *detail)
{
	struct args_problem p;
	char *got = decode(op, ops, query, body, segment, &p);

	ck_assert_msg(got == NULL, "decoded: %s", got);
	ck_assert_int_eq(p.status, status);
	ck_assert_str_eq(p.type, type);
	ck_assert_ptr_nonnull(p.title);
	if (detail != NULL)
		ck_assert_str_eq(p.detail, detail);
	else
		ck_assert_str_ne(p.detail, "");
}

START_TEST(writes_take_the_body)
{
	decodes(WIRE_OP_COMMUNITY_ADD, "", "{\"name\":\"East\",\"n\":2}", NULL,
	    "{\"n\":2,\"name\":\"East\"}");
	decodes(WIRE_OP_COMMUNITY_ADD, "ignored=1", "", NULL, "{}");
	/* The {} segment is added, over a field of the same name. */
	decodes(WIRE_OP_SHIFT_CHECKOUT, "", "{\"id\":\"7\",\"note\":\"x\"}",
	    "42", "{\"id\":\"42\",\"note\":\"x\"}");
	decodes(WIRE_OP_MONTH_CLOSE, "", "", "2026-09",
	    "{\"month\":\"2026-09\"}");
}
END_TEST

START_TEST(writes_want_a_json_object)
{
	refused(WIRE_OP_REDEEM, &keyed, "", "[1,2]", NULL, 400,
	    WIRE_P_INVALID_JSON, "The body must be a JSON object.");
	refused(WIRE_OP_REDEEM, &keyed, "", "{\"a\":1", NULL, 400,
	    WIRE_P_INVALID_JSON, NULL);
	refused(WIRE_OP_REDEEM, &keyed, "", "{\"a\":1,\"a\":2}", NULL, 400,
	    WIRE_P_INVALID_JSON, NULL);
}
END_TEST

START_TEST(reads_take_the_query)
{
	decodes(WIRE_OP_SHIFT_LIST, "volunteer=V-1&from=2026-01-01%2000:00",
	    "{\"not\":\"read\"}", NULL,
	    "{\"from\":\"2026-01-01 00:00\",\"volunteer\":\"V-1\"}");
	decodes(WIRE_OP_AUDIT, "", "", NULL, "{}");
	decodes(WIRE_OP_VOLUNTEER_LEDGER, "", "", "V-00123",
	    "{\"number\":\"V-00123\"}");
	refused(WIRE_OP_SHIFT_LIST, &keyed, "a=1&a=2", "", NULL, 400,
	    WIRE_P_BAD_REQUEST,
	    "The query string is malformed or repeats a parameter.");
}
END_TEST

START_TEST(station_key_is_prepared)
{
	/* RFC 8410 section 10.1's public key, as base64url. */
	decodes(WIRE_OP_STATION_ADD, "",
	    "{\"public_key\":\"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE\"}",
	    NULL,
	    "{\"public_key\":\"Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE\"}");
	refused(WIRE_OP_STATION_ADD, &keyed, "", "{\"public_key\":3}", NULL,
	    422, WIRE_P_INVALID_FIELD, "\"public_key\" must be a string");
}
END_TEST

START_TEST(id_numbers_are_hashed)
{
	struct args_problem p;
	json_t *args;
	char *text;

	text = decode(WIRE_OP_VOLUNTEER_UPDATE, &keyed, "",
	    "{\"id_number\":\" ab1234 \",\"id_hash\":\"forged\"}", "V-1", &p);
	ck_assert_ptr_nonnull(text);
	args = json_loads(text, 0, NULL);
	ck_assert_ptr_null(json_object_get(args, "id_number"));
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(args,
	    "id_hash"))), 64);
	ck_assert_str_eq(json_string_value(json_object_get(args, "id_last4")),
	    "1234");
	ck_assert_str_eq(json_string_value(json_object_get(args, "number")),
	    "V-1");
	json_decref(args);
	free(text);
	refused(WIRE_OP_VOLUNTEER_ADD, &unkeyed, "",
	    "{\"id_number\":\"AB1234\"}", NULL, 422, WIRE_P_INVALID_FIELD,
	    "ID numbers are not accepted: the daemon has no id_hash_key "
	    "configured");
	decodes(WIRE_OP_VOLUNTEER_ADD, "", "{\"id_number\":null}", NULL, "{}");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, writes_take_the_body);
	tcase_add_test(tc, writes_want_a_json_object);
	tcase_add_test(tc, reads_take_the_query);
	tcase_add_test(tc, station_key_is_prepared);
	tcase_add_test(tc, id_numbers_are_hashed);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
