# The end-to-end harness: TAP output, a throwaway PostgreSQL cluster and a
# real vpointsd, all under tests/tmp/ of the build tree. Sourced by each
# tests/e2e/*.sh. Everything started here is stopped on exit, also when a
# test fails; the folder is removed unless a test failed (or KEEP_TMP=1).

: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
. "$top_srcdir/tests/pgcluster.sh"

VPOINTSD="$top_builddir/vpointsd"
VPOINTS="$top_builddir/vpoints"
T_NAME=$(basename "$0" .sh)
T_DIR="$top_builddir/tests/tmp/$T_NAME.$$"
T_PG="$T_DIR/pg"
T_STANDBY="$T_DIR/standby"
T_COUNT=0
T_FAILED=0
DAEMON_PID=
DAEMON_PORT=
DAEMON_URL=
DAEMON_CONF="$T_DIR/vpointsd.conf"
DAEMON_LOG="$T_DIR/vpointsd.log"
EXTRA_PIDS=()

mkdir -p "$T_DIR"

# The test's one base time, in seconds since the epoch, taken once: every
# time a test computes from "now" derives from it (t_date, t_at), so no
# minute or day boundary can pass between two of them. The Python helpers
# read it from the environment. Only what must follow the real clock
# (signatures' created, deadlines the daemon's timer reaches, waits and
# windows around a command) reads the clock again.
#
# The daemons of the tests count days in Asia/Shanghai, and the scripts
# name days from T_NOW ("tomorrow" is refused, "today" is the window of 0
# days): a day that ended while a script ran would turn one into the
# other. So a script starts only with at least T_DAY_MARGIN seconds left
# of the day (600, ten minutes, more than any script takes, unless it
# sets its own before sourcing this file), and otherwise waits for the
# next day: a run of the tests near midnight there takes that much
# longer, never a different course.
t_day_left=$(( $(TZ=Asia/Shanghai date -d 'tomorrow 00:00' +%s) - $(date +%s) ))
if [ "$t_day_left" -lt "${T_DAY_MARGIN:-600}" ]; then
	sleep $((t_day_left + 1))
fi
T_NOW=$(date +%s)
export T_NOW

# What the client reads and writes stays here too: not the config,
# variables or offline outbox of whoever runs the tests.
unset VPOINTS_SERVER VPOINTS_KEY VPOINTS_CONFIG VPOINTS_OUTBOX
# Nor the proxies of whoever runs them: vpoints (libcurl) and curl would
# take the loopback daemon's requests there.
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
export XDG_CONFIG_HOME="$T_DIR/xdg-config" XDG_STATE_HOME="$T_DIR/xdg-state" \
	XDG_CACHE_HOME="$T_DIR/xdg-cache"

# The client speaks English in the tests, whatever the locale of whoever
# runs them, from the catalogues make built (po/ of the build tree, so
# that no make install is needed). zh COMMAND... runs the client in
# Chinese (LC_ALL=zh_CN.UTF-8 for the client alone: the shell keeps its
# locale, which may not be installed).
export VPOINTS_LOCALEDIR="$top_builddir/po"
if [ -n "${LC_ALL:-}" ]; then
	export LANG="$LC_ALL"	# its character set stays
fi
unset LANGUAGE LC_ALL
export LC_MESSAGES=C
zh() { VP_LOCALE=zh_CN.UTF-8 "$@"; }

# Sanitizer reports (a build with --enable-asan): every sanitized program
# this test starts writes its report to $T_DIR/sanitizer.<pid> rather than
# to its stderr, where a command expected to fail would hide it;
# harness_end fails the test on any report. Harmless without sanitizers.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$T_DIR/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$T_DIR/sanitizer"

# TAP: one result line.
t_result() {
	T_COUNT=$((T_COUNT + 1))
	if [ "$1" = ok ]; then
		echo "ok $T_COUNT - $2"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_COUNT - $2"
	fi
}

# The "ok<TAB>desc" and "fail<TAB>desc" lines that a Python helper of the
# tests (loadtool.py, rawhttp.py) writes to file $1, as TAP; "fail" with
# "# TODO " is a known bug: not ok, but no failure.
tap_lines() {
	local line
	while IFS= read -r line; do
		case $line in
		"fail	"*"# TODO "*)
			T_COUNT=$((T_COUNT + 1))
			echo "not ok $T_COUNT - ${line#fail	}" ;;
		"ok	"*) t_result ok "${line#ok	}" ;;
		"fail	"*) t_result fail "${line#fail	}" ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done <"$1"
}

