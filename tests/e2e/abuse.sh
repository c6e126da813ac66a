#!/usr/bin/env bash
# Hostile input: SQL metacharacters, unusual Unicode and invalid JSON in
# every text field of a registration and a shift log, wrong types, huge and
# negative numbers, hostile route parameters, malformed HTTP; then 1,000
# idle and 100 slow-loris connections (closed by idle_timeout and
# request_timeout); and at the end no secret in any log.
# Answers known to be wrong are TAP TODO tests: XFAIL until the bug is
# fixed, then XPASS (drop the TODO). STRESS=1: ten times the connections.
. "$top_srcdir/tests/lib.sh"

LOADTOOL="$top_srcdir/tests/loadtool.py"
ID_NUMBER=110101199003077777
if [ -n "${STRESS:-}" ]; then IDLE=10000; SLOW=1000; else IDLE=1000; SLOW=100; fi
# Room for every connection, in the daemon and in the test's client.
ulimit -n "$(ulimit -Hn)" 2>/dev/null

harness_db
daemon_start "idle_timeout = 2" "request_timeout = 4" \
	"max_connections = $((IDLE + SLOW + 100))" \
	"id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
jfield() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
state() { count "SELECT (SELECT count(*) FROM communities) || '/' || (SELECT count(*) FROM activities) || '/' || (SELECT count(*) FROM volunteers) || '/' || (SELECT count(*) FROM shifts) || '/' || (SELECT count(*) FROM checkins) || '/' || (SELECT count(*) FROM catalog_items) || '/' || (SELECT count(*) FROM catalog_restocks) || '/' || (SELECT count(*) FROM redemptions) || '/' || (SELECT count(*) FROM help_requests) || '/' || (SELECT count(*) FROM transfers) || '/' || (SELECT count(*) FROM team_members)"; }

# Set-up through the real client: a community with a team, an activity, a
# station (a vpoints key file) with an item, and a volunteer registered
# with a full national ID number.
vp community add C01 --name "东城社区" --population 12000 >/dev/null
vp activity add clean --name "Street cleaning" --points-per-hour 10 >/dev/null
vp team add env --name Environment --kind standing >/dev/null
"$VPOINTS" keygen --out "$T_DIR/S01.key" >/dev/null
vp station add S01 --community C01 --name East --pubkey "$T_DIR/S01.key.pub" >/dev/null
s1() { vp --key "$T_DIR/S01.key" "$@"; }
ok "register a volunteer with a national ID number" s1 volunteer add V-001 --name "张三" \
	--consent --phone 13800000000 --id-number "$ID_NUMBER"
ok "a shift for V-001" s1 shift log V-001 --activity clean --start "$(t_at '-200 hours')" --end "$(t_at '-198 hours')"
ok "an item of S01" s1 catalog add towel --name Towel --category gift --price 5 --stock 3

# Every text field, every hostile value; wrong types and numbers. Only
# what the daemon took (2xx) is stored, one row each.
tables="communities activities volunteers shifts checkins catalog_items catalog_restocks redemptions help_requests"
rows() { local t; for t in $tables; do echo "$t $(count "SELECT count(*) FROM $t")"; done; }
before=$(rows)
start=$(date +%s.%N)
/usr/bin/python3 "$LOADTOOL" fields --server "$DAEMON_URL" --station-key "$T_DIR/S01.key" \
	--admin-key "$T_DIR/admin.key" --community C01 --team env --activity clean \
	--volunteer V-001 --item towel --tag H --summary "$T_DIR/fields.json" \
	--sig-log "$T_DIR/signatures" >"$T_DIR/fields.out" 2>&1
rc=$?
tap_lines "$T_DIR/fields.out"
is "the field cases ran to the end" "$rc" 0
echo "# field cases: $(grep -c '^ok	\|^fail	' "$T_DIR/fields.out") results in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
expected=$(echo "$before" | /usr/bin/python3 -c '
import json, sys
made = json.load(open(sys.argv[1]))
for line in sys.stdin:
    t, n = line.split()
    print(t, int(n) + made.get(t, 0))' "$T_DIR/fields.json")
is "exactly what the daemon took was stored ($(tr -d '{}"' <"$T_DIR/fields.json"))" "$(rows)" "$expected"
is "each accepted shift has its points transfer" \
	"$(count "SELECT count(*) FROM shifts s WHERE points > 0 AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.shift_id = s.id)")" 0
ok "audit: the ledger is consistent" vp audit

# Malformed HTTP on raw sockets.
/usr/bin/python3 "$LOADTOOL" raw --port "$DAEMON_PORT" >"$T_DIR/raw.out" 2>&1
rc=$?
tap_lines "$T_DIR/raw.out"
is "the raw cases ran to the end" "$rc" 0

