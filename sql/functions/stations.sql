-- Communities, stations and their keys: who may sign requests, and for
-- which community a caller acts.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- Refuse a caller that is not an admin station.
CREATE OR REPLACE FUNCTION vp_require_admin(caller vp_caller) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF caller.role = 'office' THEN
		PERFORM vp_refuse(403, 'admin-only', format('%s is an office: '
		    'this operation is the city''s and needs an admin key.',
		    caller.station_code), jsonb_build_object('station',
		    caller.station_code));
	ELSIF caller.role <> 'admin' THEN
		PERFORM vp_refuse(403, 'admin-only',
		    'This operation needs an admin key; station keys may not use it.');
	END IF;
END
$$;

-- Whether a caller acts for a community: an admin for every one, an
-- office for those in its region's subtree now, a station for its own.
-- Every check of a caller against a community's rows goes through this
-- one function.
CREATE OR REPLACE FUNCTION vp_covers(caller vp_caller, community bigint)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
	CASE caller.role
	WHEN 'admin' THEN
		RETURN true;
	WHEN 'office' THEN
		RETURN coalesce((SELECT vp_region_within(c.region_id,
		    caller.region_id) FROM communities c WHERE c.id = community),
		    false);
	ELSE
		RETURN caller.community_id = community;
	END CASE;
END
$$;

-- The members an office's refusal adds: its region.
CREATE OR REPLACE FUNCTION vp_office_members(caller vp_caller) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN caller.role = 'office' THEN jsonb_build_object('region',
	    (SELECT code FROM regions WHERE id = caller.region_id))
	    ELSE '{}' END
$$;

-- Refuse a caller that does not manage a community: an admin manages
-- every one, an office those it covers; a station key none (what an
-- admin does city-wide, an office does in its subtree).
CREATE OR REPLACE FUNCTION vp_require_office(caller vp_caller, community bigint)
RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF caller.role = 'office' THEN
		IF community IS NULL OR NOT vp_covers(caller, community) THEN
			PERFORM vp_refuse(403, 'outside-region', format('Key of %s '
			    'acts for the communities of its region only, not %s.',
			    caller.station_code, (SELECT code FROM communities
				WHERE id = community)), jsonb_build_object(
			    'station', caller.station_code, 'community',
			    (SELECT code FROM communities WHERE id = community)));
		END IF;
	ELSE
		PERFORM vp_require_admin(caller);
	END IF;
END
$$;

-- Whether a caller manages a station (its keys, its calendar): an admin
-- every one; an office the stations of the communities it covers, the
-- offices below its region, and itself.
CREATE OR REPLACE FUNCTION vp_station_managed(caller vp_caller, s stations)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT CASE caller.role WHEN 'admin' THEN true
	    WHEN 'office' THEN s.id = caller.station_id
		OR (s.role = 'station' AND vp_covers(caller, s.community_id))
		OR (s.role = 'office' AND s.region_id <> caller.region_id
		    AND vp_region_within(s.region_id, caller.region_id))
	    ELSE false END
$$;

-- Refuse a caller that does not manage a station.
CREATE OR REPLACE FUNCTION vp_require_station(caller vp_caller, s stations)
RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF caller.role = 'office' AND NOT vp_station_managed(caller, s) THEN
		PERFORM vp_refuse(403, 'outside-region', format('Key of %s acts '
		    'for the stations of its region only, not %s.',
		    caller.station_code, s.code), jsonb_build_object('station',
		    caller.station_code, 'subject', s.code));
	ELSIF caller.role <> 'office' THEN
		PERFORM vp_require_admin(caller);
	END IF;
END
$$;

-- Every community, ordered by code.
CREATE OR REPLACE FUNCTION vp_community_list() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('communities', coalesce(jsonb_agg(
		jsonb_build_object('code', c.code, 'name', c.name,
		    'population', c.population, 'region', r.code)
		ORDER BY c.code), '[]'))
	FROM communities c LEFT JOIN regions r ON r.id = c.region_id
$$;

-- A community as JSON.
CREATE OR REPLACE FUNCTION vp_community_json(c communities) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', c.id, 'code', c.code, 'name', c.name,
	    'population', c.population,
	    'region', (SELECT r.code FROM regions r WHERE r.id = c.region_id))
$$;

-- POST /v1/communities (admin; an office in a region of its subtree):
-- placed in the "region" named (an office must name one).
CREATE OR REPLACE FUNCTION vp_op_community_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	c communities;
	r regions;
