-- The record of service beyond the service itself, as the national rules
-- for volunteer service records name it: training and qualifications,
-- awards and commendations, evaluations (sql/migrations/
-- 015_service_record.sql has the tables). Training is recorded apart
-- from shifts and never counts as service hours.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- A date a record may carry that the months lock does not govern (the
-- date of an award or of a qualification's issue: a fact of elsewhere,
-- in no monthly report): only never in the future.
CREATE OR REPLACE FUNCTION vp_date_past(args jsonb, p_field text, p_required boolean)
RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
	v date := vp_date_opt(args, p_field);
BEGIN
	IF v IS NULL AND p_required THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" is required', p_field),
		    jsonb_build_object('field', p_field, 'reason', 'required'));
	END IF;
	IF v > current_date THEN
		PERFORM vp_refuse(422, 'date-in-future', format('%s (%s) is in '
		    'the future.', p_field, v),
		    jsonb_build_object('field', p_field, 'date', v));
	END IF;
	RETURN v;
END
$$;

-- A qualification's code: lower-case letters, digits, - and _.
CREATE OR REPLACE FUNCTION vp_qualification_code(args jsonb, p_field text)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := vp_text_opt(args, p_field, 32);
BEGIN
	IF v IS NOT NULL AND v !~ '^[a-z0-9][a-z0-9_-]{0,31}$' THEN
		PERFORM vp_refuse(422, 'invalid-field', format('"%s" must be a '
		    'code of lower-case letters, digits, - and _, such as '
		    'first-aid', p_field),
		    jsonb_build_object('field', p_field, 'reason', 'lower-code',
		    'max_length', 32));
	END IF;
	RETURN v;
END
$$;

-- Whether a volunteer holds a qualification on a day: a grant issued by
-- then that has not expired by then (expires_on is the first day it no
-- longer holds). For the requirements of activities and, later, of
-- sign-ups; p_at NULL: today.
CREATE OR REPLACE FUNCTION vp_volunteer_qualified(p_volunteer bigint,
    p_qualification text, p_at date DEFAULT NULL) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM qualification_grants g
	    WHERE g.volunteer_id = p_volunteer
	    AND g.qualification = p_qualification
	    AND g.issued_on <= coalesce(p_at, current_date)
	    AND (g.expires_on IS NULL OR g.expires_on > coalesce(p_at, current_date)))
$$;

-- Refuse service in an activity that requires a qualification the
-- volunteer did not hold on the day the service starts (in the daemon's
-- time zone): a shift, a check-in, its check-out, a correction.
CREATE OR REPLACE FUNCTION vp_activity_required(v volunteers, a activities,
    p_start timestamptz) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF a.requires IS NOT NULL AND NOT vp_volunteer_qualified(v.id,
	    a.requires, p_start::date) THEN
		PERFORM vp_refuse(409, 'qualification-required', format('Activity '
		    '%s requires qualification %s, which volunteer %s did not '
		    'hold on %s.', a.code, a.requires, v.number, p_start::date),
		    jsonb_build_object('activity', a.code, 'qualification',
		    a.requires, 'volunteer', v.number, 'date', p_start::date));
	END IF;
END
$$;

