#include "config.h"

#include <sys/queue.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>

#include "buf.h"
#include "daemon/ops.h"
#include "daemon/page.h"
#include "daemon/signer.h"
#include "log.h"
#include "wire.h"
#include "xmalloc.h"

#define PAGE_TOKEN_LEN		43	/* base64url of 32 bytes */
#define PAGE_RATE_SLOTS		4096	/* buckets of tokens: 3 hex digits */
#define PAGE_RATE_WINDOW	60	/* seconds */
#define PAGE_RATE_MAX		120	/* requests a bucket, a window */

#define PAGE_TYPE_HTML		"text/html; charset=utf-8"
#define PAGE_TYPE_ICS		"text/calendar; charset=utf-8"

/* The page's one style sheet: inline, and allowed by its hash in the
 * Content-Security-Policy, which allows nothing else (no script at all,
 * forms only to this server, no framing, no referrer). */
static const char page_style[] =
    "body{font-family:sans-serif;max-width:40em;margin:auto;padding:1em}"
    "li{margin:.5em 0}form{display:inline}.notice{padding:.5em;"
    "border:1px solid #c60}.ok{border-color:#080}"
    "table{border-collapse:collapse}td,th{padding:.2em .5em;"
    "border-bottom:1px solid #ccc;text-align:left}";

/* What a page request asks of vp_page. */
enum page_op {
	PAGE_VIEW,	/* GET /p/{token} */
	PAGE_SIGNUP,	/* POST /p/{token}/signup, event=ID */
	PAGE_CANCEL,	/* POST /p/{token}/cancel, signup=ID */
	PAGE_EVALUATE,	/* POST /p/{token}/evaluate, help_request=ID,
			 * score=1..5, comment=TEXT */
	PAGE_CALENDAR,	/* GET /p/{token}/calendar.ics */
	PAGE_STATION	/* GET /s/{token}/calendar.ics */
};

/* A page's statement in the database's time by operation (/metrics), by
 * enum page_op. */
static const char *const page_db_names[] = { "page_view", "page_signup",
    "page_cancel", "page_evaluate", "page_calendar", "station_calendar" };

/* The words of the page, Chinese first; ?lang=en gives the English. */
enum page_word {
	W_TITLE, W_HOURS, W_TARGET, W_POINTS, W_STARS, W_NOSTAR, W_BLOCKED,
	W_NOSHOWS, W_SIGNUPS, W_NONE, W_CANCEL, W_LATE, W_WAITING, W_PLACE,
	W_EVENTS, W_FREE, W_FULL, W_SIGNUP, W_SHIFTS, W_CERTS, W_CALENDAR,
	W_DONE, W_REFUSED, W_BADLINK, W_BUSY, W_ERROR, W_MINUTES, W_CANCELBY,
	W_EVALUATE, W_SCORE, W_COMMENT, W_RATE, W_COMPLETED,
	W_COUNT
};

static const char *const page_words[W_COUNT][2] = {
	[W_TITLE] = { "我的志愿服务", "My volunteer service" },
	[W_HOURS] = { "今年服务时长", "Hours this year" },
	[W_TARGET] = { "小时，目标 20 小时", "hours, of 20 a year" },
	[W_POINTS] = { "积分", "Points" },
	[W_STARS] = { "星级", "Star level" },
	[W_NOSTAR] = { "尚未评星", "none yet" },
	[W_BLOCKED] = { "因多次报名后未到，暂时不能报名新的活动；请联系服务站解除。",
	    "You did not come several times after signing up: new sign-ups "
	    "are refused until a station lifts the block." },
	[W_NOSHOWS] = { "报名后未到次数", "No-shows" },
	[W_SIGNUPS] = { "我的报名", "My sign-ups" },
	[W_NONE] = { "暂无", "None" },
	[W_CANCEL] = { "取消报名", "Cancel" },
	[W_LATE] = { "已过取消期限，取消将记为未到",
	    "past the cancellation deadline: cancelling counts as a no-show" },
	[W_WAITING] = { "候补第", "waiting list, number" },
	[W_PLACE] = { "已报名", "signed up" },
	[W_EVENTS] = { "可报名的活动", "Events open for sign-up" },
	[W_FREE] = { "剩余名额", "places free" },
	[W_FULL] = { "名额已满，可报名候补", "full: sign up for the waiting list" },
	[W_SIGNUP] = { "报名", "Sign up" },
	[W_SHIFTS] = { "最近的服务", "Recent service" },
	[W_CERTS] = { "服务证明", "Certificates" },
	[W_CALENDAR] = { "订阅日历（活动提醒）", "Subscribe to the calendar (reminders)" },
	[W_DONE] = { "已完成。", "Done." },
	[W_REFUSED] = { "未能完成：", "Not done: " },
	[W_BADLINK] = { "此链接无效或已被更换，请向服务站索取新的链接。",
	    "This link is not valid or was replaced; ask a station for a new one." },
	[W_BUSY] = { "请求过于频繁，请稍后再试。", "Too many requests; try again in a minute." },
	[W_ERROR] = { "服务暂时不可用，请稍后再试。", "The service is unavailable; try again later." },
	[W_MINUTES] = { "分钟", "minutes" },
	[W_CANCELBY] = { "取消期限", "cancel by" },
	[W_EVALUATE] = { "评价我得到的帮助", "Evaluate the help you received" },
	[W_SCORE] = { "评分（1–5）", "Score (1–5)" },
	[W_COMMENT] = { "意见（可不填）", "Comment (optional)" },
	[W_RATE] = { "提交评价", "Evaluate" },
	[W_COMPLETED] = { "完成于", "completed" },
};

