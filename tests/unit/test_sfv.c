#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tests/unit/unit.h"
#include "sfv.h"

/* Parse a NUL-terminated field value; a refusal must come with a reason. */
static struct sfv_dict *
parse(const char *input)
{
	struct sfv_dict	*dict;
	const char	*errstr = NULL;

	dict = sfv_parse_dictionary(input, strlen(input), &errstr);
	if (dict == NULL)
		ck_assert_ptr_nonnull(errstr);
	return (dict);
}

/* Whether a field value is refused. */
static int
refused(const char *input)
{
	struct sfv_dict	*dict;

	dict = parse(input);
	if (dict == NULL)
		return (1);
	sfv_dict_free(dict);
	return (0);
}

/* The bare item of member "a" of a one-member value that must parse. */
static struct sfv_bare
bare_of(const char *input)
{
	struct sfv_dict		*dict;
	const struct sfv_member	*member;
	struct sfv_bare		 bare;
	static char		 copy[SFV_MAX_INPUT + 1];

	dict = parse(input);
	ck_assert_msg(dict != NULL, "refused: %s", input);
	ck_assert_uint_eq(sfv_dict_count(dict), 1);
	member = sfv_dict_get(dict, "a");
	ck_assert_ptr_nonnull(member);
	ck_assert_int_eq(member->type, SFV_MEMBER_ITEM);
	bare = member->item.value;
	if (bare.string != NULL) {
		memcpy(copy, bare.string, bare.len + 1);
		bare.string = copy;
	}
	sfv_dict_free(dict);
	return (bare);
}

/* Build "a=" followed by n copies of an element joined by sep. */
static char *
repeat(const char *head, const char *element, const char *sep, int n,
    const char *tail)
{
	static char	buf[SFV_MAX_INPUT * 2];
	int		i;

	strcpy(buf, head);
	for (i = 0; i < n; i++) {
		if (i != 0)
			strcat(buf, sep);
		strcat(buf, element);
	}
	strcat(buf, tail);
	return (buf);
}

START_TEST(test_dictionary)
{
	struct sfv_dict		*dict;
	const struct sfv_member	*m;
	const struct sfv_bare	*v;

	dict = parse("a=1, b=\"two\";p=?0, c=(tok :aGk=:);q, d");
	ck_assert_ptr_nonnull(dict);
	ck_assert_uint_eq(sfv_dict_count(dict), 4);
	ck_assert_str_eq(sfv_dict_at(dict, 0)->key, "a");
	ck_assert_str_eq(sfv_dict_at(dict, 1)->key, "b");
	ck_assert_str_eq(sfv_dict_at(dict, 2)->key, "c");
	ck_assert_str_eq(sfv_dict_at(dict, 3)->key, "d");
	ck_assert_ptr_null(sfv_dict_at(dict, 4));
	ck_assert_ptr_null(sfv_dict_get(dict, "e"));

	m = sfv_dict_get(dict, "a");
	ck_assert_int_eq(m->item.value.type, SFV_INTEGER);
	ck_assert_int_eq(m->item.value.integer, 1);
	ck_assert_uint_eq(m->item.nparams, 0);

	m = sfv_dict_get(dict, "b");
	ck_assert_int_eq(m->item.value.type, SFV_STRING);
	ck_assert_str_eq(m->item.value.string, "two");
	v = sfv_param_get(m->item.params, m->item.nparams, "p");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, SFV_BOOLEAN);
	ck_assert_int_eq(v->integer, 0);

	m = sfv_dict_get(dict, "c");
	ck_assert_int_eq(m->type, SFV_MEMBER_INNER_LIST);
	ck_assert_uint_eq(m->list.nitems, 2);
	ck_assert_int_eq(m->list.items[0].value.type, SFV_TOKEN);
	ck_assert_str_eq(m->list.items[0].value.string, "tok");
	ck_assert_int_eq(m->list.items[1].value.type, SFV_BYTES);
	ck_assert_uint_eq(m->list.items[1].value.len, 2);
	ck_assert_mem_eq(m->list.items[1].value.string, "hi", 2);
	v = sfv_param_get(m->list.params, m->list.nparams, "q");
	ck_assert_int_eq(v->type, SFV_BOOLEAN);
	ck_assert_int_eq(v->integer, 1);

	m = sfv_dict_get(dict, "d");
	ck_assert_int_eq(m->type, SFV_MEMBER_ITEM);
	ck_assert_int_eq(m->item.value.type, SFV_BOOLEAN);
	ck_assert_int_eq(m->item.value.integer, 1);
	sfv_dict_free(dict);
}
END_TEST