-- Training sessions: the date they were held on is a dated record (its
-- hours count in that month's training report).
CREATE OR REPLACE FUNCTION vp_training_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_dated(NEW.held_on::timestamptz, '"held_on"');
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER trainings_dated BEFORE INSERT ON trainings
	FOR EACH ROW EXECUTE FUNCTION vp_training_dated();

-- Attendance counts in its training's month.
CREATE OR REPLACE FUNCTION vp_attendance_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_dated((SELECT t.held_on::timestamptz FROM trainings t
	    WHERE t.id = NEW.training_id), 'The training''s date');
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER training_attendance_dated BEFORE INSERT
	ON training_attendance FOR EACH ROW EXECUTE FUNCTION vp_attendance_dated();

-- A reversal takes an evaluation out of the month it was recorded in.
CREATE OR REPLACE FUNCTION vp_evaluation_reversal_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_dated((SELECT e.at FROM evaluations e
	    WHERE e.id = NEW.evaluation_id), 'The evaluation''s time');
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER evaluation_reversals_dated BEFORE INSERT
	ON evaluation_reversals FOR EACH ROW
	EXECUTE FUNCTION vp_evaluation_reversal_dated();

-- The tables of this file are append-only.
CREATE OR REPLACE TRIGGER trainings_append_only BEFORE UPDATE OR DELETE
	ON trainings FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER training_attendance_append_only BEFORE UPDATE OR DELETE
	ON training_attendance FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER qualification_grants_append_only BEFORE UPDATE OR DELETE
	ON qualification_grants FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER awards_append_only BEFORE UPDATE OR DELETE
	ON awards FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER evaluations_append_only BEFORE UPDATE OR DELETE
	ON evaluations FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER evaluation_reversals_append_only BEFORE UPDATE OR DELETE
	ON evaluation_reversals FOR EACH ROW EXECUTE FUNCTION vp_append_only();

-- A training as JSON, with who attended.
CREATE OR REPLACE FUNCTION vp_training_json(t trainings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('id', t.id,
	    'community', (SELECT code FROM communities WHERE id = t.community_id),
	    'station', (SELECT code FROM stations WHERE id = t.station_id),
	    'course', t.course, 'held_on', t.held_on, 'minutes', t.minutes,
	    'hours', vp_hours(t.minutes), 'trainer', t.trainer, 'place', t.place,
	    'qualification', t.qualification, 'valid_months', t.valid_months,
	    'recorded_at', t.created_at))
	    || jsonb_build_object('attendees', (SELECT coalesce(jsonb_agg(
		v.number ORDER BY v.number), '[]')
		FROM training_attendance a JOIN volunteers v ON v.id = a.volunteer_id
		WHERE a.training_id = t.id))
$$;

-- POST /v1/trainings: a training session held for the station's
-- community (an admin names one).
CREATE OR REPLACE FUNCTION vp_op_training_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	t trainings;
	v_hours text := args ->> 'hours';
	v_qual text := vp_qualification_code(args, 'qualification');
	v_valid bigint;
	v_held date := vp_date_opt(args, 'held_on');
BEGIN
	IF v_hours IS NULL OR v_hours !~ '^[0-9]{1,2}(\.[0-9]{1,2})?$'
	    OR v_hours::numeric <= 0 OR v_hours::numeric > 24 THEN
		PERFORM vp_refuse(422, 'invalid-field', '"hours" must be a '
		    'number of hours above 0 and at most 24, to two decimals',
		    jsonb_build_object('field', 'hours', 'reason', 'hours',
		    'max', 24));
	END IF;
	IF v_held IS NULL THEN
		PERFORM vp_refuse(422, 'invalid-field', '"held_on" is required',
		    jsonb_build_object('field', 'held_on', 'reason', 'required'));
	END IF;
	IF args ? 'valid_months' THEN
		IF v_qual IS NULL THEN
			PERFORM vp_refuse(422, 'invalid-field', '"valid_months" '
			    'needs the "qualification" the training grants',
			    jsonb_build_object('field', 'valid_months',
			    'reason', 'needs', 'needs', 'qualification'));
		END IF;
		v_valid := vp_int(args, 'valid_months', 1, 1200);
	END IF;
	INSERT INTO trainings (community_id, station_id, keyid, course, held_on,
	    minutes, trainer, place, qualification, valid_months)
	VALUES (vp_community_for(caller, args), caller.station_id, caller.keyid,
	    vp_text(args, 'course', 200), v_held,
	    greatest(1, round(v_hours::numeric * 60)),
	    vp_text_opt(args, 'trainer', 100), vp_text_opt(args, 'place', 200),
	    v_qual, v_valid)
	RETURNING * INTO t;
	status := 201;
	body := vp_training_json(t);
END
$$;

-- POST /v1/trainings/{id}/attend {"volunteer"}: a volunteer of the
-- training's community attended it; a training that grants a
-- qualification grants it from its date.
CREATE OR REPLACE FUNCTION vp_op_training_attend(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	t trainings;
	v volunteers;
	v_id text := vp_text(args, 'id', 20);
BEGIN
	IF v_id ~ '^[0-9]{1,18}$' THEN
		SELECT * INTO t FROM trainings WHERE id = v_id::bigint;
	END IF;
	IF t.id IS NULL OR NOT vp_covers(caller, t.community_id) THEN
		PERFORM vp_refuse(404, 'unknown-training',
		    format('No training of this community has id %s.', v_id),
		    jsonb_build_object('training', v_id));
	END IF;
	v := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	IF v.community_id <> t.community_id THEN
		PERFORM vp_refuse(409, 'outside-community', format('Volunteer %s '
		    'is registered in another community than training %s.',
		    v.number, t.id),
		    jsonb_build_object('volunteer', v.number, 'training', t.id));
	END IF;
	IF EXISTS (SELECT 1 FROM training_attendance a
	    WHERE a.training_id = t.id AND a.volunteer_id = v.id) THEN
		PERFORM vp_refuse(409, 'already-attended', format('Volunteer %s '
		    'is recorded at training %s already.', v.number, t.id),
		    jsonb_build_object('volunteer', v.number, 'training', t.id));
	END IF;
	INSERT INTO training_attendance (training_id, volunteer_id, keyid)
	VALUES (t.id, v.id, caller.keyid);
	IF t.qualification IS NOT NULL THEN
		INSERT INTO qualification_grants (volunteer_id, qualification,
		    issued_on, expires_on, training_id, keyid)
		VALUES (v.id, t.qualification, t.held_on, t.held_on
		    + make_interval(months => t.valid_months), t.id, caller.keyid);
	END IF;
	status := 201;
	body := vp_training_json(t);
END
$$;

-- GET /v1/trainings[?volunteer=][&from=&to=]: the trainings of the
-- caller's community (an admin: of the community named, or all), or
-- those a volunteer attended, newest first.
CREATE OR REPLACE FUNCTION vp_op_training_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers;
	v_scope bigint[];
	v_from date := vp_date_opt(args, 'from');
	v_to date := vp_date_opt(args, 'to');
BEGIN
	IF args ? 'volunteer' THEN
		v := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), false);
	ELSE
		v_scope := vp_community_scope(caller, args);
	END IF;
	status := 200;
	SELECT jsonb_build_object('trainings', coalesce(jsonb_agg(
	    vp_training_json(t) ORDER BY t.held_on DESC, t.id DESC), '[]'))
	INTO body FROM trainings t
	WHERE (v.id IS NULL OR EXISTS (SELECT 1 FROM training_attendance a
		WHERE a.training_id = t.id AND a.volunteer_id = v.id))
	AND (v.id IS NOT NULL OR v_scope IS NULL OR t.community_id = ANY (v_scope))
	AND (v_from IS NULL OR t.held_on >= v_from)
	AND (v_to IS NULL OR t.held_on <= v_to);
	IF v.id IS NOT NULL THEN
		body := body || jsonb_build_object('volunteer', v.number);
	END IF;
