-- Volunteers, their history, teams and running totals of service.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- A volunteer by number, checked against the caller's community, and
-- locked when it is about to change (which serialises every write for
-- one volunteer: overlap checks and daily caps stay true).
CREATE OR REPLACE FUNCTION vp_volunteer_get(caller vp_caller, p_number text, p_lock boolean)
RETURNS volunteers LANGUAGE plpgsql AS $$
DECLARE
	v volunteers;
BEGIN
	IF p_lock THEN
		SELECT * INTO v FROM volunteers WHERE number = p_number FOR UPDATE;
	ELSE
		SELECT * INTO v FROM volunteers WHERE number = p_number;
	END IF;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-volunteer',
		    format('No volunteer has number %s.', p_number),
		    jsonb_build_object('volunteer', p_number));
	END IF;
	IF NOT vp_covers(caller, v.community_id) THEN
		PERFORM vp_refuse(403, 'outside-community', format(CASE caller.role
		    WHEN 'office' THEN 'Volunteer %s is registered outside the '
			'region of office %s.'
		    ELSE 'Volunteer %s is registered in another community; '
			'station %s acts for its own only.' END,
		    p_number, caller.station_code),
		    jsonb_build_object('volunteer', p_number, 'station',
		    caller.station_code) || vp_office_members(caller));
	END IF;
	RETURN v;
END
$$;

-- The star level of so many minutes of service.
CREATE OR REPLACE FUNCTION vp_stars(p_minutes bigint) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT coalesce(max(stars), 0) FROM star_levels
	    WHERE hours * 60 <= p_minutes);
END
$$;

-- Add a new shift record to its volunteer's total; a correction also takes
-- away the record it replaces (which counted: a record is corrected at
-- most once). Shifts are append-only, so inserts are the only change.
-- Writers hold the volunteer's row already: one more row update (HOT),
-- or the row's insert at the volunteer's first shift.
CREATE OR REPLACE FUNCTION vp_volunteer_totals_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.corrects IS NOT NULL THEN
		UPDATE volunteer_totals t SET minutes = t.minutes - o.minutes
		FROM shifts o
		WHERE o.id = NEW.corrects AND t.volunteer_id = o.volunteer_id;
	END IF;
	UPDATE volunteer_totals SET minutes = minutes + NEW.minutes
	WHERE volunteer_id = NEW.volunteer_id;
	IF NOT FOUND THEN
		INSERT INTO volunteer_totals AS t (volunteer_id, community_id, minutes)
		VALUES (NEW.volunteer_id, NEW.community_id, NEW.minutes)
		ON CONFLICT (volunteer_id) DO UPDATE
		SET minutes = t.minutes + EXCLUDED.minutes;
	END IF;
	RETURN NULL;
END
$$;

-- volunteer_totals follows every shift written: here, one row at a time;
-- for the shifts an import inserts as a set, in one statement of its own
-- (vp_import_shifts_set, which sets vpoints.set_path around their one
-- INSERT).
CREATE OR REPLACE TRIGGER shifts_volunteer_totals AFTER INSERT ON shifts
	FOR EACH ROW
	WHEN (current_setting('vpoints.set_path', true) IS DISTINCT FROM 'on')
	EXECUTE FUNCTION vp_volunteer_totals_add();

