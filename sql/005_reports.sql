-- 005: reports (monthly and annual, four levels), star levels set by
-- admins, certificates of service, and closing a month.
--
-- A shift counts in the month and year in which it started, in the
-- daemon's time zone; only current records count (a corrected shift is
-- replaced by its correction). Points are counted on the ledger's own
-- clock: a transfer counts in the period in which it was made.

CREATE INDEX ON transfers (at);
CREATE INDEX ON redemptions (at);
CREATE INDEX ON help_requests (resolved_at) WHERE status = 'completed';

-- The current records among the shifts that started in [p_from, p_to),
-- of one community or of all.
CREATE FUNCTION vp_current_shifts(p_from timestamptz, p_to timestamptz,
    p_community bigint) RETURNS SETOF shifts
LANGUAGE sql STABLE AS $$
	SELECT s.* FROM shifts s
	WHERE s.started_at >= p_from AND s.started_at < p_to
	AND (p_community IS NULL OR s.community_id = p_community)
	AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)
$$;

-- Hours to two decimals.
CREATE FUNCTION vp_hours(p_minutes numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
	SELECT round(coalesce(p_minutes, 0) / 60.0, 2)
$$;

-- The sums of the numeric members of rows, for the "totals" of a report;
-- hours are those of the summed minutes, not a sum of rounded hours.
CREATE FUNCTION vp_report_totals(p_rows jsonb, p_keys text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT t || CASE WHEN t ? 'hours' THEN jsonb_build_object('hours',
		vp_hours((t ->> 'minutes')::numeric)) ELSE '{}' END
	    || CASE WHEN t ? 'hours_ytd' THEN jsonb_build_object('hours_ytd',
		vp_hours((t ->> 'minutes_ytd')::numeric)) ELSE '{}' END
	FROM (SELECT coalesce(jsonb_object_agg(k, (SELECT
	    coalesce(sum((r ->> k)::numeric), 0)
	    FROM jsonb_array_elements(p_rows) r)), '{}') AS t
	    FROM unnest(p_keys) k) x
$$;

-- Per volunteer of the scope: minutes and shifts of the period, minutes of
-- the year to its end, and all minutes before and by its end (for stars).
CREATE FUNCTION vp_report_volunteer_rows(p_from timestamptz, p_to timestamptz,
    p_community bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH cur AS (
		SELECT s.volunteer_id, s.started_at, s.minutes
		FROM vp_current_shifts('-infinity', p_to, p_community) s
	), per AS (
		SELECT volunteer_id,
		    sum(minutes) FILTER (WHERE started_at >= p_from) AS minutes,
		    count(*) FILTER (WHERE started_at >= p_from) AS shifts,
		    sum(minutes) FILTER (WHERE started_at >= date_trunc('year', p_from)) AS ytd,
		    sum(minutes) FILTER (WHERE started_at < p_from) AS before,
		    sum(minutes) AS total
		FROM cur GROUP BY volunteer_id
	), moves AS (
		-- Transfers of the period and after it: earned and spent in it,
		-- and what moved after it, to go back from today's balance.
		SELECT a.volunteer_id,
		    sum(CASE WHEN t.to_account = a.id AND t.cause <> 'reversal' THEN t.amount
			WHEN t.from_account = a.id AND t.cause = 'reversal' THEN -t.amount
			ELSE 0 END) FILTER (WHERE t.at < p_to) AS earned,
		    sum(CASE WHEN t.from_account = a.id AND t.cause <> 'reversal' THEN t.amount
			WHEN t.to_account = a.id AND t.cause = 'reversal' THEN -t.amount
			ELSE 0 END) FILTER (WHERE t.at < p_to) AS spent,
		    sum(CASE WHEN t.to_account = a.id THEN t.amount ELSE -t.amount END)
			FILTER (WHERE t.at >= p_to) AS later
		FROM accounts a JOIN transfers t
		    ON t.to_account = a.id OR t.from_account = a.id
		WHERE a.kind = 'volunteer' AND t.at >= p_from
		AND (p_community IS NULL OR a.community_id = p_community)
		GROUP BY a.volunteer_id
	)
	SELECT coalesce(jsonb_agg(jsonb_build_object(
	    'number', v.number, 'name', v.name, 'community', c.code,
	    'minutes', coalesce(p.minutes, 0), 'hours', vp_hours(p.minutes),
	    'minutes_ytd', coalesce(p.ytd, 0), 'hours_ytd', vp_hours(p.ytd),
	    'progress', round(coalesce(p.ytd, 0) / 12.0, 2),
	    'shifts', coalesce(p.shifts, 0),
	    'points_earned', coalesce(m.earned, 0),
	    'points_spent', coalesce(m.spent, 0),
	    'balance', coalesce(a.balance, 0) - coalesce(m.later, 0),
	    'stars', vp_stars(coalesce(p.total, 0)),
	    -- for the other levels; vp_report drops them from the rows
	    'stars_before', vp_stars(coalesce(p.before, 0)),
	    'minutes_total', coalesce(p.total, 0),
	    'registered_by_end', v.registered_on < p_to::date,
	    'status_at_end', coalesce((SELECT h.data ->> 'status'
		FROM volunteer_history h WHERE h.volunteer_id = v.id
		AND h.action IN ('register', 'update') AND h.at < p_to
		ORDER BY h.id DESC LIMIT 1), 'active'))
	    ORDER BY v.number), '[]')
	FROM volunteers v
	JOIN communities c ON c.id = v.community_id
	LEFT JOIN accounts a ON a.volunteer_id = v.id
	LEFT JOIN per p ON p.volunteer_id = v.id
	LEFT JOIN moves m ON m.volunteer_id = v.id
	WHERE (p_community IS NULL OR v.community_id = p_community)
	AND (v.registered_on < p_to::date OR p.volunteer_id IS NOT NULL)
$$;

-- One report as JSON; p_kind 'monthly' (p_period YYYY-MM) or 'annual'
-- (YYYY); p_level volunteer, team, community or station.
CREATE FUNCTION vp_report(p_kind text, p_period text, p_level text,
    p_community bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_from timestamptz;
	v_to timestamptz;
	v_year_start timestamptz;
	v_year_share numeric;
	v_rows jsonb;
	v_columns text[];
	v_sum text[];
	v_vols jsonb;
BEGIN
	IF p_kind = 'monthly' THEN
		IF p_period !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
			PERFORM vp_refuse(422, 'invalid-field', '"month" must be YYYY-MM');
		END IF;
		v_from := (p_period || '-01')::date::timestamptz;
		v_to := v_from + interval '1 month';
	ELSIF p_kind = 'annual' THEN
		IF p_period !~ '^[0-9]{4}$' THEN
			PERFORM vp_refuse(422, 'invalid-field', '"year" must be YYYY');
		END IF;
		v_from := (p_period || '-01-01')::date::timestamptz;
		v_to := v_from + interval '1 year';
	ELSE
		RAISE EXCEPTION 'vp_report: kind %', p_kind;
	END IF;
	v_year_start := date_trunc('year', v_from);
	v_year_share := extract(epoch FROM v_to - v_year_start)
	    / extract(epoch FROM (v_year_start + interval '1 year') - v_year_start);
	v_vols := vp_report_volunteer_rows(v_from, v_to, p_community);

	IF p_level = 'volunteer' THEN
		v_columns := ARRAY['number', 'name', 'community', 'minutes', 'hours',
		    'minutes_ytd', 'hours_ytd', 'progress', 'shifts',
		    'points_earned', 'points_spent', 'balance', 'stars'];
		v_sum := ARRAY['minutes', 'hours', 'minutes_ytd', 'hours_ytd',
		    'shifts', 'points_earned', 'points_spent', 'balance'];
		SELECT coalesce(jsonb_agg(r - 'stars_before' - 'minutes_total'
		    - 'status_at_end' - 'registered_by_end'), '[]') INTO v_rows
		FROM jsonb_array_elements(v_vols) r;
	ELSIF p_level = 'community' THEN
		v_columns := ARRAY['code', 'name', 'population', 'registered',
		    'registration_share', 'share_target_met', 'active', 'minutes',
		    'hours', 'average_hours', 'on_track', 'points_issued',
		    'points_redeemed', 'gifts', 'help_completed'];
		v_sum := ARRAY['population', 'registered', 'active', 'minutes',
		    'hours', 'on_track', 'points_issued', 'points_redeemed',
		    'gifts', 'help_completed'];
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'code', c.code, 'name', c.name, 'population', c.population,
		    'registered', x.registered,
		    'registration_share', round(100.0 * x.registered / c.population, 2),
		    'share_target_met', 100.0 * x.registered / c.population >= 13,
		    'active', x.active, 'minutes', x.minutes, 'hours', vp_hours(x.minutes),
		    'average_hours', CASE WHEN x.registered = 0 THEN 0.00
			ELSE round(x.minutes / 60.0 / x.registered, 2) END,
		    'on_track', x.on_track,
		    'points_issued', coalesce((SELECT sum(CASE WHEN t.from_account = a.id
			THEN t.amount ELSE -t.amount END) FROM accounts a JOIN transfers t
			ON t.from_account = a.id OR t.to_account = a.id
			WHERE a.kind = 'issuance' AND a.community_id = c.id
			AND t.at >= v_from AND t.at < v_to), 0),
		    'points_redeemed', coalesce((SELECT sum(CASE WHEN t.to_account = a.id
			THEN t.amount ELSE -t.amount END) FROM accounts a JOIN transfers t
			ON t.from_account = a.id OR t.to_account = a.id
			WHERE a.kind = 'station' AND a.community_id = c.id
			AND t.at >= v_from AND t.at < v_to), 0),
		    'gifts', coalesce((SELECT sum(d.quantity) FROM redemptions d
			WHERE d.community_id = c.id AND d.at >= v_from AND d.at < v_to
			AND NOT EXISTS (SELECT 1 FROM redemption_voids z
			    WHERE z.redemption_id = d.id)), 0),
		    'help_completed', (SELECT count(*) FROM help_requests h
			WHERE h.community_id = c.id AND h.status = 'completed'
			AND h.resolved_at >= v_from AND h.resolved_at < v_to))
		    ORDER BY c.code), '[]') INTO v_rows
		FROM communities c
		JOIN LATERAL (
			SELECT count(*) FILTER (WHERE r ->> 'status_at_end' <> 'left'
				AND (r ->> 'registered_by_end')::boolean) AS registered,
			    count(*) FILTER (WHERE (r ->> 'shifts')::integer > 0) AS active,
			    coalesce(sum((r ->> 'minutes')::bigint), 0) AS minutes,
			    count(*) FILTER (WHERE r ->> 'status_at_end' <> 'left'
				AND (r ->> 'registered_by_end')::boolean
				AND (r ->> 'minutes_ytd')::numeric >= 1200 * v_year_share) AS on_track
			FROM jsonb_array_elements(v_vols) r
			WHERE r ->> 'community' = c.code
		) x ON true
		WHERE p_community IS NULL OR c.id = p_community;
	ELSIF p_level = 'team' THEN
		v_columns := ARRAY['code', 'name', 'kind', 'community', 'volunteers',
		    'shifts', 'minutes', 'hours'];
		v_sum := ARRAY['volunteers', 'shifts', 'minutes', 'hours'];
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'code', t.code, 'name', t.name, 'kind', t.kind,
		    'community', (SELECT code FROM communities WHERE id = t.community_id),
		    'volunteers', x.volunteers, 'shifts', x.shifts,
		    'minutes', x.minutes, 'hours', vp_hours(x.minutes))
		    ORDER BY t.code), '[]') INTO v_rows
		FROM teams t
		JOIN LATERAL (
			SELECT count(DISTINCT s.volunteer_id) AS volunteers,
			    count(s.id) AS shifts, coalesce(sum(s.minutes), 0) AS minutes
			FROM team_members m
			JOIN vp_current_shifts(v_from, v_to, p_community) s
			    ON s.volunteer_id = m.volunteer_id
			WHERE m.team_id = t.id
		) x ON true
		WHERE p_community IS NULL OR t.community_id IS NULL
		    OR t.community_id = p_community;
	ELSIF p_level = 'station' THEN
		v_columns := ARRAY['code', 'name', 'community', 'volunteers', 'shifts',
		    'minutes', 'hours', 'redemptions', 'points_redeemed', 'stock'];
		v_sum := ARRAY['volunteers', 'shifts', 'minutes', 'hours',
		    'redemptions', 'points_redeemed', 'stock'];
		SELECT coalesce(jsonb_agg(jsonb_build_object(
		    'code', st.code, 'name', st.name, 'community', c.code,
		    'volunteers', x.volunteers, 'shifts', x.shifts,
		    'minutes', x.minutes, 'hours', vp_hours(x.minutes),
		    'redemptions', y.redemptions, 'points_redeemed', y.points,
		    'stock', (SELECT coalesce(sum(i.stock), 0) FROM catalog_items i
			WHERE i.station_id = st.id AND i.active))
		    ORDER BY st.code), '[]') INTO v_rows
		FROM stations st
		JOIN communities c ON c.id = st.community_id
		JOIN LATERAL (
			SELECT count(DISTINCT s.volunteer_id) AS volunteers,
			    count(s.id) AS shifts, coalesce(sum(s.minutes), 0) AS minutes
			FROM vp_current_shifts(v_from, v_to, p_community) s
			WHERE s.station_id = st.id
		) x ON true
		JOIN LATERAL (
			SELECT count(*) AS redemptions, coalesce(sum(d.points), 0) AS points
			FROM redemptions d WHERE d.station_id = st.id
			AND d.at >= v_from AND d.at < v_to
			AND NOT EXISTS (SELECT 1 FROM redemption_voids z
			    WHERE z.redemption_id = d.id)
		) y ON true
		WHERE p_community IS NULL OR st.community_id = p_community;
	ELSE
		PERFORM vp_refuse(422, 'invalid-field',
		    '"level" must be volunteer, team, community or station');
	END IF;

	RETURN jsonb_build_object('kind', p_kind, 'period', p_period,
	    'level', p_level,
	    'community', (SELECT code FROM communities WHERE id = p_community),
	    'timezone', current_setting('timezone'), 'from', v_from, 'to', v_to,
	    'targets', jsonb_build_object('hours_per_year', 20,
		'registration_share', 0.13),
	    'columns', to_jsonb(v_columns), 'rows', v_rows,
	    'totals', vp_report_totals(v_rows, v_sum),
	    'new_star_levels', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'volunteer', r ->> 'number', 'name', r ->> 'name',
		'community', r ->> 'community', 'stars', (r ->> 'stars')::integer,
		'hours', vp_hours((r ->> 'minutes_total')::numeric))
		ORDER BY r ->> 'number'), '[]')
		FROM jsonb_array_elements(v_vols) r
		WHERE (r ->> 'stars')::integer > (r ->> 'stars_before')::integer));