END
$$;

-- A qualification grant as JSON, valid or not today.
CREATE OR REPLACE FUNCTION vp_grant_json(g qualification_grants) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('id', g.id,
	    'volunteer', (SELECT number FROM volunteers WHERE id = g.volunteer_id),
	    'qualification', g.qualification, 'issued_on', g.issued_on,
	    'expires_on', g.expires_on, 'training', g.training_id,
	    'note', g.note, 'recorded_at', g.at,
	    'valid', g.issued_on <= current_date
		AND (g.expires_on IS NULL OR g.expires_on > current_date)))
$$;

-- POST /v1/qualifications: a station grants a qualification to a
-- volunteer of its community.
CREATE OR REPLACE FUNCTION vp_op_qualification_grant(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	g qualification_grants;
	v_qual text := vp_qualification_code(args, 'qualification');
	v_issued date := vp_date_past(args, 'issued_on', true);
	v_expires date := vp_date_opt(args, 'expires_on');
BEGIN
	IF v_qual IS NULL THEN
		PERFORM vp_refuse(422, 'invalid-field', '"qualification" is required',
		    jsonb_build_object('field', 'qualification',
		    'reason', 'required'));
	END IF;
	IF v_expires <= v_issued THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"expires_on" must be after "issued_on"',
		    jsonb_build_object('field', 'expires_on', 'reason', 'after',
		    'after', 'issued_on'));
	END IF;
	INSERT INTO qualification_grants (volunteer_id, qualification,
	    issued_on, expires_on, keyid, note)
	VALUES (v.id, v_qual, v_issued, v_expires, caller.keyid,
	    vp_text_opt(args, 'note', 500))
	RETURNING * INTO g;
	status := 201;
	body := vp_grant_json(g);
END
$$;

