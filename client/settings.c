#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/i18n.h"
#include "client/settings.h"
#include "wire.h"
#include "xmalloc.h"

/* State of one read of the config file. */
struct settings_file {
	struct settings	*settings;
	char		*err;
	size_t		 errlen;
	int		 failed;
};

/* Replace a string field. */
static void
settings_put(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

/* inih callback for the client's config file. */
static int
settings_line(void *arg, const char *section, const char *name,
    const char *value)
{
	struct settings_file *f = arg;
	struct settings *s = f->settings;

	if (*section != '\0') {
		snprintf(f->err, f->errlen, _("unknown section [%s]"), section);
		f->failed = 1;
		return 0;
	}
	if (strcmp(name, "server") == 0)
		settings_put(&s->server, value);
	else if (strcmp(name, "key") == 0)
		settings_put(&s->key, value);
	else if (strcmp(name, "station") == 0)
		settings_put(&s->station, value);
	else if (strcmp(name, "format") == 0)
		settings_put(&s->format, value);
	else if (strcmp(name, "outbox") == 0)
		settings_put(&s->outbox, value);
	else if (strcmp(name, "language") == 0)
		settings_put(&s->language, value);
	else if (strcmp(name, "bom") == 0 && (strcmp(value, "yes") == 0 ||
	    strcmp(value, "no") == 0))
		s->bom = strcmp(value, "yes") == 0;
	else if (strcmp(name, "bom") == 0) {
		snprintf(f->err, f->errlen, _("bom = %s: want yes or no"),
		    value);
		f->failed = 1;
		return 0;
	} else if (strcmp(name, "receipt") == 0 &&
	    (strcmp(value, "58mm") == 0 || strcmp(value, "a4") == 0))
		settings_put(&s->receipt, value);
	else if (strcmp(name, "receipt") == 0) {
		snprintf(f->err, f->errlen, _("receipt = %s: want 58mm or a4"),
		    value);
		f->failed = 1;
		return 0;
	} else {
		snprintf(f->err, f->errlen, _("unknown key \"%s\""), name);
		f->failed = 1;
		return 0;
	}
	return 1;
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
	free(s->config_path);
	memset(s, 0, sizeof(*s));
}