START_TEST(test_integer)
{
	struct sfv_bare	b;

	b = bare_of("a=999999999999999");
	ck_assert_int_eq(b.type, SFV_INTEGER);
	ck_assert_int_eq(b.integer, 999999999999999LL);
	b = bare_of("a=-999999999999999");
	ck_assert_int_eq(b.integer, -999999999999999LL);
	ck_assert_int_eq(bare_of("a=007").integer, 7);
	ck_assert_int_eq(bare_of("a=-0").integer, 0);

	ck_assert(refused("a=1000000000000000"));	/* 16 digits */
	ck_assert(refused("a=-1000000000000000"));
	ck_assert(refused("a=-"));
	ck_assert(refused("a=-x"));
	ck_assert(refused("a=+1"));
	ck_assert(refused("a=1x"));
}
END_TEST

START_TEST(test_decimal)
{
	struct sfv_bare	b;

	b = bare_of("a=1.5");
	ck_assert_int_eq(b.type, SFV_DECIMAL);
	ck_assert_int_eq(b.integer, 1500);
	ck_assert_int_eq(bare_of("a=-0.25").integer, -250);
	ck_assert_int_eq(bare_of("a=123456789012.123").integer,
	    123456789012123LL);

	ck_assert(refused("a=1234567890123.1"));	/* 13 integer digits */
	ck_assert(refused("a=1.1234"));
	ck_assert(refused("a=1."));
	ck_assert(refused("a=1.2.3"));
	ck_assert(refused("a=.5"));
	ck_assert(refused("a=-.5"));
}
END_TEST

START_TEST(test_string)
{
	struct sfv_bare	b;

	b = bare_of("a=\"a\\\"b\\\\c\"");
	ck_assert_int_eq(b.type, SFV_STRING);
	ck_assert_str_eq(b.string, "a\"b\\c");
	ck_assert_uint_eq(b.len, 5);
	b = bare_of("a=\"\"");
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(bare_of("a=\" ~ok~ \"").string, " ~ok~ ");

	ck_assert(refused("a=\"abc"));			/* unterminated */
	ck_assert(refused("a=\"abc\\"));		/* ends in an escape */
	ck_assert(refused("a=\"a\\nb\""));		/* \n is no escape */
	ck_assert(refused("a=\"a\\'b\""));
	ck_assert(refused("a=\"tab\there\""));
	ck_assert(refused("a=\"del\x7f\""));
	ck_assert(refused("a=\"caf\xc3\xa9\""));	/* not ASCII */
	ck_assert(refused("a='single'"));
}
END_TEST

START_TEST(test_token)
{
	struct sfv_bare	b;

	b = bare_of("a=foo/bar:baz*!#");
	ck_assert_int_eq(b.type, SFV_TOKEN);
	ck_assert_str_eq(b.string, "foo/bar:baz*!#");
	ck_assert_str_eq(bare_of("a=*x").string, "*x");
	ck_assert_str_eq(bare_of("a=Tok").string, "Tok");
	ck_assert_int_eq(bare_of("a=true").type, SFV_TOKEN);

	ck_assert(refused("a=f\"oo\""));
	ck_assert(refused("a=@x"));
	ck_assert(refused("a=1foo"));
	ck_assert(refused("a=foo bar"));
	ck_assert(refused("a=_x"));
}
END_TEST

START_TEST(test_key)
{
	ck_assert(!refused("*a=1"));
	ck_assert(!refused("a_b-c.d*9=1"));
	ck_assert(refused("A=1"));
	ck_assert(refused("aB=1"));
	ck_assert(refused("1a=1"));
	ck_assert(refused("_a=1"));
	ck_assert(refused("a=1, B=2"));
	ck_assert(refused("=1"));
	ck_assert(refused("a;P=1"));
}
END_TEST

