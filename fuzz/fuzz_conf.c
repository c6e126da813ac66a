/* Fuzz the daemon's configuration (daemon/conf.c).  The input is a
 * config file: conf_load reads it through a memory file (memfd, opened by
 * its /proc/self/fd path).  Then conf_set sets every key to the input's
 * first line, and the key named before a "=" on that line to what
 * follows it.  A load or set that succeeds must leave every key valid; a
 * refusal must say why; a reload (conf_keep_fixed) must keep the running
 * value of every key that needs a restart. */
#include "config.h"

#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "fuzz/memfile.h"
#include "daemon/conf.h"
#include "log.h"

/* Whether s is "" or 64 hex digits, as id_hash_key must be. */
static int
key_valid(const char *s)
{
	size_t len = strlen(s);

	return len == 0 || (len == 64 &&
	    strspn(s, "0123456789abcdefABCDEF") == 64);
}

/* Whether a time zone is one PostgreSQL can load: a regular file of the
 * system's zone database in the TZif format (tzfile(5)), not a folder
 * such as Asia nor a table such as zone.tab. */
static int
zone_valid(const char *zone)
{
	char path[PATH_MAX], magic[4];
	struct stat st;
	FILE *f;
	int ok;

	if (*zone == '\0' || *zone == '/' || strstr(zone, "..") != NULL ||
	    (size_t)snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s",
	    zone) >= sizeof(path) || stat(path, &st) != 0 ||
	    !S_ISREG(st.st_mode) || (f = fopen(path, "rb")) == NULL)
		return 0;
	ok = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	    memcmp(magic, "TZif", sizeof(magic)) == 0;
	fclose(f);
	return ok;
}

/* Every key holds a value of its type, within the bounds that
 * etc/vpointsd.conf documents. */
static void
check_valid(const struct conf *cf)
{
	FUZZ_CHECK(cf->listen != NULL && *cf->listen != '\0');
	FUZZ_CHECK(cf->db != NULL && *cf->db != '\0');
	FUZZ_CHECK(cf->sql_dir != NULL && *cf->sql_dir != '\0');
	FUZZ_CHECK(cf->signing_key != NULL && *cf->signing_key != '\0');
	FUZZ_CHECK(cf->timezone != NULL && zone_valid(cf->timezone));
	FUZZ_CHECK(cf->id_hash_key != NULL && key_valid(cf->id_hash_key));
	FUZZ_CHECK(cf->db_pool_size >= 1 && cf->db_pool_size <= 64);
	FUZZ_CHECK(cf->db_queue_max >= 1 && cf->db_queue_max <= 1000000);
	FUZZ_CHECK(cf->db_reconnect_max >= 1 && cf->db_reconnect_max <= 60);
	FUZZ_CHECK(cf->db_read != NULL);
	FUZZ_CHECK(cf->db_read_pool_size >= 1 && cf->db_read_pool_size <= 64);
	FUZZ_CHECK(cf->db_read_max_wait >= 0 && cf->db_read_max_wait <= 10000);
	FUZZ_CHECK(cf->max_body_size >= 1024 &&
	    cf->max_body_size <= 16777216);
	FUZZ_CHECK(cf->max_header_size >= 1024 &&
	    cf->max_header_size <= 65536);
	FUZZ_CHECK(cf->idle_timeout >= 1 && cf->idle_timeout <= 3600);
	FUZZ_CHECK(cf->shutdown_timeout >= 0 && cf->shutdown_timeout <= 300);
	FUZZ_CHECK(cf->help_expiry_interval >= 1 &&
	    cf->help_expiry_interval <= 3600);
	FUZZ_CHECK(cf->log_level >= LOG_DEBUG && cf->log_level <= LOG_ERROR);
	FUZZ_CHECK(strcmp(log_level_name(cf->log_level), "") != 0);
}

/* Load the file as a reload would, onto the defaults. */
static void
check_load(const uint8_t *data, size_t size)
{
	struct conf *cf, *running;
	const char *path;
	char err[256];

	path = memfile_fill("vpointsd.conf", 0644, data, size);
	cf = conf_new();
	check_valid(cf);
	memset(err, 0, sizeof(err));
	if (conf_load(cf, path, err, sizeof(err)) != 0) {
		FUZZ_CHECK(err[0] != '\0');
		conf_free(cf);
		return;
	}
	check_valid(cf);
	/* A reload keeps what only a restart changes. */
	running = conf_new();
	conf_keep_fixed(cf, running);
	check_valid(cf);
	FUZZ_CHECK(strcmp(cf->listen, running->listen) == 0);
	FUZZ_CHECK(strcmp(cf->db, running->db) == 0);
	FUZZ_CHECK(strcmp(cf->sql_dir, running->sql_dir) == 0);
	FUZZ_CHECK(strcmp(cf->id_hash_key, running->id_hash_key) == 0);
	FUZZ_CHECK(strcmp(cf->signing_key, running->signing_key) == 0);
	FUZZ_CHECK(cf->db_pool_size == running->db_pool_size);
	conf_free(running);
	conf_free(cf);
}

/* Set keys from the first line, as from the command line. */
static void
check_set(const uint8_t *data, size_t size)
{
	struct conf *cf;
	char *line, *eq, err[256];
	size_t i, n;

	n = strnlen((const char *)data, size);
	if ((line = malloc(n + 1)) == NULL)
		abort();
	memcpy(line, data, n);
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	cf = conf_new();
	for (i = 0; i < conf_key_count(); i++) {
		memset(err, 0, sizeof(err));
		if (conf_set(cf, conf_key_name(i), line, err, sizeof(err)) != 0)
			FUZZ_CHECK(err[0] != '\0');
		check_valid(cf);
	}
	if ((eq = strchr(line, '=')) != NULL) {
		*eq = '\0';
		memset(err, 0, sizeof(err));
		if (conf_set(cf, line, eq + 1, err, sizeof(err)) != 0)
			FUZZ_CHECK(err[0] != '\0');
		check_valid(cf);
	}
	conf_free(cf);
	free(line);
}

/* Load the input as a file, then set keys from it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level(LOG_ERROR);
	check_load(data, size);
	check_set(data, size);
	return 0;
}
