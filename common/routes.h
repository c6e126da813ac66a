/* The routes of the HTTP API, written once. Each row is one route:
 *
 *   R(id, method, pattern, operation, access, param)
 *
 * id         names the route in C: WIRE_OP_<id>
 * method     the HTTP method
 * pattern    the path; {} stands for one path segment
 * operation  the name vp_call dispatches on (sql/functions/), and the
 *            suffix of its SQL function vp_op_<operation>
 * access     WIRE_OPEN (unsigned), WIRE_STATIC (unsigned, a file of the
 *            browser console), WIRE_READ (signed), WIRE_LAGGED (signed,
 *            a read a hot standby may serve: reports, lists, the audit
 *            trail), WIRE_WRITE (signed, with an Idempotency-Key) or
 *            WIRE_PAGE (a volunteer's page or a calendar: the token in
 *            the path is the only authority; no operation of vp_call)
 * param      the JSON field a {} segment becomes, or NULL
 *
 * The list is expanded (an X-macro) into the daemon's route table, the
 * client's paths, the fuzz table and the check that vp_call dispatches
 * exactly these operations. Add a route here and nowhere else. */
#ifndef VPOINTS_ROUTES_H
#define VPOINTS_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#define WIRE_ROUTES(R)							\
	R(HEALTHZ, "GET", "/healthz", NULL, WIRE_OPEN, NULL)		\
	R(METRICS, "GET", "/metrics", NULL, WIRE_OPEN, NULL)		\
	R(PUBLIC_KEY, "GET", "/v1/public-key", NULL, WIRE_OPEN, NULL)	\
	R(PUBLIC_KEYS, "GET", "/v1/public-keys", NULL, WIRE_OPEN, NULL)	\
	R(SETTINGS, "GET", "/v1/settings", NULL, WIRE_OPEN, NULL)	\
	R(CONSOLE_INDEX, "GET", "/console/", NULL, WIRE_STATIC, NULL)	\
	R(CONSOLE_INDEX_HEAD, "HEAD", "/console/", NULL, WIRE_STATIC, NULL) \
	R(CONSOLE_FILE, "GET", "/console/{}", NULL, WIRE_STATIC, "file") \
	R(CONSOLE_FILE_HEAD, "HEAD", "/console/{}", NULL, WIRE_STATIC,	\
	    "file")							\
	R(COMMUNITY_ADD, "POST", "/v1/communities", "community_add",	\
	    WIRE_WRITE, NULL)						\
	R(COMMUNITY_LIST, "GET", "/v1/communities", "community_list",	\
	    WIRE_LAGGED, NULL)						\
	R(STATION_ADD, "POST", "/v1/stations", "station_add",		\
	    WIRE_WRITE, NULL)						\
	R(STATION_LIST, "GET", "/v1/stations", "station_list",		\
	    WIRE_LAGGED, NULL)						\
	R(STATION_KEY_ADD, "POST", "/v1/stations/{}/keys",		\
	    "station_key_add", WIRE_WRITE, "code")			\
	R(STATION_REVOKE, "POST", "/v1/stations/{}/revoke",		\
	    "station_revoke", WIRE_WRITE, "code")			\
	R(ACTIVITY_ADD, "POST", "/v1/activities", "activity_add",	\
	    WIRE_WRITE, NULL)						\
	R(ACTIVITY_LIST, "GET", "/v1/activities", "activity_list",	\
	    WIRE_LAGGED, NULL)						\
	R(TEAM_ADD, "POST", "/v1/teams", "team_add", WIRE_WRITE, NULL)	\
	R(TEAM_LIST, "GET", "/v1/teams", "team_list",			\
	    WIRE_LAGGED, NULL)						\
	R(TEAM_JOIN, "POST", "/v1/teams/{}/join", "team_join",		\
	    WIRE_WRITE, "code")						\
	R(TEAM_LEAVE, "POST", "/v1/teams/{}/leave", "team_leave",	\
	    WIRE_WRITE, "code")						\
	R(VOLUNTEER_ADD, "POST", "/v1/volunteers", "volunteer_add",	\
	    WIRE_WRITE, NULL)						\
	R(VOLUNTEER_LIST, "GET", "/v1/volunteers", "volunteer_list",	\
	    WIRE_LAGGED, NULL)						\
	R(VOLUNTEER_GET, "GET", "/v1/volunteers/{}", "volunteer_get",	\
	    WIRE_READ, "number")					\
	R(VOLUNTEER_UPDATE, "PATCH", "/v1/volunteers/{}",		\
	    "volunteer_update", WIRE_WRITE, "number")			\
	R(VOLUNTEER_LEDGER, "GET", "/v1/volunteers/{}/ledger",		\
	    "volunteer_ledger", WIRE_READ, "number")			\
	R(VOLUNTEER_EXPORT, "GET", "/v1/volunteers/{}/export",		\
	    "volunteer_export", WIRE_READ, "number")			\
	R(DUPLICATE_LIST, "GET", "/v1/duplicates", "duplicate_list",	\
	    WIRE_LAGGED, NULL)						\
	R(DUPLICATE_RESOLVE, "POST", "/v1/duplicates/{}/resolve",	\
	    "duplicate_resolve", WIRE_WRITE, "id")			\
	R(SHIFT_LOG, "POST", "/v1/shifts", "shift_log", WIRE_WRITE, NULL) \
	R(SHIFT_LIST, "GET", "/v1/shifts", "shift_list", WIRE_LAGGED, NULL) \
	R(SHIFT_CHECKIN, "POST", "/v1/shifts/checkin", "shift_checkin",	\
	    WIRE_WRITE, NULL)						\
	R(SHIFT_CHECKOUT, "POST", "/v1/shifts/{}/checkout",		\
	    "shift_checkout", WIRE_WRITE, "id")				\
	R(SHIFT_CORRECT, "POST", "/v1/shifts/{}/corrections",		\
	    "shift_correct", WIRE_WRITE, "id")				\
	R(CHECKIN_LIST, "GET", "/v1/checkins", "checkin_list",		\
	    WIRE_LAGGED, NULL)						\
	R(CATALOG_ADD, "POST", "/v1/catalog", "catalog_add", WIRE_WRITE, NULL) \
	R(CATALOG_LIST, "GET", "/v1/catalog", "catalog_list",		\
	    WIRE_LAGGED, NULL)						\
	R(CATALOG_RESTOCK, "POST", "/v1/catalog/{}/restock",		\
	    "catalog_restock", WIRE_WRITE, "code")			\
	R(CATALOG_DEACTIVATE, "POST", "/v1/catalog/{}/deactivate",	\
	    "catalog_deactivate", WIRE_WRITE, "code")			\
	R(REDEEM, "POST", "/v1/redemptions", "redeem", WIRE_WRITE, NULL) \
	R(REDEMPTION_VOID, "POST", "/v1/redemptions/{}/void",		\
	    "redemption_void", WIRE_WRITE, "id")			\
	R(HELP_REQUEST, "POST", "/v1/help-requests", "help_request",	\
	    WIRE_WRITE, NULL)						\
	R(HELP_LIST, "GET", "/v1/help-requests", "help_list",		\
	    WIRE_LAGGED, NULL)						\
	R(HELP_ACCEPT, "POST", "/v1/help-requests/{}/accept",		\
	    "help_accept", WIRE_WRITE, "id")				\
	R(HELP_COMPLETE, "POST", "/v1/help-requests/{}/complete",	\
	    "help_complete", WIRE_WRITE, "id")				\
	R(HELP_CANCEL, "POST", "/v1/help-requests/{}/cancel",		\
	    "help_cancel", WIRE_WRITE, "id")				\
	R(AUDIT, "GET", "/v1/audit", "audit",				\
	    WIRE_LAGGED, NULL)						\
	R(REPORT_MONTHLY, "GET", "/v1/reports/monthly", "report_monthly", \
	    WIRE_LAGGED, NULL)						\
	R(REPORT_ANNUAL, "GET", "/v1/reports/annual", "report_annual",	\
	    WIRE_LAGGED, NULL)						\
	R(STAR_LEVELS, "GET", "/v1/star-levels", "star_levels",		\
	    WIRE_LAGGED, NULL)						\
	R(STAR_LEVELS_SET, "POST", "/v1/star-levels", "star_levels_set", \
	    WIRE_WRITE, NULL)						\
	R(CERTIFICATE_ISSUE, "POST", "/v1/certificates",		\
	    "certificate_issue", WIRE_WRITE, NULL)			\
	R(CERTIFICATE_GET, "GET", "/v1/certificates/{}",		\
	    "certificate_get", WIRE_READ, "number")			\
	R(CERTIFICATE_REVOKE, "POST", "/v1/certificates/{}/revoke",	\
	    "certificate_revoke", WIRE_WRITE, "number")			\
	R(MONTH_CLOSE, "POST", "/v1/months/{}/close", "month_close",	\
	    WIRE_WRITE, "month")					\
	R(MONTH_LIST, "GET", "/v1/months", "month_list", WIRE_LAGGED, NULL) \
	R(TRAINING_ADD, "POST", "/v1/trainings", "training_add",	\
	    WIRE_WRITE, NULL)						\
	R(TRAINING_LIST, "GET", "/v1/trainings", "training_list",	\
	    WIRE_LAGGED, NULL)						\
	R(TRAINING_ATTEND, "POST", "/v1/trainings/{}/attend",		\
	    "training_attend", WIRE_WRITE, "id")			\
	R(QUALIFICATION_GRANT, "POST", "/v1/qualifications",		\
	    "qualification_grant", WIRE_WRITE, NULL)			\
	R(QUALIFICATION_LIST, "GET", "/v1/qualifications",		\
	    "qualification_list", WIRE_LAGGED, NULL)			\
	R(AWARD_ADD, "POST", "/v1/awards", "award_add", WIRE_WRITE, NULL) \
	R(AWARD_LIST, "GET", "/v1/awards", "award_list", WIRE_LAGGED, NULL) \
	R(AWARD_CORRECT, "POST", "/v1/awards/{}/corrections",		\
	    "award_correct", WIRE_WRITE, "id")				\
	R(EVALUATION_ADD, "POST", "/v1/evaluations", "evaluation_add",	\
	    WIRE_WRITE, NULL)						\
	R(EVALUATION_LIST, "GET", "/v1/evaluations", "evaluation_list",	\
	    WIRE_LAGGED, NULL)						\
	R(EVALUATION_REVERSE, "POST", "/v1/evaluations/{}/reverse",	\
	    "evaluation_reverse", WIRE_WRITE, "id")			\
	R(IMPORT_VOLUNTEERS, "POST", "/v1/import/volunteers",		\
	    "import_volunteers", WIRE_WRITE, NULL)			\
	R(IMPORT_SHIFTS, "POST", "/v1/import/shifts", "import_shifts",	\
	    WIRE_WRITE, NULL)						\
	R(EXPORT_NATIONAL, "GET", "/v1/exports/national",		\
	    "export_national", WIRE_LAGGED, NULL)			\
	R(EVENT_ADD, "POST", "/v1/events", "event_add", WIRE_WRITE, NULL) \
	R(EVENT_LIST, "GET", "/v1/events", "event_list", WIRE_LAGGED, NULL) \
	R(EVENT_GET, "GET", "/v1/events/{}", "event_get", WIRE_READ, "id") \
	R(EVENT_CANCEL, "POST", "/v1/events/{}/cancel", "event_cancel",	\
	    WIRE_WRITE, "id")						\
	R(SIGNUP_ADD, "POST", "/v1/signups", "signup_add", WIRE_WRITE, NULL) \
	R(SIGNUP_LIST, "GET", "/v1/signups", "signup_list", WIRE_LAGGED, NULL) \
	R(SIGNUP_CANCEL, "POST", "/v1/signups/{}/cancel", "signup_cancel", \
	    WIRE_WRITE, "id")						\
	R(VOLUNTEER_UNBLOCK, "POST", "/v1/volunteers/{}/unblock",	\
	    "volunteer_unblock", WIRE_WRITE, "number")			\
	R(VOLUNTEER_LINK, "POST", "/v1/volunteers/{}/link",		\
	    "volunteer_link", WIRE_WRITE, "number")			\
	R(STATION_LINK, "POST", "/v1/stations/{}/link", "station_link",	\
	    WIRE_WRITE, "code")						\
	R(REPORT_EVENTS, "GET", "/v1/reports/events", "report_events",	\
	    WIRE_LAGGED, NULL)						\
	R(PAGE_GET, "GET", "/p/{}", NULL, WIRE_PAGE, "token")		\
	R(PAGE_SIGNUP, "POST", "/p/{}/signup", NULL, WIRE_PAGE, "token") \
	R(PAGE_CANCEL, "POST", "/p/{}/cancel", NULL, WIRE_PAGE, "token") \
	R(PAGE_EVALUATE, "POST", "/p/{}/evaluate", NULL, WIRE_PAGE,	\
	    "token")							\
	R(PAGE_CALENDAR, "GET", "/p/{}/calendar.ics", NULL, WIRE_PAGE,	\
	    "token")							\
	R(STATION_CALENDAR, "GET", "/s/{}/calendar.ics", NULL, WIRE_PAGE, \
	    "token")							\
	R(REGION_ADD, "POST", "/v1/regions", "region_add", WIRE_WRITE, NULL) \
	R(REGION_LIST, "GET", "/v1/regions", "region_list", WIRE_LAGGED, NULL) \
	R(REGION_RENAME, "POST", "/v1/regions/{}/rename", "region_rename", \
	    WIRE_WRITE, "code")						\
	R(REGION_MOVE, "POST", "/v1/regions/{}/move", "region_move",	\
	    WIRE_WRITE, "code")						\
	R(REGION_LEVELS_SET, "POST", "/v1/region-levels",		\
	    "region_levels_set", WIRE_WRITE, NULL)			\
	R(COMMUNITY_PLACE, "POST", "/v1/communities/{}/place",		\
	    "community_place", WIRE_WRITE, "code")

