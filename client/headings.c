/* The headings of workbooks, pages and reports: each column named by its
 * JSON member, each sheet by its name, in English and translated by the
 * catalogue (po/zh_CN.po in the programme's words, po/glossary.md). A
 * heading's context is "sheet" for a sheet's name, the sheet for a column
 * that reads differently there, else "column". */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "client/headings.h"
#include "client/i18n.h"

/* A heading: in sheet (NULL: in any sheet without its own), the column of
 * JSON member key; or (key NULL) the name of sheet. */
struct heading {
	const char	*sheet;
	const char	*key;
	const char	*text;		/* NC_(context, English) */
};

static const struct heading headings[] = {
	/* Sheets: a command's rows member, a record's command, a report's
	 * level and its other sheets. */
	{ "volunteers", NULL, NC_("sheet", "Volunteers") },
	{ "volunteer", NULL, NC_("sheet", "Volunteer") },
	{ "history", NULL, NC_("sheet", "History") },
	{ "transfers", NULL, NC_("sheet", "Transfers") },
	{ "shifts", NULL, NC_("sheet", "Shifts") },
	{ "checkins", NULL, NC_("sheet", "Open check-ins") },
	{ "items", NULL, NC_("sheet", "Catalogue") },
	{ "teams", NULL, NC_("sheet", "Teams") },
	{ "team", NULL, NC_("sheet", "Teams") },
	{ "activities", NULL, NC_("sheet", "Activities") },
	{ "help_requests", NULL, NC_("sheet", "Help requests") },
	{ "levels", NULL, NC_("sheet", "Star levels") },
	{ "months", NULL, NC_("sheet", "Closed months") },
	{ "month", NULL, NC_("sheet", "Month closed") },
	{ "certificate", NULL, NC_("sheet", "Certificate of service") },
	{ "communities", NULL, NC_("sheet", "Communities") },
	{ "community", NULL, NC_("sheet", "Communities") },
	{ "stations", NULL, NC_("sheet", "Stations") },
	{ "regions", NULL, NC_("sheet", "Regions") },
	{ "station", NULL, NC_("sheet", "Stations") },
	{ "problems", NULL, NC_("sheet", "Audit problems") },
	{ "entries", NULL, NC_("sheet", "Outbox") },
	{ "failed", NULL, NC_("sheet", "Outbox: failed") },
	{ "new_star_levels", NULL, NC_("sheet", "New star levels") },
	{ "about", NULL, NC_("sheet", "About the report") },
	{ "redemption", NULL, NC_("sheet", "Redemption") },
	{ "duplicates", NULL, NC_("sheet", "Suspected duplicates") },
	{ "training", NULL, NC_("sheet", "Training") },
	{ "trainings", NULL, NC_("sheet", "Training sessions") },
	{ "qualifications", NULL, NC_("sheet", "Qualifications") },
	{ "qualification", NULL, NC_("sheet", "Qualification") },
	{ "awards", NULL, NC_("sheet", "Awards") },
	{ "award", NULL, NC_("sheet", "Award") },
	{ "evaluations", NULL, NC_("sheet", "Evaluations") },
	{ "evaluation", NULL, NC_("sheet", "Evaluation") },
	{ "approval", NULL, NC_("sheet", "Approval") },
	{ "recruitment", NULL, NC_("sheet", "Recruitment") },
	{ "events", NULL, NC_("sheet", "Events") },
	{ "event", NULL, NC_("sheet", "Event") },
	{ "signups", NULL, NC_("sheet", "Sign-ups") },
	{ "event_communities", NULL, NC_("sheet", "Events by community") },
	{ "event_activities", NULL, NC_("sheet", "Events by activity") },
	{ "blocked", NULL, NC_("sheet", "Blocked for no-shows") },
	{ "national", NULL, NC_("sheet", "Service records") },

	/* The columns of the national volunteer information system's bulk
	 * entry (vpoints export national; doc/operations.md): the platform's
	 * own headings, the same in every language, so not marked for
	 * translation (the text after the context is what is shown). */
	{ "national", "name", "national\004姓名" },
	{ "national", "platform_number", "national\004志愿者编号" },
	{ "national", "activity", "national\004活动名称" },
	{ "national", "date", "national\004服务日期" },
	{ "national", "start", "national\004开始时间" },
	{ "national", "end", "national\004结束时间" },
	{ "national", "minutes", "national\004服务时长（小时）" },
	{ "national", "place", "national\004服务地点" },
	{ "national", "content", "national\004服务内容" },
	{ "national", "organisation", "national\004组织单位" },

	/* Columns that read differently in some sheets. */
	{ "volunteers", "name", NC_("volunteers", "Name") },
	{ "checkins", "name", NC_("checkins", "Name") },
	{ "checkins", "id", NC_("checkins", "Check-in") },
	{ "duplicates", "resolved_at", NC_("duplicates", "Resolved at") },
	{ "volunteer", "name", NC_("volunteer", "Name") },
	{ "certificate", "name", NC_("certificate", "Name") },
	{ "new_star_levels", "name", NC_("new_star_levels", "Name") },
	{ "redemption", "name", NC_("redemption", "Item") },
	{ "redemption", "points", NC_("redemption", "Points spent") },
	{ "items", "code", NC_("items", "Item code") },
	{ "items", "name", NC_("items", "Item") },
	{ "teams", "code", NC_("teams", "Team code") },
	{ "teams", "name", NC_("teams", "Team") },
	{ "teams", "kind", NC_("teams", "Kind of team") },
	{ "team", "code", NC_("team", "Team code") },
	{ "team", "name", NC_("team", "Team") },
	{ "team", "kind", NC_("team", "Kind of team") },
	{ "activities", "code", NC_("activities", "Activity code") },
	{ "activities", "name", NC_("activities", "Activity") },
	{ "communities", "code", NC_("communities", "Community code") },
	{ "communities", "name", NC_("communities", "Community") },
	{ "community", "code", NC_("community", "Community code") },
	{ "community", "name", NC_("community", "Community") },
	{ "stations", "code", NC_("stations", "Station code") },
	{ "regions", "code", NC_("regions", "Region code") },
	{ "regions", "name", NC_("regions", "Region") },
	{ "regions", "level", NC_("regions", "Level") },
	{ "stations", "name", NC_("stations", "Station") },
	{ "station", "code", NC_("station", "Station code") },
	{ "station", "name", NC_("station", "Station") },
	{ "station", "community", NC_("station", "Community") },
	{ "community", "active", NC_("community", "Volunteers who served") },
	{ "levels", "hours", NC_("levels", "Hours needed") },
	{ "help_requests", "points", NC_("help_requests", "Points offered") },
	{ "transfers", "amount", NC_("transfers", "Points") },
	{ "transfers", "id", NC_("transfers", "Transfer") },
	{ "shifts", "id", NC_("shifts", "Shift") },
	{ "shifts", "points", NC_("shifts", "Points earned") },
	{ "help_requests", "id", NC_("help_requests", "Request") },
	{ "about", "kind", NC_("about", "Report") },
	{ "about", "registration_share", NC_("about",
	    "Target registration share") },
	{ "about", "from", NC_("about", "From") },
	{ "about", "to", NC_("about", "To (not included)") },

	/* Columns, by their JSON member. */
	{ NULL, "title", NC_("column", "Title") },
	{ NULL, "starts_at", NC_("column", "Start") },
	{ NULL, "ends_at", NC_("column", "End") },
	{ NULL, "places", NC_("column", "Places") },
	{ NULL, "taken", NC_("column", "Places taken") },
	{ NULL, "free", NC_("column", "Places free") },
	{ NULL, "waiting", NC_("column", "Waiting") },
	{ NULL, "team", NC_("column", "Team required") },
	{ NULL, "opens_at", NC_("column", "Sign-up opens") },
	{ NULL, "closes_at", NC_("column", "Sign-up closes") },
	{ NULL, "cancel_by", NC_("column", "Cancel by") },
	{ NULL, "series", NC_("column", "Series") },
	{ NULL, "event", NC_("column", "Event") },
	{ NULL, "position", NC_("column", "Place on the waiting list") },
	{ NULL, "via", NC_("column", "Signed up by") },
	{ NULL, "state", NC_("column", "State") },
	{ NULL, "walk_in", NC_("column", "Walk-in") },
	{ NULL, "signed_up_at", NC_("column", "Signed up at") },
	{ NULL, "cancelled_at", NC_("column", "Cancelled at") },
	{ NULL, "offered", NC_("column", "Places offered") },
	{ NULL, "filled", NC_("column", "Places filled") },
	{ NULL, "fill_rate", NC_("column", "Fill rate (%)") },
	{ NULL, "attended", NC_("column", "Attended") },
	{ NULL, "walk_ins", NC_("column", "Walk-ins") },
	{ NULL, "noshows", NC_("column", "No-shows") },
	{ NULL, "late", NC_("column", "Late cancellations") },
	{ NULL, "events", NC_("column", "Events") },
	{ NULL, "id", NC_("column", "ID") },
	{ NULL, "number", NC_("column", "Volunteer number") },
	{ NULL, "volunteer", NC_("column", "Volunteer number") },
	{ NULL, "name", NC_("column", "Name") },
	{ NULL, "code", NC_("column", "Code") },
	{ NULL, "community", NC_("column", "Community") },
	{ NULL, "region", NC_("column", "Region") },
	{ NULL, "parent", NC_("column", "Parent region") },
	{ NULL, "communities", NC_("column", "Communities") },
	{ NULL, "community_name", NC_("column", "Community name") },
	{ NULL, "station", NC_("column", "Station") },
	{ NULL, "status", NC_("column", "Status") },
	{ NULL, "registered_on", NC_("column", "Registered on") },
	{ NULL, "teams", NC_("column", "Teams") },
	{ NULL, "minutes", NC_("column", "Hours of service") },
	{ NULL, "hours", NC_("column", "Hours of service") },
	{ NULL, "minutes_ytd", NC_("column", "Hours of service this year") },
	{ NULL, "hours_ytd", NC_("column", "Hours of service this year") },
	{ NULL, "average_hours", NC_("column", "Average hours of service") },
	{ NULL, "points", NC_("column", "Points") },
	{ NULL, "star", NC_("column", "Star level") },
	{ NULL, "stars", NC_("column", "Star level") },
	{ NULL, "consent", NC_("column", "Consent to keep personal data") },
	{ NULL, "gender", NC_("column", "Gender") },
	{ NULL, "birth_month", NC_("column", "Birth month") },
	{ NULL, "phone", NC_("column", "Phone") },
	{ NULL, "skills", NC_("column", "Skills") },
	{ NULL, "id_last4", NC_("column", "ID number ends") },
	{ NULL, "platform_number", NC_("column", "Platform volunteer number") },
	{ NULL, "at", NC_("column", "Time") },
	{ NULL, "action", NC_("column", "Action") },
	{ NULL, "keyid", NC_("column", "Key ID") },
	{ NULL, "reason", NC_("column", "Reason") },
	{ NULL, "changes", NC_("column", "Changes") },
	{ NULL, "data", NC_("column", "Record") },
	{ NULL, "amount", NC_("column", "Amount") },
	{ NULL, "cause", NC_("column", "Cause") },
	{ NULL, "shift", NC_("column", "Shift") },
	{ NULL, "reversal_of", NC_("column", "Reverses") },
	{ NULL, "memo", NC_("column", "Memo") },
	{ NULL, "started_at", NC_("column", "Start") },
	{ NULL, "ended_at", NC_("column", "End") },
	{ NULL, "activity", NC_("column", "Activity code") },
	{ NULL, "corrects", NC_("column", "Corrects") },
	{ NULL, "activity_name", NC_("column", "Service") },
	{ NULL, "place", NC_("column", "Place") },
	{ NULL, "served", NC_("column", "Served") },
	{ NULL, "content", NC_("column", "Content") },
	{ NULL, "lead", NC_("column", "Led by") },
	{ NULL, "recorder", NC_("column", "Recorded by") },
	{ NULL, "source", NC_("column", "Source") },
	{ NULL, "recorded_at", NC_("column", "Recorded at") },
	{ NULL, "category", NC_("column", "Category") },
	{ NULL, "price", NC_("column", "Price in points") },
	{ NULL, "stock", NC_("column", "Stock") },
	{ NULL, "active", NC_("column", "Active") },
	{ NULL, "kind", NC_("column", "Kind") },
	{ NULL, "members", NC_("column", "Members") },
	{ NULL, "points_per_hour", NC_("column", "Points an hour") },
	{ NULL, "daily_cap", NC_("column", "Daily cap of points") },
	{ NULL, "multipliers", NC_("column", "Multipliers") },
	{ NULL, "requester", NC_("column", "Requester") },
	{ NULL, "helper", NC_("column", "Helper") },
	{ NULL, "deadline", NC_("column", "Deadline") },
	{ NULL, "enrolled_by", NC_("column", "Enrolled by") },
	{ NULL, "operation", NC_("column", "Operation") },
	{ NULL, "existing", NC_("column", "Registered as") },
	{ NULL, "existing_community", NC_("column", "In community") },
	{ NULL, "note", NC_("column", "Note") },
	{ NULL, "resolved_by", NC_("column", "Resolved by") },
	{ NULL, "station_name", NC_("column", "Station name") },
	{ "certificate", "activities", NC_("certificate", "Kinds of service") },
	{ NULL, "description", NC_("column", "Description") },
	{ NULL, "created_at", NC_("column", "Created at") },
	{ NULL, "accepted_at", NC_("column", "Accepted at") },
	{ NULL, "resolved_at", NC_("column", "Resolved at") },
	{ NULL, "month", NC_("column", "Month") },
	{ NULL, "closed_at", NC_("column", "Closed at") },
	{ NULL, "digest", NC_("column", "Digest (SHA-256)") },
	{ NULL, "jws", NC_("column", "Signature (JWS)") },
	{ NULL, "from", NC_("column", "From") },
	{ NULL, "to", NC_("column", "To") },
	{ NULL, "shifts", NC_("column", "Shifts") },
	{ NULL, "sha256", NC_("column", "Certificate digest (SHA-256)") },
	{ NULL, "issued_at", NC_("column", "Issued at") },
	{ NULL, "revoked_at", NC_("column", "Revoked at") },
	{ NULL, "revoke_reason", NC_("column", "Reason revoked") },
	{ NULL, "receipt", NC_("column", "Receipt") },
	{ NULL, "item", NC_("column", "Item code") },
	{ NULL, "quantity", NC_("column", "Quantity") },
	{ NULL, "balance", NC_("column", "Points left") },
	{ NULL, "voided_at", NC_("column", "Voided at") },
	{ NULL, "void_reason", NC_("column", "Reason voided") },
	{ NULL, "population", NC_("column", "Population") },
	{ NULL, "role", NC_("column", "Role") },
	{ NULL, "key", NC_("column", "Key") },
	{ NULL, "problem", NC_("column", "Problem") },
	{ NULL, "queued_at", NC_("column", "Queued at") },
	{ NULL, "what", NC_("column", "Command") },
	{ NULL, "method", NC_("column", "Method") },
	{ NULL, "path", NC_("column", "Path") },
	{ NULL, "idempotency_key", NC_("column", "Idempotency key") },
	{ NULL, "body", NC_("column", "Request") },
	{ NULL, "refusal", NC_("column", "Refusal") },
	{ NULL, "answer", NC_("column", "Answer") },
	{ NULL, "registered", NC_("column", "Registered volunteers") },
	{ NULL, "registration_share", NC_("column", "Registration share") },
	{ NULL, "share_target_met", NC_("column", "Registration target met") },
	{ NULL, "on_track", NC_("column", "Volunteers on track") },
	{ NULL, "points_issued", NC_("column", "Points issued") },
	{ NULL, "points_redeemed", NC_("column", "Points redeemed") },
	{ NULL, "gifts", NC_("column", "Gifts handed out") },
	{ NULL, "help_completed", NC_("column", "Help completed") },
	{ NULL, "progress", NC_("column",
	    "Progress to the year's target (%)") },
	{ NULL, "points_earned", NC_("column", "Points earned") },
	{ NULL, "points_spent", NC_("column", "Points spent") },
	{ NULL, "volunteers", NC_("column", "Volunteers") },
	{ NULL, "redemptions", NC_("column", "Redemptions") },
	{ NULL, "period", NC_("column", "Period") },
	{ NULL, "level", NC_("column", "By") },
	{ NULL, "timezone", NC_("column", "Time zone") },
	{ NULL, "hours_per_year", NC_("column", "Target hours a year") },
	{ NULL, "total", NC_("column", "Total") },
	/* The record of service: training, qualifications, awards,
	 * evaluations; the approval and recruitment reports. Training is
	 * never service: its hours have headings of their own. */
	{ "training", "minutes", NC_("training", "Training hours") },
	{ "training", "hours", NC_("training", "Training hours") },
	{ "trainings", "minutes", NC_("trainings", "Training hours") },
	{ "trainings", "place", NC_("trainings", "Place") },
	{ "qualification", "note", NC_("qualification", "Note") },
	{ "certificate", "training", NC_("certificate", "Training") },
	{ "certificate", "awards", NC_("certificate",
	    "Awards and commendations") },
	{ "certificate", "evaluations", NC_("certificate", "Evaluations") },
	{ "qualifications", "note", NC_("qualifications", "Note") },
	{ "awards", "level", NC_("awards", "Level") },
	{ "award", "level", NC_("award", "Level") },
	{ "awards", "reason", NC_("awards", "Reason") },
	{ "award", "reason", NC_("award", "Reason") },
	{ "evaluations", "role", NC_("evaluations", "Evaluated by") },
	{ "evaluation", "role", NC_("evaluation", "Evaluated by") },
	{ NULL, "sessions", NC_("column", "Training sessions") },
	{ NULL, "course", NC_("column", "Course") },
	{ NULL, "held_on", NC_("column", "Held on") },
	{ NULL, "trainer", NC_("column", "Trainer") },
	{ NULL, "attendees", NC_("column", "Attended") },
	{ NULL, "valid_months", NC_("column", "Valid (months)") },
	{ NULL, "qualification", NC_("column", "Qualification") },
	{ NULL, "issued_on", NC_("column", "Issued on") },
	{ NULL, "expires_on", NC_("column", "Expires on") },
	{ NULL, "valid", NC_("column", "Valid today") },
	{ NULL, "training", NC_("column", "By training") },
	{ NULL, "title", NC_("column", "Title") },
	{ NULL, "awarded_on", NC_("column", "Awarded on") },
	{ NULL, "issuer", NC_("column", "Issuer") },
	{ NULL, "correction", NC_("column", "Correction") },
	{ NULL, "withdrawn", NC_("column", "Withdrawn") },
	{ NULL, "score", NC_("column", "Score") },
	{ NULL, "help_request", NC_("column", "Help request") },
	{ NULL, "comment", NC_("column", "Comment") },
	{ NULL, "reversed", NC_("column", "Reversed") },
	{ NULL, "evaluations", NC_("column", "Evaluations") },
	{ NULL, "approving", NC_("column", "Scores of 4 or 5") },
	{ NULL, "approval_share", NC_("column", "Approval share (%)") },
	{ "approval", "target_met", NC_("approval", "Approval target met") },
	{ "approval", "activity", NC_("approval", "Activity") },
	{ NULL, "recruited", NC_("column", "Volunteers brought") },
	{ "recruitment", "active", NC_("recruitment", "Of them active") },
	{ "recruitment", "teams", NC_("recruitment", "Teams") },
	{ "recruitment", "target_met", NC_("recruitment",
	    "Recruitment target met") },
	{ NULL, "party_member", NC_("column", "Party member") },
	{ "activities", "requires", NC_("activities",
	    "Qualification required") },
	{ "events", "requires", NC_("events", "Qualification required") },
	{ NULL, "recruited_by", NC_("column", "Recruited by") },
	{ NULL, "recruited_per_party_member", NC_("column",
	    "Target: volunteers per party member") },
};

