#include "config.h"
#include "version.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <event2/event.h>
#include <sodium.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "daemon/admin.h"
#include "daemon/auth.h"
#include "daemon/chores.h"
#include "daemon/conf.h"
#include "daemon/console.h"
#include "daemon/db.h"
#include "daemon/http.h"
#include "daemon/metrics.h"
#include "daemon/migrate.h"
#include "daemon/ops.h"
#include "daemon/signer.h"
#include "daemon/standby.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

#define MAIN_MAX_OVERRIDES	8

/* The running daemon. */
struct vpointsd {
	struct event_base *base;
	struct conf	*conf;
	const char	*conf_path;	/* NULL: defaults and overrides only */
	struct conf_override overrides[MAIN_MAX_OVERRIDES];
	int		 noverrides;
	const char	*init_admin;	/* --init-admin FILE.pub */
	int		 print_public_key; /* --print-public-key */
	struct signer	*signer;
	struct db_pool	*db;
	struct standby	*standby;	/* db_read's, or NULL */
	struct auth	*auth;
	struct chores	*chores;
	struct ops	 ops;
	struct metrics	*metrics;
	struct console	*console;	/* the browser console's files */
	struct http_server *http;
	struct event	*sigterm;
	struct event	*sigint;
	struct event	*sighup;
	struct event	*drain_timer;
	struct event	*probe_timer;	/* retries the first database query */
	struct event	*log_flush;	/* writes the turn's log lines */
	int		 ready;		/* told READY=1, not yet STOPPING=1 */
	time_t		 stopping;	/* when the first stop signal came */
};

static const char usage_text[] =
"usage: vpointsd [-c FILE] [--listen ADDR:PORT] [--db CONNINFO]\n"
"       vpointsd [-c FILE] [--db CONNINFO] --init-admin FILE.pub\n"
"       vpointsd [-c FILE] --print-public-key\n"
"       vpointsd --version | --help\n"
"\n"
"The vpoints ledger daemon: records volunteer shifts, points and exchanges\n"
"in PostgreSQL and serves signed HTTP requests from community stations.\n"
"\n"
"  -c, --config FILE    read this ini file (see vpointsd.conf)\n"
"      --listen A:P     listen on address A, port P (default " WIRE_DEFAULT_LISTEN ")\n"
"      --db CONNINFO    libpq connection string (default dbname=vpoints)\n"
"      --init-admin PUB apply the migrations, enrol this public key as an\n"
"                       admin station (a no-op if it is enrolled), print\n"
"                       its key id and exit\n"
"      --print-public-key  print the public key that signs certificates\n"
"                       (made at first use; signing_key) and exit\n"
"      --version        print the version and exit\n"
"  -h, --help           print this help and exit\n"
"\n"
"Signals: SIGTERM or SIGINT finish in-flight requests and exit 0;\n"
"SIGHUP reloads the config file (an invalid file keeps the old one).\n"
"Exit codes: 0 stopped cleanly, 64 usage, 65 bad public key file,\n"
"69 database unreachable at start, 71 cannot listen, 78 configuration or\n"
"migration error.\n";

/* Build a configuration from the file and the command-line overrides. */
static struct conf *
main_conf_build(const struct vpointsd *d, char *err, size_t errlen)
{
	struct conf *cf = conf_new();
	char why[256];
	int i;

	if (d->conf_path != NULL &&
	    conf_load(cf, d->conf_path, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", d->conf_path, why);
		goto fail;
	}
	for (i = 0; i < d->noverrides; i++) {
		if (conf_set(cf, d->overrides[i].key, d->overrides[i].value,
		    why, sizeof(why)) != 0) {
			snprintf(err, errlen, "--%s: %s", d->overrides[i].key,
			    why);
			goto fail;
		}
	}
	return cf;
fail:
	conf_free(cf);
	return NULL;
}

/* Tell systemd (Type=notify) what the daemon does; a no-op without
 * libsystemd or when systemd did not start it (no NOTIFY_SOCKET). */
static void
main_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	int rc = sd_notify(0, state);

	if (rc < 0)
		log_warn("sd_notify %s: %s", state, strerror(-rc));
#endif
}