START_TEST(test_whitespace)
{
	ck_assert_int_eq(bare_of(" a=1 ").integer, 1);
	ck_assert_int_eq(bare_of("a=1\t").integer, 1);
	ck_assert(!refused("a=1 ,\tb=2"));
	ck_assert(!refused("a=1,   b=2"));
	ck_assert(!refused("a;  p=1"));
	ck_assert(!refused("a=( 1  2 )"));

	ck_assert(refused("\ta=1"));		/* only SP is discarded first */
	ck_assert(refused("a =1"));
	ck_assert(refused("a= 1"));
	ck_assert(refused("a= (1)"));
	ck_assert(refused("a=1 ;p"));
	ck_assert(refused("a;p =1"));
	ck_assert(refused("a;\tp"));
	ck_assert(refused("a=(1\t2)"));
	ck_assert(refused("a=(1,2)"));
	ck_assert(refused("a=(\t1)"));
}
END_TEST

START_TEST(test_trailing_garbage)
{
	ck_assert(refused("a=1,"));
	ck_assert(refused("a=1, "));
	ck_assert(refused("a=1,,b=2"));
	ck_assert(refused("a=1;"));
	ck_assert(refused("a=1 x"));
	ck_assert(refused("a=?1x"));
	ck_assert(refused("a=(1 2)x"));
	ck_assert(refused("a=\"s\"\"t\""));
	ck_assert(refused("a=1\r\n"));
}
END_TEST

START_TEST(test_empty)
{
	struct sfv_dict	*dict;

	dict = parse("");
	ck_assert_ptr_nonnull(dict);
	ck_assert_uint_eq(sfv_dict_count(dict), 0);
	sfv_dict_free(dict);
	dict = parse("   ");
	ck_assert_ptr_nonnull(dict);
	ck_assert_uint_eq(sfv_dict_count(dict), 0);
	sfv_dict_free(dict);

	ck_assert(refused(","));
	ck_assert(refused("\t"));
}
END_TEST

START_TEST(test_too_long)
{
	char		 input[SFV_MAX_INPUT + 2];
	const char	*errstr = NULL;
	struct sfv_dict	*dict;

	memset(input, 'x', sizeof input);
	memcpy(input, "a=\"", 3);
	input[SFV_MAX_INPUT - 1] = '"';
	input[SFV_MAX_INPUT] = '\0';
	ck_assert_uint_eq(bare_of(input).len, SFV_MAX_INPUT - 4);

	input[SFV_MAX_INPUT - 1] = 'x';
	input[SFV_MAX_INPUT] = '"';
	input[SFV_MAX_INPUT + 1] = '\0';
	dict = sfv_parse_dictionary(input, strlen(input), &errstr);
	ck_assert_ptr_null(dict);
	ck_assert_str_eq(errstr, "field value too long");
}
END_TEST

START_TEST(test_duplicate_keys)
{
	struct sfv_dict		*dict;
	const struct sfv_member	*m;

	dict = parse("a=1, b=2, a=3");
	ck_assert_ptr_nonnull(dict);
	ck_assert_uint_eq(sfv_dict_count(dict), 2);
	ck_assert_str_eq(sfv_dict_at(dict, 0)->key, "a");
	ck_assert_int_eq(sfv_dict_at(dict, 0)->item.value.integer, 3);
	ck_assert_str_eq(sfv_dict_at(dict, 1)->key, "b");
	sfv_dict_free(dict);

	dict = parse("a=(1 2), a=\"x\"");
	ck_assert_ptr_nonnull(dict);
	m = sfv_dict_get(dict, "a");
	ck_assert_int_eq(m->type, SFV_MEMBER_ITEM);
	ck_assert_str_eq(m->item.value.string, "x");
	sfv_dict_free(dict);

	dict = parse("a;x=1;y;x=2");
	ck_assert_ptr_nonnull(dict);
	m = sfv_dict_get(dict, "a");
	ck_assert_uint_eq(m->item.nparams, 2);
	ck_assert_str_eq(m->item.params[0].key, "x");
	ck_assert_int_eq(m->item.params[0].value.integer, 2);
	ck_assert_str_eq(m->item.params[1].key, "y");
	sfv_dict_free(dict);
}
END_TEST

