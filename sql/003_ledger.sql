-- 003: the ledger: teams, activity types and their points rules,
-- volunteers (with their history), accounts and transfers (double entry),
-- check-ins and shifts (the service records).
--
-- Invariants kept here, next to the functions that rely on them:
-- - every movement of points is a transfer of a positive amount between
--   two accounts, and both balances change in the same transaction;
-- - a volunteer's balance is never negative (CHECK on accounts);
-- - transfers and shifts are append-only: a correction is a new shift
--   that names the one it corrects, and a reversing transfer;
-- - hours (whole minutes of actual service) never depend on the points
--   rule; the rule only decides the points.

-- Refuse UPDATE, DELETE and TRUNCATE on an append-only table.
CREATE FUNCTION vp_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
	    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TABLE teams (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	kind		text NOT NULL CHECK (kind IN ('standing', 'specialty')),
	-- NULL: a city-wide team.
	community_id	bigint REFERENCES communities,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE activities (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	points_per_hour	integer NOT NULL CHECK (points_per_hour BETWEEN 0 AND 10000),
	daily_cap	integer CHECK (daily_cap > 0),
	-- [{"name","from","to","percent"} | {"name","dates":[...],"percent"}]
	multipliers	jsonb NOT NULL DEFAULT '[]',
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- Star levels by cumulative service hours (national defaults).
CREATE TABLE star_levels (
	stars		integer PRIMARY KEY CHECK (stars BETWEEN 1 AND 5),
	hours		integer NOT NULL UNIQUE CHECK (hours > 0)
);
INSERT INTO star_levels VALUES (1, 100), (2, 300), (3, 600), (4, 1000), (5, 1500);

CREATE TABLE volunteers (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	number		text NOT NULL UNIQUE
			CHECK (number ~ '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	community_id	bigint NOT NULL REFERENCES communities,
	registered_on	date NOT NULL DEFAULT current_date,
	status		text NOT NULL DEFAULT 'active'
			CHECK (status IN ('active', 'suspended', 'left')),
	consent		boolean NOT NULL DEFAULT false,
	gender		text CHECK (gender IN ('female', 'male', 'other')),
	birth_month	text CHECK (birth_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	phone		text CHECK (length(phone) BETWEEN 1 AND 32),
	skills		text[],
	-- HMAC-SHA-256 (hex) of the national ID number, and its last four
	-- characters; the number itself never reaches the database.
	id_hash		text CHECK (id_hash ~ '^[0-9a-f]{64}$'),
	id_last4	text CHECK (length(id_last4) BETWEEN 1 AND 4),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	-- Personal fields only with recorded consent.
	CHECK (consent OR (gender IS NULL AND birth_month IS NULL AND
	    phone IS NULL AND skills IS NULL))
);
CREATE UNIQUE INDEX ON volunteers (id_hash) WHERE id_hash IS NOT NULL;
CREATE INDEX ON volunteers (community_id, number);

-- Every change to a volunteer, with the key that made it.
CREATE TABLE volunteer_history (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	at		timestamptz NOT NULL DEFAULT now(),
	keyid		text,
	action		text NOT NULL,
	data		jsonb NOT NULL,
	reason		text
);
CREATE INDEX ON volunteer_history (volunteer_id, id);
CREATE TRIGGER volunteer_history_append_only
	BEFORE UPDATE OR DELETE ON volunteer_history
	FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE TRIGGER volunteer_history_no_truncate BEFORE TRUNCATE ON volunteer_history
	FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();

CREATE TABLE team_members (
	team_id		bigint NOT NULL REFERENCES teams,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	joined_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (team_id, volunteer_id)
);
CREATE INDEX ON team_members (volunteer_id);

-- Record a volunteer's registration and every change to the row.
CREATE FUNCTION vp_volunteer_changed() RETURNS trigger
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
CREATE TRIGGER volunteer_history AFTER INSERT OR UPDATE ON volunteers
	FOR EACH ROW EXECUTE FUNCTION vp_volunteer_changed();

CREATE TABLE accounts (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind		text NOT NULL
			CHECK (kind IN ('volunteer', 'issuance', 'station', 'escrow')),
	community_id	bigint NOT NULL REFERENCES communities,
	volunteer_id	bigint UNIQUE REFERENCES volunteers,
	station_id	bigint UNIQUE REFERENCES stations,
	balance		bigint NOT NULL DEFAULT 0,
	CHECK (kind <> 'volunteer' OR balance >= 0),
	CHECK ((kind = 'volunteer') = (volunteer_id IS NOT NULL)),
	CHECK ((kind = 'station') = (station_id IS NOT NULL))
);
-- One issuance account (where points come from) per community.
CREATE UNIQUE INDEX ON accounts (community_id) WHERE kind = 'issuance';

-- Shifts and open check-ins share one series of ids: a checked-in shift
-- keeps its id when it is closed.
CREATE SEQUENCE shift_ids;

CREATE TABLE checkins (
	id		bigint PRIMARY KEY DEFAULT nextval('shift_ids'),
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	community_id	bigint NOT NULL REFERENCES communities,
	station_id	bigint NOT NULL REFERENCES stations,
	keyid		text NOT NULL REFERENCES station_keys,
	activity_id	bigint NOT NULL REFERENCES activities,
	details		jsonb NOT NULL DEFAULT '{}',
	started_at	timestamptz NOT NULL,
	closed_at	timestamptz
);
CREATE INDEX ON checkins (volunteer_id) WHERE closed_at IS NULL;

CREATE TABLE shifts (
	id		bigint PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	community_id	bigint NOT NULL REFERENCES communities,
	station_id	bigint NOT NULL REFERENCES stations,
	keyid		text NOT NULL REFERENCES station_keys,	-- the recorder
	activity_id	bigint NOT NULL REFERENCES activities,
	activity_name	text CHECK (length(activity_name) <= 200),
	place		text CHECK (length(place) <= 200),
	served		text CHECK (length(served) <= 200),
	content		text CHECK (length(content) <= 2000),
	lead		text CHECK (length(lead) <= 100),
	started_at	timestamptz NOT NULL,
	ended_at	timestamptz NOT NULL,
	minutes		integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
	points		integer NOT NULL CHECK (points >= 0),
	source		text NOT NULL CHECK (source IN ('log', 'checkout', 'correction')),
	corrects	bigint UNIQUE REFERENCES shifts,
	reason		text CHECK (length(reason) <= 500),
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (ended_at > started_at),
	CHECK ((source = 'correction') = (corrects IS NOT NULL AND reason IS NOT NULL))
);
CREATE INDEX ON shifts (volunteer_id, started_at);
CREATE INDEX ON shifts (community_id, started_at);
CREATE TRIGGER shifts_append_only BEFORE UPDATE OR DELETE ON shifts
	FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE TRIGGER shifts_no_truncate BEFORE TRUNCATE ON shifts
	FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();

CREATE TABLE transfers (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	from_account	bigint NOT NULL REFERENCES accounts,
	to_account	bigint NOT NULL REFERENCES accounts,
	amount		bigint NOT NULL CHECK (amount > 0),
	cause		text NOT NULL
			CHECK (cause IN ('shift', 'reversal', 'redemption', 'help')),
	shift_id	bigint REFERENCES shifts,
	reversal_of	bigint UNIQUE REFERENCES transfers,
	keyid		text REFERENCES station_keys,
	memo		text,
	redemption_id	bigint,		-- references redemptions (004)
	help_request_id	bigint,		-- references help_requests (004)
	CHECK (from_account <> to_account),
	CHECK ((cause = 'reversal') = (reversal_of IS NOT NULL))
);
CREATE INDEX ON transfers (from_account, id);
CREATE INDEX ON transfers (to_account, id);
CREATE INDEX ON transfers (shift_id);
CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE ON transfers
	FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE TRIGGER transfers_no_truncate BEFORE TRUNCATE ON transfers
	FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();

-- Move points: one transfer row and both balances, in the caller's
-- transaction (one UPDATE for both accounts). The transfer names what
-- caused it: a shift, a reversed transfer, a redemption or a help request.
CREATE FUNCTION vp_transfer(p_from bigint, p_to bigint, p_amount bigint,
    p_cause text, p_shift bigint, p_reversal_of bigint, p_memo text,
    p_redemption bigint DEFAULT NULL, p_help bigint DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	UPDATE accounts SET balance = balance +
	    CASE WHEN id = p_to THEN p_amount ELSE -p_amount END
	WHERE id IN (p_from, p_to);
	INSERT INTO transfers (from_account, to_account, amount, cause,
	    shift_id, reversal_of, keyid, memo, redemption_id, help_request_id)
	VALUES (p_from, p_to, p_amount, p_cause, p_shift, p_reversal_of,
	    nullif(current_setting('vpoints.keyid', true), ''), p_memo,
	    p_redemption, p_help)
	RETURNING id INTO v_id;
	RETURN v_id;
END
$$;

-- The issuance account of a community, made on first use.
CREATE FUNCTION vp_issuance_account(p_community bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	SELECT id INTO v_id FROM accounts
	WHERE community_id = p_community AND kind = 'issuance';
	IF NOT FOUND THEN
		INSERT INTO accounts (kind, community_id)
		VALUES ('issuance', p_community)
		ON CONFLICT DO NOTHING RETURNING id INTO v_id;
		IF v_id IS NULL THEN
			SELECT id INTO v_id FROM accounts
			WHERE community_id = p_community AND kind = 'issuance';
		END IF;
	END IF;
	RETURN v_id;
END
$$;

-- An optional date field (YYYY-MM-DD).
CREATE FUNCTION vp_date_opt(args jsonb, field text) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v text := vp_text_opt(args, field, 10);
BEGIN
	IF v IS NULL THEN
		RETURN NULL;
	END IF;
	IF v !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" must be a date, YYYY-MM-DD', field));
	END IF;
	RETURN v::date;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
	PERFORM vp_refuse(422, 'invalid-field',
	    format('"%s" must be a date, YYYY-MM-DD', field));
END
$$;

-- A time stamp field (RFC 3339); NULL when absent and optional.
CREATE FUNCTION vp_time(args jsonb, field text, required boolean)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
	v text := vp_text_opt(args, field, 40);
BEGIN
	IF v IS NULL THEN
		IF required THEN
			PERFORM vp_refuse(422, 'invalid-field',
			    format('"%s" is required', field));
		END IF;
		RETURN NULL;
	END IF;
	IF v !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|z|[+-][0-9]{2}:?[0-9]{2})$' THEN
		PERFORM vp_refuse(422, 'invalid-field', format('"%s" must be '
		    'an RFC 3339 time with offset, e.g. 2026-10-05T09:00:00+08:00',
		    field));
	END IF;
	RETURN v::timestamptz;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format
    OR invalid_time_zone_displacement_value THEN
	PERFORM vp_refuse(422, 'invalid-field', format('"%s" is not a valid time',
	    field));
END
$$;

-- A limit from the query string, within 1..max.
CREATE FUNCTION vp_limit(args jsonb, dflt integer, max integer)
RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := args ->> 'limit';
BEGIN
	IF v IS NULL THEN
		RETURN dflt;
	END IF;
	IF v !~ '^[0-9]{1,7}$' OR v::integer < 1 OR v::integer > max THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"limit" must be from 1 to %s', max));
	END IF;
	RETURN v::integer;
END
$$;

-- The community a station key acts for, or the one an admin names.
CREATE FUNCTION vp_community_for(caller vp_caller, args jsonb)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_code text := vp_text_opt(args, 'community', 32);
	v_id bigint;
BEGIN
	IF v_code IS NULL THEN
		IF caller.community_id IS NULL THEN
			PERFORM vp_refuse(422, 'invalid-field',
			    'An admin key must name the "community".');
		END IF;
		RETURN caller.community_id;
	END IF;
	SELECT id INTO v_id FROM communities WHERE code = v_code;
	IF NOT FOUND THEN
		PERFORM vp_refuse(422, 'unknown-community',
		    format('No community has code %s.', v_code));
	END IF;
	IF caller.role <> 'admin' AND v_id <> caller.community_id THEN
		PERFORM vp_refuse(403, 'outside-community', format('Station %s '
		    'acts for its own community only, not %s.',
		    caller.station_code, v_code));
	END IF;
	RETURN v_id;
END
$$;

-- The community a list or report is about: the station's own; for an
-- admin the one named, or NULL for the whole city.
CREATE FUNCTION vp_community_scope(caller vp_caller, args jsonb)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF args ? 'community' OR caller.role <> 'admin' THEN
		RETURN vp_community_for(caller, args);
	END IF;
	RETURN NULL;
END
$$;

-- A volunteer by number, checked against the caller's community, and
-- locked when it is about to change (which serialises every write for
-- one volunteer: overlap checks and daily caps stay true).
CREATE FUNCTION vp_volunteer_get(caller vp_caller, p_number text, p_lock boolean)
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
		    format('No volunteer has number %s.', p_number));
	END IF;
	IF caller.role <> 'admin' AND v.community_id <> caller.community_id THEN
		PERFORM vp_refuse(403, 'outside-community', format('Volunteer %s '
		    'is registered in another community; station %s acts for '
		    'its own only.', p_number, caller.station_code));
	END IF;
	RETURN v;
END
$$;

-- The star level of so many minutes of service.
CREATE FUNCTION vp_stars(p_minutes bigint) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT coalesce(max(stars), 0) FROM star_levels WHERE hours * 60 <= p_minutes
$$;

-- A volunteer's total service minutes: every current shift.
CREATE FUNCTION vp_volunteer_minutes(p_volunteer bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce(sum(s.minutes), 0) FROM shifts s
	WHERE s.volunteer_id = p_volunteer
	AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)
$$;

CREATE FUNCTION vp_volunteer_json(v volunteers) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
	    'number', v.number, 'name', v.name,
	    'community', (SELECT code FROM communities WHERE id = v.community_id),
	    'registered_on', v.registered_on, 'status', v.status,
	    'consent', v.consent, 'gender', v.gender,
	    'birth_month', v.birth_month, 'phone', v.phone,
	    'skills', to_jsonb(v.skills), 'id_last4', v.id_last4))
	|| jsonb_build_object(
	    'teams', coalesce((SELECT jsonb_agg(t.code ORDER BY t.code)
		FROM team_members m JOIN teams t ON t.id = m.team_id
		WHERE m.volunteer_id = v.id), '[]'),
	    'points', coalesce((SELECT balance FROM accounts
		WHERE volunteer_id = v.id), 0))
$$;

-- The personal fields of a request, checked against consent; NULL
-- members are "not given".
CREATE FUNCTION vp_personal(args jsonb, p_consent boolean)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v jsonb := jsonb_strip_nulls(jsonb_build_object(
	    'gender', vp_text_opt(args, 'gender', 10),
	    'birth_month', vp_text_opt(args, 'birth_month', 7),
	    'phone', vp_text_opt(args, 'phone', 32),
	    'skills', args -> 'skills'));
BEGIN
	IF v ? 'skills' AND (jsonb_typeof(v -> 'skills') <> 'array' OR EXISTS (
	    SELECT 1 FROM jsonb_array_elements(v -> 'skills') e
	    WHERE jsonb_typeof(e) <> 'string' OR length(e #>> '{}') NOT BETWEEN 1 AND 50)) THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"skills" must be a list of short strings');
	END IF;
	IF v ? 'gender' AND v ->> 'gender' NOT IN ('female', 'male', 'other') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"gender" must be female, male or other');
	END IF;
	IF v ? 'birth_month' AND v ->> 'birth_month' !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"birth_month" must be YYYY-MM');
	END IF;
	IF v <> '{}' AND NOT p_consent THEN
		PERFORM vp_refuse(422, 'consent-required', 'Gender, birth month, '
		    'phone and skills are kept only with the volunteer''s '
		    'consent ("consent": true).');
	END IF;
	RETURN v;
END
$$;

-- Put a volunteer into a team (a no-op when a member already).
CREATE FUNCTION vp_team_join(caller vp_caller, v volunteers, p_team text)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	t teams;
	n integer;
BEGIN
	SELECT * INTO t FROM teams WHERE code = p_team;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-team',
		    format('No team has code %s.', p_team));
	END IF;
	IF t.community_id IS NOT NULL AND t.community_id <> v.community_id THEN
		PERFORM vp_refuse(403, 'outside-community', format('Team %s '
		    'belongs to another community than volunteer %s.', p_team,
		    v.number));
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

-- An optional boolean field: NULL when absent or null.
CREATE FUNCTION vp_bool_opt(args jsonb, field text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF coalesce(jsonb_typeof(args -> field), 'null') = 'null' THEN
		RETURN NULL;
	END IF;
	RETURN (vp_field(args, field, 'boolean') #>> '{}')::boolean;
END
$$;

-- POST /v1/volunteers
CREATE FUNCTION vp_op_volunteer_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers;
	v_consent boolean := coalesce(vp_bool_opt(args, 'consent'), false);
	v_personal jsonb := vp_personal(args, v_consent);
	v_team jsonb;
BEGIN
	IF args ? 'id_hash' AND EXISTS (SELECT 1 FROM volunteers
	    WHERE id_hash = args ->> 'id_hash') THEN
		PERFORM vp_refuse(409, 'duplicate-id-number', 'A volunteer with '
		    'this ID number is registered already.');
	END IF;
	INSERT INTO volunteers (number, name, community_id, registered_on,
	    consent, gender, birth_month, phone, skills, id_hash, id_last4)
	VALUES (vp_text(args, 'number', 32), vp_text(args, 'name', 100),
	    vp_community_for(caller, args),
	    coalesce(vp_date_opt(args, 'registered_on'), current_date),
	    v_consent, v_personal ->> 'gender', v_personal ->> 'birth_month',
	    v_personal ->> 'phone',
	    (SELECT array_agg(e) FROM jsonb_array_elements_text(v_personal -> 'skills') e),
	    args ->> 'id_hash', args ->> 'id_last4')
	ON CONFLICT (number) DO NOTHING
	RETURNING * INTO v;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'volunteer-exists', format(
		    'A volunteer with number %s exists already.', args ->> 'number'));
	END IF;
	INSERT INTO accounts (kind, community_id, volunteer_id)
	VALUES ('volunteer', v.community_id, v.id);
	IF jsonb_typeof(args -> 'teams') = 'array' THEN
		FOR v_team IN SELECT jsonb_array_elements(args -> 'teams') LOOP
			PERFORM vp_team_join(caller, v, v_team #>> '{}');
		END LOOP;
	ELSIF args ? 'teams' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"teams" must be a list of team codes');
	END IF;
	status := 201;
	body := vp_volunteer_json(v) || jsonb_build_object('minutes', 0, 'star', 0);
END
$$;

-- PATCH /v1/volunteers/{number}
CREATE FUNCTION vp_op_volunteer_update(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'number', 32), true);
	v_consent boolean := coalesce(vp_bool_opt(args, 'consent'), v.consent);
	v_personal jsonb;
	v_status text := coalesce(vp_text_opt(args, 'status', 16), v.status);
BEGIN
	IF args ? 'community' THEN
		PERFORM vp_refuse(422, 'invalid-field', 'A volunteer''s community '
		    'does not change; register them in the new community.');
	END IF;
	IF v_status NOT IN ('active', 'suspended', 'left') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"status" must be active, suspended or left');
	END IF;
	-- Consent withdrawn: the personal fields go with it.
	IF NOT v_consent THEN
		v_personal := vp_personal(args, false);
	ELSE
		v_personal := jsonb_build_object('gender', v.gender,
		    'birth_month', v.birth_month, 'phone', v.phone,
		    'skills', to_jsonb(v.skills)) || vp_personal(args, true);
	END IF;
	IF args ? 'id_hash' AND EXISTS (SELECT 1 FROM volunteers
	    WHERE id_hash = args ->> 'id_hash' AND id <> v.id) THEN
		PERFORM vp_refuse(409, 'duplicate-id-number', 'A volunteer with '
		    'this ID number is registered already.');
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
	    id_hash = coalesce(args ->> 'id_hash', id_hash),
	    id_last4 = coalesce(args ->> 'id_last4', id_last4),
	    updated_at = now()
	WHERE id = v.id
	RETURNING * INTO v;
	-- "teams": the volunteer's teams become exactly these.
	IF args ? 'teams' THEN
		IF jsonb_typeof(args -> 'teams') <> 'array' THEN
			PERFORM vp_refuse(422, 'invalid-field',
			    '"teams" must be a list of team codes');
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
	status := 200;
	body := vp_volunteer_json(v) || jsonb_build_object(
	    'minutes', vp_volunteer_minutes(v.id),
	    'star', vp_stars(vp_volunteer_minutes(v.id)));
END
$$;

-- GET /v1/volunteers/{number}[?history=1]
CREATE FUNCTION vp_op_volunteer_get(caller vp_caller, args jsonb,
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
CREATE FUNCTION vp_op_volunteer_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_community bigint := vp_community_scope(caller, args);
	v_limit integer := vp_limit(args, 100, 1000);
BEGIN
	status := 200;
	SELECT jsonb_build_object('volunteers', coalesce(jsonb_agg(
	    vp_volunteer_json(x) ORDER BY x.number), '[]')) INTO body
	FROM (SELECT * FROM volunteers v
	    WHERE (v_community IS NULL OR v.community_id = v_community)
	    AND (NOT args ? 'status' OR v.status = args ->> 'status')
	    AND (NOT args ? 'team' OR EXISTS (SELECT 1 FROM team_members m
		JOIN teams t ON t.id = m.team_id
		WHERE m.volunteer_id = v.id AND t.code = args ->> 'team'))
	    ORDER BY v.number LIMIT v_limit) x;
END
$$;

-- POST /v1/teams (admin)
CREATE FUNCTION vp_op_team_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	t teams;
	v_kind text := vp_text(args, 'kind', 16);
	v_community bigint;
BEGIN
	PERFORM vp_require_admin(caller);
	IF v_kind NOT IN ('standing', 'specialty') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"kind" must be standing or specialty');
	END IF;
	IF args ? 'community' THEN
		v_community := vp_community_for(caller, args);
	END IF;
	INSERT INTO teams (code, name, kind, community_id)
	VALUES (vp_code(args, 'code'), vp_text(args, 'name'), v_kind, v_community)
	ON CONFLICT (code) DO NOTHING RETURNING * INTO t;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'team-exists',
		    format('A team with code %s exists already.', args ->> 'code'));
	END IF;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'team-add', t.code, args);
	status := 201;
	body := jsonb_build_object('code', t.code, 'name', t.name, 'kind', t.kind,
	    'community', args ->> 'community', 'members', 0);
END
$$;

-- GET /v1/teams[?community=]
CREATE FUNCTION vp_op_team_list(caller vp_caller, args jsonb,
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
CREATE FUNCTION vp_op_team_join(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
BEGIN
	status := CASE WHEN vp_team_join(caller, v, vp_text(args, 'code', 32))
	    THEN 201 ELSE 200 END;
	body := vp_volunteer_json(v);
END
$$;

-- POST /v1/teams/{code}/leave
CREATE FUNCTION vp_op_team_leave(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	v_team text := vp_text(args, 'code', 32);
	n integer;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM teams WHERE code = v_team) THEN
		PERFORM vp_refuse(404, 'unknown-team',
		    format('No team has code %s.', v_team));
	END IF;
	DELETE FROM team_members m USING teams t
	WHERE t.id = m.team_id AND t.code = v_team AND m.volunteer_id = v.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		INSERT INTO volunteer_history (volunteer_id, keyid, action, data)
		VALUES (v.id, caller.keyid, 'team-leave', jsonb_build_object('team', v_team));
	END IF;
	status := 200;
	body := vp_volunteer_json(v);
END
$$;

-- Check an activity's multiplier windows; returns them as stored.
CREATE FUNCTION vp_multipliers(args jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v jsonb := coalesce(args -> 'multipliers', '[]');
	w jsonb;
BEGIN
	IF jsonb_typeof(v) <> 'array' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"multipliers" must be a list');
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
				    '"dates" must be a list of YYYY-MM-DD');
			END IF;
			PERFORM d::date FROM jsonb_array_elements_text(w -> 'dates') d;
		ELSE
			IF vp_text(w, 'from', 5) !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' OR
			    vp_text(w, 'to', 5) !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' OR
			    w ->> 'from' = w ->> 'to' THEN
				PERFORM vp_refuse(422, 'invalid-field', 'a window needs '
				    '"from" and "to" as HH:MM (different) or "dates"');
			END IF;
		END IF;
	END LOOP;
	RETURN v;
END
$$;

CREATE FUNCTION vp_activity_json(a activities) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', a.code, 'name', a.name,
	    'points_per_hour', a.points_per_hour, 'daily_cap', a.daily_cap,
	    'multipliers', a.multipliers)
$$;

-- POST /v1/activities (admin)
CREATE FUNCTION vp_op_activity_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	a activities;
BEGIN
	PERFORM vp_require_admin(caller);
	INSERT INTO activities (code, name, points_per_hour, daily_cap, multipliers)
	VALUES (vp_code(args, 'code'), vp_text(args, 'name'),
	    vp_int(args, 'points_per_hour', 0, 10000),
	    CASE WHEN coalesce(jsonb_typeof(args -> 'daily_cap'), 'null') = 'null'
		THEN NULL ELSE vp_int(args, 'daily_cap', 1, 1000000) END,
	    vp_multipliers(args))
	ON CONFLICT (code) DO NOTHING RETURNING * INTO a;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'activity-exists',
		    format('An activity with code %s exists already.', args ->> 'code'));
	END IF;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'activity-add', a.code, args);
	status := 201;
	body := vp_activity_json(a);
END
$$;

-- GET /v1/activities
CREATE FUNCTION vp_op_activity_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	SELECT jsonb_build_object('activities', coalesce(jsonb_agg(
	    vp_activity_json(a) ORDER BY a.code), '[]')) INTO body FROM activities a;
END
$$;

-- Whole minutes of service between two times: the seconds are dropped.
CREATE FUNCTION vp_minutes(p_start timestamptz, p_end timestamptz)
RETURNS integer LANGUAGE sql STABLE AS $$
	SELECT (extract(epoch FROM date_trunc('minute', p_end)
	    - date_trunc('minute', p_start)) / 60)::integer
$$;

-- The points rule (see doc/api.md): each minute of service weighs the
-- highest percent of the windows its local time falls in (100 outside
-- any), and the points are floor(sum of weights * points_per_hour / 6000).
-- Before the daily cap. The minutes are real ones, also across a change
-- to or from summer time; windows are read on the local clock.
CREATE FUNCTION vp_rule_points(a activities, p_start timestamptz,
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
CREATE FUNCTION vp_shift_points(p_volunteer bigint, a activities,
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
-- closed, which may overlap itself.
CREATE FUNCTION vp_shift_check(v volunteers, p_start timestamptz,
    p_end timestamptz, p_except bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF v.status <> 'active' THEN
		PERFORM vp_refuse(409, 'volunteer-suspended', format('Volunteer %s '
		    'is %s: no shift can be recorded.', v.number, v.status));
	END IF;
	IF p_start > now() + interval '60 seconds' THEN
		PERFORM vp_refuse(422, 'start-in-future',
		    'A shift cannot start in the future.');
	END IF;
	IF p_end IS NOT NULL THEN
		IF p_end <= p_start THEN
			PERFORM vp_refuse(422, 'end-before-start',
			    'A shift must end after it starts.');
		END IF;
		IF p_end > now() + interval '60 seconds' THEN
			PERFORM vp_refuse(422, 'end-in-future',
			    'A completed shift cannot end in the future.');
		END IF;
		IF p_end - p_start > interval '24 hours' THEN
			PERFORM vp_refuse(422, 'shift-too-long',
			    'A shift lasts at most 24 hours.');
		END IF;
		IF vp_minutes(p_start, p_end) < 1 THEN
			PERFORM vp_refuse(422, 'shift-too-short',
			    'A shift lasts at least one whole minute.');
		END IF;
	END IF;
	IF EXISTS (SELECT 1 FROM shifts s
	    WHERE s.volunteer_id = v.id AND s.id IS DISTINCT FROM p_except
	    AND s.started_at < coalesce(p_end, 'infinity') AND s.ended_at > p_start
	    AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id))
	OR EXISTS (SELECT 1 FROM checkins k
	    WHERE k.volunteer_id = v.id AND k.closed_at IS NULL
	    AND k.id IS DISTINCT FROM p_except
	    AND k.started_at < coalesce(p_end, 'infinity')) THEN
		PERFORM vp_refuse(409, 'shift-overlap', format('Volunteer %s has '
		    'another shift or an open check-in at that time.', v.number));
	END IF;
END
$$;

CREATE FUNCTION vp_shift_json(s shifts) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('id', s.id,
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
	    'recorded_at', s.created_at))
$$;

-- Record a closed shift and award its points (one transfer from the
-- community's issuance account). p_id: the check-in's id, or NULL.
CREATE FUNCTION vp_shift_record(caller vp_caller, v volunteers, a activities,
    p_details jsonb, p_start timestamptz, p_end timestamptz, p_id bigint,
    p_source text, p_corrects bigint, p_reason text)
RETURNS shifts LANGUAGE plpgsql AS $$
DECLARE
	s shifts;
BEGIN
	INSERT INTO shifts (id, volunteer_id, community_id, station_id, keyid,
	    activity_id, activity_name, place, served, content, lead,
	    started_at, ended_at, minutes, points, source, corrects, reason)
	VALUES (coalesce(p_id, nextval('shift_ids')), v.id, v.community_id,
	    caller.station_id, caller.keyid, a.id,
	    vp_text_opt(p_details, 'activity_name'), vp_text_opt(p_details, 'place'),
	    vp_text_opt(p_details, 'served'), vp_text_opt(p_details, 'content', 2000),
	    vp_text_opt(p_details, 'lead', 100), p_start, p_end,
	    vp_minutes(p_start, p_end),
	    vp_shift_points(v.id, a, p_start, p_end, p_corrects),
	    p_source, p_corrects, p_reason)
	RETURNING * INTO s;
	IF s.points > 0 THEN
		PERFORM vp_transfer(vp_issuance_account(v.community_id),
		    (SELECT id FROM accounts WHERE volunteer_id = v.id),
		    s.points, 'shift', s.id, NULL, NULL);
	END IF;
	RETURN s;
END
$$;

-- An activity by code.
CREATE FUNCTION vp_activity_get(p_code text) RETURNS activities
LANGUAGE plpgsql STABLE AS $$
DECLARE
	a activities;
BEGIN
	SELECT * INTO a FROM activities WHERE code = p_code;
	IF NOT FOUND THEN
		PERFORM vp_refuse(422, 'unknown-activity',
		    format('No activity has code %s.', p_code));
	END IF;
	RETURN a;
END
$$;

-- The descriptive fields of a shift in a request, checked: texts of
-- bounded length, absent or null when not given.
CREATE FUNCTION vp_shift_details(args jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
	    'activity_name', vp_text_opt(args, 'activity_name'),
	    'place', vp_text_opt(args, 'place'),
	    'served', vp_text_opt(args, 'served'),
	    'content', vp_text_opt(args, 'content', 2000),
	    'lead', vp_text_opt(args, 'lead', 100)))
$$;

-- POST /v1/shifts: a completed shift.
CREATE FUNCTION vp_op_shift_log(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	a activities := vp_activity_get(vp_text(args, 'activity', 32));
	v_start timestamptz := vp_time(args, 'started_at', true);
	v_end timestamptz := vp_time(args, 'ended_at', true);
BEGIN
	PERFORM vp_shift_check(v, v_start, v_end, NULL);
	status := 201;
	body := vp_shift_json(vp_shift_record(caller, v, a, vp_shift_details(args),
	    v_start, v_end, NULL, 'log', NULL, NULL));
END
$$;

CREATE FUNCTION vp_checkin_json(k checkins) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', k.id,
	    'volunteer', (SELECT number FROM volunteers WHERE id = k.volunteer_id),
	    'activity', (SELECT code FROM activities WHERE id = k.activity_id),
	    'started_at', k.started_at, 'status', 'open',
	    'station', (SELECT code FROM stations WHERE id = k.station_id))
	    || k.details
$$;

-- POST /v1/shifts/checkin: open a shift.
CREATE FUNCTION vp_op_shift_checkin(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	a activities := vp_activity_get(vp_text(args, 'activity', 32));
	v_start timestamptz := coalesce(vp_time(args, 'started_at', false), now());
	k checkins;
BEGIN
	IF caller.role = 'admin' AND caller.community_id IS NULL THEN
		PERFORM vp_refuse(403, 'station-only', 'Check-ins happen at a '
		    'station: use a station key.');
	END IF;
	PERFORM vp_shift_check(v, v_start, NULL, NULL);
	INSERT INTO checkins (volunteer_id, community_id, station_id, keyid,
	    activity_id, details, started_at)
	VALUES (v.id, v.community_id, caller.station_id, caller.keyid, a.id,
	    vp_shift_details(args), v_start)
	RETURNING * INTO k;
	status := 201;
	body := vp_checkin_json(k);
END
$$;

-- POST /v1/shifts/{id}/checkout: close it and award the points.
CREATE FUNCTION vp_op_shift_checkout(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	k checkins;
	v volunteers;
	v_end timestamptz := coalesce(vp_time(args, 'ended_at', false), now());
	v_id text := vp_text(args, 'id', 20);
BEGIN
	IF v_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-shift', format('No shift has id %s.', v_id));
	END IF;
	SELECT * INTO k FROM checkins WHERE id = v_id::bigint;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM shifts WHERE id = v_id::bigint) THEN
			PERFORM vp_refuse(409, 'shift-not-open',
			    format('Shift %s is not an open check-in.', v_id));
		END IF;
		PERFORM vp_refuse(404, 'unknown-shift', format('No shift has id %s.', v_id));
	END IF;
	v := vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = k.volunteer_id), true);
	SELECT * INTO k FROM checkins WHERE id = k.id FOR UPDATE;
	IF k.closed_at IS NOT NULL THEN
		PERFORM vp_refuse(409, 'shift-not-open',
		    format('Shift %s was checked out already.', v_id));
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
CREATE FUNCTION vp_op_shift_correct(caller vp_caller, args jsonb,
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
		PERFORM vp_refuse(404, 'unknown-shift', format('No shift has id %s.', v_id));
	END IF;
	SELECT * INTO old FROM shifts WHERE id = v_id::bigint;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM checkins WHERE id = v_id::bigint) THEN
			PERFORM vp_refuse(409, 'shift-not-open', format('Shift %s is '
			    'an open check-in: check it out, then correct it.', v_id));
		END IF;
		PERFORM vp_refuse(404, 'unknown-shift', format('No shift has id %s.', v_id));
	END IF;
	v := vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = old.volunteer_id), true);
	IF EXISTS (SELECT 1 FROM shifts WHERE corrects = old.id) THEN
		PERFORM vp_refuse(409, 'already-corrected', format('Shift %s was '
		    'corrected already; correct the newest record.', v_id));
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
			    'would take the balance below zero.', v.number, v_id));
		END IF;
		PERFORM vp_transfer(v_account, t.from_account, t.amount, 'reversal',
		    old.id, t.id, v_reason);
	END LOOP;
	status := 201;
	body := vp_shift_json(s);
END
$$;

-- GET /v1/shifts?volunteer=&from=&to=&limit=
CREATE FUNCTION vp_op_shift_list(caller vp_caller, args jsonb,
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

-- GET /v1/volunteers/{number}/ledger[?limit=]
CREATE FUNCTION vp_op_volunteer_ledger(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'number', 32), false);
	v_account accounts;
	v_limit integer := vp_limit(args, 20, 1000);
BEGIN
	SELECT * INTO v_account FROM accounts WHERE volunteer_id = v.id;
	status := 200;
	body := jsonb_build_object('volunteer', v.number,
	    'points', v_account.balance,
	    'minutes', vp_volunteer_minutes(v.id),
	    'transfers', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', t.id, 'at', t.at,
		'amount', CASE WHEN t.to_account = v_account.id THEN t.amount ELSE -t.amount END,
		'cause', t.cause, 'shift', t.shift_id, 'reversal_of', t.reversal_of,
		'memo', t.memo) ORDER BY t.id DESC), '[]')
		FROM (SELECT * FROM transfers
		    WHERE from_account = v_account.id OR to_account = v_account.id
		    ORDER BY id DESC LIMIT v_limit) t));
END
$$;
