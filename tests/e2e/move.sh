#!/usr/bin/env bash
# A volunteer who moves to another community (转移接续): refused while a
# check-in, a sign-up or a help request of theirs is open, and to a
# station key; then, once settled, moved by the city admin, once for one
# Idempotency-Key. They keep their number, history, hours, star level
# and certificate; their points go out of the old community and come out
# of the new one (two transfers in their ledger, the balance unchanged)
# and the audit stays clean. Reports of the months before the move are
# byte for byte as they were, a closed month's digest is still its
# report's, and the month of the move counts them in the new community.
# Records dated before the move are refused after it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/signed.sh"

harness_db
# The shifts are dated last month and the month before: the back-entry
# window reaches them.
daemon_start "back_entry_days = 36500"
admin_new A || { echo "Bail out! no admin key"; exit 1; }
harness_admin || { echo "Bail out! no admin key for the client"; exit 1; }

count() { pgc_psql "$T_PG" -At -c "$1"; }
# Months in the daemon's time zone: PM2 closes, PM stays open, CM is the
# month of the move.
CM=$(TZ=Asia/Shanghai date -d "@$T_NOW" +%Y-%m)
PM=$(date -d "$CM-01 -1 month" +%Y-%m)
PM2=$(date -d "$CM-01 -2 months" +%Y-%m)
at() { echo "$1T$2:00+08:00"; }
must() {				# key method path body: 2xx or bail out
	call "$@"
	case $STATUS in 2??) ;; *)
		echo "Bail out! $2 $3 $4: $STATUS $(head -c 300 "$T_DIR/body")"
		exit 1 ;;
	esac
}
shift_body() {				# volunteer day from to
	echo "{\"volunteer\":\"$1\",\"activity\":\"clean\",\"started_at\":\"$(at "$2" "$3")\",\"ended_at\":\"$(at "$2" "$4")\"}"
}
state() { count "SELECT (SELECT count(*) FROM volunteer_moves) || '/' || (SELECT count(*) FROM transfers) || '/' || (SELECT string_agg(v.number || ':' || c.code, ',' ORDER BY v.number) FROM volunteers v JOIN communities c ON c.id = v.community_id) || '/' || (SELECT count(*) FROM team_members) || '/' || (SELECT count(*) FROM shifts) || '/' || (SELECT count(*) FROM redemption_voids)"; }

# The city: three communities, a city-wide team and one of C01, stations
# of C01 and C02, star levels low enough to be reached.
must A POST /v1/communities '{"code":"C01","name":"East","population":1000}'
must A POST /v1/communities '{"code":"C02","name":"West","population":500}'
must A POST /v1/communities '{"code":"C03","name":"North","population":800}'
must A POST /v1/activities '{"code":"clean","name":"Cleaning","points_per_hour":10}'
must A POST /v1/teams '{"code":"T1","name":"Environment","kind":"standing"}'
must A POST /v1/teams '{"code":"T2","name":"Youth","kind":"specialty","community":"C01"}'
must A POST /v1/star-levels '{"levels":[1,2,3,4,5]}'
station_new A S01 C01 || { echo "Bail out! no station S01"; exit 1; }
station_new A S02 C02 || { echo "Bail out! no station S02"; exit 1; }
must S01 POST /v1/volunteers "{\"number\":\"V1\",\"name\":\"Zhang San\",\"registered_on\":\"$PM2-05\",\"teams\":[\"T1\",\"T2\"],\"consent\":true,\"party_member\":true}"
must S01 POST /v1/volunteers "{\"number\":\"V2\",\"name\":\"Li Si\",\"registered_on\":\"$PM2-06\",\"recruited_by\":\"V1\"}"
must S02 POST /v1/volunteers "{\"number\":\"V3\",\"name\":\"Wang Wu\",\"registered_on\":\"$PM2-07\"}"
must S01 POST /v1/shifts "$(shift_body V1 "$PM2-10" 09:00 11:00)"
must S01 POST /v1/shifts "$(shift_body V1 "$PM-10" 09:00 10:00)"
pm_shift=$(field id)
must S01 POST /v1/shifts "$(shift_body V2 "$PM-11" 09:00 10:00)"
must S02 POST /v1/shifts "$(shift_body V3 "$PM-12" 09:00 10:00)"
must S01 POST /v1/catalog '{"code":"mug","name":"Mug","category":"gift","price":5,"stock":10}'
must S01 POST /v1/redemptions '{"volunteer":"V1","item":"mug"}'
redemption=$(field id)
must S01 POST /v1/certificates "{\"volunteer\":\"V1\",\"from\":\"$PM2-01\",\"to\":\"$PM-01\"}"
certificate=$(field number)
must A POST "/v1/months/$PM2/close" '{}'

