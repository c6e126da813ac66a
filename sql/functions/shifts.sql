-- Activities and their points rule, and shifts: logged, checked in and
-- out, corrected, listed.
--
-- Hours (whole minutes of actual service) never depend on the points
-- rule; the rule only decides the points. On the path of POST /v1/shifts
-- the helpers are PL/pgSQL rather than LANGUAGE sql where a sql body
-- could not be inlined (a sublink, a call): PL/pgSQL keeps its plans.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- Check an activity's multiplier windows; returns them as stored.
CREATE OR REPLACE FUNCTION vp_multipliers(args jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v jsonb := coalesce(args -> 'multipliers', '[]');
	w jsonb;
BEGIN
	IF jsonb_typeof(v) <> 'array' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"multipliers" must be a list',
		    jsonb_build_object('field', 'multipliers', 'reason', 'type',
		    'json_type', 'array'));
	END IF;
	FOR w IN SELECT jsonb_array_elements(v) LOOP
		PERFORM vp_text(w, 'name', 50);
		PERFORM vp_int(w, 'percent', 100, 1000);
		IF w ? 'dates' THEN
			IF jsonb_typeof(w -> 'dates') <> 'array' OR
			    jsonb_array_length(w -> 'dates') = 0 OR EXISTS (
			    SELECT 1 FROM jsonb_array_elements_text(w -> 'dates') d
			    WHERE d !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') THEN
				PERFORM vp_refuse(422, 'invalid-field',
				    '"dates" must be a list of YYYY-MM-DD',
				    jsonb_build_object('field', 'dates', 'reason', 'format',
				    'format', 'YYYY-MM-DD'));
			END IF;
			PERFORM d::date FROM jsonb_array_elements_text(w -> 'dates') d;
		ELSE
			IF vp_text(w, 'from', 5) !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' OR
			    vp_text(w, 'to', 5) !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' OR
			    w ->> 'from' = w ->> 'to' THEN
				PERFORM vp_refuse(422, 'invalid-field', 'a window needs '
				    '"from" and "to" as HH:MM (different) or "dates"',
				    jsonb_build_object('field', 'from', 'reason', 'window'));
			END IF;
		END IF;
	END LOOP;
	RETURN v;
END
$$;

-- An activity and its points rule as JSON.
CREATE OR REPLACE FUNCTION vp_activity_json(a activities) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', a.code, 'name', a.name,
	    'points_per_hour', a.points_per_hour, 'daily_cap', a.daily_cap,
	    'multipliers', a.multipliers)
	    || CASE WHEN a.requires IS NULL THEN '{}'
		ELSE jsonb_build_object('requires', a.requires) END
$$;

-- POST /v1/activities (admin)
CREATE OR REPLACE FUNCTION vp_op_activity_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	a activities;
BEGIN
	PERFORM vp_require_admin(caller);
	INSERT INTO activities (code, name, points_per_hour, daily_cap, multipliers,
	    requires)
	VALUES (vp_code(args, 'code'), vp_text(args, 'name'),
	    vp_int(args, 'points_per_hour', 0, 10000),
	    CASE WHEN coalesce(jsonb_typeof(args -> 'daily_cap'), 'null') = 'null'
		THEN NULL ELSE vp_int(args, 'daily_cap', 1, 1000000) END,
	    vp_multipliers(args), vp_qualification_code(args, 'requires'))
	ON CONFLICT (code) DO NOTHING RETURNING * INTO a;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'activity-exists',
		    format('An activity with code %s exists already.', args ->> 'code'),
		    jsonb_build_object('activity', args ->> 'code'));
	END IF;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'activity-add', a.code, args);
	status := 201;
	body := vp_activity_json(a);
END
$$;

-- GET /v1/activities
CREATE OR REPLACE FUNCTION vp_op_activity_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	SELECT jsonb_build_object('activities', coalesce(jsonb_agg(
	    vp_activity_json(a) ORDER BY a.code), '[]')) INTO body FROM activities a;
END
$$;

-- An activity by code.
CREATE OR REPLACE FUNCTION vp_activity_get(p_code text) RETURNS activities
LANGUAGE plpgsql STABLE AS $$
DECLARE
	a activities;
BEGIN
	SELECT * INTO a FROM activities WHERE code = p_code;
	IF NOT FOUND THEN
		PERFORM vp_refuse(422, 'unknown-activity',
		    format('No activity has code %s.', p_code),
		    jsonb_build_object('activity', p_code));
	END IF;
	RETURN a;
