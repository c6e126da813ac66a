/* Unit tests of client/html.c: escaping, bar widths proportional to the
 * values, whole report and certificate pages and sheets of cards that
 * fetch nothing (no "http" but the SVG namespace), with Chinese text
 * intact; the certificate's words in Chinese, its sentences with their
 * values in place; ten cards to a sheet. */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tests/unit/unit.h"
#include "client/html.h"
#include "client/i18n.h"
#include "client/qr.h"
#include "xmalloc.h"

#define SVG_NS	"xmlns=\"http://www.w3.org/2000/svg\""

/* What html_escape writes for text. */
static char *
escaped(const char *text)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	html_escape(f, text);
	ck_assert_int_eq(fclose(f), 0);
	return out;
}

/* What html_chart draws for bars. */
static char *
chart(const struct html_bar *bars, size_t n)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	html_chart(f, "Hours by community", bars, n);
	ck_assert_int_eq(fclose(f), 0);
	return out;
}

/* The page html_report makes of a JSON report. */
static char *
report_page(const char *json)
{
	json_error_t error;
	json_t *report = json_loads(json, 0, &error);
	char *out = NULL;
	size_t len;
	FILE *f;

	ck_assert_msg(report != NULL, "bad test JSON: %s", error.text);
	f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	html_report(f, report);
	ck_assert_int_eq(fclose(f), 0);
	json_decref(report);
	return out;
}

/* The widths of the bars of a page, in order; returns how many. */
static size_t
bar_widths(const char *page, double *widths, size_t max)
{
	const char *p = page;
	size_t n = 0;

	while ((p = strstr(p, "<rect class=\"bar\"")) != NULL) {
		p = strstr(p, "width=\"");
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_lt(n, max);
		widths[n++] = strtod(p + 7, NULL);
	}
	return n;
}

/* Count the occurrences of needle in haystack. */
static size_t
count(const char *haystack, const char *needle)
{
	size_t n = 0;

	while ((haystack = strstr(haystack, needle)) != NULL) {
		n++;
		haystack += strlen(needle);
	}
	return n;
}

/* Assert that page fetches nothing: "http" only in the SVG namespace,
 * and no script, link, image, frame, font or CSS URL. */
