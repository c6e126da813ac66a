/* A refusal said in the user's language (client/refusal.h). */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "client/i18n.h"
#include "client/refusal.h"
#include "client/table.h"
#include "client/when.h"
#include "wire.h"
#include "xmalloc.h"

/*
 * One sentence per problem type, as data: the type's slug (for
 * invalid-field also "invalid-field/<reason>"), and a template where
 * %{name} stands for the problem's member "name" (doc/api.md lists the
 * members of each type). The rows of a type are tried in order and the
 * first whose members are all there is said: a type raised in several
 * places has a row for each set of members, the most specific first, and
 * a row without placeholders last. The English templates say what the
 * daemon's English detail says.
 */
struct refusal_template {
	const char	*type;
	const char	*template;
};

/* TRANSLATORS: in these sentences, %{name} is replaced by the value of
 * the refusal's member "name" (a number, a code, a date); keep each
 * %{name} as it is, in the place the sentence needs it. */
static const struct refusal_template refusal_templates[] = {
	/* Points, stock and the catalogue. */
	{ "insufficient-points", N_("%{volunteer} has %{balance} points; "
	    "%{quantity} × %{item_name} costs %{cost}.") },
	{ "insufficient-points", N_("%{volunteer} has %{balance} points and "
	    "cannot offer %{points}.") },
	{ "out-of-stock", N_("%{item_name}: %{stock} in stock, %{quantity} "
	    "asked.") },
	{ "item-inactive", N_("%{item_name} (%{item}) is no longer in the "
	    "catalogue.") },
	{ "item-exists", N_("Station %{station} has an item %{item} "
	    "already.") },
	{ "unknown-item", N_("This station's catalogue has no item "
	    "%{item}.") },
	{ "unknown-redemption", N_("No redemption has id %{redemption}.") },
	{ "already-voided", N_("Redemption %{redemption} was voided "
	    "already.") },
	{ "other-station", N_("Station %{station} manages its own catalogue "
	    "only.") },
	{ "other-station", N_("Only the station that made a redemption may "
	    "void it.") },
	{ "points-already-spent", N_("Volunteer %{volunteer} has spent points "
	    "of shift %{shift}: the correction would take the balance below "
	    "zero.") },

	/* Dates and months. */
	{ "month-closed", N_("%{closed_month} is closed: nothing dated before "
	    "%{open_from} can be recorded or changed. The open month is "
	    "%{open_month}.") },
	{ "month-closed", N_("The report of closed month %{month} lists "
	    "community %{community}: its code, name and population no longer "
	    "change.") },
	{ "month-closed", N_("%{month} is closed already.") },
	{ "month-not-over", N_("%{month} is not over yet.") },
	{ "checkins-open", N_("Check-ins that started before %{before} are "
	    "still open (%{checkins}): check them out first.") },
	{ "move-unsettled", N_("Volunteer %{volunteer} has records open in "
	    "community %{community} (check-ins: %{checkins}; sign-ups: "
	    "%{signups}; help requests: %{help_requests}): its station "
	    "settles them first, then the volunteer can move.") },
	{ "before-move", N_("Volunteer %{volunteer} moved from community "
	    "%{community} at %{moved_at}; what is dated before the move is "
	    "that community's and stays as it was.") },
	{ "date-before-start", N_("\"%{field}\" (%{date}) is before the "
	    "programme's start, %{programme_start}.") },
	{ "date-in-future", N_("\"%{field}\" (%{date}) is in the future.") },
	{ "back-entry-window", N_("\"%{field}\" (%{date}) is too far back: a "
	    "station key records dates from %{earliest} on "
	    "(%{back_entry_days} days back); an admin key can record earlier "
	    "ones, back to %{admin_earliest}.") },

	/* Shifts and check-ins. */
	{ "shift-overlap", N_("Volunteer %{volunteer} has another shift at "
	    "that time: shift %{other_id}, %{other_start} to "
	    "%{other_end}.") },
	{ "shift-overlap", N_("Volunteer %{volunteer} has an open check-in "
	    "at that time: check-in %{other_id}, since %{other_start}.") },
	{ "start-in-future", N_("A shift cannot start in the future "
	    "(%{start}).") },
	{ "end-before-start", N_("A shift must end after it starts "
	    "(%{start} to %{end}).") },
	{ "end-in-future", N_("A completed shift cannot end in the future "
	    "(%{end}).") },
	{ "shift-too-long", N_("A shift lasts at most %{max_hours} hours "
	    "(%{start} to %{end}).") },
	{ "shift-too-short", N_("A shift lasts at least one whole minute "
	    "(%{start} to %{end}).") },
	{ "unknown-shift", N_("No shift has id %{shift}.") },
	{ "shift-not-open", N_("Shift %{shift} is not an open check-in.") },
	{ "already-corrected", N_("Shift %{shift} was corrected already; "
	    "correct the newest record.") },
	{ "already-corrected", N_("Award %{award} was corrected or withdrawn "
	    "already; correct the newest record.") },
	{ "unknown-activity", N_("No activity has code %{activity}.") },
	{ "activity-exists", N_("An activity with code %{activity} exists "
	    "already.") },
	{ "station-only", N_("This is done at a station: use a station "
	    "key.") },

	/* Events and sign-ups. */
	{ "unknown-event", N_("No event has id %{event}.") },
	{ "event-cancelled", N_("Event %{event} (%{event_title}) was "
	    "cancelled.") },
	{ "event-over", N_("Event %{event} (%{event_title}) is over: it ended at "
	    "%{ends_at}.") },
	{ "signup-closed", N_("Sign-up for event %{event} (%{event_title}) is open "
	    "from %{opens_at} until %{closes_at}.") },
	{ "already-signed-up", N_("Volunteer %{volunteer} is signed up for "
	    "event %{event} (%{event_title}) already: sign-up %{signup}.") },
	{ "requirement-unmet", N_("Event %{event} (%{event_title}) is for members "
	    "of team %{team}; volunteer %{volunteer} is not one.") },
	{ "requirement-unmet", N_("Event %{event} (%{event_title}) requires "
	    "qualification %{qualification}, which volunteer %{volunteer} does "
	    "not hold on %{on}.") },
	{ "signup-blocked", N_("Volunteer %{volunteer} did not come "
	    "%{noshows} times in the last %{noshow_days} days (the limit is "
	    "%{noshow_limit}): new sign-ups are refused until a station lifts "
	    "the block.") },
	{ "not-blocked", N_("Volunteer %{volunteer} may sign up (%{noshows} "
	    "no-shows, the limit is %{noshow_limit}): nothing to lift.") },
	{ "signup-overlap", N_("Volunteer %{volunteer} is signed up for "
	    "another event at that time: event %{other_event} "
	    "(%{other_title}), %{other_start} to %{other_end}.") },
	{ "signup-overlap", N_("Volunteer %{volunteer} has a shift at that "
	    "time: shift %{other_id}, %{other_start} to %{other_end}.") },
	{ "signup-overlap", N_("Volunteer %{volunteer} has an open check-in "
	    "at that time: check-in %{other_id}, since %{other_start}.") },
	{ "event-full/waiting", N_("Event %{event} (%{event_title}) is full "
	    "(places: %{places}); volunteer %{volunteer} is on its waiting "
	    "list.") },
	{ "event-full/walk-in", N_("Event %{event} (%{event_title}) is full "
	    "(places: %{places}): there is none left for a walk-in.") },
	{ "event-full", N_("Event %{event} has no free place.") },
	{ "unknown-signup", N_("No sign-up has id %{signup}.") },
	{ "signup-not-live", N_("Sign-up %{signup} was cancelled "
	    "already.") },
	{ "already-checked-in", N_("Volunteer %{volunteer} checked in to "
	    "event %{event} (%{event_title}) already (shift %{shift}).") },
	{ "already-checked-in", N_("Sign-up %{signup} was checked in (shift "
	    "%{shift}); it can no longer be cancelled.") },
	{ "no-signup", N_("Volunteer %{volunteer} has no sign-up for an "
	    "event now: name the activity or the event.") },
	{ "event-not-now", N_("Event %{event} (%{event_title}) runs from "
	    "%{starts_at} to %{ends_at}: check in during it.") },
	{ "invalid-times", N_("An event ends after it starts, within "
	    "%{max_hours} hours (%{starts_at} to %{ends_at}).") },
	{ "event-in-past", N_("An event is published before it ends "
	    "(%{ends_at}).") },
	{ "invalid-window", N_("Sign-up opens before it closes, and closes "
	    "and the cancellation deadline come before the event ends: opens "
	    "%{opens_at}, closes %{closes_at}, cancel by %{cancel_by}, ends "
	    "%{ends_at}.") },
	{ "empty-series", N_("The series has no occurrence up to %{until} "
	    "that has not ended.") },
	{ "too-many-actions", N_("Too many sign-ups, cancellations and "
	    "evaluations in a short time (at most %{limit} in %{minutes} "
	    "minutes); wait a few minutes.") },
	{ "unknown-link", N_("This link is not valid, or it was replaced by "
	    "a new one.") },

	/* Training, qualifications, awards, evaluations. */
	{ "qualification-required", N_("Activity %{activity} requires "
	    "qualification %{qualification}, which volunteer %{volunteer} did "
	    "not hold on %{date}.") },
	{ "unknown-training", N_("No training of this community has id "
	    "%{training}.") },
	{ "already-attended", N_("Volunteer %{volunteer} is recorded at "
	    "training %{training} already.") },
	{ "unknown-award", N_("No award has id %{award}.") },
	{ "unknown-evaluation", N_("No evaluation of this community has id "
	    "%{evaluation}.") },
	{ "already-reversed", N_("Evaluation %{evaluation} was reversed "
	    "already.") },
	{ "already-evaluated", N_("The %{role} of shift %{shift} has "
	    "evaluated it already; reverse that evaluation to record "
	    "another.") },
	{ "already-evaluated", N_("The %{role} of help request "
	    "%{help_request} has evaluated it already; reverse that evaluation "
	    "to record another.") },
	{ "help-not-completed", N_("Help request %{help_request} is "
	    "%{help_status}: only completed help is evaluated.") },

	/* Volunteers and teams. */
	{ "unknown-volunteer", N_("No volunteer has number %{volunteer}.") },
	{ "volunteer-exists", N_("A volunteer with number %{volunteer} exists "
	    "already.") },
	{ "unknown-recruiter", N_("No volunteer has number %{recruiter}.") },
	{ "self-recruitment", N_("Volunteer %{volunteer} cannot be their own "
	    "recruiter.") },
	{ "recruitment-cycle", N_("Volunteer %{recruiter} was brought in, "
	    "directly or not, by %{volunteer}: %{recruiter} cannot be "
	    "%{volunteer}'s recruiter.") },
	{ "volunteer-suspended", N_("Volunteer %{volunteer} is "
	    "%{volunteer_status}.") },
	{ "outside-community", N_("Volunteer %{volunteer} is registered in "
	    "another community than training %{training}.") },
	{ "outside-community", N_("Event %{event} is for the volunteers of "
	    "another community than volunteer %{volunteer}'s.") },
	{ "outside-community", N_("Event %{event} belongs to a community "
	    "outside region %{region} of office %{station}.") },
	{ "outside-community", N_("Event %{event} belongs to another "
	    "community; station %{station} acts for its own only.") },
	{ "outside-community", N_("Moving volunteer %{volunteer} from "
	    "community %{from} to %{community} needs a key that acts for "
	    "both.") },
	{ "outside-community", N_("Office %{station} acts for the communities "
	    "of region %{region} only, not %{community}.") },
	{ "outside-community", N_("Station %{station} acts for its own "
	    "community only, not %{community}.") },
	{ "outside-community", N_("Station %{station} acts for its own "
	    "community only.") },
	{ "outside-community", N_("Volunteer %{volunteer} is registered "
	    "outside region %{region} of office %{station}.") },
	{ "outside-community", N_("Volunteer %{volunteer} is registered in "
	    "another community; station %{station} acts for its own only.") },
	{ "outside-community", N_("Team %{team} belongs to another community "
	    "than volunteer %{volunteer}.") },
	{ "outside-community", N_("Volunteer %{volunteer} is of another "
	    "community than the request.") },
	{ "outside-community", N_("Certificate %{certificate} was issued in "
	    "another community.") },
	{ "unknown-team", N_("No team has code %{team}.") },
	{ "team-exists", N_("A team with code %{team} exists already.") },
	{ "consent-required", N_("Gender, birth month, phone, skills and "
	    "party membership are kept only with the volunteer's consent.") },
	{ "id-number-locked", N_("This station (or its community's "
	    "stations) has %{unresolved} ID numbers refused as already "
	    "registered that the city office has not resolved; until an "
	    "admin resolves them, writes with an ID number are refused.") },
	{ "duplicate-id-number", N_("This person appears to be registered "
	    "already. Ask the city office, quoting suspected duplicate "
	    "%{duplicate}.") },
	{ "unknown-duplicate", N_("No suspected duplicate has id "
	    "%{duplicate}.") },

	/* Help between volunteers. */
	{ "unknown-help-request", N_("No help request has id "
	    "%{help_request}.") },
	{ "help-resolved", N_("Help request %{help_request} is "
	    "%{help_status}.") },
	{ "help-not-accepted", N_("Help request %{help_request} has no helper "
	    "yet.") },
	{ "self-help", N_("Nobody helps themselves: the helper is another "
	    "volunteer.") },

	/* Communities, stations, keys, certificates. */
	{ "admin-only", N_("Volunteer %{volunteer} has an ID number already; "
	    "only the city office (an admin key) corrects it.") },
	{ "admin-only", N_("%{station} is an office: this operation is the "
	    "city's and needs an admin key.") },
	{ "admin-only", N_("This operation needs an admin key; station keys "
	    "may not use it.") },
	{ "community-exists", N_("A community with code %{community} exists "
	    "already.") },
	{ "outside-region", N_("The key of %{station} acts for the "
	    "communities of its region only, not %{community}.") },
	{ "outside-region", N_("The key of %{station} acts for the stations "
	    "of its region only, not %{subject}.") },
	{ "outside-region", N_("The key of %{station} acts for the regions "
	    "below its own only, not %{region}.") },
	{ "outside-region", N_("The key of %{station} acts for the regions "
	    "below its own only.") },
	{ "unknown-region", N_("No region has code %{region}.") },
	{ "region-exists", N_("A region with code %{region} exists "
	    "already.") },
	{ "levels-in-use", N_("Regions exist already: the levels they are at "
	    "stay as they are.") },
	{ "unknown-community", N_("No community has code %{community}.") },
	{ "station-exists", N_("A station with code %{station} exists "
	    "already.") },
	{ "unknown-station", N_("No station has code %{station}.") },
	{ "unknown-key", N_("Station %{station} has no key %{key}.") },
	{ "too-many-keys", N_("Station %{station} has two active keys "
	    "already: revoke the old one before enrolling another.") },
	{ "key-exists", N_("This public key is enrolled already; each station "
	    "has its own key.") },
	{ "last-admin", N_("This is the last admin station; enrol another "
	    "admin first.") },
	{ "unknown-certificate", N_("No certificate has number "
	    "%{certificate}.") },

	/* Fields of a request. */
	{ "invalid-field/required", N_("\"%{field}\" is required.") },
	{ "invalid-field/type", N_("\"%{field}\" must be a %{json_type}.") },
	{ "invalid-field/length", N_("\"%{field}\" must have %{min_length} to "
	    "%{max_length} characters.") },
	{ "invalid-field/range", N_("\"%{field}\" must be from %{min} to "
	    "%{max}.") },
	{ "invalid-field/range", N_("A certificate covers dates from the "
	    "programme's start, %{programme_start}, to the end of this "
	    "year.") },
	{ "invalid-field/code", N_("\"%{field}\" must be letters, digits, - "
	    "and _ (at most %{max_length}).") },
	{ "invalid-field/date", N_("\"%{field}\" must be a date, "
	    "YYYY-MM-DD.") },
	{ "invalid-field/time", N_("\"%{field}\" must be a time, "
	    "YYYY-MM-DD HH:MM.") },
	{ "invalid-field/format", N_("\"%{field}\" must be %{format}.") },
	{ "invalid-field/choice", N_("\"%{field}\" must be one of: "
	    "%{choices}.") },
	{ "invalid-field/list", N_("\"%{field}\" must be a list of texts of "
	    "at most %{max_length} characters.") },
	{ "invalid-field/count", N_("\"%{field}\" must list %{count} "
	    "values.") },
	{ "invalid-field/increasing", N_("\"%{field}\" must be whole hours, "
	    "strictly increasing.") },
	{ "invalid-field/period", N_("Give \"year\", or \"from\" and \"to\" "
	    "(dates, from not after to).") },
	{ "invalid-field/deadline", N_("\"%{field}\" must be in the future, "
	    "at most %{max_days} days ahead.") },
	{ "invalid-field/window", N_("A window needs \"from\" and \"to\" as "
	    "HH:MM (different) or \"dates\".") },
	{ "invalid-field/key", N_("\"%{field}\" must be an Ed25519 public "
	    "key.") },
	{ "invalid-field/number", N_("\"%{field}\" must be letters, digits "
	    "and - (at most %{max_length}, not starting with -).") },
	{ "invalid-field/id-number", N_("\"%{field}\" must be %{min_length} "
	    "to %{max_length} letters and digits.") },
	{ "invalid-field/not-accepted", N_("ID numbers are not accepted: the "
	    "server has no id_hash_key configured.") },
	{ "invalid-field/path", N_("\"%{field}\" is the one in the path and "
	    "cannot change; leave it out of the body.") },
	{ "invalid-field/stock", N_("That much stock cannot be kept: "
	    "%{stock} in stock and %{quantity} more is over %{max}.") },
	{ "invalid-field/unchanged", N_("The volunteer belongs to that "
	    "community already.") },
	{ "invalid-field/community", N_("A volunteer's community changes "
	    "only by a move (vpoints volunteer move).") },
	{ "invalid-field/left", N_("A volunteer who has left keeps no "
	    "consent; their personal fields are erased.") },
	{ "invalid-field/either", N_("Name exactly one of: %{fields}.") },
	{ "invalid-field/not-sent", N_("\"%{field}\" is made by the server "
	    "and cannot be sent.") },
	{ "invalid-field/objects", N_("\"%{field}\" must be a list of "
	    "objects.") },
	{ "invalid-field/hex", N_("\"%{field}\" must be %{min_length} to "
	    "%{max_length} lower-case hex digits.") },
	{ "invalid-field/size", N_("\"%{field}\" must hold %{min} to %{max} "
	    "rows.") },
	{ "invalid-field/dates", N_("\"from\" and \"to\" are required, "
	    "YYYY-MM-DD, \"to\" not before \"from\".") },
	{ "invalid-field/span", N_("A period covers at most %{max_days} "
	    "days.") },
	{ "invalid-field/lower-code", N_("\"%{field}\" must be a code of "
	    "lower-case letters, digits, - and _ (at most %{max_length}), such "
	    "as first-aid.") },
	{ "invalid-field/hours", N_("\"%{field}\" must be a number of hours "
	    "above 0 and at most %{max}, to two decimals.") },
	{ "invalid-field/needs", N_("\"%{field}\" needs \"%{needs}\".") },
	{ "invalid-field/after", N_("\"%{field}\" must be after "
	    "\"%{after}\".") },

	/* The daemon's own: signatures, the body, the database. */
	{ "invalid-input/date", N_("A date or time of the request is out of "
	    "range or not valid.") },
	{ "invalid-input/number", N_("A number of the request is out of "
	    "range.") },
	{ "invalid-input/text", N_("A text of the request is too long.") },
	{ "invalid-input/missing", N_("A value the request needs is "
	    "missing.") },
	{ "invalid-input/rule", N_("A value of the request is outside "
	    "what the ledger accepts.") },
	{ "invalid-input", N_("A value of the request is not valid.") },
	{ "conflict/duplicate", N_("A record like this exists already; "
	    "nothing was changed.") },
	{ "conflict/reference", N_("This names a record that does not exist, "
	    "or one that others still name; nothing was changed.") },
	{ "invalid-json", N_("The body is not valid JSON (line %{line}, "
	    "column %{column}).") },
	{ "invalid-json/object", N_("The body must be a JSON object.") },
	{ "idempotency-key-missing", N_("A write needs a valid "
	    "Idempotency-Key.") },
	{ "not-found", N_("No such route.") },
	{ "method-not-allowed", N_("The route does not take this "
	    "method.") },
	{ "http-error", N_("The server does not take this kind of HTTP "
	    "request.") },
	{ "shutting-down", N_("The server is shutting down; retry on another "
	    "server or in a moment.") },
	{ "internal-error", N_("The server met an error; it was logged.") },
	{ "signature-missing", N_("The request is not signed.") },
	{ "signature-malformed", N_("The request's signature headers are "
	    "malformed.") },
	{ "signature-component-unsupported", N_("The signature covers a "
	    "component the server does not support.") },
	{ "signature-component-absent", N_("The signature covers a component "
	    "the request lacks.") },
	{ "signature-component-invalid", N_("A component the signature covers "
	    "has an invalid value.") },
	{ "signature-param-missing", N_("A parameter the signature needs is "
	    "missing.") },
	{ "signature-alg-unsupported", N_("The signature's algorithm is not "
	    "ed25519.") },
	{ "signature-tag-mismatch", N_("The signature's tag is not "
	    "vpoints.") },
	{ "signature-nonce-invalid", N_("The signature's nonce is too short or "
	    "badly encoded.") },
	{ "signature-coverage-incomplete", N_("The signature does not cover "
	    "every component it must.") },
	{ "signature-invalid", N_("The signature does not verify: is this the "
	    "station's key?") },
	{ "content-digest-missing", N_("The request has no Content-Digest "
	    "with sha-256.") },
	{ "content-digest-malformed", N_("The request's Content-Digest is "
	    "malformed.") },
	{ "content-digest-mismatch", N_("The request's Content-Digest does not "
	    "match its body.") },
	{ "wrong-authority", N_("The Host the request was signed for is none "
	    "of this server's names (server_names).") },
	{ "signature-too-old", N_("The request was signed more than %{max_age} "
	    "seconds ago: check this computer's clock.") },
	{ "signature-in-future", N_("The request was signed more than "
	    "%{max_ahead} seconds ahead of the server's clock: check this "
	    "computer's clock.") },
	{ "signature-expired", N_("The request's signature has expired: "
	    "check this computer's clock.") },
	{ "signature-replayed", N_("This signature was used before: sign "
	    "every request anew.") },
	{ "key-unknown", N_("The signing key is not enrolled, or it was "
	    "revoked.") },
	{ "key-revoked", N_("The signing key is not enrolled, or it was "
	    "revoked.") },
	{ "body-too-large", N_("The request has %{size} bytes; the server "
	    "takes at most %{limit}.") },
	{ "body-too-large", N_("The request's body is larger than the server "
	    "takes (%{limit} bytes).") },
	{ "bad-request", N_("The request line and headers are larger than "
	    "the server takes (%{limit} bytes).") },
	{ "request-timeout", N_("The request did not arrive whole within "
	    "%{limit} seconds.") },
	{ "request-in-flight", N_("A request with this Idempotency-Key is "
	    "still being processed; retry shortly.") },
	{ "idempotency-key-reused", N_("This Idempotency-Key was used for a "
	    "different request.") },
	{ "database-unavailable", N_("The ledger cannot be reached; retry in "
	    "a moment.") },
	{ "overloaded", N_("The server has %{limit} connections open, as many "
	    "as it takes; retry in a moment.") },
	{ "overloaded", N_("The server is busy; retry in a moment.") },
};

