#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/i18n.h"
#include "client/settings.h"
#include "wire.h"
#include "xmalloc.h"

#define SETTINGS_CONNECT_TIMEOUT	5	/* connect_timeout's default */

/* State of one read of the config file. */
struct settings_file {
	struct settings	*settings;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

/* What a key's value may be. */
enum settings_type {
	SETTINGS_STRING,	/* any text */
	SETTINGS_CHOICE,	/* one of choices, "a|b" */
	SETTINGS_YES_NO,	/* yes or no, a bool */
	SETTINGS_SECONDS	/* a whole number of seconds, 1 to 3600 */
};

/* One key of the config file; doc/vpoints.1 documents each. */
struct settings_key {
	const char	*name;
	enum settings_type type;
	size_t		 offset;
	const char	*choices;
};

#define KEY(name, type, choices) \
	{ #name, type, offsetof(struct settings, name), choices }

static const struct settings_key settings_keys[] = {
	KEY(server, SETTINGS_STRING, NULL),
	KEY(key, SETTINGS_STRING, NULL),
	KEY(station, SETTINGS_STRING, NULL),
	KEY(format, SETTINGS_STRING, NULL),
	KEY(outbox, SETTINGS_STRING, NULL),
	KEY(bom, SETTINGS_YES_NO, NULL),
	KEY(receipt, SETTINGS_CHOICE, "58mm|a4"),
	KEY(language, SETTINGS_STRING, NULL),
	KEY(cacert, SETTINGS_STRING, NULL),
	KEY(pin, SETTINGS_STRING, NULL),
	KEY(proxy, SETTINGS_STRING, NULL),
	KEY(insecure_http, SETTINGS_YES_NO, NULL),
	KEY(connect_timeout, SETTINGS_SECONDS, NULL),
};

#define SETTINGS_NKEYS	(sizeof(settings_keys) / sizeof(settings_keys[0]))

/* Replace a string field. */
static void
settings_put(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

/* True when value is one of choices, "a|b|c". */
static bool
settings_is_choice(const char *choices, const char *value)
{
	size_t len = strlen(value);
	const char *p;

	for (p = choices; p != NULL; p = strchr(p, '|')) {
		if (*p == '|')
			p++;
		if (len > 0 && strncmp(p, value, len) == 0 &&
		    (p[len] == '|' || p[len] == '\0'))
			return true;
	}
	return false;
}

/* Store value into the field of key k; -1 with err when it is not one
 * the key takes. */
static int
settings_store(struct settings *s, const struct settings_key *k,
    const char *value, char *err, size_t errlen)
{
	char *field = (char *)s + k->offset, *end;
	long n;

	switch (k->type) {
	case SETTINGS_STRING:
		settings_put((char **)field, value);
		return 0;
	case SETTINGS_CHOICE:
		if (!settings_is_choice(k->choices, value)) {
			snprintf(err, errlen, _("%s = %s: want %.*s or %s"),
			    k->name, value, (int)(strrchr(k->choices, '|') -
			    k->choices), k->choices,
			    strrchr(k->choices, '|') + 1);
			return -1;
		}
		settings_put((char **)field, value);
		return 0;
	case SETTINGS_YES_NO:
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			snprintf(err, errlen, _("%s = %s: want yes or no"),
			    k->name, value);
			return -1;
		}
		*(bool *)field = strcmp(value, "yes") == 0;
		return 0;
	case SETTINGS_SECONDS:
		n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || n < 1 || n > 3600) {
			snprintf(err, errlen, _("%s = %s: want 1 to 3600 seconds"),
			    k->name, value);
			return -1;
		}
		*(int *)field = (int)n;
		return 0;
	default:
		abort();
	}
}

/* inih callback for the client's config file. */
static int
settings_line(void *arg, const char *section, const char *name,
    const char *value)
{
	struct settings_file *f = arg;
	size_t i;

	if (*section != '\0') {
		snprintf(f->err, f->errlen, _("unknown section [%s]"), section);
		f->failed = 1;
		return 0;
	}
	for (i = 0; i < SETTINGS_NKEYS; i++) {
		if (strcmp(settings_keys[i].name, name) != 0)
			continue;
		if (settings_store(f->settings, &settings_keys[i], value,
		    f->err, f->errlen) != 0) {
			f->failed = 1;
			return 0;
		}
		return 1;
	}
	snprintf(f->err, f->errlen, _("unknown key \"%s\""), name);
	f->failed = 1;
	return 0;
}

/* The config file to read: given, VPOINTS_CONFIG, or the XDG place. NULL
 * when none is named and the default one does not exist. */
static char *
settings_config_path(const char *given, int *must_exist)
{
	const char *env, *home;
	char *path;

	*must_exist = 1;
	if (given != NULL)
		return xstrdup(given);
	if ((env = getenv("VPOINTS_CONFIG")) != NULL && *env != '\0')
		return xstrdup(env);
	*must_exist = 0;
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env != '\0')
		path = xasprintf("%s/vpoints/config", env);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		path = xasprintf("%s/.config/vpoints/config", home);
	else
		return NULL;
	if (access(path, F_OK) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* The XDG place of the outbox, or NULL when there is no home. */
static char *
settings_outbox_default(void)
{
	const char *env;

	if ((env = getenv("XDG_STATE_HOME")) != NULL && *env != '\0')
		return xasprintf("%s/vpoints/outbox", env);
	if ((env = getenv("HOME")) != NULL && *env != '\0')
		return xasprintf("%s/.local/state/vpoints/outbox", env);
	return NULL;
}

/* Fill s by the order of precedence; -1 with err on a bad config file. */
int
settings_resolve(struct settings *s, const struct settings_args *args,
    char *err, size_t errlen)
{
	struct settings_file f = { s, err, errlen, 0 };
	const char *env;
	char why[256];
	int must_exist, rc;

	memset(s, 0, sizeof(*s));
	s->connect_timeout = SETTINGS_CONNECT_TIMEOUT;
	s->config_path = settings_config_path(args->config, &must_exist);
	if (s->config_path != NULL) {
		rc = ini_parse(s->config_path, settings_line, &f);
		if (f.failed) {
			/* inih returns the line of the first error. */
			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "%s:%d: %s", s->config_path, rc,
			    why);
			return -1;
		}
		if (rc == -1 && must_exist) {
			snprintf(err, errlen, "%s: %s", s->config_path,
			    strerror(errno));
			return -1;
		}
		if (rc > 0) {
			snprintf(err, errlen,
			    _("%s:%d: not a name = value line"),
			    s->config_path, rc);
			return -1;
		}
	}
	if ((env = getenv("VPOINTS_SERVER")) != NULL && *env != '\0')
		settings_put(&s->server, env);
	if ((env = getenv("VPOINTS_KEY")) != NULL && *env != '\0')
		settings_put(&s->key, env);
	if (args->server != NULL)
		settings_put(&s->server, args->server);
	if (args->key != NULL)
		settings_put(&s->key, args->key);
	if (args->cacert != NULL)
		settings_put(&s->cacert, args->cacert);
	if (s->server == NULL)
		settings_put(&s->server, WIRE_DEFAULT_SERVER);
	if ((env = getenv("VPOINTS_OUTBOX")) != NULL && *env != '\0')
		settings_put(&s->outbox, env);
	if (s->outbox == NULL)
		s->outbox = settings_outbox_default();
	return 0;
}

/* Free the strings of s. */
void
settings_clear(struct settings *s)
{
	free(s->server);
	free(s->key);
	free(s->station);
	free(s->format);
	free(s->outbox);
	free(s->receipt);
	free(s->language);
	free(s->cacert);
	free(s->pin);
	free(s->proxy);
	free(s->config_path);
	memset(s, 0, sizeof(*s));
}
