-- Events (活动): occurrences of an activity that volunteers sign up for,
-- their sign-ups and waiting lists, no-shows and the block they bring,
-- check-in against a sign-up, and the report of places.
--
-- Locks, always in this order: the volunteer's row (vp_volunteer_get),
-- then the event's row. Every change to an event's places holds the
-- event's row, so exactly "places" sign-ups hold a place whatever the
-- concurrency, and the waiting list moves up in order.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- How many no-shows block new sign-ups (0: never), and over how many
-- days they count: the daemon's noshow_limit and noshow_days, which
-- vp_call sets for the transaction.
CREATE OR REPLACE FUNCTION vp_noshow_limit() RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT coalesce(nullif(current_setting('vpoints.noshow_limit', true),
	    '')::integer, 3)
$$;

CREATE OR REPLACE FUNCTION vp_noshow_days() RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT coalesce(nullif(current_setting('vpoints.noshow_days', true),
	    '')::integer, 90)
$$;

-- When a sign-up became a no-show, or NULL if it is none (yet): a late
-- cancellation when it was made; a place never checked in when its
-- event ended. A cancelled event has no no-shows.
CREATE OR REPLACE FUNCTION vp_noshow_at(s signups, e events) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN e.cancelled_at IS NOT NULL THEN NULL
	    WHEN s.state = 'late' THEN s.cancelled_at
	    WHEN s.state = 'place' AND s.shift_id IS NULL AND e.ends_at <= now()
		THEN e.ends_at END
$$;

-- The no-shows of a volunteer that count now: within the last
-- noshow_days, and after the latest lifted block.
CREATE OR REPLACE FUNCTION vp_noshows(p_volunteer bigint) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT count(*)::integer
	    FROM signups s JOIN events e ON e.id = s.event_id
	    WHERE s.volunteer_id = p_volunteer AND s.state IN ('place', 'late')
	    AND vp_noshow_at(s, e) > greatest(now() - make_interval(days =>
		vp_noshow_days()), coalesce((SELECT max(u.at)
		FROM noshow_unblocks u WHERE u.volunteer_id = p_volunteer),
		'-infinity')));
END
$$;

-- Whether so many no-shows block new sign-ups: the rule, for a caller
-- that has counted them (vp_noshows) and shows the count beside it.
CREATE OR REPLACE FUNCTION vp_noshows_block(p_noshows integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT vp_noshow_limit() > 0 AND p_noshows >= vp_noshow_limit()
$$;

-- Whether new sign-ups of the volunteer are refused for no-shows.
CREATE OR REPLACE FUNCTION vp_signup_blocked(p_volunteer bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT vp_noshows_block(vp_noshows(p_volunteer))
$$;

-- A time as the programme reads it, in the daemon's zone: 2026-10-05 09:00.
CREATE OR REPLACE FUNCTION vp_local(p timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT to_char(p, 'YYYY-MM-DD HH24:MI')
$$;

-- What keeps a volunteer from an event's requirements, or NULL when they
-- meet them all: the problem's members, its sentence as "detail". THE
-- HOOK for requirements: the event's team, and the qualification it
-- requires (events.requires), held on the event's day (in the daemon's
-- zone) by the volunteer's record (vp_volunteer_qualified,
-- sql/functions/record.sql), so an expired one does not count. Every
-- sign-up (station, page, walk-in), every check-in against an event
-- (vp_event_require) and the page's list of events a volunteer may sign
-- up for go through this function. vp_event_has_requirements says
-- whether an event has any (a new requirement adds its column there):
-- the page's list calls vp_event_unmet only for those that have (most
-- events have none; with vp_event_taken, a call of each for every one of
-- fifty events was a third of the page).
CREATE OR REPLACE FUNCTION vp_event_has_requirements(e events) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT e.team_id IS NOT NULL OR e.requires IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION vp_event_unmet(v volunteers, e events) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_team text;
BEGIN
	IF NOT vp_event_has_requirements(e) THEN
		RETURN NULL;
	END IF;
	IF e.team_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM team_members m
	    WHERE m.team_id = e.team_id AND m.volunteer_id = v.id) THEN
		SELECT code INTO v_team FROM teams WHERE id = e.team_id;
		RETURN jsonb_build_object('detail', format('Event %s is for '
		    'members of team %s; volunteer %s is not one.', e.id, v_team,
		    v.number), 'event', e.id, 'event_title', e.title,
		    'volunteer', v.number, 'team', v_team);
	END IF;
	IF e.requires IS NOT NULL AND NOT vp_volunteer_qualified(v.id,
	    e.requires, e.starts_at::date) THEN
		RETURN jsonb_build_object('detail', format('Event %s requires '
		    'qualification %s, which volunteer %s does not hold on %s.',
		    e.id, e.requires, v.number, e.starts_at::date),
		    'event', e.id, 'event_title', e.title, 'volunteer', v.number,
		    'qualification', e.requires, 'on', e.starts_at::date);
	END IF;
	RETURN NULL;
END
$$;

-- Refuse a volunteer who does not meet an event's requirements.
CREATE OR REPLACE FUNCTION vp_event_require(v volunteers, e events)
RETURNS void LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_unmet jsonb := vp_event_unmet(v, e);
BEGIN
	IF v_unmet IS NOT NULL THEN
		PERFORM vp_refuse(409, 'requirement-unmet', v_unmet ->> 'detail',
		    v_unmet - 'detail');
	END IF;
END
$$;

