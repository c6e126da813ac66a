#!/usr/bin/env bash
# HTTP strictness behind a reverse proxy (RFC 9112): framing two parsers
# could read two ways (request smuggling), bytes evhttp would cut or join,
# targets that are not a path, %00, repeated lines of what a signature
# reads: each refused with one 400 problem+json (501 for a transfer coding
# not served), the connection closed so that nothing after it is read as
# another request, on raw sockets (tests/rawhttp.py) against the daemon.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin

openssl genpkey -algorithm ed25519 -out "$T_DIR/admin.pem" 2>/dev/null
openssl pkey -in "$T_DIR/admin.pem" -pubout -out "$T_DIR/admin.pub.pem" 2>/dev/null
ok "an OpenSSL admin key" vp station add OPS --role admin --name OpenSSL \
	--pubkey "$T_DIR/admin.pub.pem"

count() { pgc_psql "$T_PG" -At -c "$1"; }
before=$(count "SELECT count(*) FROM communities")
/usr/bin/python3 "$top_srcdir/tests/rawhttp.py" framing --server "$DAEMON_URL" \
	--key "$T_DIR/admin.pem" >"$T_DIR/framing.out" 2>&1
rc=$?
tap_lines "$T_DIR/framing.out"
is "the framing cases ran to the end" "$rc" 0
is "no refused write was stored" "$(count "SELECT count(*) FROM communities")" "$before"
like "a refusal is logged with its reason" "$(cat "$DAEMON_LOG")" \
	"400 (refused: The request has two Content-Length headers that differ.)"
like "... and counted" "$(curl -s "$DAEMON_URL/metrics")" \
	'vpointsd_http_requests_total{route="other",method="?",status="400"}'
ok "SIGTERM exits 0" daemon_stop
