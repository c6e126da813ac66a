#!/usr/bin/env bash
# The browser console in headless Chromium (tests/browser.py): its signer
# against RFC 9421 B.2.6 as common/sig.c, and the daily job of a station
# that has only a browser, each result checked with the client.
. "$top_srcdir/tests/lib.sh"

chromium=$(command -v chromium || true)
chromedriver=$(command -v chromedriver || true)
if [ -z "$chromium" ] || [ -z "$chromedriver" ] ||
	! /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
	echo "1..0 # SKIP chromium, chromium-driver or python3-selenium missing (./quickstart installs them)"
	trap - EXIT
	rm -rf "$T_DIR"
	exit 0
fi

harness_db
# The page is at http://localhost:PORT, a secure context for Web
# Crypto; the daemon's default server_names has localhost on its port.
# It is opened under a prefix, as a reverse proxy serves it
# (path_prefix): every request it signs carries the prefix.
# One no-show blocks sign-ups, so the board's lifting of a block is tried.
daemon_start "console_dir = $top_srcdir/console" "path_prefix = /vpoints" \
	"noshow_limit = 1"
harness_admin || { echo "Bail out! no admin key"; exit 1; }
ok "a community" vp community add C01 --name 东湖社区 --population 1000
ok "an activity, 10 points an hour" vp activity add A1 --name 交通引导 --points-per-hour 10
# Another desk of the community, on the command line.
"$VPOINTS" keygen --out "$T_DIR/s02.key" >/dev/null
ok "a station key for the command line" vp station add S02 --name 东湖二站 --community C01 --pubkey "$T_DIR/s02.key.pub"
# The checked-in volunteer started two hours before the base time; its
# month in the daemon's zone is the report's.
start=$(t_at '-120 minutes')
month=$(TZ=Asia/Shanghai date -d "@$(t_date '-120 minutes')" +%Y-%m)
# The board's event, two days on in the daemon's zone: open for sign-up.
event_day=$(TZ=Asia/Shanghai date -d "@$(t_date '+2 days')" +%F)

/usr/bin/python3 "$top_srcdir/tests/browser.py" --port "$DAEMON_PORT" \
	--vpoints "$VPOINTS" --tmp "$T_DIR" --station-key "$T_DIR/s02.key" \
	--test-sig "$top_srcdir/tests/unit/test_sig.c" \
	--start "$start" --month "$month" --event-day "$event_day" \
	--price 15 --stock 5 \
	--chromium "$chromium" --chromedriver "$chromedriver" \
	--profile "$T_DIR/chromium" ${SHOTS:+--shots "$SHOTS"} \
	--daemon-pid "$DAEMON_PID" --vpointsd "$VPOINTSD" \
	--daemon-conf "$DAEMON_CONF" --daemon-log "$DAEMON_LOG" \
	--pidfile "$T_DIR/daemon.pid" \
	>"$T_DIR/browser.tap" 2>"$T_DIR/browser.err"
rc=$?
# The daemon the test started again is the one to stop at the end.
[ -s "$T_DIR/daemon.pid" ] && { wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=$(cat "$T_DIR/daemon.pid"); }
tap_lines "$T_DIR/browser.tap"
is "the page signed its requests under the prefix" \
	"$(grep -c ' POST /vpoints/v1/redemptions ' "$DAEMON_LOG")" 6
is "the browser test ran to its end" "$rc" 0
if [ "$rc" -ne 0 ]; then
	sed 's/^/# /' "$T_DIR/browser.err" | tail -n 30
fi
