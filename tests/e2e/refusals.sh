#!/usr/bin/env bash
# Refusals carry the values their sentence names, as RFC 9457 extension
# members (doc/api.md, "Problem types"): on the wire for the main ones,
# never overwriting the problem's own members; and the client says each
# from its type and members (client/refusal.c), numbers included.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/signed.sh"

harness_db
daemon_start "back_entry_days = 36500"
admin_new A || { echo "Bail out! no admin key"; exit 1; }
harness_admin

must() {
	call "$@"
	case $STATUS in 2??) ;; *)
		echo "Bail out! $2 $3 $4: $STATUS $(head -c 300 "$T_DIR/body")"
		exit 1 ;;
	esac
}
member() {	# desc name want: the last answer's member
	is "$1" "$(field "$2")" "$3"
}

must A POST /v1/communities '{"code":"C01","name":"East","population":1000}'
must A POST /v1/activities '{"code":"clean","name":"Cleaning","points_per_hour":10}'
station_new A S01 C01 || { echo "Bail out! no station"; exit 1; }
must S01 POST /v1/volunteers '{"number":"V1","name":"Zhang San"}'
must S01 POST /v1/shifts "{\"volunteer\":\"V1\",\"activity\":\"clean\",\"started_at\":\"$(t_at '-3 hours')\",\"ended_at\":\"$(t_at '-2 hours')\"}"
shift_id=$(field id)
must S01 POST /v1/catalog '{"code":"towel","name":"Towel","category":"gift","price":4,"stock":2}'

# Points and stock: V1 has 10 points.
call S01 POST /v1/redemptions '{"volunteer":"V1","item":"towel","quantity":3}'
answered "three towels, two in stock: 409 out-of-stock" 409 out-of-stock "Towel: 2 in stock, 3 asked."
member "... stock" stock 2
member "... quantity" quantity 3
member "... item" item towel
must S01 POST /v1/catalog/towel/restock '{"quantity":5}'
call S01 POST /v1/redemptions '{"volunteer":"V1","item":"towel","quantity":3}'
answered "three towels for 10 points: 409 insufficient-points" 409 insufficient-points "V1 has 10 points; 3 × Towel costs 12."
member "... balance" balance 10
member "... price" price 4
member "... cost" cost 12
member "... needed" needed 2
member "... volunteer" volunteer V1
member "... the problem's own members stay" type urn:vpoints:problem:insufficient-points

# Shifts: an overlap names the other shift.
call S01 POST /v1/shifts "{\"volunteer\":\"V1\",\"activity\":\"clean\",\"started_at\":\"$(t_at '-150 minutes')\",\"ended_at\":\"$(t_at '-1 hours')\"}"
answered "a shift over another: 409 shift-overlap" 409 shift-overlap
member "... the other is a shift" other_kind shift
member "... its id" other_id "$shift_id"
member "... its start, in the programme's zone" other_start "$(TZ=Asia/Shanghai t_date '-3 hours' +%Y-%m-%dT%H:%M:00+08:00)"
member "... its end" other_end "$(TZ=Asia/Shanghai t_date '-2 hours' +%Y-%m-%dT%H:%M:00+08:00)"

# Months: a closed month names the open one.
prev=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai t_date '' +%Y-%m-01) -1 month" +%Y-%m)
this=$(TZ=Asia/Shanghai t_date '' +%Y-%m)
call A POST /v1/months/$this/close '{}'
answered "closing the month in progress: 409 month-not-over" 409 month-not-over
member "... month" month "$this"
must A POST /v1/months/$prev/close '{}'
call S01 POST /v1/shifts "{\"volunteer\":\"V1\",\"activity\":\"clean\",\"started_at\":\"${prev}-10T09:00:00+08:00\",\"ended_at\":\"${prev}-10T10:00:00+08:00\"}"
answered "a shift in the closed month: 409 month-closed" 409 month-closed
member "... closed_month" closed_month "$prev"
member "... open_month" open_month "$this"
member "... open_from" open_from "$this-01"
member "... date" date "${prev}-10"

