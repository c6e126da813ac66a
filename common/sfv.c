#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "sfv.h"
#include "xmalloc.h"

/* A parsed dictionary: members in the order their keys first appeared. */
struct sfv_dict {
	struct sfv_member	members[SFV_MAX_MEMBERS];
	size_t			nmembers;
};

/* The parser's place in its input and, once it failed, the reason. */
struct sfv_parser {
	const char	*cur;
	const char	*end;
	const char	*errstr;
};

/* Whether c is an ASCII digit. */
static int
sfv_is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

/* Whether c is an ASCII letter. */
static int
sfv_is_alpha(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/* Whether c is a tchar of RFC 9110 section 5.6.2. */
static int
sfv_is_tchar(int c)
{
	if (sfv_is_alpha(c) || sfv_is_digit(c))
		return (1);
	return (c > 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Whether c may start a key. */
static int
sfv_is_key_start(int c)
{
	return ((c >= 'a' && c <= 'z') || c == '*');
}

/* Whether c may follow the first character of a key. */
static int
sfv_is_key_char(int c)
{
	return (sfv_is_key_start(c) || sfv_is_digit(c) || c == '_' ||
	    c == '-' || c == '.');
}

/* Record why parsing failed; the -1 is for the caller to return. */
static int
sfv_fail(struct sfv_parser *p, const char *why)
{
	if (p->errstr == NULL)
		p->errstr = why;
	return (-1);
}

/* The next input character, or -1 at the end. */
static int
sfv_peek(const struct sfv_parser *p)
{
	if (p->cur == p->end)
		return (-1);
	return ((unsigned char)*p->cur);
}

/* Discard leading SP characters. */
static void
sfv_skip_sp(struct sfv_parser *p)
{
	while (p->cur != p->end && *p->cur == ' ')
		p->cur++;
}

/* Discard leading OWS: SP and HTAB. */
static void
sfv_skip_ows(struct sfv_parser *p)
{
	while (p->cur != p->end && (*p->cur == ' ' || *p->cur == '\t'))
		p->cur++;
}

/* Free what a bare item owns. */
static void
sfv_bare_clear(struct sfv_bare *bare)
{
	free((void *)bare->string);
	bare->string = NULL;
	bare->len = 0;
}

/* Free an array of parameters and what they own. */
static void
sfv_params_free(struct sfv_param *params, size_t nparams)
{
	size_t	i;

	for (i = 0; i < nparams; i++) {
		free((void *)params[i].key);
		sfv_bare_clear(&params[i].value);
	}
	free(params);
}

/* Free what an item owns. */
static void
sfv_item_clear(struct sfv_item *item)
{
	sfv_bare_clear(&item->value);
	sfv_params_free(item->params, item->nparams);
	item->params = NULL;
	item->nparams = 0;
}

/* Free what an inner list owns. */
static void
sfv_inner_list_clear(struct sfv_inner_list *list)
{
	size_t	i;

	for (i = 0; i < list->nitems; i++)
		sfv_item_clear(&list->items[i]);
	free(list->items);
	sfv_params_free(list->params, list->nparams);
	memset(list, 0, sizeof *list);
}

/* Free what a member's value owns; the key stays. */
static void
sfv_member_clear(struct sfv_member *member)
{
	sfv_item_clear(&member->item);
	sfv_inner_list_clear(&member->list);
}

/* Parse a Key (RFC 8941 section 4.2.3.3) into a new string. */
static int
sfv_parse_key(struct sfv_parser *p, char **key)
{
	const char	*start = p->cur;

	if (!sfv_is_key_start(sfv_peek(p)))
		return (sfv_fail(p, "key must start with a-z or *"));
	while (p->cur != p->end && sfv_is_key_char((unsigned char)*p->cur))
		p->cur++;
	*key = xstrndup(start, p->cur - start);
	return (0);
}

/* Parse an Integer or a Decimal (RFC 8941 section 4.2.4). */
static int
sfv_parse_number(struct sfv_parser *p, struct sfv_bare *bare)
{
	char	digits[24];
	size_t	len = 0, dot = 0, nfrac, i;
	int	decimal = 0, c;
	int64_t	sign = 1, whole = 0, frac = 0;

	if (sfv_peek(p) == '-') {
		p->cur++;
		sign = -1;
	}
	if (!sfv_is_digit(sfv_peek(p)))
		return (sfv_fail(p, "number must start with a digit"));
	while ((c = sfv_peek(p)) != -1) {
		if (sfv_is_digit(c))
			digits[len++] = c;
		else if (!decimal && c == '.') {
			if (len > 12)
				return (sfv_fail(p, "decimal over 12 digits"));
			dot = len;
			digits[len++] = '.';
			decimal = 1;
		} else
			break;
		p->cur++;
		if (!decimal && len > 15)
			return (sfv_fail(p, "integer over 15 digits"));
		if (decimal && len > 16)
			return (sfv_fail(p, "decimal over 16 characters"));
	}

	if (!decimal) {
		for (i = 0; i < len; i++)
			whole = whole * 10 + (digits[i] - '0');
		bare->type = SFV_INTEGER;
		bare->integer = sign * whole;
		return (0);
	}
	nfrac = len - dot - 1;
	if (nfrac == 0)
		return (sfv_fail(p, "decimal ends with a dot"));
	if (nfrac > 3)
		return (sfv_fail(p, "decimal over 3 fractional digits"));
	for (i = 0; i < dot; i++)
		whole = whole * 10 + (digits[i] - '0');
	for (i = dot + 1; i < len; i++)
		frac = frac * 10 + (digits[i] - '0');
	for (; nfrac < 3; nfrac++)
		frac *= 10;
	bare->type = SFV_DECIMAL;
	bare->integer = sign * (whole * 1000 + frac);
	return (0);
}

/* Parse a String (RFC 8941 section 4.2.5). */
static int
sfv_parse_string(struct sfv_parser *p, struct sfv_bare *bare)
{
	char	*out;
	size_t	 len = 0;
	int	 c;

	if (sfv_peek(p) != '"')
		return (sfv_fail(p, "string must start with a quote"));
	p->cur++;
	out = xmalloc(p->end - p->cur + 1);
	while (p->cur != p->end) {
		c = (unsigned char)*p->cur++;
		if (c == '\\') {
			if (p->cur == p->end) {
				sfv_fail(p, "string ends inside an escape");
				goto fail;
			}
			c = (unsigned char)*p->cur++;
			if (c != '"' && c != '\\') {
				sfv_fail(p, "string has a bad escape");
				goto fail;
			}
			out[len++] = c;
		} else if (c == '"') {
			out[len] = '\0';
			bare->type = SFV_STRING;
			bare->string = out;
			bare->len = len;
			return (0);
		} else if (c < 0x20 || c > 0x7e) {
			sfv_fail(p, "string has a character out of range");
			goto fail;
		} else
			out[len++] = c;
	}
	sfv_fail(p, "string is unterminated");
fail:
	free(out);
	return (-1);
}

/* Parse a Token (RFC 8941 section 4.2.6). */
static int
sfv_parse_token(struct sfv_parser *p, struct sfv_bare *bare)
{
	const char	*start = p->cur;
	int		 c = sfv_peek(p);

	if (!sfv_is_alpha(c) && c != '*')
		return (sfv_fail(p, "token must start with a letter or *"));
	p->cur++;
	while ((c = sfv_peek(p)) != -1 &&
	    (sfv_is_tchar(c) || c == ':' || c == '/'))
		p->cur++;
	bare->type = SFV_TOKEN;
	bare->len = p->cur - start;
	bare->string = xstrndup(start, bare->len);
	return (0);
}

/*
 * Parse a Byte Sequence (RFC 8941 section 4.2.7).  Padding may be left out,
 * as the RFC asks; when present it must be right.  Non-zero pad bits are
 * refused: libsodium cannot be told to allow them, which the RFC permits.
 */
static int
sfv_parse_bytes(struct sfv_parser *p, struct sfv_bare *bare)
{
	const char	*start, *stop, *s;
	char		*out;
	size_t		 len, npad = 0, outlen;
	int		 variant;

	if (sfv_peek(p) != ':')
		return (sfv_fail(p, "byte sequence must start with a colon"));
	start = ++p->cur;
	stop = memchr(start, ':', p->end - start);
	if (stop == NULL)
		return (sfv_fail(p, "byte sequence is unterminated"));
	for (s = start; s != stop; s++) {
		if (!sfv_is_alpha((unsigned char)*s) &&
		    !sfv_is_digit((unsigned char)*s) &&
		    *s != '+' && *s != '/' && *s != '=')
			return (sfv_fail(p, "byte sequence is not base64"));
	}
	p->cur = stop + 1;

	len = stop - start;
	while (npad < len && start[len - npad - 1] == '=')
		npad++;
	if (npad == 0)
		variant = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	else
		variant = sodium_base64_VARIANT_ORIGINAL;
	out = xmalloc(len + 1);
	if (sodium_base642bin((unsigned char *)out, len + 1, start, len, NULL,
	    &outlen, NULL, variant) != 0) {
		free(out);
		return (sfv_fail(p, "byte sequence is not base64"));
	}
	out[outlen] = '\0';
	bare->type = SFV_BYTES;
	bare->string = out;
	bare->len = outlen;
	return (0);
}

/* Parse a Boolean (RFC 8941 section 4.2.8). */
static int
sfv_parse_boolean(struct sfv_parser *p, struct sfv_bare *bare)
{
	int	c;

	if (sfv_peek(p) != '?')
		return (sfv_fail(p, "boolean must start with ?"));
	p->cur++;
	c = sfv_peek(p);
	if (c != '0' && c != '1')
		return (sfv_fail(p, "boolean must be ?0 or ?1"));
	p->cur++;
	bare->type = SFV_BOOLEAN;
	bare->integer = (c == '1');
	return (0);
}

/* Parse a Bare Item (RFC 8941 section 4.2.3.1). */
static int
sfv_parse_bare(struct sfv_parser *p, struct sfv_bare *bare)
{
	int	c = sfv_peek(p);

	memset(bare, 0, sizeof *bare);
	if (c == '-' || sfv_is_digit(c))
		return (sfv_parse_number(p, bare));
	if (c == '"')
		return (sfv_parse_string(p, bare));
	if (sfv_is_alpha(c) || c == '*')
		return (sfv_parse_token(p, bare));
	if (c == ':')
		return (sfv_parse_bytes(p, bare));
	if (c == '?')
		return (sfv_parse_boolean(p, bare));
	return (sfv_fail(p, "unknown item type"));
}

/*
 * Parse Parameters (RFC 8941 section 4.2.3.2) onto an array.  A repeated key
 * keeps its first place and takes the last value, as the RFC's ordered map
 * does.
 */
static int
sfv_parse_params(struct sfv_parser *p, struct sfv_param **params,
    size_t *nparams)
{
	struct sfv_bare	 value;
	char		*key;
	size_t		 i;

	while (sfv_peek(p) == ';') {
		p->cur++;
		sfv_skip_sp(p);
		if (sfv_parse_key(p, &key) != 0)
			return (-1);
		memset(&value, 0, sizeof value);
		value.type = SFV_BOOLEAN;
		value.integer = 1;
		if (sfv_peek(p) == '=') {
			p->cur++;
			if (sfv_parse_bare(p, &value) != 0) {
				free(key);
				return (-1);
			}
		}

		for (i = 0; i < *nparams; i++) {
			if (strcmp((*params)[i].key, key) == 0)
				break;
		}
		if (i < *nparams) {
			free(key);
			sfv_bare_clear(&(*params)[i].value);
			(*params)[i].value = value;
			continue;
		}
		if (*nparams == SFV_MAX_PARAMS) {
			free(key);
			sfv_bare_clear(&value);
			return (sfv_fail(p, "too many parameters"));
		}
		*params = xrealloc(*params, (*nparams + 1) * sizeof **params);
		(*params)[*nparams].key = key;
		(*params)[*nparams].value = value;
		(*nparams)++;
	}
	return (0);
}

/* Parse an Item (RFC 8941 section 4.2.3); the caller clears it on failure. */
static int
sfv_parse_item(struct sfv_parser *p, struct sfv_item *item)
{
	if (sfv_parse_bare(p, &item->value) != 0)
		return (-1);
	return (sfv_parse_params(p, &item->params, &item->nparams));
}

/* Parse an Inner List (RFC 8941 section 4.2.1.2); the caller clears it on
 * failure. */
static int
sfv_parse_inner_list(struct sfv_parser *p, struct sfv_inner_list *list)
{
	struct sfv_item	item;
	int		c;

	if (sfv_peek(p) != '(')
		return (sfv_fail(p, "inner list must start with ("));
	p->cur++;
	for (;;) {
		sfv_skip_sp(p);
		if (p->cur == p->end)
			break;
		if (sfv_peek(p) == ')') {
			p->cur++;
			return (sfv_parse_params(p, &list->params,
			    &list->nparams));
		}
		if (list->nitems == SFV_MAX_ITEMS)
			return (sfv_fail(p, "too many items in inner list"));
		memset(&item, 0, sizeof item);
		if (sfv_parse_item(p, &item) != 0) {
			sfv_item_clear(&item);
			return (-1);
		}
		list->items = xrealloc(list->items,
		    (list->nitems + 1) * sizeof *list->items);
		list->items[list->nitems++] = item;
		c = sfv_peek(p);
		if (c == -1)
			break;
		if (c != ' ' && c != ')')
			return (sfv_fail(p, "inner list needs SP between"
			    " items"));
	}
	return (sfv_fail(p, "inner list is unterminated"));
}

/* Store a parsed member: a new key goes last, a known key is overwritten
 * in place.  The dictionary takes over the member either way. */
static int
sfv_dict_store(struct sfv_parser *p, struct sfv_dict *dict,
    struct sfv_member *member)
{
	struct sfv_member	*old;
	size_t			 i;

	for (i = 0; i < dict->nmembers; i++) {
		old = &dict->members[i];
		if (strcmp(old->key, member->key) != 0)
			continue;
		sfv_member_clear(old);
		free((void *)member->key);
		member->key = old->key;
		*old = *member;
		return (0);
	}
	if (dict->nmembers == SFV_MAX_MEMBERS) {
		sfv_member_clear(member);
		free((void *)member->key);
		return (sfv_fail(p, "too many dictionary members"));
	}
	dict->members[dict->nmembers++] = *member;
	return (0);
}

/* Parse a Dictionary field value (RFC 8941 sections 4.2 and 4.2.2). */
struct sfv_dict *
sfv_parse_dictionary(const char *input, size_t len, const char **errstr)
{
	struct sfv_parser	 p;
	struct sfv_dict		*dict;
	struct sfv_member	 member;
	char			*key;
	size_t			 i;
	int			 error;

	memset(&p, 0, sizeof p);
	if (len > SFV_MAX_INPUT) {
		sfv_fail(&p, "field value too long");
		goto out;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)input[i] > 0x7f) {
			sfv_fail(&p, "field value is not ASCII");
			goto out;
		}
	}
	p.cur = input;
	p.end = input + len;

	dict = xcalloc(1, sizeof *dict);
	sfv_skip_sp(&p);
	while (p.cur != p.end) {
		if (sfv_parse_key(&p, &key) != 0)
			goto fail;
		memset(&member, 0, sizeof member);
		member.key = key;
		member.type = SFV_MEMBER_ITEM;
		if (sfv_peek(&p) == '=') {
			p.cur++;
			if (sfv_peek(&p) == '(') {
				member.type = SFV_MEMBER_INNER_LIST;
				error = sfv_parse_inner_list(&p, &member.list);
			} else
				error = sfv_parse_item(&p, &member.item);
		} else {
			member.item.value.type = SFV_BOOLEAN;
			member.item.value.integer = 1;
			error = sfv_parse_params(&p, &member.item.params,
			    &member.item.nparams);
		}
		if (error != 0) {
			sfv_member_clear(&member);
			free(key);
			goto fail;
		}
		if (sfv_dict_store(&p, dict, &member) != 0)
			goto fail;

		sfv_skip_ows(&p);
		if (p.cur == p.end)
			break;
		if (*p.cur++ != ',') {
			sfv_fail(&p, "dictionary members need a comma between");
			goto fail;
		}
		sfv_skip_ows(&p);
		if (p.cur == p.end) {
			sfv_fail(&p, "dictionary ends with a comma");
			goto fail;
		}
	}
	return (dict);

fail:
	sfv_dict_free(dict);
out:
	if (errstr != NULL)
		*errstr = p.errstr;
	return (NULL);
}

/* Free a dictionary and everything it holds. */
void
sfv_dict_free(struct sfv_dict *dict)
{
	size_t	i;

	if (dict == NULL)
		return;
	for (i = 0; i < dict->nmembers; i++) {
		sfv_member_clear(&dict->members[i]);
		free((void *)dict->members[i].key);
	}
	free(dict);
}

/* The number of members in a dictionary. */
size_t
sfv_dict_count(const struct sfv_dict *dict)
{
	return (dict->nmembers);
}

/* The member at a place in the dictionary, or NULL past the end. */
const struct sfv_member *
sfv_dict_at(const struct sfv_dict *dict, size_t idx)
{
	if (idx >= dict->nmembers)
		return (NULL);
	return (&dict->members[idx]);
}

/* The member with a key, or NULL. */
const struct sfv_member *
sfv_dict_get(const struct sfv_dict *dict, const char *key)
{
	size_t	i;

	for (i = 0; i < dict->nmembers; i++) {
		if (strcmp(dict->members[i].key, key) == 0)
			return (&dict->members[i]);
	}
	return (NULL);
}

/* The value of the parameter with a key, or NULL. */
const struct sfv_bare *
sfv_param_get(const struct sfv_param *params, size_t nparams, const char *key)
{
	size_t	i;

	for (i = 0; i < nparams; i++) {
		if (strcmp(params[i].key, key) == 0)
			return (&params[i].value);
	}
	return (NULL);
}

/* Serialize a Key (RFC 8941 section 4.1.1.3). */
static int
sfv_serialize_key(struct buf *b, const char *key, const char **errstr)
{
	const char	*s;

	if (key == NULL || !sfv_is_key_start((unsigned char)key[0])) {
		*errstr = "key must start with a-z or *";
		return (-1);
	}
	for (s = key + 1; *s != '\0'; s++) {
		if (!sfv_is_key_char((unsigned char)*s)) {
			*errstr = "key has a character out of range";
			return (-1);
		}
	}
	buf_puts(b, key);
	return (0);
}

/* Serialize a Decimal held in thousandths (RFC 8941 section 4.1.5). */
static int
sfv_serialize_decimal(struct buf *b, int64_t v, const char **errstr)
{
	char	tmp[32];
	size_t	n;

	if (v > SFV_INTEGER_MAX || v < -SFV_INTEGER_MAX) {
		*errstr = "decimal out of range";
		return (-1);
	}
	if (v < 0) {
		buf_add(b, "-", 1);
		v = -v;
	}
	snprintf(tmp, sizeof tmp, "%lld.%03lld", (long long)(v / 1000),
	    (long long)(v % 1000));
	n = strlen(tmp);
	while (tmp[n - 1] == '0' && tmp[n - 2] != '.')
		n--;
	buf_add(b, tmp, n);
	return (0);
}

/* Serialize a String (RFC 8941 section 4.1.6). */
static int
sfv_serialize_string(struct buf *b, const char *s, const char **errstr)
{
	const char	*c;
	size_t		 n;

	if (s == NULL) {
		*errstr = "string is missing";
		return (-1);
	}
	for (c = s; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
			*errstr = "string has a character out of range";
			return (-1);
		}
	}
	/* Runs without a quote or backslash are appended whole: a
	 * signature's base holds a few of these strings per request. */
	buf_add(b, "\"", 1);
	for (c = s; *c != '\0'; c += n) {
		n = strcspn(c, "\"\\");
		buf_add(b, c, n);
		if (c[n] != '\0') {
			buf_add(b, "\\", 1);
			buf_add(b, c + n, 1);
			n++;
		}
	}
	buf_add(b, "\"", 1);
	return (0);
}