/* The first database round trip came back: ready, or try again soon. */
static void
main_probe_done(const struct db_reply *r, void *arg)
{
	struct vpointsd *d = arg;
	struct timeval tv = { 0, 100000 };

	if (d->stopping != 0)
		return;
	if (db_reply_status(r) != DB_OK) {
		evtimer_add(d->probe_timer, &tv);
		return;
	}
	log_info("ready: listening on %s and the database answers",
	    d->conf->listen);
	d->ready = 1;
	main_notify("READY=1");
}

/* Ask the database for a round trip, until one succeeds: the listener is
 * bound already, so then the daemon can serve. */
static void
main_probe(evutil_socket_t fd, short what, void *arg)
{
	struct vpointsd *d = arg;

	db_query(d->db, "SELECT 1", 0, NULL, main_probe_done, d);
}

/* Read the console's files; a folder that cannot be read leaves the
 * files served so far (none at start): the API does not need them. */
static void
main_console(struct vpointsd *d)
{
	char err[512];

	if (console_load(d->console, d->conf->console_dir, err,
	    sizeof(err)) != 0)
		log_warn("console: %s; %zu files served", err,
		    console_count(d->console));
	else if (*d->conf->console_dir != '\0')
		log_info("console: %zu files of %s served at /console/",
		    console_count(d->console), d->conf->console_dir);
}

/* SIGHUP: load the file anew; keep the running config if it is bad. */
static void
main_reload_conf(struct vpointsd *d)
{
	struct conf *next;
	char err[512];

	if (d->conf_path == NULL) {
		log_info("reload: no config file was given; nothing to do");
		return;
	}
	next = main_conf_build(d, err, sizeof(err));
	if (next == NULL) {
		log_error("reload: %s; keeping the running configuration",
		    err);
		return;
	}
	conf_keep_fixed(next, d->conf);
	conf_free(d->conf);
	d->conf = next;
	log_set_level(d->conf->log_level);
	http_server_configure(d->http, d->conf);
	db_pool_set_limits(d->db, d->conf->db_queue_max,
	    d->conf->db_reconnect_max);
	standby_configure(d->standby, d->conf);
	chores_configure(d->chores, d->conf);
	auth_configure(d->auth, d->conf);
	main_console(d);
	log_info("reload: configuration from %s in force", d->conf_path);
}

/* SIGHUP, as systemd sees it: reloading, then ready again. */
static void
main_reload(evutil_socket_t sig, short what, void *arg)
{
	struct vpointsd *d = arg;

	if (d->ready)
		main_notify("RELOADING=1");
	main_reload_conf(d);
	if (d->ready)
		main_notify("READY=1");
}

/* Every request is answered: leave the loop. */
static void
main_drained(void *arg)
{
	struct vpointsd *d = arg;

	log_info("stop: all requests answered");
	event_base_loopexit(d->base, NULL);
}

/* The bounded wait for in-flight requests is over. */
static void
main_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct vpointsd *d = arg;

	log_warn("stop: %d requests still in flight after %d s; they get 503",
	    http_server_inflight(d->http), d->conf->shutdown_timeout);
	event_base_loopexit(d->base, NULL);
}

/* SIGTERM, SIGINT: stop accepting, finish what is in flight, exit. */
static void
main_stop(evutil_socket_t sig, short what, void *arg)
{
	struct vpointsd *d = arg;
	struct timeval tv = { d->conf->shutdown_timeout, 0 };

	/* A terminal's Ctrl-C reaches the daemon and a wrapping script at
	 * once; only a signal a second later means "stop now". */
	if (d->stopping != 0) {
		if (time(NULL) - d->stopping >= 1) {
			log_warn("stop: second signal; leaving now");
			event_base_loopexit(d->base, NULL);
		}
		return;
	}
	d->stopping = time(NULL);
	main_notify("STOPPING=1");
	d->ready = 0;
	log_info("stop: signal %d; finishing %d requests in flight", (int)sig,
	    http_server_inflight(d->http));
	d->drain_timer = evtimer_new(d->base, main_drain_timeout, d);
	if (d->drain_timer == NULL)
		abort();
	evtimer_add(d->drain_timer, &tv);
	http_server_drain(d->http, main_drained, d);
}

