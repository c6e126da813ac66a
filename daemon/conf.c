#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conf.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

enum conf_type {
	CONF_STRING,		/* a char * owned by the struct */
	CONF_LIST,		/* the same, "" allowed: none */
	CONF_INT,		/* an int within [min, max] */
	CONF_LOG_LEVEL,	/* debug, info, warn or error */
	CONF_KEY_HEX,	/* "" or 64 hex digits: a 32-byte secret */
	CONF_TIMEZONE,	/* a zone of the system's time zone database */
	CONF_NAMES,	/* "" or HOST[:PORT] names, stored normalized and
			 * separated by one space (conf_authority) */
	CONF_DATE,	/* YYYY-MM-DD, a day of the years min to max */
	CONF_PREFIX	/* "" or a path "/a[/b...]" of letters, digits and
			 * "-._~", stored without a trailing "/" */
};

struct conf_key {
	const char	*name;
	enum conf_type type;
	size_t		 offset;
	const char	*default_value;
	long		 min;
	long		 max;
	bool		 reloadable;
};

#define KEY(name, type, def, min, max, reload) \
	{ #name, type, offsetof(struct conf, name), def, min, max, reload }

/* Every key of the daemon; etc/vpointsd.conf.in documents each one. */
static const struct conf_key conf_keys[] = {
	KEY(listen, CONF_STRING, "127.0.0.1:8750", 0, 0, false),
	KEY(db, CONF_STRING, "dbname=vpoints", 0, 0, false),
	KEY(sql_dir, CONF_STRING, VPOINTS_SQLDIR, 0, 0, false),
	KEY(db_pool_size, CONF_INT, "4", 1, 64, false),
	KEY(db_queue_max, CONF_INT, "1024", 1, 1000000, true),
	KEY(db_reconnect_max, CONF_INT, "2", 1, 60, true),
	KEY(db_read, CONF_LIST, "", 0, 0, false),
	KEY(db_read_pool_size, CONF_INT, "2", 1, 64, false),
	KEY(db_read_max_wait, CONF_INT, "500", 0, 10000, true),
	KEY(max_body_size, CONF_INT, "65536", 1024, 16777216, true),
	KEY(max_header_size, CONF_INT, "8192", 1024, 65536, true),
	KEY(idle_timeout, CONF_INT, "30", 1, 3600, true),
	KEY(request_timeout, CONF_INT, "20", 1, 3600, true),
	KEY(max_connections, CONF_INT, "1000", 1, 1000000, true),
	KEY(server_names, CONF_NAMES, "", 0, 0, true),
	KEY(path_prefix, CONF_PREFIX, "", 0, 0, true),
	KEY(shutdown_timeout, CONF_INT, "10", 0, 300, true),
	KEY(log_level, CONF_LOG_LEVEL, "info", 0, 0, true),
	KEY(timezone, CONF_TIMEZONE, "Asia/Shanghai", 0, 0, true),
	KEY(id_hash_key, CONF_KEY_HEX, "", 0, 0, false),
	KEY(link_key, CONF_KEY_HEX, "", 0, 0, false),
	KEY(help_expiry_interval, CONF_INT, "10", 1, 3600, true),
	KEY(programme_start, CONF_DATE, "2000-01-01", 1990, 2099, true),
	KEY(back_entry_days, CONF_INT, "31", 0, 36500, true),
	KEY(approval_target, CONF_INT, "90", 1, 100, true),
	KEY(recruitment_target, CONF_INT, "3", 1, 1000, true),
	KEY(noshow_limit, CONF_INT, "3", 0, 1000, true),
	KEY(noshow_days, CONF_INT, "90", 1, 3650, true),
	KEY(signing_key, CONF_STRING, VPOINTS_STATEDIR "/signing.key", 0, 0,
	    false),
	KEY(previous_signing_keys, CONF_LIST, "", 0, 0, false),
	KEY(console_dir, CONF_STRING, VPOINTS_CONSOLEDIR, 0, 0, true),
};

#define CONF_NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

/* State of one ini_parse run. */
struct conf_parse {
	struct conf	*config;
	char		*err;
	size_t		 errlen;
	bool		 failed;
};

/* The table entry of a key, or NULL. */
static const struct conf_key *
conf_find(const char *name)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++) {
		if (strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	}
	return NULL;
}

/* Whether path is a zone of the time zone database: a regular file in the
 * TZif format (tzfile(5)). A folder (Asia) or a table (zone.tab) is none,
 * and PostgreSQL would refuse it in every operation. */
static bool
conf_zone_file(const char *path)
{
	char magic[4];
	struct stat st;
	FILE *f;
	bool ok;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (f = fopen(path, "rb")) == NULL)
		return false;
	ok = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	    memcmp(magic, "TZif", sizeof(magic)) == 0;
	fclose(f);
	return ok;
}

