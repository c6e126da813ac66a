#!/usr/bin/env bash
# The deployment guide (doc/operations.md, "Install"), followed as a new
# operator would on a server, as far as a test may: make install into a
# staging folder (DESTDIR: the paths are this build's, under it), a
# system user of its own made with useradd, the installed sample config
# edited as the guide says, the state folder given to that user, the
# installed vpointsd run as that user with runuser (no sudo), an admin
# enrolled with --init-admin, and station commands of the installed
# vpoints. Also what the guide promises along the way: the sample's
# commented defaults name the configured paths, a daemon whose state
# folder is not its user's stops with 78 and says why, libpq's
# multi-line errors reach the log as one line, and the installed
# programs, /healthz and the build say one version; then a station
# through nginx with TLS, as the guide's TLS section says. Needs root (useradd,
# runuser); skipped otherwise. The database is the test's own cluster,
# not the system's PostgreSQL.
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP the install test needs root (useradd, runuser)"
	exit 0
fi
. "$top_srcdir/tests/lib.sh"

harness_db

# The system user, as the guide makes it (a name of this test's own).
user="vpt$$"
useradd --system --user-group --home-dir /nonexistent --no-create-home \
	--shell /usr/sbin/nologin "$user"
is "useradd made the daemon's system user" "$?" 0
trap 'userdel "$user" 2>/dev/null; harness_end' EXIT
chmod 755 "$T_DIR"

# make install, staged.
dest="$T_DIR/dest"
make -s -C "$top_builddir" install DESTDIR="$dest" DAEMON_USER="$user" \
	>"$T_DIR/install.log" 2>&1
is "make install DESTDIR=... succeeds" "$?" 0
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
vpointsd=$(find "$dest" -path '*/sbin/vpointsd' -type f)
vpoints=$(find "$dest" -path '*/bin/vpoints' -type f)
sample=$(find "$dest" -name vpointsd.conf.sample -type f)
ok "vpointsd, vpoints and the sample are installed under $prefix" \
	test -x "$vpointsd" -a -x "$vpoints" -a -f "$sample"

# The sample's commented defaults are this build's paths.
sql_dir=$(sed -n 's/^#sql_dir = //p' "$sample")
signing_key=$(sed -n 's/^#signing_key = //p' "$sample")
statedir=${signing_key%/signing.key}
is "the state folder is made, mode 0700" "$(stat -c %a "$dest$statedir")" 700
ok "the sample's default sql_dir is where make install put the SQL" \
	test -f "$dest$sql_dir/migrations/008_baseline.sql"
is "the sample's default signing_key is in the state folder" \
	"$signing_key" "$statedir/signing.key"
is "no sample default names a folder of another prefix" \
	"$(grep -c '/usr/local/' "$sample")" "$(case $prefix in /usr/local) grep -c '/usr/local/' "$sample";; *) echo 0;; esac)"

# The guide: install the sample as the config, readable by the daemon's
# group, and edit it. Here: the test's database, a port of its own, and
# (staged, so under DESTDIR) the SQL and the signing key.
DAEMON_PORT=$(harness_free_port)
DAEMON_URL="http://127.0.0.1:$DAEMON_PORT"
conf="$T_DIR/vpointsd.conf"
install -m 0640 -o root -g "$user" "$sample" "$conf"
sed -i -e "s|^listen = .*|listen = 127.0.0.1:$DAEMON_PORT|" \
	-e "s|^db = .*|db = $(pgc_conninfo "$T_PG")|" \
	-e "s|^#sql_dir = .*|sql_dir = $dest$sql_dir|" \
	-e "s|^#signing_key = .*|signing_key = $dest$signing_key|" "$conf"
is "the edited config is the sample but for those lines" \
	"$(diff "$sample" "$conf" | grep -c '^>')" 4
is "... and the upgrade check the guide gives hides id_hash_key" \
	"$(sed -i 's/^id_hash_key =.*/id_hash_key = 5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7/' "$conf";
	   diff "$sample" "$conf" | sed 's/^\([<>] *id_hash_key *=\).*/\1 (secret, not shown)/' | grep -c 5ec7e)" 0

# Behind the TLS proxy, as the guide's TLS section says: the names the
# daemon answers for and the path prefix nginx passes on.
NGINX_PORT=$(harness_free_port)
printf '%s\n' "server_names = localhost:$NGINX_PORT, 127.0.0.1:$DAEMON_PORT" \
	"path_prefix = /vpoints" >>"$conf"

