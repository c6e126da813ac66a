/* The programme's time zone for the client (client/zone.h). */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "client/client.h"
#include "client/net.h"
#include "client/zone.h"
#include "routes.h"
#include "xmalloc.h"

/* True for the name of a zone of the system's time zone database
 * ("Asia/Shanghai", "UTC"): glibc takes an unknown name for UTC without a
 * word, so the name is checked against the files. */
bool
zone_valid(const char *name)
{
	const char *dir = getenv("TZDIR"), *p;
	struct stat st;
	char *path;
	bool ok;

	if (*name == '\0' || *name == '/' || strlen(name) > 64 ||
	    strstr(name, "..") != NULL)
		return false;
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
			return false;
	}
	path = xasprintf("%s/%s", dir != NULL && *dir != '\0' ? dir :
	    "/usr/share/zoneinfo", name);
	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

/* The file that keeps the zone a server announced: the XDG cache. */
static char *
zone_cache_path(void)
{
	const char *env;

	if ((env = getenv("XDG_CACHE_HOME")) != NULL && *env != '\0')
		return xasprintf("%s/vpoints/timezone", env);
	if ((env = getenv("HOME")) != NULL && *env != '\0')
		return xasprintf("%s/.cache/vpoints/timezone", env);
	return NULL;
}

/* The zone the cache holds for server ("SERVER ZONE" lines), or NULL; in
 * *age how old the file is. */
static char *
zone_cached(const char *path, const char *server, time_t *age)
{
	char line[512], *sp, *zone = NULL;
	struct stat st;
	FILE *f;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return NULL;
	*age = fstat(fileno(f), &st) == 0 ? time(NULL) - st.st_mtime : 0;
	while (zone == NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		if (strcmp(line, server) == 0 && zone_valid(sp + 1))
			zone = xstrdup(sp + 1);
	}
	fclose(f);
	return zone;
}

/* Make the folders of path, as mkdir -p does for its parent. */
static void
zone_mkdirs(const char *path)
{
	char *copy = xstrdup(path), *p;

	for (p = copy + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST)
			break;
		*p = '/';
	}
	free(copy);
}

/* Keep the zone server announced; a cache that cannot be written is
 * only asked again next time. */
static void
zone_store(const char *path, const char *server, const char *zone)
{
	char *tmp;
	FILE *f;

	if (path == NULL)
		return;
	zone_mkdirs(path);
	tmp = xasprintf("%s.%ld", path, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL) {
		free(tmp);
		return;
	}
	fprintf(f, "%s %s\n", server, zone);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		unlink(tmp);
	free(tmp);
}

/* The zone the server announces, or NULL if it cannot be asked. */
static char *
zone_ask(struct client *cl)
{
	struct net_response resp = { .status = 0 };
	json_t *body;
	const char *zone;
	char *found = NULL;

	if (client_net(cl, &resp) != NULL && net_request(cl->net, "GET",
	    wire_route(WIRE_OP_SETTINGS)->pattern, NULL, NULL, 0, NULL, 0,
	    &resp) == 0 && resp.status == 200) {
		body = json_loadb(resp.body, resp.len, 0, NULL);
		zone = json_string_value(json_object_get(body, "timezone"));
		if (zone != NULL && zone_valid(zone))
			found = xstrdup(zone);
		json_decref(body);
	}
	net_response_clear(&resp);
	return found;
}

/* Choose the zone times are read and printed in, and make it the
 * process's local zone: the config file's; else the one the server
 * announced, from the cache while it is fresh, else asked (when may_ask)
 * and kept; else a cached one however old; else the system's own. */
void
zone_setup(struct client *cl, bool may_ask)
{
	char *path = NULL, *zone = NULL, *asked;
	time_t age = 0;

	if (cl->settings.timezone != NULL)
		zone = xstrdup(cl->settings.timezone);
	else {
		path = zone_cache_path();
		zone = zone_cached(path, cl->settings.server, &age);
		if (may_ask && (zone == NULL || age < 0 ||
		    age >= ZONE_CACHE_SECONDS)) {
			if ((asked = zone_ask(cl)) != NULL) {
				free(zone);
				zone = asked;
				zone_store(path, cl->settings.server, zone);
			}
		}
	}
	if (zone != NULL) {
		setenv("TZ", zone, 1);
		tzset();
	}
	free(zone);
	free(path);
}