-- The places an event has taken (held by a sign-up or a walk-in), as
-- its row keeps them (vp_signup_taken): for an event's row held in a
-- variable while sign-ups move its count. A query that reads the row
-- itself (the page's events, the calendar) reads events.taken with it.
CREATE OR REPLACE FUNCTION vp_event_taken(p_event bigint) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT taken FROM events WHERE id = p_event);
END
$$;

-- Keep events.taken: a sign-up that takes a place or gives it up moves
-- its event's count (whoever changes it holds the event's row already).
CREATE OR REPLACE FUNCTION vp_signup_taken() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_delta integer := CASE WHEN TG_OP <> 'DELETE' AND NEW.state = 'place'
	    THEN 1 ELSE 0 END - CASE WHEN TG_OP <> 'INSERT'
	    AND OLD.state = 'place' THEN 1 ELSE 0 END;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.event_id <> OLD.event_id THEN
		UPDATE events SET taken = taken - 1
		WHERE id = OLD.event_id AND OLD.state = 'place';
		UPDATE events SET taken = taken + 1
		WHERE id = NEW.event_id AND NEW.state = 'place';
	ELSIF v_delta <> 0 THEN
		UPDATE events SET taken = taken + v_delta
		WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.event_id
		    ELSE NEW.event_id END;
	END IF;
	RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER signups_taken AFTER INSERT OR UPDATE OF state,
    event_id OR DELETE ON signups
	FOR EACH ROW EXECUTE FUNCTION vp_signup_taken();

-- An event as JSON, with its places taken, free and waiting.
CREATE OR REPLACE FUNCTION vp_event_json(e events) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_taken integer := vp_event_taken(e.id);
BEGIN
	RETURN jsonb_strip_nulls(jsonb_build_object('id', e.id,
	    'series', e.series_id,
	    'activity', (SELECT code FROM activities WHERE id = e.activity_id),
	    'title', e.title, 'place', e.place,
	    'community', (SELECT code FROM communities WHERE id = e.community_id),
	    'station', (SELECT code FROM stations WHERE id = e.station_id),
	    'starts_at', e.starts_at, 'ends_at', e.ends_at,
	    'places', e.places, 'taken', v_taken,
	    'free', greatest(e.places - v_taken, 0),
	    'waiting', (SELECT count(*) FROM signups
		WHERE event_id = e.id AND state = 'waiting'),
	    'team', (SELECT code FROM teams WHERE id = e.team_id),
	    'requires', e.requires,
	    'opens_at', e.opens_at, 'closes_at', e.closes_at,
	    'cancel_by', e.cancel_by, 'lead', e.lead,
	    'status', CASE WHEN e.cancelled_at IS NOT NULL THEN 'cancelled'
		WHEN now() >= e.ends_at THEN 'over'
		WHEN now() >= e.starts_at THEN 'running'
		WHEN now() < e.opens_at THEN 'not-open'
		WHEN now() >= e.closes_at THEN 'closed'
		ELSE 'open' END,
	    'cancelled_at', e.cancelled_at, 'cancel_reason', e.cancel_reason));
END
$$;

-- The id of an event in a request: a string of digits (as the client
-- sends it) or a JSON integer.
CREATE OR REPLACE FUNCTION vp_event_ref(args jsonb, field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF jsonb_typeof(args -> field) = 'number' THEN
		RETURN vp_int(args, field, 1, 999999999999999999)::text;
	END IF;
	RETURN vp_text_opt(args, field, 20);
END
$$;

-- An event by id, which the caller may see: one of its community's, or a
-- city-wide one (an admin sees all). p_lock: FOR UPDATE.
CREATE OR REPLACE FUNCTION vp_event_get(caller vp_caller, p_id text, p_lock boolean)
RETURNS events LANGUAGE plpgsql AS $$
DECLARE
	e events;
BEGIN
	IF p_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-event', format('No event has id %s.', p_id),
		    jsonb_build_object('event', p_id));
	END IF;
	IF p_lock THEN
		SELECT * INTO e FROM events WHERE id = p_id::bigint FOR UPDATE;
	ELSE
		SELECT * INTO e FROM events WHERE id = p_id::bigint;
	END IF;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-event', format('No event has id %s.', p_id),
		    jsonb_build_object('event', p_id));
	END IF;
	IF e.community_id IS NOT NULL AND NOT vp_covers(caller, e.community_id) THEN
		PERFORM vp_refuse(403, 'outside-community', format(CASE caller.role
		    WHEN 'office' THEN 'Event %s belongs to a community outside '
			'the region of office %s.'
		    ELSE 'Event %s belongs to another community; station %s '
			'acts for its own only.' END, p_id, caller.station_code),
		    jsonb_build_object('event', e.id, 'station', caller.station_code)
		    || vp_office_members(caller));
	END IF;
	RETURN e;
END
$$;

-- The state of a sign-up as people read it: place, waiting, cancelled,
-- late (cancelled after the deadline), attended, no-show, or
-- event-cancelled.
CREATE OR REPLACE FUNCTION vp_signup_status(s signups, e events) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN e.cancelled_at IS NOT NULL AND s.state IN ('place', 'waiting')
		THEN 'event-cancelled'
	    WHEN s.shift_id IS NOT NULL THEN 'attended'
	    WHEN vp_noshow_at(s, e) IS NOT NULL AND s.state = 'place' THEN 'no-show'
	    ELSE s.state END
$$;

-- A sign-up as JSON, with its event's times and its place in the queue.
CREATE OR REPLACE FUNCTION vp_signup_json(s signups) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	e events;
	v_position bigint;
