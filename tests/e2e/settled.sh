#!/usr/bin/env bash
# A closed month stays as it was signed: after two months close (the later
# one first), a mix of writes by station and admin keys — into the closed
# months and the months before them (refused, changing nothing), and
# everything else a report reads: names, star levels, communities,
# stations, teams and memberships, stock, statuses, the open month —
# leaves every closed month's report as it was, at every level and
# scope, and its digest is still the SHA-256 of its community-level
# report. The open month goes on changing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/signed.sh"

harness_db
# The data are dated months back: station keys may go back that far, so
# what refuses a write below is the closed month, not the window.
daemon_start "back_entry_days = 36500"
admin_new A || { echo "Bail out! no admin key"; exit 1; }

count() { pgc_psql "$T_PG" -At -c "$1"; }
# Months in the daemon's time zone: M0 to M3 are four, three, two and one
# months before the current one; M1 and M2 close, M3 stays open.
cur=$(TZ=Asia/Shanghai date -d "@$T_NOW" +%Y-%m-01)
M0=$(date -d "$cur -4 months" +%Y-%m)
M1=$(date -d "$cur -3 months" +%Y-%m)
M2=$(date -d "$cur -2 months" +%Y-%m)
M3=$(date -d "$cur -1 months" +%Y-%m)
at() { echo "$1T$2:00+08:00"; }		# at 2026-09-10 09:00
shift_body() {				# volunteer day from to
	echo "{\"volunteer\":\"$1\",\"activity\":\"clean\",\"started_at\":\"$(at "$2" "$3")\",\"ended_at\":\"$(at "$2" "$4")\"}"
}
must() {				# key method path body: 2xx or bail out
	call "$@"
	case $STATUS in 2??) ;; *)
		echo "Bail out! $2 $3 $4: $STATUS $(head -c 300 "$T_DIR/body")"
		exit 1 ;;
	esac
}

# The city: two communities, teams, stations with a catalogue, volunteers
# registered and serving in M0 to M3, star levels low enough to be reached.
must A POST /v1/communities '{"code":"C01","name":"East","population":1000}'
must A POST /v1/communities '{"code":"C02","name":"West","population":500}'
must A POST /v1/activities '{"code":"clean","name":"Cleaning","points_per_hour":10}'
must A POST /v1/teams '{"code":"T1","name":"Environment","kind":"standing"}'
must A POST /v1/teams '{"code":"T2","name":"Youth","kind":"specialty","community":"C01"}'
station_new A S01 C01 || { echo "Bail out! no station S01"; exit 1; }
station_new A S02 C02 || { echo "Bail out! no station S02"; exit 1; }
must A POST /v1/star-levels '{"levels":[1,2,3,4,5]}'
must S01 POST /v1/volunteers "{\"number\":\"V1\",\"name\":\"Zhang San\",\"registered_on\":\"$M0-20\",\"teams\":[\"T1\",\"T2\"]}"
must S01 POST /v1/volunteers "{\"number\":\"V2\",\"name\":\"Li Si\",\"registered_on\":\"$M2-03\",\"teams\":[\"T1\"]}"
must S02 POST /v1/volunteers "{\"number\":\"V3\",\"name\":\"Wang Wu\",\"registered_on\":\"$M0-05\"}"
must S01 POST /v1/volunteers "{\"number\":\"V4\",\"name\":\"Zhao Liu\",\"registered_on\":\"$M3-05\"}"
must S02 POST /v1/volunteers "{\"number\":\"V5\",\"name\":\"Sun Qi\",\"registered_on\":\"$M2-20\"}"
must S01 POST /v1/shifts "$(shift_body V1 "$M0-25" 09:00 10:00)"
must S01 POST /v1/shifts "$(shift_body V1 "$M1-10" 09:00 11:00)"
must S01 POST /v1/shifts "$(shift_body V1 "$M2-10" 09:00 11:00)"
m2_shift=$(field id)
must S01 POST /v1/shifts "$(shift_body V2 "$M2-12" 14:00 17:00)"
must S02 POST /v1/shifts "$(shift_body V3 "$M1-15" 08:00 09:00)"
must S02 POST /v1/shifts "$(shift_body V5 "$M2-21" 08:00 09:30)"
must S01 POST /v1/shifts "$(shift_body V1 "$M3-10" 09:00 10:00)"
must S01 POST /v1/shifts "$(shift_body V4 "$M3-11" 09:00 10:00)"
m3_shift=$(field id)
must S01 POST /v1/catalog '{"code":"mug","name":"Mug","category":"gift","price":5,"stock":10}'
must S01 POST /v1/catalog '{"code":"pen","name":"Pen","category":"gift","price":2,"stock":4}'
must S01 POST /v1/redemptions '{"volunteer":"V1","item":"mug"}'
# A redemption of M2, as if made then (the ledger's clock dates
# redemptions; none can be made in a past month now): its points, its
# stock, its transfer.
pgc_psql "$T_PG" -q -v ON_ERROR_STOP=1 <<SQL || { echo "Bail out! no redemption of $M2"; exit 1; }
BEGIN;
WITH r AS (
	INSERT INTO redemptions (station_id, community_id, item_id, volunteer_id,
	    quantity, points, keyid, at)
	SELECT i.station_id, i.community_id, i.id, v.id, 1, i.price, k.keyid,
	    '$M2-20 10:00+08'
	FROM catalog_items i, volunteers v, station_keys k
	JOIN stations s ON s.id = k.station_id
	WHERE i.code = 'mug' AND v.number = 'V1' AND s.code = 'S01'
	RETURNING *)
