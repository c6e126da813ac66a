#!/usr/bin/env bash
# Events to sign up for, through the real client and two daemons on one
# database: many concurrent sign-ups take exactly the places and the rest
# wait in order; a cancellation before the deadline frees a place for the
# first waiting; a late cancellation is a no-show, and the no-show limit
# blocks new sign-ups until a station lifts it; a check-in by the
# volunteer's number alone finds the sign-up and opens the event's
# shift; every refusal is its own problem type and changes nothing.
. "$top_srcdir/tests/lib.sh"

LOADTOOL="$top_srcdir/tests/loadtool.py"
N=30	# volunteers racing for the places
P=8	# places

harness_db
daemon_start "noshow_limit = 2" "noshow_days = 30"
harness_admin
daemon_start_another || { echo "Bail out! the second vpointsd did not start"; exit 1; }

count() { pgc_psql "$T_PG" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[int(k)] if isinstance(d, list) else d.get(k, "")
print(d)' "$1"; }
# refused DESC SLUG COMMAND...: the command fails with the problem SLUG.
refused() {
	local desc=$1 slug=$2
	shift 2
	if "$@" >"$T_DIR/last.out" 2>&1; then
		t_result fail "$desc"
		sed 's/^/# /' "$T_DIR/last.out"
	else
		like "$desc" "$(cat "$T_DIR/last.out")" ": $slug:"
	fi
}
state() { count "SELECT (SELECT count(*) FROM events) || '/' || (SELECT count(*) FROM signups) || '/' || (SELECT string_agg(state, ',' ORDER BY id) FROM signups) || '/' || (SELECT count(*) FROM checkins)"; }

vp community add C01 --name "东城社区" --population 12000 >/dev/null
vp community add C02 --name "West" --population 8000 >/dev/null
vp activity add traffic --name "Traffic guidance" --points-per-hour 10 >/dev/null
vp activity add clean --name "Street cleaning" --points-per-hour 10 >/dev/null
vp team add civil --name "文明交通" --kind standing --community C01 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s2.key" >/dev/null
vp station add S01 --community C01 --name East --pubkey "$T_DIR/s1.key.pub" >/dev/null
vp station add S02 --community C02 --name West --pubkey "$T_DIR/s2.key.pub" >/dev/null
s1() { vp --key "$T_DIR/s1.key" "$@"; }
s2() { vp --key "$T_DIR/s2.key" "$@"; }
for i in $(seq 1 $N); do s1 volunteer add "V-$(printf %03d "$i")" --name "Volunteer $i" >/dev/null || break; done
for v in V-050 V-060 V-061 V-070; do s1 volunteer add $v --name "Volunteer $v" >/dev/null; done
s1 volunteer add V-080 --name "In the team" --team civil >/dev/null
s1 volunteer add V-090 --name Suspended >/dev/null
s1 volunteer update V-090 --status suspended --reason "test" >/dev/null
s2 volunteer add V-900 --name "West volunteer" >/dev/null
is "set-up: $((N + 7)) volunteers" "$(count "SELECT count(*) FROM volunteers")" $((N + 7))

# Publishing: one event, and a series every Saturday for five weeks.
day=$(t_date '+3 days' +%F)
e1=$(s1 --json event add --activity traffic --title "交通引导 人民路和朗州路口" \
	--place "人民路和朗州路口" --start "$day 07:00" --end "$day 09:00" --places $P \
	--lead "Zhou" | jget events.0.id)
ok "an event gets an id" test -n "$e1"
like "it lists with its places" "$(s1 event list)" "交通引导"
until=$(t_date '+35 days' +%F)
# In the daemon's zone, whatever this machine's: the days of a series are
# the daemon's.
series=$(s1 --json event add --activity traffic --title "Saturday guidance" --start "${day}T14:00:00+08:00" \
	--end "${day}T16:00:00+08:00" --places 3 --every saturday --until "$until")
expected=$(/usr/bin/python3 -c 'import datetime,sys
a=datetime.date.fromisoformat(sys.argv[1]); b=datetime.date.fromisoformat(sys.argv[2])
print(sum(1 for i in range((b-a).days+1) if (a+datetime.timedelta(i)).weekday()==5))' "$day" "$until")
is "a series has one event each Saturday until its end ($expected)" \
	"$(echo "$series" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["events"]))')" "$expected"
is "... each on a Saturday at 14:00 in the daemon's zone" \
	"$(count "SELECT bool_and(extract(isodow FROM starts_at AT TIME ZONE 'Asia/Shanghai') = 6 AND (starts_at AT TIME ZONE 'Asia/Shanghai')::time = '14:00') FROM events WHERE series_id IS NOT NULL")" t
refused "an event ending before it starts is refused" invalid-times \
	s1 event add --activity traffic --title x --start "$day 09:00" --end "$day 08:00" --places 1
refused "a station publishes for its own community only" outside-community \
	s1 event add --activity traffic --title x --start "$day 09:00" --end "$day 10:00" --places 1 --community C02

# The race: each of N volunteers signs up twice at once, through both
# daemons: N sign-ups succeed, exactly P with a place, the rest wait.
for i in $(seq 1 $N); do
	for _ in 1 2; do
		printf '{"method":"POST","path":"/v1/signups","body":{"volunteer":"V-%03d","event":"%s"}}\n' "$i" "$e1"
	done
done >"$T_DIR/race.jobs"
/usr/bin/python3 "$LOADTOOL" race --server "$DAEMON_URL" --server "$ANOTHER_URL" \
	--key "$T_DIR/s1.key" --connections 24 --jobs "$T_DIR/race.jobs" >"$T_DIR/race.json" 2>"$T_DIR/race.err"
is "race: the driver ran to the end" "$?" 0
echo "# race: $(cat "$T_DIR/race.json")"
is "race: $N of $((2 * N)) sign-ups succeed" "$(jget status.201 <"$T_DIR/race.json")" $N
is "race: the others are refused as signed up already" "$(jget slugs.already-signed-up <"$T_DIR/race.json")" $N
is "race: exactly $P hold a place" "$(count "SELECT count(*) FROM signups WHERE event_id = $e1 AND state = 'place'")" $P
is "race: $((N - P)) wait" "$(count "SELECT count(*) FROM signups WHERE event_id = $e1 AND state = 'waiting'")" $((N - P))
is "race: the places went to the first $P sign-ups" \
	"$(count "SELECT bool_and(state = 'place') = (count(*) = $P) FROM (SELECT state FROM signups WHERE event_id = $e1 ORDER BY id LIMIT $P) x")" t
positions=$(s1 --json signup list --event "$e1" | /usr/bin/python3 -c 'import json,sys
print(",".join(str(s["position"]) for s in json.load(sys.stdin)["signups"] if s["status"] == "waiting"))')
is "race: the waiting list is numbered 1 to $((N - P)) in the order of sign-up" "$positions" "$(seq -s, 1 $((N - P)))"
is "the event says so" "$(s1 --json event show "$e1" | jget taken)/$(s1 --json event show "$e1" | jget waiting)" "$P/$((N - P))"

# Cancelling a place before the deadline promotes the first waiting.
first_waiting=$(count "SELECT v.number FROM signups s JOIN volunteers v ON v.id = s.volunteer_id WHERE s.event_id = $e1 AND s.state = 'waiting' ORDER BY s.id LIMIT 1")
second_waiting=$(count "SELECT v.number FROM signups s JOIN volunteers v ON v.id = s.volunteer_id WHERE s.event_id = $e1 AND s.state = 'waiting' ORDER BY s.id OFFSET 1 LIMIT 1")
holder=$(count "SELECT id FROM signups WHERE event_id = $e1 AND state = 'place' ORDER BY id LIMIT 1")
out=$(s1 --json signup cancel "$holder")
is "a cancellation before the deadline is no no-show" "$(echo "$out" | jget status)/$(echo "$out" | jget noshow)" "cancelled/False"
is "... and promotes the first waiting, $first_waiting" "$(echo "$out" | jget promoted.0)" "$first_waiting"
like "the client says who moved up" "$(s1 signup list --volunteer "$first_waiting")" "place"
like "... in Chinese too" "$(zh s1 signup list --volunteer "$first_waiting")" "已报名"
is "the next waiting, $second_waiting, is now number 1" \
	"$(s1 --json signup list --volunteer "$second_waiting" | jget signups.0.position)" 1
is "still exactly $P places taken" "$(count "SELECT count(*) FROM signups WHERE event_id = $e1 AND state = 'place'")" $P
refused "a cancelled sign-up cannot be cancelled again" signup-not-live s1 signup cancel "$holder"

# Refusals, each its own problem type, each changing nothing.
before=$(state)
later=$(s1 --json event add --activity clean --title "Not yet open" --start "$(t_date '+10 days' +%F) 09:00" \
	--end "$(t_date '+10 days' +%F) 11:00" --places 5 --opens "$(t_date '+5 days' +%F) 09:00" | jget events.0.id)
team=$(s1 --json event add --activity traffic --title "Team only" --start "$(t_date '+4 days' +%F) 07:00" \
	--end "$(t_date '+4 days' +%F) 09:00" --places 5 --team civil | jget events.0.id)
overlap=$(s1 --json event add --activity clean --title "Overlapping" --start "$day 08:00" \
	--end "$day 10:00" --places 5 | jget events.0.id)
before=$(state)
refused "no sign-up before the window opens" signup-closed s1 signup add V-050 "$later"
refused "none by a suspended volunteer" volunteer-suspended s1 signup add V-090 "$overlap"
refused "none by one not in the required team" requirement-unmet s1 signup add V-050 "$team"
ok "one in the team may" s1 signup add V-080 "$team"
live=$(count "SELECT v.number FROM signups s JOIN volunteers v ON v.id = s.volunteer_id WHERE s.event_id = $e1 AND s.state IN ('place', 'waiting') ORDER BY s.id LIMIT 1")
refused "none overlapping another sign-up" signup-overlap s1 signup add "$live" "$overlap"
refused "a station signs up its own community's volunteers only" outside-community s1 signup add V-900 "$overlap"
refused "... and no other community's volunteer joins a community's event" outside-community s2 signup add V-900 "$overlap"
refused "an unknown event" unknown-event s1 signup add V-050 999999
is "refused sign-ups change nothing" "$(count "SELECT count(*) FROM signups WHERE state IN ('place', 'waiting')")" "$N"
city=$(vp --json event add --activity clean --title "City-wide clean-up" --start "$(t_date '+6 days' +%F) 09:00" \
	--end "$(t_date '+6 days' +%F) 11:00" --places 2 | jget events.0.id)
ok "a city-wide event takes any community's volunteers" s2 signup add V-900 "$city"
ok "... and others" s1 signup add V-050 "$city"
is "... V-050 has a place" "$(s1 --json signup list --volunteer V-050 | jget signups.0.status)" place

# An event that requires a qualification, held on the event's day: V-060
# holds first-aid for good; V-061's expires before the event.
qday=$(t_date '+12 days' +%F)
qev=$(s1 --json event add --activity clean --title "First-aid post" --start "$qday 09:00" \
	--end "$qday 11:00" --places 5 --requires first-aid | jget events.0.id)
is "the event requires first-aid" "$(s1 --json event show "$qev" | jget requires)" first-aid
like "... and the list says so" "$(s1 event list --from "$qday" --to "$qday")" "first-aid"
s1 qualification grant V-060 first-aid --issued-on "$(t_date '-100 days' +%F)" >/dev/null
s1 qualification grant V-061 first-aid --issued-on "$(t_date '-300 days' +%F)" \
	--expires-on "$(t_date '+11 days' +%F)" >/dev/null
ok "a qualified volunteer signs up" s1 signup add V-060 "$qev"
refused "one whose qualification expires before the event's day is refused" \
	requirement-unmet s1 signup add V-061 "$qev"
is "... the refusal names the qualification and the day" \
	"$(s1 --json signup add V-061 "$qev" 2>&1 | /usr/bin/python3 -c 'import json, sys
t = sys.stdin.read(); p = json.loads(t[t.find("{"):])
print(p.get("qualification"), p.get("on"))')" "first-aid $qday"
is "... and changes nothing" "$(count "SELECT count(*) FROM signups WHERE event_id = $qev")" 1
like "the client says which qualification, held on which day" "$(s1 signup add V-061 "$qev" 2>&1)" \
	"requires qualification first-aid, which volunteer V-061 does not hold on $qday."
like "... in Chinese too" "$(zh s1 signup add V-061 "$qev" 2>&1)" "要求资质 first-aid，志愿者 V-061 在 $qday 不持有该资质"
ok "a station renews V-061's first-aid" s1 qualification grant V-061 first-aid \
	--issued-on "$(t_date '+0 days' +%F)" --expires-on "$(t_date '+2 years' +%F)"
ok "... and V-061 signs up" s1 signup add V-061 "$qev"
fails "an event cannot require a qualification that is no code" s1 event add --activity clean \
	--title "Bad" --start "$qday 12:00" --end "$qday 13:00" --places 1 --requires "First Aid"

# No-shows: two late cancellations (the deadline has passed) reach the
# limit of 2; a third sign-up is refused until a station lifts the block.
late_event() {
	s1 --json event add --activity clean --title "$1" --start "$(t_date "$2" +%F) 09:00" \
		--end "$(t_date "$2" +%F) 10:00" --places 5 --cancel-by "$(t_at '-1 hour')" | jget events.0.id
}
l1=$(late_event "Late one" '+20 days'); l2=$(late_event "Late two" '+21 days'); l3=$(late_event "Third" '+22 days')
sid=$(s1 --json signup add V-060 "$l1" | jget id)
out=$(s1 --json signup cancel "$sid")
is "a cancellation after the deadline counts as a no-show" "$(echo "$out" | jget status)/$(echo "$out" | jget noshow)" "late/True"
sid=$(s1 --json signup add V-060 "$l2" | jget id)
s1 signup cancel "$sid" >/dev/null
is "V-060 has 2 no-shows" "$(s1 --json signup list --volunteer V-060 | jget noshows)" 2
refused "at the limit, new sign-ups are refused" signup-blocked s1 signup add V-060 "$l3"
like "the client says the volunteer is blocked" "$(s1 signup list --volunteer V-060 2>&1)" "blocked"
refused "an unblocked volunteer has nothing to lift" not-blocked s1 volunteer unblock V-061 --reason "none"
refused "lifting needs a reason" invalid-field s1 volunteer unblock V-060 --reason " "
like "a station lifts the block" "$(s1 volunteer unblock V-060 --reason "talked it over")" "V-060"
ok "... and V-060 may sign up again" s1 signup add V-060 "$l3"
like "the history says who lifted it" "$(s1 --json volunteer show V-060 --history)" '"action": "unblock"'

# Check-in by scan: during an event, the volunteer's number alone finds
# the sign-up and opens the shift for the event's activity and place.
now_day=$(t_date '' +%F)
run=$(s1 --json event add --activity traffic --title "Morning guidance" --place "朗州路口" \
	--start "$(t_at '-30 minutes')" --end "$(t_at '+90 minutes')" --places 2 \
	--opens "$(t_at '-1 day')" --closes "$(t_at '+60 minutes')" --lead "Zhou" | jget events.0.id)
ok "sign-up while the event runs and its window is open" s1 signup add V-070 "$run"
refused "a check-in with no sign-up now and no activity is refused" no-signup s1 shift checkin V-061
checkin=$(s1 --json shift checkin V-070 --start "$(t_at '-20 minutes')")
is "the scan opens the shift for the event's activity" "$(echo "$checkin" | jget activity)" traffic
is "... at its place" "$(echo "$checkin" | jget place)" "朗州路口"
is "... under its title" "$(echo "$checkin" | jget activity_name)" "Morning guidance"
is "... against the sign-up of that event" "$(echo "$checkin" | jget event)" "$run"
shift_id=$(echo "$checkin" | jget id)
is "the sign-up is attended" "$(s1 --json signup list --event "$run" | jget signups.0.status)" attended
refused "the same volunteer cannot check in to it twice" already-checked-in s1 shift checkin V-070 --event "$run" --start "$(t_at '-1 minute')"
walk=$(s1 --json shift checkin V-061 --event "$run")
is "a walk-in takes a free place" "$(echo "$walk" | jget walk_in)" True
refused "a second walk-in finds the event full" event-full s1 shift checkin V-050 --event "$run"
refused "an attended sign-up cannot be cancelled" already-checked-in \
	s1 signup cancel "$(s1 --json signup list --event "$run" | jget signups.0.id)"
out=$(s1 --json shift checkout "$shift_id")
is "check-out records the shift with the event's place" "$(echo "$out" | jget place)" "朗州路口"
ok "a plain check-in by activity still works" s1 shift checkin V-050 --activity clean --start "$(t_at '-2 hours')"
ladder=$(s1 --json event add --activity traffic --title "Ladder work" --start "$(t_at '-30 minutes')" \
	--end "$(t_at '+90 minutes')" --places 2 --opens "$(t_at '-1 day')" --closes "$(t_at '+60 minutes')" \
	--requires ladder | jget events.0.id)
refused "a check-in against an event without its qualification is refused" requirement-unmet \
	s1 shift checkin V-060 --event "$ladder"
# A sign-up the rules did not check (written into the database) is
# checked at check-in, the event named or found by the sign-up.
count "INSERT INTO signups (event_id, volunteer_id, state, keyid) SELECT $ladder, v.id, 'place', e.keyid FROM volunteers v, events e WHERE v.number = 'V-060' AND e.id = $ladder" >/dev/null
refused "... a sign-up without it too" requirement-unmet s1 shift checkin V-060 --event "$ladder"
refused "... found by the sign-up" requirement-unmet s1 shift checkin V-060

# Cancelling an event.
refused "a station cannot cancel a city-wide event" admin-only s1 event cancel "$city" --reason x
sat2=$(echo "$series" | jget events.1.id)
out=$(s1 --json event cancel "$sat2" --series --reason "road works")
is "cancelling with --series cancels it and the later ones" \
	"$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["cancelled"]))')" $((expected - 1))
refused "a cancelled event takes no sign-ups" event-cancelled s1 signup add V-050 "$sat2"
ok "SIGTERM exits 0" daemon_stop
