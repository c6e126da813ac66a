#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/cmd.h"
#include "client/i18n.h"
#include "client/offline.h"
#include "client/outbox.h"
#include "client/refusal.h"
#include "client/table.h"
#include "client/when.h"
#include "wire.h"
#include "xmalloc.h"

static const char offline_about[] =
N_("When vpointsd cannot be reached, shift log, shift checkin, shift checkout\n"
"and volunteer add are queued in the outbox instead of failing: vpoints\n"
"says so with the entry's ID and exits 75. Unreachable means no answer at\n"
"all after every retry: connection refused, reset or timed out. Any\n"
"answer, even 503 (database unavailable, overloaded, shutting down), is\n"
"not: the daemon is up and the station online, the outage is for the\n"
"operator to mend, and the write fails as before (69), to be run again.\n"
"An add with an ID number is never queued (exit 69): no file on the\n"
"station holds an ID number; run it again online. An entry keeps the\n"
"method, route, exact body, Idempotency-Key and the time of the command.\n"
"Times a command may leave out (check-in start, check-out end,\n"
"registration date) are always filled in from this machine's clock when\n"
"the command runs, so a queued write keeps them.\n"
"A queued check-in has no ID until it is sent: check it out once flushed,\n"
"or log the shift whole.\n"
"\n"
"list: the queued entries, oldest first; --failed: those refused.\n"
"flush: send them in order, each signed afresh under its own\n"
"Idempotency-Key, removing each once the daemon has answered it:\n"
"  2xx             done;\n"
"  4xx             refused by a rule of the ledger (overlap, a closed\n"
"                  month...): reported and moved to failed/ (move the file\n"
"                  back to try it again);\n"
"  no answer, 5xx, 429, 409 request-in-flight\n"
"                  flush stops and keeps the rest; exit 75;\n"
"  401             the signature was refused (key, clock): flush stops;\n"
"                  exit 77.\n"
"A flush cut short is safe to run again within 25 hours (the daemon's\n"
"idempotency records): what was applied is answered from them, not done\n"
"twice. Exit 0 when all were sent, 1 when some were refused.\n"
"\n"
"The outbox is VPOINTS_OUTBOX, else outbox = DIR in the config file, else\n"
"$XDG_STATE_HOME/vpoints/outbox, else ~/.local/state/vpoints/outbox.\n");

/* What flush makes of the daemon's answer to an entry. */
enum offline_verdict {
	OFFLINE_DONE,		/* 2xx: applied now, or before */
	OFFLINE_REFUSED,	/* the write itself refused: to failed/ */
	OFFLINE_STOP		/* no writes taken now: keep the rest */
};

static const struct table_column offline_rows[] = {
	{ "id", N_("ID"), NULL, false },
	{ "queued_at", N_("QUEUED"), table_time, false },
	{ "what", N_("COMMAND"), NULL, false },
	{ "method", NULL, NULL, false },
	{ "path", N_("PATH"), NULL, false },
	{ "idempotency_key", NULL, NULL, false },
	{ "body", N_("BODY"), NULL, false },
};

static const struct table_column offline_failed_rows[] = {
	{ "id", N_("ID"), NULL, false },
	{ "queued_at", N_("QUEUED"), table_time, false },
	{ "what", N_("COMMAND"), NULL, false },
	{ "method", NULL, NULL, false },
	{ "path", N_("PATH"), NULL, false },
	{ "idempotency_key", NULL, NULL, false },
	{ "body", NULL, NULL, false },
	{ "status", N_("STATUS"), NULL, true },
	{ "refusal", N_("REFUSAL"), NULL, false },
	{ "answer", NULL, NULL, false },
};

/* A string member of the daemon's problem answer, or "". */
static char *
offline_problem(const char *answer, const char *member)
{
	json_t *p = json_loads(answer, 0, NULL);
	const char *s = json_string_value(json_object_get(p, member));
	char *copy = xstrdup(s != NULL ? s : "");

	json_decref(p);
	return copy;
}

/* Keep a write that got no answer in the outbox; the exit code. A write
 * with a national ID number is not kept: no file on a station machine
 * holds one; nor one with personal fields and no consent, which the
 * daemon would refuse. */
