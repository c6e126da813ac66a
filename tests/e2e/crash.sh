#!/usr/bin/env bash
# Crashes under load. Several client processes write (shift logs and
# restocks, each with an Idempotency-Key of its own, run again with the
# same key until vpoints exits 0) while vpointsd is killed with SIGKILL at
# random moments and started again on the same port; then the same while
# PostgreSQL is stopped (immediate) and started again under the running
# daemon; then writes whose answer is lost (the client hangs up). Every
# acknowledged write is applied exactly once, a retry gets the stored
# answer byte for byte, and the audit is clean.
# STRESS=1: 1,000 writes in each of the first two parts instead of 200.
. "$top_srcdir/tests/lib.sh"

LOADTOOL="$top_srcdir/tests/loadtool.py"
if [ -n "${STRESS:-}" ]; then N=1000 PG_CYCLES=8 LOST=100; else N=200 PG_CYCLES=3 LOST=20; fi
WRITERS=4

harness_db
# Acknowledged means durable: the harness's cluster runs with
# synchronous_commit = off, which may lose the last commits on an
# immediate stop (fsync = off is harmless: the machine does not crash).
pgc_psql "$T_PG" -c "ALTER SYSTEM SET synchronous_commit = on" >/dev/null
pgc_psql "$T_PG" -c "SELECT pg_reload_conf()" >/dev/null
daemon_start
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
at() { date -d "@$1" +%Y-%m-%dT%H:%M:00%:z; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

vp community add C01 --name "东城社区" --population 12000 >/dev/null
vp activity add clean --name "Street cleaning" --points-per-hour 60 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/S01.key" >/dev/null
vp station add S01 --community C01 --name East --pubkey "$T_DIR/S01.key.pub" >/dev/null
KEYID=$(sed -n 's/^keyid //p' "$T_DIR/S01.key")
s1() { vp --key "$T_DIR/S01.key" "$@"; }
for w in $(seq 1 $WRITERS) L; do s1 volunteer add "V-$w" --name "Writer $w" >/dev/null; done
s1 catalog add box --name Box --category gift --price 1 --stock 0 >/dev/null
BASE=$(( T_NOW / 3600 * 3600 - 3600 ))

# write PART N: one write, run until vpoints exits 0 (at most 200 runs),
# always with the Idempotency-Key PART-N. Its answer goes to out/PART-N.
# Odd rounds of a writer log a 10-minute shift (10 points), even ones
# restock the box with 1 to 5 units noted PART-N.
write() {
	local part=$1 n=$2 key="$1-$2" w=$(( ($2 - 1) % WRITERS + 1 )) try rc start
	for try in $(seq 1 200); do
		if [ $(( ($n - 1) / WRITERS % 2 )) = 0 ]; then
			start=$((BASE - n * 900))
			[ "$part" = pg ] && start=$((start - 2 * N * 900))
			"$VPOINTS" --server "$DAEMON_URL" --key "$T_DIR/S01.key" --json \
				--retries 3 --timeout 5 --idempotency-key "$key" \
				shift log "V-$w" --activity clean --start "$(at $start)" \
				--end "$(at $((start + 600)))"
		else
			"$VPOINTS" --server "$DAEMON_URL" --key "$T_DIR/S01.key" --json \
				--retries 3 --timeout 5 --idempotency-key "$key" \
				catalog restock box --quantity $((n % 5 + 1)) --note "$key"
		fi >"$T_DIR/out/$key" 2>>"$T_DIR/err/$key"
		rc=$?
		case $rc in
		0) echo "$key $try" >>"$T_DIR/acked.$part"; return 0 ;;
		69 | 75) sleep 0.1 ;;	# no answer, 503, in flight: again
		*) echo "$key exit $rc" >>"$T_DIR/refused.$part"; return 1 ;;
		esac
	done
	echo "$key gave up" >>"$T_DIR/refused.$part"
}
# writers PART: start the writer processes; their pids in WRITER_PIDS.
writers() {
	local w
	WRITER_PIDS=()
	for w in $(seq 1 $WRITERS); do
		(
			export VPOINTS_OUTBOX="$T_DIR/outbox.$1.$w"
			for n in $(seq "$w" $WRITERS "$N"); do write "$1" "$n"; done
		) &
		WRITER_PIDS+=($!)
	done
}
writing() {
	local p
	for p in "${WRITER_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done
	return 1
}
mkdir -p "$T_DIR/out" "$T_DIR/err"

nonces() { count "SELECT count(*) FROM request_nonces WHERE keyid = '$KEYID'"; }

