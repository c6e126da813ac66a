-- Capability links: a volunteer's own page (and calendar), a station's
-- calendar. The database keeps only the SHA-256 of a token (links); the
-- daemon makes tokens (daemon/page.c) and passes their hash. vp_page is
-- the one entry point of the unsigned page routes (WIRE_PAGE in
-- common/routes.h): a token authorises what its link's owner may do
-- through it and nothing else, and every action through it is logged
-- with the link's id (page_actions), refused ones too.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- The hash of a new token the daemon put in the arguments.
CREATE OR REPLACE FUNCTION vp_token_hash(args jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF coalesce(args ->> 'token_hash', '') !~ '^[0-9a-f]{64}$' THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"token_hash" is made by the daemon and cannot be sent.',
		    jsonb_build_object('field', 'token_hash',
		    'reason', 'not-sent'));
	END IF;
	RETURN args ->> 'token_hash';
END
$$;

-- Revoke the live link of a volunteer or a station (the other NULL) and,
-- unless "revoke" alone is asked, make a new one of the token the daemon
-- hashed; the ids of both, or NULL.
CREATE OR REPLACE FUNCTION vp_link_issue(p_volunteer bigint, p_station bigint,
    caller vp_caller, args jsonb, OUT revoked bigint, OUT link bigint)
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE links SET revoked_at = now()
	WHERE revoked_at IS NULL AND (volunteer_id = p_volunteer
	    OR station_id = p_station) RETURNING id INTO revoked;
	IF NOT coalesce(vp_bool_opt(args, 'revoke'), false) THEN
		INSERT INTO links (volunteer_id, station_id, token_hash, keyid)
		VALUES (p_volunteer, p_station, vp_token_hash(args), caller.keyid)
		RETURNING id INTO link;
	END IF;
END
$$;

-- POST /v1/volunteers/{number}/link [{"revoke": true}]: a new link to
-- the volunteer's page, revoking the one before (or only that). The
-- daemon adds the token to the answer.
CREATE OR REPLACE FUNCTION vp_op_volunteer_link(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'number', 32), true);
	v_old bigint;
	v_new bigint;
BEGIN
	SELECT * INTO v_old, v_new FROM vp_link_issue(v.id, NULL, caller, args);
	INSERT INTO volunteer_history (volunteer_id, keyid, action, data)
	VALUES (v.id, caller.keyid, 'link', jsonb_strip_nulls(jsonb_build_object(
	    'link', v_new, 'revoked', v_old)));
	status := 200;
	-- keyid: the key the token is made for (vpointsd takes it out of
	-- the answer), kept with the answer, so that a retry signed with
	-- the station's next key is given the same token.
	body := jsonb_strip_nulls(jsonb_build_object('volunteer', v.number,
	    'name', v.name, 'link', v_new, 'revoked', v_old,
	    'keyid', caller.keyid));
END
$$;

-- POST /v1/stations/{code}/link [{"revoke": true}]: a new link to the
-- station's calendar (its community's events and the city-wide ones),
-- by the station itself or an admin.
CREATE OR REPLACE FUNCTION vp_op_station_link(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_code text := vp_code(args, 'code');
	v_station bigint;
	v_old bigint;
	v_new bigint;
BEGIN
	SELECT id INTO v_station FROM stations WHERE code = v_code FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-station',
		    format('No station has code %s.', v_code),
		    jsonb_build_object('station', v_code));
	END IF;
	IF caller.station_id <> v_station AND NOT vp_station_managed(caller,
	    (SELECT x FROM stations x WHERE x.id = v_station)) THEN
		PERFORM vp_refuse(403, 'admin-only', 'A station links its own '
		    'calendar; an admin key links any, an office those of its '
		    'region.');
	END IF;
	SELECT * INTO v_old, v_new FROM vp_link_issue(NULL, v_station, caller, args);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'station-link', v_code, jsonb_strip_nulls(
	    jsonb_build_object('link', v_new, 'revoked', v_old)));
	status := 200;
	body := jsonb_strip_nulls(jsonb_build_object('station', v_code,
	    'link', v_new, 'revoked', v_old, 'keyid', caller.keyid));
END
$$;

