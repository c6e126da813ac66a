-- Communities, stations and their keys: who may sign requests, and for
-- which community a caller acts.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- Refuse a caller that is not an admin station.
CREATE OR REPLACE FUNCTION vp_require_admin(caller vp_caller) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF caller.role <> 'admin' THEN
		PERFORM vp_refuse(403, 'admin-only',
		    'This operation needs an admin key; station keys may not use it.');
	END IF;
END
$$;

-- Whether a caller acts for a community: an admin for every one, a
-- station for its own. Every check of a caller against a community's
-- rows goes through this one function.
CREATE OR REPLACE FUNCTION vp_covers(caller vp_caller, community bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT caller.role = 'admin' OR caller.community_id = community
$$;

-- Every community, ordered by code.
CREATE OR REPLACE FUNCTION vp_community_list() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('communities', coalesce(jsonb_agg(
		jsonb_build_object('code', c.code, 'name', c.name,
		    'population', c.population) ORDER BY c.code), '[]'))
	FROM communities c
$$;

-- A community as JSON.
CREATE OR REPLACE FUNCTION vp_community_json(c communities) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', c.id, 'code', c.code, 'name', c.name,
	    'population', c.population)
$$;

-- POST /v1/communities (admin).
CREATE OR REPLACE FUNCTION vp_op_community_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	c communities;
BEGIN
	PERFORM vp_require_admin(caller);
	INSERT INTO communities (code, name, population)
	VALUES (vp_code(args, 'code'), vp_text(args, 'name'),
	    vp_int(args, 'population', 1, 100000000))
	ON CONFLICT (code) DO NOTHING
	RETURNING * INTO c;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'community-exists', format(
		    'A community with code %s exists already.', args ->> 'code'),
		    jsonb_build_object('community', args ->> 'code'));
	END IF;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'community-add', c.code, args);
	status := 201;
	body := vp_community_json(c);
END
$$;

-- GET /v1/communities (any key).
CREATE OR REPLACE FUNCTION vp_op_community_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	body := vp_community_list();
END
$$;

-- The community a station key acts for, or the one an admin names.
CREATE OR REPLACE FUNCTION vp_community_for(caller vp_caller, args jsonb)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_code text := vp_text_opt(args, 'community', 32);
	v_id bigint;
BEGIN
	IF v_code IS NULL THEN
		IF caller.community_id IS NULL THEN
			PERFORM vp_refuse(422, 'invalid-field',
			    'An admin key must name the "community".',
			    jsonb_build_object('field', 'community', 'reason', 'required'));
		END IF;
		RETURN caller.community_id;
	END IF;
	SELECT id INTO v_id FROM communities WHERE code = v_code;
	IF NOT FOUND THEN
		PERFORM vp_refuse(422, 'unknown-community',
		    format('No community has code %s.', v_code),
		    jsonb_build_object('community', v_code));
	END IF;
	IF caller.role <> 'admin' AND v_id <> caller.community_id THEN
		PERFORM vp_refuse(403, 'outside-community', format('Station %s '
		    'acts for its own community only, not %s.',
		    caller.station_code, v_code),
		    jsonb_build_object('station', caller.station_code,
		    'community', v_code));
	END IF;
	RETURN v_id;
END
$$;

-- The community a list or report is about: the station's own; for an
-- admin the one named, or NULL for the whole city.
CREATE OR REPLACE FUNCTION vp_community_scope(caller vp_caller, args jsonb)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF args ? 'community' OR caller.role <> 'admin' THEN
		RETURN vp_community_for(caller, args);
	END IF;
	RETURN NULL;
END
$$;

-- A station and its keys as JSON.
CREATE OR REPLACE FUNCTION vp_station_json(s_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', s.id, 'code', s.code, 'name', s.name,
	    'community', c.code, 'role', s.role,
	    'created_at', s.created_at,
	    'keys', coalesce((SELECT jsonb_agg(jsonb_build_object(
		'keyid', k.keyid, 'created_at', k.created_at,
		'revoked_at', k.revoked_at) ORDER BY k.created_at)
		FROM station_keys k WHERE k.station_id = s.id), '[]'))
	FROM stations s LEFT JOIN communities c ON c.id = s.community_id
	WHERE s.id = s_id
$$;