# Fields: the bounds of a range.
call S01 POST /v1/catalog '{"code":"x","name":"X","category":"gift","price":0,"stock":1}'
answered "a price of 0: 422 invalid-field" 422 invalid-field
member "... field" field price
member "... reason" reason range
member "... min" min 1
call S01 GET /v1/volunteers/NOBODY
answered "an unknown volunteer: 404" 404 unknown-volunteer
member "... volunteer" volunteer NOBODY

# A refusal raised outside vp_call's handler (here by the months lock
# every write takes first) reaches the daemon as a database error: the
# daemon merges its members, and cannot be made to overwrite the
# problem's own.
fn=$(pgc_psql "$T_PG" -At -c "SELECT pg_get_functiondef('vp_months_enter'::regproc)")
pgc_psql "$T_PG" -q -v ON_ERROR_STOP=1 -c "
CREATE OR REPLACE FUNCTION vp_months_enter() RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	PERFORM vp_refuse(409, 'test-refusal', 'Refused outside.',
	    jsonb_build_object('count', 3, 'type', 'x', 'status', 200,
	    'detail', 'y', 'title', 'z', 'instance', 'w'));
END \$\$;"
call A POST /v1/communities '{"code":"C09","name":"Nine","population":1}'
answered "a refusal the daemon turns into a problem: 409 test-refusal" 409 test-refusal "Refused outside."
member "... its member" count 3
member "... type stays" type urn:vpoints:problem:test-refusal
member "... title stays" title test-refusal
member "... status stays" status 409
member "... no instance made up" instance null
printf '%s;\n' "$fn" | pgc_psql "$T_PG" -q -v ON_ERROR_STOP=1
must A POST /v1/communities '{"code":"C09","name":"Nine","population":1}'

# From C: a body over the limit says the limit.
big=$(head -c 70000 /dev/zero | tr '\0' a)
code=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "{\"x\":\"$big\"}" "$DAEMON_URL/v1/volunteers")
STATUS=$code
answered "a body over max_body_size: 413 body-too-large" 413 body-too-large
member "... limit" limit 65536
code=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "$DAEMON_URL/healthz")
STATUS=$code
answered "a head over max_header_size: 400 bad-request" 400 bad-request "larger than the server takes"
member "... limit" limit 8192

# Sign-ups: a refusal names the event, its window and its places.
d5=$(TZ=Asia/Shanghai t_date '+5 days' +%F)
d10=$(TZ=Asia/Shanghai t_date '+10 days' +%F)
must S01 POST /v1/events "{\"activity\":\"clean\",\"title\":\"Riverside\",\"starts_at\":\"${d10}T09:00:00+08:00\",\"ends_at\":\"${d10}T11:00:00+08:00\",\"opens_at\":\"${d5}T09:00:00+08:00\",\"places\":3}"
later=$(field events.0.id)
call S01 POST /v1/signups "{\"volunteer\":\"V1\",\"event\":\"$later\"}"
answered "a sign-up before the window opens: 409 signup-closed" 409 signup-closed
member "... event" event "$later"
member "... its title (the problem's own title stays)" event_title Riverside
member "... opens_at, in the programme's zone" opens_at "${d5}T09:00:00+08:00"
member "... closes_at (the start, by default)" closes_at "${d10}T09:00:00+08:00"
must S01 POST /v1/volunteers '{"number":"V2","name":"Li Si"}'
must S01 POST /v1/events "{\"activity\":\"clean\",\"title\":\"Now\",\"starts_at\":\"$(t_at '-30 minutes')\",\"ends_at\":\"$(t_at '+90 minutes')\",\"opens_at\":\"$(t_at '-1 day')\",\"closes_at\":\"$(t_at '+60 minutes')\",\"places\":1}"
running=$(field events.0.id)
must S01 POST /v1/shifts/checkin "{\"volunteer\":\"V1\",\"event\":\"$running\"}"
call S01 POST /v1/shifts/checkin "{\"volunteer\":\"V2\",\"event\":\"$running\"}"
answered "a second walk-in to one place: 409 event-full" 409 event-full
member "... reason" reason walk-in
member "... places" places 1
member "... event" event "$running"
member "... volunteer" volunteer V2