-- What a volunteer's page shows: hours this year against the 20 a year,
-- points, star level, no-shows and the block, upcoming sign-ups, recent
-- shifts and certificates, the events they may sign up for now, and the
-- completed help they asked for that they have not evaluated (as the
-- resident served; one evaluation stands per role, vp_op_evaluation_add).
-- Times are local text (the page prints them as they are).
CREATE OR REPLACE FUNCTION vp_page_view(v volunteers) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_total bigint := vp_volunteer_minutes(v.id);
	v_noshows integer := vp_noshows(v.id);
BEGIN
	RETURN json_build_object('number', v.number, 'name', v.name,
	    'community', (SELECT name FROM communities WHERE id = v.community_id),
	    'status', v.status,
	    'year_minutes', (SELECT coalesce(sum(s.minutes), 0) FROM shifts s
		WHERE s.volunteer_id = v.id
		AND s.started_at >= date_trunc('year', now())
		AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)),
	    'year_target_hours', 20,
	    'total_minutes', v_total, 'star', vp_stars(v_total),
	    'points', coalesce((SELECT balance FROM accounts
		WHERE volunteer_id = v.id), 0),
	    'noshows', v_noshows, 'noshow_limit', vp_noshow_limit(),
	    'blocked', vp_noshows_block(v_noshows),
	    'signups', coalesce((SELECT json_agg(json_build_object(
		'id', s.id, 'event', e.id, 'title', e.title, 'place', e.place,
		'starts', vp_local(e.starts_at), 'ends', to_char(e.ends_at, 'HH24:MI'),
		'status', vp_signup_status(s, e),
		'position', CASE WHEN s.state = 'waiting' THEN (SELECT count(*)
		    FROM signups w WHERE w.event_id = e.id AND w.state = 'waiting'
		    AND w.id <= s.id) END,
		'late', now() >= e.cancel_by AND s.state = 'place',
		'cancel_by', vp_local(e.cancel_by))
		ORDER BY e.starts_at, s.id)
		FROM signups s JOIN events e ON e.id = s.event_id
		WHERE s.volunteer_id = v.id AND s.state IN ('place', 'waiting')
		AND e.ends_at > now() AND s.shift_id IS NULL), '[]'),
	    'shifts', coalesce((SELECT json_agg(x.j ORDER BY x.started_at DESC)
		FROM (SELECT s.started_at, json_build_object(
		    'started', vp_local(s.started_at),
		    'activity', coalesce(s.activity_name, a.name),
		    'minutes', s.minutes, 'points', s.points) AS j
		    FROM shifts s JOIN activities a ON a.id = s.activity_id
		    WHERE s.volunteer_id = v.id
		    AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)
		    ORDER BY s.started_at DESC LIMIT 10) x), '[]'),
	    'certificates', coalesce((SELECT json_agg(json_build_object(
		'number', c.number, 'from', c.from_date, 'to', c.to_date,
		'issued', vp_local(c.issued_at)) ORDER BY c.issued_at DESC)
		FROM certificates c WHERE c.volunteer_id = v.id
		AND c.revoked_at IS NULL), '[]'),
	    'events', coalesce((SELECT json_agg(json_build_object(
		'id', e.id, 'title', e.title, 'place', e.place,
		'starts', vp_local(e.starts_at), 'ends', to_char(e.ends_at, 'HH24:MI'),
		'places', e.places, 'free', greatest(e.places - e.taken, 0),
		'cancel_by', vp_local(e.cancel_by))
		ORDER BY e.starts_at, e.id)
		FROM (SELECT * FROM events e2
		    WHERE e2.cancelled_at IS NULL AND now() >= e2.opens_at
		    AND now() < e2.closes_at
		    AND (e2.community_id IS NULL OR e2.community_id = v.community_id)
		    AND NOT EXISTS (SELECT 1 FROM signups s WHERE s.event_id = e2.id
			AND s.volunteer_id = v.id AND s.state IN ('place', 'waiting'))
		    ORDER BY e2.starts_at, e2.id LIMIT 50) e
		WHERE NOT vp_event_has_requirements(e)
		    OR vp_event_unmet(v, e) IS NULL), '[]'),
	    'evaluate', coalesce((SELECT json_agg(json_build_object(
		'id', h.id, 'description', left(h.description, 200),
		'completed', vp_local(h.resolved_at))
		ORDER BY h.resolved_at DESC, h.id DESC)
		FROM (SELECT * FROM help_requests h2
		    WHERE h2.requester_id = v.id AND h2.status = 'completed'
		    AND NOT EXISTS (SELECT 1 FROM evaluations x
			WHERE x.help_request_id = h2.id AND x.role = 'resident'
			AND NOT EXISTS (SELECT 1 FROM evaluation_reversals r
			    WHERE r.evaluation_id = x.id))
		    ORDER BY h2.resolved_at DESC, h2.id DESC LIMIT 20) h), '[]'));
