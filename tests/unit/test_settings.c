/* Unit tests of client/settings.c (order of precedence) and of the server
 * address check in client/net.c. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "client/net.h"
#include "client/settings.h"

static char home[64];

/* An empty HOME with no config file and no VPOINTS_* variables. */
static void
setup(void)
{
	unit_mkdtemp(home, sizeof(home), "test_settings");
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("VPOINTS_CONFIG");
	unsetenv("VPOINTS_SERVER");
	unsetenv("VPOINTS_KEY");
	unsetenv("VPOINTS_OUTBOX");
	unsetenv("XDG_STATE_HOME");
}

/* Remove the fake HOME. */
static void
teardown(void)
{
	unit_rmdir(home);
}

/* Write ~/.config/vpoints/config. */
static void
write_config(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.config", home);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.config/vpoints", home);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.config/vpoints/config", home);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(defaults)
{
	struct settings_args args = { NULL, NULL, NULL };
	struct settings s;
	char err[256];

	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.server, "http://127.0.0.1:8750");
	ck_assert_ptr_null(s.key);
	ck_assert_ptr_null(s.config_path);
	ck_assert(!s.bom);
	ck_assert_ptr_null(s.receipt);
	settings_clear(&s);
}
END_TEST

START_TEST(spreadsheets_and_receipts)
{
	struct settings_args args = { NULL, NULL, NULL };
	struct settings s;
	char err[256];

	write_config("bom = yes\nreceipt = 58mm\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert(s.bom);
	ck_assert_str_eq(s.receipt, "58mm");
	settings_clear(&s);
	write_config("bom = no\nreceipt = a4\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert(!s.bom);
	ck_assert_str_eq(s.receipt, "a4");
	settings_clear(&s);
	write_config("bom = 1\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: bom = 1: want yes or no"));
	settings_clear(&s);
	write_config("receipt = 80mm\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: receipt = 80mm: want 58mm or "
	    "a4"));
	settings_clear(&s);
}
END_TEST

/* language = names the catalogue; without it, the environment's. */
START_TEST(language)
{
	struct settings_args args = { NULL, NULL, NULL };
	struct settings s;
	char err[256];

	write_config("language = zh_CN\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.language, "zh_CN");
	settings_clear(&s);
	write_config("server = http://127.0.0.1:1\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_ptr_null(s.language);
	settings_clear(&s);
}
END_TEST

START_TEST(precedence)
{
	struct settings_args args = { NULL, NULL, NULL };
	struct settings s;
	char err[256];

	write_config("server = http://file:1\nkey = /file.key\n"
	    "station = S01\nformat = csv\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.server, "http://file:1");
	ck_assert_str_eq(s.key, "/file.key");
	ck_assert_str_eq(s.station, "S01");
	ck_assert_str_eq(s.format, "csv");
	settings_clear(&s);

	setenv("VPOINTS_SERVER", "http://env:2", 1);
	setenv("VPOINTS_KEY", "/env.key", 1);
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.server, "http://env:2");
	ck_assert_str_eq(s.key, "/env.key");
	settings_clear(&s);

	args.server = "http://flag:3";
	args.key = "/flag.key";
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.server, "http://flag:3");
	ck_assert_str_eq(s.key, "/flag.key");
	settings_clear(&s);
}
END_TEST

START_TEST(outbox_folder)
{
	struct settings_args args = { NULL, NULL, NULL };
	struct settings s;
	char err[256], want[128];

	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/.local/state/vpoints/outbox", home);
	ck_assert_str_eq(s.outbox, want);
	settings_clear(&s);

	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.outbox, "/xdg/state/vpoints/outbox");
	settings_clear(&s);

	write_config("outbox = /file/outbox\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.outbox, "/file/outbox");
	settings_clear(&s);

	setenv("VPOINTS_OUTBOX", "/env/outbox", 1);
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.outbox, "/env/outbox");
	settings_clear(&s);
}
END_TEST

START_TEST(bad_files)
{
	struct settings_args args = { NULL, NULL, NULL };
	struct settings s;
	char err[256];

	write_config("server = http://x:1\ncolour = blue\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: unknown key \"colour\""));
	settings_clear(&s);

	args.config = "/nonexistent/config";
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	settings_clear(&s);
}
END_TEST

START_TEST(server_addresses)
{
	char host[64];
	int port;

	ck_assert_int_eq(net_split_server("http://127.0.0.1:8750", host,
	    sizeof(host), &port), 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_int_eq(port, 8750);
	ck_assert_int_eq(net_split_server("http://example.org/", host,
	    sizeof(host), &port), 0);
	ck_assert_int_eq(port, 80);
	ck_assert_int_eq(net_split_server("https://example.org", host,
	    sizeof(host), &port), -1);
	ck_assert_int_eq(net_split_server("http://example.org/v1", host,
	    sizeof(host), &port), -1);
	ck_assert_int_eq(net_split_server("127.0.0.1:8750", host,
	    sizeof(host), &port), -1);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("settings", setup, teardown, UNIT_TESTS(defaults,
	    precedence, outbox_folder, bad_files, spreadsheets_and_receipts,
	    language, server_addresses));
}