/* Serialize a Token (RFC 8941 section 4.1.7). */
static int
sfv_serialize_token(struct buf *b, const char *s, const char **errstr)
{
	const char	*c;

	if (s == NULL || (!sfv_is_alpha((unsigned char)s[0]) && s[0] != '*')) {
		*errstr = "token must start with a letter or *";
		return (-1);
	}
	for (c = s + 1; *c != '\0'; c++) {
		if (!sfv_is_tchar((unsigned char)*c) && *c != ':' &&
		    *c != '/') {
			*errstr = "token has a character out of range";
			return (-1);
		}
	}
	buf_puts(b, s);
	return (0);
}

/* Serialize a Byte Sequence (RFC 8941 section 4.1.8). */
static void
sfv_serialize_bytes(struct buf *b, const char *s, size_t len)
{
	size_t	 enclen;
	char	*enc;

	enclen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	enc = xmalloc(enclen);
	sodium_bin2base64(enc, enclen, (const unsigned char *)s, len,
	    sodium_base64_VARIANT_ORIGINAL);
	buf_add(b, ":", 1);
	buf_puts(b, enc);
	buf_add(b, ":", 1);
	free(enc);
}

/* Serialize a Bare Item (RFC 8941 section 4.1.3.1). */
static int
sfv_serialize_bare(struct buf *b, const struct sfv_bare *bare,
    const char **errstr)
{
	char	tmp[32];

	switch (bare->type) {
	case SFV_INTEGER:
		if (bare->integer > SFV_INTEGER_MAX ||
		    bare->integer < -SFV_INTEGER_MAX) {
			*errstr = "integer out of range";
			return (-1);
		}
		snprintf(tmp, sizeof tmp, "%lld", (long long)bare->integer);
		buf_puts(b, tmp);
		return (0);
	case SFV_DECIMAL:
		return (sfv_serialize_decimal(b, bare->integer, errstr));
	case SFV_STRING:
		return (sfv_serialize_string(b, bare->string, errstr));
	case SFV_TOKEN:
		return (sfv_serialize_token(b, bare->string, errstr));
	case SFV_BYTES:
		sfv_serialize_bytes(b, bare->string, bare->len);
		return (0);
	case SFV_BOOLEAN:
		buf_puts(b, bare->integer ? "?1" : "?0");
		return (0);
	default:
		abort();
	}
}