static void
assert_self_contained(const char *page)
{
	const char *p = page;

	while ((p = strstr(p, "http")) != NULL) {
		ck_assert_msg(p - page >= 7 && strncmp(p - 7, SVG_NS,
		    strlen(SVG_NS)) == 0, "http outside the svg namespace: "
		    "%.40s", p - (p - page >= 10 ? 10 : 0));
		p += 4;
	}
	ck_assert_ptr_null(strstr(page, "<script"));
	ck_assert_ptr_null(strstr(page, "<link"));
	ck_assert_ptr_null(strstr(page, "<img"));
	ck_assert_ptr_null(strstr(page, "<iframe"));
	ck_assert_ptr_null(strstr(page, "@import"));
	ck_assert_ptr_null(strstr(page, "@font-face"));
	ck_assert_ptr_null(strstr(page, "url("));
	ck_assert_ptr_null(strstr(page, "src="));
	ck_assert_ptr_null(strstr(page, "href="));
	ck_assert_int_eq(strncmp(page, "<!DOCTYPE html>\n", 16), 0);
	ck_assert_ptr_nonnull(strstr(page, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_nonnull(strstr(page, "</html>\n"));
}

/* A community-level report; one name tries to break out of the page. */
static const char community_report[] =
"{\"kind\":\"monthly\",\"period\":\"2026-10\",\"level\":\"community\","
"\"community\":null,\"timezone\":\"Asia/Shanghai\","
"\"from\":\"2026-10-01T00:00:00+08:00\",\"to\":\"2026-11-01T00:00:00+08:00\","
"\"targets\":{\"hours_per_year\":20,\"registration_share\":0.13},"
"\"columns\":[\"code\",\"name\",\"population\",\"registered\","
"\"registration_share\",\"share_target_met\",\"minutes\",\"hours\"],"
"\"rows\":["
"{\"code\":\"east\",\"name\":\"\\u4e1c\\u6e56\\u793e\\u533a\","
"\"population\":1000,\"registered\":140,\"registration_share\":14.0,"
"\"share_target_met\":true,\"minutes\":600,\"hours\":10.0},"
"{\"code\":\"west\",\"name\":\"<script>alert('x')</script> & \\\"co\\\"\","
"\"population\":2000,\"registered\":20,\"registration_share\":1.0,"
"\"share_target_met\":false,\"minutes\":1200,\"hours\":20.0},"
"{\"code\":\"north\",\"name\":\"North\",\"population\":500,"
"\"registered\":0,\"registration_share\":0.0,\"share_target_met\":false,"
"\"minutes\":300,\"hours\":5.0}],"
"\"totals\":{\"population\":3500,\"registered\":160,\"minutes\":2100,"
"\"hours\":35.0},"
"\"new_star_levels\":[{\"volunteer\":\"12\",\"name\":\"\\u5f20\\u4e09\","
"\"community\":\"east\",\"stars\":2,\"hours\":301.5}]}";

START_TEST(escape)
{
	char *s;

	s = escaped("<a href=\"x\">Tom & Jerry's</a>");
	ck_assert_str_eq(s, "&lt;a href=&quot;x&quot;&gt;Tom &amp; "
	    "Jerry&#39;s&lt;/a&gt;");
	free(s);
	s = escaped("&amp;");
	ck_assert_str_eq(s, "&amp;amp;");
	free(s);
	/* UTF-8 passes as it is; control characters become spaces. */
	s = escaped("\xe5\xbc\xa0\xe4\xb8\x89 \xe2\x98\x85\x01\x1b\x7f\tx\n");
	ck_assert_str_eq(s, "\xe5\xbc\xa0\xe4\xb8\x89 \xe2\x98\x85   \tx\n");
	free(s);
	s = escaped("");
	ck_assert_str_eq(s != NULL ? s : "", "");
	free(s);
}
END_TEST

START_TEST(bars_proportional)
{
	static const struct html_bar bars[] = {
		{ "a", 10.0 }, { "b", 5.0 }, { "c", 2.5 }, { "d", 0.0 },
		{ "e", 7.3 },
	};
	double w[8];
	char *s = chart(bars, 5);
	size_t i;

	ck_assert_uint_eq(bar_widths(s, w, 8), 5);
	ck_assert_double_gt(w[0], 0);
	for (i = 0; i < 5; i++)
		ck_assert_double_eq_tol(w[i] / w[0], bars[i].value / 10.0,
		    0.001);
	ck_assert_double_eq_tol(w[3], 0.0, 0.0001);
	ck_assert_uint_eq(count(s, "<svg " SVG_NS), 1);
	ck_assert_uint_eq(count(s, "</svg>"), 1);
	ck_assert_ptr_nonnull(strstr(s, "Hours by community"));
	free(s);
}
END_TEST

START_TEST(bars_labels)
{
	static const struct html_bar bars[] = {
		{ "\xe4\xb8\x9c\xe6\xb9\x96\xe7\xa4\xbe\xe5\x8c\xba", 3.0 },
		{ "A & <B>", 1.0 },
		{ "\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b\xe4\xba\x94"
		  "\xe5\x85\xad\xe4\xb8\x83\xe5\x85\xab\xe4\xb9\x9d\xe5\x8d\x81"
		  "\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b", 2.0 },
	};
	char *s = chart(bars, 3);

	/* Chinese intact; a long label cut at a character, with an
	 * ellipsis; markup escaped. */
	ck_assert_ptr_nonnull(strstr(s, ">\xe4\xb8\x9c\xe6\xb9\x96\xe7\xa4"
	    "\xbe\xe5\x8c\xba</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">A &amp; &lt;B&gt;</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8"
	    "\x89\xe5\x9b\x9b\xe4\xba\x94\xe5\x85\xad\xe4\xb8\x83\xe5\x85\xab"
	    "\xe4\xb9\x9d\xe5\x8d\x81\xe2\x80\xa6</text>"));
	free(s);
	s = chart(NULL, 0);
	ck_assert_ptr_null(strstr(s, "<rect"));
	ck_assert_ptr_nonnull(strstr(s, "no hours"));
	free(s);
}
END_TEST

START_TEST(report_community)
{
	char *page = report_page(community_report);
	double w[8];

	assert_self_contained(page);
	ck_assert_ptr_nonnull(strstr(page, "<title>Monthly report 2026-10, "
	    "by community</title>"));
	ck_assert_ptr_nonnull(strstr(page, "2026-10-01 00:00 to 2026-11-01 "
	    "00:00 (Asia/Shanghai)"));
	ck_assert_ptr_nonnull(strstr(page, "20 hours"));
	ck_assert_ptr_nonnull(strstr(page, "13 %"));
	ck_assert_ptr_nonnull(strstr(page, "size:A4"));
	ck_assert_ptr_nonnull(strstr(page, "@media print"));
	/* The hostile name is text, not markup. */
	ck_assert_ptr_nonnull(strstr(page, "&lt;script&gt;alert(&#39;x&#39;)"
	    "&lt;/script&gt; &amp; &quot;co&quot;"));
	/* Chinese as UTF-8 bytes, not entities. */
	ck_assert_ptr_nonnull(strstr(page, "<td>\xe4\xb8\x9c\xe6\xb9\x96\xe7"
	    "\xa4\xbe\xe5\x8c\xba</td>"));
	ck_assert_ptr_nonnull(strstr(page, "<td>\xe5\xbc\xa0\xe4\xb8\x89"
	    "</td>"));
	ck_assert_ptr_null(strstr(page, "&#x"));
	/* Cells: fractions with two decimals, booleans, totals; minutes
	 * are shown as hours only. */
	ck_assert_ptr_nonnull(strstr(page, "<td class=\"num\">14.00</td>"));
	ck_assert_ptr_nonnull(strstr(page, "<td>yes</td>"));
	ck_assert_ptr_nonnull(strstr(page, "<tfoot><tr><td>Total</td><td>"
	    "</td><td class=\"num\">3500</td><td class=\"num\">160</td>"));
	ck_assert_ptr_nonnull(strstr(page, "<td class=\"num\">35.00</td>"));
	ck_assert_ptr_null(strstr(page, ">Minutes<"));
	ck_assert_ptr_null(strstr(page, ">600<"));
	/* The new star level, drawn as stars. */
	ck_assert_ptr_nonnull(strstr(page, "New star levels"));
	ck_assert_ptr_nonnull(strstr(page, "\xe2\x98\x85\xe2\x98\x85</td>"));
	ck_assert_ptr_nonnull(strstr(page, "301.50"));
	/* Bars largest first, each as long as its hours: 20, 10, 5. */
	ck_assert_ptr_nonnull(strstr(page, "Hours by community"));
	ck_assert_uint_eq(bar_widths(page, w, 8), 3);
	ck_assert_double_eq_tol(w[1] / w[0], 0.5, 0.001);
	ck_assert_double_eq_tol(w[2] / w[0], 0.25, 0.001);
	ck_assert_ptr_nonnull(strstr(page, "<svg " SVG_NS));
	free(page);
}
END_TEST

START_TEST(report_volunteers_top30)
{
	json_t *report = json_loads(community_report, 0, NULL), *rows;
	char *json, *page, name[32];
	double w[64];
	size_t n, i;

	ck_assert_ptr_nonnull(report);
	json_object_set_new(report, "level", json_string("volunteer"));
	json_object_set_new(report, "columns", json_pack("[s,s,s,s,s]",
	    "number", "name", "community", "minutes", "hours"));
	rows = json_array();
	for (i = 1; i <= 40; i++) {
		snprintf(name, sizeof(name), "V%02zu", i);
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:I,s:f}",
		    "number", name + 1, "name", name, "community", "east",
		    "minutes", (json_int_t)(i * 30), "hours", i / 2.0));
	}
	json_object_set_new(report, "rows", rows);
	json = json_dumps(report, 0);
	page = report_page(json);
	assert_self_contained(page);
	n = bar_widths(page, w, 64);
	ck_assert_uint_eq(n, 30);
	/* The largest, V40, comes first; V11 is the last of the 30. */
	ck_assert_ptr_nonnull(strstr(page, "Hours by volunteer (top 30)"));
	ck_assert_ptr_nonnull(strstr(page, ">V40</text>"));
	ck_assert_ptr_nonnull(strstr(page, ">V11</text>"));
	ck_assert_ptr_null(strstr(page, ">V10</text>"));
	ck_assert(strstr(page, ">V40</text>") < strstr(page, ">V39</text>"));
	for (i = 0; i < n; i++)
		ck_assert_double_eq_tol(w[i] / w[0], (40.0 - i) / 40.0, 0.001);
	free(page);
	free(json);
	json_decref(report);
}
END_TEST

