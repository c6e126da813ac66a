/* Unit tests of client/settings.c (order of precedence) and of the server
 * URL check in client/net.c. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
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
	struct settings_args args = { NULL, NULL, NULL, NULL };
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
	struct settings_args args = { NULL, NULL, NULL, NULL };
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
	struct settings_args args = { NULL, NULL, NULL, NULL };
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
	struct settings_args args = { NULL, NULL, NULL, NULL };
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
	struct settings_args args = { NULL, NULL, NULL, NULL };
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
	struct settings_args args = { NULL, NULL, NULL, NULL };
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

/* Open a connection to server with insecure_http as given; its authority
 * and prefix, or NULL when net_open refused (err says why). */
static struct net *
open_server(const char *server, bool insecure_http, char *err, size_t len)
{
	struct net_options o = { .server = server, .timeout = 10,
	    .connect_timeout = 5, .insecure_http = insecure_http };

	err[0] = '\0';
	return net_open(&o, err, len);
}

START_TEST(server_addresses)
{
	static const struct {
		const char	*url;
		const char	*authority;	/* NULL: refused */
		const char	*prefix;
	} cases[] = {
		{ "http://127.0.0.1:8750", "127.0.0.1:8750", "" },
		{ "http://127.0.0.1:80/", "127.0.0.1", "" },
		{ "http://localhost:8750/", "localhost:8750", "" },
		{ "http://[::1]:8750", "[::1]:8750", "" },
		{ "https://example.org", "example.org", "" },
		{ "https://example.org:443/vpoints/", "example.org",
		    "/vpoints" },
		{ "https://example.org:8443/city/vpoints", "example.org:8443",
		    "/city/vpoints" },
		{ "https://[2001:db8::1]/vpoints/", "[2001:db8::1]",
		    "/vpoints" },
		{ "http://example.org/", NULL, NULL },	/* clear text */
		{ "http://10.0.0.1:8750", NULL, NULL },
		{ "ftp://example.org", NULL, NULL },
		{ "127.0.0.1:8750", NULL, NULL },
		{ "https://example.org/?a=1", NULL, NULL },
		{ "https://user@example.org/", NULL, NULL },
		{ "https://example.org/a%20b/", NULL, NULL },
	};
	struct net *n;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = open_server(cases[i].url, false, err, sizeof(err));
		if (cases[i].authority == NULL) {
			ck_assert_msg(n == NULL, "%s: accepted", cases[i].url);
			ck_assert_ptr_nonnull(strstr(err, "server \""));
			continue;
		}
		ck_assert_msg(n != NULL, "%s: %s", cases[i].url, err);
		ck_assert_str_eq(net_authority(n), cases[i].authority);
		ck_assert_str_eq(net_prefix(n), cases[i].prefix);
		net_close(n);
	}
	n = open_server("http://example.org:8750/", true, err, sizeof(err));
	ck_assert_ptr_nonnull(n);
	ck_assert_str_eq(net_authority(n), "example.org:8750");
	net_close(n);
	n = open_server("http://example.org/", false, err, sizeof(err));
	ck_assert_ptr_null(n);
	ck_assert_ptr_nonnull(strstr(err, "insecure_http = yes"));
}
END_TEST

/* The config file's TLS keys, and --cacert over cacert =. */
START_TEST(tls_settings)
{
	struct settings_args args = { NULL, NULL, NULL, NULL };
	struct settings s;
	char err[256];

	write_config("server = https://points.example/vpoints/\n"
	    "cacert = /etc/vpoints/ca.pem\npin = sha256//AAAA\n"
	    "proxy = none\ninsecure_http = no\nconnect_timeout = 3\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.cacert, "/etc/vpoints/ca.pem");
	ck_assert_str_eq(s.pin, "sha256//AAAA");
	ck_assert_str_eq(s.proxy, "none");
	ck_assert(!s.insecure_http);
	ck_assert_int_eq(s.connect_timeout, 3);
	settings_clear(&s);
	args.cacert = "given.pem";
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), 0);
	ck_assert_str_eq(s.cacert, "given.pem");
	settings_clear(&s);
	write_config("connect_timeout = 0\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: connect_timeout = 0: want 1 "
	    "to 3600 seconds"));
	settings_clear(&s);
	write_config("insecure_http = maybe\n");
	ck_assert_int_eq(settings_resolve(&s, &args, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "insecure_http = maybe: want yes "
	    "or no"));
	settings_clear(&s);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("settings", setup, teardown, UNIT_TESTS(defaults,
	    precedence, outbox_folder, bad_files, spreadsheets_and_receipts,
	    language, server_addresses, tls_settings));
}