# The client says them from type and members, with the numbers.
"$VPOINTS" keygen --out "$T_DIR/S02.key" >/dev/null
vp station add S02 --community C01 --name "East two" --pubkey "$T_DIR/S02.key.pub" >/dev/null
vp --key "$T_DIR/S02.key" catalog add cup --name Cup --category gift --price 6 --stock 1 >/dev/null
out=$(vp --key "$T_DIR/S02.key" redeem V1 cup --qty 2 2>&1)
like "client: out of stock, with the numbers" "$out" "out-of-stock: Cup: 1 in stock, 2 asked. (HTTP 409)"
vp --key "$T_DIR/S02.key" catalog restock cup --quantity 1 >/dev/null
out=$(vp --key "$T_DIR/S02.key" redeem V1 cup --qty 2 2>&1)
like "client: not enough points, with balance and cost" "$out" "V1 has 10 points; 2 × Cup costs 12. (HTTP 409)"
out=$(zh vp --key "$T_DIR/S02.key" redeem V1 cup --qty 2 2>&1)
like "client, zh_CN: the same refusal in Chinese, with the numbers" "$out" "V1 现有 10 积分；2 × Cup 需要 12 积分。"
out=$(vp month close "$prev" 2>&1)
like "client: a month closed already" "$out" "$prev is closed already. (HTTP 409)"
out=$(vp --key "$T_DIR/S02.key" shift log V1 --activity clean --start "$(t_at '-150 minutes')" --end "$(t_at '-1 hours')" 2>&1)
like "client: the overlap names the other shift and its times" "$out" \
	"Volunteer V1 has another shift at that time: shift $shift_id, $(TZ=Asia/Shanghai t_date '-3 hours' '+%Y-%m-%d %H:%M') to $(TZ=Asia/Shanghai t_date '-2 hours' '+%Y-%m-%d %H:%M'). (HTTP 409)"
out=$(vp --key "$T_DIR/S02.key" catalog add y --name Y --category gift --price 0 --stock 1 2>&1)
like "client: a field out of range, with its bounds" "$out" '"price" must be from 1 to 1000000. (HTTP 422)'
out=$(vp --key "$T_DIR/S02.key" signup add V2 "$later" 2>&1)
like "client: a closed sign-up names the event and its window" "$out" \
	"signup-closed: Sign-up for event $later (Riverside) is open from $d5 09:00 until $d10 09:00. (HTTP 409)"
out=$(zh vp --key "$T_DIR/S02.key" signup add V2 "$later" 2>&1)
like "client, zh_CN: the same in Chinese, with the times" "$out" \
	"活动 $later（Riverside）的报名时间为 $d5 09:00 至 $d10 09:00。"
out=$(vp --key "$T_DIR/S02.key" shift checkin V2 --event "$running" 2>&1)
like "client: a full event says its places" "$out" \
	"event-full: Event $running (Now) is full (places: 1): there is none left for a walk-in. (HTTP 409)"

# Every problem type the daemon or the ledger sends is in doc/api.md's
# table, and the client has a sentence for it.
missing=$(/usr/bin/python3 - "$top_srcdir" <<'PY'
import glob, re, sys
top = sys.argv[1]
slugs = set()
for f in glob.glob(top + "/sql/functions/*.sql"):
    slugs |= set(re.findall(r"vp_(?:refuse|problem)\(\d{3}, '([a-z-]+)'", open(f).read()))
slugs |= set(re.findall(r'WIRE_PROBLEM\("([a-z-]+)"\)', open(top + "/common/wire.h").read()))
slugs |= set(re.findall(r'\[SIG_[A-Z_]+\] = \{ "([a-z-]+)",', open(top + "/common/sig.c").read())) - {"ok"}
doc = open(top + "/doc/api.md").read()
table = doc[doc.index("## Problem types"):doc.index("A `detail` is a sentence")]
client = open(top + "/client/refusal.c").read()
for s in sorted(slugs):
    if "`%s`" % s not in table:
        print("not in doc/api.md:", s)
    if not re.search(r'\{ "%s[/"]' % re.escape(s), client):
        print("no sentence in client/refusal.c:", s)
PY
)
is "every problem type is documented and has a sentence" "$missing" ""
ok "vpointsd stops cleanly" daemon_stop