static int
offline_queue(struct client *cl, const char *what, const char *method,
    const char *path, const char *body, const char *idempotency_key,
    const char *why)
{
	struct outbox_entry *e;
	char queued_at[WHEN_RFC3339_LEN], err[512];
	int rc;

	fprintf(stderr, _("vpoints: %s: %s\n"), what, why);
	if (outbox_has_id_number(body)) {
		fprintf(stderr, _("vpoints: %s: not queued: an ID number is "
		    "never kept on this machine; run the command again once "
		    "vpointsd answers, or register now without --id-number "
		    "and give it online later (vpoints volunteer update "
		    "NUMBER --id-number -)\n"), what);
		return WIRE_EXIT_UNAVAILABLE;
	}
	if (outbox_personal_without_consent(body)) {
		fprintf(stderr, _("vpoints: %s: not queued: gender, birth "
		    "month, phone, skills and party membership are kept only "
		    "with the volunteer's consent (--consent)\n"), what);
		return WIRE_EXIT_DATAERR;
	}
	if (cl->settings.outbox == NULL) {
		fprintf(stderr, _("vpoints: %s: not queued: no outbox folder "
		    "(set VPOINTS_OUTBOX or outbox = in the config file)\n"),
		    what);
		return WIRE_EXIT_UNAVAILABLE;
	}
	if (when_format(cl->started, queued_at, sizeof(queued_at)) != 0)
		abort();
	e = xcalloc(1, sizeof(*e));
	e->what = xstrdup(what);
	e->queued_at = xstrdup(queued_at);
	e->method = xstrdup(method);
	e->path = xstrdup(path);
	e->idempotency_key = xstrdup(idempotency_key);
	e->body = xstrdup(body);
	if (outbox_add(cl->settings.outbox, e, err, sizeof(err)) != 0) {
		fprintf(stderr, _("vpoints: %s: not queued: %s\n"), what, err);
		rc = WIRE_EXIT_UNAVAILABLE;
	} else {
		fprintf(stderr, _("vpoints: %s: queued in the outbox as %s; "
		    "vpoints outbox flush sends it\n"), what, e->id);
		rc = WIRE_EXIT_TEMPFAIL;
	}
	outbox_entries_free(e, 1);
	return rc;
}

/* Send a write; when vpointsd gives no answer at all, queue it in the
 * outbox (exit 75). The body is sent as it is queued, byte for byte, under
 * one Idempotency-Key: an attempt that reached the daemon unseen is then
 * answered from its idempotency record when the entry is flushed. */
int
offline_run(struct client *cl, const char *what, const char *method,
    const char *path, json_t *body, json_t **result)
{
	struct net_response resp;
	char idem[CALL_KEY_LEN], *text;
	bool again;
	int rc;

	*result = NULL;
	if ((text = json_dumps(body, JSON_COMPACT)) == NULL)
		abort();
	call_idempotency_key(cl, idem, sizeof(idem));
	switch (call_send(cl, method, path, NULL, NULL, text, idem, &resp)) {
	case CALL_ANSWERED:
		again = call_unsettled(&resp);
		rc = call_answer(cl, what, &resp, result);
		if (again)
			call_maybe_done(what, idem);
		break;
	case CALL_NO_ANSWER:
		rc = offline_queue(cl, what, method, path, text, idem,
		    resp.error);
		if (rc != WIRE_EXIT_TEMPFAIL)	/* not kept */
			call_maybe_done(what, idem);
		break;
	case CALL_NOT_SENT:
		fprintf(stderr, "vpoints: %s: %s\n", what, resp.error);
		rc = net_exit_code(&resp);
		break;
	default:
		abort();
	}
	net_response_clear(&resp);
	free(text);
	return rc;
}

/* The daemon's refusal as a sentence in the user's language, or "". */
static char *
offline_sentence(const char *answer)
{
	json_t *problem = json_loads(answer, 0, NULL);
	char *sentence = refusal_sentence(problem);

	json_decref(problem);
	return sentence != NULL ? sentence : xstrdup("");
}

/* The entries as JSON objects, for a table, CSV or --json. */
static json_t *
offline_json(const struct outbox_entry *entries, size_t n)
{
	json_t *rows = json_array(), *row;
	char *title, *detail, *refusal;
	size_t i;

	for (i = 0; i < n; i++) {
		row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", entries[i].id, "queued_at", entries[i].queued_at,
		    "what", entries[i].what, "method", entries[i].method,
		    "path", entries[i].path, "idempotency_key",
		    entries[i].idempotency_key, "body", entries[i].body);
		if (row == NULL)
			abort();
		if (entries[i].refusal != NULL) {
			title = offline_problem(entries[i].refusal, "title");
			detail = offline_sentence(entries[i].refusal);
			json_object_set_new(row, "status",
			    json_integer(entries[i].refused_status));
			refusal = xasprintf("%s%s%s", title,
			    *detail != '\0' ? ": " : "", detail);
			json_object_set_new(row, "refusal", json_string(refusal));
			free(refusal);
			json_object_set_new(row, "answer",
			    json_string(entries[i].refusal));
			free(title);
			free(detail);
		}
		json_array_append_new(rows, row);
	}
	return rows;
}

