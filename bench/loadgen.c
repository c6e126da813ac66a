/* vpoints-bench-load: main, the run from start to end, and the clock
 * (bench/load.h tells what the other parts do). */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <sodium.h>

#include "bench/load.h"
#include "wire.h"
#include "xmalloc.h"

#define LOAD_FD_SPARE		32	/* descriptors kept for other uses */

/* The ops of a run, by enum load_op. */
const struct load_op_info load_ops[LOAD_NOPS] = {
	[LOAD_OP_SHIFT] = { "shift", WIRE_OP_SHIFT_LOG },
	[LOAD_OP_REDEEM] = { "redeem", WIRE_OP_REDEEM },
	[LOAD_OP_BALANCE] = { "balance", WIRE_OP_VOLUNTEER_LEDGER },
	[LOAD_OP_REPORT_COMMUNITY] = { "report-community",
	    WIRE_OP_REPORT_MONTHLY },
	[LOAD_OP_REPORT_VOLUNTEERS] = { "report-volunteers",
	    WIRE_OP_REPORT_MONTHLY },
	[LOAD_OP_REPORT_CITY] = { "report-city", WIRE_OP_REPORT_MONTHLY },
	[LOAD_OP_REPORT_PAGE] = { "report-page", WIRE_OP_REPORT_MONTHLY },
	[LOAD_OP_MONTH_CLOSE] = { "month-close", WIRE_OP_MONTH_CLOSE },
	[LOAD_OP_SIGNUP] = { "signup", WIRE_OP_SIGNUP_ADD },
	[LOAD_OP_PAGE] = { "page", WIRE_OP_PAGE_GET },
	[LOAD_OP_IDLE] = { "idle", WIRE_OP_HEALTHZ },
};

/* The monotonic clock. */
void
load_now(struct timespec *ts)
{
	if (clock_gettime(CLOCK_MONOTONIC, ts) != 0)
		abort();
}

/* Nanoseconds from a to b. */
int64_t
load_ns(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000 +
	    (b->tv_nsec - a->tv_nsec);
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
	if ((rc = cmdline_parse_run(argc, argv, &opt)) != 0)
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
	request_prepare(&run);
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
		loop_connect(&run.conns[i]);
	}
	if (run.exit_code == 0)
		event_base_dispatch(run.base);
	rc = run.exit_code;
	if (rc == 0 && opt.op != LOAD_OP_IDLE)
		stats_report(&run);
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
	request_free(&run);
	free(run.latency);
	free(opt.authority);
	free(opt.host);
	free(opt.port);
	return rc;
}

/* vpoints-bench-load keys COUNT | run OPTIONS | verify [COUNT] |
 * serve HOST PORT. */
int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, LOAD_NAME ": cannot initialise libsodium\n");
		return WIRE_EXIT_SOFTWARE;
	}
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "keys") == 0)
		return keys_print(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return load_run_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return baseline_verify(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "serve") == 0)
		return baseline_serve(argc - 1, argv + 1);
	return cmdline_usage(NULL);
}
