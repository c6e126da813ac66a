/* The two things the daemon cannot avoid for a signed request, measured
 * on their own so that its CPU per request has something to be judged
 * against (doc/performance.md):
 *
 *	verify	one libsodium Ed25519 verification of the signature base of
 *		a typical shift write, timed over many runs;
 *	serve	a minimal evhttp server that answers every request with a
 *		fixed 200, to be loaded by "run" like the daemon and its CPU
 *		per request read the same way. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <sodium.h>

#include "bench/load.h"
#include "wire.h"
#include "xmalloc.h"

#define BASELINE_VERIFY_COUNT	20000	/* verifications timed */
#define BASELINE_BODY		"{\"status\":\"ok\"}"

/* The headers of a typical shift write, by lowercase name. */
static const char *
baseline_header(void *arg, const char *name)
{
	const char *const *hs = arg;

	if (strcmp(name, "content-type") == 0)
		return hs[0];
	if (strcmp(name, "content-digest") == 0)
		return hs[1];
	if (strcmp(name, "idempotency-key") == 0)
		return hs[2];
	return NULL;
}

/* The signature base of a shift write as the daemon rebuilds it, signed
 * with bench key 1 (a station's); its public key into pk. */
static char *
baseline_base(unsigned char *signature, unsigned char *pk)
{
	static const char body[] = "{\"volunteer\":\"B000001\",\"activity\":"
	    "\"patrol\",\"started_at\":\"2026-01-01T08:00:00Z\",\"ended_at\":"
	    "\"2026-01-01T08:50:00Z\",\"place\":\"Bench street\"}";
	const char *components[SIG_MAX_COVERED], *hs[3];
	char nonce[SIG_NONCE_LEN + 1], *digest, *params, *base = NULL;
	struct sig_request req;
	struct sig_params sp;
	struct load_keys keys;
	size_t n;

	keys_make(&keys, 2);
	digest = sig_digest_header(body, strlen(body));
	hs[0] = WIRE_TYPE_JSON;
	hs[1] = digest;
	hs[2] = "3f1c9a52-7d0e-4b8a-9c61-2e5f0a7b8d94";
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.authority = "127.0.0.1:8750";
	req.path = "/v1/shifts";
	req.header = baseline_header;
	req.arg = hs;
	n = sig_covered_components(1, 1, components);
	sig_nonce_new(nonce);
	memset(&sp, 0, sizeof(sp));
	sp.created = (int64_t)time(NULL);
	sp.expires = sp.created + LOAD_EXPIRES;
	sp.nonce = nonce;
	sp.keyid = keys.keyid[1];
	sp.alg = SIG_ALG;
	sp.tag = SIG_TAG;
	params = sig_params_serialize(components, n, &sp);
	if (sig_base(&req, components, n, params, &base) != SIG_OK)
		abort();
	sig_sign(keys.sk + SIG_SECRETKEYBYTES, base, signature);
	memcpy(pk, keys.sk + SIG_SECRETKEYBYTES + crypto_sign_SEEDBYTES,
	    SIG_PUBLICKEYBYTES);
	keys_free(&keys);
	free(params);
	free(digest);
	return base;
}

/* CPU seconds of this process. */
static double
baseline_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		abort();
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* verify: time crypto_sign_verify_detached on the base; one JSON line. */
int
baseline_verify(int argc, char **argv)
{
	unsigned char signature[SIG_BYTES], pk[SIG_PUBLICKEYBYTES];
	int64_t count = BASELINE_VERIFY_COUNT, i;
	double t0, t1;
	size_t len;
	char *base;

	if (argc == 2 && cmdline_number(argv[1], 1, 10000000, &count) != 0)
		return cmdline_usage("verify: COUNT is a whole number");
	if (argc > 2)
		return cmdline_usage(NULL);
	base = baseline_base(signature, pk);
	len = strlen(base);
	/* Once untimed: pages and caches in. */
	if (crypto_sign_verify_detached(signature, (const unsigned char *)base,
	    len, pk) != 0)
		abort();
	t0 = baseline_cpu();
	for (i = 0; i < count; i++) {
		if (crypto_sign_verify_detached(signature,
		    (const unsigned char *)base, len, pk) != 0)
			abort();
	}
	t1 = baseline_cpu();
	printf("{\"op\":\"verify\",\"count\":%lld,\"base_bytes\":%zu,"
	    "\"cpu_us_per_verify\":%.2f}\n", (long long)count, len,
	    (t1 - t0) * 1e6 / (double)count);
	free(base);
	return fflush(stdout) == 0 ? 0 : WIRE_EXIT_SOFTWARE;
}

/* Every request: the same 200. */
static void
baseline_reply(struct evhttp_request *req, void *arg)
{
	struct evbuffer *out = arg;

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", WIRE_TYPE_JSON);
	evbuffer_add_reference(out, BASELINE_BODY, sizeof(BASELINE_BODY) - 1,
	    NULL, NULL);
	evhttp_send_reply(req, 200, "OK", out);
}

/* SIGTERM, SIGINT: stop the loop. */
static void
baseline_stop(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopexit(arg, NULL);
}

/* serve HOST PORT: the minimal server, until SIGTERM. */
int
baseline_serve(int argc, char **argv)
{
	struct event_base *base;
	struct event *term, *intr;
	struct evbuffer *out;
	struct evhttp *http;
	int64_t port;

	if (argc != 3 || cmdline_number(argv[2], 1, 65535, &port) != 0)
		return cmdline_usage("serve: HOST PORT");
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL ||
	    (out = evbuffer_new()) == NULL)
		abort();
	if (evhttp_bind_socket(http, argv[1], (ev_uint16_t)port) != 0) {
		fprintf(stderr, LOAD_NAME ": serve: cannot listen on %s:%lld\n",
		    argv[1], (long long)port);
		return WIRE_EXIT_UNAVAILABLE;
	}
	evhttp_set_gencb(http, baseline_reply, out);
	term = evsignal_new(base, SIGTERM, baseline_stop, base);
	intr = evsignal_new(base, SIGINT, baseline_stop, base);
	if (term == NULL || intr == NULL || event_add(term, NULL) != 0 ||
	    event_add(intr, NULL) != 0)
		abort();
	event_base_dispatch(base);
	event_free(term);
	event_free(intr);
	evhttp_free(http);
	evbuffer_free(out);
	event_base_free(base);
	return 0;
}