-- A volunteer's total service minutes: every current shift, as kept in
-- volunteer_totals. (PL/pgSQL keeps the plan of this one row's read,
-- where a LANGUAGE sql function with a sublink is planned on every call.)
CREATE OR REPLACE FUNCTION vp_volunteer_minutes(p_volunteer bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce((SELECT t.minutes FROM volunteer_totals t
	    WHERE t.volunteer_id = p_volunteer), 0);
END
$$;

-- A volunteer as JSON, with their teams and points.
CREATE OR REPLACE FUNCTION vp_volunteer_json(v volunteers) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN jsonb_strip_nulls(jsonb_build_object(
	    'number', v.number, 'name', v.name,
	    'community', (SELECT code FROM communities WHERE id = v.community_id),
	    'registered_on', v.registered_on, 'status', v.status,
	    'consent', v.consent, 'gender', v.gender,
	    'birth_month', v.birth_month, 'phone', v.phone,
	    'skills', to_jsonb(v.skills), 'party_member', v.party_member,
	    'recruited_by', (SELECT r.number FROM volunteers r
		WHERE r.id = v.recruited_by),
	    'id_last4', v.id_last4, 'platform_number', v.platform_number))
	|| jsonb_build_object(
	    'teams', coalesce((SELECT jsonb_agg(t.code ORDER BY t.code)
		FROM team_members m JOIN teams t ON t.id = m.team_id
		WHERE m.volunteer_id = v.id), '[]'),
	    'points', coalesce((SELECT balance FROM accounts
		WHERE volunteer_id = v.id), 0));
END
$$;

-- The personal fields of a request, checked against consent; NULL
-- members are "not given".
CREATE OR REPLACE FUNCTION vp_personal(args jsonb, p_consent boolean)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	v jsonb := jsonb_strip_nulls(jsonb_build_object(
	    'gender', vp_text_opt(args, 'gender', 10),
	    'birth_month', vp_text_opt(args, 'birth_month', 7),
	    'phone', vp_text_opt(args, 'phone', 32),
	    'skills', args -> 'skills',
	    'party_member', vp_bool_opt(args, 'party_member')));
BEGIN
	IF v ? 'skills' AND (jsonb_typeof(v -> 'skills') <> 'array' OR EXISTS (
	    SELECT 1 FROM jsonb_array_elements(v -> 'skills') e
	    WHERE jsonb_typeof(e) <> 'string' OR length(e #>> '{}') NOT BETWEEN 1 AND 50)) THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"skills" must be a list of short strings',
		    jsonb_build_object('field', 'skills', 'reason', 'list',
		    'max_length', 50));
	END IF;
	IF v ? 'gender' AND v ->> 'gender' NOT IN ('female', 'male', 'other') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"gender" must be female, male or other',
		    jsonb_build_object('field', 'gender', 'reason', 'choice',
		    'choices', jsonb_build_array('female', 'male', 'other')));
	END IF;
	IF v ? 'birth_month' AND (v ->> 'birth_month' !~ '^[0-9]{4}-(0[1-9]|1[0-2])$'
	    OR v ->> 'birth_month' NOT BETWEEN '1900-01' AND to_char(now(), 'YYYY-MM')) THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"birth_month" must be YYYY-MM, from 1900-01 to this month',
		    jsonb_build_object('field', 'birth_month', 'reason', 'range',
		    'min', '1900-01', 'max', to_char(now(), 'YYYY-MM')));
	END IF;
	IF v <> '{}' AND NOT p_consent THEN
		PERFORM vp_refuse(422, 'consent-required', 'Gender, birth month, '
		    'phone, skills and party membership are kept only with the '
		    'volunteer''s consent ("consent": true).');
	END IF;
	RETURN v;
END
$$;

-- The volunteer who recruited the one registered or updated (p_id; NULL
-- while being registered, numbered p_number): "recruited_by" names
-- another volunteer of the city (null or "": none). Refused: oneself, and a
-- recruiter recruited, however indirectly, by this volunteer (a cycle).
-- Changes of recruiters are serialised, so that two at once cannot close
-- a cycle neither saw.
CREATE OR REPLACE FUNCTION vp_recruiter(args jsonb, p_id bigint, p_number text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_number text;
	v_id bigint;
BEGIN
	IF coalesce(args ->> 'recruited_by', '') = '' THEN
		RETURN NULL;
	END IF;
	v_number := vp_text(args, 'recruited_by', 32);
	IF v_number = p_number THEN
		PERFORM vp_refuse(422, 'self-recruitment', format('Volunteer %s '
		    'cannot be their own recruiter.', v_number),
		    jsonb_build_object('volunteer', v_number));
	END IF;
	PERFORM pg_advisory_xact_lock(8750, hashtext('recruitment'));
	SELECT id INTO v_id FROM volunteers WHERE number = v_number;
	IF NOT FOUND THEN
		PERFORM vp_refuse(422, 'unknown-recruiter',
		    format('No volunteer has number %s.', v_number),
		    jsonb_build_object('recruiter', v_number));
	END IF;
	IF p_id IS NOT NULL AND EXISTS (WITH RECURSIVE up(id, depth) AS (
		SELECT v_id, 0
		UNION ALL
		SELECT r.recruited_by, u.depth + 1 FROM up u
		JOIN volunteers r ON r.id = u.id
		WHERE r.recruited_by IS NOT NULL AND u.depth < 100000)
	    SELECT 1 FROM up WHERE id = p_id) THEN
		PERFORM vp_refuse(409, 'recruitment-cycle', format('Volunteer %s '
		    'was brought in, directly or not, by %s: %s cannot be %s''s '
		    'recruiter.', v_number, p_number, v_number, p_number),
		    jsonb_build_object('volunteer', p_number,
		    'recruiter', v_number));
	END IF;
	RETURN v_id;
END
$$;

-- Put a volunteer into a team (a no-op when a member already).
CREATE OR REPLACE FUNCTION vp_team_join(caller vp_caller, v volunteers, p_team text)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	t teams;
	n integer;
BEGIN
	SELECT * INTO t FROM teams WHERE code = p_team;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-team',
		    format('No team has code %s.', p_team),
		    jsonb_build_object('team', p_team));
	END IF;
	IF t.community_id IS NOT NULL AND t.community_id <> v.community_id THEN
		PERFORM vp_refuse(403, 'outside-community', format('Team %s '
		    'belongs to another community than volunteer %s.', p_team,
		    v.number), jsonb_build_object('team', p_team,
		    'volunteer', v.number));
	END IF;
	INSERT INTO team_members (team_id, volunteer_id) VALUES (t.id, v.id)
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		INSERT INTO volunteer_history (volunteer_id, keyid, action, data)
		VALUES (v.id, caller.keyid, 'team-join', jsonb_build_object('team', p_team));
	END IF;
	RETURN n > 0;
END
$$;

-- Record a volunteer's registration and every change to the row.
CREATE OR REPLACE FUNCTION vp_volunteer_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO volunteer_history (volunteer_id, keyid, action, data, reason)
	VALUES (NEW.id, current_setting('vpoints.keyid', true),
	    CASE TG_OP WHEN 'INSERT' THEN 'register' ELSE 'update' END,
	    to_jsonb(NEW) - 'id_hash' - 'created_at' - 'updated_at',
	    nullif(current_setting('vpoints.reason', true), ''));
	RETURN NEW;
END
$$;

-- volunteer_history follows every change to volunteers.
CREATE OR REPLACE TRIGGER volunteer_history AFTER INSERT OR UPDATE ON volunteers
	FOR EACH ROW EXECUTE FUNCTION vp_volunteer_changed();

-- The volunteer's number on the national volunteer information system,
-- checked; NULL when not given.
CREATE OR REPLACE FUNCTION vp_platform_number(args jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := vp_text_opt(args, 'platform_number', 32);
BEGIN
	IF v !~ '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"platform_number" '
		    'must be letters, digits and - (at most 32, not starting '
		    'with -)');
	END IF;
	RETURN v;
END
$$;

-- Register a volunteer (POST /v1/volunteers, and each row of an import):
-- the new row, or in refusal the problem of an ID number registered
-- already (recorded for the city office, so not raised).
CREATE OR REPLACE FUNCTION vp_volunteer_register(caller vp_caller,
    args jsonb, OUT v volunteers, OUT refusal jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_consent boolean := coalesce(vp_bool_opt(args, 'consent'), false);
	v_personal jsonb := vp_personal(args, v_consent);
	v_team jsonb;
BEGIN
	IF vp_text(args, 'number', 32) !~ '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"number" must be letters, '
		    'digits and - (at most 32, not starting with -)',
		    jsonb_build_object('field', 'number', 'reason', 'number',
		    'max_length', 32));
	END IF;
	-- Everything else is checked before the ID number, so that only a
	-- registration that would have been taken counts as a refusal.
	IF EXISTS (SELECT 1 FROM volunteers
	    WHERE number = vp_text(args, 'number', 32)) THEN
		PERFORM vp_refuse(409, 'volunteer-exists', format(
		    'A volunteer with number %s exists already.', args ->> 'number'),
		    jsonb_build_object('volunteer', args ->> 'number'));
	END IF;
	PERFORM vp_text(args, 'name', 100), vp_community_for(caller, args);
	IF args ? 'id_hash' THEN
		refusal := vp_id_number_check(caller, args, 'register',
		    args ->> 'number', NULL);
		IF refusal IS NOT NULL THEN
			RETURN;
		END IF;
	END IF;
	INSERT INTO volunteers (number, name, community_id, registered_on,
	    consent, gender, birth_month, phone, skills, party_member,
	    recruited_by, id_hash, id_last4, platform_number)
	VALUES (vp_text(args, 'number', 32), vp_text(args, 'name', 100),
	    vp_community_for(caller, args),
	    coalesce(vp_date_opt(args, 'registered_on'), current_date),
	    v_consent, v_personal ->> 'gender', v_personal ->> 'birth_month',
	    v_personal ->> 'phone',
	    (SELECT array_agg(e) FROM jsonb_array_elements_text(v_personal -> 'skills') e),
	    (v_personal ->> 'party_member')::boolean,
	    vp_recruiter(args, NULL, args ->> 'number'),
	    args ->> 'id_hash', args ->> 'id_last4',
	    vp_platform_number(args))
	ON CONFLICT (number) DO NOTHING
	RETURNING * INTO v;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'volunteer-exists', format(
		    'A volunteer with number %s exists already.', args ->> 'number'),
		    jsonb_build_object('volunteer', args ->> 'number'));
	END IF;
	INSERT INTO accounts (kind, community_id, volunteer_id)
	VALUES ('volunteer', v.community_id, v.id);
	IF jsonb_typeof(args -> 'teams') = 'array' THEN
		FOR v_team IN SELECT jsonb_array_elements(args -> 'teams') LOOP
			PERFORM vp_team_join(caller, v, v_team #>> '{}');
		END LOOP;
	ELSIF args ? 'teams' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"teams" must be a list of team codes',
		    jsonb_build_object('field', 'teams', 'reason', 'type',
		    'json_type', 'array'));
	END IF;
