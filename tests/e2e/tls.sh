#!/usr/bin/env bash
# A station reaches vpointsd through a real nginx, the TLS reverse proxy of
# etc/nginx-vpoints.conf, at https://localhost:PORT/vpoints/: its main
# commands work with the certificate verified against the test's CA; a
# wrong CA, a host name the certificate is not for and a wrong pin are
# refused (77) before anything is sent; a write finds the proxy down and
# waits in the outbox, and so does one the proxy cannot pass on.
. "$top_srcdir/tests/lib.sh"

tls_certs || { echo "Bail out! openssl could not make the certificates"; cat "$T_DIR/tls/openssl.log"; exit 1; }
NGINX_PORT=$(harness_free_port)
harness_db
daemon_start "server_names = localhost:$NGINX_PORT, 127.0.0.1:$NGINX_PORT, [::1]:$NGINX_PORT" \
	"path_prefix = /vpoints"
harness_admin
nginx_start || { echo "Bail out! nginx did not start"; exit 1; }

URL="https://localhost:$NGINX_PORT/vpoints/"
CA="$T_DIR/tls/ca.pem"
count() { pgc_psql "$T_PG" -At -c "$1"; }
jget() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# The admin and station S01, through the proxy, trusting the test's CA.
adm() { "$VPOINTS" --server "$URL" --cacert "$CA" "$@"; }
s1() { "$VPOINTS" --server "$URL" --cacert "$CA" --key "$T_DIR/s1.key" "$@"; }

# The main commands, through the proxy.
out=$(adm status 2>&1)
is "status through the proxy: 0" "$?" 0
like "... healthy" "$out" "ok (database ok"
ok "community C01" adm community add C01 --name East --population 12000
ok "activity clean" adm activity add clean --name "Street cleaning" --points-per-hour 10
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
ok "station S01" adm station add S01 --community C01 --name "East station" --pubkey "$T_DIR/s1.key.pub"
ok "volunteer add V-001" s1 volunteer add V-001 --name "张三"
id=$(s1 --json shift checkin V-001 --activity clean --start "$(t_at '-3 hours')" | jget id)
[ -n "$id" ] && t_result ok "... gives the check-in's id" || t_result fail "... gives the check-in's id"
ok "shift checkout" s1 shift checkout "$id" --end "$(t_at '-1 hours')"
is "balance: 20 points for two hours" "$(s1 --json balance V-001 | jget points)" 20
ok "catalog add" s1 catalog add towel --name Towel --category gift --price 5 --stock 3
out=$(s1 redeem V-001 towel 2>&1)
is "redeem: 0" "$?" 0
is "... 15 points left" "$(s1 --json balance V-001 | jget points)" 15
out=$(s1 --csv report monthly --month "$(t_date '-1 hours' +%Y-%m)" --level volunteer 2>&1)
is "report monthly: 0" "$?" 0
like "... has V-001" "$out" "V-001"
like "the daemon got the path as sent, prefix and all" \
	"$(cat "$DAEMON_LOG")" "POST /vpoints/v1/volunteers 201"
like "... through nginx" "$(cat "$T_DIR/nginx/access.log")" "GET /vpoints/v1/volunteers/V-001/ledger HTTP/1.1\" 200"
if [ "$NGINX_IPV6" = yes ]; then
	out=$("$VPOINTS" --server "https://[::1]:$NGINX_PORT/vpoints" --cacert "$CA" --key "$T_DIR/s1.key" \
		--json balance V-001 2>&1)
	is "IPv6, no trailing slash: 0" "$?" 0
	like "... the balance" "$out" '"points":15'
else
	echo "ok $((T_COUNT += 1)) # SKIP no IPv6 loopback on this machine"
fi
# A volunteer's page through the proxy: its forms name the prefix, and
# no log holds its token.
link=$(s1 --json volunteer link V-001)
token=$(echo "$link" | jget token)
page="https://localhost:$NGINX_PORT/vpoints$(echo "$link" | jget path)"
is "the volunteer's page through the proxy: 200" \
	"$(curl -s -o "$T_DIR/page" -w '%{http_code}' --cacert "$CA" "$page")" 200
