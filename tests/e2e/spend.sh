#!/usr/bin/env bash
# Spending points through the real client: catalogues, redemptions, voids,
# points for help with escrow and expiry, double spending through two
# daemons, and the audit after every scenario.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "help_expiry_interval = 1"
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
state() { count "SELECT (SELECT count(*) FROM transfers) || '/' || (SELECT count(*) FROM redemptions) || '/' || (SELECT string_agg(stock::text, ',' ORDER BY id) FROM catalog_items) || '/' || (SELECT string_agg(balance::text, ',' ORDER BY id) FROM accounts) || '/' || (SELECT count(*) FROM help_requests)"; }
balance() { vp --json balance "$1" | jget points; }
audit_ok() { ok "audit: the ledger is consistent ($1)" vp audit; }
refuse() { # desc expected-exit command...
	local desc=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	is "$desc: exit $want" "$rc" "$want"
	[ "$rc" = "$want" ] || echo "$out" | sed 's/^/#   /'
	LAST_OUT=$out
}

# Set-up: one community with two stations, one with a third.
vp community add C01 --name "东城社区" --population 12000 >/dev/null
vp community add C02 --name West --population 8000 >/dev/null
vp activity add clean --name "Street cleaning" --points-per-hour 10 >/dev/null
for s in S01 S02 S03; do "$VPOINTS" keygen --out "$T_DIR/$s.key" >/dev/null; done
vp station add S01 --community C01 --name "East" --pubkey "$T_DIR/S01.key.pub" >/dev/null
vp station add S02 --community C01 --name "East two" --pubkey "$T_DIR/S02.key.pub" >/dev/null
vp station add S03 --community C02 --name "West" --pubkey "$T_DIR/S03.key.pub" >/dev/null
s1() { vp --key "$T_DIR/S01.key" "$@"; }
s2() { vp --key "$T_DIR/S02.key" "$@"; }
s3() { vp --key "$T_DIR/S03.key" "$@"; }
# fund NUMBER HOURS [station]: register and log HOURS hours (10 points each).
fund() {
	"${3:-s1}" volunteer add "$1" --name "Volunteer $1" >/dev/null &&
	"${3:-s1}" shift log "$1" --activity clean --start "$(t_at "-$(($2 + 1)) hours")" --end "$(t_at '-1 hours')" >/dev/null
}
fund V-001 5
fund V-002 1
fund V-009 1 s3
is "V-001 has 50 points" "$(balance V-001)" 50

# Catalogue.
ok "add a gift" s1 catalog add towel --name "Towel" --category gift --price 20 --stock 3
ok "add a book" s1 catalog add book1 --name "论语" --category book --price 15 --stock 1
ok "another station's item" s2 catalog add mug --name Mug --category gift --price 5 --stock 9
like "the catalogue lists the items" "$(s1 catalog list)" "论语"
refuse "the same code twice" 1 s1 catalog add towel --name Towel --category gift --price 1 --stock 1
refuse "a bad category" 64 s1 catalog add x --name X --category car --price 1 --stock 1

# Redeem: points to the station, stock down, a receipt.
out=$(s1 redeem V-001 towel)
is "redeem exits 0" "$?" 0
like "the receipt has its number" "$out" "R-S01-"
is "V-001 has 30 points left" "$(balance V-001)" 30
is "the stock dropped" "$(s1 --json catalog list | /usr/bin/python3 -c 'import json,sys; print([i["stock"] for i in json.load(sys.stdin)["items"] if i["code"]=="towel"][0])')" 2
rid=$(s1 --json redeem V-001 towel | jget id)
is "V-001 has 10 points left" "$(balance V-001)" 10

before=$(state)
refuse "not enough points" 1 s1 redeem V-001 towel
like "... says how many the volunteer has and needs" "$LAST_OUT" "V-001 has 10 points; 1 × Towel costs 20"
refuse "not enough stock" 1 s1 redeem V-002 book1 --qty 2
refuse "an item of another station" 65 s1 redeem V-001 mug
refuse "a volunteer of another community" 77 s1 redeem V-009 towel
ok "deactivate the book" s1 catalog deactivate book1
before=$(state)
refuse "an inactive item" 1 s1 redeem V-002 book1
s1 volunteer update V-002 --status suspended --reason test >/dev/null
before=$(state)
refuse "a suspended volunteer" 1 s1 redeem V-002 towel
is "refused redemptions change nothing" "$(state)" "$before"
s1 volunteer update V-002 --status active --reason back >/dev/null
audit_ok "after redemptions"

# Void: points and stock come back, once, at the station that made it.
refuse "another station may not void it" 77 s2 redemption void "$rid" --reason "not ours"
ok "void the second towel" s1 redemption void "$rid" --reason "wrong size"
is "the points came back" "$(balance V-001)" 30
refuse "a second void" 1 s1 redemption void "$rid" --reason again
is "the stock came back" "$(count "SELECT stock FROM catalog_items WHERE code = 'towel'")" 2
ok "restock" s1 catalog restock towel --quantity 4 --note "delivery"
is "stock after restock" "$(count "SELECT stock FROM catalog_items WHERE code = 'towel'")" 6
audit_ok "after voids and restocks"

