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
# One of this month: an hour, 10 points.
ok "a shift of this month" s1 shift log V-002 --activity clean \
	--start "$(t_at '-3 hours')" --end "$(t_at '-2 hours')"
community() {		# month member
	vp --json report monthly --month "$1" --level community --community C01 | jget "rows.0.$2"
}
volunteer() {		# month number member
	vp --json report monthly --month "$1" --level volunteer --community C01 |
		/usr/bin/python3 -c 'import json, sys
r = [x for x in json.load(sys.stdin)["rows"] if x["number"] == sys.argv[1]]
print(json.dumps(r[0][sys.argv[2]]) if r else "none")' "$2" "$3"
}
is "$PREV: the two shifts' hours" "$(community "$PREV" hours)" 3.0
is "$PREV: and their points, issued in it" "$(community "$PREV" points_issued)" 30
is "$PREV: V-001 earned them in it" "$(volunteer "$PREV" V-001 points_earned)" 30
is "$PREV: V-001's balance at its end" "$(volunteer "$PREV" V-001 balance)" 30
is "$CUR: only this month's hour" "$(community "$CUR" hours)" 1.0
is "$CUR: and its points" "$(community "$CUR" points_issued)" 10
is "$CUR: V-001 earned nothing in it" "$(volunteer "$CUR" V-001 points_earned)" 0
# A correction of last month's shift: its reversal counts in the shift's
# month too, and the correction's points with it.
id=$(s1 --json shift list V-001 | /usr/bin/python3 -c 'import json, sys
print([s["id"] for s in json.load(sys.stdin)["shifts"] if s["started_at"].startswith(sys.argv[1] + "-28")][0])' "$PREV")
ok "correct the shift of $PREV-28 to two hours" s1 shift correct "$id" \
	--reason "signed out late" --end "$(at "$PREV-28" 11:00)"
is "$PREV: four hours now" "$(community "$PREV" hours)" 4.0
is "$PREV: and 40 points" "$(community "$PREV" points_issued)" 40
is "$CUR: the correction moved nothing into it" "$(community "$CUR" points_issued)" 10
# A redemption counts when it happens.
ok "a gift" s1 catalog add towel --name Towel --category gift --price 15 --stock 3
ok "redeemed now" s1 redeem V-001 towel
is "$CUR: redeemed in it" "$(community "$CUR" points_redeemed)" 15
is "$PREV: nothing redeemed in it" "$(community "$PREV" points_redeemed)" 0
is "$CUR: V-001 spent it in it" "$(volunteer "$CUR" V-001 points_spent)" 15
is "$CUR: V-001's balance at its end" "$(volunteer "$CUR" V-001 balance)" 25
ok "the audit agrees" vp audit
