-- 002: stations and their keys, signed-request bookkeeping (nonces,
-- idempotency records), the admin action log, and vp_call: the one entry
-- point through which the daemon runs every signed operation.

-- RFC 7638 JWK SHA-256 thumbprint of an Ed25519 public key (32 bytes).
CREATE FUNCTION vp_thumbprint(public_key bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT rtrim(translate(encode(sha256(convert_to(
	    '{"crv":"Ed25519","kty":"OKP","x":"'
	    || rtrim(translate(encode(public_key, 'base64'), '+/', '-_'), '=')
	    || '"}', 'UTF8')), 'base64'), '+/', '-_'), '=')
$$;

-- base64url without padding, the form keys travel in.
CREATE FUNCTION vp_b64url(data bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT rtrim(translate(replace(encode(data, 'base64'), E'\n', ''),
	    '+/', '-_'), '=')
$$;

CREATE FUNCTION vp_b64url_decode(text text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT decode(translate(text, '-_', '+/')
	    || repeat('=', (4 - length(text) % 4) % 4), 'base64')
$$;

CREATE TABLE stations (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		text NOT NULL UNIQUE
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	-- NULL only for city-wide admin keys.
	community_id	bigint REFERENCES communities,
	role		text NOT NULL CHECK (role IN ('station', 'admin')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (role = 'admin' OR community_id IS NOT NULL)
);

CREATE TABLE station_keys (
	keyid		text PRIMARY KEY,
	station_id	bigint NOT NULL REFERENCES stations,
	public_key	bytea NOT NULL CHECK (length(public_key) = 32),
	created_at	timestamptz NOT NULL DEFAULT now(),
	created_by	text REFERENCES station_keys,
	revoked_at	timestamptz,
	revoked_by	text REFERENCES station_keys,
	CHECK (keyid = vp_thumbprint(public_key))
);
CREATE INDEX ON station_keys (station_id);

-- Nonces seen per key; pruned once older than any acceptable signature.
CREATE TABLE request_nonces (
	keyid		text NOT NULL,
	nonce		text NOT NULL,
	seen_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (keyid, nonce)
);
CREATE INDEX ON request_nonces (seen_at);

-- The outcome of each write, by key and Idempotency-Key, for retries.
CREATE TABLE idempotency (
	keyid		text NOT NULL,
	idem_key	text NOT NULL,
	fingerprint	text NOT NULL,
	status		integer NOT NULL,
	body		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (keyid, idem_key)
);
CREATE INDEX ON idempotency (created_at);

-- Every administrative action, signed and kept.
CREATE TABLE admin_actions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	keyid		text REFERENCES station_keys,	-- NULL: vpointsd --init-admin
	action		text NOT NULL,
	subject		text NOT NULL,
	detail		jsonb NOT NULL DEFAULT '{}'
);

-- Refuse an operation: the daemon answers HTTP status, problem type slug
-- and detail.
CREATE FUNCTION vp_refuse(status integer, slug text, detail text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = 'VP' || status::text, MESSAGE = slug,
	    DETAIL = detail;
END
$$;

-- An RFC 9457 problem body.
CREATE FUNCTION vp_problem(status integer, slug text, detail text)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('type', 'urn:vpoints:problem:' || slug,
	    'title', slug, 'status', status, 'detail', detail)
$$;

-- A required field of a request body, of the given JSON type.
CREATE FUNCTION vp_field(args jsonb, field text, want text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v jsonb := args -> field;
BEGIN
	IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" is required', field));
	END IF;
	IF jsonb_typeof(v) <> want THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" must be a %s', field, want));
	END IF;
	RETURN v;
END
$$;

-- A required text field, trimmed, of 1 to max_length characters.
CREATE FUNCTION vp_text(args jsonb, field text, max_length integer DEFAULT 200)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := btrim(vp_field(args, field, 'string') #>> '{}');
BEGIN
	IF v = '' OR length(v) > max_length THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" must have 1 to %s characters', field, max_length));
	END IF;
	RETURN v;
END
$$;

-- An optional text field: NULL when absent or null.
CREATE FUNCTION vp_text_opt(args jsonb, field text, max_length integer DEFAULT 200)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF coalesce(jsonb_typeof(args -> field), 'null') = 'null' THEN
		RETURN NULL;
	END IF;
	RETURN vp_text(args, field, max_length);
END
$$;

-- A required integer field within bounds.
CREATE FUNCTION vp_int(args jsonb, field text, lo bigint, hi bigint)
RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	n numeric := (vp_field(args, field, 'number') #>> '{}')::numeric;
BEGIN
	IF n <> trunc(n) OR n < lo OR n > hi THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" must be an integer from %s to %s', field, lo, hi));
	END IF;
	RETURN n::bigint;
END
$$;

-- A code (community, station): letters, digits, - and _.
CREATE FUNCTION vp_code(args jsonb, field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := vp_text(args, field, 32);
BEGIN
	IF v !~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$' THEN
		PERFORM vp_refuse(422, 'invalid-field', format('"%s" must be '
		    'letters, digits, - and _ (at most 32)', field));
	END IF;
	RETURN v;
END
$$;

-- What the caller of an operation is.
CREATE TYPE vp_caller AS (
	keyid		text,
	station_id	bigint,
	station_code	text,
	role		text,
	community_id	bigint
);

CREATE FUNCTION vp_require_admin(caller vp_caller) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF caller.role <> 'admin' THEN
		PERFORM vp_refuse(403, 'admin-only',
		    'This operation needs an admin key; station keys may not use it.');
	END IF;
END
$$;

CREATE FUNCTION vp_community_json(c communities) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', c.id, 'code', c.code, 'name', c.name,
	    'population', c.population)
$$;

-- POST /v1/communities (admin).
CREATE FUNCTION vp_community_add(caller vp_caller, args jsonb,
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
		    'A community with code %s exists already.', args ->> 'code'));
	END IF;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'community-add', c.code, args);
	status := 201;
	body := vp_community_json(c);
END
$$;

-- GET /v1/communities (any key).
CREATE FUNCTION vp_community_list_op(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	body := vp_community_list();
END
$$;

CREATE FUNCTION vp_station_json(s_id bigint) RETURNS jsonb
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
CREATE FUNCTION vp_station_create(by_keyid text, code text, name text,
    community text, role text, public_key text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_community bigint;
	v_station bigint;
	v_key bytea;
BEGIN
	IF role NOT IN ('station', 'admin') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"role" must be station or admin');
	END IF;
	IF community IS NOT NULL THEN
		SELECT id INTO v_community FROM communities c WHERE c.code = community;
		IF NOT FOUND THEN
			PERFORM vp_refuse(422, 'unknown-community',
			    format('No community has code %s.', community));
		END IF;
	ELSIF role = 'station' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    'A station key needs a "community".');
	END IF;
	IF public_key !~ '^[A-Za-z0-9_-]{43}$' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"public_key" must be an Ed25519 public key');
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
		    format('A station with code %s exists already.', code));
	END IF;
	INSERT INTO station_keys (keyid, station_id, public_key, created_by)
	VALUES (vp_thumbprint(v_key), v_station, v_key, by_keyid);
	RETURN v_station;
END
$$;

-- POST /v1/stations (admin).
CREATE FUNCTION vp_station_add(caller vp_caller, args jsonb,
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
CREATE FUNCTION vp_station_list(caller vp_caller, args jsonb,
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

-- POST /v1/stations/{code}/revoke (admin): every key of the station.
CREATE FUNCTION vp_station_revoke(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations;
	n integer;
BEGIN
	PERFORM vp_require_admin(caller);
	SELECT * INTO s FROM stations WHERE code = vp_code(args, 'code');
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-station',
		    format('No station has code %s.', args ->> 'code'));
	END IF;
	-- Lock the admin keys so two revocations cannot both pass the check.
	PERFORM 1 FROM station_keys k JOIN stations t ON t.id = k.station_id
	WHERE t.role = 'admin' AND k.revoked_at IS NULL FOR UPDATE OF k;
	IF s.role = 'admin' AND NOT EXISTS (
	    SELECT 1 FROM station_keys k JOIN stations t ON t.id = k.station_id
	    WHERE t.role = 'admin' AND k.revoked_at IS NULL AND t.id <> s.id) THEN
		PERFORM vp_refuse(409, 'last-admin',
		    'This is the last admin station; enrol another admin first.');
	END IF;
	UPDATE station_keys SET revoked_at = now(), revoked_by = caller.keyid
	WHERE station_id = s.id AND revoked_at IS NULL;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		INSERT INTO admin_actions (keyid, action, subject, detail)
		VALUES (caller.keyid, 'station-revoke', s.code,
		    jsonb_build_object('keys', n));
	END IF;
	status := CASE WHEN n > 0 THEN 201 ELSE 200 END;
	body := vp_station_json(s.id) || jsonb_build_object('revoked_now', n);
END
$$;

-- The public key of a key id, revoked or not: the daemon verifies
-- signatures with it (a key id names one public key for ever).
CREATE FUNCTION vp_key(keyid text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT vp_b64url(public_key) FROM station_keys k WHERE k.keyid = vp_key.keyid
$$;

-- vpointsd --init-admin: enrol the first admin key (a no-op if enrolled).
CREATE FUNCTION vp_init_admin(public_key text) RETURNS text
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

-- Forget nonces older than any acceptable signature and idempotency
-- records older than 25 hours. Returns the rows removed.
CREATE FUNCTION vp_prune() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	a bigint;
	b bigint;
BEGIN
	DELETE FROM request_nonces WHERE seen_at < now() - interval '10 minutes';
	GET DIAGNOSTICS a = ROW_COUNT;
	DELETE FROM idempotency WHERE created_at < now() - interval '25 hours';
	GET DIAGNOSTICS b = ROW_COUNT;
	RETURN a + b;
END
$$;

-- Run one signed operation in one transaction: check the key, record the
-- nonce, honour the Idempotency-Key (writes), run the operation, store its
-- outcome. A refused operation changes nothing but the nonce record (so a
-- refused request cannot be replayed later) and, for writes, the stored
-- outcome. Returns the HTTP status and the JSON body.
CREATE FUNCTION vp_call(p_keyid text, p_nonce text, p_op text,
    p_idem_key text, p_fingerprint text, p_args jsonb, p_timezone text,
    OUT status integer, OUT body text)
LANGUAGE plpgsql AS $$
DECLARE
	caller vp_caller;
	k station_keys;
	r idempotency;
	v_body jsonb;
	v_state text;
	v_msg text;
	v_detail text;
BEGIN
	SELECT * INTO k FROM station_keys WHERE keyid = p_keyid;
	IF NOT FOUND OR k.revoked_at IS NOT NULL THEN
		status := 401;
		body := vp_problem(401, CASE WHEN k.keyid IS NULL THEN 'key-unknown'
		    ELSE 'key-revoked' END, 'The signing key is not enrolled, '
		    'or it was revoked.')::text;
		RETURN;
	END IF;
	INSERT INTO request_nonces (keyid, nonce) VALUES (p_keyid, p_nonce)
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		status := 401;
		body := vp_problem(401, 'signature-replayed',
		    'This signature was used before: sign every request anew.')::text;
		RETURN;
	END IF;
	SELECT k.keyid, s.id, s.code, s.role, s.community_id INTO caller
	FROM stations s WHERE s.id = k.station_id;
	-- Dates, days and months of this transaction are those of the
	-- daemon's time zone; history rows name the key.
	PERFORM set_config('timezone', p_timezone, true);
	PERFORM set_config('datestyle', 'ISO, YMD', true);
	PERFORM set_config('vpoints.keyid', p_keyid, true);

	IF p_idem_key IS NOT NULL THEN
		IF NOT pg_try_advisory_xact_lock(hashtextextended(
		    p_keyid || ' ' || p_idem_key, 8750)) THEN
			status := 409;
			body := vp_problem(409, 'request-in-flight', 'A request '
			    'with this Idempotency-Key is still being processed; '
			    'retry shortly.')::text;
			RETURN;
		END IF;
		SELECT * INTO r FROM idempotency i
		WHERE i.keyid = p_keyid AND i.idem_key = p_idem_key;
		IF FOUND THEN
			IF r.fingerprint <> p_fingerprint THEN
				status := 422;
				body := vp_problem(422, 'idempotency-key-reused',
				    'This Idempotency-Key was used for a different '
				    'request.')::text;
			ELSE
				status := r.status;
				body := r.body;
			END IF;
			RETURN;
		END IF;
	END IF;

	BEGIN
		CASE p_op
		WHEN 'community_add' THEN
			SELECT * INTO status, v_body FROM vp_community_add(caller, p_args);
		WHEN 'community_list' THEN
			SELECT * INTO status, v_body FROM vp_community_list_op(caller, p_args);
		WHEN 'station_add' THEN
			SELECT * INTO status, v_body FROM vp_station_add(caller, p_args);
		WHEN 'station_list' THEN
			SELECT * INTO status, v_body FROM vp_station_list(caller, p_args);
		WHEN 'station_revoke' THEN
			SELECT * INTO status, v_body FROM vp_station_revoke(caller, p_args);
		ELSE
			-- Operations of later migrations, by name: vp_op_<name>.
			IF p_op !~ '^[a-z_]+$' OR to_regproc('vp_op_' || p_op) IS NULL THEN
				RAISE EXCEPTION 'vp_call: unknown operation %', p_op;
			END IF;
			EXECUTE format('SELECT * FROM vp_op_%s($1, $2)', p_op)
			INTO status, v_body USING caller, p_args;
		END CASE;
	EXCEPTION
	WHEN SQLSTATE 'VP000' THEN
		GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE,
		    v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
		status := substr(v_state, 3)::integer;
		v_body := vp_problem(status, v_msg, v_detail);
	WHEN data_exception OR check_violation OR not_null_violation THEN
		GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT;
		status := 422;
		v_body := vp_problem(422, 'invalid-input', v_msg);
	END;
	body := v_body::text;
	IF p_idem_key IS NOT NULL THEN
		INSERT INTO idempotency (keyid, idem_key, fingerprint, status, body)
		VALUES (p_keyid, p_idem_key, p_fingerprint, status, body);
	END IF;
END
$$;