-- GET /v1/qualifications[?volunteer=][&expiring_within=DAYS]: a
-- volunteer's qualifications; or, of the caller's community (an admin:
-- the one named, or the city), the grants still valid today that expire
-- within DAYS (default 30) and that no later grant of the same
-- qualification outlasts: whom to train again.
CREATE OR REPLACE FUNCTION vp_op_qualification_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers;
	v_scope bigint[];
	v_days bigint := 30;
BEGIN
	status := 200;
	IF args ? 'volunteer' THEN
		v := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), false);
		SELECT jsonb_build_object('volunteer', v.number, 'qualifications',
		    coalesce(jsonb_agg(vp_grant_json(g) ORDER BY g.qualification,
			g.issued_on DESC, g.id DESC), '[]'))
		INTO body FROM qualification_grants g WHERE g.volunteer_id = v.id;
		RETURN;
	END IF;
	v_scope := vp_community_scope(caller, args);
	IF args ? 'expiring_within' THEN
		IF (args ->> 'expiring_within') !~ '^[0-9]{1,4}$' THEN
			PERFORM vp_refuse(422, 'invalid-field',
			    '"expiring_within" must be a number of days, 0 to 9999',
			    jsonb_build_object('field', 'expiring_within',
			    'reason', 'range', 'min', 0, 'max', 9999));
		END IF;
		v_days := (args ->> 'expiring_within')::bigint;
	END IF;
	SELECT jsonb_build_object('expiring_within', v_days, 'qualifications',
	    coalesce(jsonb_agg(vp_grant_json(g) || jsonb_build_object(
		'name', p.name, 'community', c.code)
		ORDER BY g.expires_on, p.number, g.qualification), '[]'))
	INTO body
	FROM qualification_grants g
	JOIN volunteers p ON p.id = g.volunteer_id
	JOIN communities c ON c.id = p.community_id
	WHERE (v_scope IS NULL OR p.community_id = ANY (v_scope))
	AND p.status <> 'left'
	AND g.expires_on > current_date AND g.expires_on <= current_date + v_days::integer
	AND g.issued_on <= current_date
	AND NOT EXISTS (SELECT 1 FROM qualification_grants o
	    WHERE o.volunteer_id = g.volunteer_id
	    AND o.qualification = g.qualification AND o.id <> g.id
	    AND o.issued_on <= current_date
	    AND (o.expires_on IS NULL OR o.expires_on > g.expires_on));
END
$$;

-- An award as JSON.
CREATE OR REPLACE FUNCTION vp_award_json(a awards) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('id', a.id,
	    'volunteer', (SELECT number FROM volunteers WHERE id = a.volunteer_id),
	    'title', a.title, 'level', a.level, 'awarded_on', a.awarded_on,
	    'issuer', a.issuer, 'reason', a.reason, 'corrects', a.corrects,
	    'correction', a.correction, 'withdrawn', CASE WHEN a.withdrawn
		THEN true END,
	    'recorded_at', a.at))
$$;

-- A volunteer's awards that stand: not replaced by a correction, not
-- withdrawn. (For the record, its export and its certificates.)
CREATE OR REPLACE FUNCTION vp_awards_of(p_volunteer bigint) RETURNS SETOF awards
LANGUAGE sql STABLE AS $$
	SELECT a.* FROM awards a
	WHERE a.volunteer_id = p_volunteer AND NOT a.withdrawn
	AND NOT EXISTS (SELECT 1 FROM awards c WHERE c.corrects = a.id)
$$;

-- The level of an award, checked.
CREATE OR REPLACE FUNCTION vp_award_level(args jsonb, p_required boolean)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := vp_text_opt(args, 'level', 16);
BEGIN
	IF (v IS NULL AND p_required) OR v NOT IN ('community', 'street',
	    'district', 'city', 'province', 'national') THEN
		PERFORM vp_refuse(422, 'invalid-field', '"level" must be '
		    'community, street, district, city, province or national',
		    jsonb_build_object('field', 'level', 'reason', 'choice',
		    'choices', jsonb_build_array('community', 'street',
		    'district', 'city', 'province', 'national')));
	END IF;
	RETURN v;
END
$$;

-- POST /v1/awards: an award or commendation of a volunteer.
CREATE OR REPLACE FUNCTION vp_op_award_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	a awards;
BEGIN
	INSERT INTO awards (volunteer_id, title, level, awarded_on, issuer,
	    reason, keyid)
	VALUES (v.id, vp_text(args, 'title', 200), vp_award_level(args, true),
	    vp_date_past(args, 'awarded_on', true), vp_text(args, 'issuer', 200),
	    vp_text_opt(args, 'reason', 1000), caller.keyid)
	RETURNING * INTO a;
	status := 201;
	body := vp_award_json(a);