# check PART: every write acknowledged, each applied once, each answer
# the one stored for its key.
check() {
	local part=$1 acked
	acked=$(sort -u "$T_DIR/acked.$part" 2>/dev/null | wc -l)
	is "$part: all $N writes acknowledged" "$acked" "$N"
	[ -s "$T_DIR/refused.$part" ] && sed 's/^/#   /' "$T_DIR/refused.$part"
	echo "# $part: $(awk '$2 > 1' "$T_DIR/acked.$part" | wc -l) writes needed more than one run of vpoints;" \
		"$(($(nonces) - NONCES - N)) signed attempts beyond one a write reached the ledger" \
		"(retries answered from the idempotency store, or 409 in flight)"
	is "$part: one idempotency record per key" \
		"$(count "SELECT count(*) FROM idempotency WHERE keyid = '$KEYID' AND idem_key LIKE '$part-%'")" "$N"
	is "$part: no restock applied twice (count by key)" \
		"$(count "SELECT count(*) FROM (SELECT note FROM catalog_restocks WHERE note LIKE '$part-%' GROUP BY note HAVING count(*) > 1) d")" 0
	is "$part: every acknowledged restock applied once" \
		"$(count "SELECT count(DISTINCT note) FROM catalog_restocks WHERE note LIKE '$part-%'")" \
		"$(grep -c . <(for f in "$T_DIR"/out/"$part"-*; do grep -l '"stock"' "$f"; done))"
	is "$part: every acknowledged shift recorded once (count by key)" \
		"$(count "SELECT count(*) FROM idempotency i JOIN shifts s ON s.id = (i.body::jsonb ->> 'id')::bigint WHERE i.keyid = '$KEYID' AND i.idem_key LIKE '$part-%'")" \
		"$(grep -L '"stock"' "$T_DIR"/out/"$part"-* | wc -l)"
	is "$part: no shift recorded twice" \
		"$(count "SELECT count(*) FROM (SELECT 1 FROM shifts GROUP BY volunteer_id, started_at HAVING count(*) > 1) d")" 0
	# The answers that came back are the stored ones, byte for byte.
	count "SELECT idem_key || ' ' || replace(encode(convert_to(body, 'UTF8'), 'base64'), E'\\n', '') FROM idempotency WHERE keyid = '$KEYID' AND idem_key LIKE '$part-%'" |
		/usr/bin/python3 -c '
import base64, sys
bad = 0
stored = dict(line.split(" ", 1) for line in sys.stdin.read().splitlines())
for k, b in stored.items():
    want = base64.b64decode(b)
    got = open(sys.argv[1] + "/" + k, "rb").read().rstrip(b"\n")
    if got != want:
        bad += 1
        print("# %s: answered %r, stored %r" % (k, got[:120], want[:120]))
print("bad", bad)' "$T_DIR/out" >"$T_DIR/compare.$part"
	is "$part: every answer is the stored one, byte for byte" "$(tail -n 1 "$T_DIR/compare.$part")" "bad 0"
	grep '^#' "$T_DIR/compare.$part" | head -n 5
	ok "$part: audit: the ledger is consistent" vp audit
}

# 1. vpointsd killed (SIGKILL) at random moments, started on the same port.
t0=$(now)
NONCES=$(nonces)
writers kill
kills=0
while writing; do
	# Every 0.1-0.4 s: the load lasts a couple of seconds on a fast machine.
	sleep "0.$((RANDOM % 4 + 1))"
	writing || break
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
	kills=$((kills + 1))
	daemon_restart || {
		t_result fail "vpointsd starts again on port $DAEMON_PORT (kill $kills)"
		kill "${WRITER_PIDS[@]}" 2>/dev/null
		break
	}
done
for p in "${WRITER_PIDS[@]}"; do wait "$p"; done
echo "# kill: $N writes by $WRITERS processes, vpointsd killed $kills times, $(since "$t0") s"
ok "kill: vpointsd was killed during the load ($kills times)" test "$kills" -ge 1
is "kill: it answers on the same port" "$(http_status GET /healthz)" 200
check kill

# 2. PostgreSQL stopped (immediate) and started under the running daemon,
# which must reconnect by itself within 10 s.
pid=$DAEMON_PID
starts=$(grep -c "listening on" "$DAEMON_LOG")
t0=$(now)
NONCES=$(nonces)
writers pg
cycles=0 slow=0
while writing || [ $cycles = 0 ]; do
	sleep "0.$((RANDOM % 6 + 2))"
	[ $cycles -lt $PG_CYCLES ] || { sleep 0.2; continue; }
	pgc_stop "$T_PG" immediate
	sleep "0.$((RANDOM % 8 + 2))"
	pgc_start "$T_PG" || {
		t_result fail "PostgreSQL starts again"
		kill "${WRITER_PIDS[@]}" 2>/dev/null
		break
	}
	cycles=$((cycles + 1))
	wait_health 10 || slow=$((slow + 1))
