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
-- and the rows after it start a new one. A row runs at most twice, and
-- a batch takes two savepoints per refused row. Should the rows that
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
			END IF;
			v_done := v_done || v_fail;
			i := j + 1;
		END;
	END LOOP;
	RETURN v_done;
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
	PERFORM vp_import_check(x) FROM jsonb_array_elements(v_rows) x;
	BEGIN
		v_out := vp_import_rows(caller, p_kind, v_rows);
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