END
$$;

-- Whole minutes of service between two times: the seconds are dropped.
CREATE OR REPLACE FUNCTION vp_minutes(p_start timestamptz, p_end timestamptz)
RETURNS integer LANGUAGE sql STABLE AS $$
	SELECT (extract(epoch FROM date_trunc('minute', p_end)
	    - date_trunc('minute', p_start)) / 60)::integer
$$;

-- The points rule (see doc/api.md): each minute of service weighs the
-- highest percent of the windows its local time falls in (100 outside
-- any), and the points are floor(sum of weights * points_per_hour / 6000).
-- Before the daily cap. The minutes are real ones, also across a change
-- to or from summer time; windows are read on the local clock.
CREATE OR REPLACE FUNCTION vp_rule_points(a activities, p_start timestamptz,
    p_end timestamptz) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_minutes integer := vp_minutes(p_start, p_end);
	v_weight bigint;
BEGIN
	IF a.multipliers = '[]' THEN
		RETURN (v_minutes::bigint * a.points_per_hour / 60)::integer;
	END IF;
	SELECT sum(coalesce((
	    SELECT max((w ->> 'percent')::integer)
	    FROM jsonb_array_elements(a.multipliers) w
	    WHERE CASE WHEN w ? 'dates' THEN
		    l::date IN (SELECT d::date FROM jsonb_array_elements_text(w -> 'dates') d)
		WHEN (w ->> 'from')::time < (w ->> 'to')::time THEN
		    l::time >= (w ->> 'from')::time AND l::time < (w ->> 'to')::time
		ELSE
		    l::time >= (w ->> 'from')::time OR l::time < (w ->> 'to')::time
		END), 100))
	INTO v_weight
	FROM generate_series(date_trunc('minute', p_start),
	    date_trunc('minute', p_end) - interval '1 minute',
	    interval '1 minute') m,
	    LATERAL (SELECT m::timestamp AS l) local;
	RETURN (coalesce(v_weight, 0) * a.points_per_hour / 6000)::integer;
END
$$;

-- The points a new shift earns: the rule, then the daily cap, counting
-- the points of the volunteer's other current shifts of that activity
-- that started the same day (the volunteer row is locked by the caller).
CREATE OR REPLACE FUNCTION vp_shift_points(p_volunteer bigint, a activities,
    p_start timestamptz, p_end timestamptz, p_except bigint)
RETURNS integer LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_points integer := vp_rule_points(a, p_start, p_end);
	v_day timestamptz := date_trunc('day', p_start);
	v_taken bigint;
BEGIN
	IF a.daily_cap IS NULL THEN
		RETURN v_points;
	END IF;
	SELECT coalesce(sum(s.points), 0) INTO v_taken FROM shifts s
	WHERE s.volunteer_id = p_volunteer AND s.activity_id = a.id
	AND s.started_at >= v_day AND s.started_at < v_day + interval '1 day'
	AND s.id IS DISTINCT FROM p_except
	AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id);
	RETURN greatest(0, least(v_points, a.daily_cap - v_taken))::integer;
END
$$;

