-- Certificates of service: issued (the daemon signs the payload), read
-- and revoked.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- POST /v1/certificates: {"volunteer","from","to"} or {"volunteer","year"}.
-- The payload holds what the national rules have a certificate name: the
-- volunteer, the period, the hours, the kinds of service (activities),
-- the issuing station, the number and the date; and, since schema 15, the
-- rest of the record of the period: training (sessions and hours, never
-- service), the awards that stand, dated in it, and the summary of the
-- evaluations of the volunteer's service recorded in it. (A certificate
-- signed before keeps its payload, and verifies as it did.) The daemon signs the
-- payload this returns (Ed25519 is deterministic, so a retry gets the
-- same JWS).
CREATE OR REPLACE FUNCTION vp_op_certificate_issue(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), false);
	v_from date;
	v_to date;
	v_number text;
	v_minutes bigint;
	v_shifts bigint;
	v_activities jsonb;
	v_payload jsonb;
BEGIN
	IF args ? 'year' THEN
		IF vp_text(args, 'year', 4) !~ '^[0-9]{4}$' THEN
			PERFORM vp_refuse(422, 'invalid-field', '"year" must be YYYY',
			    jsonb_build_object('field', 'year', 'reason', 'format',
			    'format', 'YYYY'));
		END IF;
		v_from := (args ->> 'year' || '-01-01')::date;
		v_to := (v_from + interval '1 year')::date - 1;
	ELSE
		v_from := vp_date_opt(args, 'from');
		v_to := vp_date_opt(args, 'to');
		IF v_from IS NULL OR v_to IS NULL OR v_to < v_from THEN
			PERFORM vp_refuse(422, 'invalid-field', 'Give "year", or '
			    '"from" and "to" (dates, from not after to).',
			    jsonb_build_object('field', 'year', 'reason', 'period'));
		END IF;
	END IF;
	-- A certificate covers the programme's service: from its start to
	-- the end of this year at most.
	IF v_from < vp_programme_start()
	    OR v_to > (date_trunc('year', now()) + interval '1 year')::date - 1 THEN
		PERFORM vp_refuse(422, 'invalid-field', format('A certificate '
		    'covers dates from the programme''s start, %s, to the end of '
		    'this year.', vp_programme_start()),
		    jsonb_build_object('field', 'year',
		    'reason', 'range', 'programme_start', vp_programme_start()));
	END IF;
	-- The kinds of service: minutes and shifts of each activity, the
	-- most minutes first.
	SELECT coalesce(sum(x.minutes), 0), coalesce(sum(x.shifts), 0),
	    coalesce(jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name,
		'minutes', x.minutes, 'shifts', x.shifts)
		ORDER BY x.minutes DESC, a.code), '[]')
	INTO v_minutes, v_shifts, v_activities
	FROM (SELECT activity_id, sum(minutes) AS minutes, count(*) AS shifts
	    FROM vp_current_shifts(v_from::timestamptz, (v_to + 1)::timestamptz, NULL)
	    WHERE volunteer_id = v.id GROUP BY activity_id) x
	JOIN activities a ON a.id = x.activity_id;
	v_number := 'C-' || to_char(now(), 'YYYY') || '-'
	    || lpad(nextval('certificate_numbers')::text, 6, '0');
	v_payload := jsonb_build_object('number', v_number,
	    'volunteer', v.number, 'name', v.name,
	    'from', v_from, 'to', v_to,
	    'minutes', v_minutes, 'hours', vp_hours(v_minutes),
	    'shifts', v_shifts, 'activities', v_activities,
	    'stars', vp_stars(vp_volunteer_minutes(v.id)),
	    'community', (SELECT code FROM communities WHERE id = v.community_id),
	    'community_name', (SELECT name FROM communities WHERE id = v.community_id),
	    'station', caller.station_code,
	    'station_name', (SELECT name FROM stations WHERE id = caller.station_id),
	    'training', vp_training_summary(v.id, v_from, v_to),
	    'awards', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'title', a.title, 'level', a.level, 'awarded_on', a.awarded_on,
		'issuer', a.issuer) ORDER BY a.awarded_on, a.id), '[]')
		FROM vp_awards_of(v.id) a
		WHERE a.awarded_on BETWEEN v_from AND v_to),
	    'evaluations', vp_evaluation_summary(v.id,
		v_from::timestamptz, (v_to + 1)::timestamptz),
	    'issued_at', date_trunc('second', now()));
	INSERT INTO certificates (number, volunteer_id, community_id, station_id,
	    keyid, from_date, to_date, payload, sha256)
	VALUES (v_number, v.id, v.community_id, caller.station_id, caller.keyid,
	    v_from, v_to, v_payload::text,
	    encode(sha256(convert_to(v_payload::text, 'UTF8')), 'hex'));
	status := 201;
	body := jsonb_build_object('number', v_number, 'payload', v_payload::text,
	    'certificate', v_payload);
