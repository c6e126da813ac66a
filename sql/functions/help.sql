-- Points for help between volunteers: the offered points are held in
-- escrow (a two-phase transfer) until the request is completed (to the
-- helper), cancelled or expired (back to the requester). Lock order as in
-- spend.sql.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- A help request as JSON.
CREATE OR REPLACE FUNCTION vp_help_json(h help_requests) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('id', h.id,
	    'community', (SELECT code FROM communities WHERE id = h.community_id),
	    'requester', (SELECT number FROM volunteers WHERE id = h.requester_id),
	    'helper', (SELECT number FROM volunteers WHERE id = h.helper_id),
	    'points', h.points, 'description', h.description,
	    'deadline', h.deadline, 'status', h.status,
	    'created_at', date_trunc('second', h.created_at),
	    'accepted_at', date_trunc('second', h.accepted_at),
	    'resolved_at', date_trunc('second', h.resolved_at), 'reason', h.reason,
	    'shift', h.shift_id))
$$;

-- A help request, locked, with its requester locked first (lock order).
CREATE OR REPLACE FUNCTION vp_help_get(caller vp_caller, p_id text) RETURNS help_requests
LANGUAGE plpgsql AS $$
DECLARE
	h help_requests;
BEGIN
	IF p_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-help-request',
		    format('No help request has id %s.', p_id),
		    jsonb_build_object('help_request', p_id));
	END IF;
	SELECT * INTO h FROM help_requests WHERE id = p_id::bigint;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-help-request',
		    format('No help request has id %s.', p_id),
		    jsonb_build_object('help_request', p_id));
	END IF;
	PERFORM vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = h.requester_id), true);
	SELECT * INTO h FROM help_requests WHERE id = h.id FOR UPDATE;
	RETURN h;
END
$$;

-- Refuse a help request that is resolved already.
CREATE OR REPLACE FUNCTION vp_help_unresolved(h help_requests) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF h.status NOT IN ('open', 'accepted') THEN
		PERFORM vp_refuse(409, 'help-resolved', format('Help request %s '
		    'is %s already.', h.id, h.status),
		    jsonb_build_object('help_request', h.id,
		    'help_status', h.status));
	END IF;
END
$$;

-- Points held for a request go back to the requester.
CREATE OR REPLACE FUNCTION vp_help_return(h help_requests, p_status text, p_reason text)
RETURNS help_requests LANGUAGE plpgsql AS $$
DECLARE
	t transfers;
BEGIN
	SELECT * INTO t FROM transfers
	WHERE help_request_id = h.id AND cause = 'help' AND reversal_of IS NULL
	ORDER BY id LIMIT 1;
	PERFORM vp_transfer(t.to_account, t.from_account, t.amount,
	    'reversal', NULL, t.id, p_reason, NULL, h.id);
	UPDATE help_requests SET status = p_status, resolved_at = now(),
	    reason = p_reason
	WHERE id = h.id RETURNING * INTO h;
	RETURN h;
END
$$;

-- POST /v1/help-requests: the offered points go to escrow at once.
CREATE OR REPLACE FUNCTION vp_op_help_request(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'requester', 32), true);
	v_points bigint := vp_int(args, 'points', 1, 1000000);
	v_deadline timestamptz := vp_time(args, 'deadline', false);
	v_account accounts;
	h help_requests;
BEGIN
	IF v.status <> 'active' THEN
		PERFORM vp_refuse(409, 'volunteer-suspended', format('Volunteer %s '
		    'is %s.', v.number, v.status),
		    jsonb_build_object('volunteer', v.number,
		    'volunteer_status', v.status));
	END IF;
	IF v_deadline IS NOT NULL AND (v_deadline <= now()
	    OR v_deadline > now() + interval '1 year') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"deadline" must be in the future, at most a year ahead',
		    jsonb_build_object('field', 'deadline', 'reason', 'deadline',
		    'max_days', 366));
	END IF;
	SELECT * INTO v_account FROM accounts WHERE volunteer_id = v.id;
	IF v_account.balance < v_points THEN
		PERFORM vp_refuse(409, 'insufficient-points', format('%s has %s '
		    'points and cannot offer %s.', v.number, v_account.balance,
		    v_points),
		    jsonb_build_object('volunteer', v.number, 'balance',
		    v_account.balance, 'points', v_points,
		    'needed', v_points - v_account.balance));
	END IF;
	INSERT INTO help_requests (community_id, requester_id, points,
	    description, deadline, keyid)
	VALUES (v.community_id, v.id, v_points,
	    vp_text(args, 'description', 1000), v_deadline, caller.keyid)
	RETURNING * INTO h;
	PERFORM vp_transfer(v_account.id, vp_system_account('escrow',
	    v.community_id, NULL), v_points, 'help', NULL, NULL, NULL, NULL, h.id);
	status := 201;
	body := vp_help_json(h);