BEGIN
	IF caller.role = 'office' THEN
		r := vp_region_get(vp_code(args, 'region'), 422);
	ELSE
		PERFORM vp_require_admin(caller);
		IF args ? 'region' THEN
			r := vp_region_get(vp_code(args, 'region'), 422);
		END IF;
	END IF;
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
	IF r.id IS NOT NULL THEN
		PERFORM vp_community_place(caller, c.id, r);
		SELECT * INTO c FROM communities WHERE id = c.id;
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
			PERFORM vp_refuse(422, 'invalid-field', CASE caller.role
			    WHEN 'office' THEN 'An office key must name the '
				'"community".'
			    ELSE 'An admin key must name the "community".' END,
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
	IF NOT vp_covers(caller, v_id) THEN
		PERFORM vp_refuse(403, 'outside-community', format(CASE caller.role
		    WHEN 'office' THEN 'Office %s acts for the communities of its '
			'region only, not %s.'
		    ELSE 'Station %s acts for its own community only, not %s.' END,
		    caller.station_code, v_code),
		    jsonb_build_object('station', caller.station_code,
		    'community', v_code) || vp_office_members(caller));
	END IF;
	RETURN v_id;
END
$$;

-- The communities a list is about: the station's own; the one named; for
-- an office those of its region now; for an admin NULL, the whole city.
CREATE OR REPLACE FUNCTION vp_community_scope(caller vp_caller, args jsonb)
RETURNS bigint[] LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF args ? 'community' OR caller.role = 'station' THEN
		RETURN ARRAY[vp_community_for(caller, args)];
	ELSIF caller.role = 'office' THEN
		RETURN vp_region_communities(caller.region_id, NULL);
	END IF;
	RETURN NULL;
END
$$;

-- A station and its keys as JSON.
CREATE OR REPLACE FUNCTION vp_station_json(s_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', s.id, 'code', s.code, 'name', s.name,
	    'community', c.code, 'role', s.role,
	    'region', (SELECT r.code FROM regions r WHERE r.id = s.region_id),
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
    community text, role text, public_key text, region text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_community bigint;
	v_region bigint;
	v_station bigint;
	v_key bytea;
BEGIN
	IF role NOT IN ('station', 'office', 'admin') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"role" must be station, office or admin',
		    jsonb_build_object('field', 'role', 'reason', 'choice',
		    'choices', jsonb_build_array('station', 'office', 'admin')));
	END IF;
	IF role = 'office' THEN
		IF region IS NULL OR community IS NOT NULL THEN
			PERFORM vp_refuse(422, 'invalid-field', 'An office key '
			    'needs a "region" and no "community".',
			    jsonb_build_object('field', 'region', 'reason',
			    'required'));
		END IF;
		v_region := (vp_region_get(region, 422)).id;
	ELSIF region IS NOT NULL THEN
		PERFORM vp_refuse(422, 'invalid-field', 'Only an office key has '
		    'a "region".', jsonb_build_object('field', 'region',
		    'reason', 'role'));
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
	INSERT INTO stations (code, name, community_id, role, region_id)
	VALUES (code, name, v_community, role, v_region)
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

-- POST /v1/stations (admin; an office: a station of a community it
-- covers, or an office below its region).
CREATE OR REPLACE FUNCTION vp_op_station_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_station bigint;
	v_role text := coalesce(vp_text_opt(args, 'role', 16), 'station');
BEGIN
	IF caller.role = 'office' AND v_role = 'station' THEN
		PERFORM vp_community_for(caller, args);
	ELSIF caller.role = 'office' AND v_role = 'office' THEN
		PERFORM vp_require_region(caller, (vp_region_get(vp_code(args,
		    'region'), 422)).id, true);
	ELSE
		PERFORM vp_require_admin(caller);
	END IF;
	v_station := vp_station_create(caller.keyid, vp_code(args, 'code'),
	    vp_text(args, 'name'), vp_text_opt(args, 'community', 32),
	    v_role, vp_text(args, 'public_key', 64),
	    vp_text_opt(args, 'region', 32));
	body := vp_station_json(v_station);
	body := body || jsonb_build_object('keyid', body -> 'keys' -> 0 ->> 'keyid');
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'station-add', body ->> 'code',
	    jsonb_strip_nulls(jsonb_build_object('keyid', body ->> 'keyid',
		'role', body ->> 'role', 'community', body ->> 'community',
		'region', body ->> 'region')));
	status := 201;
END
$$;

-- GET /v1/stations (admin; an office: the stations it manages).
CREATE OR REPLACE FUNCTION vp_op_station_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	IF caller.role <> 'office' THEN
		PERFORM vp_require_admin(caller);
	END IF;
	status := 200;
	SELECT jsonb_build_object('stations', coalesce(jsonb_agg(
	    vp_station_json(s.id) ORDER BY s.code), '[]'))
	INTO body FROM stations s WHERE vp_station_managed(caller, s);
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
	IF caller.role <> 'office' THEN
		PERFORM vp_require_admin(caller);
	END IF;
	s := vp_station_get(vp_code(args, 'code'));
	PERFORM vp_require_station(caller, s);
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
	IF caller.role <> 'office' THEN
		PERFORM vp_require_admin(caller);
	END IF;
	s := vp_station_get(vp_code(args, 'code'));
	PERFORM vp_require_station(caller, s);
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
	    'admin', public_key, NULL);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (NULL, 'init-admin', v_code, jsonb_build_object('keyid', v_keyid));
	RETURN v_keyid;
END
$$;