# Idle and slow-loris connections; meanwhile a signed write through vpoints.
before=$(state)
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((IDLE + SLOW + 200)) ]; then
	T_COUNT=$((T_COUNT + 1))
	echo "ok $T_COUNT # SKIP $((IDLE + SLOW)) connections need more open files than ulimit -n $(ulimit -n)"
	s1 shift log V-001 --activity clean --start "$(t_at '-190 hours')" --end "$(t_at '-189 hours')" >/dev/null
else
	/usr/bin/python3 "$LOADTOOL" siege --port "$DAEMON_PORT" --pid "$DAEMON_PID" \
		--key "$T_DIR/S01.key" --idle "$IDLE" --slow "$SLOW" --duration 8 \
		--during "$VPOINTS --server $DAEMON_URL --key $T_DIR/S01.key --timeout 5 shift log V-001 --activity clean --start $(t_at '-190 hours') --end $(t_at '-189 hours')" \
		--sig-log "$T_DIR/signatures" >"$T_DIR/siege.json" 2>"$T_DIR/siege.err"
	is "the siege ran to the end" "$?" 0
	sed 's/^/# /' "$T_DIR/siege.err"
	sg() { jfield "$T_DIR/siege.json" "$1"; }
	rss0=$(sg rss_before_kb) peak=$(sg rss_peak_kb)
	echo "# $IDLE idle + $SLOW slow-loris connections: VmRSS $rss0 kB before," \
		"$(sg rss_all_open_kb) kB with all open, peak $peak kB ($(( (peak - rss0) * 1024 / (IDLE + SLOW) )) bytes a connection)," \
		"$(sg rss_after_kb) kB after; open files $(sg fds_before) before, peak $(sg fds_peak), $(sg fds_after) after;" \
		"$IDLE idle ones opened in $(sg opened_s) s (at most $(sg idle_open_at_most) open at once), closed after $(sg idle_close_min_s)-$(sg idle_close_max_s) s;" \
		"slow-loris still open after 8 s: $(sg slow_open_at_end)"
	is "a signed request is served meanwhile" "$(sg signed_status)" 200
	echo "# ... in $(sg signed_ms) ms"
	is "a signed write through vpoints succeeds meanwhile" "$(sg during_rc)" 0
	is "every idle connection is closed by the idle timeout" "$(sg idle_closed)" "$IDLE"
	ok "... within idle_timeout (2 s) + 3 s" awk -v t="$(sg idle_close_max_s)" 'BEGIN { exit !(t != "None" && t <= 5) }'
	is "every slow-loris connection is closed by request_timeout (4 s) within the 8 s" \
		"$(sg slow_open_at_end)" 0
	# Bounded: 16 MB plus 16 KiB a connection (twice that with AddressSanitizer).
	factor=1
	[ "${vpoints_asan:-}" = yes ] && factor=2
	bound=$(( (16384 + 16 * (IDLE + SLOW)) * factor ))
	ok "the daemon's memory stays bounded (grew $((peak - rss0)) kB, at most $bound kB)" \
		test $((peak - rss0)) -le "$bound"
	ok "the connections' files are released" test "$(sg fds_after)" -le $(($(sg fds_before) + 5))
fi
kill -0 "$DAEMON_PID"
is "the daemon is alive" "$?" 0
is "... and healthy" "$(http_status GET /healthz)" 200
is "the siege stored only the signed write" "$(state)" \
	"$(echo "$before" | awk -F/ -v OFS=/ '{ $4++; $10++; print }')"
ok "audit: the ledger is consistent after the siege" vp audit

# No secret in any log: the daemon's (debug level) and PostgreSQL's.
logs=("$DAEMON_LOG" "$T_PG/postgres.log")
seeds=$(sed -n 's/^seed //p' "$T_DIR/S01.key" "$T_DIR/admin.key")
forms=$(for s in $seeds; do
	echo "$s"
	/usr/bin/python3 -c 'import base64,sys; b=base64.urlsafe_b64decode(sys.argv[1]+"="); print(b.hex()); print(base64.b64encode(b).decode())' "$s"
done)
is "no station or admin key seed (base64url, hex, base64) in the logs" \
	"$(echo "$forms" | grep -F -c -f - "${logs[@]}" | awk -F: '{ n += $NF } END { print n }')" 0
nsig=$(wc -l <"$T_DIR/signatures")
ok "the signatures were recorded ($nsig)" test "$nsig" -gt 500
is "no Signature header value in the logs" \
	"$(grep -F -c -f "$T_DIR/signatures" "${logs[@]}" | awk -F: '{ n += $NF } END { print n }')" 0
is "no full national ID number in the logs" \
	"$(grep -c "$ID_NUMBER" "${logs[@]}" | awk -F: '{ n += $NF } END { print n }')" 0
ok "the daemon did log at debug level (the grep had something to read)" \
	test "$(wc -l <"$DAEMON_LOG")" -gt 300
ok "SIGTERM exits 0" daemon_stop