/* The row of the column of JSON member key in sheet, or NULL. */
static const struct heading *
heading_find(const char *sheet, const char *key)
{
	const struct heading *h, *any = NULL;
	size_t i;

	for (i = 0; i < sizeof(headings) / sizeof(headings[0]); i++) {
		h = &headings[i];
		if (h->key == NULL || strcmp(h->key, key) != 0)
			continue;
		if (h->sheet == NULL && any == NULL)
			any = h;
		else if (h->sheet != NULL && sheet != NULL &&
		    strcmp(h->sheet, sheet) == 0)
			return h;
	}
	return any;
}

/* The heading of the column of JSON member key in sheet, or NULL. */
const char *
heading_column(const char *sheet, const char *key)
{
	const struct heading *h = heading_find(sheet, key);

	return h != NULL ? i18n_gettext(h->text) : NULL;
}

/* The heading of the column of key in sheet when the catalogue translates
 * it, else NULL: the English pages and tables keep their own words. */
const char *
heading_translated(const char *sheet, const char *key)
{
	const struct heading *h = heading_find(sheet, key);

	if (h == NULL || gettext(h->text) == h->text)
		return NULL;
	return gettext(h->text);
}

/* The name of sheet in a workbook, or NULL. */
const char *
heading_sheet(const char *sheet)
{
	size_t i;

	for (i = 0; i < sizeof(headings) / sizeof(headings[0]); i++) {
		if (headings[i].key == NULL &&
		    strcmp(headings[i].sheet, sheet) == 0)
			return i18n_gettext(headings[i].text);
	}
	return NULL;
}

