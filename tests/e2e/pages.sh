#!/usr/bin/env bash
# A volunteer's own page and the calendars, at capability URLs: the page
# shows the volunteer's figures, signs up and cancels for that volunteer
# only, says when sign-ups are blocked; a token is stored nowhere and
# logged nowhere, and a new one revokes the old; every action is logged
# with the link's id and limited in number; the iCalendar feeds parse
# with Python's icalendar and hold the right events; the report of
# places matches a count made from the sign-ups themselves.
. "$top_srcdir/tests/lib.sh"

harness_db
# Tokens made with link_key here (events.sh: from the signing key).
daemon_start "noshow_limit = 1" "link_key = 3b6e1f0a9c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0e1f2a3b"
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[int(k)] if isinstance(d, list) else d.get(k, "")
print(d)' "$1"; }
# page METHOD URL [curl args]: the status; the page in $T_DIR/body.
page() {
	local method=$1 url=$2
	shift 2
	curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' -X "$method" "$@" "$url"
}
# The value of element id $1 of the last page.
field() { sed -n "s/.*id=\"$1\"[^>]*>\\([^<]*\\)<.*/\\1/p" "$T_DIR/body" | head -n 1; }

vp community add C01 --name "东城社区" --population 12000 >/dev/null
vp community add C02 --name "West" --population 8000 >/dev/null
vp activity add traffic --name "Traffic guidance" --points-per-hour 10 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s2.key" >/dev/null
vp station add S01 --community C01 --name East --pubkey "$T_DIR/s1.key.pub" >/dev/null
vp station add S02 --community C02 --name West --pubkey "$T_DIR/s2.key.pub" >/dev/null
s1() { vp --key "$T_DIR/s1.key" "$@"; }
s2() { vp --key "$T_DIR/s2.key" "$@"; }
s1 volunteer add V-001 --name "张三" >/dev/null
s1 volunteer add V-002 --name "李四" >/dev/null
s2 volunteer add V-900 --name "West" >/dev/null
# 150 minutes this year: 2.5 hours, 25 points.
s1 shift log V-001 --activity traffic --start "$(t_at '-4 hours')" --end "$(t_at '-90 minutes')" >/dev/null
d1=$(t_date '+3 days' +%F); d2=$(t_date '+4 days' +%F)
# A title longer than a line of iCalendar (75 octets), in Chinese: the
# feed folds it without splitting a character.
title="路口引导 <b>&, 人民路和朗州路口的文明交通志愿服务：请提前十分钟到达，穿好志愿者马甲; 谢谢"
e1=$(s1 --json event add --activity traffic --title "$title" --place "人民路" --start "$d1 07:00" \
	--end "$d1 09:00" --places 1 | jget events.0.id)
e2=$(s1 --json event add --activity traffic --title "Second" --start "$d2 07:00" --end "$d2 09:00" \
	--places 3 | jget events.0.id)
e9=$(s2 --json event add --activity traffic --title "West only" --start "$d2 10:00" --end "$d2 11:00" \
	--places 3 | jget events.0.id)
late=$(s1 --json event add --activity traffic --title "Late" --start "$d2 12:00" --end "$d2 13:00" \
	--places 3 --cancel-by "$(t_at '-1 hour')" | jget events.0.id)
s1 signup add V-002 "$e2" >/dev/null
# Events with a requirement: a team's, for its members only.
vp team add civil --name "文明交通" --kind standing --community C01 >/dev/null
s1 volunteer add V-003 --name "王五" --team civil >/dev/null
eteam=$(s1 --json event add --activity traffic --title "Team only" --start "$d2 14:00" \
	--end "$d2 15:00" --places 3 --team civil | jget events.0.id)
v2signup=$(s1 --json signup list --volunteer V-002 | jget signups.0.id)

# The link: a token and a path; the QR code on the terminal.
link=$(s1 --json volunteer link V-001)
token=$(echo "$link" | jget token)
url="$DAEMON_URL$(echo "$link" | jget path)"
is "a link's token is 43 characters of base64url" "$(echo "$token" | grep -cE '^[A-Za-z0-9_-]{43}$')" 1
like "the client prints the URL and a QR code" "$(s1 volunteer link V-002)" "$DAEMON_URL/p/"
is "the database holds no token, only hashes" \
	"$(pgc_run "$(pgc_bindir)/pg_dump" -h "$(pgc_sockdir "$T_PG")" -U vpoints vpoints | grep -c -- "$token")" 0
is "... the hash of this one" "$(count "SELECT count(*) FROM links WHERE token_hash = encode(sha256('$token'), 'hex') AND revoked_at IS NULL")" 1

