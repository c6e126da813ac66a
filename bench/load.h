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
 * city-wide admin key, key c (1..C) the station key of community c.
 *
 * The parts, one file and one prefix each:
 *	loadgen.c	load_	main, the run from start to end, the clock
 *	cmdline.c	cmdline_ the command line
 *	keys.c		keys_	the bench keys
 *	request.c	request_ the requests, signed through common/sig.c
 *	reader.c	reader_	the strict reader of an answer's head
 *	loop.c		loop_	the connections and their states
 *	stats.c		stats_	the percentiles and the JSON result
 *	baseline.c	baseline_ what the daemon cannot avoid: one Ed25519
 *				verify; a minimal evhttp server
 */
#ifndef VPOINTS_BENCH_LOAD_H
#define VPOINTS_BENCH_LOAD_H

#include <sys/resource.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "routes.h"
#include "sig.h"

#define LOAD_NAME		"vpoints-bench-load"
#define LOAD_EXPIRES		300	/* seconds a signature is valid */
#define LOAD_ANSWER_TIMEOUT	30	/* seconds without an answer: fail */
#define LOAD_MAX_HEAD		65536	/* longest status line and headers */
#define LOAD_MAX_BODY		(256L * 1024 * 1024) /* longest body */
#define LOAD_NSTATUS		600	/* statuses counted: 0..599 */
#define LOAD_REPORT_PAGE	1000	/* rows of a report-page request */

/* What a run sends (its route: load_ops). */
enum load_op {
	LOAD_OP_SHIFT,		/* shifts logged */
	LOAD_OP_REDEEM,		/* redemptions */
	LOAD_OP_BALANCE,	/* volunteers' ledgers */
	LOAD_OP_REPORT_COMMUNITY, /* monthly report, a station's key */
	LOAD_OP_REPORT_VOLUNTEERS, /* its volunteer level, a station's key */
	LOAD_OP_REPORT_CITY,	/* monthly report, the admin key */
	LOAD_OP_REPORT_PAGE,	/* a page of the city's volunteer level */
	LOAD_OP_MONTH_CLOSE,	/* the close of --month, the admin key */
	LOAD_OP_SIGNUP,		/* sign-ups to events, a station's key */
	LOAD_OP_PAGE,		/* volunteers' own pages, unsigned */
	LOAD_OP_IDLE,		/* one unsigned health check, then held open */
	LOAD_NOPS
};

/* An op's name (in --op and the result) and the route it calls. */
struct load_op_info {
	const char	*name;
	enum wire_op	 route;
};

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
	long		 events;	/* seeded events a community */
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

/* What the head of an answer says. */
struct load_head {
	int		 status;
	size_t		 body_len;	/* Content-Length */
	bool		 close_after;	/* the answer ends the connection */
};

struct load_run;

/* One connection to the daemon. */
struct load_conn {
	struct load_run	*run;
	struct bufferevent *bev;	/* NULL once closed */
	enum load_conn_state state;
	struct timespec	 sent_at;	/* when the request in flight went */
	struct load_head head;		/* of the answer being read */
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

/* loadgen.c */
extern const struct load_op_info load_ops[LOAD_NOPS];
void		 load_now(struct timespec *);
int64_t		 load_ns(const struct timespec *, const struct timespec *);

/* cmdline.c */
int		 cmdline_usage(const char *why);
int		 cmdline_number(const char *text, int64_t lo, int64_t hi,
		    int64_t *out);
int		 cmdline_parse_run(int argc, char **argv,
		    struct load_options *);

/* keys.c */
void		 keys_make(struct load_keys *, size_t n);
void		 keys_free(struct load_keys *);
int		 keys_print(int argc, char **argv);

/* request.c */
void		 request_page_token(int64_t volunteer, char *out, size_t len);
void		 request_prepare(struct load_run *);
void		 request_free(struct load_run *);

/* reader.c */
const char	*reader_parse_head(const char *head, size_t len,
		    struct load_head *);

/* loop.c */
void		 loop_connect(struct load_conn *);

/* stats.c */
void		 stats_report(struct load_run *);

/* baseline.c */
int		 baseline_verify(int argc, char **argv);
int		 baseline_serve(int argc, char **argv);

#endif