/* The end of a turn of the loop: write its log lines at once. */
static void
main_log_flush(evutil_socket_t fd, short what, void *arg)
{
	log_flush();
}

/* A log line is held: write it at the end of this turn of the loop,
 * after the other callbacks already due and before the replies they
 * made are sent (evhttp writes a reply when its socket is next
 * writable, a later turn), so the access log never lags an answer. */
static void
main_log_held(void *arg)
{
	event_active(arg, EV_TIMEOUT, 0);
}

/* Register one signal with the loop. */
static struct event *
main_signal(struct vpointsd *d, int sig, event_callback_fn fn)
{
	struct event *ev = evsignal_new(d->base, sig, fn, d);

	if (ev == NULL || event_add(ev, NULL) != 0)
		abort();
	return ev;
}

/* Read the command line; exits on --help, --version or a usage error. */
static void
main_options(struct vpointsd *d, int argc, char **argv)
{
	static const struct option options[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "listen",	required_argument, NULL, 'L' },
		{ "db",		required_argument, NULL, 'D' },
		{ "init-admin",	required_argument, NULL, 'A' },
		{ "print-public-key", no_argument, NULL, 'P' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:h", options, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d->conf_path = optarg;
			break;
		case 'L':
		case 'D':
			if (d->noverrides == MAIN_MAX_OVERRIDES)
				abort();
			d->overrides[d->noverrides].key =
			    ch == 'L' ? "listen" : "db";
			d->overrides[d->noverrides].value = optarg;
			d->noverrides++;
			break;
		case 'A':
			d->init_admin = optarg;
			break;
		case 'P':
			d->print_public_key = 1;
			break;
		case 'V':
			printf("vpointsd %s\n", VPOINTS_VERSION);
			exit(0);
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		default:
			fputs(usage_text, stderr);
			exit(EX_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vpointsd: unexpected argument \"%s\"\n",
		    argv[optind]);
		fputs(usage_text, stderr);
		exit(EX_USAGE);
	}
}

/* The daemon's own signing key, made at first use. */
static struct signer *
main_signer(const struct vpointsd *d)
{
	struct signer *signer;
	char err[512];

	signer = signer_load(d->conf->signing_key,
	    d->conf->previous_signing_keys, err, sizeof(err));
	if (signer == NULL)
		log_error("signing key: %s%s", err, strstr(err,
		    "Permission denied") != NULL ? " (its folder must belong "
		    "to the user vpointsd runs as, mode 0700: see "
		    "vpointsd.conf(5), signing_key)" : "");
	return signer;
}

/*
 * The event loop. evhttp stops reading a connection while its request is
 * answered and writes the reply when the socket is next writable, which
 * is four epoll_ctl calls a request; libevent's change list folds the
 * changes one turn of the loop makes to a socket into one call, and the
 * stop of writing and the start of reading after a reply into one. (Its
 * known trap, a descriptor dup()ed and closed under it, does not arise:
 * the daemon never duplicates one.)
 */
static struct event_base *
main_event_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	if (cfg == NULL ||
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST))
		abort();
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base == NULL)
		abort();
	return base;
}

