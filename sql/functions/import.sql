-- Records in and out: the batches of vpoints import (volunteers, paper
-- records of shifts) and the export for the national volunteer
-- information system.
--
-- A batch runs each row as the single-record operation would
-- (vp_volunteer_register, vp_shift_log), each in a savepoint of its own:
-- a row that breaks a rule (a number taken, an overlap, a closed month,
-- the back-entry window, consent, an ID number registered already) is
-- reported and leaves nothing behind, and the good rows of the batch
-- commit together. A row names the key the client derived for it; a
-- row imported under that key before is reported "already" and not run
-- again. A dry run does the same and rolls everything back.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- The most rows one batch may hold.
CREATE OR REPLACE FUNCTION vp_import_batch_max() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT 1000
$$;

-- Check a row's shape: an object with its "row" and "key". A batch with
-- a malformed row is refused whole, before any row runs.
CREATE OR REPLACE FUNCTION vp_import_check(r jsonb) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF jsonb_typeof(r) <> 'object' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"rows" must be a list of objects',
		    jsonb_build_object('field', 'rows', 'reason', 'objects'));
	END IF;
	PERFORM vp_int(r, 'row', 1, 100000000);
	IF vp_text(r, 'key', 64) !~ '^[0-9a-f]{32,64}$' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"key" must be 32 to 64 lower-case hex digits',
		    jsonb_build_object('field', 'key', 'reason', 'hex',
		    'min_length', 32, 'max_length', 64, 'row', r -> 'row'));
	END IF;
END
$$;