END
$$;

-- POST /v1/volunteers
CREATE OR REPLACE FUNCTION vp_op_volunteer_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	v volunteers;
BEGIN
	SELECT * INTO r FROM vp_volunteer_register(caller, args);
	IF r.refusal IS NOT NULL THEN
		status := 409;
		body := r.refusal;
		RETURN;
	END IF;
	v := r.v;
	PERFORM vp_answer_about(v);
	status := 201;
	body := vp_volunteer_json(v) || jsonb_build_object('minutes', 0, 'star', 0);
END
$$;

-- PATCH /v1/volunteers/{number}
CREATE OR REPLACE FUNCTION vp_op_volunteer_update(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'number', 32), true);
	v_consent boolean := coalesce(vp_bool_opt(args, 'consent'), v.consent);
	v_personal jsonb;
	v_status text := coalesce(vp_text_opt(args, 'status', 16), v.status);
	v_had_consent boolean := v.consent;
BEGIN
	IF args ? 'community' THEN
		PERFORM vp_refuse(422, 'invalid-field', 'A volunteer''s community '
		    'changes only by a move (POST /v1/volunteers/{number}/move).',
		    jsonb_build_object('field', 'community', 'reason', 'community'));
	END IF;
	IF v_status NOT IN ('active', 'suspended', 'left') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"status" must be active, suspended or left',
		    jsonb_build_object('field', 'status', 'reason', 'choice',
		    'choices', jsonb_build_array('active', 'suspended', 'left')));
	END IF;
	-- A volunteer who leaves keeps no consent. Consent withdrawn: the
	-- personal fields go with it, here and everywhere else
	-- (vp_volunteer_erase, below).
	IF v_status = 'left' THEN
		IF vp_bool_opt(args, 'consent') THEN
			PERFORM vp_refuse(422, 'invalid-field', 'A volunteer '
			    'who has left keeps no consent; their personal '
			    'fields are erased.', jsonb_build_object('field',
			    'consent', 'reason', 'left'));
		END IF;
		v_consent := false;
	END IF;
	IF NOT v_consent THEN
		v_personal := vp_personal(args, false);
	ELSE
		v_personal := jsonb_build_object('gender', v.gender,
		    'birth_month', v.birth_month, 'phone', v.phone,
		    'skills', to_jsonb(v.skills),
		    'party_member', v.party_member) || vp_personal(args, true);
	END IF;
	IF args ? 'id_hash' THEN
		-- A station or an office gives an ID number once (setting it
		-- again and again, a key would learn that each number tried is
		-- nobody's); correcting one is the city office's. Refused
		-- whatever the number, so that the answer says nothing about
		-- the one held.
		IF v.id_hash IS NOT NULL AND caller.role <> 'admin' THEN
			PERFORM vp_refuse(403, 'admin-only', format('Volunteer '
			    '%s has an ID number already; only the city office '
			    '(an admin key) corrects it.', v.number),
			    jsonb_build_object('volunteer', v.number));
		END IF;
		body := vp_id_number_check(caller, args, 'update', v.number, v.id);
		IF body IS NOT NULL THEN
			status := 409;
			RETURN;
		END IF;
	END IF;
	PERFORM set_config('vpoints.reason', coalesce(vp_text_opt(args, 'reason', 500), ''), true);
	UPDATE volunteers SET
	    name = coalesce(vp_text_opt(args, 'name', 100), name),
	    registered_on = coalesce(vp_date_opt(args, 'registered_on'), registered_on),
	    status = v_status,
	    consent = v_consent,
	    gender = v_personal ->> 'gender',
	    birth_month = v_personal ->> 'birth_month',
	    phone = v_personal ->> 'phone',
	    skills = (SELECT array_agg(e) FROM jsonb_array_elements_text(
		CASE jsonb_typeof(v_personal -> 'skills') WHEN 'array'
		THEN v_personal -> 'skills' ELSE '[]' END) e),
	    party_member = (v_personal ->> 'party_member')::boolean,
	    recruited_by = CASE WHEN args ? 'recruited_by'
		THEN vp_recruiter(args, v.id, v.number) ELSE recruited_by END,
	    id_hash = coalesce(args ->> 'id_hash', id_hash),
	    id_last4 = coalesce(args ->> 'id_last4', id_last4),
	    platform_number = coalesce(vp_platform_number(args), platform_number),
	    updated_at = now()
	WHERE id = v.id
	RETURNING * INTO v;
	-- "teams": the volunteer's teams become exactly these.
	IF args ? 'teams' THEN
		IF jsonb_typeof(args -> 'teams') <> 'array' THEN
			PERFORM vp_refuse(422, 'invalid-field',
			    '"teams" must be a list of team codes',
			    jsonb_build_object('field', 'teams', 'reason', 'type',
			    'json_type', 'array'));
		END IF;
		PERFORM vp_team_join(caller, v, t #>> '{}')
		FROM jsonb_array_elements(args -> 'teams') t;
		WITH gone AS (
			DELETE FROM team_members m USING teams t
			WHERE t.id = m.team_id AND m.volunteer_id = v.id
			AND NOT (args -> 'teams') ? t.code
			RETURNING t.code)
		INSERT INTO volunteer_history (volunteer_id, keyid, action, data)
		SELECT v.id, caller.keyid, 'team-leave', jsonb_build_object('team', code)
		FROM gone;
	END IF;
	-- A volunteer who leaves loses the link to their page: coming back,
	-- they are given a new one, and the old card opens nothing.
	IF v.status = 'left' THEN
		UPDATE links SET revoked_at = now()
		WHERE volunteer_id = v.id AND revoked_at IS NULL;
	END IF;
	IF v_had_consent AND NOT v.consent THEN
		PERFORM vp_volunteer_erase(v);
	END IF;
	PERFORM vp_answer_about(v);
	status := 200;
	body := vp_volunteer_json(v) || jsonb_build_object(
	    'minutes', vp_volunteer_minutes(v.id),
	    'star', vp_stars(vp_volunteer_minutes(v.id)));
END
$$;

-- GET /v1/volunteers/{number}[?history=1]
CREATE OR REPLACE FUNCTION vp_op_volunteer_get(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'number', 32), false);
	v_minutes bigint := vp_volunteer_minutes(v.id);
BEGIN
	status := 200;
	body := vp_volunteer_json(v) || jsonb_build_object('minutes', v_minutes,
	    'star', vp_stars(v_minutes));
	IF args ->> 'history' IN ('1', 'true', 'yes') THEN
		body := body || jsonb_build_object('history', (
		    SELECT coalesce(jsonb_agg(jsonb_build_object('at', h.at,
			'keyid', h.keyid, 'action', h.action, 'data', h.data,
			'reason', h.reason) ORDER BY h.id), '[]')
		    FROM volunteer_history h WHERE h.volunteer_id = v.id));
	END IF;
END
$$;

-- GET /v1/volunteers?community=&team=&status=&limit=
CREATE OR REPLACE FUNCTION vp_op_volunteer_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_scope bigint[] := vp_community_scope(caller, args);
	v_limit integer := vp_limit(args, 100, 1000);
BEGIN
	status := 200;
	SELECT jsonb_build_object('volunteers', coalesce(jsonb_agg(
	    vp_volunteer_json(x) ORDER BY x.number), '[]')) INTO body
	FROM (SELECT * FROM volunteers v
	    WHERE (v_scope IS NULL OR v.community_id = ANY (v_scope))
	    AND (NOT args ? 'status' OR v.status = args ->> 'status')
	    AND (NOT args ? 'team' OR EXISTS (SELECT 1 FROM team_members m
		JOIN teams t ON t.id = m.team_id
		WHERE m.volunteer_id = v.id AND t.code = args ->> 'team'))
	    ORDER BY v.number LIMIT v_limit) x;
END
$$;

-- POST /v1/teams (admin; an office: a team of a community it covers)
CREATE OR REPLACE FUNCTION vp_op_team_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	t teams;
	v_kind text := vp_text(args, 'kind', 16);
	v_community bigint;
BEGIN
	IF caller.role = 'office' THEN
		PERFORM vp_require_office(caller, vp_community_for(caller, args));
	ELSE
		PERFORM vp_require_admin(caller);
	END IF;
	IF v_kind NOT IN ('standing', 'specialty') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"kind" must be standing or specialty',
		    jsonb_build_object('field', 'kind', 'reason', 'choice',
		    'choices', jsonb_build_array('standing', 'specialty')));
	END IF;
	IF args ? 'community' THEN
		v_community := vp_community_for(caller, args);
	END IF;
	INSERT INTO teams (code, name, kind, community_id)
	VALUES (vp_code(args, 'code'), vp_text(args, 'name'), v_kind, v_community)
	ON CONFLICT (code) DO NOTHING RETURNING * INTO t;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'team-exists',
		    format('A team with code %s exists already.', args ->> 'code'),
		    jsonb_build_object('team', args ->> 'code'));
	END IF;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'team-add', t.code, args);
	status := 201;
	body := jsonb_build_object('code', t.code, 'name', t.name, 'kind', t.kind,
	    'community', args ->> 'community', 'members', 0);