/* Requests of each bucket of tokens in the current window. One link, or
 * whatever sprays tokens at the daemon, gets at most PAGE_RATE_MAX a
 * window a bucket; with 4,096 buckets a whole city's volunteers opening
 * their pages within the same minute (100,000: some 25 a bucket) stay
 * far below it. */
static struct {
	time_t		 window;
	int		 count;
} page_rate[PAGE_RATE_SLOTS];

/* The Content-Security-Policy, made once. */
static char page_csp[256];

/* One page request on its way through vp_page. */
struct page_call {
	struct http_request *hr;
	enum page_op	 op;
	struct metrics	*metrics;	/* times the database */
	int		 en;		/* English words */
	char		 prefix[4];	/* "/p/" or "/s/" */
	char		*base;		/* path_prefix, "" or "/vpoints" */
	char		 token[PAGE_TOKEN_LEN + 1];
};

/* The token of a link issued by the signed request of keyid and idem:
 * a MAC under link_key (tokens outlive a new signing key), or else under
 * the signing key. */
static void
page_token(const struct ops *ops, enum wire_op op, const char *keyid,
    const char *idem, char token[PAGE_TOKEN_LEN + 1])
{
	crypto_generichash_state st;
	unsigned char mac[32];

	signer_mac_start(ops->signer, (*ops->conf)->link_key,
	    op == WIRE_OP_STATION_LINK ? "station link" : "volunteer link",
	    &st);
	crypto_generichash_update(&st, (const unsigned char *)keyid,
	    strlen(keyid) + 1);
	crypto_generichash_update(&st, (const unsigned char *)idem,
	    strlen(idem));
	crypto_generichash_final(&st, mac, sizeof(mac));
	sodium_memzero(&st, sizeof(st));
	sodium_bin2base64(token, PAGE_TOKEN_LEN + 1, mac, sizeof(mac),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(mac, sizeof(mac));
}

/* SHA-256 (hex) of a token: what the database knows of it. */
static void
page_token_hash(const char *token, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

/* Whether s has the shape of a token. */
static int
page_token_valid(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	}
	return i == PAGE_TOKEN_LEN;
}

/* POST /v1/volunteers/{number}/link, /v1/stations/{code}/link: the hash
 * of the token this request issues, for the database. A retry (the same
 * key and Idempotency-Key) issues the same token. */
void
page_link_args(const struct ops *ops, enum wire_op op, const char *keyid,
    const char *idem, json_t *args)
{
	char token[PAGE_TOKEN_LEN + 1], hex[65];

	page_token(ops, op, keyid, idem, token);
	page_token_hash(token, hex);
	json_object_set_new(args, "token_hash", json_string(hex));
	sodium_memzero(token, sizeof(token));
}

/* The link's answer, with the token and the path of the page or the
 * calendar added (never stored: the database has the hash). The token is
 * made for the key the answer names (its "keyid", taken out here): the
 * key that issued the link, also when the answer is a stored one, given
 * to a retry signed with the station's next key. */
void
page_link_finish(const struct ops *ops, struct http_request *hr, int status,
    const char *body)
{
	char token[PAGE_TOKEN_LEN + 1], *path;
	const char *idem = http_request_header(hr, WIRE_HDR_IDEMPOTENCY_KEY);
	const char *keyid;
	json_t *j = json_loads(body, 0, NULL);
	enum wire_op op = json_object_get(j, "station") != NULL ?
	    WIRE_OP_STATION_LINK : WIRE_OP_VOLUNTEER_LINK;

	if (j == NULL || idem == NULL) {
		json_decref(j);
		http_reply_problem(hr, 500, WIRE_P_INTERNAL, "Internal error",
		    "The error was logged.");
		log_error("page: a link's answer could not be read");
		return;
	}
	keyid = json_string_value(json_object_get(j, "keyid"));
	if (json_object_get(j, "link") != NULL) {
		page_token(ops, op, keyid != NULL ? keyid :
		    http_request_keyid(hr), idem, token);
		path = op == WIRE_OP_STATION_LINK ?
		    xasprintf("/s/%s/calendar.ics", token) :
		    xasprintf("/p/%s", token);
		json_object_set_new(j, "token", json_string(token));
		json_object_set_new(j, "path", json_string(path));
		free(path);
		sodium_memzero(token, sizeof(token));
	}
	json_object_del(j, "keyid");
	http_reply_json(hr, status, j);
}

/* Whether the bucket of this token may take one more request now. */
static int
page_rate_ok(const char *hex)
{
	struct timespec ts;
	unsigned long slot = strtoul((char[]){ hex[0], hex[1], hex[2], 0 },
	    NULL, 16) % PAGE_RATE_SLOTS;
	time_t window;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	window = ts.tv_sec / PAGE_RATE_WINDOW;
	if (page_rate[slot].window != window) {
		page_rate[slot].window = window;
		page_rate[slot].count = 0;
	}
	return ++page_rate[slot].count <= PAGE_RATE_MAX;
}

/* Append s with &, <, >, " and ' escaped. */
static void
page_esc(struct buf *b, const char *s)
{
	size_t run;

	for (; s != NULL && *s != '\0'; s++) {
		/* Most bytes are themselves: a run of them at once. */
		if ((run = strcspn(s, "&<>\"'")) > 0) {
			buf_add(b, s, run);
			if (s[run] == '\0')
				break;
			s += run;
		}
		switch (*s) {
		case '&':	buf_puts(b, "&amp;"); break;
		case '<':	buf_puts(b, "&lt;"); break;
		case '>':	buf_puts(b, "&gt;"); break;
		case '"':	buf_puts(b, "&quot;"); break;
		case '\'':	buf_puts(b, "&#39;"); break;
		default:	buf_add(b, s, 1); break;
		}
	}
}

/* Append a member of j: a string escaped, a number as it is. */
static void
page_val(struct buf *b, json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);
	char n[32];

	if (json_is_string(v))
		page_esc(b, json_string_value(v));
	else if (json_is_integer(v)) {
		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(v));
		buf_puts(b, n);
	}
}