START_TEST(test_bounds)
{
	char	buf[SFV_MAX_INPUT];
	int	i;

	buf[0] = '\0';
	for (i = 0; i < SFV_MAX_MEMBERS; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
		    "%sk%d=%d", i ? ", " : "", i, i);
	ck_assert(!refused(buf));
	strcat(buf, ", k0=9");			/* a repeat is no new member */
	ck_assert(!refused(buf));
	strcat(buf, ", extra=1");
	ck_assert(refused(buf));

	ck_assert(!refused(repeat("a=(", "1", " ", SFV_MAX_ITEMS, ")")));
	ck_assert(refused(repeat("a=(", "1", " ", SFV_MAX_ITEMS + 1, ")")));

	buf[0] = '\0';
	strcpy(buf, "a=1");
	for (i = 0; i < SFV_MAX_PARAMS; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
		    ";p%d", i);
	ck_assert(!refused(buf));
	strcat(buf, ";p0=2");
	ck_assert(!refused(buf));
	strcat(buf, ";extra");
	ck_assert(refused(buf));
}
END_TEST

START_TEST(test_boolean)
{
	struct sfv_dict		*dict;
	const struct sfv_member	*m;

	ck_assert_int_eq(bare_of("a=?1").type, SFV_BOOLEAN);
	ck_assert_int_eq(bare_of("a=?1").integer, 1);
	ck_assert_int_eq(bare_of("a=?0").integer, 0);
	ck_assert_int_eq(bare_of("a").integer, 1);

	dict = parse("a;p");
	m = sfv_dict_get(dict, "a");
	ck_assert_int_eq(m->item.params[0].value.type, SFV_BOOLEAN);
	ck_assert_int_eq(m->item.params[0].value.integer, 1);
	sfv_dict_free(dict);

	ck_assert(refused("a=?2"));
	ck_assert(refused("a=?"));
	ck_assert(refused("a=?10"));
	ck_assert(refused("a=?T"));
}
END_TEST

START_TEST(test_byte_sequence)
{
	struct sfv_bare	b;

	b = bare_of("a=:aGVsbG8=:");
	ck_assert_int_eq(b.type, SFV_BYTES);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_mem_eq(b.string, "hello", 5);
	b = bare_of("a=:aGVsbG8:");			/* padding left out */
	ck_assert_uint_eq(b.len, 5);
	ck_assert_mem_eq(b.string, "hello", 5);
	ck_assert_uint_eq(bare_of("a=::").len, 0);
	b = bare_of("a=:AAE=:");
	ck_assert_uint_eq(b.len, 2);
	ck_assert_mem_eq(b.string, "\0\1", 2);

	ck_assert(refused("a=:aGVsbG8="));		/* unterminated */
	ck_assert(refused("a=:aGV*bG8=:"));
	ck_assert(refused("a=:a-b_:"));			/* base64url */
	ck_assert(refused("a=:aGVsbG8==:"));		/* wrong padding */
	ck_assert(refused("a=:aGVs=bG8=:"));		/* padding inside */
	ck_assert(refused("a=:a:"));			/* 6 bits */
	ck_assert(refused("a=:aGVs bG8=:"));
}
END_TEST

START_TEST(test_inner_list)
{
	struct sfv_dict		*dict;
	const struct sfv_member	*m;

	dict = parse("a=()");
	m = sfv_dict_get(dict, "a");
	ck_assert_int_eq(m->type, SFV_MEMBER_INNER_LIST);
	ck_assert_uint_eq(m->list.nitems, 0);
	sfv_dict_free(dict);

	dict = parse("a=(\"x\";p=1 y);q=\"r\"");
	m = sfv_dict_get(dict, "a");
	ck_assert_uint_eq(m->list.nitems, 2);
	ck_assert_int_eq(m->list.items[0].params[0].value.integer, 1);
	ck_assert_str_eq(m->list.params[0].key, "q");
	ck_assert_str_eq(m->list.params[0].value.string, "r");
	sfv_dict_free(dict);

	ck_assert(refused("a=((1))"));
	ck_assert(refused("a=(1 2"));
	ck_assert(refused("a=(1 2 "));
	ck_assert(refused("a=("));
	ck_assert(refused("a=(1)(2)"));
}
END_TEST