END
$$;

-- The events of a calendar feed: a volunteer's live sign-ups, or a
-- station's community's events and the city-wide ones, from 30 days
-- back. Times in UTC as iCalendar writes them.
CREATE OR REPLACE FUNCTION vp_page_calendar(p_volunteer bigint, p_station bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('name', coalesce((SELECT name FROM volunteers
	    WHERE id = p_volunteer), (SELECT name FROM stations WHERE id = p_station)),
	    'events', coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
	    'uid', 'event-' || e.id || CASE WHEN s.id IS NOT NULL
		THEN '-signup-' || s.id ELSE '' END,
	    'title', e.title, 'place', e.place, 'lead', e.lead,
	    'start', to_char(e.starts_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
	    'end', to_char(e.ends_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
	    'stamp', to_char(greatest(e.created_at, s.created_at, s.promoted_at)
		AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"'),
	    'cancelled', e.cancelled_at IS NOT NULL,
	    'waiting', s.state = 'waiting',
	    'places', e.places, 'taken', e.taken))
	    ORDER BY e.starts_at, e.id), '[]'))
	FROM events e
	LEFT JOIN signups s ON s.event_id = e.id AND s.volunteer_id = p_volunteer
	    AND s.state IN ('place', 'waiting')
	WHERE e.ends_at > now() - interval '30 days'
	AND CASE WHEN p_volunteer IS NOT NULL THEN s.id IS NOT NULL
	    ELSE e.community_id IS NULL OR e.community_id = (SELECT community_id
		FROM stations WHERE id = p_station) END
$$;

