#!/usr/bin/env bash
# A seeded randomized run of the ledger: tests/random_ledger.py drives a
# real vpointsd with random shifts (valid and invalid), corrections,
# check-ins, suspensions, idempotent retries and ledger reads, predicting
# every answer with a model of its own and comparing the model with every
# ledger every 200 operations. The seed is fixed (t_seed in
# tests/lib.sh: VPOINTS_SEED=random draws one, VPOINTS_SEED=N replays
# it); VPOINTS_OPS=N changes the 3000 operations.
. "$top_srcdir/tests/lib.sh"

seed=$(t_seed)
nops=${VPOINTS_OPS:-3000}
echo "# seed $seed"

harness_db
daemon_start

# An OpenSSL key, enrolled as admin by its PEM public key.
openssl genpkey -algorithm ed25519 -out "$T_DIR/admin.pem" 2>/dev/null
openssl pkey -in "$T_DIR/admin.pem" -pubout -out "$T_DIR/admin.pub.pem" 2>/dev/null
keyid=$("$VPOINTSD" --db "$(pgc_conninfo "$T_PG")" -c <(echo "sql_dir = $top_srcdir/sql") \
	--init-admin "$T_DIR/admin.pub.pem" 2>>"$DAEMON_LOG")
is "vpointsd --init-admin enrols the OpenSSL admin key" "$?" 0
is "... under its RFC 7638 key id" "$keyid" \
	"$(/usr/bin/python3 "$top_srcdir/tests/sigtool.py" --key "$T_DIR/admin.pem" \
		--server x --path / --keyid-only)"

db_check="psql -h $(printf %q "$(pgc_sockdir "$T_PG")") -U vpoints -d vpoints -X -q -At \
-c 'SELECT sum(balance) FROM accounts'"
/usr/bin/python3 "$top_srcdir/tests/random_ledger.py" --server "$DAEMON_URL" \
	--admin-key "$T_DIR/admin.pem" --seed "$seed" --ops "$nops" \
	--db-check "$db_check" >"$T_DIR/random.out" 2>&1
rc=$?
grep -v '^ok ' "$T_DIR/random.out" | sed 's/^#* */# /'
is "$nops random operations (seed $seed): every answer as the model predicts" "$rc" 0
like "... through to the summary" "$(tail -n 1 "$T_DIR/random.out")" \
	"ok - random ledger, seed $seed: $nops operations"
is "the balances of all accounts sum to 0" "$(pgc_psql "$T_PG" -At -c \
	'SELECT sum(balance) FROM accounts')" 0
is "no volunteer balance is negative" "$(pgc_psql "$T_PG" -At -c \
	"SELECT count(*) FROM accounts WHERE kind = 'volunteer' AND balance < 0")" 0
is "the daemon logged no error" "$(grep -c "vpointsd\[$DAEMON_PID\] error:" "$DAEMON_LOG")" 0
ok "vpointsd stops cleanly" daemon_stop
