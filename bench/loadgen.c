/* vpoints-bench-load: the benchmark's load generator.
 *
 * It measures vpointsd, not itself: every request is signed before the
 * clock starts and kept as complete HTTP/1.1 bytes, then sent over raw
 * keep-alive connections, one request in flight per connection (a closed
 * loop: the next request goes when the previous answer is whole), and the
 * answers are read by a small strict HTTP/1.1 reader.
 *
 * Keys are deterministic and for benchmarks only: key i is the Ed25519
 * key whose seed is SHA-256 of "vpoints-bench-key <i>". Key 0 is the
 * city-wide admin key, key c (1..C) the station key of community c. */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>

#include "sig.h"
#include "wire.h"
#include "xmalloc.h"

#define LOAD_NAME		"vpoints-bench-load"
#define LOAD_KEY_SEED		"vpoints-bench-key %" PRId64
#define LOAD_EXPIRES		300	/* seconds a signature is valid */
#define LOAD_ANSWER_TIMEOUT	30	/* seconds without an answer: fail */
#define LOAD_MAX_HEAD		65536	/* longest status line and headers */
#define LOAD_MAX_BODY		(256L * 1024 * 1024) /* longest body */
#define LOAD_BODY_SHOWN		2000	/* bytes shown of a failed answer */
#define LOAD_NSTATUS		600	/* statuses counted: 0..599 */
#define LOAD_FD_SPARE		32	/* descriptors kept for other uses */
#define LOAD_VOLUNTEER_HASH	2654435761ULL /* spreads balance reads */

/* What a run sends. */
enum load_op {
	LOAD_OP_SHIFT,		/* POST /v1/shifts */
	LOAD_OP_REDEEM,		/* POST /v1/redemptions */
	LOAD_OP_BALANCE,	/* GET /v1/volunteers/{number}/ledger */
	LOAD_OP_REPORT_COMMUNITY, /* monthly report, a station's key */
	LOAD_OP_REPORT_CITY,	/* monthly report, the admin key */
	LOAD_OP_IDLE		/* one unsigned /healthz, then held open */
};

static const char *const load_op_names[] = {
	[LOAD_OP_SHIFT] = "shift",
	[LOAD_OP_REDEEM] = "redeem",
	[LOAD_OP_BALANCE] = "balance",
	[LOAD_OP_REPORT_COMMUNITY] = "report-community",
	[LOAD_OP_REPORT_CITY] = "report-city",
	[LOAD_OP_IDLE] = "idle",
};

#define LOAD_NOPS (sizeof(load_op_names) / sizeof(load_op_names[0]))

/* Where one connection is. */
enum load_conn_state {
	LOAD_CONNECTING,	/* connect() under way */
	LOAD_READY,		/* connected, waiting for the start */
	LOAD_HEAD,		/* request sent; reading status, headers */
	LOAD_BODY,		/* reading the body of the answer */
	LOAD_HOLDING,		/* idle op: answered, held open and silent */
	LOAD_DONE		/* nothing more to do; closed */
};

/* The command line of a run. */
struct load_options {
	enum load_op	 op;
	char		*authority;	/* the URL's: Host and @authority */
	char		*host;		/* to resolve, without brackets */
	char		*port;
	long		 connections;
	long		 duration;
	long		 max;
	long		 communities;
	long		 volunteers;
	int64_t		 offset;
	int64_t		 base_time;
	char		 month[8];
	long		 hold;
};

/* The bench keys of a run: key i's secret key (libsodium's seed || public
 * key) at sk + i * SIG_SECRETKEYBYTES, its key id at keyid[i]. */
struct load_keys {
	unsigned char	*sk;		/* sodium_malloc'd */
	char		(*keyid)[SIG_KEYID_LEN + 1];
	size_t		 n;
};

/* One request, signed and serialised. */
struct load_request {
	char		*text;
	size_t		 len;
};

/* The headers a request's signature covers besides derived components. */
struct load_signed_headers {
	const char	*content_type;
	const char	*content_digest;
	const char	*idempotency_key;
};

struct load_run;

/* One connection to the daemon. */
struct load_conn {
	struct load_run	*run;
	struct bufferevent *bev;	/* NULL once closed */
	enum load_conn_state state;
	struct timespec	 sent_at;	/* when the request in flight went */
	size_t		 body_len;	/* Content-Length of the answer */
	int		 status;	/* status of the answer being read */
	bool		 close_after;	/* the answer ends the connection */
};

/* A whole run: its requests, connections and counts. */
struct load_run {
	const struct load_options *opt;
	struct event_base *base;
	struct sockaddr_storage addr;
	socklen_t	 addrlen;
	struct load_request *requests;
	size_t		 nrequests;
	size_t		 next;		/* the next request to send */
	struct load_conn *conns;
	size_t		 nconns;
	size_t		 connected;	/* connections ready before the start */
	size_t		 open;		/* connections not yet done */
	size_t		 settled;	/* idle op: answered or lost */
	size_t		 held;		/* idle op: connections held open */
	bool		 started;
	struct timespec	 start;		/* the first request written */
	struct timespec	 deadline;	/* no new request from then on */
	struct timespec	 last;		/* the last answer read */
	struct rusage	 usage_start;
	int64_t		*latency;	/* nanoseconds, one per answer */
	size_t		 nlatency;
	uint64_t	 sent;
	uint64_t	 ok;
	uint64_t	 errors;	/* requests without a valid answer */
	uint64_t	 reconnects;
	uint64_t	 statuses[LOAD_NSTATUS];
	bool		 shown_failure;	/* the first non-2xx answer was shown */
	bool		 shown_error;	/* the first error was shown */
	double		 sign_seconds;
	struct event	*hold_timer;
	int		 exit_code;	/* 0 unless the run failed */
};