# Open: a check-in, a sign-up for an event tomorrow, a help request V1
# asked for and one V1 accepted.
must S01 POST /v1/shifts/checkin "{\"volunteer\":\"V1\",\"activity\":\"clean\",\"started_at\":\"$(t_at '-100 minutes')\"}"
checkin=$(field id)
tomorrow=$(t_date '+1 day' +%s)
must S01 POST /v1/events "{\"activity\":\"clean\",\"title\":\"Street\",\"starts_at\":\"$(date -d "@$tomorrow" +%Y-%m-%dT%H:%M:00%:z)\",\"ends_at\":\"$(date -d "@$((tomorrow + 3600))" +%Y-%m-%dT%H:%M:00%:z)\",\"places\":5}"
event=$(field events.0.id)
must S01 POST /v1/signups "{\"volunteer\":\"V1\",\"event\":\"$event\"}"
signup=$(field id)
must S01 POST /v1/help-requests '{"requester":"V1","points":5,"description":"a ride"}'
help1=$(field id)
must S01 POST /v1/help-requests '{"requester":"V2","points":3,"description":"shopping"}'
help2=$(field id)
must S01 POST "/v1/help-requests/$help2/accept" '{"helper":"V1"}'

before=$(state)
call A POST /v1/volunteers/V1/move '{"community":"C02","reason":"moved house"}'
answered "open records: 409 move-unsettled" 409 move-unsettled "The station of C01 settles them first"
is "... listing the check-in" "$(field checkins)" "[$checkin]"
is "... the sign-up" "$(field signups)" "[$signup]"
is "... and both help requests, asked and accepted" "$(field help_requests)" "[$help1, $help2]"
is "... from the old community" "$(field community)" C01
out=$(vp volunteer move V1 --to C02 --reason "moved house" 2>&1); rc=$?
is "vpoints volunteer move refused: exit 1" "$rc" 1
like "... saying what is open" "$out" "(check-ins: $checkin; sign-ups: $signup; help requests: $help1, $help2)"
like "... in Chinese too" "$(zh vp volunteer move V1 --to C02 --reason "moved house" 2>&1)" "志愿者 V1 在社区 C01 还有未了结的记录"

# Settled one by one: each time still refused with what is left.
must S01 POST "/v1/shifts/$checkin/checkout" "{\"ended_at\":\"$(t_at '-70 minutes')\"}"
must S01 POST "/v1/signups/$signup/cancel" '{}'
call A POST /v1/volunteers/V1/move '{"community":"C02","reason":"moved house"}'
is "checked out and cancelled: the help requests are left" \
	"$STATUS $(field checkins) $(field signups) $(field help_requests)" "409 [] [] [$help1, $help2]"
must S01 POST "/v1/help-requests/$help1/cancel" '{"reason":"moving"}'
must S01 POST "/v1/help-requests/$help2/complete" '{"minutes":30}'