END
$$;

-- POST /v1/awards/{id}/corrections {"correction", fields to change |
-- "withdraw": true}: a new record replacing the award, which stays.
CREATE OR REPLACE FUNCTION vp_op_award_correct(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	old awards;
	a awards;
	v_id text := vp_text(args, 'id', 20);
	v_withdraw boolean := coalesce(vp_bool_opt(args, 'withdraw'), false);
BEGIN
	IF v_id ~ '^[0-9]{1,18}$' THEN
		SELECT * INTO old FROM awards WHERE id = v_id::bigint;
	END IF;
	IF old.id IS NULL THEN
		PERFORM vp_refuse(404, 'unknown-award',
		    format('No award has id %s.', v_id),
		    jsonb_build_object('award', v_id));
	END IF;
	PERFORM vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = old.volunteer_id), true);
	IF old.withdrawn OR EXISTS (SELECT 1 FROM awards WHERE corrects = old.id) THEN
		PERFORM vp_refuse(409, 'already-corrected', format('Award %s was '
		    'corrected or withdrawn already; correct the newest record.',
		    v_id), jsonb_build_object('award', v_id));
	END IF;
	INSERT INTO awards (volunteer_id, title, level, awarded_on, issuer,
	    reason, corrects, correction, withdrawn, keyid)
	VALUES (old.volunteer_id,
	    coalesce(vp_text_opt(args, 'title', 200), old.title),
	    coalesce(vp_award_level(args, false), old.level),
	    coalesce(vp_date_past(args, 'awarded_on', false), old.awarded_on),
	    coalesce(vp_text_opt(args, 'issuer', 200), old.issuer),
	    CASE WHEN args ? 'reason' THEN vp_text_opt(args, 'reason', 1000)
		ELSE old.reason END,
	    old.id, vp_text(args, 'correction', 500), v_withdraw, caller.keyid)
	RETURNING * INTO a;
	status := 201;
	body := vp_award_json(a);
END
$$;

-- GET /v1/awards?volunteer=[&all=1]: the awards that stand, or with all
-- every record, the replaced and the withdrawn too.
CREATE OR REPLACE FUNCTION vp_op_award_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), false);
BEGIN
	status := 200;
	IF coalesce(args ->> 'all', '') IN ('1', 'true') THEN
		SELECT jsonb_build_object('volunteer', v.number, 'awards',
		    coalesce(jsonb_agg(vp_award_json(a) ORDER BY a.id), '[]'))
		INTO body FROM awards a WHERE a.volunteer_id = v.id;
	ELSE
		SELECT jsonb_build_object('volunteer', v.number, 'awards',
		    coalesce(jsonb_agg(vp_award_json(a) ORDER BY a.awarded_on,
			a.id), '[]'))
		INTO body FROM vp_awards_of(v.id) a;
	END IF;
END
$$;

-- An evaluation as JSON.
CREATE OR REPLACE FUNCTION vp_evaluation_json(e evaluations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('id', e.id,
	    'shift', e.shift_id, 'help_request', e.help_request_id,
	    'volunteer', (SELECT number FROM volunteers WHERE id = e.volunteer_id),
	    'community', (SELECT code FROM communities WHERE id = e.community_id),
	    'activity', (SELECT code FROM activities WHERE id = e.activity_id),
	    'role', e.role, 'score', e.score, 'comment', e.comment,
	    'station', (SELECT code FROM stations WHERE id = e.station_id),
	    'via', CASE WHEN e.link_id IS NOT NULL THEN 'page' ELSE 'station' END,
	    'recorded_at', e.at,
	    'reversed', (SELECT jsonb_build_object('at', r.at, 'reason', r.reason)
		FROM evaluation_reversals r WHERE r.evaluation_id = e.id)))
$$;

-- POST /v1/evaluations {"shift" | "help_request", "role", "score",
-- "comment"}: the resident served or the activity lead evaluates a
-- current shift or a completed help request of the station's community.
-- One evaluation stands per role and record.
CREATE OR REPLACE FUNCTION vp_op_evaluation_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s shifts;
	h help_requests;
	e evaluations;
	v_role text := vp_text(args, 'role', 16);
	v_score bigint := vp_int(args, 'score', 1, 5);
	v_kind text;
	v_ref text;