END
$$;

-- GET /v1/teams[?community=]
CREATE OR REPLACE FUNCTION vp_op_team_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_community bigint;
BEGIN
	IF args ? 'community' THEN
		v_community := vp_community_for(caller, args);
	END IF;
	status := 200;
	SELECT jsonb_build_object('teams', coalesce(jsonb_agg(jsonb_build_object(
	    'code', t.code, 'name', t.name, 'kind', t.kind, 'community', c.code,
	    'members', (SELECT count(*) FROM team_members m WHERE m.team_id = t.id))
	    ORDER BY t.code), '[]')) INTO body
	FROM teams t LEFT JOIN communities c ON c.id = t.community_id
	WHERE v_community IS NULL OR t.community_id IS NULL
	    OR t.community_id = v_community;
END
$$;

-- POST /v1/teams/{code}/join
CREATE OR REPLACE FUNCTION vp_op_team_join(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
BEGIN
	status := CASE WHEN vp_team_join(caller, v, vp_text(args, 'code', 32))
	    THEN 201 ELSE 200 END;
	PERFORM vp_answer_about(v);
	body := vp_volunteer_json(v);
END
$$;

-- POST /v1/teams/{code}/leave
CREATE OR REPLACE FUNCTION vp_op_team_leave(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	v_team text := vp_text(args, 'code', 32);
	n integer;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM teams WHERE code = v_team) THEN
		PERFORM vp_refuse(404, 'unknown-team',
		    format('No team has code %s.', v_team),
		    jsonb_build_object('team', v_team));
	END IF;
	DELETE FROM team_members m USING teams t
	WHERE t.id = m.team_id AND t.code = v_team AND m.volunteer_id = v.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		INSERT INTO volunteer_history (volunteer_id, keyid, action, data)
		VALUES (v.id, caller.keyid, 'team-leave', jsonb_build_object('team', v_team));
	END IF;
	PERFORM vp_answer_about(v);
	status := 200;
	body := vp_volunteer_json(v);
END
$$;

-- The records of a volunteer that a move must find settled (members of
-- the refusal move-unsettled): open check-ins; sign-ups that hold or wait
-- for a place in an event not yet over and not cancelled; help requests
-- open or accepted, as requester or helper. Each is the old community's
-- and is settled there: checked out, cancelled, completed.
CREATE OR REPLACE FUNCTION vp_volunteer_unsettled(v volunteers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'checkins', coalesce((SELECT jsonb_agg(k.id ORDER BY k.id)
		FROM checkins k
		WHERE k.volunteer_id = v.id AND k.closed_at IS NULL), '[]'),
	    'signups', coalesce((SELECT jsonb_agg(s.id ORDER BY s.id)
		FROM signups s JOIN events e ON e.id = s.event_id
		WHERE s.volunteer_id = v.id AND s.state IN ('place', 'waiting')
		AND s.shift_id IS NULL AND e.cancelled_at IS NULL
		AND e.ends_at > now()), '[]'),
	    'help_requests', coalesce((SELECT jsonb_agg(h.id ORDER BY h.id)
		FROM help_requests h
		WHERE (h.requester_id = v.id OR h.helper_id = v.id)
		AND h.status IN ('open', 'accepted')), '[]'))
$$;

-- The community a volunteer moved to last, and when (NULL: never moved).
CREATE OR REPLACE FUNCTION vp_volunteer_last_move(p_volunteer bigint)
RETURNS volunteer_moves LANGUAGE plpgsql STABLE AS $$
DECLARE
	m volunteer_moves;
BEGIN
	SELECT * INTO m FROM volunteer_moves WHERE volunteer_id = p_volunteer
	ORDER BY id DESC LIMIT 1;
	IF NOT FOUND THEN
		RETURN NULL;	-- not a row of NULLs, as the SQL function gave
	END IF;
	RETURN m;
END
$$;

-- Refuse a record dated before the volunteer's latest move (a shift, its
-- correction, the void of a redemption): what happened before the move
-- is the old community's, in its reports and its accounts, and stays as
-- it was.
CREATE OR REPLACE FUNCTION vp_after_move(v volunteers, p_at timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	m volunteer_moves := vp_volunteer_last_move(v.id);
BEGIN
	IF m.id IS NOT NULL AND p_at < m.at THEN
		PERFORM vp_refuse(409, 'before-move', format('Volunteer %s moved '
		    'from community %s at %s; what is dated before the move is '
		    'that community''s and stays as it was.', v.number,
		    (SELECT code FROM communities WHERE id = m.from_community),
		    to_char(m.at, 'YYYY-MM-DD HH24:MI')),
		    jsonb_build_object('volunteer', v.number,
		    'community', (SELECT code FROM communities
			WHERE id = m.from_community),
		    'moved_at', m.at));
	END IF;
END
$$;

-- POST /v1/volunteers/{number}/move {"community", "reason"}: the
-- volunteer belongs to another community from now on (转移接续). Only a
-- key that acts for both communities moves a volunteer (vp_covers on
-- both: the city admin). The number, history, hours, star level and
-- certificates stay the volunteer's; membership of the old community's
-- teams ends (city-wide teams stay); the points go back to the old
-- community's issuance account and come out of the new one's, so that
-- the balance is what it was and each community's accounts balance.
CREATE OR REPLACE FUNCTION vp_op_volunteer_move(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_number text := vp_text(args, 'number', 32);
	v_code text := vp_code(args, 'community');
	v_reason text := vp_text(args, 'reason', 500);
	v volunteers;
	v_from communities;
	v_to communities;
	v_account accounts;
	v_open jsonb;
	v_teams jsonb;
	v_out bigint;
	v_in bigint;
	v_last bigint;
	v_link bigint;
	m volunteer_moves;
BEGIN
	SELECT * INTO v FROM volunteers WHERE number = v_number FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-volunteer',
		    format('No volunteer has number %s.', v_number),
		    jsonb_build_object('volunteer', v_number));
	END IF;
	SELECT * INTO v_to FROM communities WHERE code = v_code;
	IF NOT FOUND THEN
		PERFORM vp_refuse(422, 'unknown-community',
		    format('No community has code %s.', v_code),
		    jsonb_build_object('community', v_code));
	END IF;
	SELECT * INTO v_from FROM communities WHERE id = v.community_id;
	IF NOT vp_covers(caller, v_from.id) OR NOT vp_covers(caller, v_to.id) THEN
		PERFORM vp_refuse(403, 'outside-community', format('Moving '
		    'volunteer %s from community %s to %s needs a key that acts '
		    'for both; %s does not.', v.number, v_from.code, v_to.code,
		    coalesce(caller.station_code, caller.keyid)),
		    jsonb_build_object('volunteer', v.number,
		    'station', caller.station_code, 'from', v_from.code,
		    'community', v_to.code));
	END IF;
	IF v_to.id = v_from.id THEN
		PERFORM vp_refuse(422, 'invalid-field', format('Volunteer %s '
		    'belongs to community %s already.', v.number, v_to.code),
		    jsonb_build_object('field', 'community', 'reason', 'unchanged'));
	END IF;
	v_open := vp_volunteer_unsettled(v);
	IF v_open <> '{"checkins": [], "signups": [], "help_requests": []}' THEN
		PERFORM vp_refuse(409, 'move-unsettled', format('Volunteer %s '
		    'has records open in community %s: %s open check-ins, %s '
		    'sign-ups, %s help requests. The station of %s settles them '
		    'first (checks out, cancels the sign-ups, completes or '
		    'cancels the help requests); then the volunteer can move.',
		    v.number, v_from.code, jsonb_array_length(v_open -> 'checkins'),
		    jsonb_array_length(v_open -> 'signups'),
		    jsonb_array_length(v_open -> 'help_requests'), v_from.code),
		    jsonb_build_object('volunteer', v.number,
		    'community', v_from.code) || v_open);
	END IF;

	-- The account is held from here to the end: no transfer of it can
	-- fall between the last one of the old community and the move.
	SELECT * INTO v_account FROM accounts WHERE volunteer_id = v.id FOR UPDATE;
	IF v_account.balance > 0 THEN
		v_out := vp_transfer(v_account.id, vp_issuance_account(v_from.id),
		    v_account.balance, 'move-out', NULL, NULL,
		    format('to %s', v_to.code));
	END IF;
	v_last := coalesce(v_out, (SELECT max(t.id) FROM transfers t
	    WHERE t.from_account = v_account.id OR t.to_account = v_account.id));
	UPDATE accounts SET community_id = v_to.id WHERE id = v_account.id;
	IF v_account.balance > 0 THEN
		v_in := vp_transfer(vp_issuance_account(v_to.id), v_account.id,
		    v_account.balance, 'move-in', NULL, NULL,
		    format('from %s', v_from.code));
	END IF;

	PERFORM set_config('vpoints.reason', v_reason, true);
	UPDATE volunteers SET community_id = v_to.id, updated_at = now()
	WHERE id = v.id RETURNING * INTO v;
	UPDATE volunteer_totals SET community_id = v_to.id
	WHERE volunteer_id = v.id;
	WITH gone AS (
		DELETE FROM team_members tm USING teams t
		WHERE t.id = tm.team_id AND tm.volunteer_id = v.id
		AND t.community_id = v_from.id
		RETURNING t.code),
	    kept AS (
		INSERT INTO volunteer_history (volunteer_id, keyid, action, data,
		    reason)
		SELECT v.id, caller.keyid, 'team-leave',
		    jsonb_build_object('team', code), v_reason
		FROM gone RETURNING data ->> 'team' AS code)
	SELECT coalesce(jsonb_agg(code ORDER BY code), '[]') INTO v_teams FROM kept;
	-- The link to the volunteer's page goes: the old community's station
	-- issued it and knows its token, and acts for the volunteer no more.
	-- The new community's station issues a new one.
	UPDATE links SET revoked_at = now()
	WHERE volunteer_id = v.id AND revoked_at IS NULL
	RETURNING id INTO v_link;
	INSERT INTO volunteer_moves (volunteer_id, from_community, to_community,
	    keyid, reason, points, out_transfer, in_transfer, last_transfer)
	VALUES (v.id, v_from.id, v_to.id, caller.keyid, v_reason,
	    v_account.balance, v_out, v_in, v_last)
	RETURNING * INTO m;
	INSERT INTO volunteer_history (volunteer_id, keyid, action, data, reason)
	VALUES (v.id, caller.keyid, 'move', jsonb_strip_nulls(jsonb_build_object(
	    'from', v_from.code, 'to', v_to.code, 'points', m.points,
	    'teams_left', v_teams, 'link_revoked', v_link)), v_reason);
	PERFORM vp_answer_about(v);
	status := 201;
	body := vp_volunteer_json(v) || jsonb_build_object(
	    'minutes', vp_volunteer_minutes(v.id),
	    'star', vp_stars(vp_volunteer_minutes(v.id)),
	    'move', jsonb_build_object('from', v_from.code, 'to', v_to.code,
		'at', m.at, 'points', m.points, 'teams_left', v_teams,
		'transfers', CASE WHEN v_out IS NULL THEN '[]'::jsonb
		    ELSE jsonb_build_array(v_out, v_in) END,
		'reason', m.reason)
		|| jsonb_strip_nulls(jsonb_build_object('link_revoked', v_link)));
END
$$;

-- The personal fields: kept only with the volunteer's consent, and erased
-- everywhere when consent is withdrawn or the volunteer leaves.
CREATE OR REPLACE FUNCTION vp_personal_fields() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY['gender', 'birth_month', 'phone', 'skills', 'party_member']
$$;

-- A history row's data with each personal field it holds set to null.
CREATE OR REPLACE FUNCTION vp_history_erased(p_data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT p_data || coalesce((SELECT jsonb_object_agg(k, 'null'::jsonb)
	    FROM unnest(vp_personal_fields()) k WHERE p_data ? k), '{}')
$$;

-- volunteer_history is append-only, with one exception: an UPDATE that
-- changes nothing but sets the personal fields of data to null (the
-- erasure of vp_volunteer_erase). Anything else is refused, as
-- vp_append_only refuses it for the other append-only tables.
CREATE OR REPLACE FUNCTION vp_volunteer_history_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.id = OLD.id
	    AND NEW.volunteer_id = OLD.volunteer_id AND NEW.at = OLD.at
	    AND NEW.keyid IS NOT DISTINCT FROM OLD.keyid
	    AND NEW.action = OLD.action
	    AND NEW.reason IS NOT DISTINCT FROM OLD.reason
	    AND NEW.data = vp_history_erased(OLD.data) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
	    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The history rows never change, but for the erasure of personal fields;
-- none goes.
CREATE OR REPLACE TRIGGER volunteer_history_append_only BEFORE UPDATE OR DELETE
	ON volunteer_history FOR EACH ROW EXECUTE FUNCTION vp_volunteer_history_guard();
CREATE OR REPLACE TRIGGER volunteer_history_no_truncate BEFORE TRUNCATE
	ON volunteer_history FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();

-- Erase a volunteer's personal fields wherever else they are kept (the
-- volunteer row has them cleared already): its history rows, and the
-- stored answers of idempotent writes about it (vp_answer_about). A
-- retry of such a write gets the stored answer without them. Service
-- records, transfers and everything else stay, under the volunteer's
-- number.
CREATE OR REPLACE FUNCTION vp_volunteer_erase(v volunteers) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE volunteer_history SET data = vp_history_erased(data)
	WHERE volunteer_id = v.id AND data ?| vp_personal_fields()
	AND data <> vp_history_erased(data);
	UPDATE idempotency SET body = (body::jsonb - vp_personal_fields())::text
	WHERE volunteer_id = v.id AND (body::jsonb) ?| vp_personal_fields();
END
$$;

-- Say that the answer of this write describes volunteer v: vp_call
-- records it with the stored answer, which vp_volunteer_erase finds so.
CREATE OR REPLACE FUNCTION vp_answer_about(v volunteers) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('vpoints.volunteer', v.id::text, true);
END
$$;

-- How many ID-number refusals of one key may wait for the city office;
-- at this many, the key's writes with an ID number are refused (429).
CREATE OR REPLACE FUNCTION vp_id_refusal_limit() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT 3
$$;

-- Check the ID number of a registration or update (its hash in args;
-- p_self: the volunteer updated, NULL for a registration). NULL when no
-- other volunteer has it. Otherwise the refusal is recorded for the city
-- office and its problem body returned (409), saying neither who nor
-- where: the answer a registration desk needs, and no more. A key with
-- vp_id_refusal_limit() refusals unresolved gets 429 for every ID number
-- until an admin resolves them: guessing ID numbers costs a refusal each,
-- and a handful stops the key.
CREATE OR REPLACE FUNCTION vp_id_number_check(caller vp_caller, args jsonb,
    p_operation text, p_volunteer text, p_self bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_hash text := args ->> 'id_hash';
	v_existing bigint;
	v_refusal bigint;
BEGIN
	-- One check at a time per station or community (the count stays
	-- true) and per ID number (two registrations of one number: the
	-- second is refused here, not by the unique index).
	PERFORM pg_advisory_xact_lock(hashtextextended(CASE caller.role
	    WHEN 'station' THEN 'c' || caller.community_id
	    ELSE 's' || caller.station_id END, 8751));
	PERFORM pg_advisory_xact_lock(hashtextextended(v_hash, 8752));
	-- Counted over every key of the station, and for a station's key over
	-- every station of its community: a new key or a new station does
	-- not start again from none.
	IF (SELECT count(*) FROM id_number_refusals r
	    JOIN station_keys k ON k.keyid = r.keyid
	    JOIN stations s ON s.id = k.station_id
	    WHERE r.resolved_at IS NULL
	    AND (s.id = caller.station_id OR (caller.role = 'station'
		AND s.community_id = caller.community_id)))
	    >= vp_id_refusal_limit() THEN
		PERFORM vp_refuse(429, 'id-number-locked', format('This '
		    'station (or its community''s stations) has %s ID numbers '
		    'refused as already registered that the city office has '
		    'not resolved; until an admin resolves them, writes with '
		    'an ID number are refused.',
		    vp_id_refusal_limit()),
		    jsonb_build_object('unresolved',
		    vp_id_refusal_limit(), 'limit', vp_id_refusal_limit()));
	END IF;
	SELECT id INTO v_existing FROM volunteers
	WHERE id_hash = v_hash AND id IS DISTINCT FROM p_self;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	INSERT INTO id_number_refusals (keyid, operation, volunteer, existing_id)
	VALUES (caller.keyid, p_operation, p_volunteer, v_existing)
	RETURNING id INTO v_refusal;
	RETURN vp_problem(409, 'duplicate-id-number', format('This person '
	    'appears to be registered already. Ask the city office, quoting '
	    'suspected duplicate %s.', v_refusal))
	    || jsonb_build_object('duplicate', v_refusal);
END
$$;

-- A refused ID number as the city office sees it, with the station of
-- the key that enrolled the refused key (enrolled_by): an office that
-- enrols stations or makes communities gives each its own allowance of
-- refusals, and the city office sees whose they are.
CREATE OR REPLACE FUNCTION vp_duplicate_json(r id_number_refusals) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('id', r.id, 'at', r.at,
	    'station', (SELECT s.code FROM station_keys k
		JOIN stations s ON s.id = k.station_id WHERE k.keyid = r.keyid),
	    'enrolled_by', (SELECT s.code FROM station_keys k
		JOIN station_keys e ON e.keyid = k.created_by
		JOIN stations s ON s.id = e.station_id WHERE k.keyid = r.keyid),
	    'keyid', r.keyid, 'operation', r.operation,
	    'volunteer', r.volunteer,
	    'existing', v.number,
	    'existing_community', (SELECT code FROM communities
		WHERE id = v.community_id),
	    'id_last4', v.id_last4,
	    'resolved_at', r.resolved_at, 'resolved_by', r.resolved_by,
	    'note', r.note))
	FROM volunteers v WHERE v.id = r.existing_id
$$;

-- GET /v1/duplicates[?all=1][&limit=N] (admin): the suspected duplicates,
-- unresolved ones unless all, oldest first.
CREATE OR REPLACE FUNCTION vp_op_duplicate_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_all boolean := args ->> 'all' IN ('1', 'true', 'yes');
	v_limit integer := vp_limit(args, 100, 1000);
BEGIN
	IF caller.role <> 'office' THEN
		PERFORM vp_require_admin(caller);
	END IF;
	status := 200;
	SELECT jsonb_build_object('duplicates', coalesce(jsonb_agg(
	    vp_duplicate_json(r) ORDER BY r.id), '[]')) INTO body
	FROM (SELECT * FROM id_number_refusals d
	    WHERE (v_all OR resolved_at IS NULL)
	    AND (caller.role = 'admin' OR vp_covers(caller, (SELECT
		v.community_id FROM volunteers v WHERE v.id = d.existing_id)))
	    ORDER BY id LIMIT v_limit) r;
END
$$;

-- POST /v1/duplicates/{id}/resolve {"note"} (admin): the city office has
-- dealt with a suspected duplicate; it no longer counts against the key
-- that sent it.
CREATE OR REPLACE FUNCTION vp_op_duplicate_resolve(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_id text := vp_text(args, 'id', 20);
	r id_number_refusals;
BEGIN
	-- The city office's alone: an office that could resolve refusals
	-- could also enrol keys and go on guessing ID numbers.
	PERFORM vp_require_admin(caller);
	IF v_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-duplicate',
		    format('No suspected duplicate has id %s.', v_id),
		    jsonb_build_object('duplicate', v_id));
	END IF;
	SELECT * INTO r FROM id_number_refusals WHERE id = v_id::bigint FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-duplicate',
		    format('No suspected duplicate has id %s.', v_id),
		    jsonb_build_object('duplicate', v_id));
	END IF;
	IF r.resolved_at IS NOT NULL THEN
		status := 200;
	ELSE
		UPDATE id_number_refusals SET resolved_at = now(),
		    resolved_by = caller.keyid, note = vp_text(args, 'note', 500)
		WHERE id = r.id RETURNING * INTO r;
		INSERT INTO admin_actions (keyid, action, subject, detail)
		VALUES (caller.keyid, 'duplicate-resolve', r.id::text,
		    jsonb_build_object('note', r.note));
		status := 201;
	END IF;
	body := vp_duplicate_json(r);
