-- A batch of paper shifts (POST /v1/import/shifts) runs as sets
-- (vp_import_shifts_set, sql/functions/import.sql): the rows that break
-- no rule go in together, the others run alone as the single operation
-- would. Checked here: which rows go which way, and that the batch ends
-- exactly as the same rows run one at a time (vp_import_rows, the path
-- before): the same outcome for every row, refusals with their members,
-- and the same shifts, points, balances and totals, on a first run, on a
-- second one, and for a batch of volunteers who have totals already.
BEGIN;
\ir setup.psql
SELECT plan(11);

SELECT pg_temp.must('admin', 'activity_add', '{"code":"capped","name":"Capped",
    "points_per_hour":10,"daily_cap":15}') IS NOT NULL AS ok \gset
SELECT pg_temp.must('admin', 'activity_add', '{"code":"medic","name":"Medic",
    "points_per_hour":20,"requires":"first-aid"}') IS NOT NULL AS ok \gset
-- N3 is checked in since two hours ago.
SELECT pg_temp.must('north', 'shift_checkin', jsonb_build_object(
    'volunteer', 'N3', 'activity', 'clean',
    'started_at', now() - interval '2 hours')) IS NOT NULL AS ok \gset
-- Station keys date records from 40 days back.
SET LOCAL vpoints.back_entry_days = 40;