# A station key moves nobody: not its own volunteer out, not another's in.
call S01 POST /v1/volunteers/V1/move '{"community":"C02","reason":"moved house"}'
answered "S01 moving its V1 to C02: 403 outside-community" 403 outside-community "needs a key that acts for both"
call S02 POST /v1/volunteers/V1/move '{"community":"C02","reason":"moved house"}'
answered "S02 taking V1 in: 403 outside-community" 403 outside-community
call A POST /v1/volunteers/V1/move '{"community":"C01","reason":"x"}'
answered "to the community V1 is in: 422 invalid-field" 422 invalid-field "belongs to community C01 already"
call A POST /v1/volunteers/V1/move '{"community":"C09","reason":"x"}'
answered "to no community: 422 unknown-community" 422 unknown-community
call A POST /v1/volunteers/V9/move '{"community":"C02","reason":"x"}'
answered "no such volunteer: 404 unknown-volunteer" 404 unknown-volunteer
call A POST /v1/volunteers/V1/move '{"community":"C02"}'
answered "no reason: 422 invalid-field" 422 invalid-field
settled=$(state)
is "refusals move nothing (only the settling wrote)" "${settled%%/*}" 0

# What is there before the move.
reports() {
	local m level scope
	for m in $PM2 $PM; do
		# (The team and recruitment levels of an open month read the
		# team memberships as they are now, whatever ended them: only
		# the closed month's are compared.)
		for level in volunteer team community station training approval recruitment; do
			case $level/$m in team/$PM|recruitment/$PM) continue ;; esac
			for scope in "" "&community=C01" "&community=C02"; do
				call A GET /v1/reports/monthly "month=$m&level=$level$scope"
				echo "== $m $level$scope: $STATUS"
				cat "$T_DIR/body"
				echo
			done
		done
	done
	call A GET /v1/reports/annual "year=${PM2%-*}&level=community"
	[ "${PM2%-*}" = "${CM%-*}" ] || { echo "== annual ${PM2%-*}"; cat "$T_DIR/body"; echo; }
}
reports >"$T_DIR/reports.before"
ok "the reports of the months before answer" test "$(grep -c ': 200$' "$T_DIR/reports.before")" = 36
must A GET /v1/volunteers/V1
minutes=$(field minutes) star=$(field star) points=$(field points)
is "V1 served 4 hours (two shifts, a check-in, help given), a star level of 4" "$minutes/$star" 240/4
call A GET /v1/reports/monthly "month=$CM&level=community&community=C01"
cm_issued=$(field rows.0.points_issued)
cm_c01=$(field rows.0.registered)
call A GET /v1/reports/monthly "month=$CM&level=community&community=C02"
cm_c02=$(field rows.0.registered)
v1_row() {			# V1's row of the volunteer level of a scope of CM
	call A GET /v1/reports/monthly "month=$CM&level=volunteer&community=$1"
	field rows | /usr/bin/python3 -c 'import json, sys
print([(r["number"], r["community"], r["points_earned"], r["points_spent"], r["balance"], r["minutes_ytd"]) for r in json.load(sys.stdin) if r["number"] == "V1"])'
}
cm_row=$(v1_row C01)
ledger_before=$(count "SELECT count(*) FROM transfers")
# V1's page has a link (C01's station would have issued it): the move
# revokes it.
ok "V1 has a link to their page" vp volunteer link V1
link=$(count "SELECT id FROM links WHERE revoked_at IS NULL AND volunteer_id = (SELECT id FROM volunteers WHERE number = 'V1')")

# The move, by the city admin through the client; again with the same
# Idempotency-Key: moved once.
out=$(vp volunteer move V1 --to C02 --reason "moved house" --idempotency-key move-v1 2>&1); rc=$?
is "vpoints volunteer move: exit 0" "$rc" 0
like "... says where from and to, and the points" "$out" "volunteer V1 moved from community C01 to C02; $points points moved with them"
like "... and the team left" "$out" "teams of community C01 left: T2"
like "... and the link revoked" "$out" "the link to their page was revoked: a station of community C02 gives them a new one (vpoints volunteer link V1)"
is "... the link is revoked" "$(count "SELECT revoked_at IS NOT NULL FROM links WHERE id = $link")" t
out2=$(vp volunteer move V1 --to C02 --reason "moved house" --idempotency-key move-v1 2>&1); rc=$?
is "the same Idempotency-Key again: exit 0" "$rc" 0
is "... the first answer" "$out2" "$out"
is "... one move" "$(count "SELECT count(*) FROM volunteer_moves")" 1
is "... two transfers" "$(count "SELECT count(*) FROM transfers") $(count "SELECT string_agg(cause, ',' ORDER BY id) FROM transfers WHERE id > $ledger_before")" \
	"$((ledger_before + 2)) move-out,move-in"