BEGIN
	SELECT * INTO e FROM events WHERE id = s.event_id;
	-- A statement of its own: a CASE on s.state around it would make
	-- the planner plan the answer again at every call.
	IF s.state = 'waiting' THEN
		SELECT count(*) INTO v_position FROM signups w
		WHERE w.event_id = s.event_id AND w.state = 'waiting'
		AND w.id <= s.id;
	END IF;
	RETURN jsonb_strip_nulls(jsonb_build_object('id', s.id,
	    'event', e.id, 'title', e.title, 'place', e.place,
	    'starts_at', e.starts_at, 'ends_at', e.ends_at,
	    'volunteer', (SELECT number FROM volunteers WHERE id = s.volunteer_id),
	    'state', s.state, 'status', vp_signup_status(s, e),
	    'position', v_position,
	    'walk_in', s.walk_in, 'shift', s.shift_id,
	    'via', CASE WHEN s.link_id IS NOT NULL THEN 'page' ELSE 'station' END,
	    'signed_up_at', s.created_at, 'promoted_at', s.promoted_at,
	    'cancelled_at', s.cancelled_at));
END
$$;

-- Sign a volunteer up for an event: a place while places are free, else
-- the waiting list (a walk-in takes a free place or nothing). v's row and
-- e's row are locked by the caller. By a station (p_keyid) or the
-- volunteer's page (p_link).
CREATE OR REPLACE FUNCTION vp_signup_make(v volunteers, e events, p_keyid text,
    p_link bigint, p_walk_in boolean) RETURNS signups
LANGUAGE plpgsql AS $$
DECLARE
	s signups;
	o record;
	v_limit integer := vp_noshow_limit();
	v_noshows integer;
BEGIN
	IF e.cancelled_at IS NOT NULL THEN
		PERFORM vp_refuse(409, 'event-cancelled',
		    format('Event %s was cancelled.', e.id),
		    jsonb_build_object('event', e.id, 'event_title', e.title));
	END IF;
	IF v.status <> 'active' THEN
		PERFORM vp_refuse(409, 'volunteer-suspended', format('Volunteer %s '
		    'is %s: no sign-up can be recorded.', v.number, v.status),
		    jsonb_build_object('volunteer', v.number,
		    'volunteer_status', v.status));
	END IF;
	IF e.community_id IS NOT NULL AND e.community_id <> v.community_id THEN
		PERFORM vp_refuse(403, 'outside-community', format('Event %s is '
		    'for the volunteers of another community than %s''s.',
		    e.id, v.number),
		    jsonb_build_object('event', e.id, 'volunteer', v.number));
	END IF;
	IF NOT p_walk_in AND (now() < e.opens_at OR now() >= e.closes_at) THEN
		PERFORM vp_refuse(409, 'signup-closed', format('Sign-up for event '
		    '%s is open from %s until %s.', e.id, vp_local(e.opens_at),
		    vp_local(e.closes_at)),
		    jsonb_build_object('event', e.id, 'event_title', e.title,
		    'opens_at', e.opens_at, 'closes_at', e.closes_at));
	END IF;
	SELECT * INTO o FROM signups WHERE event_id = e.id
	AND volunteer_id = v.id AND state IN ('place', 'waiting');
	IF FOUND THEN
		PERFORM vp_refuse(409, 'already-signed-up', format('Volunteer %s '
		    'is signed up for event %s already.', v.number, e.id),
		    jsonb_build_object('volunteer', v.number, 'event', e.id,
		    'event_title', e.title, 'signup', o.id, 'state', o.state));
	END IF;
	PERFORM vp_event_require(v, e);
	v_noshows := vp_noshows(v.id);
	IF NOT p_walk_in AND vp_noshows_block(v_noshows) THEN
		PERFORM vp_refuse(409, 'signup-blocked', format('Volunteer %s did '
		    'not come %s times in the last %s days: new sign-ups are '
		    'refused until a station lifts the block.', v.number,
		    v_noshows, vp_noshow_days()),
		    jsonb_build_object('volunteer', v.number, 'noshows', v_noshows,
		    'noshow_limit', v_limit, 'noshow_days', vp_noshow_days()));
	END IF;
	-- The first record in the way, named in the refusal.
	SELECT o2.id, x.id AS event, x.title, x.starts_at, x.ends_at INTO o
	FROM signups o2 JOIN events x ON x.id = o2.event_id
	WHERE o2.volunteer_id = v.id AND o2.state IN ('place', 'waiting')
	AND x.cancelled_at IS NULL AND x.id <> e.id
	AND x.starts_at < e.ends_at AND x.ends_at > e.starts_at
	ORDER BY x.starts_at, o2.id LIMIT 1;
	IF FOUND THEN
		PERFORM vp_refuse(409, 'signup-overlap', format('Volunteer %s is '
		    'signed up for another event at that time.', v.number),
		    jsonb_build_object('volunteer', v.number, 'other_kind', 'signup',
		    'other_id', o.id, 'other_event', o.event,
		    'other_title', o.title, 'other_start', o.starts_at,
		    'other_end', o.ends_at));
	END IF;
	IF NOT p_walk_in THEN
		SELECT * INTO o FROM (
			(SELECT 'shift' AS kind, x.id, x.started_at, x.ended_at
			FROM shifts x
			WHERE x.volunteer_id = v.id AND x.started_at < e.ends_at
			AND x.ended_at > e.starts_at
			AND x.started_at > e.starts_at - interval '24 hours'
			AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = x.id)
			LIMIT 1)
			UNION ALL
			(SELECT 'checkin', k.id, k.started_at, NULL::timestamptz
			FROM checkins k WHERE k.volunteer_id = v.id
			AND k.closed_at IS NULL AND k.started_at < e.ends_at
			AND k.started_at > e.starts_at - interval '24 hours'
			LIMIT 1)) y
		LIMIT 1;
		IF FOUND THEN
			PERFORM vp_refuse(409, 'signup-overlap', format('Volunteer %s '
			    'has a shift at that time.', v.number),
			    jsonb_build_object('volunteer', v.number,
			    'other_kind', o.kind, 'other_id', o.id,
			    'other_start', o.started_at, 'other_end', o.ended_at));
		END IF;
	END IF;
	IF vp_event_taken(e.id) < e.places THEN
		INSERT INTO signups (event_id, volunteer_id, state, walk_in,
		    keyid, link_id)
		VALUES (e.id, v.id, 'place', p_walk_in, p_keyid, p_link)
		RETURNING * INTO s;
	ELSIF p_walk_in THEN
		PERFORM vp_refuse(409, 'event-full', format('Event %s has no '
		    'free place for a walk-in.', e.id),
		    jsonb_build_object('reason', 'walk-in', 'event', e.id,
		    'event_title', e.title, 'places', e.places,
		    'volunteer', v.number));
	ELSE
		INSERT INTO signups (event_id, volunteer_id, state, keyid, link_id)
		VALUES (e.id, v.id, 'waiting', p_keyid, p_link)
		RETURNING * INTO s;
	END IF;
	RETURN s;