# The page: the figures, Chinese, strict headers.
is "the page answers 200" "$(page GET "$url")" 200
like "it is HTML" "$(http_header Content-Type)" "text/html"
like "with a strict Content-Security-Policy (no script)" "$(http_header Content-Security-Policy)" "default-src 'none'; style-src 'sha256-"
is "no referrer leaves it" "$(http_header Referrer-Policy)" "no-referrer"
is "it cannot be framed" "$(http_header X-Frame-Options)" "DENY"
is "search engines are told to keep out" "$(http_header X-Robots-Tag)" "noindex, nofollow"
like "it is in Chinese" "$(cat "$T_DIR/body")" 'lang="zh-CN"'
# (2.5, unless the year began in Beijing since the shift started.)
this_year=$(count "SELECT CASE WHEN count(*) = 1 THEN '2.5' ELSE '0.0' END FROM shifts WHERE started_at >= date_trunc('year', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'")
is "hours this year: $this_year" "$(field year-hours)" "$this_year"
is "points: 25" "$(field points)" 25
is "no star yet" "$(field star)" "尚未评星"
like "the events open to V-001 are listed, escaped" "$(cat "$T_DIR/body")" "路口引导 &lt;b&gt;&amp;"
ok "... not another community's" test "$(grep -c "West only" "$T_DIR/body")" = 0
ok "... nor a team's V-001 is not in" test "$(grep -c "data-event=\"$eteam\"" "$T_DIR/body")" = 0
like "... with the places still free: two of Second's three" "$(grep "data-event=\"$e2\"" "$T_DIR/body")" "(剩余名额 2)"
u3="$DAEMON_URL$(s1 --json volunteer link V-003 | jget path)"
page GET "$u3" >/dev/null
like "the team's event is on the page of V-003, who is in it" "$(cat "$T_DIR/body")" "data-event=\"$eteam\">Team only"
page GET "$url" >/dev/null
ok "the page has no script" test "$(grep -ci "<script" "$T_DIR/body")" = 0
ok "the token is not in the access log" test "$(grep -c -- "$token" "$DAEMON_LOG")" = 0
like "the log names the link" "$(grep "GET /p/" "$DAEMON_LOG" | tail -n 1)" "/p/{link "
# Nor by another method, or a path no route takes: what a phone sends
# when it reopens a tab, a link mistyped.
is "HEAD of the page: 405" "$(page HEAD "$url" -I)" 405
is "GET of a form's path: 405" "$(page GET "$url/signup")" 405
is "a path under the page no route takes: 404" "$(page GET "$url/")/$(page GET "$url/x")" 404/404
is "... and a station calendar's path with the page's token: 404" \
	"$(page GET "$DAEMON_URL/s/$token")" 404
ok "... none of them puts the token in the access log" test "$(grep -c -- "$token" "$DAEMON_LOG")" = 0
like "... which shows as far as a route goes" "$(cat "$DAEMON_LOG")" "GET /p/... 404"
is "English on asking" "$(page GET "$url?lang=en")" 200
like "... in English" "$(cat "$T_DIR/body")" "Hours this year"
page GET "$url?xlang=english" >/dev/null
ok "... not on a parameter whose name merely ends so" test "$(grep -c "Hours this year" "$T_DIR/body")" = 0