# Pass if the command succeeds.
ok() {
	local desc=$1
	shift
	if "$@" >"$T_DIR/last.out" 2>&1; then
		t_result ok "$desc"
	else
		t_result fail "$desc"
		sed 's/^/# /' "$T_DIR/last.out"
	fi
}

# Pass if the command fails.
fails() {
	local desc=$1
	shift
	if "$@" >"$T_DIR/last.out" 2>&1; then
		t_result fail "$desc"
		sed 's/^/# /' "$T_DIR/last.out"
	else
		t_result ok "$desc"
	fi
}

# Pass if $2 equals $3.
is() {
	if [ "$2" = "$3" ]; then
		t_result ok "$1"
	else
		t_result fail "$1"
		echo "#   got:      '$2'"
		echo "#   expected: '$3'"
	fi
}

# Pass if $2 contains $3.
like() {
	case "$2" in
	*"$3"*) t_result ok "$1" ;;
	*)
		t_result fail "$1"
		echo "#   got:      '$2'"
		echo "#   expected to contain: '$3'"
		;;
	esac
}

# A time relative to T_NOW as date(1) formats it: t_date '-3 days' +%F
# (default +%s; '' is T_NOW itself).
t_date() {
	date -d "1970-01-01 UTC $T_NOW seconds ${1:-}" "${2:-+%s}"
}

# An RFC 3339 time relative to T_NOW, to the whole minute, in the local
# zone: t_at '-90 minutes'.
t_at() { t_date "$1" +%Y-%m-%dT%H:%M:00%:z; }

# The seed of a test that draws random data: fixed, so that every run
# checks the same data and counts the same checks; VPOINTS_SEED=random
# draws one, VPOINTS_SEED=N replays a run. The test prints it.
t_seed() {
	case ${VPOINTS_SEED:-} in
	'') echo 20261202 ;;
	random) od -An -N4 -tu4 /dev/urandom | tr -d ' ' ;;
	*) echo "$VPOINTS_SEED" ;;
	esac
}

# HTTP status of a request: http_status METHOD PATH [curl args...].
http_status() {
	local method=$1 path=$2
	shift 2
	curl -s -o "$T_DIR/body" -D "$T_DIR/headers" -w '%{http_code}' \
		-X "$method" "$@" "$DAEMON_URL$path"
}

# The body and a header of the last http_status call.
http_body() { cat "$T_DIR/body"; }
http_header() {
	grep -i "^$1:" "$T_DIR/headers" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'
}

# One result: every report of every closed month whose close stored its
# rows reads from them what the computation gives (pg_temp.closed_reports,
# tests/sql/closed_reports.psql: every level and scope, pages). $1
# describes the data set. Lists what differs.
closed_reports_check() {
	local out
	out=$({ cat "$top_srcdir/tests/sql/closed_reports.psql"
		echo "SELECT set_config('timezone', timezone, false)"
		echo "FROM month_reports LIMIT 1 \\g /dev/null"
		echo "WITH r AS MATERIALIZED (SELECT * FROM pg_temp.closed_reports())"
		echo "SELECT 'differs: ' || what FROM r"
		echo "WHERE stored IS DISTINCT FROM computed"
		echo "UNION ALL SELECT count(*) || ' compared' FROM r;"
	} | pgc_psql "$T_PG" -At -q -v ON_ERROR_STOP=1 2>&1)
	if [ "$(echo "$out" | grep -c .)" = 1 ] && echo "$out" | grep -qE '^[1-9][0-9]* compared$'; then
		t_result ok "$1: the closed months' stored reports are the computed ones ($out)"
	else
		t_result fail "$1: the closed months' stored reports are the computed ones"
		echo "$out" | grep . | head -n 20 | sed 's/^/#   /'
	fi
}

# Start the test cluster.
harness_db() {
	pgc_init "$T_PG" "fsync = off" "synchronous_commit = off" \
		"full_page_writes = off" >/dev/null || {
		echo "Bail out! cannot create the PostgreSQL cluster"
		exit 1
	}
}