# What V1 keeps.
must A GET /v1/volunteers/V1 'history=1'
is "V1 is of C02 now, under the same number" "$(field number) $(field community)" "V1 C02"
is "... with the same hours, star level and points" "$(field minutes)/$(field star)/$(field points)" "$minutes/$star/$points"
is "... in the city-wide team, out of C01's" "$(field teams)" '["T1"]'
is "... its history: the registration to the move, all there" \
	"$(field history | /usr/bin/python3 -c 'import json, sys; print(" ".join(h["action"] for h in json.load(sys.stdin)))')" \
	"register team-join team-join link update team-leave move"
is "... the move says from, to, the points and the link" "$(field history.6.data)" "{\"to\": \"C02\", \"from\": \"C01\", \"points\": $points, \"teams_left\": [\"T2\"], \"link_revoked\": $link}"
is "... with the reason" "$(field history.6.reason)" "moved house"
is "the certificate keeps the community that issued it" \
	"$(count "SELECT c.code FROM certificates x JOIN communities c ON c.id = x.community_id WHERE x.number = '$certificate'")" C01
must A GET "/v1/certificates/$certificate"
is "... and is still good" "$(field revoked_at)" null
is "V1's account and running total are C02's" \
	"$(count "SELECT (SELECT c.code FROM accounts a JOIN volunteers v ON v.id = a.volunteer_id JOIN communities c ON c.id = a.community_id WHERE v.number = 'V1') || ' ' || (SELECT c.code FROM volunteer_totals t JOIN volunteers v ON v.id = t.volunteer_id JOIN communities c ON c.id = t.community_id WHERE v.number = 'V1')")" "C02 C02"
ledger=$(vp --json balance V1 --limit 5)
is "the ledger shows both transfers, the balance unchanged" \
	"$(echo "$ledger" | /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["points"], [(t["cause"], t["amount"]) for t in d["transfers"][:2]])')" \
	"$points [('move-in', $points), ('move-out', -$points)]"
zh_ledger=$(zh vp balance V1 --limit 2)
like "vpoints balance says 转入 in Chinese" "$zh_ledger" "        $points  转入"
like "... and 转出" "$zh_ledger" "       -$points  转出"
is "C01's issuance took back what C02's gave" \
	"$(count "SELECT string_agg(c.code || ':' || t.cause, ' ' ORDER BY t.id) FROM transfers t JOIN accounts a ON a.id IN (t.from_account, t.to_account) AND a.kind = 'issuance' JOIN communities c ON c.id = a.community_id WHERE t.cause LIKE 'move-%'")" \
	"C01:move-out C02:move-in"
must A GET /v1/audit
is "the audit is clean" "$(field ok) $(field problems)" "true []"
ok "vpoints audit: exit 0" vp audit

# The months before are as they were; the closed one's digest is its
# report's still.
reports >"$T_DIR/reports.after"
if cmp -s "$T_DIR/reports.before" "$T_DIR/reports.after"; then
	t_result ok "every report of the months before the move, at every level and scope, is byte for byte as it was"
else
	t_result fail "the reports of the months before the move are as they were"
	diff "$T_DIR/reports.before" "$T_DIR/reports.after" | head -n 30 | cut -c 1-300 | sed 's/^/#   /'
fi
must A GET /v1/months
digest=$(field months.0.digest)
call A GET /v1/reports/monthly "month=$PM2&level=community"
is "$PM2's digest is the SHA-256 of its community-level report, computed again" \
	"$(sha256sum <"$T_DIR/body" | cut -c 1-64)" "$digest"
closed_reports_check "after the move"
call A GET /v1/reports/monthly "month=$PM&level=community&community=C01"
is "$PM: V1 is registered in C01 (with V2)" "$(field rows.0.registered)" 2

