#!/usr/bin/env bash
# The signed "@authority" names the daemon: a request signed for one
# daemon is refused by another (401 wrong-authority) although the same key
# is enrolled there and the signature is good; server_names lists the
# names (a public one behind a proxy), and a reload changes them.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin

SIGTOOL="/usr/bin/python3 $top_srcdir/tests/sigtool.py"
A_URL=$DAEMON_URL
A_AUTH=127.0.0.1:$DAEMON_PORT
openssl genpkey -algorithm ed25519 -out "$T_DIR/admin.pem" 2>/dev/null
openssl pkey -in "$T_DIR/admin.pem" -pubout -out "$T_DIR/admin.pub.pem" 2>/dev/null
ok "an OpenSSL admin key" vp station add OPS --role admin --name OpenSSL \
	--pubkey "$T_DIR/admin.pub.pem"
sig() { $SIGTOOL --key "$T_DIR/admin.pem" --path /v1/communities "$@"; }
metric() { curl -s "$1/metrics" | sed -n "s/^vpointsd_signature_refusals_total{reason=\"$2\"} //p"; }

# Daemon A answers to its listen address and the loopback names.
like "signed for A's listen address: 200" "$(sig --server "$A_URL" | head -n 1)" 200
like "signed for localhost:PORT: 200" \
	"$(sig --server "$A_URL" --authority "localhost:$DAEMON_PORT" | head -n 1)" 200
out=$(sig --server "$A_URL" --authority "points.example.org")
like "signed for a name A does not have: 401" "$(echo "$out" | head -n 1)" 401
like "... wrong-authority" "$out" "urn:vpoints:problem:wrong-authority"
like "signed for another port of 127.0.0.1: wrong-authority" \
	"$(sig --server "$A_URL" --authority "127.0.0.1:1")" "wrong-authority"

# Daemon B on the same database: same keys, another address.
ok "a second daemon, B, on the same database" daemon_start_another
B_URL=$ANOTHER_URL
nonce=$(openssl rand -hex 16)
out=$(sig --server "$A_URL" --send-to "$B_URL" --nonce "$nonce")
like "a request signed for A, sent to B: 401" "$(echo "$out" | head -n 1)" 401
like "... wrong-authority" "$out" "urn:vpoints:problem:wrong-authority"
out=$(sig --server "$A_URL" --send-to "$B_URL" --method POST \
	--body '{"code":"X1","name":"Misdirected","population":1}' --idem misdirected-1)
like "a write signed for A, sent to B: wrong-authority" "$out" "wrong-authority"
is "... and it wrote nothing" "$(pgc_psql "$T_PG" -At -c "SELECT count(*) FROM communities WHERE code = 'X1'")" 0
like "the same request (its nonce too) sent to A: 200" \
	"$(sig --server "$A_URL" --nonce "$nonce" | head -n 1)" 200
like "signed for B and sent to B: 200" "$(sig --server "$B_URL" | head -n 1)" 200
is "B counted its refusals as wrong-authority" "$(metric "$B_URL" wrong-authority)" 2

# The client, against a daemon that does not answer to the name it uses.
out=$(vp --server "http://localhost:$DAEMON_PORT" community list 2>&1)
is "vpoints with localhost: 0" "$?" 0

# server_names: behind a proxy that keeps Host, the public name.
sed -i '/^server_names/d' "$DAEMON_CONF"
echo "server_names = Points.Example.ORG, $A_AUTH" >>"$DAEMON_CONF"
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	grep -q "reload: configuration from" "$DAEMON_LOG" && break
	sleep 0.1
done
like "after a reload, signed for the public name: 200" \
	"$(sig --server "$A_URL" --authority points.example.org | head -n 1)" 200
like "... with the default port: 200" \
	"$(sig --server "$A_URL" --authority points.example.org:80 | head -n 1)" 200
like "... for the listed local name: 200" "$(sig --server "$A_URL" | head -n 1)" 200
like "... for localhost, no longer listed: wrong-authority" \
	"$(sig --server "$A_URL" --authority "localhost:$DAEMON_PORT")" "wrong-authority"
out=$(vp --server "http://localhost:$DAEMON_PORT" community list 2>&1)
is "vpoints through a name the daemon does not have: 77" "$?" 77
like "... saying why" "$out" "Request is signed for another server: The Host the request was signed for is none of this server's names (server_names). (HTTP 401)"
is "the unsigned routes do not care: /healthz" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: elsewhere.example' "$A_URL/healthz")" 200

echo "server_names = bad/name" >>"$DAEMON_CONF"
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	grep -q "is not HOST or HOST:PORT" "$DAEMON_LOG" && break
	sleep 0.1
done
like "a bad name is refused on reload" "$(cat "$DAEMON_LOG")" 'server_names: "bad/name" is not HOST or HOST:PORT; keeping the running configuration'
like "... and the running names stay" \
	"$(sig --server "$A_URL" --authority points.example.org | head -n 1)" 200
ok "SIGTERM exits 0" daemon_stop