/* Serialize Parameters (RFC 8941 section 4.1.1.2). */
static int
sfv_serialize_params(struct buf *b, const struct sfv_param *params,
    size_t nparams, const char **errstr)
{
	const struct sfv_bare	*value;
	size_t			 i;

	for (i = 0; i < nparams; i++) {
		value = &params[i].value;
		buf_add(b, ";", 1);
		if (sfv_serialize_key(b, params[i].key, errstr) != 0)
			return (-1);
		if (value->type == SFV_BOOLEAN && value->integer)
			continue;
		buf_add(b, "=", 1);
		if (sfv_serialize_bare(b, value, errstr) != 0)
			return (-1);
	}
	return (0);
}

/* Serialize an Item (RFC 8941 section 4.1.3). */
static int
sfv_serialize_item(struct buf *b, const struct sfv_item *item,
    const char **errstr)
{
	if (sfv_serialize_bare(b, &item->value, errstr) != 0)
		return (-1);
	return (sfv_serialize_params(b, item->params, item->nparams, errstr));
}

/* Serialize an Inner List into a buffer (RFC 8941 section 4.1.1.1). */
static int
sfv_serialize_list(struct buf *b, const struct sfv_inner_list *list,
    const char **errstr)
{
	size_t	i;

	buf_add(b, "(", 1);
	for (i = 0; i < list->nitems; i++) {
		if (i != 0)
			buf_add(b, " ", 1);
		if (sfv_serialize_item(b, &list->items[i], errstr) != 0)
			return (-1);
	}
	buf_add(b, ")", 1);
	return (sfv_serialize_params(b, list->params, list->nparams, errstr));
}