# The month of the move counts V1 in C02.
call A GET /v1/reports/monthly "month=$CM&level=community&community=C01"
is "$CM: C01 has one registered volunteer fewer" "$(field rows.0.registered)" $((cm_c01 - 1))
is "... and issued no points less" "$(field rows.0.points_issued)" "$cm_issued"
call A GET /v1/reports/monthly "month=$CM&level=community&community=C02"
is "... C02 one more" "$(field rows.0.registered)" $((cm_c02 + 1))
is "... and issued no points either" "$(field rows.0.points_issued)" 0
is "$CM, C02's volunteers: V1, as C01 showed them before (the move neither earns nor spends)" \
	"$(v1_row C02)" "$(echo "$cm_row" | sed "s/'C01'/'C02'/")"
is "... C01's: no V1" "$(v1_row C01)" "[]"
like "... the balance unchanged (before: $cm_row)" "$cm_row" ", $points, "

# The volunteer level in pages holds the whole level's rows, the moved
# volunteer where they belonged at each period's end.
pages_agree() {			# month, scope: pages of one == the whole level
	local after="" rows="[]" page next
	call A GET /v1/reports/monthly "month=$1&level=volunteer$2"
	field rows >"$T_DIR/whole.json"
	while :; do
		call A GET /v1/reports/monthly "month=$1&level=volunteer$2&limit=1${after:+&after=$after}"
		page=$(field rows)
		rows=$(/usr/bin/python3 -c 'import json, sys
print(json.dumps(json.loads(sys.argv[1]) + json.loads(sys.argv[2])))' "$rows" "$page")
		next=$(field next)
		[ -n "$next" ] && [ "$next" != null ] || break
		after=$next
	done
	/usr/bin/python3 -c 'import json, sys
sys.exit(json.load(open(sys.argv[1])) != json.loads(sys.argv[2]))' "$T_DIR/whole.json" "$rows"
}
for m in $PM2 $PM $CM; do
	for scope in "" "&community=C01" "&community=C02"; do
		ok "$m volunteer level${scope:+ ($scope)}: its pages are its rows" pages_agree "$m" "$scope"
	done
done

# The old community's station sees V1 no more; the new one's does.
call S01 GET /v1/volunteers/V1
answered "S01 asking for V1: 403 outside-community" 403 outside-community
call S02 GET /v1/volunteers/V1
is "S02 asking for V1: 200" "$STATUS" 200

# Nothing is dated before the move any more: it is C01's.
before=$(state)
call S02 POST /v1/shifts "{\"volunteer\":\"V1\",\"activity\":\"clean\",\"started_at\":\"$(t_at '-3 hours')\",\"ended_at\":\"$(t_at '-2 hours')\"}"
answered "S02 logging a shift of V1 from before the move: 409 before-move" 409 before-move "moved from community C01"
call A POST "/v1/shifts/$pm_shift/corrections" '{"reason":"late","ended_at":"'"$(at "$PM-10" 10:30)"'"}'
answered "correcting a shift of V1 from before the move: 409 before-move" 409 before-move
call A POST "/v1/redemptions/$redemption/void" '{"reason":"returned"}'
answered "voiding a redemption of V1 from before the move: 409 before-move" 409 before-move
call S02 POST /v1/import/shifts "{\"rows\":[{\"row\":2,\"key\":\"$(printf 'b%.0s' $(seq 64))\",\"volunteer\":\"V1\",\"activity\":\"clean\",\"started_at\":\"$(t_at '-3 hours')\",\"ended_at\":\"$(t_at '-2 hours')\"}]}"
is "importing a paper record of V1 from before the move: its row refused before-move" \
	"$STATUS $(field rows.0.outcome 2>/dev/null)$(field rows.0.type 2>/dev/null | sed 's/.*://')" "200 refusedbefore-move"
is "... none of them wrote anything" "$(state)" "$before"
must A GET /v1/audit
is "the audit is clean still" "$(field ok)" true

is "the daemon logged no error" "$(grep -c "vpointsd\[$DAEMON_PID\] error:" "$DAEMON_LOG")" 0
ok "vpointsd stops cleanly" daemon_stop