/* The certificate page of cert (JSON) and jws, with a QR code of the
 * JWS or (qr false) without. */
static char *
certificate_html(const char *json, const char *jws, bool with_qr)
{
	json_error_t error;
	json_t *cert = json_loads(json, 0, &error);
	struct qr *qr = with_qr ? qr_encode(jws, QR_ECC_M) : NULL;
	char *out = NULL;
	size_t len;
	FILE *f;

	ck_assert_msg(cert != NULL, "bad test JSON: %s", error.text);
	ck_assert(!with_qr || qr != NULL);
	f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	html_certificate(f, cert, jws, qr);
	ck_assert_int_eq(fclose(f), 0);
	qr_free(qr);
	json_decref(cert);
	return out;
}

/* The pages speak the user's language: the certificate and the cards in
 * Chinese. */
static void
chinese(void)
{
	unit_catalogue();
	i18n_init();
	i18n_language("zh_CN");
}

START_TEST(certificate_page)
{
	char *out;

	chinese();
	out = certificate_html("{\"number\":\"C-2026-000001\","
	    "\"volunteer\":\"12\",\"name\":\"张三 <b>\","
	    "\"from\":\"2026-01-01\",\"to\":\"2026-12-31\",\"minutes\":1530,"
	    "\"hours\":25.5,\"shifts\":12,\"activities\":["
	    "{\"code\":\"clean\",\"name\":\"环境清洁\",\"minutes\":930,"
	    "\"shifts\":7},{\"code\":\"traffic\",\"name\":\"交通 & 引导\","
	    "\"minutes\":600,\"shifts\":5}],\"stars\":1,\"community\":\"east\","
	    "\"community_name\":\"东湖社区\",\"station\":\"east-1\","
	    "\"station_name\":\"东湖社区志愿服务站\","
	    "\"issued_at\":\"2026-11-02T10:00:00+08:00\"}",
	    "aGVhZGVy.cGF5bG9hZA.c2ln", true);

	assert_self_contained(out);
	ck_assert_ptr_nonnull(strstr(out, "<title>志愿服务证明 C-2026-000001"
	    "</title>"));
	ck_assert_ptr_nonnull(strstr(out, "<h1>志愿服务证明</h1>"));
	ck_assert_ptr_nonnull(strstr(out, "兹证明<strong>张三 &lt;b&gt;"
	    "</strong>（志愿者编号：<strong>12</strong>）系<strong>东湖社区"
	    "</strong>注册志愿者，于<strong>2026年1月1日</strong>至<strong>"
	    "2026年12月31日</strong>期间参加志愿服务，累计志愿服务时长<strong>"
	    "25.50</strong>小时。"));
	ck_assert_ptr_nonnull(strstr(out, "<th>服务期间</th><td>2026年1月1日至"
	    "2026年12月31日</td>"));
	ck_assert_ptr_nonnull(strstr(out, "<th>志愿服务时长</th><td>25.50小时"
	    "（共12次）</td>"));
	ck_assert_ptr_nonnull(strstr(out, "<th>服务类别</th><td>环境清洁："
	    "15.50小时（7次）；交通 &amp; 引导：10.00小时（5次）</td>"));
	ck_assert_ptr_nonnull(strstr(out, "<th>星级</th><td><span "
	    "class=\"stars\">\xe2\x98\x85</span> 1星</td>"));
	ck_assert_ptr_nonnull(strstr(out, "<th>证明编号</th><td>C-2026-000001"
	    "</td>"));
	ck_assert_ptr_nonnull(strstr(out, "出具单位：东湖社区志愿服务站"
	    "<span class=\"seal\">（盖章）</span>"));
	ck_assert_ptr_nonnull(strstr(out, "出具日期：2026年11月2日"));
	ck_assert_ptr_nonnull(strstr(out, "<svg xmlns=\"http://www.w3.org/2000/"
	    "svg\" class=\"qr\""));
	ck_assert_ptr_nonnull(strstr(out, "二维码内含"));
	ck_assert_ptr_nonnull(strstr(out, ">aGVhZGVy.cGF5bG9hZA.c2ln</pre>"));
	/* Chinese only: no English label of the table is printed. */
	ck_assert_ptr_null(strstr(out, "Certificate"));
	ck_assert_ptr_null(strstr(out, "hours"));
	free(out);
}
END_TEST