-- The one entry point of the page routes. p_hash: the SHA-256 (hex) of
-- the token in the path; p_kind: 'volunteer' (/p/...) or 'station'
-- (/s/...); p_op: view, signup {"event"}, cancel {"signup"}, evaluate
-- {"help_request", "score", "comment"}, calendar.
-- An unknown, revoked or other kind's token is 404, the same answer
-- for each. A refused action changes nothing but its line in
-- page_actions. Returns the status, the body, the link's id (for the
-- access log) and the refusal's slug (for the page).
CREATE OR REPLACE FUNCTION vp_page(p_hash text, p_kind text, p_op text,
    p_args jsonb, p_timezone text, p_rules jsonb,
    OUT status integer, OUT body text, OUT link_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
	l links;
	v volunteers;
	e events;
	s signups;
	h help_requests;
	v_subject text;
	v_slug text := 'ok';
	v_detail text;
	v_result jsonb;
BEGIN
	-- One statement for the four settings: the page is read far more
	-- often than anything is written through it.
	PERFORM set_config('timezone', p_timezone, true),
	    set_config('datestyle', 'ISO, YMD', true),
	    CASE WHEN p_rules ? 'noshow_limit' THEN set_config(
		'vpoints.noshow_limit', p_rules ->> 'noshow_limit', true) END,
	    CASE WHEN p_rules ? 'noshow_days' THEN set_config(
		'vpoints.noshow_days', p_rules ->> 'noshow_days', true) END;
	-- A volunteer who left has no page: their link opens nothing. The
	-- volunteer's row is read once, for this and for the page.
	SELECT * INTO l FROM links WHERE token_hash = p_hash AND revoked_at IS NULL;
	IF FOUND AND l.volunteer_id IS NOT NULL THEN
		SELECT * INTO v FROM volunteers WHERE id = l.volunteer_id;
	END IF;
	IF l.id IS NULL OR (p_kind = 'volunteer') <> (l.volunteer_id IS NOT NULL)
	    OR v.status = 'left' THEN
		status := 404;
		body := vp_problem(404, 'unknown-link', 'This link is not valid, '
		    'or it was replaced by a new one.')::text;
		RETURN;
	END IF;
	link_id := l.id;
	IF p_kind = 'station' THEN
		status := 200;
		body := vp_page_calendar(NULL, l.station_id)::text;
		RETURN;
	END IF;
	IF p_op IN ('view', 'calendar') THEN
		status := 200;
		body := CASE p_op WHEN 'view' THEN vp_page_view(v)::text
		    ELSE vp_page_calendar(v.id, NULL)::text END;
		RETURN;
	END IF;
	IF p_op NOT IN ('signup', 'cancel', 'evaluate') THEN
		RAISE EXCEPTION 'vp_page: unknown operation %', p_op;
	END IF;
	v_subject := left(coalesce(p_args ->> CASE p_op WHEN 'signup'
	    THEN 'event' WHEN 'cancel' THEN 'signup' ELSE 'help_request' END,
	    ''), 40);
	status := 200;
	BEGIN
		-- At most 30 actions in 10 minutes through one link (the
		-- refusals of this limit not counted: a volunteer who tries
		-- again while held back is not held back longer).
		IF (SELECT count(*) FROM page_actions a WHERE a.link_id = l.id
		    AND a.at > now() - interval '10 minutes'
		    AND a.outcome <> 'too-many-actions') >= 30 THEN
			PERFORM vp_refuse(429, 'too-many-actions', 'Too many '
			    'sign-ups, cancellations and evaluations in a short '
			    'time; wait a few minutes.', jsonb_build_object('limit', 30,
			    'minutes', 10));
		END IF;
		SELECT * INTO v FROM volunteers WHERE id = l.volunteer_id FOR UPDATE;
		IF p_op = 'signup' THEN
			e := vp_event_get(ROW(NULL, NULL, NULL, 'station',
			    v.community_id, NULL)::vp_caller, v_subject, true);
			s := vp_signup_make(v, e, NULL, l.id, false);
			v_result := vp_signup_json(s);
			status := 201;
		ELSIF p_op = 'evaluate' THEN
			-- Only help the volunteer asked for: another's is as
			-- unknown. The rules are the evaluation's own, as the
			-- resident served, recorded with the link.
			IF v_subject ~ '^[0-9]{1,18}$' THEN
				SELECT * INTO h FROM help_requests
				WHERE id = v_subject::bigint AND requester_id = v.id;
			END IF;
			IF h.id IS NULL THEN
				PERFORM vp_refuse(404, 'unknown-help-request',
				    format('No help request you asked for has id %s.',
				    v_subject), jsonb_build_object('help_request', v_subject));
			END IF;
			PERFORM set_config('vpoints.link', l.id::text, true);
			SELECT x.status, x.body INTO status, v_result
			FROM vp_op_evaluation_add(ROW(NULL, NULL, NULL, 'station',
			    h.community_id, NULL)::vp_caller, jsonb_strip_nulls(
			    jsonb_build_object('help_request', h.id::text,
			    'role', 'resident', 'score', CASE WHEN p_args ->> 'score'
				~ '^[0-9]{1,2}$' THEN to_jsonb((p_args ->> 'score')::integer)
				ELSE p_args -> 'score' END,
			    'comment', nullif(p_args ->> 'comment', '')))) x;
		ELSE
			IF v_subject !~ '^[0-9]{1,18}$' THEN
				PERFORM vp_refuse(404, 'unknown-signup',
				    format('No sign-up has id %s.', v_subject),
				    jsonb_build_object('signup', v_subject));
			END IF;
			-- Only the volunteer's own: another's is as unknown.
			SELECT * INTO s FROM signups WHERE id = v_subject::bigint
			AND volunteer_id = v.id;
			IF NOT FOUND THEN
				PERFORM vp_refuse(404, 'unknown-signup',
				    format('No sign-up has id %s.', v_subject),
				    jsonb_build_object('signup', v_subject));
			END IF;
			SELECT * INTO e FROM events WHERE id = s.event_id FOR UPDATE;
			SELECT * INTO s FROM signups WHERE id = s.id;
			v_result := vp_signup_cancel_do(s, e, NULL, l.id);
		END IF;
	EXCEPTION WHEN SQLSTATE 'VP000' THEN
		GET STACKED DIAGNOSTICS v_slug = MESSAGE_TEXT,
		    v_detail = PG_EXCEPTION_DETAIL;
		status := substr(SQLSTATE, 3)::integer;
	END;
	INSERT INTO page_actions (link_id, action, subject, outcome)
	VALUES (l.id, p_op, v_subject, v_slug);
	SELECT * INTO v FROM volunteers WHERE id = l.volunteer_id;
	body := json_build_object('page', vp_page_view(v),
	    'notice', jsonb_strip_nulls(jsonb_build_object('action', p_op,
		'outcome', v_slug, 'detail', v_detail, 'result', v_result)))::text;
END
$$;