/* The outbox folder; NULL when there is none, said. */
static const char *
offline_folder(const struct client *cl)
{
	if (cl->settings.outbox == NULL)
		fprintf(stderr, _("vpoints: outbox: no folder: set "
		    "VPOINTS_OUTBOX or outbox = in the config file\n"));
	return cl->settings.outbox;
}

/* vpoints outbox list [--failed] */
static int
offline_list(struct client *cl, struct cmd *c)
{
	const char *outbox = offline_folder(cl);
	bool failed = cmd_get(c, "failed") != NULL;
	struct outbox_entry *entries;
	json_t *rows, *all;
	char err[512], *dir, *text;
	size_t n;

	if (outbox == NULL)
		return WIRE_EXIT_CONFIG;
	dir = failed ? xasprintf("%s/%s", outbox, OUTBOX_FAILED) :
	    xstrdup(outbox);
	if (outbox_list(dir, &entries, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, _("vpoints: outbox list: %s\n"), err);
		free(dir);
		return WIRE_EXIT_DATAERR;
	}
	rows = offline_json(entries, n);
	if (cl->json) {
		all = json_pack("{s:s, s:o}", "outbox", dir, "entries", rows);
		if (all == NULL || (text = json_dumps(all, JSON_INDENT(2))) ==
		    NULL)
			abort();
		printf("%s\n", text);
		free(text);
		json_decref(all);
	} else {
		if (failed)
			client_rows(cl, "failed", offline_failed_rows,
			    CMD_NITEMS(offline_failed_rows), rows);
		else
			client_rows(cl, "entries", offline_rows,
			    CMD_NITEMS(offline_rows), rows);
		json_decref(rows);
	}
	outbox_entries_free(entries, n);
	free(dir);
	return WIRE_EXIT_OK;
}

/* Sort an answer to an entry. */
static enum offline_verdict
offline_verdict(const struct net_response *resp)
{
	char *type;
	bool in_flight;

	if (resp->status >= 200 && resp->status < 300)
		return OFFLINE_DONE;
	if (resp->status >= 500 || resp->status == 401 ||
	    resp->status == 429 || resp->status < 400)
		return OFFLINE_STOP;
	type = offline_problem(resp->body, "type");
	in_flight = resp->status == 409 && strcmp(type, WIRE_P_IN_FLIGHT) == 0;
	free(type);
	return in_flight ? OFFLINE_STOP : OFFLINE_REFUSED;
}

/* Say what the daemon made of an entry it applied. */
static void
offline_print_done(const struct client *cl, const struct outbox_entry *e,
    const struct net_response *resp)
{
	json_t *answer;

	if (cl->json) {
		printf("%s\n", resp->body);
		return;
	}
	answer = json_loadb(resp->body, resp->len, 0, NULL);
	printf(_("%s %s: done (HTTP %d)"), e->id, e->what, resp->status);
	if (json_is_integer(json_object_get(answer, "id")))
		printf(_(", id %lld"), (long long)json_integer_value(
		    json_object_get(answer, "id")));
	else if (json_is_string(json_object_get(answer, "number")))
		printf(_(", number %s"), client_str(answer, "number"));
	printf("\n");
	json_decref(answer);
}

/* How long after a write the daemon surely still answers a retry of it
 * from its record (it keeps them 25 hours). */
#define OFFLINE_ANSWER_KEPT	(24 * 3600)

/* Deal with the daemon's answer to entry e: remove it once done, move it
 * to failed/ once refused. Returns 0 to go on, else the exit code. */
static int
offline_settle(struct client *cl, const char *dir,
    const struct outbox_entry *e, struct net_response *resp, size_t *refused)
{
	char err[512], *label;
	time_t queued;
	int rc = 0;

	label = xasprintf(_("outbox %s (%s)"), e->id, e->what);
	switch (offline_verdict(resp)) {
	case OFFLINE_DONE:
		offline_print_done(cl, e, resp);
		if (outbox_remove(dir, e->id, err, sizeof(err)) != 0) {
			fprintf(stderr, _("vpoints: %s: sent, but %s\n"), label,
			    err);
			rc = WIRE_EXIT_CANTCREAT;
		}
		break;
	case OFFLINE_REFUSED:
		client_report_problem(cl, label, resp);
		if (outbox_fail(dir, e, resp->status, resp->body, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "vpoints: %s: %s\n", label, err);
			rc = WIRE_EXIT_CANTCREAT;
			break;
		}
		fprintf(stderr, _("vpoints: %s: refused; moved to %s/%s/%s\n"),
		    label, dir, OUTBOX_FAILED, e->id);
		/* The daemon keeps a write's answer 25 hours: an entry
		 * older than a day whose earlier sending reached it unseen
		 * is refused now as done already (volunteer-exists, an
		 * overlap), not answered as done. */
		if (when_parse(e->queued_at, &queued) == 0 &&
		    cl->started - queued > OFFLINE_ANSWER_KEPT)
			fprintf(stderr, _("vpoints: %s: queued more than a "
			    "day ago, when the daemon no longer keeps the "
			    "answer of an earlier sending: it may have been "
			    "done then; look before doing it again\n"), label);
		(*refused)++;
		break;
	case OFFLINE_STOP:
		client_report_problem(cl, label, resp);
		rc = resp->status == 401 ? WIRE_EXIT_NOPERM :
		    WIRE_EXIT_TEMPFAIL;
		break;
	default:
		abort();
	}
	free(label);
	return rc;
}