BEGIN
	IF v_role NOT IN ('resident', 'lead') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"role" must be resident or lead',
		    jsonb_build_object('field', 'role', 'reason', 'choice',
		    'choices', jsonb_build_array('resident', 'lead')));
	END IF;
	IF (args ? 'shift') = (args ? 'help_request') THEN
		PERFORM vp_refuse(422, 'invalid-field', 'An evaluation is of '
		    'one "shift" or one "help_request".',
		    jsonb_build_object('field', 'shift', 'reason', 'either',
		    'fields', jsonb_build_array('shift', 'help_request')));
	END IF;
	IF args ? 'shift' THEN
		v_kind := 'shift';
		v_ref := args ->> 'shift';
		IF v_ref ~ '^[0-9]{1,18}$' THEN
			SELECT * INTO s FROM shifts WHERE id = v_ref::bigint;
		END IF;
		IF s.id IS NULL OR NOT vp_covers(caller, s.community_id) THEN
			PERFORM vp_refuse(404, 'unknown-shift', format('No shift '
			    'of this community has id %s.', v_ref),
			    jsonb_build_object('shift', v_ref));
		END IF;
		IF EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id) THEN
			PERFORM vp_refuse(409, 'already-corrected', format('Shift %s '
			    'was corrected; evaluate the newest record.', v_ref),
			    jsonb_build_object('shift', v_ref));
		END IF;
		-- One writer per record at a time: "one stands" stays true.
		PERFORM pg_advisory_xact_lock(hashtext('evaluation shift'),
		    hashtext(s.id::text));
	ELSE
		v_kind := 'help request';
		v_ref := args ->> 'help_request';
		IF v_ref ~ '^[0-9]{1,18}$' THEN
			SELECT * INTO h FROM help_requests WHERE id = v_ref::bigint
			FOR UPDATE;
		END IF;
		IF h.id IS NULL OR NOT vp_covers(caller, h.community_id) THEN
			PERFORM vp_refuse(404, 'unknown-help-request', format('No '
			    'help request of this community has id %s.', v_ref),
			    jsonb_build_object('help_request', v_ref));
		END IF;
		IF h.status <> 'completed' THEN
			PERFORM vp_refuse(409, 'help-not-completed', format('Help '
			    'request %s is %s: only completed help is evaluated.',
			    v_ref, h.status),
			    jsonb_build_object('help_request', v_ref,
			    'help_status', h.status));
		END IF;
	END IF;
	IF EXISTS (SELECT 1 FROM evaluations x
	    WHERE (x.shift_id = s.id OR x.help_request_id = h.id)
	    AND x.role = v_role AND NOT EXISTS (SELECT 1
		FROM evaluation_reversals r WHERE r.evaluation_id = x.id)) THEN
		PERFORM vp_refuse(409, 'already-evaluated', format('The %s of %s '
		    '%s has evaluated it already; reverse that evaluation to '
		    'record another.', v_role, v_kind, v_ref),
		    jsonb_build_object('role', v_role, CASE v_kind WHEN 'shift'
		    THEN 'shift' ELSE 'help_request' END, v_ref));
	END IF;
	INSERT INTO evaluations (shift_id, help_request_id, community_id,
	    activity_id, volunteer_id, role, score, comment, station_id, keyid)
	VALUES (s.id, h.id, coalesce(s.community_id, h.community_id),
	    coalesce(s.activity_id, (SELECT id FROM activities WHERE code = 'help')),
	    coalesce(s.volunteer_id, h.helper_id), v_role, v_score,
	    vp_text_opt(args, 'comment', 1000), caller.station_id, caller.keyid)
	RETURNING * INTO e;
	status := 201;
	body := vp_evaluation_json(e);
END
$$;