END
$$;

-- GET /v1/reports/monthly?month=&level=[&community=]
CREATE FUNCTION vp_op_report_monthly(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	body := vp_report('monthly', vp_text(args, 'month', 7),
	    vp_text(args, 'level', 16), vp_community_scope(caller, args));
END
$$;

-- GET /v1/reports/annual?year=&level=[&community=]
CREATE FUNCTION vp_op_report_annual(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	body := vp_report('annual', vp_text(args, 'year', 4),
	    vp_text(args, 'level', 16), vp_community_scope(caller, args));
END
$$;

-- GET /v1/star-levels
CREATE FUNCTION vp_op_star_levels(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	SELECT jsonb_build_object('levels', jsonb_agg(jsonb_build_object(
	    'stars', stars, 'hours', hours) ORDER BY stars)) INTO body
	FROM star_levels;
END
$$;

-- POST /v1/star-levels (admin): {"levels":[h1,h2,h3,h4,h5]}
CREATE FUNCTION vp_op_star_levels_set(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v jsonb := args -> 'levels';
	i integer;
BEGIN
	PERFORM vp_require_admin(caller);
	IF jsonb_typeof(v) IS DISTINCT FROM 'array' OR jsonb_array_length(v) <> 5 THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"levels" must list the hours of five star levels');
	END IF;
	FOR i IN 0..4 LOOP
		IF jsonb_typeof(v -> i) <> 'number' OR (v ->> i)::numeric <> trunc((v ->> i)::numeric)
		    OR (v ->> i)::numeric < 1 OR (v ->> i)::numeric > 100000
		    OR (i > 0 AND (v ->> i)::numeric <= (v ->> (i - 1))::numeric) THEN
			PERFORM vp_refuse(422, 'invalid-field', '"levels" must be '
			    'whole hours, strictly increasing');
		END IF;
	END LOOP;
	DELETE FROM star_levels;
	INSERT INTO star_levels (stars, hours)
	SELECT n + 1, (v ->> n)::integer FROM generate_series(0, 4) n;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'star-levels', 'star_levels', args);
	status := 201;
	SELECT o.body INTO body FROM vp_op_star_levels(caller, args) o;
END
$$;

CREATE SEQUENCE certificate_numbers;

CREATE TABLE certificates (
	number		text PRIMARY KEY,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	community_id	bigint NOT NULL REFERENCES communities,
	station_id	bigint NOT NULL REFERENCES stations,
	keyid		text NOT NULL REFERENCES station_keys,
	from_date	date NOT NULL,
	to_date		date NOT NULL CHECK (to_date >= from_date),
	payload		text NOT NULL,	-- what the JWS signs, as signed
	sha256		text NOT NULL,	-- of the payload
	issued_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz,
	revoke_reason	text
);
CREATE INDEX ON certificates (volunteer_id);

-- POST /v1/certificates: {"volunteer","from","to"} or {"volunteer","year"}.
-- The daemon signs the payload this returns (Ed25519 is deterministic, so
-- a retry gets the same JWS).
CREATE FUNCTION vp_op_certificate_issue(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), false);
	v_from date;
	v_to date;
	v_number text;
	v_minutes bigint;
	v_shifts bigint;
	v_payload jsonb;
BEGIN
	IF args ? 'year' THEN
		IF vp_text(args, 'year', 4) !~ '^[0-9]{4}$' THEN
			PERFORM vp_refuse(422, 'invalid-field', '"year" must be YYYY');
		END IF;
		v_from := (args ->> 'year' || '-01-01')::date;
		v_to := (v_from + interval '1 year')::date - 1;
	ELSE
		v_from := vp_date_opt(args, 'from');
		v_to := vp_date_opt(args, 'to');
		IF v_from IS NULL OR v_to IS NULL OR v_to < v_from THEN
			PERFORM vp_refuse(422, 'invalid-field', 'Give "year", or '
			    '"from" and "to" (dates, from not after to).');
		END IF;
	END IF;
	SELECT coalesce(sum(minutes), 0), count(*) INTO v_minutes, v_shifts
	FROM vp_current_shifts(v_from::timestamptz, (v_to + 1)::timestamptz, NULL)
	WHERE volunteer_id = v.id;
	v_number := 'C-' || to_char(now(), 'YYYY') || '-'
	    || lpad(nextval('certificate_numbers')::text, 6, '0');
	v_payload := jsonb_build_object('number', v_number,
	    'volunteer', v.number, 'name', v.name,
	    'from', v_from, 'to', v_to,
	    'minutes', v_minutes, 'hours', vp_hours(v_minutes),
	    'shifts', v_shifts,
	    'stars', vp_stars(vp_volunteer_minutes(v.id)),
	    'community', (SELECT code FROM communities WHERE id = v.community_id),
	    'community_name', (SELECT name FROM communities WHERE id = v.community_id),
	    'station', caller.station_code,
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

CREATE FUNCTION vp_certificate_json(c certificates) RETURNS jsonb
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
CREATE FUNCTION vp_certificate_get(caller vp_caller, p_number text)
RETURNS certificates LANGUAGE plpgsql AS $$
DECLARE
	c certificates;
BEGIN
	SELECT * INTO c FROM certificates WHERE number = p_number;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-certificate',
		    format('No certificate has number %s.', p_number));
	END IF;
	IF caller.role <> 'admin' AND c.community_id <> caller.community_id THEN
		PERFORM vp_refuse(403, 'outside-community',
		    'That certificate was issued in another community.');
	END IF;
	RETURN c;
END
$$;

-- GET /v1/certificates/{number}
CREATE FUNCTION vp_op_certificate_get(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	body := vp_certificate_json(vp_certificate_get(caller,
	    vp_text(args, 'number', 32)));
END
$$;

-- POST /v1/certificates/{number}/revoke
CREATE FUNCTION vp_op_certificate_revoke(caller vp_caller, args jsonb,
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

CREATE TABLE month_closes (
	month		text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	closed_at	timestamptz NOT NULL DEFAULT now(),
	keyid		text NOT NULL REFERENCES station_keys,
	digest		text NOT NULL,	-- SHA-256 of the community-level report
	payload		text NOT NULL,	-- what the JWS signs
	jws		text		-- set by the daemon right after
);

-- Refuse a shift record that falls into a closed month: its own start,
-- or the start of the record it corrects.
CREATE FUNCTION vp_shift_month_open() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_month text;
	v_open text;
BEGIN
	-- Shared with other writers of the month, exclusive with its close.
	PERFORM pg_advisory_xact_lock_shared(8750,
	    hashtext('month ' || to_char(NEW.started_at, 'YYYY-MM')));
	SELECT m.month INTO v_month FROM month_closes m
	WHERE m.month IN (to_char(NEW.started_at, 'YYYY-MM'),
	    (SELECT to_char(o.started_at, 'YYYY-MM') FROM shifts o WHERE o.id = NEW.corrects));
	IF FOUND THEN
		SELECT to_char((max(month) || '-01')::date + interval '1 month', 'YYYY-MM')
		INTO v_open FROM month_closes;
		PERFORM vp_refuse(409, 'month-closed', format('%s is closed: its '
		    'shifts can no longer be recorded or corrected. The open month '
		    'is %s.', v_month, v_open));
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER shifts_month_open BEFORE INSERT ON shifts
	FOR EACH ROW EXECUTE FUNCTION vp_shift_month_open();

-- POST /v1/months/{month}/close (admin). The daemon signs the payload and
-- stores the JWS with vp_month_close_sign.
CREATE FUNCTION vp_op_month_close(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_month text := vp_text(args, 'month', 7);
	v_report jsonb;
	v_digest text;
	v_payload jsonb;
BEGIN
	PERFORM vp_require_admin(caller);
	IF v_month !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"month" must be YYYY-MM');
	END IF;
	-- Wait for shift writes into the month in progress; hold off new ones
	-- until the close commits (they then see it and are refused).
	PERFORM pg_advisory_xact_lock(8750, hashtext('month ' || v_month));
	IF EXISTS (SELECT 1 FROM month_closes WHERE month = v_month) THEN
		PERFORM vp_refuse(409, 'month-closed',
		    format('%s is closed already.', v_month));
	END IF;
	IF (v_month || '-01')::date + interval '1 month' > now() THEN
		PERFORM vp_refuse(409, 'month-not-over',
		    format('%s is not over yet.', v_month));
	END IF;
	v_report := vp_report('monthly', v_month, 'community', NULL);
	v_digest := encode(sha256(convert_to(v_report::text, 'UTF8')), 'hex');
	v_payload := jsonb_build_object('month', v_month, 'digest', v_digest,
	    'closed_at', date_trunc('second', now()));
	INSERT INTO month_closes (month, keyid, digest, payload)
	VALUES (v_month, caller.keyid, v_digest, v_payload::text);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'month-close', v_month, v_payload);
	status := 201;
	body := v_payload || jsonb_build_object('payload', v_payload::text);
END
$$;

-- Store the JWS of a month's close (a no-op once stored).
CREATE FUNCTION vp_month_close_sign(p_month text, p_jws text) RETURNS void
LANGUAGE sql AS $$
	UPDATE month_closes SET jws = p_jws WHERE month = p_month AND jws IS NULL
$$;

-- GET /v1/months
CREATE FUNCTION vp_op_month_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	status := 200;
	SELECT jsonb_build_object('months', coalesce(jsonb_agg(jsonb_build_object(
	    'month', m.month, 'closed_at', date_trunc('second', m.closed_at),
	    'digest', m.digest, 'jws', m.jws) ORDER BY m.month), '[]'))
	INTO body FROM month_closes m;
END
$$;