-- Refuse a shift that breaks a rule of the service record. p_end NULL: an
-- open check-in. p_except: the shift being corrected or the check-in being
-- closed, which may overlap itself. (A shift that overlaps [p_start,
-- p_end) and lasts at most 24 hours started after p_start - 24 hours, so
-- the index on (volunteer_id, started_at) is read from there on, not the
-- volunteer's whole history; a longer shift, which no operation records
-- but a row could still be, is looked up in its own partial index,
-- shifts_longer_than_a_day.)
CREATE OR REPLACE FUNCTION vp_shift_check(v volunteers, p_start timestamptz,
    p_end timestamptz, p_except bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
	o record;
BEGIN
	IF v.status <> 'active' THEN
		PERFORM vp_refuse(409, 'volunteer-suspended', format('Volunteer %s '
		    'is %s: no shift can be recorded.', v.number, v.status),
		    jsonb_build_object('volunteer', v.number,
		    'volunteer_status', v.status));
	END IF;
	IF p_start > now() + interval '60 seconds' THEN
		PERFORM vp_refuse(422, 'start-in-future',
		    'A shift cannot start in the future.',
		    jsonb_build_object('start', p_start));
	END IF;
	IF p_end IS NOT NULL THEN
		IF p_end <= p_start THEN
			PERFORM vp_refuse(422, 'end-before-start',
			    'A shift must end after it starts.',
			    jsonb_build_object('start', p_start, 'end', p_end));
		END IF;
		IF p_end > now() + interval '60 seconds' THEN
			PERFORM vp_refuse(422, 'end-in-future',
			    'A completed shift cannot end in the future.',
			    jsonb_build_object('end', p_end));
		END IF;
		IF p_end - p_start > interval '24 hours' THEN
			PERFORM vp_refuse(422, 'shift-too-long',
			    'A shift lasts at most 24 hours.',
			    jsonb_build_object('start', p_start, 'end', p_end,
			    'max_hours', 24));
		END IF;
		IF vp_minutes(p_start, p_end) < 1 THEN
			PERFORM vp_refuse(422, 'shift-too-short',
			    'A shift lasts at least one whole minute.',
			    jsonb_build_object('start', p_start, 'end', p_end,
			    'min_minutes', 1));
		END IF;
	END IF;
	-- The first record in the way, said in the refusal: a shift (the
	-- two indexed lookups above) or an open check-in.
	SELECT * INTO o FROM (
		(SELECT 'shift' AS kind, s.id, s.started_at, s.ended_at
		FROM shifts s
		WHERE s.volunteer_id = v.id AND s.id IS DISTINCT FROM p_except
		AND s.started_at < coalesce(p_end, 'infinity') AND s.ended_at > p_start
		AND s.started_at > p_start - interval '24 hours'
		AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)
		LIMIT 1)
		UNION ALL
		(SELECT 'shift', s.id, s.started_at, s.ended_at
		FROM shifts s
		WHERE s.volunteer_id = v.id
		AND s.ended_at - s.started_at > interval '24 hours'
		AND s.id IS DISTINCT FROM p_except
		AND s.started_at < coalesce(p_end, 'infinity') AND s.ended_at > p_start
		AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)
		LIMIT 1)
		UNION ALL
		(SELECT 'checkin', k.id, k.started_at, NULL::timestamptz
		FROM checkins k
		WHERE k.volunteer_id = v.id AND k.closed_at IS NULL
		AND k.id IS DISTINCT FROM p_except
		AND k.started_at < coalesce(p_end, 'infinity')
		LIMIT 1)) x
	LIMIT 1;
	IF FOUND THEN
		PERFORM vp_refuse(409, 'shift-overlap', format('Volunteer %s has '
		    'another shift or an open check-in at that time.', v.number),
		    jsonb_build_object('volunteer', v.number, 'other_kind', o.kind,
		    'other_id', o.id, 'other_start', o.started_at,
		    'other_end', o.ended_at));
	END IF;
END
$$;

-- A shift as JSON.
CREATE OR REPLACE FUNCTION vp_shift_json(s shifts) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN jsonb_strip_nulls(jsonb_build_object('id', s.id,
	    'volunteer', (SELECT number FROM volunteers WHERE id = s.volunteer_id),
	    'activity', (SELECT code FROM activities WHERE id = s.activity_id),
	    'activity_name', s.activity_name, 'place', s.place,
	    'served', s.served, 'content', s.content, 'lead', s.lead,
	    'started_at', s.started_at, 'ended_at', s.ended_at,
	    'minutes', s.minutes, 'points', s.points,
	    'station', (SELECT code FROM stations WHERE id = s.station_id),
	    'recorder', s.keyid, 'source', s.source,
	    'corrects', s.corrects, 'reason', s.reason,
	    'status', CASE WHEN EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)
		THEN 'corrected' ELSE 'recorded' END,
	    'recorded_at', s.created_at));
END
$$;

