#!/usr/bin/env bash
# ./quickstart on the embedded default takes real-name registrations: it
# makes a key for the ID numbers' hashes under var/ (0600), hands it to
# vpointsd, and keeps it from one run to the next, so that an ID number
# registered before is found again. quickstart runs here in a tree of its
# own: its script and tests/pgcluster.sh, the built programs and sql/,
# and a configure and Makefile that are up to date (nothing to build).
. "$top_srcdir/tests/lib.sh"

tree="$T_DIR/tree"
mkdir -p "$tree/tests" "$tree/var" "$T_DIR/bin"
cp "$top_srcdir/quickstart" "$tree/"
cp "$top_srcdir/tests/pgcluster.sh" "$tree/tests/"
ln -s "$(cd "$top_srcdir/sql" && pwd)" "$tree/sql"
ln -s "$(cd "$top_srcdir/console" && pwd)" "$tree/console"
ln -s "$VPOINTSD" "$tree/vpointsd"
ln -s "$VPOINTS" "$tree/vpoints"
touch -d '-2 minutes' "$tree/configure.ac" "$tree/Makefile.am"
printf '#!/bin/sh\nexit 0\n' >"$tree/configure"
chmod +x "$tree/configure"
touch -d '-1 minute' "$tree/configure"
printf 'all:\n\t@:\n' >"$tree/Makefile"
echo "" >"$tree/var/configure-flags"
# Every Debian package is there (the machine that runs the tests has them).
printf '#!/bin/sh\necho "install ok installed"\n' >"$T_DIR/bin/dpkg-query"
chmod +x "$T_DIR/bin/dpkg-query"

QS_PID=
QS_URL=
# Run ./quickstart in the background until its daemon answers.
qs_start() {
	local port
	port=$(harness_free_port)
	QS_URL="http://127.0.0.1:$port"
	PATH="$T_DIR/bin:$PATH" CONFIGURE_FLAGS= QUICKSTART_LISTEN="127.0.0.1:$port" \
		"$tree/quickstart" >>"$T_DIR/quickstart.log" 2>&1 &
	QS_PID=$!
	EXTRA_PIDS+=("$QS_PID")
	for _ in $(seq 1 300); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$QS_URL/healthz")" = 200 ] && return 0
		kill -0 "$QS_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$T_DIR/quickstart.log" | sed 's/^/# /'
	return 1
}
# Stop it as Ctrl-C does (SIGTERM: a background job ignores SIGINT): it
# stops the daemon and PostgreSQL and exits 0.
qs_stop() {
	kill -TERM "$QS_PID" && wait "$QS_PID"
}
qvp() { VPOINTS_CONFIG="$tree/var/vpoints.conf" "$VPOINTS" "$@"; }

ok "./quickstart starts vpointsd" qs_start
ok "it made the ID-number hash key var/id_hash.key" test -s "$tree/var/id_hash.key"
like "... 32 random bytes in hex" "$(grep -cE '^[0-9a-f]{64}$' "$tree/var/id_hash.key")" 1
is "... readable by its owner only" "$(stat -c %a "$tree/var/id_hash.key")" 600
is "the daemon's config holds it, and is 0600 too" \
	"$(grep -c "^id_hash_key = $(cat "$tree/var/id_hash.key")$" "$tree/var/vpointsd.conf") $(stat -c %a "$tree/var/vpointsd.conf")" "1 600"
key=$(cat "$tree/var/id_hash.key")
is "the browser console is served from the tree, at localhost too" \
	"$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://localhost:${QS_URL##*:}/console/")" \
	"200 text/html; charset=utf-8"
ok "community C01" qvp community add C01 --name East --population 12000
ok "a volunteer registers with an ID number" \
	qvp volunteer add V-001 --community C01 --name "张三" --id-number 110101199003077777
is "... and only the last four come back" "$(qvp --json volunteer show V-001 | grep -o '"id_last4": "[0-9]*"')" '"id_last4": "7777"'
ok "it stops" qs_stop

ok "./quickstart starts again" qs_start
is "the key is kept" "$(cat "$tree/var/id_hash.key")" "$key"
qvp volunteer add V-002 --community C01 --name Again --id-number 110101199003077777 >/dev/null 2>&1
is "so the ID number registered before is found again (1)" "$?" 1
ok "it stops again" qs_stop