/* Append printf output (numbers and fixed words only: not escaped). */
static void
page_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
page_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[512], *s;
	int n;

	/* Most pieces fit on the stack: no allocation for those. */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if ((size_t)n < sizeof(small)) {
		buf_add(b, small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	buf_puts(b, s);
	free(s);
}

/* The head of every page, up to <body>. */
static void
page_head(struct buf *b, const struct page_call *call)
{
	page_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">"
	    "<meta name=\"referrer\" content=\"no-referrer\"><title>%s</title>"
	    "<style>%s</style></head><body>\n", call->en ? "en" : "zh-CN",
	    page_words[W_TITLE][call->en], page_style);
}

/* Send an HTML page with the headers every page has. */
static void
page_send(struct http_request *hr, int status, struct buf *b)
{
	http_request_add_header(hr, "Content-Security-Policy", page_csp);
	http_request_add_header(hr, "Referrer-Policy", "no-referrer");
	http_request_add_header(hr, "X-Content-Type-Options", "nosniff");
	http_request_add_header(hr, "X-Frame-Options", "DENY");
	/* A capability URL that leaked somewhere is still kept out of
	 * search engines. */
	http_request_add_header(hr, "X-Robots-Tag", "noindex, nofollow");
	http_reply(hr, status, PAGE_TYPE_HTML, b->data != NULL ? b->data : "",
	    b->len);
	free(b->data);
}

/* A page of one sentence (a bad link, too many requests, an error). */
static void
page_short(struct page_call *call, int status, enum page_word w)
{
	struct buf b = { NULL, 0, 0 };

	if (call->op == PAGE_CALENDAR || call->op == PAGE_STATION) {
		http_reply(call->hr, status, "text/plain; charset=utf-8",
		    page_words[w][call->en], strlen(page_words[w][call->en]));
		return;
	}
	page_head(&b, call);
	page_printf(&b, "<p class=\"notice\" id=\"problem\">%s</p>\n"
	    "</body></html>\n", page_words[w][call->en]);
	page_send(call->hr, status, &b);
}

/* A form that posts one field to the page's own action. */
static void
page_form(struct buf *b, const struct page_call *call, const char *action,
    const char *field, json_t *id, const char *label)
{
	page_printf(b, " <form method=\"post\" action=\"%s/p/%s/%s%s\">"
	    "<input type=\"hidden\" name=\"%s\" value=\"%lld\">"
	    "<button type=\"submit\">%s</button></form>", call->base,
	    call->token, action,
	    call->en ? "?lang=en" : "", field,
	    (long long)json_integer_value(id), label);
}

/* One completed help request to evaluate, with its form: a score of 1
 * to 5 and an optional comment. */
