#!/usr/bin/env bash
# The ledger through the real client: volunteers, teams, activities, shifts,
# points, corrections, and every refusal changing nothing.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
state() { count "SELECT (SELECT count(*) FROM shifts) || '/' || (SELECT count(*) FROM checkins) || '/' || (SELECT count(*) FROM transfers) || '/' || (SELECT coalesce(sum(balance), 0) FROM accounts WHERE kind = 'volunteer') || '/' || (SELECT count(*) FROM volunteers) || '/' || (SELECT count(*) FROM volunteer_history)"; }
balance() { vp --json balance "$1" | jget points; }

# The city office sets up communities, activities and teams.
ok "community C01" vp community add C01 --name "东城社区" --population 12000
ok "community C02" vp community add C02 --name "West" --population 8000
ok "activity clean, 10 points an hour" vp activity add clean --name "Street cleaning" --points-per-hour 10
ok "activity patrol, capped at 25 a day" vp activity add patrol --name "Patrol" --points-per-hour 10 --daily-cap 25
ok "activity night, doubled 22:00-06:00" vp activity add night --name "Night watch" --points-per-hour 10 --multiplier "night,22:00,06:00,200"
ok "standing team env" vp team add env --name "Environment" --kind standing
ok "specialty team youth of C01" vp team add youth --name "Youth" --kind specialty --community C01
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s2.key" >/dev/null
ok "station S01 of C01" vp station add S01 --community C01 --name "East station" --pubkey "$T_DIR/s1.key.pub"
ok "station S02 of C02" vp station add S02 --community C02 --name "West station" --pubkey "$T_DIR/s2.key.pub"
s1() { vp --key "$T_DIR/s1.key" "$@"; }
s2() { vp --key "$T_DIR/s2.key" "$@"; }
s1 team add t9 --name x --kind standing >/dev/null 2>&1
is "a station key may not add teams (77)" "$?" 77

# Stations register their volunteers.
ok "register V-001 with consent, ID number and a team" s1 volunteer add V-001 --name "张三" \
	--consent --gender female --phone 13800000000 --id-number 110101199003077777 --team env
ok "register V-002" s1 volunteer add V-002 --name "Li Si"
ok "register V-003 in C02" s2 volunteer add V-003 --name "Wang Wu"
show=$(s1 --json volunteer show V-001)
like "the volunteer's community is the station's" "$show" '"community": "C01"'
like "only the last four of the ID number come back" "$show" '"id_last4": "7777"'
is "the ID number is stored nowhere in clear" \
	"$(pgc_run "$(pgc_bindir)/pg_dump" -h "$(pgc_sockdir "$T_PG")" -U vpoints vpoints | grep -c 110101199003077777)" 0
ok "... nor logged" test "$(grep -c 110101199003077777 "$DAEMON_LOG")" = 0
before=$(state)
s1 volunteer add V-004 --name Dup --id-number 110101199003077777 >/dev/null 2>&1
is "the same ID number twice is refused by the ledger (1)" "$?" 1
s1 volunteer add V-005 --name NoConsent --phone 123 >/dev/null 2>&1
is "personal fields without consent are refused (65)" "$?" 65
s1 volunteer add V-002 --name Again >/dev/null 2>&1
is "a volunteer number is unique (1)" "$?" 1
is "refused registrations change nothing" "$(state)" "$before"
ok "join the youth team" s1 team join youth V-001
s2 team join youth V-003 >/dev/null 2>&1
is "a team of another community refuses the volunteer (77)" "$?" 77
like "team list counts members" "$(vp team list)" "youth"
ok "leave the youth team" s1 team leave youth V-001
like "the history keeps every change" "$(s1 --json volunteer show V-001 --history)" '"action": "team-leave"'