-- Row r of the batch: a key of its own unless given.
CREATE FUNCTION pg_temp.row(r integer, volunteer text, activity text,
    started timestamptz, ended timestamptz, extra jsonb DEFAULT '{}')
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('row', r, 'key', md5('import-test ' || r),
	    'volunteer', volunteer, 'activity', activity,
	    'started_at', to_char(started AT TIME ZONE 'UTC',
		'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
	    'ended_at', to_char(ended AT TIME ZONE 'UTC',
		'YYYY-MM-DD"T"HH24:MI:SS"Z"')) || extra
$$;

CREATE TEMP TABLE batch AS SELECT jsonb_agg(r ORDER BY (r ->> 'row')::integer) AS rows
FROM (VALUES
	(pg_temp.row(2, 'N1', 'clean', date_trunc('day', now()) - interval '3 days 15 hours',
	    date_trunc('day', now()) - interval '3 days 13 hours', '{"place":" Park "}')),
	-- overlaps row 2
	(pg_temp.row(3, 'N1', 'clean', date_trunc('day', now()) - interval '3 days 14 hours',
	    date_trunc('day', now()) - interval '3 days 12 hours')),
	(pg_temp.row(4, 'N2', 'clean', date_trunc('day', now()) - interval '3 days 15 hours',
	    date_trunc('day', now()) - interval '3 days 14 hours')),
	(pg_temp.row(5, 'X9', 'clean', date_trunc('day', now()) - interval '3 days 15 hours',
	    date_trunc('day', now()) - interval '3 days 14 hours')),
	(pg_temp.row(6, 'S1', 'clean', date_trunc('day', now()) - interval '3 days 15 hours',
	    date_trunc('day', now()) - interval '3 days 14 hours')),
	(pg_temp.row(7, 'N4', 'clean', date_trunc('day', now()) - interval '3 days 14 hours',
	    date_trunc('day', now()) - interval '3 days 15 hours')),
	-- two of one day under a daily cap of 15: 20 points, then what is left
	(pg_temp.row(8, 'N4', 'capped', date_trunc('day', now()) - interval '2 days 15 hours',
	    date_trunc('day', now()) - interval '2 days 13 hours')),
	(pg_temp.row(9, 'N4', 'capped', date_trunc('day', now()) - interval '2 days 12 hours',
	    date_trunc('day', now()) - interval '2 days 11 hours')),
	(pg_temp.row(10, 'N5', 'clean', now() + interval '1 hour', now() + interval '2 hours')),
	(pg_temp.row(11, 'N6', 'clean', now() - interval '500 days 2 hours',
	    now() - interval '500 days 1 hour')),
	(pg_temp.row(12, 'N6', 'clean', date_trunc('day', now()) - interval '4 days 15 hours',
	    date_trunc('day', now()) - interval '4 days 14 hours',
	    jsonb_build_object('place', repeat('x', 201)))),
	(pg_temp.row(13, 'N6', 'clean', date_trunc('day', now()) - interval '5 days 15 hours',
	    date_trunc('day', now()) - interval '5 days 13 hours 30 minutes',
	    '{"content":"读报","lead":"Wang","served":"two residents"}')),
	-- the key of row 4
	(pg_temp.row(14, 'N2', 'clean', date_trunc('day', now()) - interval '6 days 15 hours',
	    date_trunc('day', now()) - interval '6 days 14 hours') ||
	    jsonb_build_object('key', md5('import-test 4'))),
	-- the open check-in
	(pg_temp.row(15, 'N3', 'clean', now() - interval '1 hour', now() - interval '30 minutes')),
	(pg_temp.row(16, 'N2', 'medic', date_trunc('day', now()) - interval '7 days 15 hours',
	    date_trunc('day', now()) - interval '7 days 14 hours')),
	(pg_temp.row(17, 'N5', 'clean', date_trunc('day', now()) - interval '8 days 15 hours',
	    date_trunc('day', now()) - interval '8 days 14 hours') ||
	    '{"started_at":"2026-02-30T09:00:00+08:00"}'),
	(pg_temp.row(18, 'N5', 'clean', date_trunc('day', now()) - interval '9 days 15 hours',
	    date_trunc('day', now()) - interval '9 days 14 hours')),
	(pg_temp.row(19, 'N1', 'clean', date_trunc('day', now()) - interval '10 days 15 hours',
	    date_trunc('day', now()) - interval '10 days 14 hours')),
	(pg_temp.row(20, 'N2', 'capped', date_trunc('day', now()) - interval '11 days 15 hours',
	    date_trunc('day', now()) - interval '11 days 12 hours'))) x(r);

-- Days of their own, after the batch: volunteers with totals already.
CREATE TEMP TABLE batch2 AS SELECT jsonb_agg(r ORDER BY (r ->> 'row')::integer) AS rows
FROM (VALUES
	(pg_temp.row(21, 'N1', 'clean', date_trunc('day', now()) - interval '12 days 15 hours',
	    date_trunc('day', now()) - interval '12 days 13 hours')),
	(pg_temp.row(22, 'N2', 'clean', date_trunc('day', now()) - interval '12 days 15 hours',
	    date_trunc('day', now()) - interval '12 days 14 hours')),
	(pg_temp.row(23, 'N6', 'clean', date_trunc('day', now()) - interval '13 days 15 hours',
	    date_trunc('day', now()) - interval '13 days 14 hours')),
	(pg_temp.row(24, 'N1', 'capped', date_trunc('day', now()) - interval '14 days 15 hours',
	    date_trunc('day', now()) - interval '14 days 14 hours'))) x(r);

SELECT set_config('vpoints.keyid', pg_temp.keyid('north'), true) IS NOT NULL AS ok,
    set_config('vpoints.role', 'station', true) IS NOT NULL AS ok2 \gset
CREATE FUNCTION pg_temp.caller() RETURNS vp_caller LANGUAGE sql STABLE AS $$
	SELECT ROW(k.keyid, s.id, s.code, s.role, s.community_id, NULL)::vp_caller
	FROM station_keys k JOIN stations s ON s.id = k.station_id
	WHERE k.keyid = pg_temp.keyid('north')
$$;

SELECT is((SELECT string_agg(p ->> 'outcome', ' ' ORDER BY (p ->> 'n')::integer)
    FROM jsonb_array_elements(vp_import_shift_plan(pg_temp.caller(),
	(SELECT rows FROM batch))) p),
    'alone alone alone alone alone alone alone alone alone alone alone set alone alone alone alone set set set',
    'the plan: the rows that break no rule and stand alone go as a set');

-- What a batch leaves: every shift and its points, balances, totals, keys.
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql STABLE AS $$
	SELECT format('shifts %s; transfers %s; balances %s; totals %s; keys %s',
	    (SELECT string_agg(format('%s %s %s-%s %s min %s pts %s/%s/%s/%s/%s',
		v.number, a.code, s.started_at, s.ended_at, s.minutes, s.points,
		s.place, s.content, s.lead, s.served, s.keyid IS NOT NULL),
		', ' ORDER BY v.number, s.started_at)
	    FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id
	    JOIN activities a ON a.id = s.activity_id),
	    (SELECT string_agg(format('%s %s %s %s', t.amount, t.cause,
		t.value_at, t.keyid IS NOT NULL), ', ' ORDER BY t.value_at, t.amount)
	    FROM transfers t),
	    (SELECT string_agg(a.kind || ' ' || a.balance, ', ' ORDER BY a.kind,
		a.volunteer_id, a.community_id, a.part) FROM accounts a),
	    (SELECT string_agg(volunteer_id || ' ' || minutes, ', '
		ORDER BY volunteer_id) FROM volunteer_totals),
	    (SELECT count(*) FROM import_rows))
$$;
-- The outcomes without the shifts' ids, which differ by path.
CREATE FUNCTION pg_temp.outcomes(o jsonb) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT string_agg((x - 'subject' - 'other_id')::text, E'\n'
	    ORDER BY (x ->> 'row')::integer)
	FROM jsonb_array_elements(o) x
$$;

SAVEPOINT one_by_one;
SELECT pg_temp.outcomes(vp_import_rows(pg_temp.caller(), 'shift',
    (SELECT rows FROM batch))) AS rows_out1 \gset
SELECT pg_temp.state() AS rows_state1 \gset
SELECT pg_temp.outcomes(vp_import_rows(pg_temp.caller(), 'shift',
    (SELECT rows FROM batch))) AS rows_out2 \gset
SELECT pg_temp.state() AS rows_state2 \gset
SELECT pg_temp.outcomes(vp_import_rows(pg_temp.caller(), 'shift',
    (SELECT rows FROM batch2))) AS rows_out3 \gset
SELECT pg_temp.state() AS rows_state3 \gset
ROLLBACK TO SAVEPOINT one_by_one;

SELECT vp_import_shifts(pg_temp.caller(), (SELECT rows FROM batch)) AS set_o1 \gset
SELECT is(pg_temp.outcomes(:'set_o1'), :'rows_out1',
    'each row''s outcome as one at a time, refusals and their members too');
SELECT is(pg_temp.state(), :'rows_state1',
    'the same shifts, points, transfers, balances, totals and keys');
SELECT is((SELECT string_agg(x ->> 'outcome', ' ' ORDER BY (x ->> 'row')::integer)
    FROM jsonb_array_elements(:'set_o1') x),
    'imported refused imported refused refused refused imported imported refused refused refused imported already refused refused refused imported imported imported',
    'imported, refused and already where expected');
SELECT ok((SELECT (a ->> 'subject')::bigint < (b ->> 'subject')::bigint
    FROM jsonb_array_elements(:'set_o1') a, jsonb_array_elements(:'set_o1') b
    WHERE a ->> 'row' = '13' AND b ->> 'row' = '8'),
    'the set went first (row 13 took its id before row 8, which ran alone)');
SELECT is((SELECT x ->> 'other_id' FROM jsonb_array_elements(:'set_o1') x
    WHERE x ->> 'row' = '3'), (SELECT x ->> 'subject'
    FROM jsonb_array_elements(:'set_o1') x WHERE x ->> 'row' = '2'),
    'the overlap names the shift it meets');
SELECT is((vp_audit() ->> 'ok')::boolean, true, 'the audit is clean');

SELECT vp_import_shifts(pg_temp.caller(), (SELECT rows FROM batch)) AS set_o2 \gset
SELECT is(pg_temp.outcomes(:'set_o2'), :'rows_out2',
    'the batch again: as one at a time, nothing imported twice');
SELECT is(pg_temp.state(), :'rows_state2', '... and nothing changed');

SELECT vp_import_shifts(pg_temp.caller(), (SELECT rows FROM batch2)) AS set_o3 \gset
SELECT is(pg_temp.outcomes(:'set_o3'), :'rows_out3',
    'a batch of volunteers with totals: as one at a time');
SELECT is(pg_temp.state(), :'rows_state3',
    '... the same shifts, points, balances, totals and keys');

SELECT * FROM finish();
ROLLBACK;
