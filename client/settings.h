/* Where vpoints finds its server, key, outbox and defaults: the command
 * line, then the environment (VPOINTS_SERVER, VPOINTS_KEY, VPOINTS_OUTBOX),
 * then the config file (~/.config/vpoints/config, or
 * $XDG_CONFIG_HOME/vpoints/config, or VPOINTS_CONFIG), then built-in
 * defaults. Each key of the config file is one row of settings_keys
 * (client/settings.c). */
#ifndef VPOINTS_SETTINGS_H
#define VPOINTS_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

struct settings {
	char	*server;	/* base URL of vpointsd */
	char	*key;		/* secret key file of the station, or NULL */
	char	*station;	/* station code, or NULL */
	char	*format;	/* default output format, or NULL */
	char	*outbox;	/* folder of queued writes; NULL without HOME */
	bool	 bom;		/* bom = yes: CSV starts with a byte-order mark */
	char	*receipt;	/* receipt = 58mm or a4, or NULL */
	char	*language;	/* language = zh_CN, en …: the catalogue,
				 * over LANG; or NULL */
	char	*cacert;	/* CA file for https://, or NULL: the system's */
	char	*pin;		/* sha256//... public key pins, or NULL */
	char	*proxy;		/* HTTP proxy URL or "none"; NULL: from the
				 * environment (https_proxy, no_proxy ...) */
	bool	 insecure_http;	/* http:// to a host not on loopback */
	int	 connect_timeout; /* seconds to connect (and TLS handshake) */
	char	*config_path;	/* the file read, or NULL */
};

/* What the command line said; NULL where it said nothing. */
struct settings_args {
	const char	*server;
	const char	*key;
	const char	*config;
	const char	*cacert;
};

int	settings_resolve(struct settings *, const struct settings_args *,
	    char *err, size_t errlen);
void	settings_clear(struct settings *);

#endif