# Check in and out: 60 minutes at 10 points an hour.
id=$(s1 --json shift checkin V-001 --activity clean --start "$(t_at '-3 hours')" | jget id)
ok "check-in gives a shift id" test -n "$id"
like "the board of C01 lists it" "$(s1 --csv shift open)" "$id,V-001,"
is "... the board of C02 does not" "$(s2 --csv shift open | wc -l)" 1
is "... nor may S02 read C01's (77)" "$(s2 shift open --community C01 >/dev/null 2>&1; echo $?)" 77
like "... an admin reads C01's" "$(vp --csv shift open --community C01)" "$id,V-001,"
shift_json=$(s1 --json shift checkout "$id" --end "$(t_at '-2 hours')")
is "check-out records 60 minutes" "$(echo "$shift_json" | jget minutes)" 60
is "... and 10 points" "$(echo "$shift_json" | jget points)" 10
s1 shift checkout "$id" >/dev/null 2>&1
is "a second check-out is refused (1)" "$?" 1
is "the board is empty again" "$(s1 --csv shift open | wc -l)" 1

# A paper record: 59 minutes earn 9 points (fractions dropped).
logged=$(s1 --json shift log V-001 --activity clean --start "$(t_at '-90 minutes')" --end "$(t_at '-31 minutes')" --place "Main St")
is "a logged shift of 59 minutes" "$(echo "$logged" | jget minutes)" 59
is "... earns 9 points" "$(echo "$logged" | jget points)" 9
is "the balance is 19" "$(balance V-001)" 19
logged_id=$(echo "$logged" | jget id)

# Every refusal, and nothing changes.
before=$(state)
refuse() { # desc expected-exit command...
	local desc=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	is "$desc: exit $want" "$rc" "$want"
	[ "$rc" = "$want" ] || echo "$out" | sed 's/^/#   /'
}
refuse "end before start" 65 s1 shift log V-001 --activity clean --start "$(t_at '-5 hours')" --end "$(t_at '-6 hours')"
refuse "over 24 hours" 65 s1 shift log V-001 --activity clean --start "$(t_at '-3 days')" --end "$(t_at '-1 days -1 hour')"
refuse "a start in the future" 65 s1 shift log V-001 --activity clean --start "$(t_at '+2 hours')" --end "$(t_at '+3 hours')"
refuse "an overlapping shift" 1 s1 shift log V-001 --activity clean --start "$(t_at '-150 minutes')" --end "$(t_at '-100 minutes')"
refuse "an unknown volunteer" 65 s1 shift log V-999 --activity clean --start "$(t_at '-5 hours')" --end "$(t_at '-4 hours')"
refuse "an unknown activity" 65 s1 shift log V-001 --activity nosuch --start "$(t_at '-5 hours')" --end "$(t_at '-4 hours')"
refuse "a volunteer of another community" 77 s1 shift log V-003 --activity clean --start "$(t_at '-5 hours')" --end "$(t_at '-4 hours')"
refuse "a check-in of another community" 77 s1 shift checkin V-003 --activity clean
is "refused shifts change nothing" "$(state)" "$before"
ok "suspend V-002" s1 volunteer update V-002 --status suspended --reason "moved away for a year"
before=$(state)
refuse "a suspended volunteer" 1 s1 shift log V-002 --activity clean --start "$(t_at '-5 hours')" --end "$(t_at '-4 hours')"
refuse "a suspended volunteer's check-in" 1 s1 shift checkin V-002 --activity clean
is "... and nothing changes" "$(state)" "$before"
ok "an admin may record across communities" vp shift log V-003 --activity clean --start "$(t_at '-5 hours')" --end "$(t_at '-4 hours')"

# A correction: the old record stays, its points reversed.
corr=$(s1 --json shift correct "$logged_id" --reason "ended at half past" --end "$(t_at '-60 minutes')")
is "the correction is a new record of 30 minutes" "$(echo "$corr" | jget minutes)" 30
is "... naming the one it corrects" "$(echo "$corr" | jget corrects)" "$logged_id"
is "the balance is 10 + 5" "$(balance V-001)" 15
like "the old record is kept, marked corrected" "$(s1 --json shift list V-001)" '"status": "corrected"'
is "minutes count the current records only" "$(s1 --json volunteer show V-001 | jget minutes)" 90
refuse "correcting a corrected record" 1 s1 shift correct "$logged_id" --reason again
count "UPDATE shifts SET minutes = 1" >/dev/null 2>&1
is "shifts refuse UPDATE" "$?" 1
count "DELETE FROM transfers" >/dev/null 2>&1
is "transfers refuse DELETE" "$?" 1