/* Who may call a route, and what it needs. */
enum wire_access {
	WIRE_OPEN,	/* no signature (health, metrics, the public keys) */
	WIRE_STATIC,	/* no signature: a file of the browser console, the
			 * same bytes for everyone (daemon/console.c); never
			 * data of the ledger */
	WIRE_READ,	/* signed; answered by the primary */
	WIRE_LAGGED,	/* signed; a read a hot standby may answer (db_read),
			 * once it has replayed every write committed before
			 * the request came (doc/design.md); the key and the
			 * nonce are still checked on the primary */
	WIRE_WRITE,	/* signed, with an Idempotency-Key */
	WIRE_PAGE	/* unsigned: a capability URL, its token the {}
			 * segment (daemon/page.c); never a station's */
};

/* Whether a route's requests must be signed. */
#define WIRE_SIGNED(access)	((access) == WIRE_READ || \
				 (access) == WIRE_LAGGED || (access) == WIRE_WRITE)

enum wire_op {
#define WIRE_ROUTE_ENUM(id, method, pattern, operation, access, param) \
	WIRE_OP_##id,
	WIRE_ROUTES(WIRE_ROUTE_ENUM)
#undef WIRE_ROUTE_ENUM
	WIRE_OP_COUNT
};

struct wire_route {
	const char	*method;
	const char	*pattern;	/* with {} segments */
	const char	*operation;	/* what vp_call runs, or NULL */
	enum wire_access access;
	const char	*param;		/* the {} segment's field, or NULL */
};

/* The table, indexed by enum wire_op. */
extern const struct wire_route wire_routes[WIRE_OP_COUNT];

const struct wire_route *wire_route(enum wire_op);
char	*wire_path(enum wire_op, const char *param);

#endif
