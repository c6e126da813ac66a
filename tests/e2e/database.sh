#!/usr/bin/env bash
# PostgreSQL going away and coming back while vpointsd runs.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin
ok "a signed call works" vp community list

is "healthy at first" "$(http_status GET /healthz)" 200
pgc_stop "$T_PG" fast
ok "healthz turns 503 when PostgreSQL stops" wait_health 10 503
s=$(http_status GET /healthz)
is "healthz: 503" "$s" 503
is "healthz: problem+json" "$(http_header Content-Type)" "application/problem+json"
like "healthz: the database is named" "$(http_body)" '"db":"unavailable"'
is "healthz: Retry-After" "$(http_header Retry-After)" "1"
out=$(vp --json --retries 0 community list 2>&1)
is "API requests get 503: vpoints exits 69" "$?" 69
like "... with type database-unavailable" "$out" "urn:vpoints:problem:database-unavailable"
vp status >/dev/null 2>&1
is "vpoints status exits 69" "$?" 69

pgc_start "$T_PG"
ok "the daemon recovers within 10 s, without a restart" wait_health 10 200
ok "API requests work again" vp community list
kill -0 "$DAEMON_PID"
is "it is the same daemon process" "$?" 0
like "the reconnect is logged" "$(cat "$DAEMON_LOG")" "ready"

# A write retried by the client while PostgreSQL restarts lands once.
pgc_stop "$T_PG" fast
wait_health 10 503
(sleep 1; pgc_start "$T_PG") &
starter=$!
ok "vpoints retries a write until the database is back" vp --retries 8 community add C9 --name Nine --population 90
wait "$starter"
is "and it was applied once" "$(pgc_psql "$T_PG" -At -c "SELECT count(*) FROM communities WHERE code = 'C9'")" 1

# Kill the server hard (no goodbye to clients), then restart it.
pgc_stop "$T_PG" immediate
ok "healthz 503 after an immediate stop" wait_health 10 503
pgc_start "$T_PG"
ok "and recovers from it" wait_health 10 200

ok "SIGTERM exits 0" daemon_stop
pgc_stop "$T_PG" fast
"$VPOINTSD" -c "$DAEMON_CONF" >"$T_DIR/nodb.log" 2>&1
is "started without a database, vpointsd exits 69" "$?" 69
like "and says why" "$(cat "$T_DIR/nodb.log")" "cannot connect to the database"