static void
page_evaluate_form(struct buf *b, const struct page_call *call, json_t *x)
{
	const int en = call->en;
	int score;

	buf_puts(b, "<li data-help-request=\"");
	page_val(b, x, "id");
	buf_puts(b, "\">");
	page_val(b, x, "description");
	page_printf(b, " (%s ", page_words[W_COMPLETED][en]);
	page_val(b, x, "completed");
	page_printf(b, ")<br><form method=\"post\" action=\"%s/p/%s/evaluate%s\">"
	    "<input type=\"hidden\" name=\"help_request\" value=\"%lld\">"
	    "<label>%s <select name=\"score\">", call->base, call->token,
	    en ? "?lang=en" : "",
	    (long long)json_integer_value(json_object_get(x, "id")),
	    page_words[W_SCORE][en]);
	for (score = 5; score >= 1; score--)
		page_printf(b, "<option value=\"%d\">%d</option>", score, score);
	page_printf(b, "</select></label> <label>%s <input type=\"text\" "
	    "name=\"comment\" maxlength=\"1000\"></label> "
	    "<button type=\"submit\">%s</button></form></li>\n",
	    page_words[W_COMMENT][en], page_words[W_RATE][en]);
}

/* The refusals an action of the page can meet, said to the volunteer in
 * the page's language (the ledger's detail is English, for the desks'
 * logs and the command-line client, which has its own words). */
static const struct page_refusal {
	const char	*slug;
	const char	*words[2];	/* Chinese, English */
} page_refusals[] = {
	{ "already-signed-up", { "你已报名此活动。",
	    "You are signed up for this event already." } },
	{ "event-full", { "活动名额已满。", "The event is full." } },
	{ "event-over", { "活动已结束。", "The event is over." } },
	{ "event-cancelled", { "活动已取消。", "The event was cancelled." } },
	{ "signup-closed", { "现在不在报名时间内。",
	    "Sign-up for the event is not open now." } },
	{ "signup-not-live", { "这项报名已经取消。",
	    "This sign-up was cancelled already." } },
	{ "signup-overlap", { "你在同一时间已报名其他活动。",
	    "You are signed up for another event at that time." } },
	{ "signup-blocked", { "缺席次数较多，暂时不能报名，请与服务站联系。",
	    "Too many no-shows: ask the station to let you sign up again." } },
	{ "requirement-unmet", { "你不符合此活动的报名要求。",
	    "You do not meet the event's requirements." } },
	{ "volunteer-suspended", { "你的志愿者身份已暂停，请与服务站联系。",
	    "Your registration is suspended: ask the station." } },
	{ "already-checked-in", { "你已签到，不能再取消。",
	    "You have checked in: it cannot be cancelled." } },
	{ "outside-community", { "此活动不属于你所在的社区。",
	    "The event is not your community's." } },
	{ "unknown-event", { "没有这个活动。", "No such event." } },
	{ "unknown-signup", { "没有这项报名。", "No such sign-up." } },
	{ "unknown-help-request", { "没有这项你发起的互助。",
	    "No help you asked for has this number." } },
	{ "help-not-completed", { "这项互助尚未完成。",
	    "This help is not completed yet." } },
	{ "already-evaluated", { "你已评价过这次帮助。",
	    "You have evaluated this help already." } },
	{ "invalid-field", { "请按表格填写（评分为 1 至 5）。",
	    "Fill in the form as it asks (a score of 1 to 5)." } },
	{ "too-many-actions", { "操作过于频繁，请几分钟后再试。",
	    "Too many actions in a short time: wait a few minutes." } },
};

/* A refusal of an action, in the page's language: its sentence by its
 * slug; another's (none known here) in Chinese a word to ask the
 * station, in English the ledger's detail. */
static void
page_refusal(struct buf *b, json_t *notice, int en)
{
	const char *slug = json_string_value(json_object_get(notice,
	    "outcome"));
	size_t i;

	for (i = 0; slug != NULL &&
	    i < sizeof(page_refusals) / sizeof(page_refusals[0]); i++) {
		if (strcmp(page_refusals[i].slug, slug) == 0) {
			buf_puts(b, page_refusals[i].words[en]);
			return;
		}
	}
	if (en)
		page_val(b, notice, "detail");
	else
		buf_puts(b, "请与服务站联系。");
}