# Start a hot standby of the test cluster in $T_STANDBY: a real streaming
# replica (pg_basebackup -R, then its own postmaster), stopped on exit.
# Returns once it streams the primary's WAL and has replayed everything
# written so far. Extra postgresql.conf lines may follow.
harness_standby() {
	local lsn
	pgc_standby "$T_STANDBY" "$T_PG" "$@" >/dev/null || return 1
	lsn=$(pgc_psql "$T_PG" -At -c "SELECT pg_current_wal_insert_lsn()")
	standby_caught_up "$lsn"
}

# Wait (up to 30 s) until the standby streams and has replayed the
# primary's WAL up to LSN $1.
standby_caught_up() {
	for _ in $(seq 1 300); do
		[ "$(pgc_psql "$T_STANDBY" -At -c "SELECT EXISTS (SELECT FROM
			pg_stat_wal_receiver WHERE status = 'streaming')
			AND pg_last_wal_replay_lsn() >= '$1'" 2>/dev/null)" = t ] && return 0
		sleep 0.1
	done
	return 1
}

# A port nobody listens on, below Linux's ephemeral range (32768 and up),
# so that no test's outgoing connection can be holding it meanwhile.
harness_free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# Write the daemon's config; extra "key = value" lines may follow.
daemon_config() {
	{
		echo "[vpointsd]"
		echo "listen = 127.0.0.1:$DAEMON_PORT"
		echo "db = $(pgc_conninfo "$T_PG")"
		echo "sql_dir = $top_srcdir/sql"
		echo "signing_key = $T_DIR/signing.key"
		echo "log_level = debug"
		for line in "$@"; do echo "$line"; done
	} >"$DAEMON_CONF"
}

# Wait up to $1 seconds for /healthz to answer $2 (default 200).
wait_health() {
	local i
	for i in $(seq 1 $(($1 * 10))); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$DAEMON_URL/healthz")" = "${2:-200}" ] && return 0
		sleep 0.1
	done
	return 1
}

# Start vpointsd on a fresh port and wait until it is healthy.
daemon_start() {
	local try
	for try in 1 2 3; do
		DAEMON_PORT=$(harness_free_port)
		DAEMON_URL="http://127.0.0.1:$DAEMON_PORT"
		daemon_config "$@"
		"$VPOINTSD" -c "$DAEMON_CONF" >>"$DAEMON_LOG" 2>&1 &
		DAEMON_PID=$!
		wait_health 10 && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || { wait "$DAEMON_PID"; DAEMON_PID=; continue; }
		break
	done
	echo "Bail out! vpointsd did not become healthy"
	tail -n 20 "$DAEMON_LOG" | sed 's/^/# /'
	exit 1
}

# Make an admin key, enrol it with vpointsd --init-admin, and point
# VPOINTS_KEY at it.
harness_admin() {
	"$VPOINTS" keygen --out "$T_DIR/admin.key" >/dev/null || return 1
	"$VPOINTSD" --db "$(pgc_conninfo "$T_PG")" -c <(echo "sql_dir = $top_srcdir/sql") \
		--init-admin "$T_DIR/admin.key.pub" >/dev/null 2>>"$DAEMON_LOG" || return 1
	export VPOINTS_KEY="$T_DIR/admin.key"
}

# The newest migration in sql/migrations/.
schema_version() {
	ls "$top_srcdir"/sql/migrations/[0-9][0-9][0-9]_*.sql | sed 's/.*\/0*\([0-9]*\)_.*/\1/' | sort -n | tail -n 1
}

# Start vpointsd again with the same config, so on the SAME port (after
# daemon_stop, or after killing DAEMON_PID and waiting for it), and wait
# until it is healthy. Not in a subshell: it records the new pid.
daemon_restart() {
	"$VPOINTSD" -c "$DAEMON_CONF" >>"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	wait_health 10 && kill -0 "$DAEMON_PID" 2>/dev/null
}

# Start one more vpointsd on the same database (after daemon_start), at
# ANOTHER_URL. It is stopped at exit. Not in a subshell: it records its pid.
daemon_start_another() {
	local port url pid
	port=$(harness_free_port)
	url="http://127.0.0.1:$port"
	sed "s/^listen = .*/listen = 127.0.0.1:$port/" "$DAEMON_CONF" >"$T_DIR/another.$port.conf"
	"$VPOINTSD" -c "$T_DIR/another.$port.conf" >>"$T_DIR/another.$port.log" 2>&1 &
	pid=$!
	EXTRA_PIDS+=("$pid")
	for _ in $(seq 1 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")" = 200 ] && { ANOTHER_URL=$url; return 0; }
		sleep 0.1
	done
	return 1
}