static const char load_usage_text[] =
"usage: " LOAD_NAME " keys COUNT\n"
"       " LOAD_NAME " run --url http://HOST:PORT --op OP --connections N\n"
"           [--duration SECONDS] [--max N] [--communities C]\n"
"           [--volunteers V] [--offset K] [--base-time EPOCH_SECONDS]\n"
"           [--month YYYY-MM] [--hold SECONDS]\n"
"OP: shift, redeem, balance, report-community, report-city or idle.\n"
"keys prints \"<i>\\t<public key in hex>\" for the bench keys 0..COUNT-1;\n"
"run prints one JSON object. Exit: 0 the run completed (whatever the\n"
"answers), 64 bad usage, 69 cannot connect, 70 no answer within 30 s or a\n"
"held connection lost.\n";

/* Print the usage and return the usage exit code. */
static int
load_usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, LOAD_NAME ": %s\n", why);
	fputs(load_usage_text, stderr);
	return WIRE_EXIT_USAGE;
}

/* The monotonic clock. */
static void
load_now(struct timespec *ts)
{
	if (clock_gettime(CLOCK_MONOTONIC, ts) != 0)
		abort();
}

/* Nanoseconds from a to b. */
static int64_t
load_ns(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000 +
	    (b->tv_nsec - a->tv_nsec);
}

/* Whether a is at or past b. */
static bool
load_reached(const struct timespec *a, const struct timespec *b)
{
	return load_ns(b, a) >= 0;
}

/* A whole number within lo..hi, or -1 if text is not one. */
static int
load_number(const char *text, int64_t lo, int64_t hi, int64_t *out)
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
load_long(const char *text, long lo, long hi, long *out)
{
	int64_t v;

	if (load_number(text, lo, hi, &v) != 0)
		return -1;
	*out = (long)v;
	return 0;
}

/* Bench key i: its secret key (seed || public key) into sk. */
static void
load_key_make(int64_t i, unsigned char *sk)
{
	unsigned char seed[crypto_sign_SEEDBYTES], pk[SIG_PUBLICKEYBYTES];
	char text[64];

	snprintf(text, sizeof(text), LOAD_KEY_SEED, i);
	crypto_hash_sha256(seed, (const unsigned char *)text, strlen(text));
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
}

/* The bench keys 0..n-1, for signing. */
static void
load_keys_make(struct load_keys *keys, size_t n)
{
	size_t i;

	keys->n = n;
	keys->sk = sodium_allocarray(n, SIG_SECRETKEYBYTES);
	if (keys->sk == NULL)
		abort();
	keys->keyid = xcalloc(n, sizeof(*keys->keyid));
	for (i = 0; i < n; i++) {
		load_key_make((int64_t)i, keys->sk + i * SIG_SECRETKEYBYTES);
		sig_keyid(keys->sk + i * SIG_SECRETKEYBYTES +
		    crypto_sign_SEEDBYTES, keys->keyid[i]);
	}
}

/* Wipe and free the keys. */
static void
load_keys_free(struct load_keys *keys)
{
	sodium_free(keys->sk);
	free(keys->keyid);
	keys->sk = NULL;
	keys->keyid = NULL;
}

/* keys COUNT: print each bench key's index and public key in hex. */
static int
load_keys_print(int argc, char **argv)
{
	unsigned char sk[SIG_SECRETKEYBYTES];
	char hex[SIG_PUBLICKEYBYTES * 2 + 1];
	int64_t count, i;

	if (argc != 3 || load_number(argv[2], 1, 10000000, &count) != 0)
		return load_usage("keys wants a COUNT from 1 to 10000000");
	for (i = 0; i < count; i++) {
		load_key_make(i, sk);
		sodium_bin2hex(hex, sizeof(hex), sk + crypto_sign_SEEDBYTES,
		    SIG_PUBLICKEYBYTES);
		printf("%" PRId64 "\t%s\n", i, hex);
	}
	sodium_memzero(sk, sizeof(sk));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, LOAD_NAME ": cannot write the keys\n");
		return WIRE_EXIT_CANTCREAT;
	}
	return WIRE_EXIT_OK;
}

/* Split --url http://HOST[:PORT][/] into authority, host and port. */
static int
load_parse_url(const char *url, struct load_options *opt)
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
		    load_number(opt->port, 1, 65535, &port) != 0)
			return -1;
	}
	opt->authority = xstrndup(a, end - a);
	opt->host = xstrndup(host, host_end - host);
	return 0;
}