-- POST /v1/evaluations/{id}/reverse {"reason"}: the evaluation counts no
-- more (a new one may be recorded).
CREATE OR REPLACE FUNCTION vp_op_evaluation_reverse(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	e evaluations;
	v_id text := vp_text(args, 'id', 20);
BEGIN
	IF v_id ~ '^[0-9]{1,18}$' THEN
		SELECT * INTO e FROM evaluations WHERE id = v_id::bigint;
	END IF;
	IF e.id IS NULL OR NOT vp_covers(caller, e.community_id) THEN
		PERFORM vp_refuse(404, 'unknown-evaluation', format('No '
		    'evaluation of this community has id %s.', v_id),
		    jsonb_build_object('evaluation', v_id));
	END IF;
	IF e.shift_id IS NOT NULL THEN
		PERFORM pg_advisory_xact_lock(hashtext('evaluation shift'),
		    hashtext(e.shift_id::text));
	ELSE
		PERFORM 1 FROM help_requests WHERE id = e.help_request_id FOR UPDATE;
	END IF;
	IF EXISTS (SELECT 1 FROM evaluation_reversals WHERE evaluation_id = e.id) THEN
		PERFORM vp_refuse(409, 'already-reversed', format('Evaluation %s '
		    'was reversed already.', v_id),
		    jsonb_build_object('evaluation', v_id));
	END IF;
	INSERT INTO evaluation_reversals (evaluation_id, reason, keyid)
	VALUES (e.id, vp_text(args, 'reason', 500), caller.keyid);
	status := 201;
	body := vp_evaluation_json(e);
END
$$;

-- A volunteer's evaluations that stand, summed: how many, their mean
-- score, and how many scored 4 or 5; all of them, or those recorded in
-- [p_from, p_to). (For the record, its export and its certificates.)
CREATE OR REPLACE FUNCTION vp_evaluation_summary(p_volunteer bigint,
    p_from timestamptz DEFAULT NULL, p_to timestamptz DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('evaluations', count(*),
	    'approving', count(*) FILTER (WHERE e.score >= 4),
	    'average_score', CASE WHEN count(*) = 0 THEN NULL
		ELSE round(avg(e.score), 2) END)
	FROM evaluations e
	WHERE e.volunteer_id = p_volunteer
	AND (p_from IS NULL OR e.at >= p_from)
	AND (p_to IS NULL OR e.at < p_to)
	AND NOT EXISTS (SELECT 1 FROM evaluation_reversals r
	    WHERE r.evaluation_id = e.id)
$$;

-- GET /v1/evaluations?volunteer= | ?shift= | ?help_request=: the
-- evaluations, the reversed ones marked, and the summary of those that
-- stand.
CREATE OR REPLACE FUNCTION vp_op_evaluation_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers;
	v_shift bigint;
	v_help bigint;
BEGIN
	IF args ? 'volunteer' THEN
		v := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), false);
	ELSIF (args ->> 'shift') ~ '^[0-9]{1,18}$' THEN
		v_shift := (args ->> 'shift')::bigint;
	ELSIF (args ->> 'help_request') ~ '^[0-9]{1,18}$' THEN
		v_help := (args ->> 'help_request')::bigint;
	ELSE
		PERFORM vp_refuse(422, 'invalid-field', 'Name a "volunteer", a '
		    '"shift" or a "help_request".', jsonb_build_object(
		    'field', 'volunteer', 'reason', 'either', 'fields',
		    jsonb_build_array('volunteer', 'shift', 'help_request')));
	END IF;
	status := 200;
	SELECT jsonb_build_object('evaluations', coalesce(jsonb_agg(
	    vp_evaluation_json(e) ORDER BY e.id), '[]'))
	INTO body FROM evaluations e
	WHERE (v.id IS NULL OR e.volunteer_id = v.id)
	AND (v_shift IS NULL OR e.shift_id = v_shift)
	AND (v_help IS NULL OR e.help_request_id = v_help)
	AND vp_covers(caller, e.community_id);
	IF v.id IS NOT NULL THEN
		body := body || jsonb_build_object('volunteer', v.number,
		    'summary', vp_evaluation_summary(v.id));
	END IF;
END
$$;

-- A volunteer's training: sessions attended and their minutes, all of
-- them or those held in [p_from, p_to]. (For the record, its export and
-- its certificates.)
CREATE OR REPLACE FUNCTION vp_training_summary(p_volunteer bigint,
    p_from date DEFAULT NULL, p_to date DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('sessions', count(*),
	    'minutes', coalesce(sum(t.minutes), 0),
	    'hours', vp_hours(coalesce(sum(t.minutes), 0)))
	FROM training_attendance a JOIN trainings t ON t.id = a.training_id
	WHERE a.volunteer_id = p_volunteer
	AND (p_from IS NULL OR t.held_on >= p_from)
	AND (p_to IS NULL OR t.held_on <= p_to)
$$;