/* vpoints outbox flush: send the entries in order; see offline_about. */
static int
offline_flush(struct client *cl, struct cmd *c)
{
	const char *dir = offline_folder(cl);
	struct outbox_entry *entries;
	struct net_response resp;
	const char *hook;
	char err[512];
	size_t n, i, answered = 0, refused = 0;
	long long crash_after = 0;
	int lock, rc = 0;

	if (dir == NULL)
		return WIRE_EXIT_CONFIG;
	/* One flush at a time: a second would send the same entries. */
	if ((lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			if (!cl->json)
				printf(_("outbox: nothing to send\n"));
			return WIRE_EXIT_OK;
		}
		fprintf(stderr, _("vpoints: outbox flush: %s: %s\n"), dir,
		    strerror(errno));
		return WIRE_EXIT_CONFIG;
	}
	if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, _("vpoints: outbox flush: another flush of %s "
		    "is running\n"), dir);
		close(lock);
		return WIRE_EXIT_TEMPFAIL;
	}
	if (outbox_list(dir, &entries, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, _("vpoints: outbox flush: %s\n"), err);
		close(lock);
		return WIRE_EXIT_DATAERR;
	}
	/* A test hook, for tests/e2e/outbox.sh: die as if killed once N
	 * entries were answered, before the files of the last are removed. */
	if ((hook = getenv("VPOINTS_OUTBOX_CRASH_AFTER")) != NULL)
		crash_after = strtoll(hook, NULL, 10);
	for (i = 0; i < n && rc == 0; i++) {
		switch (call_send(cl, entries[i].method, entries[i].path, NULL,
		    NULL, entries[i].body, entries[i].idempotency_key, &resp)) {
		case CALL_ANSWERED:
			if (crash_after > 0 &&
			    (long long)++answered == crash_after)
				raise(SIGKILL);
			rc = offline_settle(cl, dir, &entries[i], &resp,
			    &refused);
			break;
		case CALL_NO_ANSWER:
			fprintf(stderr, _("vpoints: outbox %s (%s): %s\n"),
			    entries[i].id, entries[i].what, resp.error);
			rc = WIRE_EXIT_TEMPFAIL;
			break;
		case CALL_NOT_SENT:
			fprintf(stderr, _("vpoints: outbox flush: %s\n"),
			    resp.error);
			rc = net_exit_code(&resp);
			break;
		default:
			abort();
		}
		net_response_clear(&resp);
	}
	if (rc != 0)
		i--;	/* the entry that stopped the flush stays */
	if (!cl->json)
		printf(_("outbox: %zu sent, %zu refused, %zu kept\n"),
		    i - refused,
		    refused, n - i);
	else if (rc != 0)
		fprintf(stderr, _("vpoints: outbox flush: stopped; %zu kept\n"),
		    n - i);
	outbox_entries_free(entries, n);
	close(lock);
	if (rc != 0)
		return rc;
	return refused > 0 ? WIRE_EXIT_FAILURE : WIRE_EXIT_OK;
}

static const struct cmd_option offline_list_options[] = {
	CMD_OPT("failed", CMD_FLAG, NULL, NULL, 0),
	CMD_END
};

static const struct cmd_verb offline_verbs[] = {
	{ .name = "list", .options = offline_list_options,
	    .flags = CMD_LOCAL | CMD_TABLES, .run = offline_list },
	{ .name = "flush", .flags = CMD_LOCAL, .run = offline_flush },
};

const struct cmd_entry cmd_outbox_entry = {
	.name = "outbox",
	.summary = N_("writes queued while vpointsd was unreachable: list, "
	    "flush"),
	.about = offline_about,
	.verbs = offline_verbs,
	.nverbs = CMD_NITEMS(offline_verbs),
};
