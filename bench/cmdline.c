/* The command line of vpoints-bench-load. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench/load.h"
#include "wire.h"
#include "xmalloc.h"

static const char cmdline_usage_text[] =
"usage: " LOAD_NAME " keys COUNT\n"
"       " LOAD_NAME " run --url http://HOST:PORT --op OP --connections N\n"
"           [--duration SECONDS] [--max N] [--communities C]\n"
"           [--volunteers V] [--events E] [--offset K]\n"
"           [--base-time EPOCH_SECONDS]\n"
"           [--month YYYY-MM] [--hold SECONDS]\n"
"       " LOAD_NAME " verify [COUNT]\n"
"       " LOAD_NAME " serve HOST PORT\n"
"OP: shift, redeem, balance, report-community, report-volunteers,\n"
"report-city, report-page, month-close (once: a month closes once), signup,\n"
"page or idle.\n"
"keys prints \"<i>\\t<public key in hex>\" for the bench keys 0..COUNT-1;\n"
"run prints one JSON object. verify times COUNT Ed25519 verifications of a\n"
"shift write's signature base and prints one JSON object; serve answers\n"
"every HTTP request with a fixed 200 until SIGTERM. Exit: 0 the run completed (whatever the\n"
"answers), 64 bad usage, 69 cannot connect, 70 no answer within 30 s or a\n"
"held connection lost.\n";

/* Print the usage and return the usage exit code. */
int
cmdline_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, LOAD_NAME ": %s\n", why);
	fputs(cmdline_usage_text, stderr);
	return WIRE_EXIT_USAGE;
}

/* A whole number within lo..hi, or -1 if text is not one. */
int
cmdline_number(const char *text, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The same for a long option value. */
static int
cmdline_long(const char *text, long lo, long hi, long *out)
{
	int64_t v;

	if (cmdline_number(text, lo, hi, &v) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

/* Split --url http://HOST[:PORT][/] into authority, host and port. */
static int
cmdline_parse_url(const char *url, struct load_options *opt)
{
	const char *a, *end, *host, *host_end, *rest;
	int64_t port;

	if (strncasecmp(url, "http://", 7) != 0)
		return -1;
	a = url + 7;
	end = a + strcspn(a, "/?#");
	if (*end != '\0' && strcmp(end, "/") != 0)
		return -1;
	if (end == a || end - a > 255 || memchr(a, '@', end - a) != NULL)
		return -1;
	if (*a == '[') {
		host = a + 1;
		host_end = memchr(host, ']', end - host);
		if (host_end == NULL)
			return -1;
		rest = host_end + 1;
	} else {
		host = a;
		host_end = memchr(a, ':', end - a);
		if (host_end == NULL)
			host_end = end;
		rest = host_end;
	}
	if (host_end == host)
		return -1;
	if (rest == end)
		opt->port = xstrdup("80");
	else {
		if (*rest != ':')
			return -1;
		opt->port = xstrndup(rest + 1, end - rest - 1);
		if (strspn(opt->port, "0123456789") != strlen(opt->port) ||
		    cmdline_number(opt->port, 1, 65535, &port) != 0)
			return -1;
	}
	opt->authority = xstrndup(a, end - a);
	opt->host = xstrndup(host, host_end - host);
	return 0;
}

/* Whether text is a month, YYYY-MM. */
static bool
cmdline_month_valid(const char *text)
{
	int i;

	if (strlen(text) != 7 || text[4] != '-')
		return false;
	for (i = 0; i < 7; i++) {
		if (i != 4 && (text[i] < '0' || text[i] > '9'))
			return false;
	}
	return (text[5] == '0' && text[6] >= '1') ||
	    (text[5] == '1' && text[6] <= '2');
}

/* Parse the options of run; returns 0 or an exit code. */
int
cmdline_parse_run(int argc, char **argv, struct load_options *opt)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "op", required_argument, NULL, 'o' },
		{ "connections", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "max", required_argument, NULL, 'm' },
		{ "communities", required_argument, NULL, 'C' },
		{ "volunteers", required_argument, NULL, 'V' },
		{ "events", required_argument, NULL, 'E' },
		{ "offset", required_argument, NULL, 'k' },
		{ "base-time", required_argument, NULL, 'b' },
		{ "month", required_argument, NULL, 'M' },
		{ "hold", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	/* The options that take a whole number into a long of opt. */
	const struct {
		int		 ch;
		long		 lo, hi;
		long		*target;
		const char	*why;
	} longs[] = {
		{ 'c', 1, 1000000, &opt->connections,
		    "--connections: 1 to 1000000" },
		{ 'd', 1, 86400, &opt->duration,
		    "--duration: 1 to 86400 seconds" },
		{ 'm', 1, 10000000, &opt->max, "--max: 1 to 10000000" },
		{ 'C', 1, 1000000, &opt->communities,
		    "--communities: 1 to 1000000" },
		{ 'V', 1, 999999999, &opt->volunteers,
		    "--volunteers: 1 to 999999999" },
		{ 'E', 1, 1000000, &opt->events, "--events: 1 to 1000000" },
		{ 'h', 1, 86400, &opt->hold, "--hold: 1 to 86400 seconds" },
	};
	bool have_url = false, have_op = false, have_base = false;
	bool have_month = false;
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int ch;

	opt->connections = 0;
	opt->duration = 10;
	opt->max = 50000;
	opt->communities = 100;
	opt->volunteers = 100000;
	opt->events = 1;
	opt->offset = 0;
	opt->hold = 10;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			if (have_url || cmdline_parse_url(optarg, opt) != 0)
				return cmdline_usage("--url must be "
				    "http://HOST[:PORT], given once");
			have_url = true;
			break;
		case 'o':
			for (i = 0; i < LOAD_NOPS; i++) {
				if (strcmp(optarg, load_ops[i].name) == 0)
					break;
			}
			if (i == LOAD_NOPS)
				return cmdline_usage("unknown --op");
			opt->op = (enum load_op)i;
			have_op = true;
			break;
		case 'k':
			if (cmdline_number(optarg, 0, INT64_C(1) << 40,
			    &opt->offset) != 0)
				return cmdline_usage("--offset: 0 to 2^40");
			break;
		case 'b':
			if (cmdline_number(optarg, 0, INT64_C(253402300799),
			    &opt->base_time) != 0)
				return cmdline_usage("--base-time: seconds "
				    "since 1970");
			have_base = true;
			break;
		case 'M':
			if (!cmdline_month_valid(optarg))
				return cmdline_usage("--month must be "
				    "YYYY-MM");
			snprintf(opt->month, sizeof(opt->month), "%s",
			    optarg);
			have_month = true;
			break;
		default:
			for (i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
				if (longs[i].ch == ch)
					break;
			}
			if (i == sizeof(longs) / sizeof(longs[0]))
				return cmdline_usage("unknown option, or one "
				    "without its value");
			if (cmdline_long(optarg, longs[i].lo, longs[i].hi,
			    longs[i].target) != 0)
				return cmdline_usage(longs[i].why);
			break;
		}
	}
	if (optind != argc)
		return cmdline_usage("unexpected argument");
	if (!have_url || !have_op || opt->connections == 0)
		return cmdline_usage("run wants --url, --op and "
		    "--connections");
	/* Defaults: shifts from a year ago (midnight UTC, so the same all
	 * day long), reports of the current month (UTC). */
	if (!have_base)
		opt->base_time = (int64_t)(now / 86400) * 86400 -
		    365 * 86400;
	if (!have_month) {
		gmtime_r(&now, &tm);
		strftime(opt->month, sizeof(opt->month), "%Y-%m", &tm);
	}
	return 0;
}
