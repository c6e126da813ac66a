#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "client/call.h"
#include "client/client.h"
#include "client/cmd.h"
#include "client/html.h"
#include "client/i18n.h"
#include "wire.h"
#include "xmalloc.h"

#define CARD_LIMIT	"1000"	/* volunteers a list gives at most */

static const char card_about[] =
N_("print: an A4 page (HTML) of volunteer cards, ten to a sheet (two columns\n"
"of five, 85.6 by 54 mm, dashed lines to cut along), for the volunteers\n"
"of a community (--community; a station's own without it), a team\n"
"(--team), or those --volunteers names (numbers joined by commas, printed\n"
"in that order, whatever their status). A list prints active volunteers\n"
"unless --status says otherwise, at most --limit (1000, the most the\n"
"daemon lists). A card shows the name, the number and the community, and\n"
"a QR code holding the number alone: a USB scanner at the station types\n"
"it wherever the number is wanted (vpoints shift checkin NUMBER ...). No\n"
"phone or ID number is printed. The page goes to --out FILE, else to\n"
"standard output.\n");

/* Named volunteers, or a list: not both. */
static const char *
card_check(const struct cmd *c)
{
	if (cmd_get(c, "volunteers") != NULL && (cmd_get(c, "community") !=
	    NULL || cmd_get(c, "team") != NULL || cmd_choice(c, "status") >= 0))
		return _("--volunteers, or --community, --team and --status, "
		    "not both");
	return NULL;
}

/* The volunteers --volunteers names, one call each, in that order; 0 or
 * the exit code. */
static int
card_named(struct client *cl, struct cmd *c, json_t *volunteers)
{
	char *numbers = xstrdup(cmd_get(c, "volunteers")), *number, *next;
	char *path;
	json_t *v;
	int rc = WIRE_EXIT_OK;

	for (number = numbers; number != NULL; number = next) {
		if ((next = strchr(number, ',')) != NULL)
			*next++ = '\0';
		if (*number == '\0') {
			fprintf(stderr, _("vpoints: card print: --volunteers "
			    "wants numbers joined by commas, not \"%s\"\n"),
			    cmd_get(c, "volunteers"));
			rc = WIRE_EXIT_USAGE;
			break;
		}
		path = wire_path(WIRE_OP_VOLUNTEER_GET, number);
		rc = call_run(cl, cmd_what(c),
		    wire_route(WIRE_OP_VOLUNTEER_GET)->method, path, NULL,
		    NULL, &v);
		free(path);
		if (rc != WIRE_EXIT_OK)
			break;
		json_array_append_new(volunteers, v);
	}
	free(numbers);
	return rc;
}

/* The cards of volunteers: number, name and the community's name (its
 * code when communities does not have it); nothing else. */
static json_t *
card_cards(json_t *volunteers, json_t *communities)
{
	json_t *cards = json_array(), *v, *community;
	const char *code, *name;
	size_t i, k;

	json_array_foreach(volunteers, i, v) {
		code = client_str(v, "community");
		name = code;
		json_array_foreach(communities, k, community) {
			if (strcmp(client_str(community, "code"), code) == 0) {
				name = client_str(community, "name");
				break;
			}
		}
		json_array_append_new(cards, json_pack("{s:s, s:s, s:s}",
		    "number", client_str(v, "number"),
		    "name", client_str(v, "name"), "community", name));
	}
	return cards;
}

/* vpoints card print: fetch the volunteers and the communities' names,
 * and write the sheets. */
static int
card_print(struct client *cl, struct cmd *c)
{
	const char *out = cmd_get(c, "out"), *limit = cmd_get(c, "limit");
	json_t *answer = NULL, *volunteers, *communities = NULL, *cards = NULL;
	char *text = NULL;
	size_t len = 0, n, sheets;
	FILE *f;
	int rc;

	if (cmd_get(c, "volunteers") != NULL) {
		volunteers = json_array();
		rc = card_named(cl, c, volunteers);
	} else {
		rc = call_run(cl, cmd_what(c), wire_route(cmd_op(c))->method,
		    cmd_path(c), cmd_query(c), NULL, &answer);
		volunteers = json_incref(json_object_get(answer,
		    "volunteers"));
	}
	if (rc != WIRE_EXIT_OK)
		goto done;
	if ((n = json_array_size(volunteers)) == 0) {
		fprintf(stderr, _("vpoints: card print: no volunteers to print\n"));
		rc = WIRE_EXIT_DATAERR;
		goto done;
	}
	if (answer != NULL && limit != NULL && n == strtoul(limit, NULL, 10))
		fprintf(stderr, _("vpoints: card print: cards for the first "
		    "%zu volunteers only (--limit); print the others by --team "
		    "or --volunteers\n"), n);
	if ((rc = call_run(cl, cmd_what(c),
	    wire_route(WIRE_OP_COMMUNITY_LIST)->method,
	    wire_route(WIRE_OP_COMMUNITY_LIST)->pattern, NULL, NULL,
	    &communities)) != WIRE_EXIT_OK)
		goto done;
	cards = card_cards(volunteers, json_object_get(communities,
	    "communities"));
	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	html_cards(f, cards);
	if (fclose(f) != 0)
		abort();
	sheets = (n + HTML_CARDS_PER_SHEET - 1) / HTML_CARDS_PER_SHEET;
	if ((rc = client_write(out, text, len)) != WIRE_EXIT_OK)
		goto done;
	if (out != NULL)
		printf(_("card print: %zu cards on %zu A4 sheets: %s\n"), n, sheets,
		    out);
	else
		fprintf(stderr, _("card print: %zu cards on %zu A4 sheets\n"),
		    n,
		    sheets);
done:
	free(text);
	json_decref(cards);
	json_decref(communities);
	json_decref(volunteers);
	json_decref(answer);
	return rc;
}

static const struct cmd_option card_print_options[] = {
	CMD_OPT("community", CMD_STRING, "community", "C", 0),
	CMD_OPT("team", CMD_STRING, "team", "T", 0),
	{ .name = "status", .type = CMD_CHOICE, .field = "status",
	    .value = "active|suspended|left", .fallback = "active" },
	{ .name = "limit", .type = CMD_WHOLE, .field = "limit", .value = "N",
	    .fallback = CARD_LIMIT },
	CMD_OPT("volunteers", CMD_STRING, NULL, "N,N,...", 0),
	CMD_OPT("out", CMD_STRING, NULL, "FILE", 0),
	CMD_END
};

static const struct cmd_verb card_verbs[] = {
	{ .name = "print", .options = card_print_options,
	    .op = WIRE_OP_VOLUNTEER_LIST, .check = card_check,
	    .run = card_print },
};

const struct cmd_entry cmd_card_entry = {
	.name = "card",
	.summary = N_("print volunteer cards with a QR code of the number"),
	.about = card_about,
	.verbs = card_verbs,
	.nverbs = CMD_NITEMS(card_verbs),
};