INSERT INTO transfers (at, from_account, to_account, amount, cause, keyid,
    redemption_id)
SELECT r.at, (SELECT id FROM accounts WHERE volunteer_id = r.volunteer_id),
    (SELECT id FROM accounts WHERE station_id = r.station_id), r.points,
    'redemption', r.keyid, r.id FROM r;
UPDATE accounts SET balance = balance - 5
WHERE volunteer_id = (SELECT id FROM volunteers WHERE number = 'V1');
UPDATE accounts SET balance = balance + 5
WHERE station_id = (SELECT id FROM stations WHERE code = 'S01');
UPDATE catalog_items SET stock = stock - 1 WHERE code = 'mug';
COMMIT;
SQL
old_redemption=$(count "SELECT id FROM redemptions WHERE at < '$M3-01'")
# The rest of the record: a training of M2 that V1 attended, V2 a party
# member who brought V1 in.
must S01 POST /v1/trainings "{\"course\":\"First aid\",\"held_on\":\"$M2-15\",\"hours\":2}"
m2_training=$(field id)
must S01 POST "/v1/trainings/$m2_training/attend" '{"volunteer":"V1"}'
must S01 PATCH /v1/volunteers/V2 '{"consent":true,"party_member":true}'
must S01 PATCH /v1/volunteers/V1 '{"recruited_by":"V2"}'
must A GET /v1/audit
is "the city is consistent before the closes" "$(field ok)" true

# Close M2, then M1 (settled already by M2's close).
must A POST "/v1/months/$M2/close" '{}'
must A POST "/v1/months/$M1/close" '{}'
is "two months are closed" "$(count "SELECT string_agg(month, ' ' ORDER BY month) FROM month_closes")" "$M1 $M2"
# Every closed month's report as it was signed: every level, the city
# and each community.
reports() {
	local m level scope
	for m in $M1 $M2; do
		for level in volunteer team community station training approval recruitment; do
			for scope in "" "&community=C01" "&community=C02"; do
				call A GET /v1/reports/monthly "month=$m&level=$level$scope"
				echo "== $m $level$scope: $STATUS"
				cat "$T_DIR/body"
				echo
			done
		done
	done
}
reports >"$T_DIR/reports.before"
ok "the closed months' reports answer" test "$(grep -c ': 200$' "$T_DIR/reports.before")" = 42
closed_reports_check "two months closed"

