#!/usr/bin/env bash
# Offline stations: writes that find no vpointsd wait in the outbox, keep
# their original times, and are sent later exactly once, also when a flush
# is cut short; what the daemon then refuses goes to failed/.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
balance() { s1 --json balance "$1" | jget points; }
# The station's client; DAEMON_URL is read at each call (a restarted
# daemon listens on a new port).
s1() { "$VPOINTS" --server "$DAEMON_URL" --key "$T_DIR/s1.key" "$@"; }
# ids of the queued entries, in order, on one line.
queued() { s1 --json outbox list | /usr/bin/python3 -c 'import json,sys; print(" ".join(e["id"] for e in json.load(sys.stdin)["entries"]))'; }
shifts_of() { count "SELECT count(*) FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id WHERE v.number = '$1'"; }

ok "community C01" vp community add C01 --name East --population 12000
ok "activity clean, 10 points an hour" vp activity add clean --name "Street cleaning" --points-per-hour 10
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
ok "station S01" vp station add S01 --community C01 --name "East station" --pubkey "$T_DIR/s1.key.pub"
ok "register V-001" s1 volunteer add V-001 --name "张三"
ok "register V-002" s1 volunteer add V-002 --name "Li Si"

export VPOINTS_OUTBOX="$T_DIR/state/outbox"

# A 503 is an answer: the daemon is up, its database is not. Not queued.
pgc_stop "$T_PG" fast
wait_health 10 503
out=$(s1 --retries 0 shift log V-001 --activity clean --start "$(t_at '-9 hours')" --end "$(t_at '-8 hours')" 2>&1)
is "a write answered 503 fails as before (69)" "$?" 69
like "... saying why" "$out" "(HTTP 503)"
like "... and how to run it again without doing it twice" "$out" \
	"it may have been done: run the same command again with --idempotency-key "
ok "... and is not queued" test ! -e "$VPOINTS_OUTBOX"
pgc_start "$T_PG"
wait_health 10 200

