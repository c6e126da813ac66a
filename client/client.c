/* What every command shares: exit codes from HTTP statuses, the daemon's
 * refusals said to the user, small checks of command-line values, output
 * files written whole, and where lists and records go: a table, CSV or a
 * workbook, to standard output or --out's file. */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "client/client.h"
#include "client/i18n.h"
#include "client/refusal.h"
#include "client/xlsx.h"
#include "wire.h"
#include "xmalloc.h"

/* The connection to vpointsd, opened on first use from the settings;
 * NULL with resp->error when a setting is wrong. */
struct net *
client_net(struct client *cl, struct net_response *resp)
{
	if (cl->net == NULL)
		cl->net = client_net_open(cl, resp);
	return cl->net;
}

/* A connection of its own to the server of the settings (for exchanges
 * that run at once); NULL with resp->failure and resp->error. */
struct net *
client_net_open(const struct client *cl, struct net_response *resp)
{
	struct net_options o = {
		.server = cl->settings.server,
		.cacert = cl->settings.cacert,
		.pin = cl->settings.pin,
		.proxy = cl->settings.proxy,
		.insecure_http = cl->settings.insecure_http,
		.connect_timeout = cl->settings.connect_timeout,
		.timeout = cl->timeout,
	};
	struct net *n;

	if ((n = net_open(&o, resp->error, sizeof(resp->error))) == NULL)
		resp->failure = NET_BAD_SETTING;
	return n;
}

/* The exit code that an HTTP error status stands for. */
int
client_exit_code(int status)
{
	if (status >= 200 && status < 300)
		return WIRE_EXIT_OK;
	switch (status) {
	case 400:
	case 404:
	case 413:
	case 422:
		return WIRE_EXIT_DATAERR;
	case 409:
		return WIRE_EXIT_FAILURE;
	case 401:
	case 403:
		return WIRE_EXIT_NOPERM;
	case 429:
		return WIRE_EXIT_TEMPFAIL;
	case 503:
		return WIRE_EXIT_UNAVAILABLE;
	default:
		return status >= 500 ? WIRE_EXIT_SOFTWARE : WIRE_EXIT_FAILURE;
	}
}

/* Tell the user why the daemon refused; returns the exit code. */
int
client_report_problem(const struct client *cl, const char *what,
    const struct net_response *resp)
{
	json_t *p = json_loadb(resp->body, resp->len, 0, NULL);
	const char *title, *type;
	char *sentence;
	int rc = client_exit_code(resp->status);

	if (cl->json) {
		fprintf(stderr, "%s\n", resp->body);
	} else {
		/* The type and its members, said in the user's language;
		 * the daemon's English detail for a type not known here. */
		title = json_string_value(json_object_get(p, "title"));
		sentence = refusal_sentence(p);
		fprintf(stderr, _("vpoints: %s: %s%s%s (HTTP %d)\n"), what,
		    title != NULL ? title : "error",
		    sentence != NULL ? ": " : "",
		    sentence != NULL ? sentence : "", resp->status);
		free(sentence);
	}
	/* A 409 still in flight after every retry: try again later. */
	type = json_string_value(json_object_get(p, "type"));
	if (resp->status == 409 && type != NULL &&
	    strcmp(type, WIRE_P_IN_FLIGHT) == 0)
		rc = WIRE_EXIT_TEMPFAIL;
	json_decref(p);
	return rc;
}

/* A string member of a JSON object, or "". */
const char *
client_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* Parse the whole non-negative number an option wants; complain and
 * return the exit code when it is not one, else 0. */
int
client_whole(const char *option, const char *text, long long *n)
{
	char *end;

	errno = 0;
	*n = strtoll(text, &end, 10);
	if (*end != '\0' || end == text || *n < 0 || errno != 0 ||
	    !isdigit((unsigned char)*text)) {
		fprintf(stderr, _("vpoints: %s wants a whole number, not "
		    "\"%s\"\n"), option, text);
		return WIRE_EXIT_DATAERR;
	}
	return 0;
}

/* True for a "YYYY-MM" with a month from 01 to 12. */
bool
client_is_month(const char *text)
{
	return strlen(text) == 7 && isdigit((unsigned char)text[0]) &&
	    isdigit((unsigned char)text[1]) &&
	    isdigit((unsigned char)text[2]) &&
	    isdigit((unsigned char)text[3]) && text[4] == '-' &&
	    ((text[5] == '0' && text[6] >= '1' && text[6] <= '9') ||
	    (text[5] == '1' && text[6] >= '0' && text[6] <= '2'));
}

