/* What a run measured: the latency percentiles and the one JSON object
 * it prints. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "bench/load.h"

/* Order latencies. */
static int
stats_cmp_latency(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile (nearest rank) of sorted latencies, in ms. */
static json_t *
stats_percentile(const int64_t *sorted, size_t n, unsigned p)
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
void
stats_report(struct load_run *run)
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
	    stats_cmp_latency);
	statuses = json_object();
	for (i = 0; i < LOAD_NSTATUS; i++) {
		if (run->statuses[i] == 0)
			continue;
		snprintf(code, sizeof(code), "%zu", i);
		json_object_set_new(statuses, code,
		    json_integer((json_int_t)run->statuses[i]));
	}
	o = json_object();
	json_object_set_new(o, "op", json_string(load_ops[run->opt->op].name));
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
	json_object_set_new(o, "p50_ms", stats_percentile(run->latency,
	    run->nlatency, 50));
	json_object_set_new(o, "p90_ms", stats_percentile(run->latency,
	    run->nlatency, 90));
	json_object_set_new(o, "p99_ms", stats_percentile(run->latency,
	    run->nlatency, 99));
	json_object_set_new(o, "max_ms", stats_percentile(run->latency,
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