# Signing up and cancelling on the page, for V-001 only.
is "sign-up on the page: 201" "$(page POST "$url/signup" --data "event=$e1")" 201
is "... done" "$(sed -n 's/.*data-outcome="\([^"]*\)".*/\1/p' "$T_DIR/body")" ok
is "V-001 holds the place, signed up by the page" \
	"$(s1 --json signup list --volunteer V-001 | jget signups.0.status)/$(s1 --json signup list --volunteer V-001 | jget signups.0.via)" "place/page"
mine=$(s1 --json signup list --volunteer V-001 | jget signups.0.id)
like "the page lists the sign-up with its form" "$(cat "$T_DIR/body")" "data-signup=\"$mine\""
before=$(count "SELECT string_agg(id || state, ',' ORDER BY id) FROM signups")
is "cancelling V-002's sign-up through V-001's page: 404" "$(page POST "$url/cancel" --data "signup=$v2signup")" 404
is "... as an unknown sign-up" "$(sed -n 's/.*data-outcome="\([^"]*\)".*/\1/p' "$T_DIR/body")" unknown-signup
is "signing up for another community's event: refused" "$(page POST "$url/signup" --data "event=$e9")" 403
is "a form without an event: refused" "$(page POST "$url/signup" --data "event=x")" 404
is "GET on an action is no action" "$(page GET "$url/signup")" 405
is "the refusals changed no sign-up" "$(count "SELECT string_agg(id || state, ',' ORDER BY id) FROM signups")" "$before"
is "every action is logged with the link's id, refused ones too" \
	"$(count "SELECT string_agg(action || ':' || outcome, ',' ORDER BY a.id) FROM page_actions a JOIN links l ON l.id = a.link_id WHERE l.token_hash = encode(sha256('$token'), 'hex')")" \
	"signup:ok,cancel:unknown-signup,signup:outside-community,signup:unknown-event"
is "cancelling its own sign-up: 200" "$(page POST "$url/cancel" --data "signup=$mine")" 200
is "... cancelled" "$(s1 --json signup list --volunteer V-001 | jget signups.0.status)" cancelled

# The requester of completed help evaluates it from the page, as the
# resident served: once, and only their own.
outcome() { sed -n 's/.*data-outcome="\([^"]*\)".*/\1/p' "$T_DIR/body"; }
hid=$(s1 --json help request V-001 --points 5 --description "Carry the shopping" | jget id)
s1 help accept "$hid" --helper V-002 >/dev/null
s1 help complete "$hid" --minutes 30 >/dev/null
page GET "$url" >/dev/null
like "the page offers to evaluate the completed help V-001 asked for" "$(cat "$T_DIR/body")" "data-help-request=\"$hid\""
ok "... with a form that posts, no script" test "$(grep -c "action=\"/p/$token/evaluate\"" "$T_DIR/body")/$(grep -ci "<script" "$T_DIR/body")" = 1/0
u2e="$DAEMON_URL$(s1 --json volunteer link V-002 | jget path)"
is "V-002's page cannot evaluate help V-001 asked for: 404" "$(page POST "$u2e/evaluate" --data "help_request=$hid&score=1")" 404
is "... as an unknown help request" "$(outcome)" unknown-help-request
is "a score of 6 is refused" "$(page POST "$url/evaluate" --data "help_request=$hid&score=6")" 422
is "a comment of 1001 characters is refused" \
	"$(page POST "$url/evaluate" --data "help_request=$hid&score=3&comment=$(printf '%1001s' | tr ' ' x)")" 422
is "V-001 evaluates it from the page: 201" \
	"$(page POST "$url/evaluate" --data "help_request=$hid&score=4&comment=%E5%BE%88%E5%A5%BD+thanks")" 201
is "... done" "$(outcome)" ok
is "the evaluation is listed: the resident's, by the page, score and comment" \
	"$(s1 --json evaluation list --help-request "$hid" | /usr/bin/python3 -c 'import json, sys
e = json.load(sys.stdin)["evaluations"]
print(len(e), e[0]["role"], e[0]["via"], e[0]["score"], e[0]["comment"], e[0]["volunteer"])')" \
	"1 resident page 4 很好 thanks V-002"
ok "... and the page offers it no more" test "$(grep -c "data-help-request=\"$hid\"" "$T_DIR/body")" = 0
is "a second evaluation is refused: 409" "$(page POST "$url/evaluate" --data "help_request=$hid&score=5")" 409
is "... already-evaluated" "$(outcome)" already-evaluated
is "one evaluation stands" "$(count "SELECT count(*) FROM evaluations WHERE help_request_id = $hid")" 1
is "the evaluations through the pages are logged with their links" \
	"$(count "SELECT string_agg(v.number || ':' || outcome, ',' ORDER BY a.id) FROM page_actions a JOIN links l ON l.id = a.link_id JOIN volunteers v ON v.id = l.volunteer_id WHERE a.action = 'evaluate'")" \
	"V-002:unknown-help-request,V-001:invalid-field,V-001:invalid-field,V-001:ok,V-001:already-evaluated"

# No-shows: a late cancellation through the page reaches the limit of 1.
page POST "$url/signup" --data "event=$late" >/dev/null
lateid=$(s1 --json signup list --volunteer V-001 | /usr/bin/python3 -c 'import json,sys
print([s["id"] for s in json.load(sys.stdin)["signups"] if s["title"] == "Late"][0])')
page POST "$url/cancel" --data "signup=$lateid" >/dev/null
is "the page says V-001 is blocked" "$(page GET "$url"; grep -c 'id="blocked"' "$T_DIR/body")" "2001"
ok "... and offers no sign-up form" test "$(grep -c 'action="/p/[^"]*/signup' "$T_DIR/body")" = 0
is "a sign-up through the page is refused as blocked" "$(page POST "$url/signup" --data "event=$e2")" 409
is "... signup-blocked" "$(sed -n 's/.*data-outcome="\([^"]*\)".*/\1/p' "$T_DIR/body")" signup-blocked
like "... said in Chinese, what to do" "$(cat "$T_DIR/body")" "未能完成：缺席次数较多，暂时不能报名，请与服务站联系。"
ok "... with none of the ledger's English" test "$(grep -c 'did not come' "$T_DIR/body")" = 0
page POST "$url/signup?lang=en" --data "event=$e2" >/dev/null
like "... and in English on the English page" "$(cat "$T_DIR/body")" "Not done: Too many no-shows: ask the station to let you sign up again."
s1 volunteer unblock V-001 --reason "phoned" >/dev/null
is "after a station lifts it, the page signs up again" "$(page POST "$url/signup" --data "event=$e2")" 201

# The calendar: RFC 5545, parsed by an independent parser.
is "the calendar answers 200" "$(page GET "$url/calendar.ics")" 200
like "... as text/calendar" "$(http_header Content-Type)" "text/calendar"
cal=$(/usr/bin/python3 -c 'import sys, icalendar
c = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for e in c.walk("VEVENT"):
    print("%s|%s|%s|%d" % (e["SUMMARY"], e["DTSTART"].dt.isoformat(), e["STATUS"], len(e.walk("VALARM"))))' "$T_DIR/body" 2>&1)
expected=$(s1 --json signup list --volunteer V-001 | /usr/bin/python3 -c 'import json,sys,datetime
for s in sorted(json.load(sys.stdin)["signups"], key=lambda s: s["starts_at"]):
    if s["status"] in ("place", "waiting"):
        t = datetime.datetime.fromisoformat(s["starts_at"]).astimezone(datetime.timezone.utc)
        print("%s|%s|%s|1" % (s["title"], t.isoformat(), "CONFIRMED" if s["status"] == "place" else "TENTATIVE"))')
is "the volunteer's feed holds exactly the live sign-ups, with a reminder each" "$cal" "$expected"
slink=$(s1 --json station link S01)
is "the station's calendar answers 200" "$(page GET "$DAEMON_URL$(echo "$slink" | jget path)")" 200
is "... with its community's events (not another's)" "$(/usr/bin/python3 -c 'import sys, icalendar
c = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
print(",".join(sorted(str(e["SUMMARY"]) for e in c.walk("VEVENT"))))' "$T_DIR/body")" "Late,Second,Team only,$title"
ok "... in lines of at most 75 octets" /usr/bin/python3 -c 'import sys
sys.exit(max(len(l) for l in open(sys.argv[1], "rb").read().split(b"\r\n")) > 75)' "$T_DIR/body"
is "a volunteer's token opens no station calendar" "$(page GET "$DAEMON_URL/s/$token/calendar.ics")" 404
is "a station's token opens no volunteer page" "$(page GET "$DAEMON_URL/p/$(echo "$slink" | jget token)")" 404
refused_link=$(s2 --json station link S01 2>&1)
like "a station links only its own calendar" "$refused_link" "admin-only"

# Re-issuing revokes the old link; revoking leaves none.
new=$(s1 --json volunteer link V-001)
is "the new link names the one it revoked" "$(echo "$new" | jget revoked)" "$(count "SELECT id FROM links WHERE token_hash = encode(sha256('$token'), 'hex')")"
is "the old token opens nothing" "$(page GET "$url")" 404
is "the new one does" "$(page GET "$DAEMON_URL$(echo "$new" | jget path)")" 200
like "a station cannot link another community's volunteer" "$(s1 volunteer link V-900 2>&1)" "outside-community"
s1 volunteer link V-001 --revoke >/dev/null
is "revoked, no token opens the page" "$(page GET "$DAEMON_URL$(echo "$new" | jget path)")" 404
is "a token of the wrong shape: 404" "$(page GET "$DAEMON_URL/p/short")" 404

s1 volunteer add V-003 --name "王五" >/dev/null
u3="$DAEMON_URL$(s1 --json volunteer link V-003 | jget path)"
is "V-003's page opens" "$(page GET "$u3")" 200
s1 volunteer update V-003 --status left --reason "moved away" >/dev/null
is "once V-003 has left, the link opens nothing" "$(page GET "$u3")" 404
s1 volunteer update V-003 --status active --reason "came back" >/dev/null
is "... nor when they come back: the link went when they left" "$(page GET "$u3")" 404

# At most 30 actions in 10 minutes through one link.
last=$(s1 --json volunteer link V-002)
u2="$DAEMON_URL$(echo "$last" | jget path)"
for i in $(seq 1 30); do page POST "$u2/signup" --data "event=$e2" >/dev/null; done
is "the 31st action in 10 minutes is refused: 429" "$(page POST "$u2/signup" --data "event=$e2")" 429
is "... too-many-actions" "$(sed -n 's/.*data-outcome="\([^"]*\)".*/\1/p' "$T_DIR/body")" too-many-actions
# The refusals of the limit do not count towards it: once the oldest
# action is more than 10 minutes old, the next one is taken.
pgc_psql "$T_PG" -q -c "SET session_replication_role = replica" -c "UPDATE page_actions SET at = at - interval '11 minutes' WHERE id = (SELECT min(id) FROM page_actions WHERE link_id = (SELECT id FROM links WHERE token_hash = encode(sha256('$(echo "$last" | jget token)'), 'hex')))"
code=$(page POST "$u2/signup" --data "event=$e2")
ok "... a volunteer who tried again while held back is held back no longer ($code)" test "$code" != 429

# The report of places against a count made from the sign-ups.
pgc_psql "$T_PG" -q -c "UPDATE events SET opens_at = opens_at - interval '9 days', closes_at = closes_at - interval '9 days', cancel_by = cancel_by - interval '9 days', starts_at = starts_at - interval '9 days', ends_at = ends_at - interval '9 days' WHERE id = $e2"
month=$(count "SELECT to_char(starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') FROM events WHERE id = $e2")
report=$(s1 --json event report --month "$month")
ids=$(s1 --json event list --from "$month-01" --to "$(date -d "$month-01 +1 month -1 day" +%F)" | /usr/bin/python3 -c 'import json,sys
print(" ".join(str(e["id"]) for e in json.load(sys.stdin)["events"] if e["status"] != "cancelled" and e["starts_at"][:7] == sys.argv[1]))' "$month")
computed=$(for e in $ids; do s1 --json event show "$e"; echo; done | /usr/bin/python3 -c 'import json,sys
dec = json.JSONDecoder(); text = sys.stdin.read().strip(); i = 0; out = []
while i < len(text):
    e, n = dec.raw_decode(text, i); i = n
    while i < len(text) and text[i].isspace(): i += 1
    s = e["signups"]
    out.append("%d:%d:%d:%d:%d" % (e["id"], e["places"],
        sum(x["state"] == "place" for x in s), sum(x["status"] == "no-show" or x["state"] == "late" for x in s),
        sum(bool(x["walk_in"]) for x in s)))
print(",".join(sorted(out)))')
reported=$(echo "$report" | /usr/bin/python3 -c 'import json,sys
r = json.load(sys.stdin)
print(",".join(sorted("%d:%d:%d:%d:%d" % (e["event"], e["offered"], e["filled"], e["noshows"], e["walk_ins"]) for e in r["events"])))')
is "per event, places offered, filled, no-shows, walk-ins match the sign-ups" "$reported" "$computed"
like "... an event that passed unattended counts its places as no-shows" "$reported" "$e2:3:"
is "the community's totals are the sum of its events" "$(echo "$report" | /usr/bin/python3 -c 'import json,sys
r = json.load(sys.stdin); c = r["communities"][0]
print(c["offered"] == sum(e["offered"] for e in r["events"]) and c["filled"] == sum(e["filled"] for e in r["events"]) and c["noshows"] == sum(e["noshows"] for e in r["events"]))')" True
is "... and per activity" "$(echo "$report" | /usr/bin/python3 -c 'import json,sys
r = json.load(sys.stdin); a = r["activities"]
print(len(a) == 1 and a[0]["offered"] == sum(e["offered"] for e in r["events"]) and a[0]["noshows"] == sum(e["noshows"] for e in r["events"]))')" True
like "the volunteers at the no-show limit are listed" "$(echo "$report" | jget blocked)" "V-002"

# One token's bucket takes 120 requests a minute: 241 in a row meet a 429
# even when a new minute begins among them (an unknown token: 404 until
# then).
spray=$DAEMON_URL/p/$(printf 'A%.0s' $(seq 43))
codes=$(curl -s -w '%{http_code}\n' $(for i in $(seq 241); do echo "-o /dev/null $spray"; done))
is "241 requests of one token: 404s, then 429" "$(sort -u <<<"$codes" | tr '\n' ' ')" "404 429 "
first=$(grep -n -m 1 429 <<<"$codes" | cut -d: -f1)
is "... the first 429 after at least 120" "$(( ${first:-0} > 120 ))" 1
ok "SIGTERM exits 0" daemon_stop