/* The volunteer's page. notice: what the action did, or NULL. */
static void
page_render(struct page_call *call, int status, json_t *page, json_t *notice)
{
	const int en = call->en;
	struct buf b = { NULL, 0, 0 };
	json_t *x, *list;
	size_t i;
	long long minutes = json_integer_value(json_object_get(page,
	    "year_minutes"));
	int stars = (int)json_integer_value(json_object_get(page, "star"));

	page_head(&b, call);
	buf_puts(&b, "<h1>");
	page_val(&b, page, "name");
	buf_puts(&b, " <small id=\"number\">");
	page_val(&b, page, "number");
	buf_puts(&b, "</small></h1>\n<p>");
	page_val(&b, page, "community");
	buf_puts(&b, "</p>\n");
	if (notice != NULL) {
		const char *outcome = json_string_value(json_object_get(notice,
		    "outcome"));
		int ok = outcome != NULL && strcmp(outcome, "ok") == 0;

		page_printf(&b, "<p class=\"notice%s\" id=\"notice\" "
		    "data-outcome=\"", ok ? " ok" : "");
		page_esc(&b, outcome);
		page_printf(&b, "\">%s", page_words[ok ? W_DONE : W_REFUSED][en]);
		if (!ok)
			page_refusal(&b, notice, en);
		buf_puts(&b, "</p>\n");
	}
	page_printf(&b, "<p>%s: <b id=\"year-hours\">%lld.%lld</b> %s</p>\n",
	    page_words[W_HOURS][en], minutes / 60, minutes % 60 * 10 / 60,
	    page_words[W_TARGET][en]);
	page_printf(&b, "<p>%s: <b id=\"points\">", page_words[W_POINTS][en]);
	page_val(&b, page, "points");
	page_printf(&b, "</b></p>\n<p>%s: <b id=\"star\" data-stars=\"%d\">",
	    page_words[W_STARS][en], stars);
	if (stars == 0)
		buf_puts(&b, page_words[W_NOSTAR][en]);
	for (i = 0; i < (size_t)stars && i < 5; i++)
		buf_puts(&b, "\xe2\x98\x85");	/* ★ */
	buf_puts(&b, "</b></p>\n");
	if (json_is_true(json_object_get(page, "blocked")))
		page_printf(&b, "<p class=\"notice\" id=\"blocked\">%s</p>\n",
		    page_words[W_BLOCKED][en]);
	page_printf(&b, "<p>%s: <span id=\"noshows\">", page_words[W_NOSHOWS][en]);
	page_val(&b, page, "noshows");
	buf_puts(&b, "</span></p>\n");

	page_printf(&b, "<h2>%s</h2>\n<ul id=\"signups\">\n",
	    page_words[W_SIGNUPS][en]);
	list = json_object_get(page, "signups");
	if (json_array_size(list) == 0)
		page_printf(&b, "<li>%s</li>\n", page_words[W_NONE][en]);
	json_array_foreach(list, i, x) {
		buf_puts(&b, "<li data-signup=\"");
		page_val(&b, x, "id");
		buf_puts(&b, "\" data-status=\"");
		page_val(&b, x, "status");
		buf_puts(&b, "\">");
		page_val(&b, x, "title");
		buf_puts(&b, ", ");
		page_val(&b, x, "starts");
		buf_puts(&b, "\xe2\x80\x93");	/* – */
		page_val(&b, x, "ends");
		if (json_is_string(json_object_get(x, "place"))) {
			buf_puts(&b, ", ");
			page_val(&b, x, "place");
		}
		if (json_is_integer(json_object_get(x, "position"))) {
			page_printf(&b, " (%s ", page_words[W_WAITING][en]);
			page_val(&b, x, "position");
			buf_puts(&b, ")");
		} else
			page_printf(&b, " (%s)", page_words[W_PLACE][en]);
		page_printf(&b, "; %s ", page_words[W_CANCELBY][en]);
		page_val(&b, x, "cancel_by");
		if (json_is_true(json_object_get(x, "late")))
			page_printf(&b, " <em>%s</em>", page_words[W_LATE][en]);
		page_form(&b, call, "cancel", "signup", json_object_get(x, "id"),
		    page_words[W_CANCEL][en]);
		buf_puts(&b, "</li>\n");
	}
	buf_puts(&b, "</ul>\n");

	page_printf(&b, "<h2>%s</h2>\n<ul id=\"events\">\n",
	    page_words[W_EVENTS][en]);
	list = json_object_get(page, "events");
	if (json_array_size(list) == 0)
		page_printf(&b, "<li>%s</li>\n", page_words[W_NONE][en]);
	json_array_foreach(list, i, x) {
		buf_puts(&b, "<li data-event=\"");
		page_val(&b, x, "id");
		buf_puts(&b, "\">");
		page_val(&b, x, "title");
		buf_puts(&b, ", ");
		page_val(&b, x, "starts");
		buf_puts(&b, "\xe2\x80\x93");
		page_val(&b, x, "ends");
		if (json_is_string(json_object_get(x, "place"))) {
			buf_puts(&b, ", ");
			page_val(&b, x, "place");
		}
		if (json_integer_value(json_object_get(x, "free")) > 0) {
			page_printf(&b, " (%s ", page_words[W_FREE][en]);
			page_val(&b, x, "free");
			buf_puts(&b, ")");
		} else
			page_printf(&b, " (%s)", page_words[W_FULL][en]);
		if (!json_is_true(json_object_get(page, "blocked")))
			page_form(&b, call, "signup", "event",
			    json_object_get(x, "id"), page_words[W_SIGNUP][en]);
		buf_puts(&b, "</li>\n");
	}
	buf_puts(&b, "</ul>\n");

	list = json_object_get(page, "evaluate");
	if (json_array_size(list) > 0) {
		page_printf(&b, "<h2>%s</h2>\n<ul id=\"evaluate\">\n",
		    page_words[W_EVALUATE][en]);
		json_array_foreach(list, i, x)
			page_evaluate_form(&b, call, x);
		buf_puts(&b, "</ul>\n");
	}

	page_printf(&b, "<h2>%s</h2>\n<table id=\"shifts\">\n",
	    page_words[W_SHIFTS][en]);
	json_array_foreach(json_object_get(page, "shifts"), i, x) {
		buf_puts(&b, "<tr><td>");
		page_val(&b, x, "started");
		buf_puts(&b, "</td><td>");
		page_val(&b, x, "activity");
		buf_puts(&b, "</td><td>");
		page_val(&b, x, "minutes");
		page_printf(&b, " %s</td><td>", page_words[W_MINUTES][en]);
		page_val(&b, x, "points");
		buf_puts(&b, "</td></tr>\n");
	}
	buf_puts(&b, "</table>\n");
	page_printf(&b, "<h2>%s</h2>\n<ul id=\"certificates\">\n",
	    page_words[W_CERTS][en]);
	json_array_foreach(json_object_get(page, "certificates"), i, x) {
		buf_puts(&b, "<li>");
		page_val(&b, x, "number");
		buf_puts(&b, ": ");
		page_val(&b, x, "from");
		buf_puts(&b, " \xe2\x80\x93 ");
		page_val(&b, x, "to");
		buf_puts(&b, "</li>\n");
	}
	buf_puts(&b, "</ul>\n");
	page_printf(&b, "<p><a href=\"%s/p/%s/calendar.ics\">%s</a></p>\n"
	    "</body></html>\n", call->base, call->token,
	    page_words[W_CALENDAR][en]);
	page_send(call->hr, status, &b);
}