# Stop vpointsd with SIGTERM; its exit status is the result.
daemon_stop() {
	local rc=0
	[ -n "$DAEMON_PID" ] || return 0
	kill -TERM "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=
	return $rc
}

# The vpoints client against the test daemon.
vp() {
	env ${VP_LOCALE:+LC_ALL="$VP_LOCALE"} "$VPOINTS" --server "$DAEMON_URL" "$@"
}

# The test's own certificates, made with openssl under $T_DIR/tls: a CA
# (ca.pem), a server certificate it signed for localhost, 127.0.0.1 and
# ::1 (server.pem, server.key), and another CA that signed nothing here
# (other-ca.pem).
tls_certs() {
	local d="$T_DIR/tls"
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout ca.key -out ca.pem -days 2 -subj "/CN=vpoints test CA" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout other-ca.key -out other-ca.pem -days 2 -subj "/CN=another CA" || exit 1
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout server.key -out server.csr -subj "/CN=localhost" || exit 1
		printf '%s\n' "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1" \
			"extendedKeyUsage = serverAuth" >server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-days 2 -extfile server.ext -out server.pem || exit 1
	) >"$d/openssl.log" 2>&1
}

# The pin of a PEM key or certificate's public key: sha256//BASE64.
tls_pin() {
	local pub
	case $(head -n 1 "$1") in
	*CERTIFICATE*) pub=$(openssl x509 -in "$1" -pubkey -noout) ;;
	*) pub=$(openssl pkey -in "$1" -pubout) ;;
	esac
	echo "sha256//$(echo "$pub" | openssl pkey -pubin -outform der |
		openssl dgst -sha256 -binary | base64)"
}

# A real nginx as the TLS reverse proxy in front of the test's vpointsd,
# running etc/nginx-vpoints.conf as shipped, with only the lines it marks
# "yours" pointed at this test: it listens on NGINX_PORT of 127.0.0.1,
# 127.0.0.2 and [::1] and serves tls_certs' server certificate. It runs
# as the user running the test, with its config, pid, logs and temporary
# files in $T_DIR/nginx. Pick NGINX_PORT with harness_free_port before
# daemon_start when the daemon's server_names must name it.
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
NGINX_PID=
NGINX_PORT=
# Whether this machine has the IPv6 loopback, for nginx to listen on.
NGINX_IPV6=no
grep -q ' lo$' /proc/net/if_inet6 2>/dev/null && NGINX_IPV6=yes
nginx_config() {
	local d="$T_DIR/nginx" site="$top_srcdir/etc/nginx-vpoints.conf" n v6listen
	mkdir -p "$d"
	[ -n "$NGINX_PORT" ] || NGINX_PORT=$(harness_free_port)
	v6listen="listen [::1]:$NGINX_PORT ssl;"
	[ "$NGINX_IPV6" = yes ] || v6listen="# no IPv6 loopback here"
	sed -e "s|^\( *server \)127\.0\.0\.1:8750;|\1127.0.0.1:$DAEMON_PORT;|" \
		-e "s|^\( *\)listen 443 ssl;|\1listen 127.0.0.1:$NGINX_PORT ssl; listen 127.0.0.2:$NGINX_PORT ssl;|" \
		-e "s|^\( *\)listen \[::\]:443 ssl;|\1$v6listen|" \
		-e "s|/etc/ssl/vpoints/fullchain\.pem|$T_DIR/tls/server.pem|" \
		-e "s|/etc/ssl/vpoints/privkey\.pem|$T_DIR/tls/server.key|" \
		"$site" >"$d/site.conf"
	# Each line marked "yours" but the name changed: the file and this
	# helper still agree.
	n=$(diff "$site" "$d/site.conf" | grep -c '^>')
	[ "$n" = 5 ] || { echo "# $site: $n of its 5 lines for the test changed"; return 1; }
	{
		[ "$(id -u)" = 0 ] && echo "user $(id -un) $(id -gn);"
		echo "worker_processes 1;"
		echo "daemon off;"
		echo "pid $d/nginx.pid;"
		echo "error_log $d/error.log info;"
		echo "events { worker_connections 64; }"
		echo "http {"
		echo "    access_log $d/access.log;"
		for t in client_body proxy fastcgi uwsgi scgi; do
			echo "    ${t}_temp_path $d/$t;"
		done
		echo "    include $d/site.conf;"
		echo "}"
	} >"$d/nginx.conf"
}

