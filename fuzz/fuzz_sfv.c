/* Fuzz the RFC 8941 Dictionary parser (common/sfv.c).  The input is a
 * field value.  What the parser accepts must serialize member by member,
 * and the text must parse back to the same members: each one alone, and
 * all of them joined with ", " into one dictionary.  What it refuses it
 * must refuse with a reason. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "buf.h"
#include "sfv.h"

/* Whether two bare items are the same type and value. */
static int
bare_equal(const struct sfv_bare *a, const struct sfv_bare *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case SFV_INTEGER:
	case SFV_DECIMAL:
	case SFV_BOOLEAN:
		return a->integer == b->integer;
	case SFV_STRING:
	case SFV_TOKEN:
	case SFV_BYTES:
		return a->len == b->len &&
		    memcmp(a->string, b->string, a->len) == 0 &&
		    a->string[a->len] == '\0' && b->string[b->len] == '\0';
	default:
		abort();
	}
}

/* Whether two parameter lists hold the same keys, in order, and values. */
static int
params_equal(const struct sfv_param *a, size_t na, const struct sfv_param *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		if (strcmp(a[i].key, b[i].key) != 0 ||
		    !bare_equal(&a[i].value, &b[i].value))
			return 0;
	}
	return 1;
}

/* Whether two items are equal, parameters included. */
static int
item_equal(const struct sfv_item *a, const struct sfv_item *b)
{
	return bare_equal(&a->value, &b->value) &&
	    params_equal(a->params, a->nparams, b->params, b->nparams);
}

/* Whether two dictionary members are equal: key, kind and value. */
static int
member_equal(const struct sfv_member *a, const struct sfv_member *b)
{
	size_t i;

	if (strcmp(a->key, b->key) != 0 || a->type != b->type)
		return 0;
	if (a->type == SFV_MEMBER_ITEM)
		return item_equal(&a->item, &b->item);
	if (a->list.nitems != b->list.nitems)
		return 0;
	for (i = 0; i < a->list.nitems; i++) {
		if (!item_equal(&a->list.items[i], &b->list.items[i]))
			return 0;
	}
	return params_equal(a->list.params, a->list.nparams, b->list.params,
	    b->list.nparams);
}

/* Serialize one member, check that it parses back alone, and append it to
 * all (the whole dictionary's text). */
static void
check_member(const struct sfv_dict *dict, const struct sfv_member *m,
    struct buf *all)
{
	const char *why = NULL;
	struct sfv_dict *again;
	char *text, *list;
	size_t len;

	FUZZ_CHECK(sfv_dict_get(dict, m->key) == m);
	text = sfv_serialize_member(m, &why);
	FUZZ_CHECK(text != NULL);
	len = strlen(text);
	if (m->type == SFV_MEMBER_INNER_LIST) {
		/* key=(...): the inner list's own serializer agrees. */
		list = sfv_serialize_inner_list(&m->list, NULL);
		FUZZ_CHECK(list != NULL);
		FUZZ_CHECK(strlen(m->key) + 1 + strlen(list) == len &&
		    strcmp(text + strlen(m->key) + 1, list) == 0);
		free(list);
	}
	/* Serializing may lengthen the text (padding of byte sequences), past
	 * what the parser takes. */
	if (len <= SFV_MAX_INPUT) {
		again = sfv_parse_dictionary(text, len, &why);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(sfv_dict_count(again) == 1);
		FUZZ_CHECK(member_equal(m, sfv_dict_at(again, 0)));
		sfv_dict_free(again);
	}
	if (all->len != 0)
		buf_puts(all, ", ");
	buf_puts(all, text);
	free(text);
}

/* Parse the input as a dictionary; round-trip what it holds. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf all = { NULL, 0, 0 };
	struct sfv_dict *dict, *again;
	const char *why = NULL;
	size_t i, n;

	dict = sfv_parse_dictionary((const char *)data, size, &why);
	if (dict == NULL) {
		FUZZ_CHECK(why != NULL && *why != '\0');
		return 0;
	}
	n = sfv_dict_count(dict);
	FUZZ_CHECK(n <= SFV_MAX_MEMBERS);
	FUZZ_CHECK(sfv_dict_at(dict, n) == NULL);
	for (i = 0; i < n; i++)
		check_member(dict, sfv_dict_at(dict, i), &all);
	if (all.len <= SFV_MAX_INPUT) {
		again = sfv_parse_dictionary(all.data != NULL ? all.data : "",
		    all.len, &why);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(sfv_dict_count(again) == n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(member_equal(sfv_dict_at(dict, i),
			    sfv_dict_at(again, i)));
		sfv_dict_free(again);
	}
	free(all.data);
	sfv_dict_free(dict);
	return 0;
}