-- Run one row of a batch and return its outcome: {"row", "outcome":
-- "imported" | "already", "subject" (the volunteer's number, the
-- shift's id)}, or "refused" with the problem of an ID number
-- registered already (whose record for the city office stays, as for a
-- single registration). Every other refusal is raised.
CREATE OR REPLACE FUNCTION vp_import_apply(caller vp_caller, p_kind text,
    r jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_row integer := (r ->> 'row')::integer;
	v_key text := r ->> 'key';
	v_args jsonb := r - 'row' - 'key' - 'id_number_refused';
	v_subject text;
	v_refusal jsonb;
BEGIN
	-- The row's key first: a second run of the file at the same time
	-- waits here for the first's row, then finds it taken. A refusal
	-- below takes the key back with the row.
	v_subject := CASE p_kind WHEN 'volunteer' THEN v_args ->> 'number'
	    ELSE nextval('shift_ids')::text END;
	INSERT INTO import_rows (keyid, row_key, kind, subject)
	VALUES (caller.keyid, v_key, p_kind, coalesce(v_subject, ''))
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RETURN jsonb_build_object('row', v_row, 'outcome', 'already',
		    'subject', (SELECT subject FROM import_rows
		    WHERE keyid = caller.keyid AND row_key = v_key));
	END IF;
	IF r ? 'id_number_refused' THEN
		PERFORM vp_refuse(422, 'invalid-field', r ->> 'id_number_refused');
	END IF;
	-- What POST /v1/volunteers and POST /v1/shifts do, without making
	-- their answers.
	IF p_kind = 'volunteer' THEN
		SELECT x.refusal INTO v_refusal
		FROM vp_volunteer_register(caller, v_args) x;
		IF v_refusal IS NOT NULL THEN
			DELETE FROM import_rows
			WHERE keyid = caller.keyid AND row_key = v_key;
			RETURN jsonb_build_object('row', v_row, 'outcome',
			    'refused') || v_refusal;
		END IF;
	ELSE
		PERFORM vp_shift_log(caller, v_args, v_subject::bigint);
	END IF;
	RETURN jsonb_build_object('row', v_row, 'outcome', 'imported',
	    'subject', v_subject);
END
$$;

-- The outcome of a row refused by an error: the problem the single
-- operation would answer (vp_call's mapping).
CREATE OR REPLACE FUNCTION vp_import_refused(p_row integer, p_state text,
    p_msg text, p_detail text, p_members text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	-- vp_refuse's members travel as the HINT (base.sql), as in vp_call.
	RETURN jsonb_build_object('row', p_row, 'outcome', 'refused') ||
	    CASE WHEN p_state LIKE 'VP%'
		THEN vp_problem(substr(p_state, 3)::integer, p_msg, p_detail,
		    nullif(p_members, '')::jsonb)
		ELSE (SELECT p.body FROM vp_db_problem(p_state) p) END;
END
$$;

-- One row in a savepoint of its own: its outcome, a refusal included.
CREATE OR REPLACE FUNCTION vp_import_row(caller vp_caller, p_kind text,
    r jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_state text;
	v_msg text;
	v_detail text;
	v_members text;
BEGIN
	RETURN vp_import_apply(caller, p_kind, r);
EXCEPTION WHEN SQLSTATE 'VP000' OR data_exception OR
    integrity_constraint_violation THEN
	GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE,
	    v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL,
	    v_members = PG_EXCEPTION_HINT;
	RETURN vp_import_refused((r ->> 'row')::integer, v_state, v_msg,
	    v_detail, v_members);
END
$$;

-- Run the rows of a batch, each as if in a savepoint of its own, and
-- return their outcomes in order. A savepoint per row would cost one
-- subtransaction each, and past 64 in a transaction PostgreSQL's
-- visibility checks slow down for every session (the subtransaction
-- cache overflows). So the rows run in one savepoint until one is
-- refused; that savepoint is rolled back, the rows before the refused
-- one (which just went through in the same state) run again in another,
-- then the refused one in its own (so that its refusal names the records
-- as they now are), and the rows after it start a new one. A row runs at
-- most three times, and a batch takes three savepoints per refused row. Should the rows that
-- went through fail on their second run (another transaction committed
-- in between), they run one savepoint each.
CREATE OR REPLACE FUNCTION vp_import_rows(caller vp_caller, p_kind text,
    p_rows jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	n integer := jsonb_array_length(p_rows);
	i integer := 0;
	j integer;
	k integer;
	v_done jsonb := '[]';
	v_tmp jsonb;
	v_fail jsonb;
	v_state text;
	v_msg text;
	v_detail text;
	v_members text;
BEGIN
	WHILE i < n LOOP
		j := i;
		v_tmp := '[]';
		BEGIN
			WHILE j < n LOOP
				v_tmp := v_tmp || vp_import_apply(caller, p_kind,
				    p_rows -> j);
				j := j + 1;
			END LOOP;
			v_done := v_done || v_tmp;
			i := n;
		EXCEPTION WHEN SQLSTATE 'VP000' OR data_exception OR
		    integrity_constraint_violation THEN
			GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE,
			    v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL,
			    v_members = PG_EXCEPTION_HINT;
			v_fail := vp_import_refused((p_rows -> j ->> 'row')::integer,
			    v_state, v_msg, v_detail, v_members);
			IF j > i THEN
				v_tmp := '[]';
				BEGIN
					FOR k IN i .. j - 1 LOOP
						v_tmp := v_tmp || vp_import_apply(caller,
						    p_kind, p_rows -> k);
					END LOOP;
				EXCEPTION WHEN SQLSTATE 'VP000' OR data_exception OR
				    integrity_constraint_violation THEN
					v_tmp := '[]';
					FOR k IN i .. j - 1 LOOP
						v_tmp := v_tmp || vp_import_row(caller,
						    p_kind, p_rows -> k);
					END LOOP;
				END;
				v_done := v_done || v_tmp;
				-- The refused row again, after them: its refusal
				-- names what is there now (the shift it overlaps
				-- took a new id on their second run).
				v_fail := vp_import_row(caller, p_kind, p_rows -> j);
			END IF;
			v_done := v_done || v_fail;
			i := j + 1;
		END;
	END LOOP;
	RETURN v_done;
END
$$;

-- Whether vp_text_opt takes a text field of a row: absent, null, or a
-- string of 1 to max_length characters once trimmed.
CREATE OR REPLACE FUNCTION vp_import_text_ok(v jsonb, max_length integer)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(jsonb_typeof(v), 'null') = 'null' OR
	    (jsonb_typeof(v) = 'string' AND
	    length(btrim(v #>> '{}')) BETWEEN 1 AND max_length)
$$;

-- A time field of a row as vp_time reads it, or NULL when vp_time would
-- refuse it or cannot be sure not to (the row then runs alone).
CREATE OR REPLACE FUNCTION vp_import_time(v jsonb) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	-- A day that every month has, or the 29th and 30th outside
	-- February, or the 31st of the months that have one; a year from
	-- 1000; an offset within 14 hours. Anything else (29 February, say)
	-- runs alone.
	SELECT CASE WHEN jsonb_typeof(v) = 'string' AND
	    length(btrim(v #>> '{}')) BETWEEN 1 AND 40 AND
	    btrim(v #>> '{}') ~ ('^[1-9][0-9]{3}-('
		'(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|'
		'(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)'
		'[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?'
		'(Z|z|[+-](0[0-9]|1[0-4]):?[0-5][0-9])$')
	    THEN btrim(v #>> '{}')::timestamptz END
$$;

-- The plan of a batch of shifts (vp_import_shifts_set): each row, in
-- order, with its outcome decided where the rules allow it as a set:
-- "already" (its key was imported before, with its subject), "set" (it
-- breaks no rule of vp_shift_log: its volunteer, activity, times,
-- details and points), or "alone" (it may break one, or depends on
-- another row of the batch: it runs as the single operation would, to
-- be refused in the same words, or imported).
--
-- The rules, as vp_shift_log checks them one row at a time: the fields
-- (vp_text, vp_time, vp_shift_details); the volunteer known, of a
-- community the caller covers, active (vp_volunteer_get,
-- vp_shift_check); the activity known; the times (not in the future, end
-- after start, at most 24 hours, at least a minute); no current shift
-- or open check-in in the way (vp_shift_check's three lookups); the
-- qualification (vp_activity_required); the dates (vp_dated, through
-- vp_dated_from); the volunteer's account. Between rows of the batch:
-- two rows of one volunteer whose times meet, two of one volunteer,
-- activity and day under a daily cap, two with one key: each runs alone,
-- in order, after the rows of the set, so each sees the rows before it
-- as it would have one row at a time.
CREATE OR REPLACE FUNCTION vp_import_shift_plan(caller vp_caller,
    p_rows jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_from timestamptz := vp_dated_from();
	v_plan jsonb;
BEGIN
	-- Every volunteer a new row names, locked in one order (as
	-- vp_volunteer_get locks one): their shifts and caps stay true.
	PERFORM 1 FROM volunteers v
	WHERE v.number IN (SELECT btrim(e ->> 'volunteer')
	    FROM jsonb_array_elements(p_rows) e
	    WHERE jsonb_typeof(e -> 'volunteer') = 'string'
	    AND NOT EXISTS (SELECT 1 FROM import_rows i
		WHERE i.keyid = caller.keyid AND i.row_key = e ->> 'key'))
	ORDER BY v.id FOR UPDATE;
	WITH r AS (
		SELECT x.n, x.r, x.r ->> 'key' AS row_key,
		    (SELECT i.subject FROM import_rows i
			WHERE i.keyid = caller.keyid
			AND i.row_key = x.r ->> 'key') AS already,
		    CASE WHEN jsonb_typeof(x.r -> 'volunteer') = 'string'
			THEN btrim(x.r ->> 'volunteer') END AS vol,
		    CASE WHEN jsonb_typeof(x.r -> 'activity') = 'string'
			THEN btrim(x.r ->> 'activity') END AS act,
		    vp_import_time(x.r -> 'started_at') AS t0,
		    vp_import_time(x.r -> 'ended_at') AS t1
		FROM jsonb_array_elements(p_rows) WITH ORDINALITY x(r, n)),
	b AS (
		SELECT r.*, v.id AS vid, v.community_id, v.status, a AS arow,
		    acc.id AS account,
		    -- Rows of the batch that depend on each other.
		    coalesce(max(r.t1) OVER w_before > r.t0, false) OR
		    coalesce(lead(r.t0) OVER w_vol < r.t1, false) OR
		    (a.daily_cap IS NOT NULL AND count(*) OVER (PARTITION BY
			v.id, a.id, date_trunc('day', r.t0)) > 1) OR
		    count(*) OVER (PARTITION BY r.row_key) > 1 AS linked
		FROM r
		LEFT JOIN volunteers v ON v.number = r.vol
		LEFT JOIN activities a ON a.code = r.act
		LEFT JOIN accounts acc ON acc.volunteer_id = v.id
		WHERE r.already IS NULL
		WINDOW w_vol AS (PARTITION BY v.id ORDER BY r.t0, r.n),
		    w_before AS (w_vol ROWS BETWEEN UNBOUNDED PRECEDING
			AND 1 PRECEDING)),
	c AS (
		SELECT b.n, b.row_key, b.vid, b.community_id, b.arow, b.t0, b.t1,
		    b.r,
		    NOT b.linked AND NOT b.r ? 'id_number_refused'
		    AND b.vid IS NOT NULL AND (b.arow).id IS NOT NULL
		    AND b.account IS NOT NULL
		    AND length(b.vol) BETWEEN 1 AND 32
		    AND length(b.act) BETWEEN 1 AND 32
		    AND vp_covers(caller, b.community_id)
		    AND b.status = 'active'
		    AND b.t1 > b.t0 AND b.t1 <= now() + interval '60 seconds'
		    AND b.t1 - b.t0 <= interval '24 hours'
		    AND vp_minutes(b.t0, b.t1) >= 1
		    AND b.t0 >= v_from
		    AND vp_import_text_ok(b.r -> 'activity_name', 200)
		    AND vp_import_text_ok(b.r -> 'place', 200)
		    AND vp_import_text_ok(b.r -> 'served', 200)
		    AND vp_import_text_ok(b.r -> 'content', 2000)
		    AND vp_import_text_ok(b.r -> 'lead', 100)
		    AND ((b.arow).requires IS NULL OR vp_volunteer_qualified(b.vid,
			(b.arow).requires, b.t0::date))
		    AND NOT EXISTS (SELECT 1 FROM shifts s
			WHERE s.volunteer_id = b.vid
			AND s.started_at < b.t1 AND s.ended_at > b.t0
			AND s.started_at > b.t0 - interval '24 hours'
			AND NOT EXISTS (SELECT 1 FROM shifts x
			    WHERE x.corrects = s.id))
		    AND NOT EXISTS (SELECT 1 FROM shifts s
			WHERE s.volunteer_id = b.vid
			AND s.ended_at - s.started_at > interval '24 hours'
			AND s.started_at < b.t1 AND s.ended_at > b.t0
			AND NOT EXISTS (SELECT 1 FROM shifts x
			    WHERE x.corrects = s.id))
		    AND NOT EXISTS (SELECT 1 FROM checkins k
			WHERE k.volunteer_id = b.vid AND k.closed_at IS NULL
			AND k.started_at < b.t1)
		    -- (vp_after_move: nothing dated before a move)
		    AND NOT EXISTS (SELECT 1 FROM volunteer_moves m
			WHERE m.volunteer_id = b.vid AND m.at > b.t0) AS ok
		FROM b)
	SELECT jsonb_agg(p.o ORDER BY p.n) INTO v_plan
	FROM (SELECT r.n, CASE
		WHEN r.already IS NOT NULL THEN jsonb_build_object('n', r.n,
		    'row', (r.r ->> 'row')::integer, 'outcome', 'already',
		    'subject', r.already)
		WHEN c.ok THEN jsonb_build_object('n', r.n,
		    'row', (r.r ->> 'row')::integer, 'outcome', 'set',
		    'key', r.row_key, 'id', nextval('shift_ids'),
		    'volunteer_id', c.vid, 'community_id', c.community_id,
		    'activity_id', (c.arow).id, 'started_at', c.t0,
		    'ended_at', c.t1, 'minutes', vp_minutes(c.t0, c.t1),
		    'points', vp_shift_points(c.vid, c.arow, c.t0, c.t1, NULL))
		    || vp_shift_details(r.r)
		ELSE jsonb_build_object('n', r.n, 'outcome', 'alone',
		    'args', r.r) || jsonb_strip_nulls(jsonb_build_object(
		    'volunteer_id', c.vid, 'community_id', c.community_id))
		END AS o
	    FROM r LEFT JOIN c USING (n)
	    ORDER BY r.n) p;
	RETURN v_plan;
END
$$;

-- The shifts of a batch as sets (the plan above): the keys of the rows
-- that break no rule in one INSERT, their shifts in one, their points
-- in one of transfers and one of balances (vp_shift_awards); then each
-- row that may break a rule runs alone, as the single operation would
-- (vp_import_rows). Their outcomes, in the rows' order. Should another
-- import of the same rows have taken a key meanwhile, the set is given
-- up ('VPSET') and the caller runs the batch row by row.
CREATE OR REPLACE FUNCTION vp_import_shifts_set(caller vp_caller,
    p_rows jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_plan jsonb := vp_import_shift_plan(caller, p_rows);
	v_set integer;
	v_keys integer;
	v_alone jsonb;
	v_shifts shifts[];
BEGIN
	SELECT count(*) INTO v_set FROM jsonb_array_elements(v_plan) p
	WHERE p ->> 'outcome' = 'set';
	INSERT INTO import_rows (keyid, row_key, kind, subject)
	SELECT caller.keyid, p ->> 'key', 'shift', p ->> 'id'
	FROM jsonb_array_elements(v_plan) p
	WHERE p ->> 'outcome' = 'set'
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS v_keys = ROW_COUNT;
	IF v_keys <> v_set THEN
		RAISE EXCEPTION 'a row of the batch was imported meanwhile'
		    USING ERRCODE = 'VPSET';
	END IF;
	-- The per-row triggers of shifts (the date rules, shifts_month_open;
	-- the running totals, shifts_volunteer_totals) cost three and two
	-- statements a row. The plan checked every date of the set against
	-- the same bounds (vp_dated_from) and the months lock is held since
	-- vp_months_enter, so the INSERT skips them, and the totals follow
	-- in one statement below. A failure rolls the setting back with the
	-- rest, and the rows that run alone run with both.
	-- Every part of the issuance accounts the batch draws on, the set's
	-- and those of the rows that run alone below, locked in one order:
	-- two batches at once (vpoints import --connections) wait for each
	-- other, and never deadlock on a part one takes for a row alone.
	PERFORM 1 FROM accounts i
	WHERE i.kind = 'issuance' AND (i.community_id, i.part) IN (
	    SELECT (p ->> 'community_id')::bigint,
		vp_issuance_part((p ->> 'volunteer_id')::bigint)
	    FROM jsonb_array_elements(v_plan) p
	    WHERE p ? 'volunteer_id' AND p ? 'community_id')
	ORDER BY i.id FOR UPDATE;
	PERFORM set_config('vpoints.set_path', 'on', true);
	WITH s AS (
	INSERT INTO shifts (id, volunteer_id, community_id, station_id, keyid,
	    activity_id, activity_name, place, served, content, lead,
	    started_at, ended_at, minutes, points, source)
	SELECT p.id, p.volunteer_id, p.community_id, caller.station_id,
	    caller.keyid, p.activity_id, p.activity_name, p.place, p.served,
	    p.content, p.lead, p.started_at, p.ended_at, p.minutes, p.points,
	    'log'
	FROM jsonb_to_recordset(v_plan) AS p(outcome text, id bigint,
	    volunteer_id bigint, community_id bigint, activity_id bigint,
	    activity_name text, place text, served text, content text,
	    lead text, started_at timestamptz, ended_at timestamptz,
	    minutes integer, points integer)
	WHERE p.outcome = 'set'
	ORDER BY p.id
	RETURNING *)
	SELECT array_agg(s) INTO v_shifts FROM s;
	PERFORM set_config('vpoints.set_path', '', true);
	-- vp_volunteer_totals_add for the set (no row of it corrects one).
	INSERT INTO volunteer_totals AS t (volunteer_id, community_id, minutes)
	SELECT s.volunteer_id, min(s.community_id), sum(s.minutes)
	FROM unnest(v_shifts) s
	GROUP BY s.volunteer_id
	ORDER BY s.volunteer_id
	ON CONFLICT (volunteer_id) DO UPDATE
	SET minutes = t.minutes + EXCLUDED.minutes;
	PERFORM vp_shift_awards(v_shifts);
	SELECT jsonb_agg(p -> 'args' ORDER BY (p ->> 'n')::integer)
	INTO v_alone FROM jsonb_array_elements(v_plan) p
	WHERE p ->> 'outcome' = 'alone';
	IF v_alone IS NOT NULL THEN
		v_alone := vp_import_rows(caller, 'shift', v_alone);
	END IF;
	RETURN (SELECT jsonb_agg(o.o ORDER BY o.n) FROM (
		SELECT (p ->> 'n')::integer AS n, CASE p ->> 'outcome'
		    WHEN 'set' THEN jsonb_build_object('row', p -> 'row',
			'outcome', 'imported', 'subject', p ->> 'id')
		    ELSE p - 'n' END AS o
		FROM jsonb_array_elements(v_plan) p
		WHERE p ->> 'outcome' <> 'alone'
		UNION ALL
		SELECT (a.p ->> 'n')::integer, x.o
		FROM (SELECT p, row_number() OVER (ORDER BY (p ->> 'n')::integer) AS k
		    FROM jsonb_array_elements(v_plan) p
		    WHERE p ->> 'outcome' = 'alone') a
		JOIN jsonb_array_elements(v_alone) WITH ORDINALITY x(o, k)
		    USING (k)) o);
END
$$;

-- The shifts of a batch: as sets, or, when the set was given up or a
-- row broke a rule no check of the set foresaw, row by row
-- (vp_import_rows), which answers the same.
CREATE OR REPLACE FUNCTION vp_import_shifts(caller vp_caller, p_rows jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
	RETURN vp_import_shifts_set(caller, p_rows);
EXCEPTION WHEN SQLSTATE 'VP000' OR data_exception OR
    integrity_constraint_violation THEN
	RETURN vp_import_rows(caller, 'shift', p_rows);
END
$$;

-- A batch of rows of one kind: each row's outcome, and the counts. In a
-- dry run every change is rolled back, but an ID number found registered
-- already is recorded for the city office as in a real run: a dry run
-- must not be a free way to ask which ID numbers are registered.
CREATE OR REPLACE FUNCTION vp_import_batch(caller vp_caller, args jsonb,
    p_kind text, OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_rows jsonb := vp_field(args, 'rows', 'array');
	v_dry boolean := coalesce(vp_bool_opt(args, 'dry_run'), false);
	v_out jsonb;
	r jsonb;
	o jsonb;
BEGIN
	IF jsonb_array_length(v_rows) NOT BETWEEN 1 AND vp_import_batch_max() THEN
		PERFORM vp_refuse(422, 'invalid-field', format('"rows" must '
		    'hold 1 to %s rows', vp_import_batch_max()),
		    jsonb_build_object('field', 'rows', 'reason', 'size',
		    'min', 1, 'max', vp_import_batch_max()));
	END IF;
	-- Each row's shape, tested as a set; the first row that fails is
	-- checked again by vp_import_check, which refuses it in its words.
	PERFORM vp_import_check(x) FROM jsonb_array_elements(v_rows) x
	WHERE CASE WHEN jsonb_typeof(x) = 'object' AND vp_is_integer(x -> 'row')
	    AND jsonb_typeof(x -> 'key') = 'string'
	    THEN NOT ((x ->> 'row')::bigint BETWEEN 1 AND 100000000
		AND x ->> 'key' ~ '^[0-9a-f]{32,64}$')
	    ELSE true END;
	BEGIN
		v_out := CASE p_kind WHEN 'shift'
		    THEN vp_import_shifts(caller, v_rows)
		    ELSE vp_import_rows(caller, p_kind, v_rows) END;
		IF v_dry THEN
			RAISE EXCEPTION USING ERRCODE = 'VPDRY';
		END IF;
	EXCEPTION WHEN SQLSTATE 'VPDRY' THEN
		FOR o, r IN SELECT x.o, y.r
		    FROM jsonb_array_elements(v_out) WITH ORDINALITY x(o, n)
		    JOIN jsonb_array_elements(v_rows) WITH ORDINALITY y(r, n)
		    USING (n)
		    WHERE x.o ->> 'type' = 'urn:vpoints:problem:duplicate-id-number' LOOP
			BEGIN
				PERFORM vp_id_number_check(caller, r, 'register',
				    r ->> 'number', NULL);
			EXCEPTION WHEN SQLSTATE 'VP000' THEN
				NULL;
			END;
		END LOOP;
	END;
	-- The batch's answer names no volunteer's personal fields: its
	-- stored copy belongs to no one volunteer.
	PERFORM set_config('vpoints.volunteer', '', true);
	status := 200;
	body := jsonb_build_object('dry_run', v_dry,
	    'imported', (SELECT count(*) FROM jsonb_array_elements(v_out) e
		WHERE e ->> 'outcome' = 'imported'),
	    'already', (SELECT count(*) FROM jsonb_array_elements(v_out) e
		WHERE e ->> 'outcome' = 'already'),
	    'refused', (SELECT count(*) FROM jsonb_array_elements(v_out) e
		WHERE e ->> 'outcome' = 'refused'),
	    'rows', v_out);
END
$$;

-- POST /v1/import/volunteers
CREATE OR REPLACE FUNCTION vp_op_import_volunteers(caller vp_caller,
    args jsonb, OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	SELECT * INTO status, body FROM vp_import_batch(caller, args, 'volunteer');
END
$$;

-- POST /v1/import/shifts (paper records of completed shifts)
CREATE OR REPLACE FUNCTION vp_op_import_shifts(caller vp_caller,
    args jsonb, OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	SELECT * INTO status, body FROM vp_import_batch(caller, args, 'shift');
END
$$;

-- GET /v1/exports/national?from=&to=[&community=]: the service records
-- of a period, one row per current shift, in the columns of the national
-- volunteer information system's bulk entry (doc/api.md). A station key
-- sees its own community; an admin key every community, or one.
CREATE OR REPLACE FUNCTION vp_op_export_national(caller vp_caller,
    args jsonb, OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_from date := vp_date_opt(args, 'from');
	v_to date := vp_date_opt(args, 'to');
	v_scope bigint[];
BEGIN
	IF v_from IS NULL OR v_to IS NULL OR v_to < v_from THEN
		PERFORM vp_refuse(422, 'invalid-field', '"from" and "to" are '
		    'required, YYYY-MM-DD, "to" not before "from"',
		    jsonb_build_object('field', CASE WHEN v_from IS NULL
		    THEN 'from' ELSE 'to' END, 'reason', 'dates'));
	END IF;
	IF v_to - v_from > 366 THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    'An export covers at most 366 days.',
		    jsonb_build_object('field', 'to', 'reason', 'span',
		    'max_days', 366));
	END IF;
	IF caller.community_id IS NOT NULL THEN
		v_scope := ARRAY[caller.community_id];
		IF args ? 'community' AND vp_community_for(caller, args)
		    <> caller.community_id THEN
			PERFORM vp_refuse(403, 'outside-community', format(
			    'Station %s exports its own community only.',
			    caller.station_code),
			    jsonb_build_object('station', caller.station_code));
		END IF;
	ELSE
		v_scope := vp_community_scope(caller, args);
	END IF;
	status := 200;
	SELECT jsonb_build_object('from', v_from, 'to', v_to,
	    'records', coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
		'name', v.name, 'platform_number', v.platform_number,
		'volunteer', v.number,
		'activity', coalesce(s.activity_name, a.name),
		'date', s.started_at::date,
		'start', to_char(s.started_at, 'HH24:MI'),
		'end', to_char(s.ended_at, 'HH24:MI'),
		'minutes', s.minutes,
		'hours', to_char(s.minutes / 60.0, 'FM999990.00'),
		'place', s.place, 'content', s.content,
		'organisation', c.name))
		ORDER BY s.started_at, s.id), '[]'))
	INTO body
	FROM shifts s
	JOIN volunteers v ON v.id = s.volunteer_id
	JOIN activities a ON a.id = s.activity_id
	JOIN communities c ON c.id = s.community_id
	WHERE s.started_at >= v_from AND s.started_at < v_to + 1
	AND (v_scope IS NULL OR s.community_id = ANY (v_scope))
	AND NOT EXISTS (SELECT 1 FROM shifts x WHERE x.corrects = s.id);
END
$$;