# Before the state folder is the user's: 78, saying why.
out=$(runuser -u "$user" -- "$vpointsd" -c "$conf" --print-public-key 2>&1); rc=$?
is "a state folder that is not the daemon user's stops vpointsd: 78" "$rc" 78
like "... saying whose it must be" "$out" "Permission denied (its folder must belong to the user vpointsd runs as"
# What make install does as root without DESTDIR, and says to do when
# the user is made after it.
is "make install DESTDIR=... leaves the owner to the package" \
	"$(stat -c %U "$dest$statedir")" root
chown "$user:" "$dest$statedir"
out=$(runuser -u "$user" -- "$vpointsd" -c "$conf" --print-public-key 2>>"$DAEMON_LOG"); rc=$?
is "once it is: vpointsd --print-public-key as the user" "$rc" 0
like "... makes the key and prints it" "$out" '"jwk":{"kty":"OKP"'
is "... in the state folder, the user's, 0600" \
	"$(stat -c '%U %a' "$dest$signing_key")" "$user 600"

# libpq's multi-line errors: one event, one line.
out=$(runuser -u "$user" -- "$vpointsd" -c "$conf" --db "host=$T_DIR/nowhere dbname=vpoints" 2>&1); rc=$?
is "without its database vpointsd stops: 69" "$rc" 69
is "... its log is one line an event" "$(grep -vc '^[0-9-]*T[0-9:.]*Z vpointsd\[[0-9]*\] ' <<<"$out")" 0
like "... libpq's second line escaped into the first" "$out" 'No such file or directory\n\tIs the server running'

# The guide: enrol the first admin, start the daemon as its user.
"$vpoints" keygen --out "$T_DIR/admin.key" >/dev/null
install -m 0644 "$T_DIR/admin.key.pub" "$dest$statedir/admin.key.pub"
runuser -u "$user" -- "$vpointsd" -c "$conf" --init-admin "$dest$statedir/admin.key.pub" \
	>"$T_DIR/init-admin.out" 2>>"$DAEMON_LOG"
is "vpointsd --init-admin as the daemon's user" "$?" 0
is "... prints the admin's key id" "$(cat "$T_DIR/init-admin.out")" \
	"$(sed -n 's/^keyid //p' "$T_DIR/admin.key.pub")"
runuser -u "$user" -- "$vpointsd" -c "$conf" 2>>"$DAEMON_LOG" &
DAEMON_PID=$!
wait_health 10
is "the installed vpointsd serves as the user" "$?" 0
is "... as that user" "$(ps -o uid= --ppid "$DAEMON_PID" | tr -d ' ')" "$(id -u "$user")"
version=$("$vpointsd" --version)
is "the installed vpointsd is this build" "$version" "$("$VPOINTSD" --version)"
is "... and so is the installed vpoints" "$("$vpoints" --version)" "vpoints ${version#vpointsd }"
like "... and /healthz says the same" "$(curl -s "$DAEMON_URL/healthz")" "\"version\":\"${version#vpointsd }\""

# The admin at work: the installed client, plain HTTP on loopback.
export VPOINTS_KEY="$T_DIR/admin.key"
ivp() { "$vpoints" --server "$DAEMON_URL" "$@"; }
ivp community add C01 --name East --population 5000 >/dev/null
is "vpoints community add" "$?" 0
"$vpoints" keygen --out "$T_DIR/s01.key" >/dev/null
is "vpoints station add" "$(ivp station add S01 --name 'East station' --community C01 \
	--pubkey "$T_DIR/s01.key.pub")" "$(sed -n 's/^keyid //p' "$T_DIR/s01.key.pub")"
like "vpoints station list" "$(ivp station list)" "S01              station C01              active"
VPOINTS_KEY="$T_DIR/s01.key" ivp activity list >/dev/null
is "the station's key signs" "$?" 0

# A station over the internet: through nginx (etc/nginx-vpoints.conf, as
# installed) with TLS, the certificate checked against the test's CA.
tls_certs && nginx_start
is "nginx in front of the installed vpointsd" "$?" 0
VPOINTS_KEY="$T_DIR/s01.key" "$vpoints" --server "https://localhost:$NGINX_PORT/vpoints/" \
	--cacert "$T_DIR/tls/ca.pem" volunteer add V-001 --name "张三" >/dev/null
is "the station registers a volunteer through the TLS proxy" "$?" 0
like "... and the admin sees it through the proxy too" \
	"$("$vpoints" --server "https://localhost:$NGINX_PORT/vpoints/" \
		--cacert "$T_DIR/tls/ca.pem" volunteer list --csv)" "V-001"
nginx_stop

# runuser passes SIGTERM on to the daemon (and itself says 143).
daemon_stop
like "SIGTERM stops it in order" "$(tail -n 3 "$DAEMON_LOG")" "info: stopped"
exit 0