done
for p in "${WRITER_PIDS[@]}"; do wait "$p"; done
echo "# pg: $N writes by $WRITERS processes, PostgreSQL stopped $cycles times, $(since "$t0") s"
ok "pg: PostgreSQL was stopped during the load ($cycles times)" test "$cycles" -ge 1
is "pg: the daemon answered healthz 200 within 10 s of every PostgreSQL start" "$slow" 0
is "pg: the same daemon process throughout" "$DAEMON_PID/$(kill -0 "$pid" && echo alive)" "$pid/alive"
is "pg: it was not started again" "$(grep -c "listening on" "$DAEMON_LOG")" "$starts"
like "pg: it logged losing the database" "$(cat "$DAEMON_LOG")" "lost"
check pg

# Each acknowledged write sent again with its key: the same answer, and
# nothing changes.
before=$(count "SELECT (SELECT count(*) FROM shifts) || '/' || (SELECT count(*) FROM catalog_restocks) || '/' || (SELECT count(*) FROM transfers) || '/' || (SELECT stock FROM catalog_items WHERE code = 'box')")
mv "$T_DIR/out" "$T_DIR/first"
mkdir "$T_DIR/out"
mv "$T_DIR/acked.pg" "$T_DIR/acked.first"
t0=$(now)
for n in $(seq 1 "$N"); do write pg "$n"; done
same=0
for n in $(seq 1 "$N"); do cmp -s "$T_DIR/first/pg-$n" "$T_DIR/out/pg-$n" && same=$((same + 1)); done
is "a retry of each of the $N writes gets the same answer ($(since "$t0") s)" "$same" "$N"
is "... and changes nothing" "$(count "SELECT (SELECT count(*) FROM shifts) || '/' || (SELECT count(*) FROM catalog_restocks) || '/' || (SELECT count(*) FROM transfers) || '/' || (SELECT stock FROM catalog_items WHERE code = 'box')")" "$before"
queued=$(cat "$T_DIR"/outbox.*/[0-9]* 2>/dev/null | grep -c idempotency_key)
for d in "$T_DIR"/outbox.*; do
	[ -d "$d" ] || continue
	VPOINTS_OUTBOX=$d s1 outbox flush >/dev/null 2>&1 || echo "# outbox flush $d failed"
done
is "the $queued writes queued offline while vpointsd was down flush without effect" \
	"$(count "SELECT (SELECT count(*) FROM shifts) || '/' || (SELECT count(*) FROM catalog_restocks) || '/' || (SELECT count(*) FROM transfers) || '/' || (SELECT stock FROM catalog_items WHERE code = 'box')")" "$before"

# 3. Lost answers: signed shift logs (tests/sigtool.py's signer) whose
# client hangs up right after sending (FIN; RST every other one). Once the
# write shows (it committed with nobody to answer), a retry with the same
# Idempotency-Key and a fresh signature gets the stored answer, and the
# shift is recorded once.
t0=$(now)
/usr/bin/python3 "$LOADTOOL" lost --server "$DAEMON_URL" --key "$T_DIR/S01.key" \
	--volunteer V-L --activity clean --count "$LOST" --base $((BASE - 5 * N * 900)) \
	--out "$T_DIR/lost.json" 2>"$T_DIR/lost.err"
is "lost: the writes ran to the end" "$?" 0
sed 's/^/# /' "$T_DIR/lost.err"
count "SELECT json_object_agg(idem_key, body) FROM idempotency WHERE keyid = '$KEYID' AND idem_key LIKE 'lost-%'" >"$T_DIR/lost.stored"
count "SELECT json_object_agg(extract(epoch FROM s.started_at)::bigint, n) FROM (SELECT started_at, count(*) n FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id WHERE v.number = 'V-L' GROUP BY started_at) s" >"$T_DIR/lost.shifts"
lost() { /usr/bin/python3 -c '
import json, sys
stored = json.load(open(sys.argv[2]))
shifts = json.load(open(sys.argv[3]))
rows = [json.loads(l) for l in open(sys.argv[1])]
print(sum(eval(sys.argv[4]) for r in rows))' "$T_DIR/lost.json" "$T_DIR/lost.stored" "$T_DIR/lost.shifts" "$1"; }
echo "# lost: $LOST answers lost; $(grep -c 'client gone' "$DAEMON_LOG") replies logged as to a client gone; $(since "$t0") s"
is "lost: each write committed without an answer" "$(lost 'r["committed"]')" "$LOST"
is "lost: every retry got 201" "$(lost 'r["status"] == 201')" "$LOST"
is "lost: ... with the stored answer, byte for byte" "$(lost 'r["body"] == stored.get(r["key"])')" "$LOST"
is "lost: each shift recorded exactly once" "$(lost 'shifts.get(str(r["start"])) == 1')" "$LOST"
is "lost: V-L's balance is 10 points a shift" "$(vp --json balance V-L | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["points"])')" $((LOST * 10))
ok "audit: the ledger is consistent at the end" vp audit
is "the daemon logged no error" "$(grep -c "vpointsd\[[0-9]*\] error:" "$DAEMON_LOG")" 0
ok "SIGTERM exits 0" daemon_stop