-- Whether a shift is the record of help given (vp_op_help_complete) or a
-- correction of one, however many times corrected: the requester pays
-- the helper, so no such record earns points of the issuance.
CREATE OR REPLACE FUNCTION vp_shift_of_help(p_shift bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE chain AS (
		SELECT s.id, s.corrects FROM shifts s WHERE s.id = p_shift
		UNION ALL
		SELECT s.id, s.corrects FROM shifts s JOIN chain c
		    ON s.id = c.corrects
	)
	SELECT EXISTS (SELECT 1 FROM help_requests h JOIN chain c
	    ON h.shift_id = c.id)
$$;

-- Record a closed shift and award its points (one transfer from the
-- volunteer's part of the community's issuance account; none for a
-- correction of help given, vp_shift_of_help). p_details: its
-- descriptive fields as vp_shift_details checked them (or a check-in
-- kept them); p_id: the check-in's id, or NULL.
CREATE OR REPLACE FUNCTION vp_shift_record(caller vp_caller, v volunteers, a activities,
    p_details jsonb, p_start timestamptz, p_end timestamptz, p_id bigint,
    p_source text, p_corrects bigint, p_reason text)
RETURNS shifts LANGUAGE plpgsql AS $$
DECLARE
	s shifts;
BEGIN
	PERFORM vp_activity_required(v, a, p_start);
	PERFORM vp_after_move(v, p_start);
	INSERT INTO shifts (id, volunteer_id, community_id, station_id, keyid,
	    activity_id, activity_name, place, served, content, lead,
	    started_at, ended_at, minutes, points, source, corrects, reason)
	VALUES (coalesce(p_id, nextval('shift_ids')), v.id, v.community_id,
	    caller.station_id, caller.keyid, a.id,
	    p_details ->> 'activity_name', p_details ->> 'place',
	    p_details ->> 'served', p_details ->> 'content',
	    p_details ->> 'lead', p_start, p_end,
	    vp_minutes(p_start, p_end),
	    CASE WHEN p_corrects IS NOT NULL AND vp_shift_of_help(p_corrects)
		THEN 0 ELSE vp_shift_points(v.id, a, p_start, p_end, p_corrects)
		END,
	    p_source, p_corrects, p_reason)
	RETURNING * INTO s;
	IF s.points > 0 THEN
		PERFORM vp_transfer(vp_issuance_account(v.community_id,
		    vp_issuance_part(v.id)),
		    (SELECT id FROM accounts WHERE volunteer_id = v.id),
		    s.points, 'shift', s.id, NULL, NULL);
	END IF;
	RETURN s;
END
$$;

-- The descriptive fields of a shift in a request, checked: texts of
-- bounded length, absent or null when not given.
CREATE OR REPLACE FUNCTION vp_shift_details(args jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN jsonb_strip_nulls(jsonb_build_object(
	    'activity_name', vp_text_opt(args, 'activity_name'),
	    'place', vp_text_opt(args, 'place'),
	    'served', vp_text_opt(args, 'served'),
	    'content', vp_text_opt(args, 'content', 2000),
	    'lead', vp_text_opt(args, 'lead', 100)));
END
$$;

-- Record a completed shift (POST /v1/shifts, and each row of an import,
-- which gives the id it took for the row beforehand).
CREATE OR REPLACE FUNCTION vp_shift_log(caller vp_caller, args jsonb,
    p_id bigint DEFAULT NULL)
RETURNS shifts LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	a activities := vp_activity_get(vp_text(args, 'activity', 32));
	v_start timestamptz := vp_time(args, 'started_at', true);
	v_end timestamptz := vp_time(args, 'ended_at', true);
BEGIN
	PERFORM vp_shift_check(v, v_start, v_end, NULL);
	RETURN vp_shift_record(caller, v, a, vp_shift_details(args),
	    v_start, v_end, p_id, 'log', NULL, NULL);
END
$$;

-- POST /v1/shifts: a completed shift.
CREATE OR REPLACE FUNCTION vp_op_shift_log(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 201;
	body := vp_shift_json(vp_shift_log(caller, args));
END
$$;

-- An open check-in as JSON.
CREATE OR REPLACE FUNCTION vp_checkin_json(k checkins) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN jsonb_build_object('id', k.id,
	    'volunteer', (SELECT number FROM volunteers WHERE id = k.volunteer_id),
	    'activity', (SELECT code FROM activities WHERE id = k.activity_id),
	    'started_at', k.started_at, 'status', 'open',
	    'station', (SELECT code FROM stations WHERE id = k.station_id))
	    || k.details;
END
$$;

-- GET /v1/checkins: the open check-ins, oldest first, with the
-- volunteer's name, for the check-in board: a station key's community's;
-- an admin's of every community, or of the one named. The partial index
-- checkins_volunteer_id_idx holds the open ones only, however many
-- closed ones pile up.
CREATE OR REPLACE FUNCTION vp_op_checkin_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_scope bigint[] := vp_community_scope(caller, args);
	v_limit integer := vp_limit(args, 100, 1000);
BEGIN
	status := 200;
	SELECT jsonb_build_object('checkins', coalesce(jsonb_agg(
	    vp_checkin_json(x.k) || jsonb_build_object('name', x.name)
	    ORDER BY (x.k).started_at, (x.k).id), '[]')) INTO body
	FROM (SELECT k, v.name FROM checkins k
	    JOIN volunteers v ON v.id = k.volunteer_id
	    WHERE k.closed_at IS NULL
	    AND (v_scope IS NULL OR k.community_id = ANY (v_scope))
	    ORDER BY k.started_at, k.id LIMIT v_limit) x;
END
$$;

-- POST /v1/shifts/checkin: open a shift. Against a sign-up
-- (sql/functions/events.sql): the event named, or the volunteer's
-- sign-up for an event running now; the shift is then the event's
-- activity, title, place and lead, unless the request says otherwise.
CREATE OR REPLACE FUNCTION vp_op_shift_checkin(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	v_activity text := vp_text_opt(args, 'activity', 32);
	v_start timestamptz := coalesce(vp_time(args, 'started_at', false), now());
	v_details jsonb := vp_shift_details(args);
	a activities;
	s signups;
	e events;
	k checkins;
BEGIN
	IF caller.community_id IS NULL THEN
		PERFORM vp_refuse(403, 'station-only', 'Check-ins happen at a '
		    'station: use a station key.');
	END IF;
	IF v_activity IS NOT NULL THEN
		a := vp_activity_get(v_activity);
	END IF;
	s := vp_checkin_signup(caller, v, vp_event_ref(args, 'event'),
	    v_activity, v_start);
	IF s.id IS NOT NULL THEN
		SELECT * INTO e FROM events WHERE id = s.event_id;
		SELECT * INTO a FROM activities WHERE id = e.activity_id;
		v_details := jsonb_strip_nulls(jsonb_build_object(
		    'activity_name', e.title, 'place', e.place, 'lead', e.lead))
		    || v_details;
	END IF;
	PERFORM vp_shift_check(v, v_start, NULL, NULL);
	PERFORM vp_activity_required(v, a, v_start);
	INSERT INTO checkins (volunteer_id, community_id, station_id, keyid,
	    activity_id, details, started_at)
	VALUES (v.id, v.community_id, caller.station_id, caller.keyid, a.id,
	    v_details, v_start)
	RETURNING * INTO k;
	IF s.id IS NOT NULL THEN
		UPDATE signups SET shift_id = k.id WHERE id = s.id;
	END IF;
	status := 201;
	body := vp_checkin_json(k) || jsonb_strip_nulls(jsonb_build_object(
	    'event', e.id, 'signup', s.id, 'walk_in', s.walk_in));
END
$$;

-- POST /v1/shifts/{id}/checkout: close it and award the points.
CREATE OR REPLACE FUNCTION vp_op_shift_checkout(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	k checkins;
	v volunteers;
	v_end timestamptz := coalesce(vp_time(args, 'ended_at', false), now());
	v_id text := vp_text(args, 'id', 20);
BEGIN
	IF v_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-shift', format('No shift has id %s.', v_id),
		    jsonb_build_object('shift', v_id));
	END IF;
	SELECT * INTO k FROM checkins WHERE id = v_id::bigint;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM shifts WHERE id = v_id::bigint) THEN
			PERFORM vp_refuse(409, 'shift-not-open',
			    format('Shift %s is not an open check-in.', v_id),
			    jsonb_build_object('shift', v_id));
		END IF;
		PERFORM vp_refuse(404, 'unknown-shift', format('No shift has id %s.', v_id),
		    jsonb_build_object('shift', v_id));
	END IF;
	v := vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = k.volunteer_id), true);
	SELECT * INTO k FROM checkins WHERE id = k.id FOR UPDATE;
	IF k.closed_at IS NOT NULL THEN
		PERFORM vp_refuse(409, 'shift-not-open',
		    format('Shift %s was checked out already.', v_id),
		    jsonb_build_object('shift', v_id));
	END IF;
	PERFORM vp_shift_check(v, k.started_at, v_end, k.id);
	UPDATE checkins SET closed_at = now() WHERE id = k.id;
	status := 201;
	body := vp_shift_json(vp_shift_record(caller, v,
	    (SELECT a FROM activities a WHERE a.id = k.activity_id),
	    k.details, k.started_at, v_end, k.id, 'checkout', NULL, NULL));
END
$$;

-- POST /v1/shifts/{id}/corrections: a new record replacing a shift; the
-- old one stays, its points reversed.
CREATE OR REPLACE FUNCTION vp_op_shift_correct(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	old shifts;
	s shifts;
	v volunteers;
	a activities;
	t transfers;
	v_id text := vp_text(args, 'id', 20);
	v_reason text := vp_text(args, 'reason', 500);
	v_account bigint;
BEGIN
	IF v_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-shift', format('No shift has id %s.', v_id),
		    jsonb_build_object('shift', v_id));
	END IF;
	SELECT * INTO old FROM shifts WHERE id = v_id::bigint;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM checkins WHERE id = v_id::bigint) THEN
			PERFORM vp_refuse(409, 'shift-not-open', format('Shift %s is '
			    'an open check-in: check it out, then correct it.', v_id),
			    jsonb_build_object('shift', v_id));
		END IF;
		PERFORM vp_refuse(404, 'unknown-shift', format('No shift has id %s.', v_id),
		    jsonb_build_object('shift', v_id));
	END IF;
	v := vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = old.volunteer_id), true);
	PERFORM vp_after_move(v, old.started_at);
	IF EXISTS (SELECT 1 FROM shifts WHERE corrects = old.id) THEN
		PERFORM vp_refuse(409, 'already-corrected', format('Shift %s was '
		    'corrected already; correct the newest record.', v_id),
		    jsonb_build_object('shift', v_id));
	END IF;
	a := CASE WHEN args ? 'activity' THEN vp_activity_get(vp_text(args, 'activity', 32))
	    ELSE (SELECT x FROM activities x WHERE x.id = old.activity_id) END;
	PERFORM vp_shift_check(v, coalesce(vp_time(args, 'started_at', false), old.started_at),
	    coalesce(vp_time(args, 'ended_at', false), old.ended_at), old.id);
	s := vp_shift_record(caller, v, a, jsonb_strip_nulls(jsonb_build_object(
		'activity_name', old.activity_name, 'place', old.place,
		'served', old.served, 'content', old.content, 'lead', old.lead))
	    || vp_shift_details(args),
	    coalesce(vp_time(args, 'started_at', false), old.started_at),
	    coalesce(vp_time(args, 'ended_at', false), old.ended_at),
	    NULL, 'correction', old.id, v_reason);
	-- Reverse what the old record earned (after the new award, so the
	-- balance dips only by the difference).
	v_account := (SELECT id FROM accounts WHERE volunteer_id = v.id);
	FOR t IN SELECT * FROM transfers WHERE shift_id = old.id AND cause = 'shift' LOOP
		IF (SELECT balance FROM accounts WHERE id = v_account) < t.amount THEN
			PERFORM vp_refuse(409, 'points-already-spent', format(
			    'Volunteer %s has spent points of shift %s: the correction '
			    'would take the balance below zero.', v.number, v_id),
			    jsonb_build_object('volunteer', v.number,
			    'shift', v_id, 'balance', (SELECT balance FROM accounts
			    WHERE id = v_account), 'points', t.amount));
		END IF;
		PERFORM vp_transfer(v_account, t.from_account, t.amount, 'reversal',
		    old.id, t.id, v_reason);
	END LOOP;
	status := 201;
	body := vp_shift_json(s);
END
$$;

-- GET /v1/shifts?volunteer=&from=&to=&limit=
CREATE OR REPLACE FUNCTION vp_op_shift_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), false);
	v_from date := vp_date_opt(args, 'from');
	v_to date := vp_date_opt(args, 'to');
	v_limit integer := vp_limit(args, 100, 1000);
BEGIN
	status := 200;
	SELECT jsonb_build_object('volunteer', v.number, 'shifts',
	    coalesce(jsonb_agg(vp_shift_json(x) ORDER BY x.started_at DESC, x.id DESC), '[]'))
	INTO body
	FROM (SELECT * FROM shifts s WHERE s.volunteer_id = v.id
	    AND (v_from IS NULL OR s.started_at >= v_from)
	    AND (v_to IS NULL OR s.started_at < v_to + 1)
	    ORDER BY s.started_at DESC, s.id DESC LIMIT v_limit) x;
	body := body || jsonb_build_object('open', (SELECT coalesce(jsonb_agg(
	    vp_checkin_json(k) ORDER BY k.id), '[]') FROM checkins k
	    WHERE k.volunteer_id = v.id AND k.closed_at IS NULL));
END
$$;