END
$$;

-- Give the event's free places to the first waiting, in order; their
-- numbers. The event's row is locked by the caller.
CREATE OR REPLACE FUNCTION vp_signup_promote(e events) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_free integer := e.places - vp_event_taken(e.id);
	v_promoted jsonb := '[]';
	s signups;
BEGIN
	IF v_free <= 0 OR e.cancelled_at IS NOT NULL OR now() >= e.ends_at THEN
		RETURN v_promoted;
	END IF;
	FOR s IN SELECT * FROM signups WHERE event_id = e.id AND state = 'waiting'
	    ORDER BY id LIMIT v_free LOOP
		UPDATE signups SET state = 'place', promoted_at = now()
		WHERE id = s.id;
		v_promoted := v_promoted || to_jsonb((SELECT number
		    FROM volunteers WHERE id = s.volunteer_id));
	END LOOP;
	RETURN v_promoted;
END
$$;

-- Cancel a live sign-up: before the event's deadline it frees the place,
-- after it the cancellation counts as a no-show (and still frees the
-- place). The first waiting move up. Rows locked by the caller: the
-- volunteer's, the event's. By a station (p_keyid) or the page (p_link).
CREATE OR REPLACE FUNCTION vp_signup_cancel_do(s signups, e events,
    p_keyid text, p_link bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_state text;
BEGIN
	IF s.state NOT IN ('place', 'waiting') THEN
		PERFORM vp_refuse(409, 'signup-not-live', format('Sign-up %s was '
		    'cancelled already.', s.id),
		    jsonb_build_object('signup', s.id, 'event', e.id,
		    'state', s.state));
	END IF;
	IF s.shift_id IS NOT NULL THEN
		PERFORM vp_refuse(409, 'already-checked-in', format('Sign-up %s '
		    'was checked in (shift %s).', s.id, s.shift_id),
		    jsonb_build_object('signup', s.id, 'event', e.id,
		    'shift', s.shift_id));
	END IF;
	IF e.cancelled_at IS NOT NULL THEN
		PERFORM vp_refuse(409, 'event-cancelled',
		    format('Event %s was cancelled.', e.id),
		    jsonb_build_object('event', e.id, 'event_title', e.title));
	END IF;
	IF now() >= e.ends_at THEN
		PERFORM vp_refuse(409, 'event-over', format('Event %s is over: '
		    'its sign-ups can no longer change.', e.id),
		    jsonb_build_object('event', e.id, 'event_title', e.title,
		    'ends_at', e.ends_at));
	END IF;
	v_state := CASE WHEN s.state = 'place' AND now() >= e.cancel_by
	    THEN 'late' ELSE 'cancelled' END;
	UPDATE signups SET state = v_state, cancelled_at = now(),
	    cancelled_keyid = p_keyid, cancelled_link = p_link
	WHERE id = s.id RETURNING * INTO s;
	RETURN vp_signup_json(s) || jsonb_build_object('promoted',
	    vp_signup_promote(e), 'noshow', v_state = 'late');
END
$$;

-- POST /v1/events: one event, or a series ("every", "until") expanded
-- into its occurrences, each at the first one's local time of day and
-- with its window and deadline as far from its start.
CREATE OR REPLACE FUNCTION vp_op_event_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	a activities := vp_activity_get(vp_text(args, 'activity', 32));
	v_start timestamptz := vp_time(args, 'starts_at', true);
	v_end timestamptz := vp_time(args, 'ends_at', true);
	v_opens timestamptz := vp_time(args, 'opens_at', false);
	v_closes timestamptz := coalesce(vp_time(args, 'closes_at', false), v_start);
	v_cancel timestamptz := coalesce(vp_time(args, 'cancel_by', false),
	    v_start - interval '24 hours');
	v_every text := vp_text_opt(args, 'every', 10);
	v_until date := vp_date_opt(args, 'until');
	v_requires text := vp_qualification_code(args, 'requires');
	v_community bigint;
	v_team bigint;
	v_series bigint;
	v_local timestamp;
	v_day date;
	v_at timestamptz;
	v_count integer := 0;
	e events;
	v_events jsonb := '[]';
BEGIN
	IF caller.role = 'admin' AND NOT args ? 'community' THEN
		v_community := NULL;
	ELSE
		v_community := vp_community_for(caller, args);
	END IF;
	IF args ? 'team' THEN
		SELECT id INTO v_team FROM teams WHERE code = vp_text(args, 'team', 32)
		AND (community_id IS NULL OR community_id = v_community);
		IF NOT FOUND THEN
			PERFORM vp_refuse(422, 'unknown-team', format('No team %s '
			    'is city-wide or of the event''s community.',
			    args ->> 'team'),
			    jsonb_build_object('team', args ->> 'team'));
		END IF;
	END IF;
	IF v_end <= v_start OR v_end - v_start > interval '24 hours' THEN
		PERFORM vp_refuse(422, 'invalid-times', 'An event ends after it '
		    'starts, within 24 hours.',
		    jsonb_build_object('starts_at', v_start, 'ends_at', v_end,
		    'max_hours', 24));
	END IF;
	IF v_end <= now() THEN
		PERFORM vp_refuse(422, 'event-in-past', 'An event is published '
		    'before it ends.', jsonb_build_object('ends_at', v_end));
	END IF;
	IF v_closes > v_end OR v_closes <= coalesce(v_opens, now())
	    OR v_cancel > v_end THEN
		PERFORM vp_refuse(422, 'invalid-window', 'Sign-up opens before it '
		    'closes, and closes and the cancellation deadline come before '
		    'the event ends.',
		    jsonb_build_object('opens_at', coalesce(v_opens, now()),
		    'closes_at', v_closes, 'cancel_by', v_cancel,
		    'ends_at', v_end));
	END IF;
	IF (v_every IS NULL) <> (v_until IS NULL) THEN
		PERFORM vp_refuse(422, 'invalid-field', 'A series needs both '
		    '"every" and "until".', jsonb_build_object('field',
		    CASE WHEN v_every IS NULL THEN 'every' ELSE 'until' END,
		    'reason', 'required'));
	END IF;
	IF v_every IS NOT NULL THEN
		IF v_every NOT IN ('day', 'week', 'monday', 'tuesday', 'wednesday',
		    'thursday', 'friday', 'saturday', 'sunday') THEN
			PERFORM vp_refuse(422, 'invalid-field', '"every" must be day, '
			    'week, or a day of the week (monday ... sunday)',
			    jsonb_build_object('field', 'every', 'reason', 'choice',
			    'choices', jsonb_build_array('day', 'week', 'monday',
			    'tuesday', 'wednesday', 'thursday', 'friday',
			    'saturday', 'sunday')));
		END IF;
		IF v_until < v_start::date OR v_until > v_start::date + 400 THEN
			PERFORM vp_refuse(422, 'invalid-field', '"until" must be a day '
			    'from the first start to 400 days after it.',
			    jsonb_build_object('field', 'until', 'reason', 'range',
			    'min', v_start::date, 'max', v_start::date + 400));
		END IF;
		INSERT INTO event_series (every, until, keyid)
		VALUES (v_every, v_until, caller.keyid) RETURNING id INTO v_series;
	END IF;
	v_local := v_start::timestamp;
	FOR v_day IN SELECT d::date FROM generate_series(v_local::date,
	    coalesce(v_until, v_local::date), interval '1 day') d LOOP
		CONTINUE WHEN v_every IS NOT NULL AND v_every <> 'day' AND
		    extract(isodow FROM v_day) <> CASE v_every
		    WHEN 'week' THEN extract(isodow FROM v_local)
		    ELSE array_position(ARRAY['monday', 'tuesday', 'wednesday',
			'thursday', 'friday', 'saturday', 'sunday'], v_every) END;
		v_at := (v_day + v_local::time)::timestamptz;
		CONTINUE WHEN v_at + (v_end - v_start) <= now();
		INSERT INTO events (series_id, activity_id, title, place,
		    community_id, station_id, keyid, starts_at, ends_at, places,
		    team_id, opens_at, closes_at, cancel_by, lead, requires)
		VALUES (v_series, a.id, vp_text(args, 'title'),
		    vp_text_opt(args, 'place'), v_community, caller.station_id,
		    caller.keyid, v_at, v_at + (v_end - v_start),
		    vp_int(args, 'places', 1, 10000), v_team,
		    coalesce(v_at + (v_opens - v_start), now()),
		    v_at + (v_closes - v_start), v_at + (v_cancel - v_start),
		    vp_text_opt(args, 'lead', 100), v_requires)
		RETURNING * INTO e;
		v_events := v_events || vp_event_json(e);
		v_count := v_count + 1;
	END LOOP;
	IF v_count = 0 THEN
		PERFORM vp_refuse(422, 'empty-series', 'The series has no '
		    'occurrence that has not ended.',
		    jsonb_build_object('every', v_every, 'until', v_until));
	END IF;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'event-add', coalesce('series ' || v_series,
	    'event ' || e.id), args);
	status := 201;
	body := jsonb_strip_nulls(jsonb_build_object('series', v_series,
	    'events', v_events));
