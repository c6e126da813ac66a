#!/usr/bin/env bash
# vpointsd's life: start, migrations, status, reload, stop.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start

is "healthz answers 200" "$(http_status GET /healthz)" 200
schema=$(schema_version)
version=$("$VPOINTSD" --version | sed 's/^vpointsd //')
is "healthz says ok, and the build's version as --version says it" "$(http_body)" \
	"{\"status\":\"ok\",\"db\":\"ok\",\"schema\":$schema,\"version\":\"$version\"}"
is "healthz is JSON" "$(http_header Content-Type)" "application/json"

out=$(vp status); rc=$?
is "vpoints status exits 0 when healthy" "$rc" 0
like "vpoints status says ok" "$out" "ok (database ok, schema $schema, version $version)"
is "vpoints --json status prints the daemon's JSON" "$(vp --json status)" \
	"{\"status\":\"ok\",\"db\":\"ok\",\"schema\":$schema,\"version\":\"$version\"}"
like "vpointsd --version" "$("$VPOINTSD" --version)" "vpointsd 0.1.0"
is "vpoints --version says the same build" "$("$VPOINTS" --version)" "vpoints $version"
like "vpoints --help documents the exit codes" "$("$VPOINTS" --help)" "77  signature rejected"
like "vpoints status --help" "$("$VPOINTS" status --help)" "usage: vpoints status"
"$VPOINTS" frobnicate >/dev/null 2>&1
is "an unknown command exits 64" "$?" 64
"$VPOINTSD" --no-such-option >/dev/null 2>&1
is "vpointsd with a bad option exits 64" "$?" 64
"$VPOINTS" --server "http://127.0.0.1:$(harness_free_port)" status >/dev/null 2>&1
is "vpoints status exits 69 when nothing listens" "$?" 69

count() { pgc_psql "$T_PG" -At -c "SELECT count(*) || ':' || max(version) FROM schema_migrations"; }
before=$(count)
is "the migrations are recorded" "$before" "$(ls "$top_srcdir"/sql/migrations/*.sql | wc -l):$schema"
ok "the daemon stops with SIGTERM, exit 0" daemon_stop
daemon_start
is "migrations applied twice are a no-op" "$(count)" "$before"
like "the second start applied nothing" "$(cat "$DAEMON_LOG")" "(0 applied now)"

# A released migration whose file changed is refused.
cp -R "$top_srcdir/sql" "$T_DIR/sql"
# The copies keep the source's mode: read-only in make distcheck's tree.
chmod -R u+w "$T_DIR/sql"
echo "-- edited" >>"$T_DIR/sql/migrations/008_baseline.sql"
"$VPOINTSD" --listen "127.0.0.1:$(harness_free_port)" --db "$(pgc_conninfo "$T_PG")" \
	-c <(echo "sql_dir = $T_DIR/sql") >"$T_DIR/edited.log" 2>&1
is "a changed migration stops the daemon with 78" "$?" 78
like "and says which file changed" "$(cat "$T_DIR/edited.log")" "migration 008_baseline.sql was changed"
rm "$T_DIR/sql/migrations/008_baseline.sql"
"$VPOINTSD" --listen "127.0.0.1:$(harness_free_port)" --db "$(pgc_conninfo "$T_PG")" \
	-c <(echo "sql_dir = $T_DIR/sql") >"$T_DIR/missing.log" 2>&1
is "a database newer than the files stops the daemon with 78" "$?" 78
echo "bogus = 1" >"$T_DIR/bad.conf"
"$VPOINTSD" -c "$T_DIR/bad.conf" >"$T_DIR/bad.log" 2>&1
is "an unknown config key stops the daemon with 78" "$?" 78
like "and names the key and line" "$(cat "$T_DIR/bad.log")" 'line 1: unknown key "bogus"'

# SIGHUP: a good file takes effect, a broken one keeps the old config.
big=$(head -c 2000 /dev/zero | tr '\0' x)
is "a 2000-byte body is accepted" "$(http_status POST /v1/nothing --data "$big")" 404
daemon_config "max_body_size = 1024"
kill -HUP "$DAEMON_PID"
sleep 0.5
is "after reload, max_body_size = 1024 refuses it" "$(http_status POST /v1/nothing --data "$big")" 413
echo "max_body_size = lots" >>"$DAEMON_CONF"
kill -HUP "$DAEMON_PID"
sleep 0.5
is "a broken config on SIGHUP: still serving" "$(http_status GET /healthz)" 200
like "and the error is logged" "$(cat "$DAEMON_LOG")" "keeping the running configuration"
is "the old config is kept" "$(http_status POST /v1/nothing --data "$big")" 413
daemon_config "listen = 127.0.0.1:1"
kill -HUP "$DAEMON_PID"
sleep 0.5
like "a key that needs a restart is kept, with a warning" "$(cat "$DAEMON_LOG")" "listen changes only at restart"
is "still serving on the old port" "$(http_status GET /healthz)" 200

ok "SIGTERM exits 0" daemon_stop
like "the log shows an orderly stop" "$(tail -n 3 "$DAEMON_LOG")" "stopped"