# The daemon goes away; three writes are queued.
ok "the daemon stops" daemon_stop
# A write never kept in the outbox, without an answer: the key to run it
# again under, so that it is done once.
out=$(s1 --retries 0 volunteer update V-001 --name "Renamed once" 2>&1)
is "a write not queued, with no daemon: exit 69" "$?" 69
again_key=$(sed -n 's/.*--idempotency-key \([^ ]*\) to be told.*/\1/p' <<<"$out")
ok "... saying the key to run it again under ($again_key)" test -n "$again_key"
log_start=$(t_at '-3 hours')
log_end=$(t_at '-2 hours')
out=$(s1 --retries 1 shift log V-001 --activity clean --start "$log_start" --end "$log_end" --place "Main St" 2>&1)
is "shift log with no daemon: exit 75" "$?" 75
like "... queued, with its outbox id" "$out" "queued in the outbox as 00000001"
like "... after saying there was no answer" "$out" "did not answer"
checkin_before=$(date +%s)
out=$(s1 --retries 1 shift checkin V-002 --activity clean 2>&1)
is "shift checkin with no daemon: exit 75" "$?" 75
checkin_after=$(date +%s)
like "... queued as 00000002" "$out" "00000002"
# With the default retries: about 8 s of back-off before it gives up.
# The client stamps the day it started (real clock, the programme's
# zone): one of these two.
add_day_before=$(TZ=Asia/Shanghai date +%F)
out=$(s1 volunteer add V-003 --name "王五" 2>&1)
is "volunteer add with no daemon: exit 75" "$?" 75
add_day_after=$(TZ=Asia/Shanghai date +%F)
like "... queued as 00000003" "$out" "00000003"
is "three entries, oldest first" "$(queued)" "00000001 00000002 00000003"
list=$(s1 outbox list)
like "the table names the command" "$list" "shift checkin"
like "... and the route" "$list" "/v1/volunteers"
is "CSV has a header" "$(s1 --csv outbox list | head -n 1 | tr -d '\r')" "id,queued_at,what,method,path,idempotency_key,body"
is "the outbox folder is 0700" "$(stat -c %a "$VPOINTS_OUTBOX")" 700
is "an entry is 0600" "$(stat -c %a "$VPOINTS_OUTBOX/00000002")" 600
json=$(s1 --json outbox list)
check=$(echo "$json" | /usr/bin/python3 -c '
import json, sys, datetime
e = json.load(sys.stdin)["entries"]
lo, hi, days = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split()
body = [json.loads(x["body"]) for x in e]
start = datetime.datetime.fromisoformat(body[1]["started_at"]).timestamp()
queued = datetime.datetime.fromisoformat(e[1]["queued_at"]).timestamp()
print(" ".join([
    "keys-distinct" if len({x["idempotency_key"] for x in e}) == 3 else "keys-repeat",
    "start-of-command" if lo <= start <= hi else "start-%d-not-in-%d-%d" % (start, lo, hi),
    "queued-of-command" if lo <= queued <= hi else "queued-wrong",
    "registered-today" if body[2].get("registered_on") in days else "registered-%s" % body[2].get("registered_on"),
    "log-times-kept" if body[0]["started_at"] == sys.argv[4] else "log-times-changed",
    "posts" if all(x["method"] == "POST" for x in e) else "not-posts"]))
' "$checkin_before" "$checkin_after" "$add_day_before $add_day_after" "$log_start")
registered_on=$(echo "$json" | /usr/bin/python3 -c 'import json, sys; print(json.loads(json.load(sys.stdin)["entries"][2]["body"])["registered_on"])')
is "entries keep their key and the times of the command" "$check" \
	"keys-distinct start-of-command queued-of-command registered-today log-times-kept posts"
out=$(s1 --retries 0 outbox flush 2>&1)
is "a flush with no daemon stops: exit 75" "$?" 75
is "... and keeps every entry" "$(queued)" "00000001 00000002 00000003"

# The daemon is back (same database, a new port): flush.
daemon_start
ok "the write run again under the key it was given" \
	s1 volunteer update V-001 --name "Renamed once" --idempotency-key "$again_key"
flush_at=$(date +%s)
out=$(s1 outbox flush 2>&1)
is "flush: exit 0" "$?" 0
like "... all three sent" "$out" "3 sent, 0 refused, 0 kept"
like "... each reported" "$out" "00000003 volunteer add: done (HTTP 201)"
is "the outbox is empty" "$(queued)" ""
is "... no file left in it" "$(ls -A "$VPOINTS_OUTBOX")" ""
is "the logged shift has its original times" \
	"$(count "SELECT count(*) FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id WHERE v.number = 'V-001' AND s.started_at = '$log_start' AND s.ended_at = '$log_end' AND s.place = 'Main St'")" 1
started=$(count "SELECT extract(epoch FROM k.started_at)::bigint FROM checkins k JOIN volunteers v ON v.id = k.volunteer_id WHERE v.number = 'V-002' AND k.closed_at IS NULL")
ok "the check-in started when the command ran ($started), not at the flush ($flush_at)" \
	test "$started" -ge "$checkin_before" -a "$started" -le "$checkin_after" -a "$started" -lt "$flush_at"
is "V-003 is registered on the day of the command" "$(count "SELECT registered_on FROM volunteers WHERE number = 'V-003'")" "$registered_on"
is "V-001 earned 10 points for the hour" "$(balance V-001)" 10
like "the audit is clean" "$(vp audit)" "ledger consistent"

# Refused when flushed: a shift overlapping one logged directly meanwhile.
checkin_id=$(s1 --json shift checkin V-001 --activity clean --start "$(t_at '-90 minutes')" | jget id)
ok "V-001 checks in while the daemon is up" test -n "$checkin_id"
ok "the daemon stops again" daemon_stop
refused_start=$(t_at '-6 hours')
s1 --retries 0 shift log V-001 --activity clean --start "$refused_start" --end "$(t_at '-5 hours')" >/dev/null 2>&1
is "a shift queued offline (75)" "$?" 75
checkout_before=$(date +%s)
s1 --retries 0 shift checkout "$checkin_id" >/dev/null 2>&1
is "a check-out queued offline (75)" "$?" 75
is "the next entries are numbered afresh" "$(queued)" "00000001 00000002"
daemon_start
ok "meanwhile another station logs an overlapping shift" \
	s1 shift log V-001 --activity clean --start "$(t_at '-330 minutes')" --end "$(t_at '-270 minutes')"
out=$(s1 outbox flush 2>&1)
is "flush with a refusal: exit 1" "$?" 1
like "... the refusal is reported" "$out" "overlap"
like "... with where the entry went" "$out" "moved to $VPOINTS_OUTBOX/failed/00000001"
like "... and the flush went on" "$out" "1 sent, 1 refused, 0 kept"
is "the refused shift was not recorded" "$(count "SELECT count(*) FROM shifts WHERE started_at = '$refused_start'")" 0
is "the outbox is empty" "$(queued)" ""
ok "the refused entry is kept in failed/" test -f "$VPOINTS_OUTBOX/failed/00000001"
failed=$(s1 outbox list --failed)
like "list --failed shows it with the daemon's status" "$failed" "409"
like "... and why" "$failed" "overlap"
ended=$(count "SELECT extract(epoch FROM s.ended_at)::bigint FROM shifts s WHERE s.source = 'checkout' AND s.volunteer_id = (SELECT id FROM volunteers WHERE number = 'V-001')")
ok "the check-out ended when its command ran" test "$ended" -ge "$checkout_before" -a "$ended" -lt "$((checkout_before + 60))"

# A flush killed after the first entry was applied, before its file went:
# run again, every entry lands exactly once.
ok "the daemon stops a third time" daemon_stop
for h in 12 10 8; do
	s1 --retries 0 shift log V-003 --activity clean --start "$(t_at "-$h hours")" --end "$(t_at "-$((h - 1)) hours")" >/dev/null 2>&1
done
s1 --retries 0 volunteer add V-004 --name "Zhao Liu" >/dev/null 2>&1
is "four entries queued, after the failed one's number" "$(queued)" "00000002 00000003 00000004 00000005"
daemon_start
VPOINTS_OUTBOX_CRASH_AFTER=1 s1 outbox flush >/dev/null 2>&1
is "the flush dies after the first answer (killed)" "$?" 137
is "... the first shift was applied" "$(shifts_of V-003)" 1
is "... and all four files are still there" "$(queued)" "00000002 00000003 00000004 00000005"
out=$(s1 outbox flush 2>&1)
is "the flush run again: exit 0" "$?" 0
like "... all four answered" "$out" "4 sent, 0 refused, 0 kept"
is "V-003 has three shifts, not four" "$(shifts_of V-003)" 3
is "... and 30 points" "$(balance V-003)" 30
is "V-004 is registered once" "$(count "SELECT count(*) FROM volunteers WHERE number = 'V-004'")" 1
is "the outbox is empty" "$(queued)" ""
like "the audit is still clean" "$(vp audit)" "ledger consistent"
is "all accounts sum to zero" "$(count "SELECT sum(balance) FROM accounts")" 0
ok "SIGTERM exits 0" daemon_stop