END
$$;

-- GET /v1/events?from=&to=&community=&limit=: from today on unless
-- "from"; a station's community's events and the city-wide ones.
CREATE OR REPLACE FUNCTION vp_op_event_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_scope bigint[] := vp_community_scope(caller, args);
	v_from date := coalesce(vp_date_opt(args, 'from'), current_date);
	v_to date := vp_date_opt(args, 'to');
	v_limit integer := vp_limit(args, 100, 1000);
BEGIN
	status := 200;
	SELECT jsonb_build_object('events', coalesce(jsonb_agg(vp_event_json(x)
	    ORDER BY x.starts_at, x.id), '[]')) INTO body
	FROM (SELECT * FROM events e
	    WHERE e.ends_at >= v_from AND (v_to IS NULL OR e.starts_at < v_to + 1)
	    AND (v_scope IS NULL OR e.community_id IS NULL
		OR e.community_id = ANY (v_scope))
	    ORDER BY e.starts_at, e.id LIMIT v_limit) x;
END
$$;

-- GET /v1/events/{id}: the event and its sign-ups (a station sees its
-- own community's volunteers only).
CREATE OR REPLACE FUNCTION vp_op_event_get(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	e events := vp_event_get(caller, vp_text(args, 'id', 20), false);
BEGIN
	status := 200;
	body := vp_event_json(e) || jsonb_build_object('signups', (
	    SELECT coalesce(jsonb_agg(vp_signup_json(s) || jsonb_build_object(
		'name', v.name) ORDER BY s.id), '[]')
	    FROM signups s JOIN volunteers v ON v.id = s.volunteer_id
	    WHERE s.event_id = e.id AND vp_covers(caller, v.community_id)));
END
$$;

-- POST /v1/events/{id}/cancel {"reason", "series": true}: cancel the
-- event, or it and the later occurrences of its series. Its sign-ups
-- count as nobody's no-show.
CREATE OR REPLACE FUNCTION vp_op_event_cancel(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	e events := vp_event_get(caller, vp_text(args, 'id', 20), true);
	v_reason text := vp_text(args, 'reason', 500);
	v_ids jsonb;
BEGIN
	IF caller.role <> 'admin' AND e.community_id IS NULL THEN
		PERFORM vp_refuse(403, 'admin-only', 'A city-wide event is '
		    'cancelled with an admin key.');
	END IF;
	IF e.cancelled_at IS NOT NULL THEN
		PERFORM vp_refuse(409, 'event-cancelled',
		    format('Event %s was cancelled already.', e.id),
		    jsonb_build_object('event', e.id, 'event_title', e.title));
	END IF;
	IF now() >= e.ends_at THEN
		PERFORM vp_refuse(409, 'event-over',
		    format('Event %s is over.', e.id),
		    jsonb_build_object('event', e.id, 'event_title', e.title,
		    'ends_at', e.ends_at));
	END IF;
	WITH c AS (
		UPDATE events SET cancelled_at = now(), cancel_reason = v_reason
		WHERE cancelled_at IS NULL AND (id = e.id OR (
		    coalesce(vp_bool_opt(args, 'series'), false)
		    AND series_id = e.series_id AND starts_at > e.starts_at))
		RETURNING id)
	SELECT jsonb_agg(id ORDER BY id) INTO v_ids FROM c;
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'event-cancel', 'event ' || e.id,
	    args || jsonb_build_object('cancelled', v_ids));
	status := 200;
	body := jsonb_build_object('cancelled', v_ids);
END
$$;

-- POST /v1/signups {"volunteer", "event"}: a station signs a volunteer up.
CREATE OR REPLACE FUNCTION vp_op_signup_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	e events := vp_event_get(caller, coalesce(vp_event_ref(args, 'event'),
	    vp_text(args, 'event', 20)), true);
	s signups;
BEGIN
	-- Two statements: the answer's STABLE reads see the new row.
	s := vp_signup_make(v, e, caller.keyid, NULL, false);
	status := 201;
	body := vp_signup_json(s);
END
$$;

-- A sign-up by id, its volunteer's row and its event's row locked, in
-- that order; the volunteer must be the caller's to act for.
CREATE OR REPLACE FUNCTION vp_signup_lock(caller vp_caller, p_id text,
    OUT s signups, OUT e events)
LANGUAGE plpgsql AS $$
BEGIN
	IF p_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-signup', format('No sign-up has id %s.', p_id),
		    jsonb_build_object('signup', p_id));
	END IF;
	SELECT * INTO s FROM signups WHERE id = p_id::bigint;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-signup', format('No sign-up has id %s.', p_id),
		    jsonb_build_object('signup', p_id));
	END IF;
	PERFORM vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = s.volunteer_id), true);
	SELECT * INTO e FROM events WHERE id = s.event_id FOR UPDATE;
	SELECT * INTO s FROM signups WHERE id = s.id;