/* Serialize an Inner List with its parameters into a new string, or NULL
 * if a value cannot be serialized. */
char *
sfv_serialize_inner_list(const struct sfv_inner_list *list,
    const char **errstr)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*why = NULL;

	if (sfv_serialize_list(&b, list, &why) != 0) {
		free(b.data);
		if (errstr != NULL)
			*errstr = why;
		return (NULL);
	}
	return (b.data);
}

/* Serialize one dictionary member, key=value, into a new string
 * (RFC 8941 section 4.1.2), or NULL if it cannot be serialized. */
char *
sfv_serialize_member(const struct sfv_member *member, const char **errstr)
{
	struct buf		 b = { NULL, 0, 0 };
	const struct sfv_item	*item = &member->item;
	const char		*why = NULL;

	if (sfv_serialize_key(&b, member->key, &why) != 0)
		goto fail;
	switch (member->type) {
	case SFV_MEMBER_ITEM:
		if (item->value.type == SFV_BOOLEAN && item->value.integer) {
			if (sfv_serialize_params(&b, item->params,
			    item->nparams, &why) != 0)
				goto fail;
			break;
		}
		buf_add(&b, "=", 1);
		if (sfv_serialize_item(&b, item, &why) != 0)
			goto fail;
		break;
	case SFV_MEMBER_INNER_LIST:
		buf_add(&b, "=", 1);
		if (sfv_serialize_list(&b, &member->list, &why) != 0)
			goto fail;
		break;
	default:
		abort();
	}
	return (b.data);

fail:
	free(b.data);
	if (errstr != NULL)
		*errstr = why;
	return (NULL);
}