/* Start-up, the loop, and an orderly end. */
int
main(int argc, char **argv)
{
	struct vpointsd d;
	char err[1024], keyid[64], *json;
	int applied, rc = 0;

	memset(&d, 0, sizeof(d));
	log_init("vpointsd");
	main_options(&d, argc, argv);
	d.conf = main_conf_build(&d, err, sizeof(err));
	if (d.conf == NULL) {
		log_error("config: %s", err);
		return EX_CONFIG;
	}
	log_set_level(d.conf->log_level);
	if (sodium_init() < 0) {
		log_error("libsodium cannot start");
		rc = EX_SOFTWARE;
		goto done;
	}
	signal(SIGPIPE, SIG_IGN);
	if (d.print_public_key) {
		if ((d.signer = main_signer(&d)) == NULL) {
			rc = EX_CONFIG;
			goto done;
		}
		json = signer_public_json(d.signer);
		printf("%s\n", json);
		free(json);
		goto done;
	}

	rc = migrate_run(d.conf->db, d.conf->sql_dir, &applied, err,
	    sizeof(err));
	if (rc != 0) {
		log_error("migrate: %s", err);
		rc = rc == MIGRATE_UNAVAILABLE ? EX_UNAVAILABLE : EX_CONFIG;
		goto done;
	}
	log_info("migrate: schema up to date (%d applied now)", applied);
	if (d.init_admin != NULL) {
		if (admin_init(d.conf->db, d.init_admin, keyid, sizeof(keyid),
		    err, sizeof(err)) != 0) {
			log_error("init-admin: %s", err);
			rc = EX_DATAERR;
		} else {
			printf("%s\n", keyid);
		}
		goto done;
	}
	if ((d.signer = main_signer(&d)) == NULL) {
		rc = EX_CONFIG;
		goto done;
	}

	if (http_server_fit_files(d.conf, err, sizeof(err)) != 0) {
		log_error("config: %s", err);
		rc = EX_CONFIG;
		goto done;
	}
	d.base = main_event_base();
	d.log_flush = event_new(d.base, -1, 0, main_log_flush, NULL);
	if (d.log_flush == NULL)
		abort();
	log_hold(main_log_held, d.log_flush);
	d.db = db_pool_create(d.base, d.conf->db, d.conf->db_pool_size);
	db_pool_set_limits(d.db, d.conf->db_queue_max,
	    d.conf->db_reconnect_max);
	d.http = http_server_create(d.base, d.conf, err, sizeof(err));
	if (d.http == NULL) {
		log_error("http: %s", err);
		rc = EX_OSERR;
		goto done;
	}
	d.metrics = metrics_create(d.db);
	http_server_observe(d.http, metrics_reply, d.metrics);
	d.auth = auth_create(d.db, d.metrics);
	auth_configure(d.auth, d.conf);
	d.chores = chores_start(d.base, d.db, d.signer, d.conf);
	d.standby = standby_create(d.base, d.db, &d.conf, d.metrics);
	d.ops.db = d.db;
	d.ops.standby = d.standby;
	d.ops.auth = d.auth;
	d.ops.conf = &d.conf;
	d.ops.signer = d.signer;
	d.ops.metrics = d.metrics;
	d.console = console_create();
	main_console(&d);
	d.ops.console = d.console;
	ops_route_all(d.http, &d.ops);
	d.sigterm = main_signal(&d, SIGTERM, main_stop);
	d.sigint = main_signal(&d, SIGINT, main_stop);
	d.sighup = main_signal(&d, SIGHUP, main_reload);
	log_info("vpointsd %s listening on %s", VPOINTS_VERSION,
	    d.conf->listen);
	d.probe_timer = evtimer_new(d.base, main_probe, &d);
	if (d.probe_timer == NULL)
		abort();
	main_probe(-1, 0, &d);

	event_base_dispatch(d.base);
	log_hold(NULL, NULL);
	log_info("stopped");

done:
	/* Requests still waiting for the database are answered 503 here,
	 * before their connections close. */
	chores_free(d.chores);
	standby_free(d.standby);
	db_pool_free(d.db);
	auth_free(d.auth);
	http_server_free(d.http);
	metrics_free(d.metrics);
	console_free(d.console);
	if (d.sigterm != NULL) {
		event_free(d.sigterm);
		event_free(d.sigint);
		event_free(d.sighup);
	}
	if (d.drain_timer != NULL)
		event_free(d.drain_timer);
	if (d.probe_timer != NULL)
		event_free(d.probe_timer);
	log_hold(NULL, NULL);
	if (d.log_flush != NULL)
		event_free(d.log_flush);
	if (d.base != NULL)
		event_base_free(d.base);
	signer_free(d.signer);
	conf_free(d.conf);
	return rc;
}