END
$$;

-- POST /v1/signups/{id}/cancel
CREATE OR REPLACE FUNCTION vp_op_signup_cancel(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	l record;
BEGIN
	SELECT * INTO l FROM vp_signup_lock(caller, vp_text(args, 'id', 20));
	status := 200;
	body := vp_signup_cancel_do(l.s, l.e, caller.keyid, NULL);
END
$$;

-- GET /v1/signups?volunteer=N | ?event=ID [&limit=]: a volunteer's
-- sign-ups, newest event first, or an event's in order of sign-up.
CREATE OR REPLACE FUNCTION vp_op_signup_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers;
	e events;
	v_limit integer := vp_limit(args, 100, 1000);
	v_noshows integer;
BEGIN
	status := 200;
	IF args ? 'volunteer' = args ? 'event' THEN
		PERFORM vp_refuse(422, 'invalid-field', 'Name either "volunteer" '
		    'or "event".', jsonb_build_object('field', 'volunteer',
		    'reason', 'either', 'fields',
		    jsonb_build_array('volunteer', 'event')));
	END IF;
	IF args ? 'volunteer' THEN
		v := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), false);
		v_noshows := vp_noshows(v.id);
		SELECT jsonb_build_object('volunteer', v.number,
		    'noshows', v_noshows, 'blocked', vp_noshows_block(v_noshows),
		    'signups', coalesce(jsonb_agg(vp_signup_json(x.s)
			ORDER BY x.starts_at DESC, x.id DESC), '[]')) INTO body
		FROM (SELECT s, s.id, e2.starts_at FROM signups s
		    JOIN events e2 ON e2.id = s.event_id
		    WHERE s.volunteer_id = v.id
		    ORDER BY e2.starts_at DESC, s.id DESC LIMIT v_limit) x;
	ELSE
		e := vp_event_get(caller, vp_text(args, 'event', 20), false);
		SELECT jsonb_build_object('event', e.id, 'signups',
		    coalesce(jsonb_agg(vp_signup_json(s) ORDER BY s.id), '[]'))
		INTO body
		FROM signups s JOIN volunteers w ON w.id = s.volunteer_id
		WHERE s.event_id = e.id AND vp_covers(caller, w.community_id);
	END IF;