# Points for help: escrow, accept, complete at a station.
hid=$(s1 --json help request V-001 --points 10 --description "shopping for a neighbour" | jget id)
is "offering points holds them at once" "$(balance V-001)" 20
refuse "nobody helps themselves" 1 s1 help accept "$hid" --helper V-001
refuse "a helper of another community" 77 s1 help accept "$hid" --helper V-009
ok "V-002 accepts" s1 help accept "$hid" --helper V-002
b2=$(balance V-002)
ok "complete with 45 minutes of service" s1 help complete "$hid" --minutes 45
is "the helper gets the points" "$(balance V-002)" $((b2 + 10))
like "the helper's service is a shift of activity help" "$(s1 --json shift list V-002)" '"activity": "help"'
is "... of 45 minutes, earning nothing from issuance" "$(count "SELECT minutes || '/' || points FROM shifts s JOIN activities a ON a.id = s.activity_id WHERE a.code = 'help'")" "45/0"
refuse "a completed request cannot be cancelled" 1 s1 help cancel "$hid"
hid2=$(s1 --json help request V-001 --points 5 --description "a ride" | jget id)
ok "cancel a request" s1 help cancel "$hid2" --reason "no longer needed"
is "the points return" "$(balance V-001)" 20
refuse "cancelled twice" 1 s1 help cancel "$hid2"
# Two seconds from the real clock, not T_NOW: the daemon's timer must reach it.
hid3=$(s1 --json help request V-001 --points 7 --description "soon" --deadline "$(date -d '+2 seconds' -Iseconds)" | jget id)
is "held until the deadline" "$(balance V-001)" 13
for _ in $(seq 1 50); do
	[ "$(count "SELECT status FROM help_requests WHERE id = $hid3")" = expired ] && break
	sleep 0.2
done
is "the daemon's timer expires it" "$(count "SELECT status FROM help_requests WHERE id = $hid3")" expired
is "... and returns the points" "$(balance V-001)" 20
like "open requests are listed by status" "$(s1 help list --status expired)" "soon"
audit_ok "after help"

# Double spending through two daemons on one database.
daemon_start_another
K=5
fund V-100 $K	# exactly K × 10 points
s1 catalog add pen --name Pen --category gift --price 10 --stock 100 >/dev/null
pids=()
for i in $(seq 1 20); do
	if [ $((i % 2)) = 0 ]; then url=$DAEMON_URL; else url=$ANOTHER_URL; fi
	"$VPOINTS" --server "$url" --key "$T_DIR/S01.key" redeem V-100 pen >"$T_DIR/ds.$i" 2>&1 &
	pids+=($!)
done
codes=()
for p in "${pids[@]}"; do wait "$p"; codes+=($?); done
is "20 concurrent redemptions funded for 5: 5 succeed" "$(printf '%s\n' "${codes[@]}" | grep -c '^0$')" $K
is "... 15 refused by the ledger" "$(printf '%s\n' "${codes[@]}" | grep -c '^1$')" 15
is "... as insufficient points" "$(grep -l 'V-100 has 0 points' "$T_DIR"/ds.* | wc -l)" 15
is "the balance ends at 0" "$(balance V-100)" 0
audit_ok "after double spending"

s1 catalog add lamp --name Lamp --category gift --price 1 --stock $K >/dev/null
for i in $(seq 1 20); do fund "V-2$(printf %02d "$i")" 1; done
pids=()
for i in $(seq 1 20); do
	if [ $((i % 2)) = 0 ]; then url=$DAEMON_URL; else url=$ANOTHER_URL; fi
	"$VPOINTS" --server "$url" --key "$T_DIR/S01.key" redeem "V-2$(printf %02d "$i")" lamp >"$T_DIR/st.$i" 2>&1 &
	pids+=($!)
done
codes=()
for p in "${pids[@]}"; do wait "$p"; codes+=($?); done
is "20 concurrent redemptions of 5 lamps: 5 succeed" "$(printf '%s\n' "${codes[@]}" | grep -c '^0$')" $K
is "... 15 refused as out of stock" "$(grep -l 'out-of-stock\|in stock' "$T_DIR"/st.* | wc -l)" 15
is "the stock ends at 0" "$(count "SELECT stock FROM catalog_items WHERE code = 'lamp'")" 0
is "no balance is negative" "$(count "SELECT count(*) FROM accounts WHERE kind = 'volunteer' AND balance < 0")" 0
audit_ok "after the stock race"

# The audit sees a broken ledger (a balance changed behind its back).
count "UPDATE accounts SET balance = balance + 1 WHERE volunteer_id = (SELECT id FROM volunteers WHERE number = 'V-001')" >/dev/null
out=$(vp audit 2>&1)
is "a broken ledger fails the audit (1)" "$?" 1
like "... and says what is wrong" "$out" "sum to 1"
ok "SIGTERM exits 0" daemon_stop