# The writes. Refused, whoever asks: anything dated in a closed month or
# before the latest one's end.
refused() {			# desc key method path body
	local desc=$1
	shift
	call "$@"
	answered "$desc: 409 month-closed" 409 month-closed "$M2 is closed"
}
refused "a shift of $M1" S01 POST /v1/shifts "$(shift_body V2 "$M1-20" 09:00 10:00)"
refused "a shift of $M0, before the closed months" S02 POST /v1/shifts "$(shift_body V3 "$M0-20" 09:00 10:00)"
refused "an admin's shift of $M2" A POST /v1/shifts "$(shift_body V5 "$M2-25" 09:00 10:00)"
refused "a correction of a shift of $M2" S01 POST "/v1/shifts/$m2_shift/corrections" '{"reason":"late","ended_at":"'"$(at "$M2-10" 10:30)"'"}'
refused "a shift of $M3 moved into $M2" S01 POST "/v1/shifts/$m3_shift/corrections" '{"reason":"wrong month","started_at":"'"$(at "$M2-11" 09:00)"'","ended_at":"'"$(at "$M2-11" 10:00)"'"}'
refused "a check-in in $M2" S01 POST /v1/shifts/checkin '{"volunteer":"V2","activity":"clean","started_at":"'"$(at "$M2-26" 09:00)"'"}'
refused "a registration dated in $M1" S01 POST /v1/volunteers '{"number":"V6","name":"Zhou Ba","registered_on":"'"$M1-02"'"}'
refused "V4's registration moved into $M2" S01 PATCH /v1/volunteers/V4 '{"registered_on":"'"$M2-02"'"}'
refused "V2's registration moved out of $M2" S01 PATCH /v1/volunteers/V2 '{"registered_on":"'"$M3-02"'"}'
refused "an admin moving V2's registration out of $M2" A PATCH /v1/volunteers/V2 '{"registered_on":"'"$M3-02"'"}'
refused "voiding the redemption of $M2" S01 POST "/v1/redemptions/$old_redemption/void" '{"reason":"returned"}'
refused "a training of $M2" S01 POST /v1/trainings "{\"course\":\"Late\",\"held_on\":\"$M2-20\",\"hours\":1}"
refused "attending the training of $M2" S01 POST "/v1/trainings/$m2_training/attend" '{"volunteer":"V2"}'
is "... none of them wrote anything" "$(count "SELECT (SELECT count(*) FROM shifts) || '/' || (SELECT count(*) FROM checkins) || '/' || (SELECT count(*) FROM volunteers) || '/' || (SELECT count(*) FROM redemption_voids) || '/' || (SELECT string_agg(registered_on::text, ',' ORDER BY number) FROM volunteers)")" \
	"8/0/5/0/$M0-20,$M2-03,$M0-05,$M3-05,$M2-20"

# Taken, and none of them changes a closed month.
taken() {			# desc key method path body
	local desc=$1
	shift
	call "$@"
	case $STATUS in
	2??) t_result ok "$desc: $STATUS" ;;
	*) t_result fail "$desc"; echo "#   got: $STATUS $(head -c 300 "$T_DIR/body")" ;;
	esac
}
taken "V1, who reached stars in $M1 and $M2, is renamed" S01 PATCH /v1/volunteers/V1 '{"name":"Zhang Sanfeng","reason":"spelling"}'
taken "new star levels" A POST /v1/star-levels '{"levels":[2,5,8,12,20]}'
taken "a new community" A POST /v1/communities '{"code":"C03","name":"North","population":800}'
taken "a new team" A POST /v1/teams '{"code":"T3","name":"Health","kind":"standing"}'
taken "V1 leaves T2" S01 POST /v1/teams/T2/leave '{"volunteer":"V1"}'
taken "V2 joins T2" S01 POST /v1/teams/T2/join '{"volunteer":"V2"}'
taken "V5 joins T3" S02 POST /v1/teams/T3/join '{"volunteer":"V5"}'
station_new A S03 C01
is "a new station: 201" "$STATUS" 201
taken "a mug redeemed now" S01 POST /v1/redemptions '{"volunteer":"V1","item":"mug"}'
taken "a restock" S01 POST /v1/catalog/pen/restock '{"quantity":6}'
taken "the pen leaves the catalogue" S01 POST /v1/catalog/pen/deactivate '{}'
taken "V3 leaves" S02 PATCH /v1/volunteers/V3 '{"status":"left"}'
taken "a shift of $M3, the open month" S01 POST /v1/shifts "$(shift_body V2 "$M3-12" 09:00 11:00)"
taken "a correction within $M3" S01 POST "/v1/shifts/$m3_shift/corrections" '{"reason":"late","ended_at":"'"$(at "$M3-11" 10:30)"'"}'
taken "a registration dated in $M3" S02 POST /v1/volunteers '{"number":"V6","name":"Zhou Ba","registered_on":"'"$M3-03"'"}'
taken "V4's registration moved within the open months" S01 PATCH /v1/volunteers/V4 '{"registered_on":"'"$M3-06"'"}'
taken "an admin's shift of $M3" A POST /v1/shifts "$(shift_body V5 "$M3-20" 09:00 10:00)"
taken "V4 brought in by V2" S01 PATCH /v1/volunteers/V4 '{"recruited_by":"V2"}'
taken "V1 a party member too" S01 PATCH /v1/volunteers/V1 '{"consent":true,"party_member":true}'