/* Words of the ledger that members carry as values (statuses, kinds). */
static const char *const refusal_words[] = {
	N_("active"), N_("suspended"), N_("left"), N_("open"),
	N_("accepted"), N_("completed"), N_("cancelled"), N_("expired"),
	/* An evaluation's role: a resident served, or the shift's lead. */
	N_("resident"), N_("lead"),
};

/* A member's value as the sentence says it, or NULL when it has none. */
static char *
refusal_value(json_t *v)
{
	struct buf b;
	json_t *item;
	const char *s;
	char *text;
	size_t i;

	if (v == NULL)
		return NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		for (i = 0; i < sizeof(refusal_words) /
		    sizeof(refusal_words[0]); i++) {
			if (strcmp(s, refusal_words[i]) == 0)
				return xstrdup(_(s));
		}
		/* A time is shown as tables show it, in the programme's
		 * zone. */
		if (when_is_rfc3339(s))
			return table_time(v);
		return xstrdup(s);
	case JSON_INTEGER:
		return xasprintf("%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	case JSON_REAL:
		return xasprintf("%g", json_real_value(v));
	case JSON_ARRAY:
		memset(&b, 0, sizeof(b));
		json_array_foreach(v, i, item) {
			if ((text = refusal_value(item)) == NULL)
				continue;
			if (b.len > 0)
				buf_puts(&b, ", ");
			buf_puts(&b, text);
			free(text);
		}
		/* An empty list (nothing open of a kind): a dash. */
		return b.data != NULL ? b.data : xstrdup("-");
	default:
		return NULL;
	}
}