START_TEST(test_not_ascii)
{
	static const char	with_nul[] = "a=1\0";
	struct sfv_dict		*dict;
	const char		*errstr = NULL;

	ck_assert(refused("a=1\x80"));
	dict = sfv_parse_dictionary(with_nul, sizeof with_nul - 1, &errstr);
	ck_assert_ptr_null(dict);
	ck_assert_ptr_nonnull(errstr);
}
END_TEST

START_TEST(test_error_reasons)
{
	static const struct {
		const char	*input;
		const char	*reason;
	} cases[] = {
		{ "a=1000000000000000", "integer over 15 digits" },
		{ "a=1234567890123.1", "decimal over 12 digits" },
		{ "a=1.1234", "decimal over 3 fractional digits" },
		{ "a=1.", "decimal ends with a dot" },
		{ "a=\"abc", "string is unterminated" },
		{ "a=\"a\\nb\"", "string has a bad escape" },
		{ "a=@x", "unknown item type" },
		{ "A=1", "key must start with a-z or *" },
		{ "a=1,", "dictionary ends with a comma" },
		{ "a=1 x", "dictionary members need a comma between" },
		{ "a=(1 2", "inner list is unterminated" },
		{ "a=(1,2)", "inner list needs SP between items" },
		{ "a=:aGVsbG8=", "byte sequence is unterminated" },
		{ "a=:a-b_:", "byte sequence is not base64" },
		{ "a=?2", "boolean must be ?0 or ?1" },
		{ "a=\xff", "field value is not ASCII" },
	};
	const char	*errstr;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		errstr = NULL;
		ck_assert_ptr_null(sfv_parse_dictionary(cases[i].input,
		    strlen(cases[i].input), &errstr));
		ck_assert_msg(errstr != NULL &&
		    strcmp(errstr, cases[i].reason) == 0,
		    "%s: got \"%s\", want \"%s\"", cases[i].input,
		    errstr ? errstr : "(null)", cases[i].reason);
	}
}
END_TEST

START_TEST(test_serialize_inner_list)
{
	struct sfv_item		items[2];
	struct sfv_param	params[7];
	struct sfv_param	item_param;
	struct sfv_inner_list	list;
	char			*out;

	memset(items, 0, sizeof items);
	memset(params, 0, sizeof params);
	memset(&item_param, 0, sizeof item_param);
	items[0].value.type = SFV_STRING;
	items[0].value.string = "@method";
	items[1].value.type = SFV_STRING;
	items[1].value.string = "say \"hi\\\"";
	item_param.key = "sf";
	item_param.value.type = SFV_BOOLEAN;
	item_param.value.integer = 1;
	items[1].params = &item_param;
	items[1].nparams = 1;

	params[0].key = "created";
	params[0].value.type = SFV_INTEGER;
	params[0].value.integer = 1618884473;
	params[1].key = "keyid";
	params[1].value.type = SFV_STRING;
	params[1].value.string = "test-key";
	params[2].key = "on";
	params[2].value.type = SFV_BOOLEAN;
	params[2].value.integer = 1;
	params[3].key = "off";
	params[3].value.type = SFV_BOOLEAN;
	params[4].key = "dec";
	params[4].value.type = SFV_DECIMAL;
	params[4].value.integer = 1500;
	params[5].key = "tok";
	params[5].value.type = SFV_TOKEN;
	params[5].value.string = "foo/bar";
	params[6].key = "bin";
	params[6].value.type = SFV_BYTES;
	params[6].value.string = "hi";
	params[6].value.len = 2;

	memset(&list, 0, sizeof list);
	list.items = items;
	list.nitems = 2;
	list.params = params;
	list.nparams = 7;
	out = sfv_serialize_inner_list(&list, NULL);
	ck_assert_str_eq(out, "(\"@method\" \"say \\\"hi\\\\\\\"\";sf)"
	    ";created=1618884473;keyid=\"test-key\";on;off=?0;dec=1.5"
	    ";tok=foo/bar;bin=:aGk=:");
	free(out);

	memset(&list, 0, sizeof list);
	out = sfv_serialize_inner_list(&list, NULL);
	ck_assert_str_eq(out, "()");
	free(out);
}
END_TEST