/* The label of a totals row. */
const char *
heading_total(void)
{
	return heading_column(NULL, "total");
}

/* A report's level (community, station, team, volunteer) as its titles
 * say it: "by community". Another level is shown as it came. */
const char *
heading_level(const char *level)
{
	static const char *const levels[] = {
		NC_("level", "community"), NC_("level", "station"),
		NC_("level", "team"), NC_("level", "volunteer"),
		NC_("level", "training"), NC_("level", "approval"),
		NC_("level", "recruitment"), NC_("level", "district"),
		NC_("level", "street")
	};
	const char *text;
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		text = strchr(levels[i], '\004') + 1;
		if (strcmp(text, level) == 0)
			return i18n_gettext(levels[i]);
	}
	return level;
}

/* Words the daemon sends as values (a status, a kind, a role) as people
 * read them: a column's key and its value, context "<key> value". */
static const struct {
	const char	*key;
	const char	*text;
} heading_values[] = {
	{ "status", NC_("status value", "active") },
	{ "status", NC_("status value", "suspended") },
	{ "status", NC_("status value", "left") },
	{ "status", NC_("status value", "open") },
	{ "status", NC_("status value", "recorded") },
	{ "status", NC_("status value", "corrected") },
	{ "status", NC_("status value", "accepted") },
	{ "status", NC_("status value", "completed") },
	{ "status", NC_("status value", "cancelled") },
	{ "status", NC_("status value", "expired") },
	{ "status", NC_("status value", "place") },
	{ "status", NC_("status value", "waiting") },
	{ "status", NC_("status value", "late") },
	{ "status", NC_("status value", "attended") },
	{ "status", NC_("status value", "no-show") },
	{ "status", NC_("status value", "event-cancelled") },
	{ "status", NC_("status value", "not-open") },
	{ "status", NC_("status value", "closed") },
	{ "status", NC_("status value", "running") },
	{ "status", NC_("status value", "over") },
	{ "kind", NC_("kind value", "standing") },
	{ "kind", NC_("kind value", "specialty") },
	{ "role", NC_("role value", "station") },
	{ "role", NC_("role value", "admin") },
	{ "role", NC_("role value", "office") },
	{ "key", NC_("key value", "active") },
	{ "key", NC_("key value", "revoked") },
	{ "cause", NC_("cause value", "shift") },
	{ "cause", NC_("cause value", "reversal") },
	{ "cause", NC_("cause value", "redemption") },
	{ "cause", NC_("cause value", "help") },
	{ "cause", NC_("cause value", "move-out") },
	{ "cause", NC_("cause value", "move-in") },
	{ "category", NC_("category value", "gift") },
	{ "category", NC_("category value", "book") },
	{ "category", NC_("category value", "service") },
};

/* Value as people read it in the column of key: translated when it is
 * one of the words above, else as it came. A yes or no (JSON true or
 * false) is shown by heading_boolean. */
const char *
heading_value(const char *key, const char *value)
{
	const char *text;
	size_t i;

	if (key == NULL || value == NULL)
		return value;
	for (i = 0; i < sizeof(heading_values) / sizeof(heading_values[0]);
	    i++) {
		text = strchr(heading_values[i].text, '\004') + 1;
		if (strcmp(heading_values[i].key, key) == 0 &&
		    strcmp(text, value) == 0)
			return i18n_gettext(heading_values[i].text);
	}
	return value;
}

/* A JSON true or false as a table for people shows it: "true" and
 * "false" in English, as the CSV has them. */
const char *
heading_boolean(int yes)
{
	return yes ? C_("boolean", "true") : C_("boolean", "false");
}
