#!/usr/bin/env bash
# Races through two daemons on one database: many concurrent redemptions
# against one volunteer's points (double spending) and against one item's
# stock, and completions against cancellations of one help request, sent
# by tests/loadtool.py (keep-alive connections, requests signed by
# tests/sigtool.py's signer). Exactly as many succeed as the points, the
# stock or the rule allow; no answer is a 5xx (the daemon retries
# serialization failures and deadlocks itself); and a reader checks at
# every read that all accounts sum to zero and no volunteer's balance or
# item's stock is negative. STRESS=1: 10,000 requests a race, not 200.
. "$top_srcdir/tests/lib.sh"

LOADTOOL="$top_srcdir/tests/loadtool.py"
if [ -n "${STRESS:-}" ]; then
	R=10000 K=50 STOCK=500 RICH=100 CONNS=64 HELP=2000
else
	R=200 K=7 STOCK=13 RICH=20 CONNS=40 HELP=100
fi

harness_db
daemon_start
harness_admin
daemon_start_another || { echo "Bail out! the second vpointsd did not start"; exit 1; }

count() { pgc_psql "$T_PG" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d.get(k, 0) if isinstance(d, dict) else 0
print(d)' "$1"; }

vp community add C01 --name "东城社区" --population 12000 >/dev/null
vp activity add clean --name "Street cleaning" --points-per-hour 10 >/dev/null
vp activity add rich --name "Well paid" --points-per-hour 1000 >/dev/null
vp activity add spend --name "K pens an hour" --points-per-hour $((K * 10)) >/dev/null
"$VPOINTS" keygen --out "$T_DIR/S01.key" >/dev/null
vp station add S01 --community C01 --name East --pubkey "$T_DIR/S01.key.pub" >/dev/null
s1() { vp --key "$T_DIR/S01.key" "$@"; }
# fund NUMBER ACTIVITY HOURS: register, and log one shift of HOURS hours.
fund() {
	s1 volunteer add "$1" --name "Volunteer $1" >/dev/null &&
	s1 shift log "$1" --activity "$2" --start "$(t_at "-$(($3 + 1)) hours")" --end "$(t_at '-1 hours')" >/dev/null
}
fund V-100 spend 1	# K × 10 points exactly
for i in $(seq 1 $RICH); do fund "V-2$(printf %03d "$i")" rich 10 || break; done	# 10,000 points each
fund V-300 clean 5
s1 catalog add pen --name Pen --category gift --price 10 --stock "$R" >/dev/null
s1 catalog add lamp --name Lamp --category gift --price 1 --stock "$STOCK" >/dev/null
is "set-up: V-100 has $((K * 10)) points" "$(s1 --json balance V-100 | jget points)" $((K * 10))

# The reader: one psql session, one statement (one snapshot) a read,
# 5 ms apart, until told to stop.
reader() {
	local i
	while [ ! -e "$T_DIR/stop" ]; do
		for i in $(seq 1 100); do
			echo "SELECT (SELECT sum(balance) FROM accounts),
				(SELECT min(balance) FROM accounts WHERE kind = 'volunteer'),
				(SELECT min(stock) FROM catalog_items),
				(SELECT count(*) FROM redemptions);"
			echo "SELECT pg_sleep(0.005);"
		done
	done | pgc_psql "$T_PG" -At -F ' ' | grep . >"$T_DIR/reads"
}
reader &
READER=$!

# race NAME: send the jobs of NAME.jobs through both daemons at once.
race() {
	/usr/bin/python3 "$LOADTOOL" race --server "$DAEMON_URL" --server "$ANOTHER_URL" \
		--key "$T_DIR/S01.key" --connections "$CONNS" --jobs "$T_DIR/$1.jobs" \
		>"$T_DIR/$1.json" 2>"$T_DIR/$1.err"
	is "$1: the driver ran to the end" "$?" 0
	sed 's/^/# /' "$T_DIR/$1.err"
	echo "# $1: $(cat "$T_DIR/$1.json")"
}
summary() { jget "$2" <"$T_DIR/$1.json"; }
no_5xx() {
	is "$1: no answer was a 5xx" "$(/usr/bin/python3 -c 'import json,sys
print(sum(n for s, n in json.load(open(sys.argv[1]))["status"].items() if s >= "500"))' "$T_DIR/$1.json")" 0
	is "$1: every request was answered" "$(summary "$1" errors)" 0
}

# Double spending: R redemptions of a 10-point pen by V-100, funded for K.
for i in $(seq 1 "$R"); do
	echo '{"method":"POST","path":"/v1/redemptions","body":{"volunteer":"V-100","item":"pen"}}'
done >"$T_DIR/spend.jobs"
race spend
is "spend: $R concurrent redemptions funded for $K: $K succeed" "$(summary spend status.201)" "$K"
is "spend: ... $((R - K)) refused" "$(summary spend status.409)" $((R - K))
is "spend: ... as insufficient points" "$(summary spend slugs.insufficient-points)" $((R - K))
no_5xx spend
is "spend: V-100's balance ends at 0" "$(s1 --json balance V-100 | jget points)" 0
is "spend: $K redemptions stored" "$(count "SELECT count(*) FROM redemptions r JOIN catalog_items i ON i.id = r.item_id WHERE i.code = 'pen'")" "$K"
is "spend: the pen's stock dropped by $K" "$(count "SELECT stock FROM catalog_items WHERE code = 'pen'")" $((R - K))

# Stock: R redemptions of a lamp (stock STOCK) by RICH rich volunteers.
for i in $(seq 1 "$R"); do
	printf '{"method":"POST","path":"/v1/redemptions","body":{"volunteer":"V-2%03d","item":"lamp"}}\n' $((i % RICH + 1))
done >"$T_DIR/stock.jobs"
race stock
is "stock: $R concurrent redemptions of $STOCK lamps: $STOCK succeed" "$(summary stock status.201)" "$STOCK"
is "stock: ... $((R - STOCK)) refused as out of stock" "$(summary stock slugs.out-of-stock)" $((R - STOCK))
no_5xx stock
is "stock: the lamp's stock ends at 0" "$(count "SELECT stock FROM catalog_items WHERE code = 'lamp'")" 0
is "stock: the rich volunteers paid for exactly $STOCK lamps" \
	"$(count "SELECT $RICH * 10000 - sum(a.balance) FROM accounts a JOIN volunteers v ON v.id = a.volunteer_id WHERE v.number LIKE 'V-2%'")" "$STOCK"

# One help request, HELP completions and cancellations at once: one wins.
hid=$(s1 --json help request V-300 --points 30 --description "a ride" | jget id)
s1 help accept "$hid" --helper V-2001 >/dev/null
helper_before=$(s1 --json balance V-2001 | jget points)
for i in $(seq 1 "$HELP"); do
	if [ $((i % 2)) = 0 ]; then
		echo "{\"method\":\"POST\",\"path\":\"/v1/help-requests/$hid/complete\",\"body\":{\"minutes\":30}}"
	else
		echo "{\"method\":\"POST\",\"path\":\"/v1/help-requests/$hid/cancel\",\"body\":{\"reason\":\"race $i\"}}"
	fi
done >"$T_DIR/help.jobs"
race help
is "help: $HELP completions and cancellations of one request: one succeeds" \
	"$(( $(summary help status.200) + $(summary help status.201) ))" 1
is "help: ... the others are refused as resolved" "$(summary help slugs.help-resolved)" $((HELP - 1))
no_5xx help
status=$(count "SELECT status FROM help_requests WHERE id = $hid")
if [ "$status" = completed ]; then want="20/$((helper_before + 30))"; else want="50/$helper_before"; fi
ok "help: the request is completed or cancelled ($status)" test "$status" = completed -o "$status" = cancelled
is "help: the request is $status, the points moved once" \
	"$(s1 --json balance V-300 | jget points)/$(s1 --json balance V-2001 | jget points)" "$want"

touch "$T_DIR/stop"
wait "$READER"
reads=$(wc -l <"$T_DIR/reads")
echo "# the reader read $reads times, seeing $(awk '{ print $4 }' "$T_DIR/reads" | sort -u | wc -l) different counts of redemptions"
ok "the reader read during the races" test "$reads" -ge 100
is "at every read, all accounts summed to zero and no balance or stock was negative" \
	"$(awk '$1 != 0 || $2 < 0 || $3 < 0 || NF != 4' "$T_DIR/reads" | head -n 3)" ""
ok "audit: the ledger is consistent" vp audit
retries=$(cat "$DAEMON_LOG" "$T_DIR"/another.*.log | grep -c "db: retrying after")
echo "# serialization failures and deadlocks retried by the daemons: $retries"
is "the daemons logged no error" "$(cat "$DAEMON_LOG" "$T_DIR"/another.*.log | grep -c "vpointsd\[[0-9]*\] error:")" 0
ok "SIGTERM exits 0" daemon_stop