END
$$;

-- POST /v1/volunteers/{number}/unblock {"reason"}: a station lifts the
-- no-show block; the no-shows so far no longer count.
CREATE OR REPLACE FUNCTION vp_op_volunteer_unblock(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'number', 32), true);
	v_reason text := vp_text(args, 'reason', 500);
	v_before integer := vp_noshows(v.id);
BEGIN
	IF NOT vp_signup_blocked(v.id) THEN
		PERFORM vp_refuse(409, 'not-blocked', format('Volunteer %s may '
		    'sign up: nothing to lift.', v.number),
		    jsonb_build_object('volunteer', v.number, 'noshows', v_before,
		    'noshow_limit', vp_noshow_limit()));
	END IF;
	INSERT INTO noshow_unblocks (volunteer_id, keyid, reason)
	VALUES (v.id, caller.keyid, v_reason);
	INSERT INTO volunteer_history (volunteer_id, keyid, action, data, reason)
	VALUES (v.id, caller.keyid, 'unblock',
	    jsonb_build_object('noshows', v_before), v_reason);
	status := 200;
	body := jsonb_build_object('volunteer', v.number, 'lifted', v_before,
	    'noshows', vp_noshows(v.id), 'blocked', vp_signup_blocked(v.id));
END
$$;

-- The sign-up a check-in at p_start is for, locked with its event, or
-- NULL (no event named, and no sign-up of the volunteer now for
-- p_activity). Named event: the volunteer's place, a waiting one given a
-- free place, or a walk-in taking one. No event named: the volunteer's
-- place in an event running at p_start (from an hour before it starts),
-- of p_activity if named; none without p_activity is refused. v's row
-- is locked by the caller.
CREATE OR REPLACE FUNCTION vp_checkin_signup(caller vp_caller, v volunteers,
    p_event text, p_activity text, p_start timestamptz) RETURNS signups
LANGUAGE plpgsql AS $$
DECLARE
	e events;
	s signups;
BEGIN
	IF p_event IS NULL THEN
		SELECT s2.* INTO s FROM signups s2 JOIN events e2 ON e2.id = s2.event_id
		WHERE s2.volunteer_id = v.id AND s2.state = 'place'
		AND s2.shift_id IS NULL AND e2.cancelled_at IS NULL
		AND p_start >= e2.starts_at - interval '1 hour' AND p_start < e2.ends_at
		AND (p_activity IS NULL OR e2.activity_id = (SELECT id
		    FROM activities WHERE code = p_activity))
		ORDER BY e2.starts_at, s2.id LIMIT 1;
		IF NOT FOUND THEN
			IF p_activity IS NULL THEN
				PERFORM vp_refuse(422, 'no-signup', format('Volunteer %s '
				    'has no sign-up for an event now: name the activity '
				    'or the event.', v.number),
				    jsonb_build_object('volunteer', v.number,
				    'start', p_start));
			END IF;
			RETURN NULL;
		END IF;
		SELECT * INTO e FROM events WHERE id = s.event_id FOR UPDATE;
		SELECT * INTO s FROM signups WHERE id = s.id;
		PERFORM vp_event_require(v, e);
		RETURN s;
	END IF;
	e := vp_event_get(caller, p_event, true);
	IF e.cancelled_at IS NOT NULL THEN
		PERFORM vp_refuse(409, 'event-cancelled',
		    format('Event %s was cancelled.', e.id),
		    jsonb_build_object('event', e.id, 'event_title', e.title));
	END IF;
	IF p_start < e.starts_at - interval '1 hour' OR p_start >= e.ends_at THEN
		PERFORM vp_refuse(409, 'event-not-now', format('Event %s runs from '
		    '%s to %s: check in during it.', e.id, vp_local(e.starts_at),
		    vp_local(e.ends_at)),
		    jsonb_build_object('event', e.id, 'event_title', e.title,
		    'starts_at', e.starts_at, 'ends_at', e.ends_at,
		    'start', p_start));
	END IF;
	SELECT * INTO s FROM signups WHERE event_id = e.id AND volunteer_id = v.id
	AND state IN ('place', 'waiting');
	IF NOT FOUND THEN
		RETURN vp_signup_make(v, e, caller.keyid, NULL, true);
	END IF;
	IF s.shift_id IS NOT NULL THEN
		PERFORM vp_refuse(409, 'already-checked-in', format('Volunteer %s '
		    'checked in to event %s already (shift %s).', v.number, e.id,
		    s.shift_id),
		    jsonb_build_object('volunteer', v.number, 'event', e.id,
		    'event_title', e.title, 'shift', s.shift_id));
	END IF;
	PERFORM vp_event_require(v, e);
	IF s.state = 'waiting' THEN
		IF vp_event_taken(e.id) >= e.places THEN
			PERFORM vp_refuse(409, 'event-full', format('Event %s has no '
			    'free place; volunteer %s is on its waiting list.',
			    e.id, v.number),
			    jsonb_build_object('reason', 'waiting', 'event', e.id,
			    'event_title', e.title, 'places', e.places,
			    'volunteer', v.number));
		END IF;
		UPDATE signups SET state = 'place', promoted_at = now()
		WHERE id = s.id RETURNING * INTO s;
	END IF;
	RETURN s;