-- Enrol a station and its first key.
CREATE OR REPLACE FUNCTION vp_station_create(by_keyid text, code text, name text,
    community text, role text, public_key text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_community bigint;
	v_station bigint;
	v_key bytea;
BEGIN
	IF role NOT IN ('station', 'admin') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"role" must be station or admin',
		    jsonb_build_object('field', 'role', 'reason', 'choice',
		    'choices', jsonb_build_array('station', 'admin')));
	END IF;
	IF community IS NOT NULL THEN
		SELECT id INTO v_community FROM communities c WHERE c.code = community;
		IF NOT FOUND THEN
			PERFORM vp_refuse(422, 'unknown-community',
			    format('No community has code %s.', community),
			    jsonb_build_object('community', community));
		END IF;
	ELSIF role = 'station' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    'A station key needs a "community".',
		    jsonb_build_object('field', 'community', 'reason', 'required'));
	END IF;
	IF public_key !~ '^[A-Za-z0-9_-]{43}$' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"public_key" must be an Ed25519 public key',
		    jsonb_build_object('field', 'public_key', 'reason', 'key'));
	END IF;
	v_key := vp_b64url_decode(public_key);
	IF EXISTS (SELECT 1 FROM station_keys k WHERE k.public_key = v_key) THEN
		PERFORM vp_refuse(409, 'key-exists',
		    'This public key is enrolled already; each station has its own key.');
	END IF;
	INSERT INTO stations (code, name, community_id, role)
	VALUES (code, name, v_community, role)
	ON CONFLICT DO NOTHING
	RETURNING id INTO v_station;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'station-exists',
		    format('A station with code %s exists already.', code),
		    jsonb_build_object('station', code));
	END IF;
	INSERT INTO station_keys (keyid, station_id, public_key, created_by)
	VALUES (vp_thumbprint(v_key), v_station, v_key, by_keyid);
	RETURN v_station;
END
$$;

-- POST /v1/stations (admin).
CREATE OR REPLACE FUNCTION vp_op_station_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_station bigint;
BEGIN
	PERFORM vp_require_admin(caller);
	v_station := vp_station_create(caller.keyid, vp_code(args, 'code'),
	    vp_text(args, 'name'), vp_text_opt(args, 'community', 32),
	    coalesce(vp_text_opt(args, 'role', 16), 'station'),
	    vp_text(args, 'public_key', 64));
	body := vp_station_json(v_station);
	body := body || jsonb_build_object('keyid', body -> 'keys' -> 0 ->> 'keyid');
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'station-add', body ->> 'code',
	    jsonb_build_object('keyid', body ->> 'keyid', 'role', body ->> 'role',
		'community', body ->> 'community'));
	status := 201;
END
$$;

-- GET /v1/stations (admin).
CREATE OR REPLACE FUNCTION vp_op_station_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_require_admin(caller);
	status := 200;
	SELECT jsonb_build_object('stations', coalesce(jsonb_agg(
	    vp_station_json(s.id) ORDER BY s.code), '[]'))
	INTO body FROM stations s;
END
$$;

-- The station of a code, or a 404.
CREATE OR REPLACE FUNCTION vp_station_get(p_code text) RETURNS stations
LANGUAGE plpgsql STABLE AS $$
DECLARE
	s stations;
BEGIN
	SELECT * INTO s FROM stations WHERE code = p_code;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-station',
		    format('No station has code %s.', p_code),
		    jsonb_build_object('station', p_code));
	END IF;
	RETURN s;
END
$$;

-- POST /v1/stations/{code}/keys (admin): enrol one more key for a
-- station, to replace the one it has (vpoints station rotate). Both sign
-- until the old one is revoked; a station holds at most two active keys,
-- so that an overlap ends before the next one starts. A station whose
-- keys were all revoked (a lost key) gets its new key the same way.
CREATE OR REPLACE FUNCTION vp_op_station_key_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations;
	v_public text := vp_text(args, 'public_key', 64);
	v_key bytea;
	v_keyid text;