/* Without a catalogue the certificate is in English, and says so. */
START_TEST(certificate_page_english)
{
	char *out = certificate_html("{\"number\":\"C-2026-000003\","
	    "\"volunteer\":\"12\",\"name\":\"Li Si\",\"from\":\"2026-03-01\","
	    "\"to\":\"2026-03-31\",\"minutes\":90,\"shifts\":1,"
	    "\"activities\":[],\"stars\":0,\"community\":\"east\","
	    "\"station\":\"east-1\","
	    "\"issued_at\":\"2026-04-01T09:00:00+08:00\"}",
	    "aGVhZGVy.cGF5bG9hZA.c2ln", true);

	ck_assert_ptr_nonnull(strstr(out, "<html lang=\"en\">"));
	ck_assert_ptr_nonnull(strstr(out, "<h1>Certificate of Volunteer "
	    "Service</h1>"));
	ck_assert_ptr_nonnull(strstr(out, "<th>Period of service</th><td>"
	    "2026-03-01 to 2026-03-31</td>"));
	ck_assert_ptr_nonnull(strstr(out, "Date of issue: 2026-04-01"));
	free(out);
}
END_TEST

/* A payload of before activities and station names; no QR code. */
START_TEST(certificate_page_older)
{
	char *out;

	chinese();
	out = certificate_html("{\"number\":\"C-2025-000007\","
	    "\"volunteer\":\"12\",\"name\":\"李四\",\"from\":\"2025-03-01\","
	    "\"to\":\"2025-03-31\",\"minutes\":0,\"hours\":0,\"shifts\":0,"
	    "\"stars\":0,\"community\":\"east\",\"station\":\"east-1\","
	    "\"issued_at\":\"2025-04-01T09:00:00+08:00\"}",
	    "aGVhZGVy.cGF5bG9hZA.c2ln", false);

	assert_self_contained(out);
	ck_assert_ptr_nonnull(strstr(out, "系<strong>east</strong>注册志愿者"));
	ck_assert_ptr_nonnull(strstr(out, "<td>0.00小时（共0次）</td>"));
	ck_assert_ptr_null(strstr(out, "服务类别"));
	ck_assert_ptr_null(strstr(out, "星级"));
	ck_assert_ptr_nonnull(strstr(out, "出具单位：east-1"));
	ck_assert_ptr_nonnull(strstr(out, "出具日期：2025年4月1日"));
	ck_assert_ptr_null(strstr(out, "<svg"));
	ck_assert_ptr_nonnull(strstr(out, "无法生成二维码"));
	free(out);
}
END_TEST