# The open month follows the writes.
call A GET /v1/reports/monthly "month=$M3&level=community&community=C02"
is "$M3 is open: it counts V6, registered in it" "$(field rows.0.registered)" 3
call A GET /v1/reports/monthly "month=$M3&level=team"
is "$M3 is open: T2 counts its members now (V2)" \
	"$(field rows | /usr/bin/python3 -c 'import json, sys; print([r["volunteers"] for r in json.load(sys.stdin) if r["code"] == "T2"][0])')" 1
# M3 closes while writes that its report reads keep coming, from five
# clients at once: registrations and shifts dated in it, renames of V1
# (who reaches a star in it), new communities, new star levels. Each is
# taken or refused (409 month-closed), never failed; whatever was taken,
# M3's digest is computed again below. (The close starts once five of the
# shifts are in.)
/usr/bin/python3 - "$top_srcdir/tests" "$DAEMON_URL" "$T_DIR" "$M3" >"$T_DIR/race.out" 2>&1 <<'EOF'
import http.client, json, sys, threading, time, urllib.parse, uuid
sys.path.insert(0, sys.argv[1])
import sigtool
server, tdir, m3 = sys.argv[2:5]
url = urllib.parse.urlsplit(server)
keys = {k: sigtool.load_key("%s/%s.pem" % (tdir, k)) for k in ("A", "S01")}
outcomes = {}

def send(key, method, path, body):
    data = json.dumps(body).encode()
    h = sigtool.sign_request(keys[key], method, url.netloc, path, "", data,
                             str(uuid.uuid4()))
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    b = r.read()
    slug = json.loads(b).get("type", "").split(":")[-1] if r.status >= 400 else ""
    return "%d %s" % (r.status, slug) if slug else "%d" % r.status

started = threading.Event()     # five shifts are in: time to close

def worker(name, requests):
    for n, (key, method, path, body) in enumerate(requests):
        o = send(key, method, path, body)
        outcomes.setdefault(name, {}).setdefault(o, 0)
        outcomes[name][o] += 1
        if name == "shifts" and n == 4:
            started.set()