/*
 * An authority as a client names the daemon (RFC 9110 section 4.2.3:
 * the Host header, the signed "@authority"): a host, which is a name
 * (letters, digits, "-", ".", "_", "~") or an IP address (IPv6 in
 * brackets), and an optional port, 1 to 65535. Written to out (outlen
 * bytes) in the form two names are compared in: lowercase, without the
 * default ports 80 of http and 443 of https (a client leaves its own
 * out; the daemon behind a proxy cannot tell which was used). -1 if
 * in[0..len) is none.
 */
int
conf_authority(const char *in, size_t len, char *out, size_t outlen)
{
	const char *colon = NULL, *end = in + len, *p;
	size_t hostlen, i;
	long port = 0;

	if (len == 0 || len >= outlen)
		return -1;
	if (in[0] == '[') {
		p = memchr(in, ']', len);
		if (p == NULL || p == in + 1 || strspn(in + 1,
		    "0123456789abcdefABCDEF:.") != (size_t)(p - in - 1))
			return -1;
		p++;
		if (p != end && *p != ':')
			return -1;
		colon = p != end ? p : NULL;
	} else {
		colon = memchr(in, ':', len);
		p = colon != NULL ? colon : end;
		if (p == in)
			return -1;
		for (i = 0; in + i < p; i++) {
			if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
			    "QRSTUVWXYZ0123456789-._~", in[i]) == NULL ||
			    in[i] == '\0')
				return -1;
		}
	}
	hostlen = (size_t)((colon != NULL ? colon : end) - in);
	if (colon != NULL) {
		if (colon + 1 == end || end - colon > 6)
			return -1;
		for (p = colon + 1; p < end; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535)
			return -1;
	}
	for (i = 0; i < hostlen; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	if (colon != NULL && port != 80 && port != 443)
		snprintf(out + hostlen, outlen - hostlen, ":%ld", port);
	else
		out[hostlen] = '\0';
	return 0;
}

/* A list of authorities, separated by commas or white space, as one
 * string of normalized names separated by one space; NULL with err set
 * when one is not an authority. */
static char *
conf_names(const char *key, const char *value, char *err, size_t errlen)
{
	char name[CONF_AUTHORITY_MAX], *out = xstrdup("");
	const char *p = value;
	size_t len;
	char *more;

	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			return out;
		len = strcspn(p, ", \t");
		if (conf_authority(p, len, name, sizeof(name)) != 0) {
			snprintf(err, errlen, "%s: \"%.*s\" is not HOST or "
			    "HOST:PORT", key, (int)(len < 200 ? len : 200), p);
			free(out);
			return NULL;
		}
		more = xasprintf("%s%s%s", out, *out != '\0' ? " " : "", name);
		free(out);
		out = more;
		p += len;
	}
}