/* The template with each %{name} replaced by the problem's member, or
 * NULL if a member it names is missing. */
char *
refusal_render(const char *template, json_t *problem)
{
	struct buf b;
	const char *p = template, *end;
	char *name, *value;

	memset(&b, 0, sizeof(b));
	while (*p != '\0') {
		if (p[0] != '%' || p[1] != '{' ||
		    (end = strchr(p + 2, '}')) == NULL) {
			buf_add(&b, p, 1);
			p++;
			continue;
		}
		name = xstrndup(p + 2, end - (p + 2));
		value = refusal_value(json_object_get(problem, name));
		free(name);
		if (value == NULL) {
			free(b.data);
			return NULL;
		}
		buf_add(&b, value, strlen(value));
		free(value);
		p = end + 1;
	}
	return b.data != NULL ? b.data : xstrdup("");
}

/* The refusal as a sentence in the user's language: the first template
 * of its type and reason, or else of its type, whose members are there;
 * else the daemon's detail; else NULL. */
char *
refusal_sentence(json_t *problem)
{
	const char *type = json_string_value(json_object_get(problem, "type"));
	const char *reason, *detail;
	size_t i, k, prefix = strlen(WIRE_PROBLEM_PREFIX);
	char *keys[2], *sentence = NULL;

	if (type != NULL && strncmp(type, WIRE_PROBLEM_PREFIX, prefix) == 0) {
		/* The rows of "type/reason" first, then those of "type". */
		type += prefix;
		reason = json_string_value(json_object_get(problem, "reason"));
		keys[0] = reason != NULL ? xasprintf("%s/%s", type, reason) :
		    NULL;
		keys[1] = xstrdup(type);
		for (k = 0; k < 2; k++) {
			for (i = 0; keys[k] != NULL && sentence == NULL &&
			    i < sizeof(refusal_templates) /
			    sizeof(refusal_templates[0]); i++) {
				if (strcmp(refusal_templates[i].type,
				    keys[k]) == 0)
					sentence = refusal_render(_(
					    refusal_templates[i].template),
					    problem);
			}
			free(keys[k]);
		}
		if (sentence != NULL)
			return sentence;
	}
	detail = json_string_value(json_object_get(problem, "detail"));
	return detail != NULL ? xstrdup(detail) : NULL;
}
