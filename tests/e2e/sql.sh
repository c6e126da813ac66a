#!/usr/bin/env bash
# The SQL functions and constraints, tested from inside the database:
# tests/sql/*.sql are pgTAP files, run with pg_prove against a throwaway
# cluster migrated by vpointsd. Each pgTAP result becomes one result here
# (named after its file), plus one per file for pg_prove's exit status.

# Without pg_prove or pgTAP, stop before the harness starts anything:
# ./quickstart installs both, and a silent skip would hide the tests.
. "${top_srcdir:?run through make check}/tests/pgcluster.sh"
skip_all() {
	echo "Bail out! $1"
	exit 1
}
command -v pg_prove >/dev/null 2>&1 || skip_all "pg_prove not installed"
pgbin=$(pgc_bindir 2>/dev/null) || skip_all "no PostgreSQL server installed"
sharedir=$("$pgbin/pg_config" --sharedir 2>/dev/null)
[ -z "$sharedir" ] || [ -f "$sharedir/extension/pgtap.control" ] ||
	skip_all "pgTAP not installed (postgresql-NN-pgtap)"

. "$top_srcdir/tests/lib.sh"

harness_db

# The migrations, applied the way an operator starts: vpointsd --init-admin
# applies them, enrols the key and exits. vpoints keygen when the client is
# built, else openssl (vpointsd takes a PEM public key too).
if [ -x "$VPOINTS" ] && "$VPOINTS" keygen --out "$T_DIR/admin.key" >/dev/null 2>&1; then
	admin_pub="$T_DIR/admin.key.pub"
else
	admin_pub="$T_DIR/admin.pem.pub"
	openssl genpkey -algorithm ed25519 -out "$T_DIR/admin.pem" 2>/dev/null &&
		openssl pkey -in "$T_DIR/admin.pem" -pubout -out "$admin_pub" 2>/dev/null
fi
ok "vpointsd --init-admin applies the migrations" \
	"$VPOINTSD" --db "$(pgc_conninfo "$T_PG")" -c <(echo "sql_dir = $top_srcdir/sql") \
	--init-admin "$admin_pub"
[ "$T_FAILED" = 0 ] || { echo "Bail out! the migrations failed"; exit 1; }
ok "CREATE EXTENSION pgtap" pgc_psql "$T_PG" -c 'CREATE EXTENSION pgtap'
[ "$T_FAILED" = 0 ] || { echo "Bail out! no pgTAP in the test cluster"; exit 1; }

# The operations of the routes (common/routes.h: the fourth field of each
# R(...) row of WIRE_ROUTES, where it is not NULL), comma-separated, for
# tests/sql/routes.sql as the psql variable :routes.
routes=$(sed -n '/^#define WIRE_ROUTES(R)/,/[^\\]$/p' "$top_srcdir/common/routes.h" |
	tr -d '\\\n\t' | grep -o 'R([^)]*)' | cut -d, -f4 | tr -d ' "' |
	grep -v '^NULL$' | paste -sd, -)
[ -n "$routes" ] || { echo "Bail out! no operations read from common/routes.h"; exit 1; }

# One pgTAP file: its "ok N - ..." and "not ok N - ..." lines become ours;
# its diagnostics pass through as comments.
run_sql_test() {
	local file=$1 name out rc line status rest
	name=$(basename "$file")
	out="$T_DIR/$name.out"
	pg_prove --verbose -h "$(pgc_sockdir "$T_PG")" -U vpoints -d vpoints \
		--set routes="$routes" "$file" >"$out" 2>&1
	rc=$?
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+(\ -)?\ ?(.*)$ ]]; then
			status=${BASH_REMATCH[1]:+fail}
			rest=${BASH_REMATCH[3]}
			if [ -n "$status" ] && [[ $rest =~ \#\ *[Tt][Oo][Dd][Oo] ]]; then
				# A known bug (pgTAP todo): "not ok ... # TODO" is
				# an expected failure, counted so by TAP, not by us.
				t_result fail "$name: $rest"
				T_FAILED=$((T_FAILED - 1))
			else
				t_result "${status:-ok}" "$name: $rest"
			fi
		elif [[ $line == "#"* ]]; then
			echo "$line"
		elif [ "$rc" != 0 ] && [ -n "$line" ]; then
			echo "# $line"
		fi
	done <"$out"
	is "$name: pg_prove exits 0" "$rc" 0
}

for f in "$top_srcdir"/tests/sql/*.sql; do
	run_sql_test "$f"
done

# The personal fields the client leaves out of a refused outbox entry
# (WIRE_PERSONAL_FIELDS, common/wire.h) are the ledger's.
personal=$(sed -n '/^#define WIRE_PERSONAL_FIELDS/,/[^\\]$/p' "$top_srcdir/common/wire.h" |
	grep -o '"[a-z_]*"' | tr -d '"' | paste -sd, -)
is "vp_personal_fields() is WIRE_PERSONAL_FIELDS of common/wire.h" \
	"$(pgc_psql "$T_PG" -At -c "SELECT array_to_string(vp_personal_fields(), ',')")" "$personal"
