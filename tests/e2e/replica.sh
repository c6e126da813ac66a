#!/usr/bin/env bash
# Reads from a hot standby (db_read): a real streaming replica of the test
# cluster serves the reads that may lag (reports, lists, the audit trail),
# every write still succeeds on the primary, a read made right after a
# write shows it, a standby whose replay is paused or which is stopped
# leaves the primary to answer, and what the daemon counts says so.
. "$top_srcdir/tests/lib.sh"

harness_db
harness_standby || { echo "Bail out! cannot start the standby"; exit 1; }
# One connection to the standby, so the standby's own pg_stat_activity
# shows the statement it last ran. The wait is generous: the standby
# always catches up within it unless its replay is paused.
daemon_start "db_read = $(pgc_conninfo "$T_STANDBY")" \
	"db_read_pool_size = 1" "db_read_max_wait = 10000" \
	"back_entry_days = 36500"
harness_admin
# The daemon applied its SQL at start on the primary: the standby has it
# once it has replayed that far (until then the primary answers).
standby_caught_up "$(pgc_psql "$T_PG" -At -c "SELECT pg_current_wal_insert_lsn()")" ||
	{ echo "Bail out! the standby did not catch up"; exit 1; }

primary() { pgc_psql "$T_PG" -At -c "$1"; }
standby() { pgc_psql "$T_STANDBY" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
scrape() { curl -s "$DAEMON_URL/metrics" >"$T_DIR/metrics"; }
answered_by() { awk -v s="vpointsd_lagged_reads_total{answered_by=\"$1\"}" '$1 == s { print $2 }' "$T_DIR/metrics"; }
# Every shift is on one day ten days back, in the programme's time zone
# (the daemon's default, Asia/Shanghai): at $1 o'clock for $2 hours.
day=$(TZ=Asia/Shanghai t_date '-10 days' +%F)
month=${day%-*}
at() { printf '%sT%02d:00:00+08:00' "$day" "$1"; }
shift_of() { vp shift log "$1" --activity clean --start "$(at "$2")" --end "$(at $(($2 + $3)))"; }
# The minutes of community C01 in that month's report, as the daemon says.
minutes() {
	vp --json report monthly --month "$month" --level community |
		/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(sum(x["minutes"] for x in r["rows"] if x["code"] == "C01"))'
}
# Set db_read_max_wait to $1 ms and wait until the daemon has reloaded.
max_wait() {
	local n
	n=$(grep -c 'reload: configuration' "$DAEMON_LOG")
	sed -i "s/^db_read_max_wait = .*/db_read_max_wait = $1/" "$DAEMON_CONF"
	kill -HUP "$DAEMON_PID"
	for _ in $(seq 1 100); do
		[ "$(grep -c 'reload: configuration' "$DAEMON_LOG")" -gt "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
# Statements of the daemon's connections to a cluster, as they were last
# run (pg_stat_activity keeps an idle connection's last one).
last_vp_read() { pgc_psql "$1" -At -c "SELECT count(*) FROM pg_stat_activity
	WHERE datname = 'vpoints' AND pid <> pg_backend_pid()
	AND query LIKE '%FROM vp_read(%'"; }

is "the standby is in recovery" "$(standby "SELECT pg_is_in_recovery()")" t
is "... and streams from the primary" "$(standby "SELECT status FROM pg_stat_wal_receiver")" streaming

# Writes: all on the primary, none refused as read-only.
ok "community C01" vp community add C01 --name "East" --population 1000
ok "activity clean" vp activity add clean --name "Cleaning" --points-per-hour 10
ok "volunteer V-001" vp volunteer add V-001 --name "Zhang San" --community C01
ok "a shift of 2 hours" shift_of V-001 8 2

# Read-your-writes: a list and a report straight after a write.
ok "volunteer V-002" vp volunteer add V-002 --name "Li Si" --community C01
like "the volunteer list read right after shows V-002" "$(vp --csv volunteer list)" "V-002,"
is "the report read right after the shift counts its 2 hours" "$(minutes)" 120
ok "a shift of 1 hour more" shift_of V-002 8 1
is "... and the next report 3 hours" "$(minutes)" 180
like "the audit, read from the standby, finds the ledger consistent" "$(vp audit)" "ledger consistent"

# Served by the standby, as the standby itself and the daemon tell.
scrape
is "every read that may lag was answered by the standby" "$(answered_by standby)" 4
is "... none by the primary because it was behind" "$(answered_by primary-behind)" 0
is "... nor because it was down" "$(answered_by primary-down)" 0
is "the standby's connection last ran vp_read" "$(last_vp_read "$T_STANDBY")" 1
is "no connection to the primary ran vp_read" "$(last_vp_read "$T_PG")" 0
is "no statement was refused as read-only" \
	"$(grep -c 'read-only transaction' "$DAEMON_LOG" "$T_PG/postgres.log" | awk -F: '{ n += $2 } END { print n }')" 0
is "the nonces of those reads are the primary's" \
	"$(primary "SELECT count(*) FROM request_nonces")" \
	"$(standby "SELECT count(*) FROM request_nonces")"

# A read that is not allowed to lag (a volunteer's record) stays on the
# primary: the counters do not move.
like "volunteer show V-001" "$(vp --json volunteer show V-001)" '"number": "V-001"'
scrape
is "... answered by the primary, not counted as a lagged read" "$(answered_by standby)" 4

# vp_read runs nothing that writes, wherever it runs.
keyid=$(primary "SELECT keyid FROM station_keys LIMIT 1")
primary "SELECT status FROM vp_read('$keyid', '0/0', 'community_add',
	'{\"code\": \"C09\", \"name\": \"x\", \"population\": 1}', 'UTC')" \
	>/dev/null 2>"$T_DIR/readonly.err"
like "vp_read refuses to write, also on the primary" "$(cat "$T_DIR/readonly.err")" "read-only transaction"

# The standby stops replaying: a read waits db_read_max_wait for it, then
# the primary answers, and the answer still holds the write just made.
standby "SELECT pg_wal_replay_pause()" >/dev/null
ok "db_read_max_wait = 100, reloaded" max_wait 100
ok "a shift of 1 hour while the standby's replay is paused" shift_of V-001 12 1
is "the report still counts it: 4 hours" "$(minutes)" 240
scrape
is "... answered by the primary, the standby being behind" "$(answered_by primary-behind)" 1
is "... and not by the standby" "$(answered_by standby)" 4
is "the standby had not replayed it" \
	"$(standby "SELECT count(*) FROM shifts")" 2
standby "SELECT pg_wal_replay_resume()" >/dev/null
ok "db_read_max_wait = 10000 again" max_wait 10000
ok "the standby catches up once it replays again" \
	standby_caught_up "$(primary "SELECT pg_current_wal_insert_lsn()")"
is "... and answers again" "$(minutes)" 240
scrape
is "... counted as the standby's" "$(answered_by standby)" 5

# The standby is down: reads go to the primary, said once in the log.
pgc_stop "$T_STANDBY" fast
is "the report with the standby stopped: 4 hours, from the primary" "$(minutes)" 240
like "a list too" "$(vp --csv volunteer list)" "V-002,"
ok "writes go on" vp volunteer add V-003 --name "Wang Wu" --community C01
like "... and the next list shows the new volunteer" "$(vp --csv volunteer list)" "V-003,"
scrape
is "three reads answered by the primary, the standby being down" "$(answered_by primary-down)" 3
is "the log says so once" "$(grep -c 'standby: cannot read from db_read' "$DAEMON_LOG")" 1

# It comes back: the pool reconnects, the standby answers again.
pgc_start "$T_STANDBY"
ok "the standby is back and caught up" \
	standby_caught_up "$(primary "SELECT pg_current_wal_insert_lsn()")"
for _ in $(seq 1 100); do
	grep -q 'standby: db_read answers again' "$DAEMON_LOG" && break
	vp --csv volunteer list >/dev/null
	sleep 0.1
done
like "the log says the standby answers again" "$(cat "$DAEMON_LOG")" "standby: db_read answers again"
like "... with every volunteer" "$(vp --csv volunteer list)" "V-003,"

# A revoked key is refused by the primary before any read.
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
ok "station S01" vp station add S01 --community C01 --name "East station" --pubkey "$T_DIR/s1.key.pub"
ok "S01 reads its volunteers" vp --key "$T_DIR/s1.key" volunteer list
ok "revoke S01" vp station revoke S01
vp --key "$T_DIR/s1.key" volunteer list >/dev/null 2>&1
is "the revoked key's list is refused (77)" "$?" 77
scrape
like "... as key-revoked" "$(cat "$T_DIR/metrics")" 'vpointsd_signature_refusals_total{reason="key-revoked"} 1'
