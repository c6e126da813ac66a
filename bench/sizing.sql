-- bench/sizing.sql: the figures doc/operations.md ("Sizing") scales from,
-- measured on a database bench/seed.sql filled:
--
--   psql -X -v ON_ERROR_STOP=1 -v requests=20000 -v history_end=EPOCH_SECONDS \
--       [-v day=N] [-v skip=N] -f bench/sizing.sql
--
-- 1. Runs `requests` signed writes through vp_call as the daemon calls it
--    (POST /v1/shifts of seeded volunteers, each at its community's
--    station, one transaction each), so that request_nonces and
--    idempotency hold rows of their real shape: the seed writes neither.
--    The shifts fall on day N (default 1) after history_end (seed.sql's),
--    of the volunteers after the first `skip` (default 0): run it again
--    with another day or other volunteers. The WAL it wrote, per write.
-- 2. VACUUM ANALYZE, then per table: rows, heap and TOAST bytes, index
--    bytes, and bytes per row of each.
-- 3. The monthly report of the last whole month of the history, at the
--    levels community and volunteer, for one community and for the city:
--    its time (best of three) and the buffers it touched, per shift of
--    the month.
--
-- It changes the database (the writes of step 1 stay): run it on a
-- benchmark's database, never on a programme's.

\set ON_ERROR_STOP 1
\if :{?requests}
\else
	\set requests 20000
\endif
\if :{?day}
\else
	\set day 1
\endif
\if :{?skip}
\else
	\set skip 0
\endif
\if :{?history_end}
\else
	\echo 'bench/sizing.sql: -v history_end=EPOCH_SECONDS (the seed''s) is required'
	DO $$ BEGIN RAISE EXCEPTION 'bench/sizing.sql: -v history_end is required'; END $$;
\endif
SELECT set_config('sizing.requests', :'requests', false),
    set_config('sizing.history_end', :'history_end', false),
    set_config('sizing.day', :'day', false),
    set_config('sizing.skip', :'skip', false),
    pg_current_wal_insert_lsn() AS wal_before \gset

\echo 'sizing: writes through vp_call'
DO $$
DECLARE
	n integer := current_setting('sizing.requests')::integer;
	day timestamptz := to_timestamp(current_setting('sizing.history_end')::bigint)
	    + current_setting('sizing.day')::integer * interval '1 day';
	v record;
	r record;
	i integer := 0;
BEGIN
	FOR v IN SELECT vo.number, k.keyid, vo.community_id
	    FROM volunteers vo
	    JOIN stations s ON s.community_id = vo.community_id AND s.role = 'station'
	    JOIN station_keys k ON k.station_id = s.id AND k.revoked_at IS NULL
	    ORDER BY vo.id OFFSET current_setting('sizing.skip')::integer
	    LIMIT n LOOP
		i := i + 1;
		SELECT * INTO r FROM vp_call(v.keyid,
		    replace(gen_random_uuid()::text, '-', ''),
		    'shift_log', gen_random_uuid()::text,
		    encode(sha256(v.number::bytea), 'hex'),
		    jsonb_build_object('volunteer', v.number, 'activity', 'patrol',
		    'started_at', day + (i % 10) * interval '1 hour',
		    'ended_at', day + (i % 10) * interval '1 hour' + interval '2 hours',
		    'place', 'Community centre'),
		    'Asia/Shanghai', jsonb_build_object('back_entry_days', 36500));
		IF r.status <> 201 THEN
			RAISE EXCEPTION 'sizing: % answered % %', v.number, r.status, r.body;
		END IF;
		COMMIT;
	END LOOP;
END
$$;

SELECT :requests AS writes,
    round(pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'wal_before') /
    :requests) AS wal_bytes_per_write,
    current_setting('full_page_writes') AS full_page_writes;

\echo 'sizing: vacuum'
VACUUM ANALYZE;

\echo 'sizing: bytes per row (heap with TOAST, indexes)'
SELECT c.relname AS "table",
    t.n AS "rows",
    pg_size_pretty(pg_table_size(c.oid)) AS heap,
    pg_size_pretty(pg_indexes_size(c.oid)) AS indexes,
    round(pg_table_size(c.oid)::numeric / nullif(t.n, 0)) AS heap_per_row,
    round(pg_indexes_size(c.oid)::numeric / nullif(t.n, 0)) AS index_per_row,
    round(pg_total_relation_size(c.oid)::numeric / nullif(t.n, 0)) AS total_per_row
FROM pg_class c
CROSS JOIN LATERAL (SELECT (xpath('/row/n/text()', query_to_xml(
    format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text::bigint AS n) t
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
AND c.relname IN ('shifts', 'transfers', 'volunteers', 'volunteer_history',
    'volunteer_totals', 'accounts', 'redemptions', 'request_nonces',
    'idempotency', 'team_members')
ORDER BY pg_total_relation_size(c.oid) DESC;

\echo 'sizing: the monthly report, per shift of its month'
CREATE TEMP TABLE sizing_report (scope text, level text, shifts bigint,
    best_ms numeric, buffers bigint);
DO $$
DECLARE
	v_month text := to_char(date_trunc('month',
	    to_timestamp(current_setting('sizing.history_end')::bigint)
	    AT TIME ZONE 'Asia/Shanghai') - interval '1 month', 'YYYY-MM');
	v_caller vp_caller;
	v_code text := (SELECT code FROM communities ORDER BY id LIMIT 1);
	v_args jsonb;
	v_shifts bigint;
	v_t timestamptz;
	v_best numeric;
	v_plan json;
	scope text;
	lvl text;
	k integer;
BEGIN
	PERFORM set_config('timezone', 'Asia/Shanghai', false);
	SELECT k.keyid, s.id, s.code, s.role, s.community_id INTO v_caller
	FROM stations s JOIN station_keys k ON k.station_id = s.id
	WHERE s.role = 'admin' ORDER BY s.id LIMIT 1;
	FOREACH scope IN ARRAY ARRAY['community', 'city'] LOOP
		FOREACH lvl IN ARRAY ARRAY['community', 'volunteer'] LOOP
			v_args := jsonb_build_object('month', v_month, 'level', lvl);
			IF scope = 'community' THEN
				v_args := v_args || jsonb_build_object('community', v_code);
			END IF;
			SELECT count(*) INTO v_shifts FROM shifts sh
			JOIN volunteers vo ON vo.id = sh.volunteer_id
			JOIN communities c ON c.id = vo.community_id
			WHERE to_char(sh.started_at, 'YYYY-MM') = v_month
			AND (scope = 'city' OR c.code = v_code);
			v_best := NULL;
			FOR k IN 1..3 LOOP
				v_t := clock_timestamp();
				PERFORM * FROM vp_op_report_monthly(v_caller, v_args);
				v_best := least(coalesce(v_best, 1e9), extract(epoch FROM
				    clock_timestamp() - v_t) * 1000);
			END LOOP;
			EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM '
			    'vp_op_report_monthly($1, $2)' INTO v_plan USING v_caller, v_args;
			INSERT INTO sizing_report VALUES (scope, lvl, v_shifts,
			    round(v_best, 1),
			    (v_plan -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::bigint +
			    (v_plan -> 0 -> 'Plan' ->> 'Shared Read Blocks')::bigint);
		END LOOP;
	END LOOP;
END
$$;
SELECT scope, level, shifts, best_ms, buffers,
    round(best_ms * 1000 / nullif(shifts, 0), 2) AS us_per_shift,
    round(buffers * 8192.0 / nullif(shifts, 0)) AS bytes_touched_per_shift
FROM sizing_report;