/* Append one content line of iCalendar: NAME:VALUE, the value escaped
 * (RFC 5545 3.3.11) when it is text, folded at 75 octets without
 * splitting a UTF-8 character, CRLF. */
static void
page_ics_line(struct buf *b, const char *name, const char *value, int text)
{
	struct buf line = { NULL, 0, 0 };
	size_t i, n, col = 0;

	buf_puts(&line, name);
	buf_puts(&line, ":");
	for (; value != NULL && *value != '\0'; value++) {
		if (text && (*value == '\\' || *value == ';' || *value == ','))
			buf_add(&line, "\\", 1);
		if (text && *value == '\n')
			buf_puts(&line, "\\n");
		else if (*value != '\r')
			buf_add(&line, value, 1);
	}
	for (i = 0; i < line.len; i += n) {
		/* The first line holds 75 octets, the others a space and 74. */
		n = line.len - i;
		if (n > (col == 0 ? 75 : 74)) {
			n = col == 0 ? 75 : 74;
			while (n > 0 && ((unsigned char)line.data[i + n] & 0xc0) == 0x80)
				n--;
		}
		if (col++ > 0)
			buf_puts(b, " ");
		buf_add(b, line.data + i, n);
		buf_puts(b, "\r\n");
	}
	free(line.data);
}

/* The calendar of a volunteer's sign-ups or a station's events. */
static void
page_calendar(struct page_call *call, json_t *cal)
{
	struct buf b = { NULL, 0, 0 };
	json_t *x;
	size_t i;
	char uid[96];

	page_ics_line(&b, "BEGIN", "VCALENDAR", 0);
	page_ics_line(&b, "VERSION", "2.0", 0);
	page_ics_line(&b, "PRODID", "-//vpoints//events//ZH", 0);
	page_ics_line(&b, "CALSCALE", "GREGORIAN", 0);
	page_ics_line(&b, "METHOD", "PUBLISH", 0);
	page_ics_line(&b, "X-WR-CALNAME", json_string_value(json_object_get(cal,
	    "name")), 1);
	json_array_foreach(json_object_get(cal, "events"), i, x) {
		page_ics_line(&b, "BEGIN", "VEVENT", 0);
		snprintf(uid, sizeof(uid), "%s@vpoints",
		    json_string_value(json_object_get(x, "uid")));
		page_ics_line(&b, "UID", uid, 0);
		page_ics_line(&b, "DTSTAMP", json_string_value(json_object_get(x,
		    "stamp")), 0);
		page_ics_line(&b, "DTSTART", json_string_value(json_object_get(x,
		    "start")), 0);
		page_ics_line(&b, "DTEND", json_string_value(json_object_get(x,
		    "end")), 0);
		page_ics_line(&b, "SUMMARY", json_string_value(json_object_get(x,
		    "title")), 1);
		if (json_is_string(json_object_get(x, "place")))
			page_ics_line(&b, "LOCATION", json_string_value(
			    json_object_get(x, "place")), 1);
		if (json_is_string(json_object_get(x, "lead")))
			page_ics_line(&b, "DESCRIPTION", json_string_value(
			    json_object_get(x, "lead")), 1);
		page_ics_line(&b, "STATUS", json_is_true(json_object_get(x,
		    "cancelled")) ? "CANCELLED" : json_is_true(json_object_get(x,
		    "waiting")) ? "TENTATIVE" : "CONFIRMED", 0);
		if (call->op == PAGE_CALENDAR && !json_is_true(json_object_get(x,
		    "cancelled"))) {
			/* The reminder: the phone's, two hours before. */
			page_ics_line(&b, "BEGIN", "VALARM", 0);
			page_ics_line(&b, "ACTION", "DISPLAY", 0);
			page_ics_line(&b, "TRIGGER", "-PT2H", 0);
			page_ics_line(&b, "DESCRIPTION", json_string_value(
			    json_object_get(x, "title")), 1);
			page_ics_line(&b, "END", "VALARM", 0);
		}
		page_ics_line(&b, "END", "VEVENT", 0);
	}
	page_ics_line(&b, "END", "VCALENDAR", 0);
	http_request_add_header(call->hr, "Referrer-Policy", "no-referrer");
	http_request_add_header(call->hr, "X-Content-Type-Options", "nosniff");
	http_request_add_header(call->hr, "X-Robots-Tag", "noindex, nofollow");
	http_reply(call->hr, 200, PAGE_TYPE_ICS, b.data, b.len);
	free(b.data);
}