like "... its calendar link names the prefix" "$(cat "$T_DIR/page")" "href=\"/vpoints/p/$token/calendar.ics\""
is "... its calendar through the proxy: 200" \
	"$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" "$page/calendar.ics")" 200
is "no access log holds the token" "$(cat "$T_DIR/nginx/access.log" "$DAEMON_LOG" | grep -c -- "$token")" 0
# A client trying tokens at random is held back by the proxy, by its
# address, before it fills vpointsd's buckets.
# A hundred, twenty at a time: the burst of 30 passes, and the other 70
# could only if they took 14 s, at 5 a second.
for _ in $(seq 100); do
	printf 'url = "https://localhost:%s/vpoints/p/%s"\noutput = "/dev/null"\n' "$NGINX_PORT" \
		"$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | cut -c 1-43)"
done >"$T_DIR/tries.curl"
codes=$(curl -s --parallel --parallel-max 20 --cacert "$CA" -w '%{http_code}\n' \
	-K "$T_DIR/tries.curl" | sort | uniq -c | awk '{print $2 ":" ($1 > 0)}' | paste -sd ' ' -)
is "100 tokens tried, twenty at a time: some unknown (404), the rest held back (429)" "$codes" "404:1 429:1"
ok "the sample config file is one vpoints reads" "$VPOINTS" --config "$top_srcdir/etc/vpoints.conf" outbox list
ok "the config file's cacert = and server =" env VPOINTS_CONFIG=<(printf 'server = %s\ncacert = %s\n' "$URL" "$CA") \
	"$VPOINTS" --key "$T_DIR/s1.key" balance V-001

# Certificates that are not the expected ones: refused before any request.
out=$(s1 --cacert "$T_DIR/tls/other-ca.pem" balance V-404 2>&1)
is "another CA: 77" "$?" 77
like "... saying why" "$out" "vpoints: balance: the certificate of $URL is not signed by a CA this station trusts; refused"
like "... and what to do" "$out" "give its CA with --cacert FILE or cacert = in the config file"
out=$("$VPOINTS" --server "$URL" --key "$T_DIR/s1.key" balance V-404 2>&1)
is "the system's CAs only: 77" "$?" 77
export VPOINTS_OUTBOX="$T_DIR/outbox"
out=$(s1 --cacert "$T_DIR/tls/other-ca.pem" volunteer add V-009 --name Nobody 2>&1)
is "a write to an untrusted server: 77" "$?" 77
ok "... is not queued in the outbox" test ! -e "$VPOINTS_OUTBOX"
is "... nor applied" "$(count "SELECT count(*) FROM volunteers WHERE number = 'V-009'")" 0
out=$("$VPOINTS" --server "https://127.0.0.2:$NGINX_PORT/vpoints/" --cacert "$CA" --key "$T_DIR/s1.key" \
	balance V-404 2>&1)
is "a host name the certificate is not for (127.0.0.2): 77" "$?" 77
like "... saying why" "$out" "the certificate of https://127.0.0.2:$NGINX_PORT/vpoints/ is not for the host name in the server URL; refused"
pin=$(tls_pin "$T_DIR/tls/server.key")
wrong=$(tls_pin "$T_DIR/tls/other-ca.key")
printf 'server = %s\ncacert = %s\npin = %s\n' "$URL" "$CA" "$wrong" >"$T_DIR/wrong-pin.conf"
out=$("$VPOINTS" --config "$T_DIR/wrong-pin.conf" --key "$T_DIR/s1.key" balance V-404 2>&1)
is "a wrong pin: 77" "$?" 77
like "... saying why" "$out" "the public key of $URL is not the one pin = names in the config file; refused"
grep -q V-404 "$T_DIR/nginx/access.log" "$DAEMON_LOG"
is "none of them reached nginx's HTTP, nor vpointsd" "$?" 1
printf 'server = %s\ncacert = %s\npin = %s;%s\n' "$URL" "$CA" "$wrong" "$pin" >"$T_DIR/pin.conf"
out=$("$VPOINTS" --config "$T_DIR/pin.conf" --key "$T_DIR/s1.key" --json balance V-001 2>&1)
is "the right pin among two: 0" "$?" 0
like "... the balance" "$out" '"points":15'
out=$("$VPOINTS" --server "http://192.0.2.1:8750/" --key "$T_DIR/s1.key" balance V-001 2>&1)
is "plain http:// to a host not on loopback: 78" "$?" 78
like "... saying why" "$out" "plain http:// would send names and phone numbers in clear"