/* A period without service: the kinds of service say so. */
START_TEST(certificate_page_no_service)
{
	char *out;

	chinese();
	out = certificate_html("{\"number\":\"C-2026-000002\","
	    "\"volunteer\":\"12\",\"name\":\"李四\",\"from\":\"2026-03-01\","
	    "\"to\":\"2026-03-31\",\"minutes\":0,\"hours\":0,\"shifts\":0,"
	    "\"activities\":[],\"stars\":0,\"community\":\"east\","
	    "\"community_name\":\"东湖社区\",\"station\":\"east-1\","
	    "\"station_name\":\"东湖社区志愿服务站\","
	    "\"issued_at\":\"2026-04-01T09:00:00+08:00\"}",
	    "aGVhZGVy.cGF5bG9hZA.c2ln", true);

	ck_assert_ptr_nonnull(strstr(out, "<th>服务类别</th><td>本期间无志愿服务"
	    "记录</td>"));
	free(out);
}
END_TEST

START_TEST(cards_sheets)
{
	json_t *cards = json_array();
	char *out = NULL, *number, *p, one[8];
	size_t len, i;
	FILE *f;

	chinese();
	for (i = 1; i <= 12; i++) {
		snprintf(one, sizeof(one), "V-%02zu", i);
		json_array_append_new(cards, json_pack("{s:s, s:s, s:s}",
		    "number", one, "name", i == 3 ? "王<五>" : "志愿者",
		    "community", "东湖社区"));
	}
	f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	html_cards(f, cards);
	ck_assert_int_eq(fclose(f), 0);
	assert_self_contained(out);
	ck_assert_ptr_nonnull(strstr(out, "@page{size:A4;margin:0}"));
	ck_assert_ptr_nonnull(strstr(out, "grid-template-columns:repeat(2,"
	    "85.6mm);grid-auto-rows:54mm"));
	/* Ten cards on the first sheet, two on the second, in order. */
	p = strstr(out, "<section class=\"sheet\">");
	for (i = 1; i <= 12; i++) {
		if (i == 11) {
			ck_assert_ptr_nonnull(strstr(p, "</section>\n<section "
			    "class=\"sheet\">"));
			ck_assert(strstr(p, "</section>\n<section "
			    "class=\"sheet\">") < strstr(p, "V-11"));
		}
		number = xasprintf("<span class=\"number\">V-%02zu</span>", i);
		p = strstr(p, number);
		ck_assert_msg(p != NULL, "no card %s in order", number);
		ck_assert_ptr_nonnull(strstr(p, "<svg xmlns="));
		free(number);
	}
	ck_assert_ptr_null(strstr(p, "<section class=\"sheet\">"));
	ck_assert_ptr_nonnull(strstr(out, "<p class=\"name\">王&lt;五&gt;</p>"));
	ck_assert_ptr_nonnull(strstr(out, "<span class=\"label\">所属社区"
	    "</span>东湖社区"));
	ck_assert_ptr_nonnull(strstr(out, "<p class=\"title\">志愿者服务卡</p>"));
	for (i = 0, p = out; (p = strstr(p, "<div class=\"card\">")) != NULL;
	    p++)
		i++;
	ck_assert_uint_eq(i, 12);
	free(out);
	json_decref(cards);
}
END_TEST

/* Run the tests; the exit status says whether any failed. */
int
main(void)
{
	return unit_main("html", NULL, NULL, UNIT_TESTS(escape,
	    bars_proportional, bars_labels, report_community,
	    report_volunteers_top30, certificate_page_english, certificate_page,
	    certificate_page_older,
	    certificate_page_no_service, cards_sheets));
}