work = {
    "registrations": [("S01", "POST", "/v1/volunteers", {"number": "L%d" % i,
        "name": "Late %d" % i, "registered_on": "%s-2%d" % (m3, i % 8)})
        for i in range(30)],
    "shifts": [("S01", "POST", "/v1/shifts", {"volunteer": "V2",
        "activity": "clean",
        "started_at": "%s-%02dT%02d:00:00+08:00" % (m3, 14 + i // 8, 8 + i % 8),
        "ended_at": "%s-%02dT%02d:30:00+08:00" % (m3, 14 + i // 8, 8 + i % 8)})
        for i in range(30)],
    "renames": [("S01", "PATCH", "/v1/volunteers/V1", {"name": "Zhang %d" % i})
        for i in range(30)],
    "communities": [("A", "POST", "/v1/communities", {"code": "X%d" % i,
        "name": "New %d" % i, "population": 100 + i}) for i in range(20)],
    "star levels": [("A", "POST", "/v1/star-levels",
        {"levels": [2, 6 + i % 2, 8, 12, 20]}) for i in range(20)],
}
threads = [threading.Thread(target=worker, args=kv) for kv in work.items()]
for t in threads:
    t.start()
started.wait(60)
print("close", send("A", "POST", "/v1/months/%s/close" % m3, {}))
for t in threads:
    t.join()
for name, o in sorted(outcomes.items()):
    print(name, json.dumps(o, sort_keys=True))
EOF
is "the race ran to the end" "$?" 0
sed 's/^/# /' "$T_DIR/race.out"
is "$M3 closed under load: 201" "$(sed -n 's/^close //p' "$T_DIR/race.out")" 201
is "... every write was taken or refused as closed, none failed" \
	"$(grep -v '^close' "$T_DIR/race.out" | grep -oE '"[0-9]{3}[^"]*"' | sort -u | grep -vE '"20[01]"|"409 month-closed"')" ""

# Every closed month as it was, and its digest still the signed one.
reports >"$T_DIR/reports.after"
if cmp -s "$T_DIR/reports.before" "$T_DIR/reports.after"; then
	t_result ok "every closed month's report, at every level and scope, is byte for byte as it was"
else
	t_result fail "every closed month's report is as it was"
	diff "$T_DIR/reports.before" "$T_DIR/reports.after" | head -n 30 | cut -c 1-300 | sed 's/^/#   /'
fi
must A GET /v1/months
n=$(field months | /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
is "GET /v1/months lists the three" "$n" 3
for i in $(seq 0 $((n - 1))); do
	call A GET /v1/months
	m=$(field "months.$i.month") digest=$(field "months.$i.digest")
	call A GET /v1/reports/monthly "month=$m&level=community"
	is "$m: its digest is the SHA-256 of its community-level report, computed again" \
		"$(sha256sum <"$T_DIR/body" | cut -c 1-64)" "$digest"
done

# One exception, by design: party membership is a personal field, and
# its erasure (consent withdrawn) reaches the history a settled period
# reads it from. V2 is then no party member in the closed months either;
# nothing else of them changes.
call A GET /v1/reports/monthly "month=$M2&level=recruitment"
is "$M2's recruitment: V2, a party member who brought V1" "$(field rows.0.number)/$(field rows.0.recruited)" V2/1
taken "V2 withdraws consent" S01 PATCH /v1/volunteers/V2 '{"consent":false}'
call A GET /v1/reports/monthly "month=$M2&level=recruitment"
is "... and is no party member in $M2's report any more" "$(field rows)" "[]"
reports >"$T_DIR/reports.erased"
is "... the only change to the closed months' reports" \
	"$(diff "$T_DIR/reports.after" "$T_DIR/reports.erased" | grep -c '^<')" 2

closed_reports_check "after the writes, the race and the erasure"
# A month closed before migration 023 has no stored rows: its reports are
# computed, and answer the same.
pgc_psql "$T_PG" -q -c "SET session_replication_role = replica" \
	-c "DELETE FROM month_report_volunteers WHERE month = '$M2'" \
	-c "DELETE FROM month_report_communities WHERE month = '$M2'" \
	-c "DELETE FROM month_reports WHERE month = '$M2'"
reports >"$T_DIR/reports.computed"
if cmp -s "$T_DIR/reports.erased" "$T_DIR/reports.computed"; then
	t_result ok "$M2 without its stored rows (closed before 023): every report computed, byte for byte as read from them"
else
	t_result fail "$M2 without its stored rows: every report as read from them"
	diff "$T_DIR/reports.erased" "$T_DIR/reports.computed" | head -n 30 | cut -c 1-300 | sed 's/^/#   /'
fi

must A GET /v1/audit
is "the ledger is consistent" "$(field ok)" true

is "the daemon logged no error" "$(grep -c "vpointsd\[$DAEMON_PID\] error:" "$DAEMON_LOG")" 0
ok "vpointsd stops cleanly" daemon_stop

# A close whose JWS was never stored (its daemon stopped between the
# close's commit and the JWS's, and no retry came) is signed by the next
# daemon's chores, with the JWS the close would have had.
jws=$(count "SELECT jws FROM month_closes WHERE month = '$M1'")
pgc_psql "$T_PG" -q -c "SET session_replication_role = replica" \
	-c "UPDATE month_closes SET jws = NULL WHERE month = '$M1'"
is "the close of $M1 has lost its JWS" "$(count "SELECT count(*) FROM month_closes WHERE jws IS NULL")" 1
daemon_start "back_entry_days = 36500"
for _ in $(seq 100); do
	[ "$(count "SELECT count(*) FROM month_closes WHERE jws IS NULL")" = 0 ] && break
	sleep 0.1
done
is "... a daemon that starts signs it again, the same JWS" \
	"$(count "SELECT jws FROM month_closes WHERE month = '$M1'")" "$jws"
like "... and says so" "$(cat "$DAEMON_LOG")" "the close of $M1 has no JWS: signing it"
ok "vpointsd stops cleanly again" daemon_stop