# An HTTP proxy between the station and nginx (CONNECT: TLS end to end),
# from the environment or proxy =; proxy = none ignores the environment.
/usr/bin/python3 "$top_srcdir/tests/connect_proxy.py" "$T_DIR/proxy.port" "$T_DIR/proxy.log" \
	</dev/null >>"$T_DIR/proxy.err" 2>&1 &
EXTRA_PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$T_DIR/proxy.port" ] && break; sleep 0.1; done
PROXY=http://127.0.0.1:$(cat "$T_DIR/proxy.port")
out=$(https_proxy=$PROXY s1 --json balance V-001 2>&1)
is "through the proxy of https_proxy: 0" "$?" 0
like "... the balance" "$out" '"points":15'
is "... tunnelled by it" "$(cat "$T_DIR/proxy.log")" "CONNECT localhost:$NGINX_PORT"
printf 'proxy = %s\n' "$PROXY" >"$T_DIR/proxy.conf"
ok "through the proxy of proxy =" s1 --config "$T_DIR/proxy.conf" balance V-001
is "... tunnelled by it" "$(wc -l <"$T_DIR/proxy.log")" 2
printf 'proxy = none\n' >"$T_DIR/no-proxy.conf"
ok "proxy = none, https_proxy set: straight to nginx" \
	env https_proxy="$PROXY" "$VPOINTS" --config "$T_DIR/no-proxy.conf" --server "$URL" \
	--cacert "$CA" --key "$T_DIR/s1.key" balance V-001
is "... not through the proxy" "$(wc -l <"$T_DIR/proxy.log")" 2

# The proxy is down: a write waits in the outbox, and goes once it is up.
checkins=$(count "SELECT count(*) FROM checkins")
nginx_stop
out=$(s1 --retries 1 shift checkin V-001 --activity clean 2>&1)
is "checkin with the proxy down: 75" "$?" 75
like "... queued" "$out" "queued in the outbox as 00000001"
ok "the proxy is up again" nginx_start
out=$(s1 outbox flush 2>&1)
is "flush through the proxy: 0" "$?" 0
like "... sent" "$out" "outbox: 1 sent, 0 refused, 0 kept"
is "V-001 is checked in" "$(count "SELECT count(*) FROM checkins")" $((checkins + 1))

# The proxy is up, vpointsd is not: nginx answers 502, which is no answer
# from vpointsd. The write waits, and goes once the daemon is back.
ok "the daemon stops" daemon_stop
out=$(s1 --retries 1 volunteer add V-002 --name "李四" 2>&1)
is "volunteer add behind a proxy with no daemon: 75" "$?" 75
like "... saying the proxy answered for it" "$out" "vpointsd at $URL did not answer: the proxy in front of it answered 502"
ok "the daemon is back" daemon_restart
ok "flush" s1 outbox flush
is "V-002 is registered once" "$(count "SELECT count(*) FROM volunteers WHERE number = 'V-002'")" 1

# Memory: a call over TLS, under valgrind (the rest of the client is
# checked in valgrind.sh); a build with --enable-asan checks every call.
if command -v valgrind >/dev/null && [ "${vpoints_asan:-no}" != yes ]; then
	valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
		--error-exitcode=99 --log-file="$T_DIR/tls.vg.log" \
		"$VPOINTS" --config "$T_DIR/pin.conf" --key "$T_DIR/s1.key" balance V-001 >/dev/null 2>&1
	is "a call over TLS under valgrind: 0" "$?" 0
fi