/* Whether text is a month, YYYY-MM. */
static bool
load_month_valid(const char *text)
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
static int
load_parse_run(int argc, char **argv, struct load_options *opt)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "op", required_argument, NULL, 'o' },
		{ "connections", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "max", required_argument, NULL, 'm' },
		{ "communities", required_argument, NULL, 'C' },
		{ "volunteers", required_argument, NULL, 'V' },
		{ "offset", required_argument, NULL, 'k' },
		{ "base-time", required_argument, NULL, 'b' },
		{ "month", required_argument, NULL, 'M' },
		{ "hold", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
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
	opt->offset = 0;
	opt->hold = 10;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			if (have_url || load_parse_url(optarg, opt) != 0)
				return load_usage("--url must be "
				    "http://HOST[:PORT], given once");
			have_url = true;
			break;
		case 'o':
			for (i = 0; i < LOAD_NOPS; i++) {
				if (strcmp(optarg, load_op_names[i]) == 0)
					break;
			}
			if (i == LOAD_NOPS)
				return load_usage("unknown --op");
			opt->op = (enum load_op)i;
			have_op = true;
			break;
		case 'c':
			if (load_long(optarg, 1, 1000000,
			    &opt->connections) != 0)
				return load_usage("--connections: 1 to "
				    "1000000");
			break;
		case 'd':
			if (load_long(optarg, 1, 86400, &opt->duration) != 0)
				return load_usage("--duration: 1 to 86400 "
				    "seconds");
			break;
		case 'm':
			if (load_long(optarg, 1, 10000000, &opt->max) != 0)
				return load_usage("--max: 1 to 10000000");
			break;
		case 'C':
			if (load_long(optarg, 1, 1000000,
			    &opt->communities) != 0)
				return load_usage("--communities: 1 to "
				    "1000000");
			break;
		case 'V':
			if (load_long(optarg, 1, 999999999,
			    &opt->volunteers) != 0)
				return load_usage("--volunteers: 1 to "
				    "999999999");
			break;
		case 'k':
			if (load_number(optarg, 0, INT64_C(1) << 40,
			    &opt->offset) != 0)
				return load_usage("--offset: 0 to 2^40");
			break;
		case 'b':
			if (load_number(optarg, 0, INT64_C(253402300799),
			    &opt->base_time) != 0)
				return load_usage("--base-time: seconds "
				    "since 1970");
			have_base = true;
			break;
		case 'M':
			if (!load_month_valid(optarg))
				return load_usage("--month must be YYYY-MM");
			snprintf(opt->month, sizeof(opt->month), "%s",
			    optarg);
			have_month = true;
			break;
		case 'h':
			if (load_long(optarg, 1, 86400, &opt->hold) != 0)
				return load_usage("--hold: 1 to 86400 "
				    "seconds");
			break;
		default:
			return load_usage("unknown option, or one without "
			    "its value");
		}
	}
	if (optind != argc)
		return load_usage("unexpected argument");
	if (!have_url || !have_op || opt->connections == 0)
		return load_usage("run wants --url, --op and --connections");
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

/* The signer's header accessor, by lowercase name. */
static const char *
load_header(void *arg, const char *name)
{
	const struct load_signed_headers *hs = arg;

	if (strcmp(name, "content-type") == 0)
		return hs->content_type;
	if (strcmp(name, "content-digest") == 0)
		return hs->content_digest;
	if (strcmp(name, "idempotency-key") == 0)
		return hs->idempotency_key;
	return NULL;
}