/* vp_page came back. */
static void
page_done(const struct db_reply *r, void *arg)
{
	struct page_call *call = arg;
	const char *status, *body, *link;
	json_t *j = NULL;
	char *logged;
	int code;

	metrics_db(call->metrics, page_db_names[call->op],
	    db_reply_seconds(r));
	if (db_reply_status(r) != DB_OK) {
		log_warn("page: %s", db_reply_message(r) != NULL ?
		    db_reply_message(r) : "the database is unavailable");
		page_short(call, 503, W_ERROR);
		goto done;
	}
	status = db_reply_value(r, 0, 0);
	body = db_reply_value(r, 0, 1);
	link = db_reply_value(r, 0, 2);
	code = status != NULL ? atoi(status) : 0;
	/* The access log names the link, never the token. */
	logged = xasprintf("%s{link %s}%s", call->prefix, link != NULL ? link :
	    "unknown", strchr(http_request_path(call->hr) + 3, '/') != NULL ?
	    strchr(http_request_path(call->hr) + 3, '/') : "");
	http_request_redact(call->hr, logged);
	free(logged);
	/* No link: the token opens nothing (unknown, revoked, another
	 * kind's); an action refused through a link has its link. */
	if (link == NULL || body == NULL ||
	    (j = json_loads(body, 0, NULL)) == NULL) {
		page_short(call, code == 404 ? 404 : 500, code == 404 ?
		    W_BADLINK : W_ERROR);
		goto done;
	}
	switch (call->op) {
	case PAGE_VIEW:
		page_render(call, code, j, NULL);
		break;
	case PAGE_SIGNUP:
	case PAGE_CANCEL:
	case PAGE_EVALUATE:
		page_render(call, code, json_object_get(j, "page"),
		    json_object_get(j, "notice"));
		break;
	case PAGE_CALENDAR:
	case PAGE_STATION:
		page_calendar(call, j);
		break;
	default:
		abort();
	}
done:
	json_decref(j);
	sodium_memzero(call->token, sizeof(call->token));
	free(call->base);
	free(call);
}

/* The fields of a page's form: each of fields digits only ("" when
 * missing); text, when not NULL, a field of free text (left out when
 * missing, empty or not UTF-8; its length is the database's to judge,
 * the body's size bounds it here). */
static json_t *
page_form_args(struct http_request *hr, const char *const *fields,
    const char *text)
{
	struct evkeyvalq params;
	const char *body, *v;
	json_t *args = json_object(), *t;
	size_t len, i;
	char *copy;

	body = http_request_body(hr, &len);
	copy = xmalloc(len + 1);
	memcpy(copy, body, len);
	copy[len] = '\0';
	if (evhttp_parse_query_str(copy, &params) == 0) {
		for (i = 0; fields[i] != NULL; i++) {
			v = evhttp_find_header(&params, fields[i]);
			if (v != NULL && strlen(v) <= 18 &&
			    strspn(v, "0123456789") == strlen(v))
				json_object_set_new(args, fields[i],
				    json_string(v));
		}
		v = text != NULL ? evhttp_find_header(&params, text) : NULL;
		/* json_string refuses what is not UTF-8. */
		if (v != NULL && *v != '\0' && (t = json_string(v)) != NULL)
			json_object_set_new(args, text, t);
		evhttp_clear_headers(&params);
	}
	free(copy);
	for (i = 0; fields[i] != NULL; i++) {
		if (json_object_get(args, fields[i]) == NULL)
			json_object_set_new(args, fields[i], json_string(""));
	}
	return args;
}

