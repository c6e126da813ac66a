#!/usr/bin/env bash
# valgrind over the daemon's life (start, signed requests, SIGHUP reload,
# SIGTERM stop) and over a few client commands: no memory errors and no
# bytes definitely lost. Skipped in a build with --enable-asan (valgrind
# cannot run sanitized programs) and when valgrind is not installed.
: "${top_builddir:?run through make check}"
if [ "${vpoints_asan:-no}" = yes ] || ldd "$top_builddir/vpointsd" 2>/dev/null | grep -q libasan; then
	echo "1..0 # SKIP built with --enable-asan"
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind is not installed (apt-get install valgrind)"
	exit 0
fi
. "$top_srcdir/tests/lib.sh"

# valgrind exits 99 on any memory error or definite leak.
VALGRIND=(valgrind --leak-check=full --show-leak-kinds=definite
	--errors-for-leak-kinds=definite --error-exitcode=99)
# vg LOG PROGRAM ARGS...: run PROGRAM under valgrind, its report in $T_DIR/LOG.
vg() {
	local log=$1
	shift
	"${VALGRIND[@]}" --log-file="$T_DIR/$log" "$@"
}

# A valgrind log is clean: valgrind ran to the end, found no errors and
# nothing definitely lost.
vg_clean() {
	local log="$T_DIR/$1"
	if grep -q "ERROR SUMMARY: 0 errors" "$log" && ! grep -q "definitely lost: [1-9]" "$log"; then
		return 0
	fi
	cat "$log"
	return 1
}

harness_db
harness_admin

# vpointsd under valgrind, started like daemon_start (another port if the
# one chosen was taken meanwhile) but given longer to become healthy.
for try in 1 2 3; do
	DAEMON_PORT=$(harness_free_port)
	DAEMON_URL="http://127.0.0.1:$DAEMON_PORT"
	daemon_config "console_dir = $top_srcdir/console"
	# Not through vg: $! must be valgrind itself, which gets the signals.
	"${VALGRIND[@]}" --log-file="$T_DIR/vpointsd.vg.log" "$VPOINTSD" \
		-c "$DAEMON_CONF" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	wait_health 60 && break
	kill -0 "$DAEMON_PID" 2>/dev/null && break
	wait "$DAEMON_PID"
	DAEMON_PID=
done
if [ -z "$DAEMON_PID" ] || ! wait_health 1; then
	echo "Bail out! vpointsd under valgrind did not become healthy"
	tail -n 20 "$DAEMON_LOG" "$T_DIR/vpointsd.vg.log" | sed 's/^/# /'
	exit 1
fi
t_result ok "vpointsd under valgrind is healthy"

# Signed requests, served under valgrind.
ok "community add" vp community add C01 --name "东城社区" --population 12000
like "community list" "$(vp community list)" "东城社区"
ok "activity add" vp activity add clean --name "Street cleaning" --points-per-hour 10
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
ok "station add" vp station add S01 --community C01 --name "East station" --pubkey "$T_DIR/s1.key.pub"
ok "volunteer add" vp --key "$T_DIR/s1.key" volunteer add V-001 --name "Zhang San"
ok "shift log" vp --key "$T_DIR/s1.key" shift log V-001 --activity clean \
	--start "$(t_at '-90 minutes')" --end "$(t_at '-30 minutes')"
fails "a refused request (unknown volunteer)" vp --key "$T_DIR/s1.key" shift log V-404 \
	--activity clean --start "$(t_at '-90 minutes')" --end "$(t_at '-30 minutes')"
is "an unsigned request is refused" "$(http_status GET /v1/communities)" 401
is "the console's index" "$(http_status GET /console/)" 200
etag=$(http_header ETag)
is "... 304 for its ETag" "$(http_status GET /console/ -H "If-None-Match: $etag")" 304
is "... its head" "$(http_status HEAD /console/app.js --head)" 200
is "... no such file" "$(http_status GET /console/nothing.js)" 404