/* A random UUID (version 4), as an Idempotency-Key. */
static void
load_uuid(char *out, size_t len)
{
	unsigned char b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* A UTC time as RFC 3339 with Z. */
static void
load_rfc3339(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The community (1..C) of volunteer v (1..V). */
static long
load_community_of(const struct load_options *opt, int64_t v)
{
	return (long)((v - 1) % opt->communities) + 1;
}

/* Sign request k of the operation and serialise it into out. */
static void
load_build(const struct load_options *opt, const struct load_keys *keys,
    int64_t k, struct load_request *out)
{
	const char *components[7] = { "@method", "@authority", "@path",
	    "@query" };
	char path[96], query[64], body[320], number[24], idem[40];
	char started[32], ended[32], nonce[SIG_NONCE_LEN + 1];
	char *digest = NULL, *sig_input = NULL, *signature = NULL;
	struct load_signed_headers hs = { NULL, NULL, NULL };
	const char *method, *q = NULL, *b = NULL;
	struct sig_params sp;
	struct sig_request req;
	size_t nc = 4, key;
	int64_t v, start;

	v = k % opt->volunteers + 1;
	switch (opt->op) {
	case LOAD_OP_SHIFT:
		snprintf(number, sizeof(number), "B%06" PRId64, v);
		start = opt->base_time + (k / opt->volunteers) * 3600;
		load_rfc3339(start, started, sizeof(started));
		load_rfc3339(start + 50 * 60, ended, sizeof(ended));
		snprintf(body, sizeof(body), "{\"volunteer\":\"%s\","
		    "\"activity\":\"patrol\",\"started_at\":\"%s\","
		    "\"ended_at\":\"%s\",\"place\":\"Bench street\"}",
		    number, started, ended);
		method = "POST";
		snprintf(path, sizeof(path), "%s", WIRE_API_PREFIX "/shifts");
		b = body;
		key = (size_t)load_community_of(opt, v);
		break;
	case LOAD_OP_REDEEM:
		snprintf(number, sizeof(number), "B%06" PRId64, v);
		snprintf(body, sizeof(body), "{\"volunteer\":\"%s\","
		    "\"item\":\"GIFT\",\"quantity\":1}", number);
		method = "POST";
		snprintf(path, sizeof(path), "%s",
		    WIRE_API_PREFIX "/redemptions");
		b = body;
		key = (size_t)load_community_of(opt, v);
		break;
	case LOAD_OP_BALANCE:
		v = (int64_t)(((uint64_t)k * LOAD_VOLUNTEER_HASH) %
		    (uint64_t)opt->volunteers) + 1;
		snprintf(number, sizeof(number), "B%06" PRId64, v);
		method = "GET";
		snprintf(path, sizeof(path), WIRE_API_PREFIX
		    "/volunteers/%s/ledger", number);
		key = (size_t)load_community_of(opt, v);
		break;
	case LOAD_OP_REPORT_COMMUNITY:
	case LOAD_OP_REPORT_CITY:
		method = "GET";
		snprintf(path, sizeof(path), "%s",
		    WIRE_API_PREFIX "/reports/monthly");
		snprintf(query, sizeof(query), "month=%s&level=community",
		    opt->month);
		q = query;
		key = opt->op == LOAD_OP_REPORT_CITY ? 0 :
		    (size_t)(k % opt->communities) + 1;
		break;
	case LOAD_OP_IDLE:
	default:
		abort();
	}
	if (b != NULL) {
		digest = sig_digest_header(b, strlen(b));
		load_uuid(idem, sizeof(idem));
		hs.content_type = WIRE_TYPE_JSON;
		hs.content_digest = digest;
		hs.idempotency_key = idem;
		components[nc++] = "content-type";
		components[nc++] = "content-digest";
		components[nc++] = "idempotency-key";
	}
	sig_nonce_new(nonce);
	memset(&sp, 0, sizeof(sp));
	sp.created = (int64_t)time(NULL);
	sp.expires = sp.created + LOAD_EXPIRES;
	sp.nonce = nonce;
	sp.keyid = keys->keyid[key];
	sp.alg = SIG_ALG;
	sp.tag = SIG_TAG;
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.authority = opt->authority;
	req.path = path;
	req.query = q;
	req.header = load_header;
	req.arg = &hs;
	if (sig_sign_request(keys->sk + key * SIG_SECRETKEYBYTES, components,
	    nc, &sp, &req, &sig_input, &signature) != SIG_OK)
		abort();
	if (b != NULL)
		out->text = xasprintf("%s %s HTTP/1.1\r\n"
		    "Host: %s\r\n"
		    "Accept: " WIRE_TYPE_JSON "\r\n"
		    WIRE_HDR_CONTENT_TYPE ": " WIRE_TYPE_JSON "\r\n"
		    WIRE_HDR_CONTENT_DIGEST ": %s\r\n"
		    WIRE_HDR_IDEMPOTENCY_KEY ": %s\r\n"
		    WIRE_HDR_SIGNATURE_INPUT ": %s\r\n"
		    WIRE_HDR_SIGNATURE ": %s\r\n"
		    "Content-Length: %zu\r\n"
		    "\r\n%s", method, path, opt->authority, digest, idem,
		    sig_input, signature, strlen(b), b);
	else
		out->text = xasprintf("%s %s%s%s HTTP/1.1\r\n"
		    "Host: %s\r\n"
		    "Accept: " WIRE_TYPE_JSON "\r\n"
		    WIRE_HDR_SIGNATURE_INPUT ": %s\r\n"
		    WIRE_HDR_SIGNATURE ": %s\r\n"
		    "\r\n", method, path, q != NULL ? "?" : "",
		    q != NULL ? q : "", opt->authority, sig_input, signature);
	out->len = strlen(out->text);
	free(digest);
	free(sig_input);
	free(signature);
}

/* Make every request of the run before the clock starts. */
static void
load_prepare(struct load_run *run)
{
	const struct load_options *opt = run->opt;
	struct load_keys keys;
	struct timespec t0, t1;
	size_t i;

	load_now(&t0);
	if (opt->op == LOAD_OP_IDLE) {
		/* One unsigned request, the same bytes for every connection. */
		run->nrequests = (size_t)opt->connections;
		run->requests = xcalloc(run->nrequests,
		    sizeof(*run->requests));
		run->requests[0].text = xasprintf("GET " WIRE_ROUTE_HEALTHZ
		    " HTTP/1.1\r\nHost: %s\r\nAccept: " WIRE_TYPE_JSON
		    "\r\n\r\n", opt->authority);
		run->requests[0].len = strlen(run->requests[0].text);
		for (i = 1; i < run->nrequests; i++)
			run->requests[i] = run->requests[0];
	} else {
		run->nrequests = (size_t)opt->max;
		run->requests = xcalloc(run->nrequests,
		    sizeof(*run->requests));
		load_keys_make(&keys, (size_t)opt->communities + 1);
		for (i = 0; i < run->nrequests; i++)
			load_build(opt, &keys, opt->offset + (int64_t)i,
			    &run->requests[i]);
		load_keys_free(&keys);
	}
	load_now(&t1);
	run->sign_seconds = (double)load_ns(&t0, &t1) / 1e9;
	run->latency = xcalloc(run->nrequests, sizeof(*run->latency));
}

/* Free the requests (the idle op's share one text). */
static void
load_requests_free(struct load_run *run)
{
	size_t i, n;

	if (run->requests == NULL)
		return;
	n = run->opt->op == LOAD_OP_IDLE ? 1 : run->nrequests;
	for (i = 0; i < n; i++)
		free(run->requests[i].text);
	free(run->requests);
	run->requests = NULL;
}

/* End the run now with an exit code, the reason on stderr. */
static void
load_fail(struct load_run *run, int code, const char *why, const char *detail)
{
	if (run->exit_code == 0) {
		fprintf(stderr, LOAD_NAME ": %s%s%s\n", why,
		    detail != NULL ? ": " : "", detail != NULL ? detail : "");
		run->exit_code = code;
	}
	event_base_loopbreak(run->base);
}

static void	load_read(struct bufferevent *, void *);
static void	load_event(struct bufferevent *, short, void *);
static void	load_hold_start(struct load_run *);

/* Open the connection; load_event hears when it is up. */
static void
load_connect(struct load_conn *conn)
{
	struct load_run *run = conn->run;
	struct timeval tv = { LOAD_ANSWER_TIMEOUT, 0 };

	conn->state = LOAD_CONNECTING;
	conn->bev = bufferevent_socket_new(run->base, -1,
	    BEV_OPT_CLOSE_ON_FREE);
	if (conn->bev == NULL)
		abort();
	bufferevent_setcb(conn->bev, load_read, NULL, load_event, conn);
	bufferevent_set_timeouts(conn->bev, &tv, &tv);
	if (bufferevent_enable(conn->bev, EV_READ) != 0)
		abort();
	if (bufferevent_socket_connect(conn->bev,
	    (struct sockaddr *)&run->addr, (int)run->addrlen) != 0)
		load_fail(run, WIRE_EXIT_UNAVAILABLE, "cannot connect",
		    strerror(errno));
}

/* Close the connection for good. */
static void
load_done(struct load_conn *conn)
{
	struct load_run *run = conn->run;

	if (conn->bev != NULL)
		bufferevent_free(conn->bev);
	conn->bev = NULL;
	conn->state = LOAD_DONE;
	run->open--;
	if (run->open == 0 && run->opt->op != LOAD_OP_IDLE)
		event_base_loopbreak(run->base);
}

/* Whether a new request may go: one is left and time is not up. */
static bool
load_has_work(struct load_run *run)
{
	struct timespec now;

	if (run->next >= run->nrequests)
		return false;
	if (!run->started || run->opt->op == LOAD_OP_IDLE)
		return true;
	load_now(&now);
	return !load_reached(&now, &run->deadline);
}

/* Write the next request, or close the connection if none may go. */
static void
load_send(struct load_conn *conn)
{
	struct load_run *run = conn->run;
	struct evbuffer *out = bufferevent_get_output(conn->bev);
	const struct load_request *r;
	ssize_t n = 0;

	if (!load_has_work(run)) {
		load_done(conn);
		return;
	}
	r = &run->requests[run->next++];
	conn->state = LOAD_HEAD;
	load_now(&conn->sent_at);
	/* With nothing queued, one send() usually takes the whole request:
	 * that spares the two epoll_ctl calls of a bufferevent write. What
	 * is left, or an error, goes through the bufferevent as usual. */
	if (evbuffer_get_length(out) == 0) {
		n = send(bufferevent_getfd(conn->bev), r->text, r->len,
		    MSG_NOSIGNAL);
		if (n < 0)
			n = 0;
	}
	if ((size_t)n < r->len && evbuffer_add_reference(out, r->text + n,
	    r->len - (size_t)n, NULL, NULL) != 0)
		abort();
	run->sent++;
}

/* Close and reopen the connection if there is work left for it. */
static void
load_reconnect(struct load_conn *conn)
{
	struct load_run *run = conn->run;

	if (!load_has_work(run)) {
		load_done(conn);
		return;
	}
	bufferevent_free(conn->bev);
	conn->bev = NULL;
	run->reconnects++;
	load_connect(conn);
}

/* The clock starts: every connection writes its first request. */
static void
load_start(struct load_run *run)
{
	size_t i;

	run->started = true;
	load_now(&run->start);
	run->last = run->start;
	run->deadline = run->start;
	run->deadline.tv_sec += run->opt->duration;
	getrusage(RUSAGE_SELF, &run->usage_start);
	for (i = 0; i < run->nconns; i++) {
		if (run->conns[i].state == LOAD_READY)
			load_send(&run->conns[i]);
	}
}

/* An exchange went wrong (no whole answer, or not valid HTTP/1.1): count
 * it, show the first one, and carry on with a new connection. */
static void
load_broken(struct load_conn *conn, const char *why)
{
	struct load_run *run = conn->run;

	run->errors++;
	if (!run->shown_error) {
		run->shown_error = true;
		fprintf(stderr, LOAD_NAME ": first failed exchange: %s\n", why);
	}
	if (run->opt->op == LOAD_OP_IDLE) {
		load_done(conn);
		if (++run->settled == run->nconns)
			load_hold_start(run);
		return;
	}
	load_reconnect(conn);
}

/* Whether a Connection header's value holds the token. */
static bool
load_has_token(const char *value, size_t len, const char *token)
{
	size_t tlen = strlen(token), i = 0, start, end;

	while (i < len) {
		while (i < len && (value[i] == ' ' || value[i] == '\t' ||
		    value[i] == ','))
			i++;
		start = i;
		while (i < len && value[i] != ',')
			i++;
		end = i;
		while (end > start && (value[end - 1] == ' ' ||
		    value[end - 1] == '\t'))
			end--;
		if (end - start == tlen &&
		    strncasecmp(value + start, token, tlen) == 0)
			return true;
	}
	return false;
}

/* Parse an answer's head (len bytes, ending in CRLF CRLF) into conn;
 * returns NULL, or why it is not strict HTTP/1.1. */
static const char *
load_parse_head(struct load_conn *conn, const char *head, size_t len)
{
	const char *line, *eol, *colon, *value, *end = head + len - 2;
	bool have_length = false, http10, keep_alive = false;
	size_t vlen, i;
	int64_t length;
	char digits[24];

	if (memchr(head, '\0', len) != NULL)
		return "NUL in the answer's head";
	if (len < 16 || strncmp(head, "HTTP/1.", 7) != 0 ||
	    (head[7] != '0' && head[7] != '1') || head[8] != ' ' ||
	    head[9] < '1' || head[9] > '5' || head[10] < '0' ||
	    head[10] > '9' || head[11] < '0' || head[11] > '9' ||
	    (head[12] != ' ' && head[12] != '\r'))
		return "bad status line";
	http10 = head[7] == '0';
	conn->status = (head[9] - '0') * 100 + (head[10] - '0') * 10 +
	    (head[11] - '0');
	if (conn->status < 200)
		return "an interim (1xx) answer to a request that asked "
		    "for none";
	conn->close_after = false;
	conn->body_len = 0;
	line = head;
	for (;;) {
		eol = memchr(line, '\r', end - line + 2);
		if (eol == NULL || eol[1] != '\n' ||
		    memchr(line, '\n', eol - line) != NULL)
			return "a line not ended by CRLF";
		if (line != head) {
			if (eol == line)
				break;
			if (*line == ' ' || *line == '\t')
				return "a folded header line";
			colon = memchr(line, ':', eol - line);
			if (colon == NULL || colon == line)
				return "a header line without a name";
			for (i = 0; line + i < colon; i++) {
				if (line[i] <= ' ' || line[i] >= 0x7f)
					return "a bad header name";
			}
			value = colon + 1;
			while (value < eol && (*value == ' ' || *value == '\t'))
				value++;
			vlen = eol - value;
			while (vlen > 0 && (value[vlen - 1] == ' ' ||
			    value[vlen - 1] == '\t'))
				vlen--;
			if (colon - line == 14 &&
			    strncasecmp(line, "content-length", 14) == 0) {
				if (vlen == 0 || vlen >= sizeof(digits) ||
				    strspn(value, "0123456789") < vlen)
					return "a bad Content-Length";
				memcpy(digits, value, vlen);
				digits[vlen] = '\0';
				if (load_number(digits, 0, LOAD_MAX_BODY,
				    &length) != 0)
					return "a Content-Length too large";
				if (have_length &&
				    (size_t)length != conn->body_len)
					return "two Content-Lengths";
				have_length = true;
				conn->body_len = (size_t)length;
			} else if (colon - line == 17 && strncasecmp(line,
			    "transfer-encoding", 17) == 0)
				return "a Transfer-Encoding (Content-Length "
				    "expected)";
			else if (colon - line == 10 &&
			    strncasecmp(line, "connection", 10) == 0) {
				if (load_has_token(value, vlen, "close"))
					conn->close_after = true;
				if (load_has_token(value, vlen, "keep-alive"))
					keep_alive = true;
			}
		}
		line = eol + 2;
	}
	if (http10 && !keep_alive)
		conn->close_after = true;
	/* Only 204 and 304 may leave out the length: they have no body. */
	if (!have_length && conn->status != 204 && conn->status != 304)
		return "no Content-Length";
	return NULL;
}

/* A whole answer is in the buffer: count it, then go on. */
static void
load_answered(struct load_conn *conn, struct evbuffer *in)
{
	struct load_run *run = conn->run;
	struct timespec now;
	const char *body;
	size_t shown;

	if (evbuffer_get_length(in) > conn->body_len) {
		load_broken(conn, "bytes after the answer, none asked for");
		return;
	}
	load_now(&now);
	run->latency[run->nlatency++] = load_ns(&conn->sent_at, &now);
	run->last = now;
	run->statuses[conn->status]++;
	if (conn->status >= 200 && conn->status < 300)
		run->ok++;
	else if (!run->shown_failure) {
		run->shown_failure = true;
		shown = conn->body_len < LOAD_BODY_SHOWN ? conn->body_len :
		    LOAD_BODY_SHOWN;
		body = shown > 0 ? (const char *)evbuffer_pullup(in,
		    (ev_ssize_t)shown) : "";
		fprintf(stderr, LOAD_NAME ": first non-2xx answer: %d %.*s%s\n",
		    conn->status, (int)shown, body,
		    shown < conn->body_len ? "..." : "");
	}
	evbuffer_drain(in, conn->body_len);
	if (run->opt->op == LOAD_OP_IDLE) {
		if (conn->close_after)
			load_done(conn);
		else {
			conn->state = LOAD_HOLDING;
			bufferevent_set_timeouts(conn->bev, NULL, NULL);
			run->held++;
		}
		if (++run->settled == run->nconns)
			load_hold_start(run);
		return;
	}
	if (conn->close_after)
		load_reconnect(conn);
	else
		load_send(conn);
}

/* Read what arrived: the answer's head, then its body. */
static void
load_read(struct bufferevent *bev, void *arg)
{
	struct load_conn *conn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr at;
	const char *why;
	size_t len;

	switch (conn->state) {
	case LOAD_HEAD:
		at = evbuffer_search(in, "\r\n\r\n", 4, NULL);
		if (at.pos < 0) {
			if (evbuffer_get_length(in) > LOAD_MAX_HEAD)
				load_broken(conn, "an answer head over "
				    "64 KiB");
			return;
		}
		len = (size_t)at.pos + 4;
		if (len > LOAD_MAX_HEAD) {
			load_broken(conn, "an answer head over 64 KiB");
			return;
		}
		why = load_parse_head(conn, (const char *)evbuffer_pullup(in,
		    (ev_ssize_t)len), len);
		if (why != NULL) {
			load_broken(conn, why);
			return;
		}
		evbuffer_drain(in, len);
		conn->state = LOAD_BODY;
		/* FALLTHROUGH */
	case LOAD_BODY:
		if (evbuffer_get_length(in) >= conn->body_len)
			load_answered(conn, in);
		return;
	case LOAD_CONNECTING:
	case LOAD_READY:
	case LOAD_HOLDING:
		load_fail(conn->run, WIRE_EXIT_SOFTWARE, "the daemon sent "
		    "bytes with no request in flight", NULL);
		return;
	case LOAD_DONE:
	default:
		abort();
	}
}

/* Connected, timed out, closed or failed. */
static void
load_event(struct bufferevent *bev, short what, void *arg)
{
	struct load_conn *conn = arg;
	struct load_run *run = conn->run;
	const char *why;
	int one = 1;

	if (what & BEV_EVENT_CONNECTED) {
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
		    &one, sizeof(one));
		conn->state = LOAD_READY;
		if (run->started)
			load_send(conn);
		else if (++run->connected == run->nconns)
			load_start(run);
		return;
	}
	why = what & BEV_EVENT_EOF ? "connection closed by the daemon" :
	    (what & BEV_EVENT_ERROR) ? evutil_socket_error_to_string(
	    EVUTIL_SOCKET_ERROR()) : "timed out";
	switch (conn->state) {
	case LOAD_CONNECTING:
		load_fail(run, WIRE_EXIT_UNAVAILABLE, "cannot connect", why);
		return;
	case LOAD_HEAD:
	case LOAD_BODY:
		if (what & BEV_EVENT_TIMEOUT)
			load_fail(run, WIRE_EXIT_SOFTWARE, "no answer within "
			    "30 s", NULL);
		else
			load_broken(conn, why);
		return;
	case LOAD_READY:
		if (!run->started)
			run->connected--;
		load_reconnect(conn);
		return;
	case LOAD_HOLDING:
		load_fail(run, WIRE_EXIT_SOFTWARE, "a held connection was "
		    "lost", why);
		return;
	case LOAD_DONE:
	default:
		abort();
	}
}

/* Order latencies. */
static int
load_cmp_latency(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile (nearest rank) of sorted latencies, in ms. */
static json_t *
load_percentile(const int64_t *sorted, size_t n, unsigned p)
{
	size_t rank;

	if (n == 0)
		return json_null();
	rank = (n * p + 99) / 100;
	if (rank == 0)
		rank = 1;
	return json_real((double)sorted[rank - 1] / 1e6);
}

/* Print the run's one JSON object on stdout. */
static void
load_report(struct load_run *run)
{
	json_t *o, *statuses;
	struct rusage now;
	double seconds, cpu;
	char code[8];
	size_t i;

	getrusage(RUSAGE_SELF, &now);
	cpu = (double)(now.ru_utime.tv_sec - run->usage_start.ru_utime.tv_sec +
	    now.ru_stime.tv_sec - run->usage_start.ru_stime.tv_sec) +
	    (double)(now.ru_utime.tv_usec - run->usage_start.ru_utime.tv_usec +
	    now.ru_stime.tv_usec - run->usage_start.ru_stime.tv_usec) / 1e6;
	seconds = run->started ? (double)load_ns(&run->start, &run->last) /
	    1e9 : 0;
	qsort(run->latency, run->nlatency, sizeof(*run->latency),
	    load_cmp_latency);
	statuses = json_object();
	for (i = 0; i < LOAD_NSTATUS; i++) {
		if (run->statuses[i] == 0)
			continue;
		snprintf(code, sizeof(code), "%zu", i);
		json_object_set_new(statuses, code,
		    json_integer((json_int_t)run->statuses[i]));
	}
	o = json_object();
	json_object_set_new(o, "op", json_string(load_op_names[run->opt->op]));
	json_object_set_new(o, "connections",
	    json_integer(run->opt->connections));
	json_object_set_new(o, "sent", json_integer((json_int_t)run->sent));
	json_object_set_new(o, "ok", json_integer((json_int_t)run->ok));
	json_object_set_new(o, "failed",
	    json_integer((json_int_t)(run->sent - run->ok)));
	json_object_set_new(o, "errors", json_integer((json_int_t)run->errors));
	json_object_set_new(o, "statuses", statuses);
	json_object_set_new(o, "reconnects",
	    json_integer((json_int_t)run->reconnects));
	json_object_set_new(o, "seconds", json_real(seconds));
	json_object_set_new(o, "rps", json_real(seconds > 0 ?
	    (double)run->ok / seconds : 0));
	json_object_set_new(o, "p50_ms", load_percentile(run->latency,
	    run->nlatency, 50));
	json_object_set_new(o, "p90_ms", load_percentile(run->latency,
	    run->nlatency, 90));
	json_object_set_new(o, "p99_ms", load_percentile(run->latency,
	    run->nlatency, 99));
	json_object_set_new(o, "max_ms", load_percentile(run->latency,
	    run->nlatency, 100));
	json_object_set_new(o, "sign_seconds", json_real(run->sign_seconds));
	json_object_set_new(o, "load_cpu_seconds", json_real(cpu));
	json_object_set_new(o, "load_cpu_us_per_request",
	    json_real(run->sent > 0 ? cpu * 1e6 / (double)run->sent : 0));
	if (run->opt->op == LOAD_OP_IDLE) {
		json_object_set_new(o, "held", json_integer(
		    (json_int_t)run->held));
		json_object_set_new(o, "hold", json_integer(run->opt->hold));
	}
	if (json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6)) != 0 || putchar('\n') == EOF ||
	    fflush(stdout) != 0)
		fprintf(stderr, LOAD_NAME ": cannot write the result\n");
	json_decref(o);
}