/* Whether value is a day YYYY-MM-DD of the years min to max. */
static bool
conf_date_valid(const char *value, long min, long max)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, n = 0;

	if (strlen(value) != 10 || strspn(value, "0123456789-") != 10 ||
	    value[4] != '-' || value[7] != '-' ||
	    sscanf(value, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return false;
	if (y < min || y > max || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return false;
	return m != 2 || d < 29 ||
	    (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* Store one value into its field after checking type and bounds. */
static int
conf_store(struct conf *cf, const struct conf_key *key,
    const char *value, char *err, size_t errlen)
{
	char *field = (char *)cf + key->offset;
	enum log_level level;
	char *end, *path, *names;
	size_t len;
	long n;

	switch (key->type) {
	case CONF_STRING:
	case CONF_LIST:
		if (*value == '\0' && key->type == CONF_STRING) {
			snprintf(err, errlen, "%s: empty value", key->name);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONF_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0') {
			snprintf(err, errlen, "%s: \"%s\" is not an integer",
			    key->name, value);
			return -1;
		}
		if (n < key->min || n > key->max) {
			snprintf(err, errlen, "%s: %ld is outside %ld..%ld",
			    key->name, n, key->min, key->max);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	case CONF_TIMEZONE:
		/* PostgreSQL (as Debian builds it) reads the same database. */
		path = xasprintf("/usr/share/zoneinfo/%s", value);
		if (*value == '\0' || *value == '/' || strstr(value, "..") ||
		    strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		    "qrstuvwxyz0123456789/_+-") != strlen(value) ||
		    !conf_zone_file(path)) {
			snprintf(err, errlen, "%s: \"%s\" is not a known time "
			    "zone (e.g. Asia/Shanghai)", key->name, value);
			free(path);
			return -1;
		}
		free(path);
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONF_DATE:
		if (!conf_date_valid(value, key->min, key->max)) {
			snprintf(err, errlen, "%s: \"%s\" is not a date "
			    "YYYY-MM-DD of the years %ld to %ld", key->name,
			    value, key->min, key->max);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONF_KEY_HEX:
		if (*value != '\0' && (strlen(value) != 64 ||
		    strspn(value, "0123456789abcdefABCDEF") != 64)) {
			/* Never echo a secret into a log line. */
			snprintf(err, errlen, "%s: must be 64 hex digits (32 "
			    "random bytes, e.g. openssl rand -hex 32)",
			    key->name);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONF_PREFIX:
		len = strlen(value);
		while (len > 1 && value[len - 1] == '/')
			len--;
		if (*value != '\0' && (*value != '/' || strspn(value,
		    WIRE_PREFIX_CHARS) != strlen(value) ||
		    strstr(value, "//") != NULL)) {
			snprintf(err, errlen, "%s: \"%s\" is not a path "
			    "/NAME[/NAME...] of letters, digits and \"-._~\"",
			    key->name, value);
			return -1;
		}
		if (len == 1)
			len = 0;	/* "/" is no prefix */
		free(*(char **)field);
		*(char **)field = xasprintf("%.*s", (int)len, value);
		return 0;
	case CONF_NAMES:
		if ((names = conf_names(key->name, value, err, errlen)) ==
		    NULL)
			return -1;
		free(*(char **)field);
		*(char **)field = names;
		return 0;
	case CONF_LOG_LEVEL:
		if (log_level_parse(value, &level) != 0) {
			snprintf(err, errlen, "%s: \"%s\" is not one of debug, "
			    "info, warn, error", key->name, value);
			return -1;
		}
		*(enum log_level *)field = level;
		return 0;
	default:
		abort();
	}
}

/* A configuration holding every default. */
struct conf *
conf_new(void)
{
	struct conf *cf = xcalloc(1, sizeof(*cf));
	char err[256];
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++) {
		if (conf_store(cf, &conf_keys[i],
		    conf_keys[i].default_value, err, sizeof(err)) != 0) {
			fprintf(stderr, "fatal: bad default: %s\n", err);
			abort();
		}
	}
	return cf;
}

/* Free a configuration and its strings. */
void
conf_free(struct conf *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	for (i = 0; i < CONF_NKEYS; i++) {
		if (conf_keys[i].type != CONF_INT &&
		    conf_keys[i].type != CONF_LOG_LEVEL)
			free(*(char **)((char *)cf + conf_keys[i].offset));
	}
	free(cf);
}

/* Set one key by name, as from the command line. */
int
conf_set(struct conf *cf, const char *name, const char *value, char *err,
    size_t errlen)
{
	const struct conf_key *key = conf_find(name);

	if (key == NULL) {
		snprintf(err, errlen, "unknown key \"%s\"", name);
		return -1;
	}
	return conf_store(cf, key, value, err, errlen);
}

/* inih callback: one name = value line; stops at the first error. */
static int
conf_line(void *arg, const char *section, const char *name,
    const char *value)
{
	struct conf_parse *p = arg;

	if (*section != '\0' && strcmp(section, "vpointsd") != 0) {
		snprintf(p->err, p->errlen, "unknown section [%s]", section);
		p->failed = true;
		return 0;
	}
	if (conf_set(p->config, name, value, p->err, p->errlen) != 0) {
		p->failed = true;
		return 0;
	}
	return 1;
}

/* Read an ini file into cf; on error, err says where and why. */
int
conf_load(struct conf *cf, const char *path, char *err, size_t errlen)
{
	struct conf_parse p = { cf, err, errlen, false };
	char why[256];
	int rc;

	rc = ini_parse(path, conf_line, &p);
	if (p.failed) {
		/* inih returns the line of the first error. */
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "line %d: %s", rc, why);
		return -1;
	}
	if (rc == -1) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errlen, "line %d: not a name = value line", rc);
		return -1;
	}
	return 0;
}

/* On reload, keep the running value of every key that needs a restart. */
void
conf_keep_fixed(struct conf *next, const struct conf *cur)
{
	const struct conf_key *key;
	const char *now, *was;
	char *field;
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++) {
		key = &conf_keys[i];
		if (key->reloadable)
			continue;
		field = (char *)next + key->offset;
		if (key->type != CONF_INT && key->type != CONF_LOG_LEVEL) {
			now = *(char **)field;
			was = *(char *const *)((const char *)cur + key->offset);
			if (strcmp(now, was) == 0)
				continue;
			log_warn("config: %s changes only at restart; keeping "
			    "the running value", key->name);
			free(*(char **)field);
			*(char **)field = xstrdup(was);
		} else {
			if (*(int *)field == *(const int *)((const char *)cur +
			    key->offset))
				continue;
			log_warn("config: %s changes only at restart; keeping "
			    "the running value", key->name);
			*(int *)field = *(const int *)((const char *)cur +
			    key->offset);
		}
	}
}

/* Number of keys in the table. */
size_t
conf_key_count(void)
{
	return CONF_NKEYS;
}

/* Name of the key at index, for documentation checks. */
const char *
conf_key_name(size_t index)
{
	return conf_keys[index].name;
}