# The capability URLs (daemon/page.c): a link, the page, an action, the
# calendar, a token that is none.
d=$(t_date '+2 days' +%F)
ok "event add" vp --key "$T_DIR/s1.key" event add --activity clean --title "路口 <&>" \
	--start "$d 07:00" --end "$d 09:00" --places 1
path=$(vp --key "$T_DIR/s1.key" --json volunteer link V-001 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["path"])')
is "the volunteer's page" "$(http_status GET "$path")" 200
is "a sign-up on it" "$(http_status POST "$path/signup" --data event=1)" 201
is "a refused one" "$(http_status POST "$path/cancel" --data signup=99)" 404
is "an evaluation with a comment, refused" "$(http_status POST "$path/evaluate" --data "help_request=99&score=5&comment=%E5%BE%88%E5%A5%BD")" 404
is "... one with a comment that is not UTF-8" "$(http_status POST "$path/evaluate" --data "help_request=99&score=5&comment=%FF")" 404
is "the calendar" "$(http_status GET "$path/calendar.ics")" 200
is "a token that opens nothing" "$(http_status GET /p/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA)" 404

# SIGHUP reloads (the console's files read again), and the daemon serves
# on.
daemon_config "max_body_size = 2048" "console_dir = $top_srcdir/console"
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 100); do
	grep -q "reload: configuration" "$DAEMON_LOG" && break
	sleep 0.1
done
like "SIGHUP reloads the config" "$(cat "$DAEMON_LOG")" "reload: configuration from $DAEMON_CONF in force"
like "signed requests after the reload" "$(vp community list)" "东城社区"
is "the console after the reload" "$(http_status GET /console/sig.js)" 200

# The client under valgrind: its exit status, then its log.
vg_ok() { # desc log program args...
	local desc=$1 log=$2
	shift 2
	ok "$desc under valgrind" vg "$log" "$@"
	ok "... no memory errors, 0 bytes definitely lost" vg_clean "$log"
}
vg_ok "vpoints status" status.vg.log "$VPOINTS" --server "$DAEMON_URL" status
vg_ok "vpoints keygen" keygen.vg.log "$VPOINTS" keygen --out "$T_DIR/s2.key"
vg_ok "a signed call (community list)" list.vg.log "$VPOINTS" --server "$DAEMON_URL" community list
vg_ok "a signed write (activity add)" write.vg.log "$VPOINTS" --server "$DAEMON_URL" \
	activity add patrol --name "Patrol" --points-per-hour 10
printf '{"kty":"OKP","crv":"Ed25519","x":"%s"}\n' \
	"$(sed -n 's/^public //p' "$T_DIR/s2.key.pub")" >"$T_DIR/s2.jwk"
vg_ok "station add --pubkey a JWK" jwk.vg.log "$VPOINTS" --server "$DAEMON_URL" \
	station add S02 --community C01 --name "Browser desk" --pubkey "$T_DIR/s2.jwk"
vg "refused.vg.log" "$VPOINTS" --server "$DAEMON_URL" activity add patrol \
	--name "Again" --points-per-hour 10 >/dev/null 2>&1
is "a refused call under valgrind exits 1 (not 99)" "$?" 1
ok "... no memory errors, 0 bytes definitely lost" vg_clean refused.vg.log

# SIGTERM: exit 0 (99 is a memory error or a definite leak), a clean log.
ok "vpointsd under valgrind: SIGTERM exits 0" daemon_stop
ok "vpointsd: no memory errors, 0 bytes definitely lost" vg_clean vpointsd.vg.log
vg "down.vg.log" "$VPOINTS" --server "$DAEMON_URL" status >/dev/null 2>&1
is "vpoints status with the daemon down exits 69 under valgrind" "$?" 69
ok "... no memory errors, 0 bytes definitely lost" vg_clean down.vg.log
