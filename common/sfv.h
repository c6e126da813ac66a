/* RFC 8941 Structured Field Values: a strict parser for Dictionaries and
 * the serializers for Inner Lists and Dictionary members.
 *
 * Parsing follows RFC 8941 section 4.2 step by step; whatever the
 * algorithms reject is rejected, and so is anything beyond the bounds
 * below.  Parsed values are read through the plain structs; the same structs,
 * filled by the caller, are what the serializers take. */
#ifndef VPOINTS_SFV_H
#define VPOINTS_SFV_H

#include <stddef.h>
#include <stdint.h>

/* Bounds: bytes in a field value, distinct keys in a dictionary, items in
 * an inner list, distinct keys in one item's or list's parameters. */
#define SFV_MAX_INPUT	4096
#define SFV_MAX_MEMBERS	16
#define SFV_MAX_ITEMS	32
#define SFV_MAX_PARAMS	16

/* The largest Integer magnitude, 15 digits (and Decimal, in thousandths). */
#define SFV_INTEGER_MAX	999999999999999LL

/* The kind of a bare item. */
enum sfv_type {
	SFV_INTEGER,	/* .integer */
	SFV_DECIMAL,	/* .integer counts thousandths: 1.5 is 1500 */
	SFV_STRING,	/* .string, NUL-terminated, .len bytes */
	SFV_TOKEN,	/* .string, NUL-terminated, .len bytes */
	SFV_BYTES,	/* .string holds .len decoded bytes (plus a NUL) */
	SFV_BOOLEAN,	/* .integer is 0 or 1 */
};

/* A bare item.  Serializers read .len for SFV_BYTES only. */
struct sfv_bare {
	enum sfv_type	 type;
	int64_t		 integer;
	const char	*string;
	size_t		 len;
};

/* One parameter: a key and a bare item. */
struct sfv_param {
	const char	*key;
	struct sfv_bare	 value;
};

/* An item: a bare item with its parameters. */
struct sfv_item {
	struct sfv_bare		 value;
	struct sfv_param	*params;
	size_t			 nparams;
};

/* An inner list: items with the list's own parameters. */
struct sfv_inner_list {
	struct sfv_item		*items;
	size_t			 nitems;
	struct sfv_param	*params;
	size_t			 nparams;
};

/* What a dictionary member holds. */
enum sfv_member_type {
	SFV_MEMBER_ITEM,	/* .item */
	SFV_MEMBER_INNER_LIST,	/* .list */
};

/* One dictionary member. */
struct sfv_member {
	const char		*key;
	enum sfv_member_type	 type;
	struct sfv_item		 item;
	struct sfv_inner_list	 list;
};

struct sfv_dict;

struct sfv_dict	*sfv_parse_dictionary(const char *input, size_t len,
		     const char **errstr);
void		 sfv_dict_free(struct sfv_dict *dict);
size_t		 sfv_dict_count(const struct sfv_dict *dict);
const struct sfv_member *sfv_dict_at(const struct sfv_dict *dict,
		     size_t idx);
const struct sfv_member *sfv_dict_get(const struct sfv_dict *dict,
		     const char *key);
const struct sfv_bare *sfv_param_get(const struct sfv_param *params,
		     size_t nparams, const char *key);

char		*sfv_serialize_inner_list(const struct sfv_inner_list *list,
		     const char **errstr);
char		*sfv_serialize_member(const struct sfv_member *member,
		     const char **errstr);

#endif