END
$$;

-- GET /v1/volunteers/{number}/export: everything held about one
-- volunteer, for their right of access: the volunteer with its personal
-- fields, history, teams, shifts (corrected ones too) and open
-- check-ins, transfers, redemptions, help requests (asked or given),
-- certificates, the suspected duplicates of its ID number, and the rest
-- of the record of service: training attended, qualifications, awards
-- (every record, corrections too) and evaluations, with their summaries. The ID
-- number itself is not held: only a keyed hash, and its last four
-- characters.
CREATE OR REPLACE FUNCTION vp_op_volunteer_export(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'number', 32), false);
	v_minutes bigint := vp_volunteer_minutes(v.id);
	v_account bigint := (SELECT id FROM accounts WHERE volunteer_id = v.id);
BEGIN
	status := 200;
	body := jsonb_build_object(
	    'exported_at', date_trunc('second', now()),
	    'volunteer', vp_volunteer_json(v) || jsonb_build_object(
		'minutes', v_minutes, 'star', vp_stars(v_minutes),
		'id_number_kept', CASE WHEN v.id_hash IS NULL THEN 'none'
		    ELSE 'keyed hash and last four characters' END,
		'created_at', v.created_at, 'updated_at', v.updated_at),
	    'history', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', h.at,
		'keyid', h.keyid, 'action', h.action, 'data', h.data,
		'reason', h.reason) ORDER BY h.id), '[]')
		FROM volunteer_history h WHERE h.volunteer_id = v.id),
	    'teams', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'code', t.code, 'name', t.name, 'joined_at', m.joined_at)
		ORDER BY t.code), '[]')
		FROM team_members m JOIN teams t ON t.id = m.team_id
		WHERE m.volunteer_id = v.id),
	    'shifts', (SELECT coalesce(jsonb_agg(vp_shift_json(s)
		ORDER BY s.started_at, s.id), '[]')
		FROM shifts s WHERE s.volunteer_id = v.id),
	    'checkins', (SELECT coalesce(jsonb_agg(vp_checkin_json(k)
		ORDER BY k.id), '[]')
		FROM checkins k WHERE k.volunteer_id = v.id
		AND k.closed_at IS NULL),
	    'transfers', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', t.id, 'at', t.at,
		'amount', CASE WHEN t.to_account = v_account THEN t.amount
		    ELSE -t.amount END,
		'cause', t.cause, 'shift', t.shift_id,
		'reversal_of', t.reversal_of, 'redemption', t.redemption_id,
		'help_request', t.help_request_id, 'memo', t.memo)
		ORDER BY t.id), '[]')
		FROM transfers t
		WHERE t.from_account = v_account OR t.to_account = v_account),
	    'redemptions', (SELECT coalesce(jsonb_agg(vp_redemption_json(r)
		- 'balance' ORDER BY r.id), '[]')
		FROM redemptions r WHERE r.volunteer_id = v.id),
	    'help_requests', (SELECT coalesce(jsonb_agg(vp_help_json(h)
		ORDER BY h.id), '[]')
		FROM help_requests h
		WHERE h.requester_id = v.id OR h.helper_id = v.id),
	    'certificates', (SELECT coalesce(jsonb_agg(vp_certificate_json(c)
		ORDER BY c.issued_at, c.number), '[]')
		FROM certificates c WHERE c.volunteer_id = v.id),
	    'suspected_duplicates', (SELECT coalesce(jsonb_agg(
		jsonb_strip_nulls(jsonb_build_object('id', r.id, 'at', r.at,
		'resolved_at', r.resolved_at)) ORDER BY r.id), '[]')
		FROM id_number_refusals r WHERE r.existing_id = v.id),
	    'training', (SELECT coalesce(jsonb_agg(vp_training_json(t) - 'attendees'
		ORDER BY t.held_on, t.id), '[]')
		FROM trainings t JOIN training_attendance a ON a.training_id = t.id
		WHERE a.volunteer_id = v.id),
	    'training_summary', vp_training_summary(v.id),
	    'qualifications', (SELECT coalesce(jsonb_agg(vp_grant_json(g)
		ORDER BY g.id), '[]')
		FROM qualification_grants g WHERE g.volunteer_id = v.id),
	    'awards', (SELECT coalesce(jsonb_agg(vp_award_json(a)
		|| jsonb_build_object('stands', EXISTS (SELECT 1
		    FROM vp_awards_of(v.id) s WHERE s.id = a.id))
		ORDER BY a.id), '[]')
		FROM awards a WHERE a.volunteer_id = v.id),
	    'evaluations', (SELECT coalesce(jsonb_agg(vp_evaluation_json(e)
		ORDER BY e.id), '[]')
		FROM evaluations e WHERE e.volunteer_id = v.id),
	    'evaluation_summary', vp_evaluation_summary(v.id),
	    -- Events (sql/functions/events.sql, pages.sql): the sign-ups,
	    -- the links to the page (never a token or its hash) and what was
	    -- done through them.
	    'signups', (SELECT coalesce(jsonb_agg(vp_signup_json(s)
		ORDER BY s.id), '[]')
		FROM signups s WHERE s.volunteer_id = v.id),
	    'links', (SELECT coalesce(jsonb_agg(jsonb_strip_nulls(
		jsonb_build_object('id', l.id, 'created_at', l.created_at,
		'revoked_at', l.revoked_at, 'actions', (SELECT coalesce(
		    jsonb_agg(jsonb_build_object('at', a.at, 'action', a.action,
		    'subject', a.subject, 'outcome', a.outcome) ORDER BY a.id),
		    '[]') FROM page_actions a WHERE a.link_id = l.id)))
		ORDER BY l.id), '[]')
		FROM links l WHERE l.volunteer_id = v.id));
END
$$;
