# Throwaway PostgreSQL clusters, for ./quickstart and the test harness.
# Sourced, not run. A cluster lives in one folder: data/ (initdb), run/
# (its unix socket; no TCP), postgres.log. Started as root, PostgreSQL runs
# as an unprivileged system user (postgres, else nobody), since it refuses
# to run as root.

# The newest installed PostgreSQL server's bin folder.
pgc_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
		echo "no PostgreSQL server found: apt-get install postgresql" >&2
		return 1
	fi
	echo "$d"
}

# The system user PostgreSQL runs as when we are root.
pgc_osuser() {
	if id -u postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

# Run a PostgreSQL program as the unprivileged user when we are root.
pgc_run() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$(pgc_osuser)" -- "$@"
	else
		"$@"
	fi
}

# The socket folder of cluster $1 (short enough for a unix socket path).
pgc_sockdir() {
	if [ -f "$1/sockdir" ]; then cat "$1/sockdir"; else echo "$1/run"; fi
}

# libpq connection string for cluster $1.
pgc_conninfo() {
	local port
	port=$(pgc_port "$1")
	echo "host=$(pgc_sockdir "$1")${port:+ port=$port} dbname=vpoints user=vpoints"
}

# The port of cluster $1 if its postgresql.conf sets one (a standby's),
# else nothing: PostgreSQL's own.
pgc_port() {
	sed -n "s/^port = \([0-9]*\).*/\1/p" "$1/data/postgresql.conf" 2>/dev/null | tail -n 1
}

# Make the folder of cluster $1 and its socket folder; prints the latter.
pgc_folders() {
	local dir=$1 sock
	mkdir -p "$dir"
	sock="$dir/run"
	# A unix socket path holds at most 107 bytes.
	if [ ${#sock} -gt 80 ]; then
		sock=$(mktemp -d /tmp/vpoints-pg.XXXXXX)
		echo "$sock" > "$dir/sockdir"
	fi
	mkdir -p "$sock"
	if [ "$(id -u)" = 0 ]; then
		chown "$(pgc_osuser)" "$dir" "$sock"
		if ! pgc_run test -w "$dir"; then
			echo "$(pgc_osuser) cannot write $dir: make its parent folders searchable (chmod o+x)" >&2
			return 1
		fi
	fi
	echo "$sock"
}

# Create cluster $1 with a superuser and a database, both named vpoints.
# Extra postgresql.conf lines may follow as arguments.
pgc_init() {
	local dir=$1 bindir sock line
	shift
	bindir=$(pgc_bindir) || return 1
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	sock=$(pgc_folders "$dir") || return 1
	pgc_run "$bindir/initdb" -D "$dir/data" -U vpoints --auth=trust \
		-E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		return 1
	}
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$sock'"
		for line in "$@"; do echo "$line"; done
	} | pgc_run tee -a "$dir/data/postgresql.conf" >/dev/null
	pgc_start "$dir" || return 1
	pgc_run "$bindir/createdb" -h "$sock" -U vpoints vpoints
}

# Make cluster $1 a hot standby of the running cluster $2, streaming its
# WAL, and start it. It is a copy of $2 (pg_basebackup -R): the same
# database and superuser, its own socket folder and port. The primary
# needs nothing set: wal_level replica and max_wal_senders are
# PostgreSQL's defaults, and initdb --auth=trust lets the local
# replication connection in. Extra postgresql.conf lines may follow.
pgc_standby() {
	local dir=$1 primary=$2 bindir sock line
	shift 2
	bindir=$(pgc_bindir) || return 1
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	sock=$(pgc_folders "$dir") || return 1
	pgc_run "$bindir/pg_basebackup" -h "$(pgc_sockdir "$primary")" \
		-U vpoints -D "$dir/data" -R -X stream -c fast \
		>"$dir/basebackup.log" 2>&1 || {
		cat "$dir/basebackup.log" >&2
		return 1
	}
	{
		echo "unix_socket_directories = '$sock'"
		echo "port = 5433"
		echo "hot_standby = on"
		for line in "$@"; do echo "$line"; done
	} | pgc_run tee -a "$dir/data/postgresql.conf" >/dev/null
	pgc_start "$dir"
}

# True if cluster $1 is running.
pgc_running() {
	local bindir
	bindir=$(pgc_bindir) || return 1
	pgc_run "$bindir/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

# Start cluster $1 and wait until it accepts connections.
pgc_start() {
	local bindir
	bindir=$(pgc_bindir) || return 1
	pgc_running "$1" && return 0
	pgc_run "$bindir/pg_ctl" -D "$1/data" -l "$1/postgres.log" -w -t 60 \
		start >/dev/null || {
		tail -n 20 "$1/postgres.log" >&2
		return 1
	}
}

# Stop cluster $1; $2 is the shutdown mode (fast, or immediate).
pgc_stop() {
	local bindir
	bindir=$(pgc_bindir) || return 1
	pgc_running "$1" || return 0
	pgc_run "$bindir/pg_ctl" -D "$1/data" -m "${2:-fast}" -w -t 60 \
		stop >/dev/null
}

# Run psql on cluster $1 with the remaining arguments.
pgc_psql() {
	local dir=$1
	shift
	local port
	port=$(pgc_port "$dir")
	psql -h "$(pgc_sockdir "$dir")" ${port:+-p "$port"} -U vpoints -d vpoints -X -q -v ON_ERROR_STOP=1 "$@"
}
