-- The requests a station desk sends most run no LANGUAGE sql function
-- that the planner does not inline. Called from PL/pgSQL, such a function
-- (one with a FROM clause or a sub-select, say) is parsed and planned
-- again in every transaction: on the shift write, two of them (vp_covers,
-- vp_volunteer_last_move) once cost a third of its time
-- (doc/performance.md). Functions the planner inlines are never called,
-- so they do not show here; PL/pgSQL keeps its plans for the connection.
-- And the sign-up's plan does not hang on statistics: a volunteer's live
-- sign-ups are found through an index led by the volunteer.
BEGIN;
\ir setup.psql
SET LOCAL track_functions = 'all';
SELECT plan(9);

-- The functions of the schema written in SQL, and how often this
-- transaction has called each.
CREATE FUNCTION pg_temp.sql_calls() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_object_agg(p.proname, f.calls), '{}')
	FROM pg_stat_xact_user_functions f
	JOIN pg_proc p ON p.oid = f.funcid
	JOIN pg_language l ON l.oid = p.prolang
	WHERE l.lanname = 'sql' AND p.pronamespace = 'public'::regnamespace
$$;

-- The SQL functions called since sql_calls() gave p_before, in order.
CREATE FUNCTION pg_temp.called_since(p_before jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT coalesce(string_agg(k, ' ' ORDER BY k), 'none')
	FROM jsonb_each_text(pg_temp.sql_calls()) a(k, c)
	WHERE c::bigint > coalesce((p_before ->> k)::bigint, 0)
$$;

-- The SQL functions called by the last of a list of operations of one
-- kind, and its status. The ones before warm PL/pgSQL's plan cache up:
-- a statement's first five runs are planned afresh with its parameters'
-- values, which calls the IMMUTABLE functions among them at planning.
CREATE FUNCTION pg_temp.called(who text, op text, args jsonb[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_keyid text := pg_temp.keyid(who);
	v_before jsonb;
	v_status integer;
	n integer := array_length(args, 1);
BEGIN
	FOR i IN 1..n LOOP
		IF i = n THEN
			v_before := pg_temp.sql_calls();
		END IF;
		SELECT c.status INTO v_status FROM vp_call(v_keyid,
		    gen_random_uuid()::text, op, CASE WHEN op ~ '(_get|_ledger)$'
			THEN NULL ELSE gen_random_uuid()::text END,
		    op || ' ' || args[i]::text, args[i], 'Asia/Shanghai') c;
		IF v_status NOT IN (200, 201) THEN
			RETURN v_status || ' at ' || args[i]::text;
		END IF;
	END LOOP;
	RETURN pg_temp.called_since(v_before);
END
$$;

-- Eight runs of each: eight volunteers of north's, H1..H8, with points.
DO $$
BEGIN
	PERFORM pg_temp.must('north', 'catalog_add', '{"code":"GIFT",
	    "name":"Gift", "category":"gift", "price":1, "stock":100}');
	FOR i IN 1..8 LOOP
		PERFORM pg_temp.must('north', 'volunteer_add',
		    jsonb_build_object('number', 'H' || i, 'name', 'Hot ' || i));
		PERFORM pg_temp.must('north', 'shift_log', pg_temp.log_args('H' || i,
		    'clean', '2025-03-02 09:00+08', '2025-03-02 11:00+08'));
	END LOOP;
END
$$;
CREATE FUNCTION pg_temp.each(f text) RETURNS jsonb[]
LANGUAGE sql AS $$
	SELECT array_agg(replace(f, '#', i::text)::jsonb ORDER BY i)
	FROM generate_series(1, 8) i
$$;

SELECT is(pg_temp.called('north', 'shift_log', pg_temp.each('{"volunteer":
    "H#", "activity": "clean", "started_at": "2025-03-03T09:00:00+08:00",
    "ended_at": "2025-03-03T11:00:00+08:00"}')), 'none',
    'a shift: no SQL function planned on the way');
SELECT is(pg_temp.called('north', 'redeem', pg_temp.each('{"volunteer":
    "H#", "item": "GIFT"}')), 'none', 'a redemption: none');
SELECT is(pg_temp.called('north', 'volunteer_ledger', pg_temp.each(
    '{"number": "H#"}')), 'none', 'a balance and ledger: none');
SELECT is(pg_temp.called('north', 'volunteer_get', pg_temp.each(
    '{"number": "H#"}')), 'none', 'a volunteer: none');
SELECT is(pg_temp.called('north', 'shift_checkin', pg_temp.each(
    '{"volunteer": "H#", "activity": "clean",
    "started_at": "2025-03-04T09:00:00+08:00"}')), 'none',
    'a check-in: none');
SELECT is(pg_temp.called('north', 'shift_checkout', (SELECT array_agg(
    jsonb_build_object('id', id::text,
    'ended_at', '2025-03-04T11:00:00+08:00') ORDER BY id) FROM checkins
    WHERE closed_at IS NULL)), 'none', 'a check-out: none');
SELECT (pg_temp.must('north', 'event_add', jsonb_build_object('activity',
    'clean', 'title', 'Hot', 'starts_at', now() + interval '3 days',
    'ends_at', now() + interval '3 days 2 hours', 'places', 100))
    -> 'events' -> 0 ->> 'id') AS event \gset
SELECT is(pg_temp.called('north', 'signup_add', pg_temp.each(
    '{"volunteer": "H#", "event": ' || :'event' || '}')), 'none',
    'a sign-up: none');

-- The sign-up's overlap check and the page read a volunteer's live
-- sign-ups. Before autovacuum has analyzed signups (a new programme's
-- first sign-ups), PostgreSQL may read them through any index that
-- holds the volunteer: one that held the event first made it read every
-- live sign-up of the city for each (migration 029).
SELECT is(ARRAY(SELECT i.indexrelid::regclass::text FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = 'volunteer_id'
    WHERE i.indrelid = 'signups'::regclass
    AND a.attnum = ANY (i.indkey::int2[]) AND i.indkey[0] <> a.attnum
    ORDER BY 1), '{}'::text[],
    'every index of signups that holds the volunteer leads with it');


-- A volunteer's own page (GET /p/{token}): each of H1..H8 has a link (the
-- token's hash as the daemon makes it), a sign-up (above) and an event
-- to sign up for.
SELECT pg_temp.must('north', 'event_add', jsonb_build_object('activity',
    'clean', 'title', 'Hot 2', 'starts_at', now() + interval '4 days',
    'ends_at', now() + interval '4 days 2 hours', 'places', 100)) IS NOT NULL
    AS event2 \gset
DO $$
BEGIN
	FOR i IN 1..8 LOOP
		PERFORM pg_temp.must('north', 'volunteer_link', jsonb_build_object(
		    'number', 'H' || i, 'token_hash', repeat(to_hex(i), 64)));
	END LOOP;
END
$$;
CREATE FUNCTION pg_temp.page_called() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_before jsonb;
	v_status integer;
BEGIN
	FOR i IN 1..8 LOOP
		IF i = 8 THEN
			v_before := pg_temp.sql_calls();
		END IF;
		SELECT p.status INTO v_status FROM vp_page(repeat(to_hex(i), 64),
		    'volunteer', 'view', '{}', 'Asia/Shanghai',
		    '{"noshow_limit": 3, "noshow_days": 90}') p;
		IF v_status <> 200 THEN
			RETURN v_status || ' at H' || i;
		END IF;
	END LOOP;
	RETURN pg_temp.called_since(v_before);
END
$$;
SELECT is(pg_temp.page_called(), 'none', 'a volunteer''s page: none');

SELECT * FROM finish();
ROLLBACK;
