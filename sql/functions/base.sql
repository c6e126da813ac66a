-- Helpers every operation uses: refusals and problem bodies, the checks
-- of request fields, base64url; and the append-only rule of the history
-- tables, with the list of those tables.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- Refuse an operation: the daemon answers HTTP status, problem type slug
-- and detail, and the members: RFC 9457 extension members carrying the
-- values the sentence names (a balance, a price, a month), so that a
-- client can say the refusal in its user's language without parsing the
-- English. They travel as the error's HINT, a JSON object; vp_call (and,
-- for a refusal raised outside it, daemon/api.c) merges them into the
-- problem. doc/api.md lists every type with its members.
CREATE OR REPLACE FUNCTION vp_refuse(status integer, slug text, detail text,
    members jsonb DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF members IS NULL OR members = '{}'::jsonb THEN
		RAISE EXCEPTION USING ERRCODE = 'VP' || status::text,
		    MESSAGE = slug, DETAIL = detail;
	END IF;
	RAISE EXCEPTION USING ERRCODE = 'VP' || status::text, MESSAGE = slug,
	    DETAIL = detail, HINT = jsonb_strip_nulls(members)::text;
END
$$;

-- An RFC 9457 problem body, with extension members when given. The
-- members named by RFC 9457 itself (type, title, status, detail,
-- instance) are the problem's own: a member of that name is dropped, never
-- let overwrite them. (PL/pgSQL: jsonb_build_object is STABLE, so as an
-- IMMUTABLE LANGUAGE sql function this was never inlined, and was planned
-- on every call.)
CREATE OR REPLACE FUNCTION vp_problem(status integer, slug text, detail text,
    members jsonb DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN CASE WHEN jsonb_typeof(members) = 'object'
	    THEN members - ARRAY['type', 'title', 'status', 'detail', 'instance']
	    ELSE '{}'::jsonb END ||
	    jsonb_build_object('type', 'urn:vpoints:problem:' || slug,
	    'title', slug, 'status', status, 'detail', detail);
END
$$;

-- The problem of a database error that no check of an operation caught,
-- by its SQLSTATE: its class and a sentence, never the database's words
-- (which name tables and constraints, and may quote the row). vp_call
-- gives the daemon those to log.
CREATE OR REPLACE FUNCTION vp_db_problem(p_state text, OUT status integer,
    OUT body jsonb)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v_reason text;
BEGIN
	IF p_state IN ('23505', '23P01') THEN
		status := 409;
		body := vp_problem(409, 'conflict', 'A record like this exists '
		    'already; nothing was changed.',
		    jsonb_build_object('reason', 'duplicate'));
	ELSIF p_state = '23503' THEN
		status := 409;
		body := vp_problem(409, 'conflict', 'This names a record that '
		    'does not exist, or one that others still name; nothing was '
		    'changed.', jsonb_build_object('reason', 'reference'));
	ELSE
		status := 422;
		v_reason := CASE
		    WHEN p_state IN ('22007', '22008', '22009', '22015') THEN 'date'
		    WHEN p_state = '22003' THEN 'number'
		    WHEN p_state = '22001' THEN 'text'
		    WHEN p_state IN ('22004', '23502') THEN 'missing'
		    WHEN p_state LIKE '23%' THEN 'rule'
		    ELSE 'value' END;
		body := vp_problem(422, 'invalid-input', CASE v_reason
		    WHEN 'date'
			THEN 'A date or time of the request is out of range or not valid.'
		    WHEN 'number'
			THEN 'A number of the request is out of range.'
		    WHEN 'text'
			THEN 'A text of the request is too long.'
		    WHEN 'missing'
			THEN 'A value the request needs is missing.'
		    WHEN 'rule'
			THEN 'A value of the request is outside what the ledger accepts.'
		    ELSE 'A value of the request is not valid.' END,
		    jsonb_build_object('reason', v_reason));
	END IF;
END
$$;

-- A required field of a request body, of the given JSON type.
CREATE OR REPLACE FUNCTION vp_field(args jsonb, field text, want text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v jsonb := args -> field;
BEGIN
	IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" is required', field),
		    jsonb_build_object('field', field, 'reason', 'required'));
	END IF;
	IF jsonb_typeof(v) <> want THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" must be a %s', field, want),
		    jsonb_build_object('field', field, 'reason', 'type',
		    'json_type', want));
	END IF;
	RETURN v;
END
$$;

-- A required text field, trimmed, of 1 to max_length characters.
CREATE OR REPLACE FUNCTION vp_text(args jsonb, field text, max_length integer DEFAULT 200)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := btrim(vp_field(args, field, 'string') #>> '{}');
BEGIN
	IF v = '' OR length(v) > max_length THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" must have 1 to %s characters', field, max_length),
		    jsonb_build_object('field', field, 'reason', 'length',
		    'min_length', 1, 'max_length', max_length));
	END IF;
	RETURN v;
END
$$;

-- An optional text field: NULL when absent or null.
CREATE OR REPLACE FUNCTION vp_text_opt(args jsonb, field text, max_length integer DEFAULT 200)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF coalesce(jsonb_typeof(args -> field), 'null') = 'null' THEN
		RETURN NULL;
	END IF;
	RETURN vp_text(args, field, max_length);
END
$$;

-- Whether a JSON value is an integer as written: digits with an optional
-- minus, no fraction or exponent. (The daemon's JSON parser reads 1.0 and
-- 1e2 as reals and passes them on as 1.0 and 100.0; jsonb would make
-- 1e2 100, so the check is on the text the daemon passed.)
CREATE OR REPLACE FUNCTION vp_is_integer(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_typeof(v) = 'number' AND (v #>> '{}') ~ '^-?[0-9]{1,18}$'
$$;

-- A required integer field within bounds: 100, never 100.0 or 1e2.
CREATE OR REPLACE FUNCTION vp_int(args jsonb, field text, lo bigint, hi bigint)
RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v jsonb := vp_field(args, field, 'number');
BEGIN
	IF NOT vp_is_integer(v) OR (v #>> '{}')::bigint NOT BETWEEN lo AND hi THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" must be an integer from %s to %s', field, lo, hi),
		    jsonb_build_object('field', field, 'reason', 'range',
		    'min', lo, 'max', hi));
	END IF;
	RETURN (v #>> '{}')::bigint;
END
$$;

-- A code (community, station): letters, digits, - and _.
CREATE OR REPLACE FUNCTION vp_code(args jsonb, field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := vp_text(args, field, 32);
BEGIN
	IF v !~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$' THEN
		PERFORM vp_refuse(422, 'invalid-field', format('"%s" must be '
		    'letters, digits, - and _ (at most 32)', field),
		    jsonb_build_object('field', field, 'reason', 'code',
		    'max_length', 32));
	END IF;
	RETURN v;
END
$$;

-- An optional boolean field: NULL when absent or null.
CREATE OR REPLACE FUNCTION vp_bool_opt(args jsonb, field text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF coalesce(jsonb_typeof(args -> field), 'null') = 'null' THEN
		RETURN NULL;
	END IF;
	RETURN (vp_field(args, field, 'boolean') #>> '{}')::boolean;
END
$$;

-- An optional date field (YYYY-MM-DD).
CREATE OR REPLACE FUNCTION vp_date_opt(args jsonb, field text) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v text := vp_text_opt(args, field, 10);
BEGIN
	IF v IS NULL THEN
		RETURN NULL;
	END IF;
	IF v !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"%s" must be a date, YYYY-MM-DD', field),
	    jsonb_build_object('field', field, 'reason', 'date'));
	END IF;
	RETURN v::date;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
	PERFORM vp_refuse(422, 'invalid-field',
	    format('"%s" must be a date, YYYY-MM-DD', field),
	    jsonb_build_object('field', field, 'reason', 'date'));
END
$$;

-- A time stamp field (RFC 3339); NULL when absent and optional.
CREATE OR REPLACE FUNCTION vp_time(args jsonb, field text, required boolean)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
	v text := vp_text_opt(args, field, 40);
BEGIN
	IF v IS NULL THEN
		IF required THEN
			PERFORM vp_refuse(422, 'invalid-field',
			    format('"%s" is required', field),
			    jsonb_build_object('field', field, 'reason', 'required'));
		END IF;
		RETURN NULL;
	END IF;
	IF v !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|z|[+-][0-9]{2}:?[0-9]{2})$' THEN
		PERFORM vp_refuse(422, 'invalid-field', format('"%s" must be '
		    'an RFC 3339 time with offset, e.g. 2026-10-05T09:00:00+08:00',
		    field), jsonb_build_object('field', field, 'reason', 'time'));
	END IF;
	RETURN v::timestamptz;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format
    OR invalid_time_zone_displacement_value THEN
	PERFORM vp_refuse(422, 'invalid-field', format('"%s" is not a valid time',
	    field), jsonb_build_object('field', field, 'reason', 'time'));
END
$$;

-- A limit from the query string, within 1..max.
CREATE OR REPLACE FUNCTION vp_limit(args jsonb, dflt integer, max integer)
RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	v text := args ->> 'limit';
BEGIN
	IF v IS NULL THEN
		RETURN dflt;
	END IF;
	IF v !~ '^[0-9]{1,7}$' OR v::integer < 1 OR v::integer > max THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    format('"limit" must be from 1 to %s', max),
		    jsonb_build_object('field', 'limit', 'reason', 'range',
		    'min', 1, 'max', max));
	END IF;
	RETURN v::integer;
END
$$;

-- base64url without padding, the form keys travel in.
CREATE OR REPLACE FUNCTION vp_b64url(data bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT rtrim(translate(replace(encode(data, 'base64'), E'\n', ''),
	    '+/', '-_'), '=')
$$;

-- The bytes of base64url text.
CREATE OR REPLACE FUNCTION vp_b64url_decode(text text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT decode(translate(text, '-_', '+/')
	    || repeat('=', (4 - length(text) % 4) % 4), 'base64')
$$;

-- Refuse UPDATE, DELETE and TRUNCATE on an append-only table.
CREATE OR REPLACE FUNCTION vp_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
	    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The append-only tables: no row changes or goes once written.
-- (catalog_restocks, redemptions, redemption_voids and
-- catalog_deactivations have no TRUNCATE trigger. volunteer_history's
-- triggers are in volunteers.sql: its personal fields may be erased.)
CREATE OR REPLACE TRIGGER shifts_append_only BEFORE UPDATE OR DELETE
	ON shifts FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER shifts_no_truncate BEFORE TRUNCATE
	ON shifts FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE
	ON transfers FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER transfers_no_truncate BEFORE TRUNCATE
	ON transfers FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER catalog_restocks_append_only BEFORE UPDATE OR DELETE
	ON catalog_restocks FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER redemptions_append_only BEFORE UPDATE OR DELETE
	ON redemptions FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER redemption_voids_append_only BEFORE UPDATE OR DELETE
	ON redemption_voids FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER catalog_deactivations_append_only BEFORE UPDATE OR DELETE
	ON catalog_deactivations FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER star_level_sets_append_only BEFORE UPDATE OR DELETE
	ON star_level_sets FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER star_level_sets_no_truncate BEFORE TRUNCATE
	ON star_level_sets FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();