END
$$;

-- GET /v1/reports/events?month=YYYY-MM&community=: per event of the
-- month (by its start), places offered, taken by sign-ups, attended,
-- walk-ins, no-shows, late cancellations, fill rate (places taken at
-- the end over places offered, percent); totals per community and per
-- activity; and the
-- volunteers at or over the no-show limit now. Cancelled events are
-- left out.
CREATE OR REPLACE FUNCTION vp_op_report_events(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_scope bigint[] := vp_community_scope(caller, args);
	v_month text := vp_text(args, 'month', 7);
	v_from timestamptz;
BEGIN
	IF v_month !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"month" must be YYYY-MM',
		    jsonb_build_object('field', 'month', 'reason', 'format',
		    'format', 'YYYY-MM'));
	END IF;
	v_from := (v_month || '-01')::date::timestamptz;
	status := 200;
	WITH ev AS (
		SELECT e.*, c.code AS community_code,
		    (SELECT code FROM activities WHERE id = e.activity_id) AS activity_code,
		    (SELECT count(*) FROM signups s WHERE s.event_id = e.id
			AND s.state = 'place') AS filled,
		    (SELECT count(*) FROM signups s WHERE s.event_id = e.id
			AND s.shift_id IS NOT NULL) AS attended,
		    (SELECT count(*) FROM signups s WHERE s.event_id = e.id
			AND s.walk_in) AS walk_ins,
		    (SELECT count(*) FROM signups s WHERE s.event_id = e.id
			AND s.state = 'late') AS late,
		    (SELECT count(*) FROM signups s WHERE s.event_id = e.id
			AND vp_noshow_at(s, e) IS NOT NULL) AS noshows
		FROM events e LEFT JOIN communities c ON c.id = e.community_id
		WHERE e.cancelled_at IS NULL AND e.starts_at >= v_from
		AND e.starts_at < v_from + interval '1 month'
		AND (v_scope IS NULL OR e.community_id IS NULL
		    OR e.community_id = ANY (v_scope))),
	-- The totals by community and by activity, in one pass.
	g AS (
		SELECT ev.community_code, ev.activity_code,
		    grouping(ev.community_code) = 0 AS by_community,
		    jsonb_build_object('events', count(*),
			'offered', sum(ev.places), 'filled', sum(ev.filled),
			'attended', sum(ev.attended), 'walk_ins', sum(ev.walk_ins),
			'noshows', sum(ev.noshows), 'fill_rate',
			round(100.0 * sum(ev.filled) / sum(ev.places), 1)) AS totals
		FROM ev
		GROUP BY GROUPING SETS ((ev.community_code), (ev.activity_code)))
	SELECT jsonb_build_object('month', v_month,
	    'noshow_limit', vp_noshow_limit(), 'noshow_days', vp_noshow_days(),
	    'events', coalesce((SELECT jsonb_agg(jsonb_strip_nulls(
		jsonb_build_object('event', ev.id, 'title', ev.title,
		'activity', ev.activity_code, 'community', ev.community_code,
		'starts_at', ev.starts_at, 'offered', ev.places,
		'filled', ev.filled, 'attended', ev.attended,
		'walk_ins', ev.walk_ins, 'noshows', ev.noshows, 'late', ev.late,
		'fill_rate', round(100.0 * ev.filled / ev.places, 1)))
		ORDER BY ev.starts_at, ev.id) FROM ev), '[]'),
	    'communities', coalesce((SELECT jsonb_agg(jsonb_strip_nulls(
		jsonb_build_object('community', g.community_code)) || g.totals
		ORDER BY g.community_code NULLS FIRST)
		FROM g WHERE g.by_community), '[]'),
	    'activities', coalesce((SELECT jsonb_agg(jsonb_build_object(
		'activity', g.activity_code) || g.totals ORDER BY g.activity_code)
		FROM g WHERE NOT g.by_community), '[]'),
	    'blocked', coalesce((SELECT jsonb_agg(jsonb_build_object(
		'volunteer', v.number, 'name', v.name,
		'noshows', vp_noshows(v.id)) ORDER BY v.number)
		FROM volunteers v
		WHERE (v_scope IS NULL OR v.community_id = ANY (v_scope))
		AND EXISTS (SELECT 1 FROM signups s WHERE s.volunteer_id = v.id)
		AND vp_signup_blocked(v.id)), '[]'))
	INTO body;
END
$$;