END
$$;

-- POST /v1/help-requests/{id}/accept
CREATE OR REPLACE FUNCTION vp_op_help_accept(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	h help_requests := vp_help_get(caller, vp_text(args, 'id', 20));
	-- locked, as the requester is: a move of the helper waits for this
	-- acceptance, or this one sees the helper where they moved to
	helper volunteers := vp_volunteer_get(caller, vp_text(args, 'helper', 32), true);
BEGIN
	IF h.status <> 'open' THEN
		PERFORM vp_refuse(409, 'help-resolved', format('Help request %s '
		    'is %s, not open.', h.id, h.status),
		    jsonb_build_object('help_request', h.id,
		    'help_status', h.status));
	END IF;
	IF helper.id = h.requester_id THEN
		PERFORM vp_refuse(409, 'self-help',
		    'Nobody helps themselves: the helper is another volunteer.');
	END IF;
	IF helper.community_id <> h.community_id THEN
		PERFORM vp_refuse(403, 'outside-community', format('Volunteer %s '
		    'is of another community than the request.', helper.number),
		    jsonb_build_object('volunteer',
		    helper.number));
	END IF;
	IF helper.status <> 'active' THEN
		PERFORM vp_refuse(409, 'volunteer-suspended', format('Volunteer %s '
		    'is %s.', helper.number, helper.status),
		    jsonb_build_object('volunteer',
		    helper.number, 'volunteer_status', helper.status));
	END IF;
	UPDATE help_requests SET status = 'accepted', helper_id = helper.id,
	    accepted_at = now()
	WHERE id = h.id RETURNING * INTO h;
	status := 200;
	body := vp_help_json(h);
END
$$;

-- POST /v1/help-requests/{id}/complete: escrow to the helper, and the
-- helper's service time recorded as a shift.
CREATE OR REPLACE FUNCTION vp_op_help_complete(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_id text := vp_text(args, 'id', 20);
	h help_requests;
	helper volunteers;
	a activities := vp_activity_get(coalesce(vp_text_opt(args, 'activity', 32), 'help'));
	v_minutes integer := vp_int(args, 'minutes', 1, 1440)::integer;
	v_end timestamptz := date_trunc('minute', now());
	v_escrow transfers;
	s shifts;
BEGIN
	IF caller.community_id IS NULL THEN
		PERFORM vp_refuse(403, 'station-only', 'Help is completed at a '
		    'station: use a station key.');
	END IF;
	IF v_id !~ '^[0-9]{1,18}$' OR NOT EXISTS (SELECT 1 FROM help_requests
	    WHERE id = v_id::bigint) THEN
		PERFORM vp_refuse(404, 'unknown-help-request',
		    format('No help request has id %s.', v_id),
		    jsonb_build_object('help_request', v_id));
	END IF;
	-- Both volunteers are locked, in number order, before the request.
	PERFORM vp_volunteer_get(caller, v.number, true)
	FROM volunteers v JOIN help_requests x
	    ON v.id IN (x.requester_id, x.helper_id)
	WHERE x.id = v_id::bigint ORDER BY v.number;
	SELECT * INTO h FROM help_requests WHERE id = v_id::bigint FOR UPDATE;
	PERFORM vp_help_unresolved(h);
	IF h.status <> 'accepted' THEN
		PERFORM vp_refuse(409, 'help-not-accepted', format('Help request '
		    '%s has no helper yet.', h.id),
		    jsonb_build_object('help_request', h.id));
	END IF;
	SELECT * INTO helper FROM volunteers WHERE id = h.helper_id;
	PERFORM vp_shift_check(helper, v_end - v_minutes * interval '1 minute',
	    v_end, NULL);
	-- the activity's qualification, as for any shift
	PERFORM vp_activity_required(helper, a,
	    v_end - v_minutes * interval '1 minute');
	INSERT INTO shifts (id, volunteer_id, community_id, station_id, keyid,
	    activity_id, activity_name, served, content, started_at, ended_at,
	    minutes, points, source)
	VALUES (nextval('shift_ids'), helper.id, helper.community_id,
	    caller.station_id, caller.keyid, a.id, 'help request ' || h.id,
	    (SELECT number FROM volunteers WHERE id = h.requester_id),
	    h.description, v_end - v_minutes * interval '1 minute', v_end,
	    v_minutes, 0, 'log')
	RETURNING * INTO s;
	SELECT * INTO v_escrow FROM transfers
	WHERE help_request_id = h.id AND cause = 'help' AND reversal_of IS NULL
	ORDER BY id LIMIT 1;
	PERFORM vp_transfer(v_escrow.to_account,
	    (SELECT id FROM accounts WHERE volunteer_id = helper.id),
	    h.points, 'help', NULL, NULL, NULL, NULL, h.id);
	UPDATE help_requests SET status = 'completed', resolved_at = now(),
	    shift_id = s.id
	WHERE id = h.id RETURNING * INTO h;
	status := 201;
	body := vp_help_json(h);
END
$$;

-- POST /v1/help-requests/{id}/cancel
CREATE OR REPLACE FUNCTION vp_op_help_cancel(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	h help_requests := vp_help_get(caller, vp_text(args, 'id', 20));
BEGIN
	PERFORM vp_help_unresolved(h);
	h := vp_help_return(h, 'cancelled',
	    coalesce(vp_text_opt(args, 'reason', 500), 'cancelled'));
	status := 200;
	body := vp_help_json(h);
END
$$;

-- GET /v1/help-requests[?community=][&status=][&limit=]
CREATE OR REPLACE FUNCTION vp_op_help_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_scope bigint[] := vp_community_scope(caller, args);
	v_limit integer := vp_limit(args, 100, 1000);
BEGIN
	IF args ? 'status' AND args ->> 'status' NOT IN ('open', 'accepted',
	    'completed', 'cancelled', 'expired') THEN
		PERFORM vp_refuse(422, 'invalid-field', '"status" must be open, '
		    'accepted, completed, cancelled or expired',
		    jsonb_build_object('field', 'status', 'reason', 'choice',
		    'choices', jsonb_build_array('open', 'accepted', 'completed',
		    'cancelled', 'expired')));
	END IF;
	status := 200;
	SELECT jsonb_build_object('help_requests', coalesce(jsonb_agg(
	    vp_help_json(x) ORDER BY x.id), '[]')) INTO body
	FROM (SELECT * FROM help_requests h
	    WHERE (v_scope IS NULL OR h.community_id = ANY (v_scope))
	    AND (NOT args ? 'status' OR h.status = args ->> 'status')
	    ORDER BY h.id LIMIT v_limit) x;
END
$$;

-- The daemon's timer: requests past their deadline expire and their
-- points go back. A few at a time, skipping rows other daemons hold, so
-- that it never waits on a request in progress. Returns how many expired.
CREATE OR REPLACE FUNCTION vp_help_expire() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	h help_requests;
	n integer := 0;
BEGIN
	PERFORM set_config('vpoints.keyid', '', true);
	-- A write like any other: not while a month closes (months.sql).
	PERFORM vp_months_enter();
	FOR h IN SELECT * FROM help_requests
	    WHERE status IN ('open', 'accepted') AND deadline < now()
	    ORDER BY deadline LIMIT 100 FOR UPDATE SKIP LOCKED LOOP
		PERFORM vp_help_return(h, 'expired', 'deadline passed');
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;