/* Serialize one decimal parameter; NULL if refused. */
static char *
serialize_decimal(int64_t thousandths)
{
	struct sfv_param	param;
	struct sfv_inner_list	list;

	memset(&param, 0, sizeof param);
	memset(&list, 0, sizeof list);
	param.key = "d";
	param.value.type = SFV_DECIMAL;
	param.value.integer = thousandths;
	list.params = &param;
	list.nparams = 1;
	return (sfv_serialize_inner_list(&list, NULL));
}

START_TEST(test_serialize_decimal)
{
	static const struct {
		int64_t		 value;
		const char	*text;
	} cases[] = {
		{ 1000, "();d=1.0" },
		{ 0, "();d=0.0" },
		{ -250, "();d=-0.25" },
		{ 1, "();d=0.001" },
		{ 120, "();d=0.12" },
		{ 123456789012345LL, "();d=123456789012.345" },
	};
	char	*out;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = serialize_decimal(cases[i].value);
		ck_assert_str_eq(out, cases[i].text);
		free(out);
	}
	ck_assert_ptr_null(serialize_decimal(1000000000000000LL));
}
END_TEST

START_TEST(test_serialize_refusals)
{
	struct sfv_item		item;
	struct sfv_inner_list	list;
	struct sfv_member	member;
	const char		*errstr;

	memset(&item, 0, sizeof item);
	memset(&list, 0, sizeof list);
	list.items = &item;
	list.nitems = 1;

	item.value.type = SFV_STRING;
	item.value.string = "line\nbreak";
	errstr = NULL;
	ck_assert_ptr_null(sfv_serialize_inner_list(&list, &errstr));
	ck_assert_ptr_nonnull(errstr);

	item.value.type = SFV_TOKEN;
	item.value.string = "1abc";
	ck_assert_ptr_null(sfv_serialize_inner_list(&list, NULL));
	item.value.string = "ab\"c";
	ck_assert_ptr_null(sfv_serialize_inner_list(&list, NULL));

	item.value.type = SFV_INTEGER;
	item.value.integer = 1000000000000000LL;
	ck_assert_ptr_null(sfv_serialize_inner_list(&list, NULL));

	memset(&member, 0, sizeof member);
	member.key = "Bad";
	member.item.value.type = SFV_INTEGER;
	errstr = NULL;
	ck_assert_ptr_null(sfv_serialize_member(&member, &errstr));
	ck_assert_ptr_nonnull(errstr);
}
END_TEST

START_TEST(test_round_trip)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "a;x=1", "a;x=1" },
		{ "a=?1;x", "a;x" },
		{ "a=?0", "a=?0" },
		{ "a=:aGk:", "a=:aGk=:" },
		{ "a=(  \"x\"   y  );k=1.50", "a=(\"x\" y);k=1.5" },
		{ "a=-007", "a=-7" },
		{ "a=\"q\\\"\"", "a=\"q\\\"\"" },
	};
	struct sfv_dict		*dict;
	char			*out;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dict = parse(cases[i].in);
		ck_assert_ptr_nonnull(dict);
		out = sfv_serialize_member(sfv_dict_at(dict, 0), NULL);
		ck_assert_str_eq(out, cases[i].out);
		free(out);
		sfv_dict_free(dict);
	}

	dict = parse("sig1=( \"@method\"  \"@path\" );created=1;keyid=\"k\"");
	out = sfv_serialize_inner_list(&sfv_dict_get(dict, "sig1")->list,
	    NULL);
	ck_assert_str_eq(out, "(\"@method\" \"@path\");created=1;keyid=\"k\"");
	free(out);
	sfv_dict_free(dict);
}
END_TEST

/* Run the parsing and the serializing tests; the exit status says
 * whether any failed. */
int
main(void)
{
	Suite *s = suite_create("sfv");

	unit_case(s, "parse", UNIT_TESTS(test_dictionary, test_integer,
	    test_decimal, test_string, test_token, test_key, test_whitespace,
	    test_trailing_garbage, test_empty, test_too_long,
	    test_duplicate_keys, test_bounds, test_boolean,
	    test_byte_sequence, test_inner_list, test_not_ascii,
	    test_error_reasons));
	unit_case(s, "serialize", UNIT_TESTS(test_serialize_inner_list,
	    test_serialize_decimal, test_serialize_refusals,
	    test_round_trip));
	return unit_run(s);
}