/* The hold is over: the idle run ends. */
static void
load_hold_over(evutil_socket_t fd, short what, void *arg)
{
	struct load_run *run = arg;

	event_base_loopbreak(run->base);
}

/* Idle op: every connection has its answer; report, then hold. */
static void
load_hold_start(struct load_run *run)
{
	struct timeval tv = { run->opt->hold, 0 };

	load_report(run);
	run->hold_timer = evtimer_new(run->base, load_hold_over, run);
	if (run->hold_timer == NULL || evtimer_add(run->hold_timer, &tv) != 0)
		abort();
}

/* Raise the soft limit on open files to the hard one. */
static rlim_t
load_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur;
}

/* Resolve the daemon's address once, before anything is timed. */
static int
load_resolve(struct load_run *run)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(run->opt->host, run->opt->port, &hints, &res);
	if (rc != 0 || res == NULL) {
		fprintf(stderr, LOAD_NAME ": cannot resolve %s: %s\n",
		    run->opt->host, gai_strerror(rc));
		return -1;
	}
	memcpy(&run->addr, res->ai_addr, res->ai_addrlen);
	run->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* run: sign, connect, send in a closed loop, report. */
static int
load_run_main(int argc, char **argv)
{
	struct load_options opt;
	struct load_run run;
	rlim_t nofile;
	size_t i;
	int rc;

	memset(&opt, 0, sizeof(opt));
	memset(&run, 0, sizeof(run));
	run.opt = &opt;
	if ((rc = load_parse_run(argc, argv, &opt)) != 0)
		goto done;
	nofile = load_raise_nofile();
	if ((rlim_t)opt.connections + LOAD_FD_SPARE > nofile) {
		fprintf(stderr, LOAD_NAME ": %ld connections need more open "
		    "files than the limit of %llu\n", opt.connections,
		    (unsigned long long)nofile);
		rc = WIRE_EXIT_USAGE;
		goto done;
	}
	if (load_resolve(&run) != 0) {
		rc = WIRE_EXIT_UNAVAILABLE;
		goto done;
	}
	load_prepare(&run);
	if (opt.op != LOAD_OP_IDLE && run.sign_seconds + (double)opt.duration >
	    LOAD_EXPIRES - SIG_MAX_AHEAD)
		fprintf(stderr, LOAD_NAME ": warning: signing took %.1f s; "
		    "requests sent more than %d s after theirs are refused as "
		    "too old\n", run.sign_seconds, SIG_MAX_AGE);
	run.base = event_base_new();
	if (run.base == NULL)
		abort();
	run.nconns = (size_t)opt.connections;
	run.conns = xcalloc(run.nconns, sizeof(*run.conns));
	run.open = run.nconns;
	for (i = 0; i < run.nconns && run.exit_code == 0; i++) {
		run.conns[i].run = &run;
		load_connect(&run.conns[i]);
	}
	if (run.exit_code == 0)
		event_base_dispatch(run.base);
	rc = run.exit_code;
	if (rc == 0 && opt.op != LOAD_OP_IDLE)
		load_report(&run);
done:
	for (i = 0; i < run.nconns; i++) {
		if (run.conns[i].bev != NULL)
			bufferevent_free(run.conns[i].bev);
	}
	free(run.conns);
	if (run.hold_timer != NULL)
		event_free(run.hold_timer);
	if (run.base != NULL)
		event_base_free(run.base);
	load_requests_free(&run);
	free(run.latency);
	free(opt.authority);
	free(opt.host);
	free(opt.port);
	return rc;
}

/* vpoints-bench-load keys COUNT | run OPTIONS. */
int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, LOAD_NAME ": cannot initialise libsodium\n");
		return WIRE_EXIT_SOFTWARE;
	}
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "keys") == 0)
		return load_keys_print(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return load_run_main(argc - 1, argv + 1);
	return load_usage(NULL);
}