END
$$;

-- A certificate as JSON, with what was signed.
CREATE OR REPLACE FUNCTION vp_certificate_json(c certificates) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('number', c.number,
	    'volunteer', (SELECT number FROM volunteers WHERE id = c.volunteer_id),
	    'from', c.from_date, 'to', c.to_date, 'sha256', c.sha256,
	    'issued_at', date_trunc('second', c.issued_at),
	    'revoked_at', date_trunc('second', c.revoked_at),
	    'revoke_reason', c.revoke_reason,
	    'certificate', c.payload::jsonb)
$$;

-- A certificate by number, seen by its community's stations and admins.
CREATE OR REPLACE FUNCTION vp_certificate_get(caller vp_caller, p_number text)
RETURNS certificates LANGUAGE plpgsql AS $$
DECLARE
	c certificates;
BEGIN
	SELECT * INTO c FROM certificates WHERE number = p_number;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-certificate',
		    format('No certificate has number %s.', p_number),
		    jsonb_build_object('certificate', p_number));
	END IF;
	IF NOT vp_covers(caller, c.community_id) THEN
		PERFORM vp_refuse(403, 'outside-community',
		    'That certificate was issued in another community.',
		    jsonb_build_object('certificate', p_number));
	END IF;
	RETURN c;
END
$$;

-- GET /v1/certificates/{number}
CREATE OR REPLACE FUNCTION vp_op_certificate_get(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	body := vp_certificate_json(vp_certificate_get(caller,
	    vp_text(args, 'number', 32)));
END
$$;

-- POST /v1/certificates/{number}/revoke
CREATE OR REPLACE FUNCTION vp_op_certificate_revoke(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	c certificates := vp_certificate_get(caller, vp_text(args, 'number', 32));
BEGIN
	IF c.revoked_at IS NOT NULL THEN
		status := 200;
	ELSE
		UPDATE certificates SET revoked_at = now(),
		    revoke_reason = vp_text(args, 'reason', 500)
		WHERE number = c.number RETURNING * INTO c;
		status := 201;
	END IF;
	body := vp_certificate_json(c);
END
$$;

-- A certificate is kept as it was signed; it may be revoked once
-- (vp_op_certificate_revoke), never un-revoked, and none goes.
CREATE OR REPLACE FUNCTION vp_certificate_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD.revoked_at IS NULL
	    AND NEW.revoked_at IS NOT NULL AND OLD.revoke_reason IS NULL
	    AND (NEW.number, NEW.volunteer_id, NEW.community_id,
		NEW.station_id, NEW.keyid, NEW.from_date, NEW.to_date,
		NEW.payload, NEW.sha256, NEW.issued_at)
	    IS NOT DISTINCT FROM (OLD.number, OLD.volunteer_id,
		OLD.community_id, OLD.station_id, OLD.keyid, OLD.from_date,
		OLD.to_date, OLD.payload, OLD.sha256, OLD.issued_at) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION '% keeps a certificate as it was signed, revoked '
	    'once: % refused', TG_TABLE_NAME, TG_OP
	    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE TRIGGER certificates_kept BEFORE UPDATE OR DELETE
	ON certificates FOR EACH ROW EXECUTE FUNCTION vp_certificate_guard();
CREATE OR REPLACE TRIGGER certificates_no_truncate BEFORE TRUNCATE
	ON certificates FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();
