#!/usr/bin/env bash
# The whole record of service, through the real client: a shift's points
# count in the month of the service, as its hours do (a back-entered
# shift shows in its month with its points, not in the month it was
# entered); training is never service; qualifications and their expiry;
# awards and evaluations, corrected by a new record or a reversal, in the
# volunteer's record, export and certificate.
. "$top_srcdir/tests/lib.sh"

harness_db
# Shifts of last month are entered now: the window must reach them.
daemon_start "back_entry_days = 36500"
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
# jq-less: a member of the JSON on standard input (a.b.0).
jget() { /usr/bin/python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print(v if isinstance(v, str) else json.dumps(v))' "$1"; }

# Months in the daemon's time zone: PREV is the month before the current
# one, CUR the current one.
cur=$(TZ=Asia/Shanghai date -d "@$T_NOW" +%Y-%m-01)
PREV=$(date -d "$cur -1 months" +%Y-%m)
CUR=${cur%-01}
today=$(TZ=Asia/Shanghai date -d "@$T_NOW" +%F)
at() { echo "$1T$2:00+08:00"; }		# at 2026-11-10 09:00

vp community add C01 --name "东城社区" --population 12000 >/dev/null
vp community add C02 --name West --population 8000 >/dev/null
vp activity add clean --name "Street cleaning" --points-per-hour 10 >/dev/null
for s in S01 S02; do "$VPOINTS" keygen --out "$T_DIR/$s.key" >/dev/null; done
vp station add S01 --community C01 --name East --pubkey "$T_DIR/S01.key.pub" >/dev/null
vp station add S02 --community C02 --name West --pubkey "$T_DIR/S02.key.pub" >/dev/null
s1() { vp --key "$T_DIR/S01.key" "$@"; }
s2() { vp --key "$T_DIR/S02.key" "$@"; }

# -- Points in the month of the service --
s1 volunteer add V-001 --name "Zhang San" --registered-on "$PREV-01" >/dev/null
s1 volunteer add V-002 --name "Li Si" --registered-on "$PREV-01" >/dev/null
# Two shifts of last month, entered now: three hours, 30 points.
ok "a shift of $PREV entered now" s1 shift log V-001 --activity clean \
	--start "$(at "$PREV-15" 09:00)" --end "$(at "$PREV-15" 11:00)"
ok "another one" s1 shift log V-001 --activity clean \
	--start "$(at "$PREV-28" 09:00)" --end "$(at "$PREV-28" 10:00)"
# And V-002's of last month too: an hour, 10 points. (No shift of this
# month: what this month counts must not depend on the hour the test
# runs at.)
ok "V-002's shift of $PREV" s1 shift log V-002 --activity clean \
	--start "$(at "$PREV-05" 09:00)" --end "$(at "$PREV-05" 10:00)"
community() {		# month member
	vp --json report monthly --month "$1" --level community --community C01 | jget "rows.0.$2"
}
volunteer() {		# month number member
	vp --json report monthly --month "$1" --level volunteer --community C01 |
		/usr/bin/python3 -c 'import json, sys
r = [x for x in json.load(sys.stdin)["rows"] if x["number"] == sys.argv[1]]
print(json.dumps(r[0][sys.argv[2]]) if r else "none")' "$2" "$3"
}
is "$PREV: the three shifts' hours" "$(community "$PREV" hours)" 4.0
is "$PREV: and their points, issued in it" "$(community "$PREV" points_issued)" 40
is "$PREV: V-001 earned them in it" "$(volunteer "$PREV" V-001 points_earned)" 30
is "$PREV: V-001's balance at its end" "$(volunteer "$PREV" V-001 balance)" 30
is "$CUR, the month they were entered in: no hours" "$(community "$CUR" hours)" 0.0
is "$CUR: and no points" "$(community "$CUR" points_issued)" 0
is "$CUR: V-001 earned nothing in it" "$(volunteer "$CUR" V-001 points_earned)" 0
# A correction of last month's shift: its reversal counts in the shift's
# month too, and the correction's points with it.
id=$(s1 --json shift list V-001 | /usr/bin/python3 -c 'import json, sys
print([s["id"] for s in json.load(sys.stdin)["shifts"] if s["started_at"].startswith(sys.argv[1] + "-28")][0])' "$PREV")
ok "correct the shift of $PREV-28 to two hours" s1 shift correct "$id" \
	--reason "signed out late" --end "$(at "$PREV-28" 11:00)"
is "$PREV: five hours now" "$(community "$PREV" hours)" 5.0
is "$PREV: and 50 points" "$(community "$PREV" points_issued)" 50
is "$CUR: the correction moved nothing into it" "$(community "$CUR" points_issued)" 0
# A redemption counts when it happens.
ok "a gift" s1 catalog add towel --name Towel --category gift --price 15 --stock 3
ok "redeemed now" s1 redeem V-001 towel
is "$CUR: redeemed in it" "$(community "$CUR" points_redeemed)" 15
is "$PREV: nothing redeemed in it" "$(community "$PREV" points_redeemed)" 0
is "$CUR: V-001 spent it in it" "$(volunteer "$CUR" V-001 points_spent)" 15
is "$CUR: V-001's balance at its end" "$(volunteer "$CUR" V-001 balance)" 25
ok "the audit agrees" vp audit

# -- Training is never service --
service() {		# the minutes of service and points V-002 has
	echo "$(count "SELECT minutes FROM volunteer_totals t JOIN volunteers v ON v.id = t.volunteer_id WHERE v.number = 'V-002'")/$(count "SELECT balance FROM accounts a JOIN volunteers v ON v.id = a.volunteer_id WHERE v.number = 'V-002'")"
}
before=$(service)
shifts_before=$(count "SELECT count(*) FROM shifts")
out=$(s1 --json training add --course "First aid basics" --held-on "$PREV-20" \
	--hours 2.5 --trainer "Dr Wang" --place "Community hall" \
	--qualification first-aid --valid-months 1)
is "a training of $PREV: 150 minutes" "$(echo "$out" | jget minutes)" 150
tid=$(echo "$out" | jget id)
ok "V-002 attended it" s1 training attend "$tid" V-002
ok "V-001 too" s1 training attend "$tid" V-001
fails "not twice" s1 training attend "$tid" V-002
fails "a volunteer of another community is refused" s2 training attend "$tid" V-002
s2 volunteer add W-001 --name "Wang Wu" >/dev/null
fails "another community's station cannot use the training" s2 training attend "$tid" W-001
ok "a training of this month, without a qualification" \
	s1 training add --course "Street safety" --held-on "$today" --hours 1
tid2=$(s1 --json training list | jget trainings.0.id)
ok "V-002 attended it" s1 training attend "$tid2" V-002
is "training is no service: minutes and points unchanged" "$(service)" "$before"
is "... and no shift was recorded" "$(count "SELECT count(*) FROM shifts")" "$shifts_before"
is "$PREV: the service hours of the community are as they were" "$(community "$PREV" hours)" 5.0
is "$CUR: and this month's" "$(community "$CUR" hours)" 0.0
training() {		# month number member
	vp --json report monthly --month "$1" --level training --community C01 |
		/usr/bin/python3 -c 'import json, sys
r = [x for x in json.load(sys.stdin)["rows"] if x["number"] == sys.argv[1]]
print(json.dumps(r[0][sys.argv[2]]) if r else "none")' "$2" "$3"
}
is "$PREV's training report: V-002's hours" "$(training "$PREV" V-002 hours)" 2.5
is "$CUR's: V-002's hour" "$(training "$CUR" V-002 hours)" 1.0
is "$CUR's: V-001 attended none" "$(training "$CUR" V-001 hours)" none
is "$PREV's training totals: two sessions, five hours" \
	"$(vp --json report monthly --month "$PREV" --level training | jget totals.hours)" 5.0
is "the volunteer's trainings" "$(s1 --json training list --volunteer V-002 | jget trainings.1.course)" "First aid basics"

# -- Qualifications --
qualified() {		# number qualification date
	count "SELECT vp_volunteer_qualified((SELECT id FROM volunteers WHERE number = '$1'), '$2', '$3')"
}
# The training granted first-aid from $PREV-20 for a month: expired by
# the end of this month at the latest.
is "the training granted first-aid" "$(s1 --json qualification list --volunteer V-002 | jget qualifications.0.training)" "$tid"
is "first-aid held on $PREV-25" "$(qualified V-002 first-aid "$PREV-25")" t
exp=$(count "SELECT ('$PREV-20'::date + interval '1 month')::date")
is "... no more on the day it expires, $exp" "$(qualified V-002 first-aid "$exp")" f
is "... nor before it was issued" "$(qualified V-002 first-aid "$PREV-19")" f
ok "a driving licence, expiring in 10 days" s1 qualification grant V-001 driving \
	--issued-on "$(t_date '-400 days' +%F)" --expires-on "$(t_date '+10 days' +%F)"
ok "an expired one" s1 qualification grant V-002 driving \
	--issued-on "$(t_date '-800 days' +%F)" --expires-on "$(t_date '-1 days' +%F)"
is "V-001 may drive today" "$(qualified V-001 driving "$today")" t
is "V-002's licence expired: not qualified" "$(qualified V-002 driving "$today")" f
is "nobody else is" "$(qualified W-001 driving "$today")" f
fails "expiry before issue is refused" s1 qualification grant V-001 ladder \
	--issued-on "$today" --expires-on "$(t_date '-1 days' +%F)"
fails "an issue in the future is refused" s1 qualification grant V-001 ladder \
	--issued-on "$(t_date '+2 days' +%F)"
fails "another community's volunteer is refused" s2 qualification grant V-001 ladder \
	--issued-on "$today"
# (The first-aid of the training may expire within 30 days too, or have
# expired, as the day of the month goes: only the licences are looked at.)
expiring() {
	s1 --json qualification list "$@" | /usr/bin/python3 -c 'import json, sys
print(" ".join(q["volunteer"] + ":" + q["qualification"] + ":" + q["expires_on"]
    for q in json.load(sys.stdin)["qualifications"] if q["qualification"] == "driving"))'
}
is "driving licences expiring within 30 days: V-001's" "$(expiring)" "V-001:driving:$(t_date '+10 days' +%F)"
is "... and within 5 days: none" "$(expiring --expiring-within 5)" ""
ok "V-001 renews it" s1 qualification grant V-001 driving \
	--issued-on "$today" --expires-on "$(t_date '+3 years' +%F)"
is "... and is off the list" "$(expiring)" ""

# -- Awards: kept for good, corrected by a new record --
a1=$(s1 --json award add V-001 --title "优秀志愿者" --level district \
	--awarded-on "$PREV-10" --issuer "东城区文明办" --reason "Flood relief" | jget id)
a2=$(s1 --json award add V-001 --title "Star of the street" --level community \
	--awarded-on "$today" --issuer "East station" | jget id)
a3=$(s1 --json award add V-001 --title "Mistake" --level city \
	--awarded-on "$today" --issuer "Nobody" | jget id)
fails "an award in the future is refused" s1 award add V-001 --title X --level city \
	--awarded-on "$(t_date '+3 days' +%F)" --issuer Y
fails "an unknown level is refused" s1 award add V-001 --title X --level planet \
	--awarded-on "$today" --issuer Y
fails "another community's station cannot award V-001" s2 award add V-001 --title X \
	--level city --awarded-on "$today" --issuer Y
out=$(s1 --json award correct "$a2" --correction "the street office gave it" --level street)
a2c=$(echo "$out" | jget id)
is "award $a2 corrected by a new record: its level was street" "$(echo "$out" | jget corrects)/$(echo "$out" | jget level)/$(echo "$out" | jget title)" \
	"$a2/street/Star of the street"
fails "... only the newest record is corrected" s1 award correct "$a2" --correction again --level city
a3c=$(s1 --json award correct "$a3" --correction "entered by mistake" --withdraw | jget id)
is "award $a3 withdrawn" "$(s1 --json award list V-001 --all | jget awards.4.withdrawn)" true
awards=$(s1 --json award list V-001 | /usr/bin/python3 -c 'import json, sys
print(" | ".join("%s/%s/%s" % (a["title"], a["level"], a.get("corrects", "-")) for a in json.load(sys.stdin)["awards"]))')
is "the awards that stand: the first and the corrected second" "$awards" \
	"优秀志愿者/district/- | Star of the street/street/$a2"
is "every record is kept" "$(s1 --json award list V-001 --all | jget awards | /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" 5
fails "awards are append-only" pgc_psql "$T_PG" -v ON_ERROR_STOP=1 -c "UPDATE awards SET title = 'x'"

# -- Evaluations: one per role and record, corrected by reversal --
sid=$(s1 --json shift list V-002 | jget shifts.0.id)
e1=$(s1 --json evaluation add --shift "$sid" --role resident --score 5 --comment "很好" | jget id)
is "an evaluation of shift $sid by the resident served" "$(s1 --json evaluation list --shift "$sid" | jget evaluations.0.score)" 5
fails "a second one by the resident is refused" s1 evaluation add --shift "$sid" --role resident --score 1
ok "one by the activity lead is taken" s1 evaluation add --shift "$sid" --role lead --score 3
fails "a score of 6 is refused" s1 evaluation add --shift "$sid" --role lead --score 6
fails "another community's station cannot evaluate it" s2 evaluation add --shift "$sid" --role resident --score 1
fails "a corrected shift is not evaluated" s1 evaluation add --shift "$id" --role resident --score 4
ok "the resident's is reversed" s1 evaluation reverse "$e1" --reason "wrong shift"
fails "... once" s1 evaluation reverse "$e1" --reason again
ok "... and another one recorded" s1 evaluation add --shift "$sid" --role resident --score 4
hid=$(s1 --json help request V-002 --points 5 --description "Carry the shopping" | jget id)
fails "help not yet completed is not evaluated" s1 evaluation add --help-request "$hid" --role resident --score 5
s1 help accept "$hid" --helper V-001 >/dev/null
s1 help complete "$hid" --minutes 30 >/dev/null
ok "completed help is" s1 evaluation add --help-request "$hid" --role resident --score 2
summary=$(s1 --json evaluation list --volunteer V-002 | jget summary)
is "V-002's summary: two stand, one approving" "$summary" \
	'{"approving": 1, "evaluations": 2, "average_score": 3.5}'

# -- The record: export and certificate --
export=$(s1 --json volunteer export V-001)
is "the export lists V-001's training" "$(echo "$export" | jget training_summary)" \
	'{"hours": 2.5, "minutes": 150, "sessions": 1}'
is "... every award record, marked whether it stands" "$(echo "$export" | /usr/bin/python3 -c 'import json, sys
print(" ".join("%s:%s" % (a["id"], a["stands"]) for a in json.load(sys.stdin)["awards"]))')" \
	"$a1:True $a2:False $a3:False $a2c:True $a3c:False"
is "... the evaluations of V-001's help" "$(echo "$export" | jget evaluation_summary)" \
	'{"approving": 0, "evaluations": 1, "average_score": 2.0}'
is "... the qualifications" "$(echo "$export" | jget qualifications.1.qualification)" driving
curl -s "$DAEMON_URL/v1/public-key" >"$T_DIR/public-key.json"
ok "a certificate of V-001 for $PREV and this month (its page in Chinese)" zh s1 certificate issue V-001 \
	--from "$PREV-01" --to "$today" --out "$T_DIR/c.jws" --html "$T_DIR/c.html"
cert=$(vp certificate verify "$T_DIR/c.jws" --pubkey "$T_DIR/public-key.json" --json)
is "it verifies offline" "$?" 0
is "... its training" "$(echo "$cert" | jget training)" '{"hours": 2.5, "minutes": 150, "sessions": 1}'
is "... its awards that stand, dated in it" "$(echo "$cert" | /usr/bin/python3 -c 'import json, sys
print(" | ".join("%s/%s" % (a["title"], a["level"]) for a in json.load(sys.stdin)["awards"]))')" \
	"优秀志愿者/district | Star of the street/street"
is "... its evaluations" "$(echo "$cert" | jget evaluations)" \
	'{"approving": 0, "evaluations": 1, "average_score": 2.0}'
is "... and its hours of service, training apart" "$(echo "$cert" | jget minutes)" 270
page=$(cat "$T_DIR/c.html")
like "the printed certificate: training, not service" "$page" "<th>参加培训</th><td>1次，共2.50小时（不计入志愿服务时长）</td>"
like "... the awards" "$page" "优秀志愿者（区级，东城区文明办"
like "... the evaluations" "$page" "<th>服务评价</th><td>共1次评价，其中满意（4–5分）0次，平均2.00分</td>"

# -- A requirement: an expired qualification blocks it (V-002's licence
# expired yesterday: on no day of a shift from yesterday on is it held) --
ok "an activity that requires a driving licence" vp activity add drive \
	--name "Driving the elderly" --points-per-hour 12 --requires driving
fails "V-002, whose licence expired, cannot serve in it" s1 shift log V-002 \
	--activity drive --start "$(t_at '-5 hours')" --end "$(t_at '-4 hours')"
fails "... nor check in for it" s1 shift checkin V-002 --activity drive
ok "V-001, who holds one, can" s1 shift log V-001 \
	--activity drive --start "$(t_at '-5 hours')" --end "$(t_at '-4 hours')"

# -- Party membership is a personal field --
fails "party membership without consent is refused" s1 volunteer update V-002 --party-member
ok "with consent it is kept" s1 volunteer update V-002 --consent --party-member
is "V-002 is a party member" "$(s1 --json volunteer show V-002 | jget party_member)" true
ok "V-001 was brought in by V-002" s1 volunteer update V-001 --recruited-by V-002
fails "V-002 brought in by V-001: a cycle" s1 volunteer update V-002 --recruited-by V-001
fails "V-002 by V-002: oneself" s1 volunteer update V-002 --recruited-by V-002
fails "a recruiter who is not there" s1 volunteer update V-002 --recruited-by V-999
ok "V-002 withdraws consent" s1 volunteer update V-002 --no-consent
is "... party membership is erased from the volunteer" "$(s1 --json volunteer show V-002 | jget party_member)" null
is "... and from every history row" "$(count "SELECT count(*) FROM volunteer_history h JOIN volunteers v ON v.id = h.volunteer_id WHERE v.number = 'V-002' AND h.data ->> 'party_member' IS NOT NULL")" 0
is "... while who brought whom stays" "$(s1 --json volunteer show V-001 | jget recruited_by)" V-002