# The daily cap limits points, never hours.
day=$(t_date '-3 days' +%Y-%m-%d)	# clear of the shifts of the last hours
a=$(s1 --json shift log V-001 --activity patrol --start "${day}T09:00:00+08:00" --end "${day}T11:00:00+08:00")
b=$(s1 --json shift log V-001 --activity patrol --start "${day}T12:00:00+08:00" --end "${day}T14:00:00+08:00")
is "the first patrol earns 20" "$(echo "$a" | jget points)" 20
is "the second only the 5 left under the cap" "$(echo "$b" | jget points)" 5
is "... for its full 120 minutes" "$(echo "$b" | jget minutes)" 120

# Night minutes count double.
n=$(s1 --json shift log V-001 --activity night --start "${day}T21:00:00+08:00" --end "${day}T23:00:00+08:00")
is "21:00-23:00 with 22:00-06:00 doubled: 10 + 20" "$(echo "$n" | jget points)" 30

# Scripts get CSV: RFC 4180, UTF-8 intact.
csv=$(s1 --csv volunteer list)
like "CSV has a header" "$csv" "number,name"
like "CSV keeps Chinese names" "$csv" "V-001,张三"
is "CSV lines end in CRLF" "$(s1 --csv volunteer list | head -n 1 | od -An -c | tr -d ' \n' | tail -c 4)" '\r\n'

# The books balance.
is "all accounts sum to zero" "$(count "SELECT sum(balance) FROM accounts")" 0
is "each balance is the sum of its transfers" "$(count "SELECT count(*) FROM accounts a WHERE balance <> coalesce((SELECT sum(amount) FROM transfers WHERE to_account = a.id), 0) - coalesce((SELECT sum(amount) FROM transfers WHERE from_account = a.id), 0)")" 0
is "V-001's balance: 10 + 5 + 20 + 5 + 30" "$(balance V-001)" 70
like "vpoints audit finds the ledger consistent" "$(vp audit)" "ledger consistent"
# A balance moved behind the ledger's back: the audit names each problem.
acct=$(count "SELECT a.id FROM accounts a JOIN volunteers v ON v.id = a.volunteer_id WHERE v.number = 'V-001'")
count "UPDATE accounts SET balance = balance + 3 WHERE id = $acct" >/dev/null
out=$(vp audit 2>&1)
is "a faulted ledger: vpoints audit exits 1" "$?" 1
like "... the accounts' sum" "$out" "accounts sum to 3, not 0"
like "... and the balance against its transfers" "$out" "account $acct (volunteer): balance 73, transfers 70"
count "UPDATE accounts SET balance = balance - 3 WHERE id = $acct" >/dev/null
like "mended, the audit is clean again" "$(vp audit)" "ledger consistent"
# Faulted in many rows: the first 1,000 problems, and how many in all.
count "INSERT INTO catalog_items (station_id, community_id, code, name, category, price, stock) SELECT s.id, s.community_id, 'fault-' || n, 'Fault', 'gift', 1, 1 FROM stations s, generate_series(1, 1005) n WHERE s.id = (SELECT min(id) FROM stations WHERE community_id IS NOT NULL)" >/dev/null
out=$(vp audit 2>&1)
is "1,005 faulted items: vpoints audit exits 1" "$?" 1
like "... says how many in all" "$out" "(1005 problems in all; the first 1000 are listed)"
is "... and lists the first 1,000" "$(grep -c "^  item fault-" <<<"$out")" 1000
out=$(VP_LOCALE=zh_CN.UTF-8 vp audit 2>&1)
like "... in Chinese too" "$out" "（共 1005 个问题，以上列出前 1000 个）"
count "DELETE FROM catalog_items WHERE code LIKE 'fault-%'" >/dev/null
like "mended again, clean" "$(vp audit)" "ledger consistent"
ok "SIGTERM exits 0" daemon_stop
