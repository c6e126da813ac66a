#include "config.h"
#include "version.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "daemon/metrics.h"
#include "log.h"
#include "sig.h"
#include "xmalloc.h"

/* Refusals are numbered from SIG_MISSING to SIG_AUTHORITY_WRONG, the last;
 * new ones are added after it (sig.h). */
#define METRICS_REFUSALS	(SIG_AUTHORITY_WRONG + 1)

/* Upper bounds of the latency buckets, in seconds and as printed. */
static const struct {
	double		 bound;
	const char	*le;
} metrics_buckets[] = {
	{ 0.001, "0.001" }, { 0.0025, "0.0025" }, { 0.005, "0.005" },
	{ 0.01, "0.01" }, { 0.025, "0.025" }, { 0.05, "0.05" },
	{ 0.1, "0.1" }, { 0.25, "0.25" }, { 0.5, "0.5" }, { 1, "1" },
	{ 2.5, "2.5" },
};
#define METRICS_NBUCKETS	(sizeof(metrics_buckets) / sizeof(metrics_buckets[0]))

/* The database's time of one operation, by the same buckets. */
struct metrics_db_op {
	const char	*operation;	/* static: a route's, or a fixed word */
	unsigned long	 buckets[METRICS_NBUCKETS]; /* not cumulative */
	unsigned long	 count;
	double		 seconds;
};

/* The replies of one route, method and status. */
struct metrics_series {
	char		*route;		/* the route's pattern, or "other" */
	char		*method;
	int		 status;
	unsigned long	 count;
};

/*
 * Label values come from the route table, the methods evhttp knows and
 * HTTP statuses, never from a raw path: the series stay few. They are kept
 * sorted (route, method, status), so a scrape lists them in a stable order.
 */
struct metrics {
	struct db_pool	*db;
	time_t		 start;
	struct metrics_series *series;
	size_t		 nseries;
	size_t		 maxseries;
	unsigned long	 buckets[METRICS_NBUCKETS]; /* per bucket, not
				 * cumulative; slower replies are only in timed */
	unsigned long	 timed;		/* replies timed */
	double		 seconds;	/* their total time */
	unsigned long	 refusals[METRICS_REFUSALS];
	struct metrics_db_op *db_ops;	/* sorted by operation */
	size_t		 ndb_ops;
	size_t		 maxdb_ops;
	unsigned long	 standby[METRICS_STANDBY_COUNT];
};

/* The label values of enum metrics_standby. */
static const char *const metrics_standby_outcomes[METRICS_STANDBY_COUNT] = {
	[METRICS_STANDBY_SERVED] = "standby",
	[METRICS_STANDBY_BEHIND] = "primary-behind",
	[METRICS_STANDBY_DOWN] = "primary-down",
};

/* A scrape waiting for the ledger's points. */
struct metrics_scrape {
	struct metrics	*metrics;
	struct http_request *hr;
	struct db_stats	 pool;		/* taken when the scrape came */
};

/* Counters start at zero, the start time now. */
struct metrics *
metrics_create(struct db_pool *db)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->db = db;
	m->start = time(NULL);
	return m;
}

/* Free the counters. */
void
metrics_free(struct metrics *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nseries; i++) {
		free(m->series[i].route);
		free(m->series[i].method);
	}
	free(m->series);
	free(m->db_ops);
	free(m);
}

/* Order of the series: route, method, status. */
/* Count seconds in the first bucket that holds it (none past the last:
 * the +Inf bucket is the count). */
static void
metrics_bucket(unsigned long *buckets, double seconds)
{
	size_t i;

	for (i = 0; i < METRICS_NBUCKETS; i++) {
		if (seconds <= metrics_buckets[i].bound) {
			buckets[i]++;
			return;
		}
	}
}

static int
metrics_series_cmp(const struct metrics_series *s, const char *route,
    const char *method, int status)
{
	int cmp;

	if ((cmp = strcmp(s->route, route)) != 0)
		return cmp;
	if ((cmp = strcmp(s->method, method)) != 0)
		return cmp;
	return (s->status > status) - (s->status < status);
}

/* Count one reply; a route of NULL matched none. seconds < 0: the reply
 * was not timed (the HTTP layer refused the request before routing). */