/* Write len bytes of data to path, or to stdout when path is NULL, a
 * new file with the given mode (less the umask). A file is written as
 * path.tmp and renamed over path, so that a reader finds the old file or
 * the whole new one, never a part. Returns 0, or says why not and
 * returns the exit code. */
static int
client_write_mode(const char *path, const char *data, size_t len,
    mode_t mode)
{
	char *tmp;
	FILE *f;
	int fd;

	if (path == NULL) {
		if (fwrite(data, 1, len, stdout) != len ||
		    fflush(stdout) != 0) {
			fprintf(stderr, _("vpoints: standard output: %s\n"),
			    strerror(errno));
			return WIRE_EXIT_CANTCREAT;
		}
		return 0;
	}
	tmp = xasprintf("%s.tmp", path);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) < 0)
		goto fail;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		goto fail;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	fprintf(stderr, "vpoints: %s: %s\n", tmp, strerror(errno));
	unlink(tmp);
	free(tmp);
	return WIRE_EXIT_CANTCREAT;
}

/* Write an output file (see client_write_mode) anyone may read. */
int
client_write(const char *path, const char *data, size_t len)
{
	return client_write_mode(path, data, len, 0666);
}

/* Write an output file of personal data, readable by its owner only. */
int
client_write_private(const char *path, const char *data, size_t len)
{
	return client_write_mode(path, data, len, 0600);
}

/* Settle the output format: --json, --csv or --format (which cmd_parse
 * took), else the config file's format; and whether CSV starts with a
 * byte-order mark (--bom, --no-bom, else the config file's bom). 0 or the
 * exit code. */
int
client_output(struct client *cl)
{
	const char *format = cl->settings.format;

	if (cl->json && cl->csv) {
		fprintf(stderr, _("vpoints: --json or --csv, not both\n"));
		return WIRE_EXIT_USAGE;
	}
	if (cl->format_given != NULL && (cl->json || cl->csv) &&
	    cl->format != (cl->json ? CLIENT_JSON : CLIENT_CSV)) {
		fprintf(stderr, _("vpoints: --format %s or --%s, not both\n"),
		    cl->format_given, cl->json ? "json" : "csv");
		return WIRE_EXIT_USAGE;
	}
	if (cl->json)
		cl->format = CLIENT_JSON;
	else if (cl->csv)
		cl->format = CLIENT_CSV;
	else if (cl->format_given == NULL) {
		if (format == NULL || strcmp(format, "table") == 0)
			cl->format = CLIENT_TABLE;
		else if (strcmp(format, "json") == 0)
			cl->format = CLIENT_JSON;
		else if (strcmp(format, "csv") == 0)
			cl->format = CLIENT_CSV;
		else {
			fprintf(stderr, _("vpoints: config: format = %s: want "
			    "table, json or csv\n"), format);
			return WIRE_EXIT_CONFIG;
		}
	}
	cl->json = cl->format == CLIENT_JSON;
	cl->csv = cl->format == CLIENT_CSV;
	cl->bom = !cl->no_bom && (cl->bom || cl->settings.bom);
	return 0;
}

/* Lists and records as a table, or as CSV with --csv. */
enum table_format
client_table_format(const struct client *cl)
{
	return cl->csv ? TABLE_CSV : TABLE_TEXT;
}

/* Put fd where standard output goes; the descriptor of where it went. */
static int
client_redirect(int fd)
{
	int saved;

	fflush(stdout);
	if ((saved = dup(STDOUT_FILENO)) == -1 ||
	    dup2(fd, STDOUT_FILENO) == -1) {
		fprintf(stderr, _("vpoints: standard output: %s\n"),
		    strerror(errno));
		abort();
	}
	return saved;
}

/* Send standard output where it went before client_redirect. */
static void
client_restore(int *saved)
{
	fflush(stdout);
	if (dup2(*saved, STDOUT_FILENO) == -1)
		abort();
	close(*saved);
	*saved = -1;
}

/* Start what a command prints: with --out, to FILE.tmp instead of
 * standard output; with --format xlsx, to a workbook, and what the
 * command says beside its tables to standard error, so that only the
 * workbook goes out. 0 or the exit code. */