/* Whether the query asks for English: a parameter lang=en, not any
 * "lang=en" in it (xlang=english). */
static bool
page_english(const char *query)
{
	struct evkeyvalq params;
	const char *v;
	char *copy = xstrdup(query != NULL ? query : "");
	bool en = false;

	if (evhttp_parse_query_str(copy, &params) == 0) {
		v = evhttp_find_header(&params, "lang");
		en = v != NULL && strcmp(v, "en") == 0;
		evhttp_clear_headers(&params);
	}
	free(copy);
	return en;
}

/* Every WIRE_PAGE route starts here. */
void
page_handle(struct http_request *hr, const struct ops *ops, enum wire_op op)
{
	static const char *const names[] = { "view", "signup", "cancel",
	    "evaluate", "calendar", "calendar" };
	static const char *const event[] = { "event", NULL };
	static const char *const signup[] = { "signup", NULL };
	static const char *const evaluate[] = { "help_request", "score", NULL };
	const struct conf *cf = *ops->conf;
	struct page_call *call = xcalloc(1, sizeof(*call));
	const char *token = http_request_param(hr, 0), *params[6];
	char hex[65], rules[64], *text, *logged;
	json_t *args;

	call->hr = hr;
	call->metrics = ops->metrics;
	call->en = page_english(http_request_query(hr));
	/* The page's own links and forms name its path_prefix. */
	call->base = xasprintf("%.*s", (int)(strlen(http_request_path_sent(hr)) -
	    strlen(http_request_path(hr))), http_request_path_sent(hr));
	switch (op) {
	case WIRE_OP_PAGE_GET:		call->op = PAGE_VIEW; break;
	case WIRE_OP_PAGE_SIGNUP:	call->op = PAGE_SIGNUP; break;
	case WIRE_OP_PAGE_CANCEL:	call->op = PAGE_CANCEL; break;
	case WIRE_OP_PAGE_EVALUATE:	call->op = PAGE_EVALUATE; break;
	case WIRE_OP_PAGE_CALENDAR:	call->op = PAGE_CALENDAR; break;
	case WIRE_OP_STATION_CALENDAR:	call->op = PAGE_STATION; break;
	default:			abort();
	}
	snprintf(call->prefix, sizeof(call->prefix), "%s",
	    call->op == PAGE_STATION ? "/s/" : "/p/");
	/* From here on the access log has no token. */
	logged = xasprintf("%s{token}%s", call->prefix,
	    strchr(http_request_path(hr) + 3, '/') != NULL ?
	    strchr(http_request_path(hr) + 3, '/') : "");
	http_request_redact(hr, logged);
	free(logged);
	if (page_csp[0] == '\0') {
		unsigned char h[crypto_hash_sha256_BYTES];
		char b64[64];

		crypto_hash_sha256(h, (const unsigned char *)page_style,
		    strlen(page_style));
		sodium_bin2base64(b64, sizeof(b64), h, sizeof(h),
		    sodium_base64_VARIANT_ORIGINAL);
		snprintf(page_csp, sizeof(page_csp), "default-src 'none'; "
		    "style-src 'sha256-%s'; form-action 'self'; "
		    "frame-ancestors 'none'; base-uri 'none'", b64);
	}
	if (!page_token_valid(token)) {
		page_short(call, 404, W_BADLINK);
		free(call->base);
		free(call);
		return;
	}
	snprintf(call->token, sizeof(call->token), "%s", token);
	page_token_hash(token, hex);
	if (!page_rate_ok(hex)) {
		page_short(call, 429, W_BUSY);
		free(call->base);
		free(call);
		return;
	}
	if (call->op == PAGE_SIGNUP)
		args = page_form_args(hr, event, NULL);
	else if (call->op == PAGE_CANCEL)
		args = page_form_args(hr, signup, NULL);
	else if (call->op == PAGE_EVALUATE)
		args = page_form_args(hr, evaluate, "comment");
	else
		args = json_object();
	text = json_dumps(args, JSON_COMPACT);
	json_decref(args);
	if (text == NULL)
		abort();
	snprintf(rules, sizeof(rules), "{\"noshow_limit\":%d,"
	    "\"noshow_days\":%d}", cf->noshow_limit, cf->noshow_days);
	params[0] = hex;
	params[1] = call->op == PAGE_STATION ? "station" : "volunteer";
	params[2] = names[call->op];
	params[3] = text;
	params[4] = cf->timezone;
	params[5] = rules;
	db_query(ops->db, "SELECT status, body, link_id FROM vp_page($1, $2, "
	    "$3, $4::jsonb, $5, $6::jsonb)", 6, params, page_done, call);
	free(text);
}