void
metrics_reply(const char *route, const char *method, int status,
    double seconds, void *arg)
{
	struct metrics *m = arg;
	struct metrics_series *s;
	size_t lo = 0, hi, mid;
	int cmp;

	if (route == NULL)
		route = "other";
	hi = m->nseries;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = metrics_series_cmp(&m->series[mid], route, method,
		    status);
		if (cmp == 0) {
			lo = mid;
			break;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->nseries || metrics_series_cmp(&m->series[lo], route,
	    method, status) != 0) {
		if (m->nseries == m->maxseries) {
			m->maxseries = m->maxseries == 0 ? 32 :
			    m->maxseries * 2;
			m->series = xrealloc(m->series, m->maxseries *
			    sizeof(*m->series));
		}
		memmove(&m->series[lo + 1], &m->series[lo],
		    (m->nseries - lo) * sizeof(*m->series));
		s = &m->series[lo];
		s->route = xstrdup(route);
		s->method = xstrdup(method);
		s->status = status;
		s->count = 0;
		m->nseries++;
	}
	m->series[lo].count++;

	if (seconds < 0)
		return;
	m->timed++;
	m->seconds += seconds;
	metrics_bucket(m->buckets, seconds);
}

/* Count one refused signature by its slug (sig_refusal_slug); a slug of
 * no refusal is ignored, so the label's values stay the known ones. */
void
metrics_refusal(struct metrics *m, const char *slug)
{
	int why;

	for (why = SIG_OK + 1; why < METRICS_REFUSALS; why++) {
		if (strcmp(sig_refusal_slug(why), slug) == 0) {
			m->refusals[why]++;
			return;
		}
	}
	log_warn("metrics: \"%s\" is not a signature refusal", slug);
}

/* Time one statement of an operation took in the database, from its
 * sending to its result (db_reply_seconds); a statement that never reached
 * the database (seconds < 0) is not counted. operation is a static string
 * of a known few (a route's operation, "key", "metrics"), so the series
 * stay few; an operation is listed from its first statement on. */
