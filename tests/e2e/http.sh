#!/usr/bin/env bash
# HTTP behaviour: every error is problem+json; limits and timeouts hold.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "idle_timeout = 2"

problem_is() { # desc status type
	is "$1: status" "$2" "$3"
	is "$1: problem+json" "$(http_header Content-Type)" "application/problem+json"
	like "$1: type" "$(http_body)" "\"type\":\"urn:vpoints:problem:$4\""
}

s=$(http_status GET /no/such/route)
problem_is "unknown route" "$s" 404 not-found
s=$(http_status POST /healthz)
problem_is "wrong method" "$s" 405 method-not-allowed
is "405 names the allowed methods" "$(http_header Allow)" "GET"
s=$(http_status PATCH /v1/communities)
problem_is "PATCH on a GET route" "$s" 405 method-not-allowed

head -c 100000 /dev/zero | tr '\0' x >"$T_DIR/big"
s=$(http_status POST /v1/communities --data-binary @"$T_DIR/big")
problem_is "a 100 KB body" "$s" 413 body-too-large
s=$(http_status POST /v1/communities -H 'Transfer-Encoding: chunked' --data-binary @"$T_DIR/big")
problem_is "a 100 KB chunked body" "$s" 413 body-too-large
head -c 65536 /dev/zero | tr '\0' x >"$T_DIR/limit"
s=$(http_status POST /healthz --data-binary @"$T_DIR/limit")
is "a body of exactly 64 KiB passes the limit (on to routing: 405)" "$s" 405

s=$(http_status GET /healthz -H "X-Big: $(head -c 10000 /dev/zero | tr '\0' y)")
problem_is "headers over the limit" "$s" 400 bad-request

reply=$(exec 3<>"/dev/tcp/127.0.0.1/$DAEMON_PORT"; printf 'NONSENSE\r\n\r\n' >&3; timeout 5 cat <&3)
like "a malformed request line gets 400" "$reply" "400"
like "... as problem+json" "$reply" "application/problem+json"

s=$(http_status GET /v1/communities)
problem_is "an unsigned API request" "$s" 401 signature-missing

# An idle keep-alive connection is closed by the idle timeout (2 s).
start=$(date +%s)
reply=$(exec 3<>"/dev/tcp/127.0.0.1/$DAEMON_PORT"; timeout 10 cat <&3; echo "closed")
end=$(date +%s)
is "an idle connection is closed" "$reply" "closed"
ok "within the idle timeout" test $((end - start)) -le 5

# A client that hangs up mid-request leaves the daemon serving.
(exec 3<>"/dev/tcp/127.0.0.1/$DAEMON_PORT"; printf 'POST /v1/communities HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc' >&3)
is "the daemon still serves after a hang-up" "$(http_status GET /healthz)" 200
ok "SIGTERM exits 0" daemon_stop
