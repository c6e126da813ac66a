/* Unit tests of daemon/conf.c: defaults, bounds, files, reload rules, and
 * that the sample etc/vpointsd.conf.in documents every key. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "daemon/conf.h"

/* Write text to a new temporary file; returns its path. */
static char *
write_temp(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_conf.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(defaults)
{
	struct conf *cf = conf_new();

	ck_assert_str_eq(cf->listen, "127.0.0.1:8750");
	ck_assert_int_eq(cf->db_pool_size, 4);
	ck_assert_int_eq(cf->max_body_size, 65536);
	ck_assert_int_eq(cf->log_level, LOG_INFO);
	ck_assert_str_eq(cf->timezone, "Asia/Shanghai");
	ck_assert_str_eq(cf->programme_start, "2000-01-01");
	ck_assert_int_eq(cf->back_entry_days, 31);
	conf_free(cf);
}
END_TEST

START_TEST(bounds_and_types)
{
	struct conf *cf = conf_new();
	char err[256];

	ck_assert_int_eq(conf_set(cf, "db_pool_size", "0", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "db_pool_size: 0 is outside 1..64");
	ck_assert_int_eq(conf_set(cf, "db_pool_size", "65", err, sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "db_pool_size", "8x", err, sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "db_pool_size", "", err, sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "db_pool_size",
	    "99999999999999999999", err, sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "db_pool_size", "64", err, sizeof(err)), 0);
	ck_assert_int_eq(cf->db_pool_size, 64);
	ck_assert_int_eq(conf_set(cf, "log_level", "loud", err, sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "log_level", "warn", err, sizeof(err)), 0);
	ck_assert_int_eq(cf->log_level, LOG_WARN);
	ck_assert_int_eq(conf_set(cf, "listen", "", err, sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "timezone", "Mars/Olympus", err, sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "timezone", "../../etc/passwd", err, sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "timezone", "Europe/Berlin", err, sizeof(err)), 0);
	ck_assert_str_eq(cf->timezone, "Europe/Berlin");
	ck_assert_int_eq(conf_set(cf, "programme_start", "2024-02-30", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "programme_start: \"2024-02-30\" is not a date "
	    "YYYY-MM-DD of the years 1990 to 2099");
	ck_assert_int_eq(conf_set(cf, "programme_start", "1900-01-01", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "programme_start", "9999-01-01", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "programme_start", "2023-2-01", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "programme_start", "2023-02-01x", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "programme_start", "2100-02-29", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "programme_start", "2024-02-29", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(cf->programme_start, "2024-02-29");
	ck_assert_int_eq(conf_set(cf, "back_entry_days", "-1", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "back_entry_days", "0", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(conf_set(cf, "nope", "1", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "unknown key \"nope\"");
	conf_free(cf);
}
END_TEST

START_TEST(load_file)
{
	struct conf *cf = conf_new();
	char err[256], *path;

	path = write_temp("# comment\n[vpointsd]\nlisten = 0.0.0.0:9000\n"
	    "max_body_size = 2048\n");
	ck_assert_int_eq(conf_load(cf, path, err, sizeof(err)), 0);
	ck_assert_str_eq(cf->listen, "0.0.0.0:9000");
	ck_assert_int_eq(cf->max_body_size, 2048);
	unlink(path);

	path = write_temp("listen = 1.2.3.4:5\n\nmax_body_size = 1\n");
	ck_assert_int_eq(conf_load(cf, path, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 3: max_body_size: 1 is outside 1024..16777216");
	unlink(path);

	path = write_temp("[other]\nlisten = 1.2.3.4:5\n");
	ck_assert_int_eq(conf_load(cf, path, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 2: unknown section [other]");
	unlink(path);

	path = write_temp("just words\n");
	ck_assert_int_eq(conf_load(cf, path, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1: not a name = value line");
	unlink(path);

	ck_assert_int_eq(conf_load(cf, "/nonexistent/vpointsd.conf", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "cannot open: No such file or directory");
	conf_free(cf);
}
END_TEST

START_TEST(reload_keeps_fixed_keys)
{
	struct conf *cur = conf_new(), *next = conf_new();
	char err[256];

	ck_assert_int_eq(conf_set(next, "listen", "0.0.0.0:1", err, sizeof(err)), 0);
	ck_assert_int_eq(conf_set(next, "db_pool_size", "9", err, sizeof(err)), 0);
	ck_assert_int_eq(conf_set(next, "max_body_size", "4096", err, sizeof(err)), 0);
	conf_keep_fixed(next, cur);
	ck_assert_str_eq(next->listen, "127.0.0.1:8750");
	ck_assert_int_eq(next->db_pool_size, 4);
	ck_assert_int_eq(next->max_body_size, 4096);
	conf_free(cur);
	conf_free(next);
}
END_TEST

START_TEST(sample_documents_every_key)
{
	const char *path = TOP_SRCDIR "/etc/vpointsd.conf.in";
	struct conf *cf = conf_new();
	char err[256], line[512], want[128];
	size_t i, n = conf_key_count();
	FILE *f;
	int found;

	ck_assert_int_eq(conf_load(cf, path, err, sizeof(err)), 0);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%s =", conf_key_name(i));
		found = 0;
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, want, strlen(want)) == 0 ||
			    (line[0] == '#' &&
			    strncmp(line + 1, want, strlen(want)) == 0))
				found = 1;
		}
		fclose(f);
		ck_assert_msg(found, "etc/vpointsd.conf.in does not document %s",
		    conf_key_name(i));
	}
	conf_free(cf);
}
END_TEST

START_TEST(server_names)
{
	struct conf *cf = conf_new();
	char err[256], name[CONF_AUTHORITY_MAX];

	ck_assert_str_eq(cf->server_names, "");
	ck_assert_int_eq(cf->request_timeout, 20);
	ck_assert_int_eq(cf->max_connections, 1000);
	/* Commas or spaces; lowercase; the default port 80 dropped. */
	ck_assert_int_eq(conf_set(cf, "server_names",
	    "Points.Example.ORG, 127.0.0.1:8750  [::1]:8750,api:80", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(cf->server_names,
	    "points.example.org 127.0.0.1:8750 [::1]:8750 api");
	ck_assert_int_eq(conf_set(cf, "server_names", "secure:443", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(cf->server_names, "secure");
	/* The path a proxy serves the daemon under. */
	ck_assert_str_eq(cf->path_prefix, "");
	ck_assert_int_eq(conf_set(cf, "path_prefix", "/city/vpoints/", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(cf->path_prefix, "/city/vpoints");
	ck_assert_int_eq(conf_set(cf, "path_prefix", "/", err, sizeof(err)),
	    0);
	ck_assert_str_eq(cf->path_prefix, "");
	ck_assert_int_eq(conf_set(cf, "path_prefix", "vpoints", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "path_prefix", "/a b", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "path_prefix", "/a//b", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "server_names", "", err, sizeof(err)),
	    0);
	ck_assert_str_eq(cf->server_names, "");
	ck_assert_int_eq(conf_set(cf, "server_names", "a.example, b/c", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "server_names: \"b/c\" is not HOST or HOST:PORT");
	ck_assert_int_eq(conf_set(cf, "server_names", "host:0", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "server_names", "host:65536", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "server_names", "host:", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "server_names", ":8750", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "server_names", "[zz]:1", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(conf_set(cf, "server_names", "a@b", err,
	    sizeof(err)), -1);
	/* A Host header is read the same way. */
	ck_assert_int_eq(conf_authority("LOCALHOST:08750", 15, name,
	    sizeof(name)), 0);
	ck_assert_str_eq(name, "localhost:8750");
	ck_assert_int_eq(conf_authority("x.example:80", 12, name,
	    sizeof(name)), 0);
	ck_assert_str_eq(name, "x.example");
	ck_assert_int_eq(conf_authority("a\0b", 3, name, sizeof(name)), -1);
	ck_assert_int_eq(conf_authority("a b", 3, name, sizeof(name)), -1);
	ck_assert_int_eq(conf_authority("", 0, name, sizeof(name)), -1);
	conf_free(cf);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("conf", NULL, NULL, UNIT_TESTS(defaults, server_names,
	    bounds_and_types, load_file, reload_keeps_fixed_keys,
	    sample_documents_every_key));
}