int
client_begin(struct client *cl)
{
	char err[512];
	int fd;

	cl->stdout_saved = cl->prose_saved = -1;
	if (cl->format == CLIENT_XLSX && cl->out == NULL &&
	    isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("vpoints: --format xlsx writes a workbook, "
		    "not text for a terminal: name its file with --out FILE, "
		    "or redirect standard output\n"));
		return WIRE_EXIT_USAGE;
	}
	if (cl->out != NULL) {
		cl->out_tmp = xasprintf("%s.tmp", cl->out);
		if ((fd = open(cl->out_tmp, O_WRONLY | O_CREAT | O_TRUNC,
		    0666)) == -1) {
			fprintf(stderr, "vpoints: %s: %s\n", cl->out_tmp,
			    strerror(errno));
			free(cl->out_tmp);
			cl->out_tmp = NULL;
			return WIRE_EXIT_CANTCREAT;
		}
		cl->stdout_saved = client_redirect(fd);
		close(fd);
	}
	if (cl->format == CLIENT_XLSX) {
		if ((cl->book = xlsx_new(err, sizeof(err))) == NULL) {
			fprintf(stderr, _("vpoints: workbook: %s\n"), err);
			return client_end(cl, WIRE_EXIT_CANTCREAT);
		}
		cl->prose_saved = client_redirect(STDERR_FILENO);
	}
	return 0;
}

/* End what client_begin started: write the workbook, and put --out's
 * file in place when the command succeeded or printed anything (an audit
 * that found problems); else leave FILE as it was. The exit code: rc, or
 * why the output could not be written. */
int
client_end(struct client *cl, int rc)
{
	char err[512];
	struct stat st;
	bool printed;

	if (cl->prose_saved != -1)
		client_restore(&cl->prose_saved);
	if (cl->book != NULL) {
		if (rc == WIRE_EXIT_OK || xlsx_sheets(cl->book) > 0) {
			if (xlsx_write(cl->book, stdout, err,
			    sizeof(err)) != 0) {
				fprintf(stderr,
				    _("vpoints: workbook: %s\n"), err);
				rc = WIRE_EXIT_CANTCREAT;
			}
		} else {
			xlsx_free(cl->book);
		}
		cl->book = NULL;
	}
	if (cl->stdout_saved == -1)
		return rc;
	printed = fflush(stdout) == 0 && fstat(STDOUT_FILENO, &st) == 0 &&
	    st.st_size > 0;
	if (fsync(STDOUT_FILENO) != 0 && rc == WIRE_EXIT_OK) {
		fprintf(stderr, "vpoints: %s: %s\n", cl->out_tmp,
		    strerror(errno));
		rc = WIRE_EXIT_CANTCREAT;
	}
	client_restore(&cl->stdout_saved);
	if ((rc == WIRE_EXIT_OK || printed) && rc != WIRE_EXIT_CANTCREAT) {
		if (rename(cl->out_tmp, cl->out) != 0) {
			fprintf(stderr, "vpoints: %s: %s\n", cl->out,
			    strerror(errno));
			rc = WIRE_EXIT_CANTCREAT;
		}
	}
	unlink(cl->out_tmp);		/* when not renamed */
	free(cl->out_tmp);
	cl->out_tmp = NULL;
	return rc;
}

/* Before the first CSV a command prints: the UTF-8 byte-order mark that
 * Excel and WPS need to read the file as UTF-8, when asked for. */
void
client_bom(struct client *cl)
{
	if (cl->bom && !cl->bom_written)
		fputs("\xef\xbb\xbf", stdout);
	cl->bom_written = true;
}

/* Print a list of objects: as a table or CSV, or as a sheet of the
 * workbook (named by sheet, client/headings.c). */
void
client_rows(struct client *cl, const char *sheet,
    const struct table_column *cols, size_t ncols, json_t *rows)
{
	if (cl->book != NULL) {
		xlsx_sheet(cl->book, sheet, cols, ncols, rows, NULL);
		return;
	}
	if (cl->csv)
		client_bom(cl);
	table_rows(stdout, client_table_format(cl), cols, ncols, rows);
}

/* Print one object: as "title  value" lines or CSV, or as a sheet. */
void
client_record(struct client *cl, const char *sheet,
    const struct table_column *cols, size_t ncols, json_t *object)
{
	if (cl->book != NULL) {
		xlsx_sheet(cl->book, sheet, cols, ncols, object, NULL);
		return;
	}
	if (cl->csv)
		client_bom(cl);
	table_record(stdout, client_table_format(cl), cols, ncols, object);
}
