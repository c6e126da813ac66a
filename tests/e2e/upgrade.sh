#!/usr/bin/env bash
# A database made by the release before the SQL baseline (migrations
# 001_base.sql to 008_reports.sql; tests/fixtures/legacy-008.sql, made by
# tests/fixtures/legacy-008.sh) upgrades to sql/migrations and
# sql/functions with nothing lost: its schema is that of a fresh database,
# its data are what they were, and the old functions and the new ones give
# the same answers to the same requests (but the members an issued
# certificate, a ledger's transfers, communities, stations and the
# refusals have gained since, and the parts of issuance accounts and the
# count of problems of the audit).
# Then the function files: run again when they change, all in one
# transaction, and refused when broken.
. "$top_srcdir/tests/lib.sh"

fixture=$top_srcdir/tests/fixtures/legacy-008.sql
harness_db
sock=$(pgc_sockdir "$T_PG")
conn() { echo "host=$sock dbname=$1 user=vpoints"; }
psql_db() { local db=$1; shift; psql -h "$sock" -U vpoints -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"; }
# Run vpointsd on database $1 with sql_dir $2 until its migrations are
# done (--init-admin enrols a key too: data, not schema), output to $3.
migrate() {
	"$VPOINTSD" --db "$(conn "$1")" -c <(echo "sql_dir = $2") \
		--init-admin "$admin_pub" >"$3" 2>&1
}
if [ -x "$VPOINTS" ] && "$VPOINTS" keygen --out "$T_DIR/admin.key" >/dev/null 2>&1; then
	admin_pub="$T_DIR/admin.key.pub"
else
	admin_pub="$T_DIR/admin.pem.pub"
	openssl genpkey -algorithm ed25519 -out "$T_DIR/admin.pem" 2>/dev/null &&
		openssl pkey -in "$T_DIR/admin.pem" -pubout -out "$admin_pub" 2>/dev/null
fi

# The same database twice: "vpoints" is upgraded, "legacy" keeps the
# functions of that release and answers for them.
for db in legacy fresh partial; do
	psql_db vpoints -c "CREATE DATABASE $db"
done
ok "the fixture restores (the database to upgrade)" psql_db vpoints -f "$fixture"
ok "... and again, kept as it is" psql_db legacy -f "$fixture"
[ "$T_FAILED" = 0 ] || { echo "Bail out! the fixture does not restore"; exit 1; }
is "the fixture has the released migrations 001 to 008" \
	"$(psql_db legacy -At -c "SELECT string_agg(name, ' ' ORDER BY version) FROM schema_migrations")" \
	"001_base.sql 002_stations.sql 003_ledger.sql 004_spend.sql 005_reports.sql 006_metrics.sql 007_speed.sql 008_reports.sql"

# Upgrade: the daemon recognises the release and goes on from the baseline.
daemon_start
like "the released migrations are recorded as the baseline" "$(cat "$DAEMON_LOG")" \
	"001_base.sql to 008_reports.sql recorded as 008_baseline.sql"
is "schema_migrations: the baseline and what follows it" \
	"$(psql_db vpoints -At -c "SELECT string_agg(version || ' ' || name, ', ' ORDER BY version) FROM schema_migrations")" \
	"$(cd "$top_srcdir/sql/migrations" && for f in [0-9]*.sql; do printf '%s %s, ' "$((10#${f%%_*}))" "$f"; done | sed 's/, $//')"
is "every function file is applied" \
	"$(psql_db vpoints -At -c "SELECT count(*) FROM schema_functions")" \
	"$(ls "$top_srcdir"/sql/functions/*.sql | wc -l)"
ok "the daemon stops" daemon_stop

# Nothing lost: every row of every table but the migrations' own, and
# those the later migrations derive from the rows compared (the star
# levels as set, the deactivated items). The upgraded database is read
# through the legacy one's tables and columns: a later migration may add
# a table or a column (empty or NULL where the old rows are concerned),
# never take one away.
data() {
	pg_dump -h "$sock" -U vpoints --data-only --no-owner --no-privileges \
		--exclude-table-data=schema_migrations --exclude-table-data=schema_functions \
		--exclude-table=star_level_sets --exclude-table=catalog_deactivations \
		"$1" 2>"$T_DIR/pg_dump.err" |
		sed -e '/^\\restrict /d' -e '/^\\unrestrict /d'
}
# The COPY blocks of dump $1 on the tables and columns of dump $2.
data_as() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import re, sys
COPY = re.compile(r"^COPY (\S+) \((.*)\) FROM stdin;$")
def blocks(path):
    out, table = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = COPY.match(line)
        if m:
            table = m.group(1)
            out[table] = (m.group(2).split(", "), [])
        elif table is not None and line == "\\.":
            table = None
        elif table is not None:
            out[table][1].append(line.split("\t"))
    return out
data, shape = blocks(sys.argv[1]), blocks(sys.argv[2])
for table, (cols, _) in shape.items():
    have, rows = data.get(table, ([], []))
    print("COPY %s (%s)" % (table, ", ".join(cols)))
    # In order of the rows' text: a migration that updates rows (015
    # dates the transfers of shifts) moves them in the table's pages.
    for line in sorted("\t".join(row[have.index(c)] if c in have
                                  else "<missing>" for c in cols)
                       for row in rows):
        print(line)
PY
}
data legacy >"$T_DIR/legacy.dump"
data vpoints >"$T_DIR/upgraded.dump"
data_as "$T_DIR/legacy.dump" "$T_DIR/legacy.dump" >"$T_DIR/legacy.data"
data_as "$T_DIR/upgraded.dump" "$T_DIR/legacy.dump" >"$T_DIR/upgraded.data"
if cmp -s "$T_DIR/legacy.data" "$T_DIR/upgraded.data"; then
	t_result ok "the data are what they were ($(grep -c . "$T_DIR/legacy.data") lines of pg_dump --data-only)"
else
	t_result fail "the data are what they were"
	diff "$T_DIR/legacy.data" "$T_DIR/upgraded.data" | head -n 40 | sed 's/^/#   /'
fi

# The schema is that of a fresh database: pg_dump --schema-only of both,
# each object a block, the blocks sorted.
ok "a fresh database migrates" migrate fresh "$top_srcdir/sql" "$T_DIR/fresh.log"
schema() {
	pg_dump -h "$sock" -U vpoints --schema-only --no-owner --no-privileges "$1" |
		/usr/bin/python3 -c '
import re, sys
text = "".join(l for l in sys.stdin if not re.match(r"\\(un)?restrict ", l))
print("\n".join(sorted(b.strip() for b in text.split("\n--\n-- Name: ") if b.strip())))'
}
schema vpoints >"$T_DIR/upgraded.schema"
schema fresh >"$T_DIR/fresh.schema"
if cmp -s "$T_DIR/fresh.schema" "$T_DIR/upgraded.schema"; then
	t_result ok "the schema is that of a fresh database ($(grep -c '^CREATE' "$T_DIR/fresh.schema") CREATE statements)"
else
	t_result fail "the schema is that of a fresh database"
	diff -u "$T_DIR/fresh.schema" "$T_DIR/upgraded.schema" | head -n 60 | sed 's/^/#   /'
fi

# The same requests to the old functions (legacy) and the new (vpoints),
# through vp_call as the daemon calls it, in a transaction rolled back:
# every read of the ledger, balances, the audit, every report; and writes,
# accepted and refused. Times of the writes (from now()) read NOW.
cat >"$T_DIR/answers.sql" <<'EOF'
BEGIN;
SET LOCAL client_min_messages = warning;
-- The requests date records up to two months back, as the old functions
-- let a station key (back_entry_days, sql/functions/months.sql).
SET LOCAL vpoints.back_entry_days = 36500;
CREATE FUNCTION pg_temp.key(p_station text) RETURNS text LANGUAGE sql AS $$
	SELECT k.keyid FROM station_keys k JOIN stations s ON s.id = k.station_id
	WHERE s.code = p_station OR (p_station = 'admin' AND s.role = 'admin')
	ORDER BY k.created_at LIMIT 1
$$;
-- A body with every time of the last day as NOW, and the detail of a
-- month-closed refusal (011 reworded it: more than shifts) left out.
CREATE FUNCTION pg_temp.mask(p_body text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	t text;
BEGIN
	p_body := regexp_replace(p_body, '("title": "month-closed", "detail": ")[^"]*"',
	    '\1..."');
	FOR t IN SELECT DISTINCT m[1] FROM regexp_matches(p_body,
	    '([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([+-][0-9]{2}(:[0-9]{2})?|Z)?)',
	    'g') m LOOP
		IF t::timestamptz >= now() - interval '1 day' THEN
			p_body := replace(p_body, t, 'NOW');
		END IF;
	END LOOP;
	RETURN p_body;
END
$$;
CREATE TEMP TABLE requests (n serial, who text, op text, args jsonb,
    write boolean DEFAULT false);
INSERT INTO requests (who, op, args)
SELECT 'admin', op, '{}' FROM unnest(ARRAY['community_list', 'station_list',
    'activity_list', 'team_list', 'volunteer_list', 'help_list', 'audit',
    'star_levels', 'month_list']) op;
INSERT INTO requests (who, op, args)
SELECT 'admin', op, jsonb_build_object('number', v.number, 'history', '1',
    'volunteer', v.number, 'limit', '100')
FROM volunteers v, unnest(ARRAY['volunteer_get', 'volunteer_ledger',
    'shift_list']) op ORDER BY v.number, op;
INSERT INTO requests (who, op, args)
SELECT 'admin', 'certificate_get', jsonb_build_object('number', number)
FROM certificates ORDER BY number;
INSERT INTO requests (who, op, args)
SELECT 'admin', 'catalog_list', jsonb_build_object('station', code, 'all', '1')
FROM stations WHERE role = 'station' ORDER BY code;
INSERT INTO requests (who, op, args)
SELECT 'admin', 'report_' || kind, jsonb_build_object(
    CASE kind WHEN 'monthly' THEN 'month' ELSE 'year' END, period,
    'level', level) || coalesce(jsonb_build_object('community', community), '{}')
FROM (VALUES ('monthly', '2026-09'), ('monthly', '2026-10'),
    ('monthly', '2026-11'), ('monthly', '2026-12'), ('annual', '2026')) p (kind, period),
    unnest(ARRAY['volunteer', 'team', 'community', 'station']) level,
    unnest(ARRAY[NULL, 'C01', 'C02']) community
ORDER BY kind, period, level, community NULLS FIRST;
INSERT INTO requests (who, op, args)
SELECT 'S01', 'report_monthly', '{"month":"2026-11","level":"volunteer"}';
INSERT INTO requests (who, op, args, write) VALUES
    ('S01', 'shift_log', '{"volunteer":"V-001","activity":"clean","started_at":"2026-11-20T09:00:00+08:00","ended_at":"2026-11-20T10:00:00+08:00","place":"Park"}', true),
    ('S01', 'shift_log', '{"volunteer":"V-001","activity":"clean","started_at":"2026-10-20T09:00:00+08:00","ended_at":"2026-10-20T10:00:00+08:00"}', true),
    ('S01', 'shift_log', '{"volunteer":"V-002","activity":"clean","started_at":"2026-11-21T09:00:00+08:00","ended_at":"2026-11-21T10:00:00+08:00"}', true),
    ('S01', 'shift_log', '{"volunteer":"V-001","activity":"clean","started_at":"2026-11-03T08:30:00+08:00","ended_at":"2026-11-03T09:30:00+08:00"}', true),
    ('S01', 'shift_log', '{"volunteer":"V-101","activity":"clean","started_at":"2026-11-22T09:00:00+08:00","ended_at":"2026-11-22T10:00:00+08:00"}', true),
    ('S01', 'shift_log', '{"volunteer":"V-003","activity":"patrol","started_at":"2026-11-23T09:00:00+08:00","ended_at":"2026-11-23T13:00:00+08:00"}', true),
    ('S01', 'redeem', '{"volunteer":"V-001","item":"towel"}', true),
    ('S01', 'redeem', '{"volunteer":"V-004","item":"towel","quantity":100}', true),
    ('S01', 'redeem', '{"volunteer":"V-003","item":"book1"}', true),
    ('S01', 'help_request', '{"requester":"V-001","points":5,"description":"a lift"}', true),
    ('S01', 'help_request', '{"requester":"V-004","points":500,"description":"too much"}', true),
    ('S01', 'volunteer_add', '{"number":"V-200","name":"New","registered_on":"2026-11-01"}', true),
    ('S01', 'volunteer_add', '{"number":"V-001","name":"Again"}', true),
    ('S01', 'volunteer_update', '{"number":"V-003","name":"Volunteer three","reason":"spelling"}', true),
    ('S01', 'catalog_add', '{"code":"pen","name":"Pen","category":"gift","price":2,"stock":10}', true),
    ('S01', 'certificate_issue', '{"volunteer":"V-001","year":"2026"}', true),
    ('admin', 'month_close', '{"month":"2026-10"}', true),
    ('admin', 'month_close', '{"month":"2026-11"}', true),
    ('admin', 'community_add', '{"code":"C03","name":"North","population":5000}', true),
    ('S01', 'community_add', '{"code":"C04","name":"South","population":5000}', true),
    ('admin', 'audit', '{}', true);
INSERT INTO requests (who, op, args, write)
SELECT 'S01', 'shift_correct', jsonb_build_object('id', max(s.id)::text,
    'reason', 'started later', 'started_at', '2026-11-04T14:15:00+08:00'), true
FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id WHERE v.number = 'V-004'
AND s.source = 'log';
INSERT INTO requests (who, op, args, write)
SELECT 'S01', 'redemption_void', jsonb_build_object('id', min(id)::text,
    'reason', 'returned'), true FROM redemptions;
INSERT INTO requests (who, op, args, write)
SELECT 'admin', op, jsonb_build_object('number', 'V-001', 'volunteer', 'V-001'), true
FROM unnest(ARRAY['volunteer_ledger', 'volunteer_get', 'shift_list']) op;

-- An issued certificate as that release answered it: its payload has
-- since gained the kinds of service and the station's name, and the rest
-- of the record (training, awards, evaluations). A ledger: its transfers
-- have since gained the key that made each. Communities and stations:
-- their region. A refusal: its extension members (the problem's own
-- members stay). The audit: the parts of the issuance accounts (021)
-- among the accounts it counts, and its count of problems.
CREATE FUNCTION pg_temp.as_released(p_op text, p_body text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	b jsonb;
BEGIN
	IF p_body::jsonb ->> 'type' LIKE 'urn:vpoints:problem:%' THEN
		RETURN (SELECT jsonb_object_agg(key, value) FROM jsonb_each(p_body::jsonb)
		    WHERE key IN ('type', 'title', 'status', 'detail'))::text;
	END IF;
	IF p_op IN ('community_add', 'community_list', 'station_list') THEN
		b := p_body::jsonb;
		IF b ? 'communities' OR b ? 'stations' THEN
			RETURN jsonb_build_object(CASE WHEN b ? 'stations'
			    THEN 'stations' ELSE 'communities' END,
			    coalesce((SELECT jsonb_agg(x - 'region' ORDER BY n)
			    FROM jsonb_array_elements(coalesce(b -> 'stations',
				b -> 'communities')) WITH ORDINALITY y(x, n)), '[]'))::text;
		END IF;
		RETURN (b - 'region')::text;
	END IF;
	IF p_op = 'volunteer_ledger' AND p_body::jsonb ? 'transfers' THEN
		b := p_body::jsonb;
		RETURN jsonb_set(b, '{transfers}', coalesce((SELECT jsonb_agg(t - 'keyid'
		    ORDER BY n) FROM jsonb_array_elements(b -> 'transfers')
		    WITH ORDINALITY x(t, n)), '[]'))::text;
	END IF;
	IF p_op = 'audit' AND p_body::jsonb ? 'checked' THEN
		-- The release had one issuance account a community; 020 spread
		-- it over parts (a column that release lacks, hence to_jsonb).
		-- And it has counted its problems since (problem_count).
		RETURN (jsonb_set(p_body::jsonb, '{checked,accounts}', to_jsonb(
		    (p_body::jsonb #>> '{checked,accounts}')::bigint
		    - (SELECT count(*) FROM accounts a WHERE a.kind = 'issuance'
			AND coalesce((to_jsonb(a) ->> 'part')::integer, 0) > 0)))
		    - 'problem_count')::text;
	END IF;
	IF p_op <> 'certificate_issue' OR NOT p_body::jsonb ? 'payload' THEN
		RETURN p_body;
	END IF;
	b := p_body::jsonb;
	RETURN jsonb_set(jsonb_set(b, '{payload}', to_jsonb(((b ->> 'payload')::jsonb
	    - 'activities' - 'station_name' - 'training' - 'awards'
	    - 'evaluations')::text)),
	    '{certificate}', (b -> 'certificate') - 'activities' - 'station_name'
	    - 'training' - 'awards' - 'evaluations')::text;
END
$$;
CREATE FUNCTION pg_temp.answers() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	r requests;
	c record;
BEGIN
	FOR r IN SELECT * FROM requests ORDER BY n LOOP
		SELECT * INTO c FROM vp_call(pg_temp.key(r.who), 'upgrade-' || r.n,
		    r.op, CASE WHEN r.write THEN 'upgrade-' || r.n END,
		    r.op || ' ' || r.args::text, r.args, 'Asia/Shanghai');
		c.body := pg_temp.as_released(r.op, c.body);
		RETURN NEXT r.n || ' ' || r.who || ' ' || r.op || ' ' || r.args::text
		    || E'\n  ' || c.status || ' ' || CASE WHEN r.write
		    THEN pg_temp.mask(c.body) ELSE c.body END;
	END LOOP;
END
$$;
SELECT * FROM pg_temp.answers();
ROLLBACK;
EOF
# 015 counts a shift's points in the month of the shift (value_at), where
# the release counted them when they were entered. Its backfill dated the
# transfers of the shifts after the latest closed month (the fixture's
# October), and of their reversals, by the shift's start; the others keep
# the ledger's clock, so every closed month's report is still the one its
# digest signed. Then the new functions compare with the old on the
# ledger's clock: value_at cleared, and cleared on the transfers the
# requests write (a trigger of the rolled-back transaction).
is "015 dated the transfers of shifts after the closed October, and their reversals, by the shift's start" \
	"$(psql_db vpoints -At -c "SELECT count(*) FILTER (WHERE t.value_at = s.started_at) || '/' || count(*) FILTER (WHERE t.value_at IS NULL) || '/' || count(*) FROM transfers t LEFT JOIN shifts s ON s.id = t.shift_id AND t.cause IN ('shift', 'reversal')")" \
	"$(psql_db legacy -At -c "SELECT count(*) FILTER (WHERE s.started_at >= '2026-11-01 00:00+08') || '/' || count(*) FILTER (WHERE s.started_at IS NULL OR s.started_at < '2026-11-01 00:00+08') || '/' || count(*) FROM transfers t LEFT JOIN shifts s ON s.id = t.shift_id AND t.cause IN ('shift', 'reversal')")"
is "... and the closed months' reports are the ones their digests signed" \
	"$(psql_db vpoints -At -c "SET timezone = 'Asia/Shanghai'; SELECT string_agg(month || ' ' || (digest = encode(sha256(convert_to(vp_report('monthly', month, 'community', NULL)::text, 'UTF8')), 'hex'))::text, ', ' ORDER BY month) FROM month_closes")" \
	"2026-10 true"
{
	cat <<'EOF'
BEGIN;
ALTER TABLE transfers DISABLE TRIGGER USER;
UPDATE transfers SET value_at = NULL;
ALTER TABLE transfers ENABLE TRIGGER USER;
CREATE FUNCTION pg_temp.ledger_clock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.value_at := NULL;
	RETURN NEW;
END
$$;
CREATE TRIGGER zz_ledger_clock BEFORE INSERT ON transfers
	FOR EACH ROW EXECUTE FUNCTION pg_temp.ledger_clock();
EOF
	sed '1s/^BEGIN;$//' "$T_DIR/answers.sql"
} >"$T_DIR/answers-ledger-clock.sql"
ok "the old functions answer" psql_db legacy -At -f "$T_DIR/answers.sql" -o "$T_DIR/before.txt"
ok "the new functions answer" psql_db vpoints -At -f "$T_DIR/answers-ledger-clock.sql" -o "$T_DIR/after.txt"
n=$(grep -c '^[0-9]' "$T_DIR/before.txt")
if [ "$n" -ge 100 ] && cmp -s "$T_DIR/before.txt" "$T_DIR/after.txt"; then
	t_result ok "the same answers to $n requests, byte for byte (ledger, balances, audit, reports, writes)"
else
	t_result fail "the same answers to the same requests ($n)"
	diff "$T_DIR/before.txt" "$T_DIR/after.txt" | head -n 40 | cut -c 1-300 | sed 's/^/#   /'
fi
like "... among them a clean audit" "$(cat "$T_DIR/after.txt")" '"ok": true'
like "... and refusals" "$(cat "$T_DIR/after.txt")" 'urn:vpoints:problem:month-closed'
is "... with no error from vp_call" "$(grep -c '^  500 ' "$T_DIR/after.txt")" 0

# The function files: nothing to do when none changed.
daemon_start
ok "a second start" daemon_stop
is "... runs no function file again" "$(grep -c 'applied functions/' "$DAEMON_LOG")" \
	"$(ls "$top_srcdir"/sql/functions/*.sql | wc -l)"

# A changed file and a broken one: neither is applied (one transaction),
# and the daemon refuses to start.
sum() { psql_db vpoints -At -c "SELECT checksum FROM schema_functions WHERE name = '$1'"; }
cp -R "$top_srcdir/sql" "$T_DIR/sql"
chmod -R u+w "$T_DIR/sql"
before_metrics=$(sum metrics.sql)
echo "-- changed" >>"$T_DIR/sql/functions/metrics.sql"
echo "CREATE OR REPLACE FUNCTION vp_broken( RETURNS;" >>"$T_DIR/sql/functions/reports.sql"
migrate vpoints "$T_DIR/sql" "$T_DIR/broken.log"
is "a broken function file stops the daemon with 78" "$?" 78
like "... naming the file" "$(cat "$T_DIR/broken.log")" "functions/reports.sql: "
is "... and the other changed file is not recorded either" "$(sum metrics.sql)" "$before_metrics"
cp "$top_srcdir/sql/functions/reports.sql" "$T_DIR/sql/functions/reports.sql"
ok "a changed function file is applied" migrate vpoints "$T_DIR/sql" "$T_DIR/changed.log"
like "... and logged" "$(cat "$T_DIR/changed.log")" "applied functions/metrics.sql"
is "... alone" "$(grep -c 'applied functions/' "$T_DIR/changed.log")" 1
is "... with its new checksum" "$(sum metrics.sql)" \
	"$(sha256sum "$T_DIR/sql/functions/metrics.sql" | cut -c 1-64)"

# A body that does not parse stops the daemon at start, not a request
# later (the files run a second time with bodies checked).
cat >>"$T_DIR/sql/functions/metrics.sql" <<'SQL'
CREATE OR REPLACE FUNCTION vp_unparsable() RETURNS integer
LANGUAGE plpgsql AS $$ this is not plpgsql at all; $$;
SQL
migrate vpoints "$T_DIR/sql" "$T_DIR/unparsable.log"
is "a function body that does not parse stops the daemon with 78" "$?" 78
like "... naming the file" "$(cat "$T_DIR/unparsable.log")" "functions/metrics.sql: "
is "... and makes nothing" "$(psql_db vpoints -At -c "SELECT count(*) FROM pg_proc WHERE proname = 'vp_unparsable'")" 0
cp "$top_srcdir/sql/functions/metrics.sql" "$T_DIR/sql/functions/metrics.sql"

# A migration and the function files are one transaction: a new
# migration that drops what a function file makes, with a broken file,
# changes nothing; once the file is mended, every function file runs
# again and puts back what the migration dropped.
trigger() { psql_db vpoints -At -c "SELECT count(*) FROM pg_trigger WHERE tgname = 'shifts_append_only'"; }
last=$(cd "$T_DIR/sql/migrations" && ls [0-9]*.sql | tail -n 1)
next=$(printf '%03d' $((10#${last%%_*} + 1)))
echo "DROP TRIGGER shifts_append_only ON shifts;" >"$T_DIR/sql/migrations/${next}_drops_a_trigger.sql"
echo "CREATE OR REPLACE FUNCTION vp_broken( RETURNS;" >>"$T_DIR/sql/functions/reports.sql"
migrate vpoints "$T_DIR/sql" "$T_DIR/half.log"
is "a new migration with a broken function file stops the daemon with 78" "$?" 78
is "... and the migration is not recorded" \
	"$(psql_db vpoints -At -c "SELECT count(*) FROM schema_migrations WHERE version = $((10#$next))")" 0
is "... nor applied" "$(trigger)" 1
cp "$top_srcdir/sql/functions/reports.sql" "$T_DIR/sql/functions/reports.sql"
ok "with the file mended, the migration is applied" migrate vpoints "$T_DIR/sql" "$T_DIR/whole.log"
like "... and logged" "$(cat "$T_DIR/whole.log")" "applied ${next}_drops_a_trigger.sql"
is "... and every function file runs again after it" "$(grep -c 'applied functions/' "$T_DIR/whole.log")" \
	"$(ls "$top_srcdir"/sql/functions/*.sql | wc -l)"
is "... putting back the trigger it dropped" "$(trigger)" 1

# A database with only some of the released migrations is refused.
psql_db partial -f "$fixture" >/dev/null
psql_db partial -c "DELETE FROM schema_migrations WHERE version = 8"
migrate partial "$top_srcdir/sql" "$T_DIR/partial.log"
is "a part of the released migrations stops the daemon with 78" "$?" 78
like "... and says why" "$(cat "$T_DIR/partial.log")" "not exactly all of 001_base.sql to 008_reports.sql"
is "... changing nothing" "$(psql_db partial -At -c "SELECT count(*) FROM schema_migrations")" 7