void
metrics_db(struct metrics *m, const char *operation, double seconds)
{
	struct metrics_db_op *op;
	size_t lo = 0, hi = m->ndb_ops, mid;
	int cmp = 1;

	if (seconds < 0)
		return;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(m->db_ops[mid].operation, operation);
		if (cmp == 0) {
			lo = mid;
			break;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (cmp != 0) {
		if (m->ndb_ops == m->maxdb_ops) {
			m->maxdb_ops = m->maxdb_ops == 0 ? 16 :
			    m->maxdb_ops * 2;
			m->db_ops = xrealloc(m->db_ops, m->maxdb_ops *
			    sizeof(*m->db_ops));
		}
		memmove(&m->db_ops[lo + 1], &m->db_ops[lo],
		    (m->ndb_ops - lo) * sizeof(*m->db_ops));
		memset(&m->db_ops[lo], 0, sizeof(m->db_ops[lo]));
		m->db_ops[lo].operation = operation;
		m->ndb_ops++;
	}
	op = &m->db_ops[lo];
	op->count++;
	op->seconds += seconds;
	metrics_bucket(op->buckets, seconds);
}

/* Count one read that may lag by who answered it. */
void
metrics_standby(struct metrics *m, enum metrics_standby outcome)
{
	m->standby[outcome]++;
}

/* Append printf-style text; only ever short: numbers and fixed words. */
static void __attribute__((format(printf, 2, 3)))
metrics_printf(struct buf *b, const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		abort();
	buf_add(b, line, (size_t)n);
}

/* Append a label value escaped as the text format asks: a backslash, a
 * double quote and a line feed become \\, \" and \n. */
static void
metrics_label_value(struct buf *b, const char *value)
{
	const char *p;

	for (p = value; *p != '\0'; p++) {
		switch (*p) {
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		default:
			buf_add(b, p, 1);
			break;
		}
	}
}

/* The # HELP and # TYPE lines of a family; help holds neither a backslash
 * nor a line feed, so it needs no escaping. */
static void
metrics_family(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_puts(b, "# HELP vpointsd_");
	buf_puts(b, name);
	buf_puts(b, " ");
	buf_puts(b, help);
	buf_puts(b, "\n# TYPE vpointsd_");
	buf_puts(b, name);
	buf_puts(b, " ");
	buf_puts(b, type);
	buf_puts(b, "\n");
}

/* A family of one sample without labels. */
static void
metrics_single(struct buf *b, const char *name, const char *type,
    const char *help, long long value)
{
	metrics_family(b, name, type, help);
	metrics_printf(b, "vpointsd_%s %lld\n", name, value);
}

/* The HTTP families: replies by route, method and status; latency. */
static void
metrics_render_http(struct buf *b, const struct metrics *m)
{
	const struct metrics_series *s;
	unsigned long cumulative = 0;
	size_t i;

	metrics_family(b, "http_requests_total", "counter", "HTTP replies "
	    "by route pattern (\"other\" when no route matched), method and "
	    "status.");
	for (i = 0; i < m->nseries; i++) {
		s = &m->series[i];
		buf_puts(b, "vpointsd_http_requests_total{route=\"");
		metrics_label_value(b, s->route);
		buf_puts(b, "\",method=\"");
		metrics_label_value(b, s->method);
		metrics_printf(b, "\",status=\"%d\"} %lu\n", s->status,
		    s->count);
	}
	metrics_family(b, "http_request_duration_seconds", "histogram",
	    "Time from a request's arrival to its reply (requests the HTTP "
	    "layer refused before routing are not timed).");
	for (i = 0; i < METRICS_NBUCKETS; i++) {
		cumulative += m->buckets[i];
		metrics_printf(b, "vpointsd_http_request_duration_seconds_bucket"
		    "{le=\"%s\"} %lu\n", metrics_buckets[i].le, cumulative);
	}
	metrics_printf(b, "vpointsd_http_request_duration_seconds_bucket"
	    "{le=\"+Inf\"} %lu\n", m->timed);
	metrics_printf(b, "vpointsd_http_request_duration_seconds_sum %.6f\n",
	    m->seconds);
	metrics_printf(b, "vpointsd_http_request_duration_seconds_count %lu\n",
	    m->timed);
}

/* The database's time by operation: one histogram, a series of buckets
 * for each operation that ran. */
static void
metrics_render_db_ops(struct buf *b, const struct metrics *m)
{
	const struct metrics_db_op *op;
	unsigned long cumulative;
	size_t i, j;

	metrics_family(b, "db_seconds", "histogram", "Time in the database "
	    "by operation, from a statement's sending to its result (its "
	    "runs again after a serialization failure included).");
	for (i = 0; i < m->ndb_ops; i++) {
		op = &m->db_ops[i];
		cumulative = 0;
		for (j = 0; j < METRICS_NBUCKETS; j++) {
			cumulative += op->buckets[j];
			buf_puts(b, "vpointsd_db_seconds_bucket{operation=\"");
			metrics_label_value(b, op->operation);
			metrics_printf(b, "\",le=\"%s\"} %lu\n",
			    metrics_buckets[j].le, cumulative);
		}
		buf_puts(b, "vpointsd_db_seconds_bucket{operation=\"");
		metrics_label_value(b, op->operation);
		metrics_printf(b, "\",le=\"+Inf\"} %lu\n", op->count);
		buf_puts(b, "vpointsd_db_seconds_sum{operation=\"");
		metrics_label_value(b, op->operation);
		metrics_printf(b, "\"} %.6f\n", op->seconds);
		buf_puts(b, "vpointsd_db_seconds_count{operation=\"");
		metrics_label_value(b, op->operation);
		metrics_printf(b, "\"} %lu\n", op->count);
	}
}

/* The pool's gauges and counters. */
static void
metrics_render_pool(struct buf *b, const struct db_stats *pool)
{
	metrics_single(b, "db_connections", "gauge",
	    "PostgreSQL connections up.", pool->connections);
	metrics_single(b, "db_connections_busy", "gauge",
	    "PostgreSQL connections running a statement.", pool->busy);
	metrics_single(b, "db_requests_waiting", "gauge",
	    "Statements waiting for a free connection.", pool->waiting);
	metrics_single(b, "db_errors_total", "counter",
	    "Statements the database failed.", (long long)pool->errors);
	metrics_single(b, "db_reconnects_total", "counter",
	    "Connections made again after one was lost.",
	    (long long)pool->reconnects);
}

/* The whole exposition; ledger is NULL when the database did not answer.
 * The caller frees the text. */
char *
metrics_render(const struct metrics *m, const struct db_stats *pool,
    const struct metrics_ledger *ledger, size_t *len)
{
	struct buf b = { NULL, 0, 0 };
	size_t i;
	int why;

	metrics_single(&b, "up", "gauge", "1 while the daemon answers.", 1);
	metrics_single(&b, "start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the Unix epoch.",
	    (long long)m->start);
	metrics_family(&b, "build_info", "gauge",
	    "The daemon's version, as a label; the value is always 1.");
	buf_puts(&b, "vpointsd_build_info{version=\"");
	metrics_label_value(&b, VPOINTS_VERSION);
	buf_puts(&b, "\"} 1\n");
	metrics_render_http(&b, m);
	metrics_render_pool(&b, pool);
	metrics_render_db_ops(&b, m);
	metrics_family(&b, "signature_refusals_total", "counter",
	    "Signed requests refused, by the reason's problem type slug.");
	for (why = SIG_OK + 1; why < METRICS_REFUSALS; why++) {
		buf_puts(&b, "vpointsd_signature_refusals_total{reason=\"");
		metrics_label_value(&b, sig_refusal_slug(why));
		metrics_printf(&b, "\"} %lu\n", m->refusals[why]);
	}
	metrics_family(&b, "lagged_reads_total", "counter",
	    "Reads that may lag, by who answered them when db_read names a "
	    "standby: the standby, or the primary because the standby was "
	    "behind or down.");
	for (i = 0; i < METRICS_STANDBY_COUNT; i++) {
		buf_puts(&b, "vpointsd_lagged_reads_total{answered_by=\"");
		metrics_label_value(&b, metrics_standby_outcomes[i]);
		metrics_printf(&b, "\"} %lu\n", m->standby[i]);
	}
	/* Net amounts fall when a shift is corrected down or a redemption
	 * voided, so they are gauges, not counters, and a gauge's name does
	 * not end in _total (they were points_issued_total and
	 * points_redeemed_total once). */
	if (ledger != NULL) {
		metrics_single(&b, "points_issued", "gauge",
		    "Points issued by the ledger for service, net of "
		    "reversals.", ledger->issued);
		metrics_single(&b, "points_redeemed", "gauge",
		    "Points spent at stations' catalogues, net of voids.",
		    ledger->redeemed);
	}
	*len = b.len;
	return b.data;
}

/* The ledger's points came back (or not): render and reply. */
static void
metrics_scraped(const struct db_reply *r, void *arg)
{
	struct metrics_scrape *scrape = arg;
	struct metrics_ledger ledger;
	const char *issued, *redeemed;
	bool known = false;
	size_t len;
	char *text;

	metrics_db(scrape->metrics, "metrics", db_reply_seconds(r));
	if (db_reply_status(r) == DB_OK && db_reply_rows(r) == 1) {
		issued = db_reply_value(r, 0, 0);
		redeemed = db_reply_value(r, 0, 1);
		if (issued != NULL && redeemed != NULL) {
			ledger.issued = strtoll(issued, NULL, 10);
			ledger.redeemed = strtoll(redeemed, NULL, 10);
			known = true;
		}
	}
	if (!known)
		log_debug("metrics: the ledger's points are left out; the "
		    "database did not answer");
	text = metrics_render(scrape->metrics, &scrape->pool,
	    known ? &ledger : NULL, &len);
	http_reply(scrape->hr, 200, METRICS_CONTENT_TYPE, text, len);
	free(text);
	free(scrape);
}

/* GET /metrics: read the ledger's points, then answer. */
void
metrics_get(struct http_request *hr, void *arg)
{
	struct metrics_scrape *scrape = xcalloc(1, sizeof(*scrape));

	scrape->metrics = arg;
	scrape->hr = hr;
	db_pool_stats(scrape->metrics->db, &scrape->pool);
	db_query(scrape->metrics->db, "SELECT issued, redeemed FROM "
	    "vp_metrics()", 0, NULL, metrics_scraped, scrape);
}