# Start nginx (after daemon_start, and nginx_config or nginx_stop) and
# wait until it answers /vpoints/healthz over TLS. Not in a subshell: it
# records the pid.
nginx_start() {
	[ -x "$NGINX" ] || { echo "Bail out! nginx not found: install the Debian package nginx"; exit 1; }
	[ -f "$T_DIR/nginx/nginx.conf" ] || nginx_config || return 1
	"$NGINX" -e "$T_DIR/nginx/error.log" -p "$T_DIR/nginx" -c "$T_DIR/nginx/nginx.conf" \
		>>"$T_DIR/nginx/stderr.log" 2>&1 &
	NGINX_PID=$!
	for _ in $(seq 1 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T_DIR/tls/ca.pem" \
			"https://localhost:$NGINX_PORT/vpoints/healthz")" = 200 ] && return 0
		kill -0 "$NGINX_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# nginx did not start:"
	tail -n 20 "$T_DIR/nginx/error.log" "$T_DIR/nginx/stderr.log" 2>/dev/null | sed 's/^/# /'
	return 1
}

# Stop nginx (SIGQUIT: it finishes what is in flight) and wait for it.
nginx_stop() {
	[ -n "$NGINX_PID" ] || return 0
	kill -QUIT "$NGINX_PID" 2>/dev/null
	wait "$NGINX_PID" 2>/dev/null
	NGINX_PID=
}

# Sanitizer reports: one failed result naming every report of a program
# the test started (files from log_path above, and the daemons' logs).
harness_sanitizers() {
	local f found=()
	for f in "$T_DIR"/sanitizer.* "$DAEMON_LOG" "$T_DIR"/another.*.log; do
		[ -s "$f" ] || continue
		case "$f" in
		"$T_DIR"/sanitizer.*) found+=("$f") ;;
		*) grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$f" && found+=("$f") ;;
		esac
	done
	[ ${#found[@]} -eq 0 ] && return 0
	t_result fail "sanitizer reports: ${#found[@]} file(s), none expected"
	for f in "${found[@]:0:5}"; do
		echo "# ${f#"$T_DIR"/}:"
		case "$f" in
		"$T_DIR"/sanitizer.*) cat "$f" ;;
		*) grep -E -A 40 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$f" ;;
		esac | head -n 60 | sed 's/^/#   /'
	done
}

# On exit: stop everything, print the plan, keep the folder on failure.
harness_end() {
	local pid pids=("${EXTRA_PIDS[@]}")
	[ -n "$DAEMON_PID" ] && pids+=("$DAEMON_PID")
	[ -n "$NGINX_PID" ] && pids+=("$NGINX_PID")
	if [ ${#pids[@]} -gt 0 ]; then
		kill -TERM "${pids[@]}" 2>/dev/null
		# Up to 10 s to exit on their own, so that their reports at
		# exit (LeakSanitizer's) are written.
		for _ in $(seq 1 100); do
			kill -0 "${pids[@]}" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "${pids[@]}" 2>/dev/null
		for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
	fi
	harness_sanitizers
	[ -d "$T_STANDBY/data" ] && pgc_stop "$T_STANDBY" immediate
	[ -f "$T_STANDBY/sockdir" ] && rm -rf "$(cat "$T_STANDBY/sockdir")"
	[ -d "$T_PG/data" ] && pgc_stop "$T_PG" immediate
	[ -f "$T_PG/sockdir" ] && rm -rf "$(cat "$T_PG/sockdir")"
	echo "1..$T_COUNT"
	if [ "$T_FAILED" -gt 0 ] || [ -n "${KEEP_TMP:-}" ]; then
		echo "# kept $T_DIR"
		[ -f "$DAEMON_LOG" ] && tail -n 30 "$DAEMON_LOG" | sed 's/^/# /'
	else
		rm -rf "$T_DIR"
	fi
}
trap harness_end EXIT