BEGIN
	PERFORM vp_require_admin(caller);
	s := vp_station_get(vp_code(args, 'code'));
	IF v_public !~ '^[A-Za-z0-9_-]{43}$' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"public_key" must be an Ed25519 public key');
	END IF;
	v_key := vp_b64url_decode(v_public);
	v_keyid := vp_thumbprint(v_key);
	-- One rotation of a station at a time: the count below holds.
	PERFORM 1 FROM stations WHERE id = s.id FOR UPDATE;
	IF EXISTS (SELECT 1 FROM station_keys k WHERE k.keyid = v_keyid) THEN
		PERFORM vp_refuse(409, 'key-exists',
		    'This public key is enrolled already; each station has its own key.');
	END IF;
	IF (SELECT count(*) FROM station_keys k WHERE k.station_id = s.id
	    AND k.revoked_at IS NULL) >= 2 THEN
		PERFORM vp_refuse(409, 'too-many-keys', format('Station %s has '
		    'two active keys already: revoke the old one before '
		    'enrolling another.', s.code), jsonb_build_object('station',
		    s.code, 'max_keys', 2));
	END IF;
	INSERT INTO station_keys (keyid, station_id, public_key, created_by)
	VALUES (v_keyid, s.id, v_key, caller.keyid);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'station-key-add', s.code,
	    jsonb_build_object('keyid', v_keyid));
	status := 201;
	body := vp_station_json(s.id) || jsonb_build_object('keyid', v_keyid);
END
$$;

-- POST /v1/stations/{code}/revoke (admin): every key of the station, or
-- the one "keyid" names.
CREATE OR REPLACE FUNCTION vp_op_station_revoke(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations;
	v_keyid text := vp_text_opt(args, 'keyid', 64);
	n integer;
BEGIN
	PERFORM vp_require_admin(caller);
	s := vp_station_get(vp_code(args, 'code'));
	IF v_keyid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM station_keys k
	    WHERE k.keyid = v_keyid AND k.station_id = s.id) THEN
		PERFORM vp_refuse(404, 'unknown-key', format('Station %s has no '
		    'key %s.', s.code, v_keyid), jsonb_build_object('station',
		    s.code, 'key', v_keyid));
	END IF;
	-- Lock the admin keys so two revocations cannot both pass the check.
	PERFORM 1 FROM station_keys k JOIN stations t ON t.id = k.station_id
	WHERE t.role = 'admin' AND k.revoked_at IS NULL FOR UPDATE OF k;
	IF s.role = 'admin' AND NOT EXISTS (
	    SELECT 1 FROM station_keys k JOIN stations t ON t.id = k.station_id
	    WHERE t.role = 'admin' AND k.revoked_at IS NULL
	    AND CASE WHEN v_keyid IS NULL THEN t.id <> s.id
		ELSE k.keyid <> v_keyid END) THEN
		PERFORM vp_refuse(409, 'last-admin',
		    'This is the last admin station; enrol another admin first.');
	END IF;
	UPDATE station_keys SET revoked_at = now(), revoked_by = caller.keyid
	WHERE station_id = s.id AND revoked_at IS NULL
	AND (v_keyid IS NULL OR keyid = v_keyid);
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		INSERT INTO admin_actions (keyid, action, subject, detail)
		VALUES (caller.keyid, 'station-revoke', s.code,
		    jsonb_strip_nulls(jsonb_build_object('keys', n,
			'keyid', v_keyid)));
	END IF;
	status := CASE WHEN n > 0 THEN 201 ELSE 200 END;
	body := vp_station_json(s.id) || jsonb_build_object('revoked_now', n);
END
$$;

-- The public key of a key id, revoked or not: the daemon verifies
-- signatures with it (a key id names one public key for ever).
CREATE OR REPLACE FUNCTION vp_key(keyid text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT vp_b64url(public_key) FROM station_keys k WHERE k.keyid = vp_key.keyid
$$;

-- vpointsd --init-admin: enrol the first admin key (a no-op if enrolled).
CREATE OR REPLACE FUNCTION vp_init_admin(public_key text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	v_keyid text := vp_thumbprint(vp_b64url_decode(public_key));
	v_code text := 'admin-' || left(translate(v_keyid, '_', '-'), 8);
BEGIN
	IF EXISTS (SELECT 1 FROM station_keys k WHERE k.keyid = v_keyid) THEN
		RETURN v_keyid;
	END IF;
	PERFORM vp_station_create(NULL, v_code, 'Local administrator', NULL,
	    'admin', public_key);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (NULL, 'init-admin', v_code, jsonb_build_object('keyid', v_keyid));
	RETURN v_keyid;
END
$$;
