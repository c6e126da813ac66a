-- 004: spending points: station catalogues (gifts, books, services) with
-- stock, redemptions and their voids, points for help between volunteers
-- (held in escrow, a two-phase transfer), and the audit of every
-- invariant of the ledger.
--
-- Lock order of every write here, so that concurrent ones cannot
-- deadlock: the volunteer row(s) first (vp_volunteer_get, in number order
-- when there are two), then the catalogue item or help request, then the
-- accounts (vp_transfer).

-- The activity under which help between volunteers is recorded; its
-- shifts carry no points of their own (the requester pays the helper).
INSERT INTO activities (code, name, points_per_hour)
VALUES ('help', 'Help between volunteers', 0)
ON CONFLICT (code) DO NOTHING;

CREATE TABLE catalog_items (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	station_id	bigint NOT NULL REFERENCES stations,
	community_id	bigint NOT NULL REFERENCES communities,
	code		text NOT NULL
			CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$'),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	category	text NOT NULL CHECK (category IN ('gift', 'book', 'service')),
	price		integer NOT NULL CHECK (price BETWEEN 1 AND 1000000),
	stock		integer NOT NULL CHECK (stock >= 0),
	active		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (station_id, code)
);

-- Every unit that entered a catalogue: the first stock and each restock.
CREATE TABLE catalog_restocks (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	item_id		bigint NOT NULL REFERENCES catalog_items,
	quantity	integer NOT NULL CHECK (quantity >= 0),
	note		text CHECK (length(note) <= 500),
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON catalog_restocks (item_id);
CREATE TRIGGER catalog_restocks_append_only
	BEFORE UPDATE OR DELETE ON catalog_restocks
	FOR EACH ROW EXECUTE FUNCTION vp_append_only();

CREATE TABLE redemptions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	station_id	bigint NOT NULL REFERENCES stations,
	community_id	bigint NOT NULL REFERENCES communities,
	item_id		bigint NOT NULL REFERENCES catalog_items,
	volunteer_id	bigint NOT NULL REFERENCES volunteers,
	quantity	integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
	points		bigint NOT NULL CHECK (points > 0),
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON redemptions (volunteer_id);
CREATE INDEX ON redemptions (station_id, at);
CREATE TRIGGER redemptions_append_only BEFORE UPDATE OR DELETE ON redemptions
	FOR EACH ROW EXECUTE FUNCTION vp_append_only();

-- A void names its redemption once: the primary key says "at most once".
CREATE TABLE redemption_voids (
	redemption_id	bigint PRIMARY KEY REFERENCES redemptions,
	reason		text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
	keyid		text NOT NULL REFERENCES station_keys,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER redemption_voids_append_only
	BEFORE UPDATE OR DELETE ON redemption_voids
	FOR EACH ROW EXECUTE FUNCTION vp_append_only();

CREATE TABLE help_requests (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	community_id	bigint NOT NULL REFERENCES communities,
	requester_id	bigint NOT NULL REFERENCES volunteers,
	helper_id	bigint REFERENCES volunteers,
	points		bigint NOT NULL CHECK (points BETWEEN 1 AND 1000000),
	description	text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
	deadline	timestamptz,
	status		text NOT NULL DEFAULT 'open' CHECK (status IN
			    ('open', 'accepted', 'completed', 'cancelled', 'expired')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	accepted_at	timestamptz,
	resolved_at	timestamptz,
	reason		text CHECK (length(reason) <= 500),
	shift_id	bigint REFERENCES shifts,
	keyid		text NOT NULL REFERENCES station_keys,
	CHECK (helper_id IS DISTINCT FROM requester_id),
	CHECK ((status IN ('open', 'cancelled', 'expired')) OR helper_id IS NOT NULL),
	CHECK ((status IN ('open', 'accepted')) = (resolved_at IS NULL))
);
CREATE INDEX ON help_requests (community_id, status, id);
CREATE INDEX ON help_requests (deadline) WHERE status IN ('open', 'accepted');

ALTER TABLE transfers ADD FOREIGN KEY (redemption_id) REFERENCES redemptions;
ALTER TABLE transfers ADD FOREIGN KEY (help_request_id) REFERENCES help_requests;
CREATE INDEX ON transfers (redemption_id) WHERE redemption_id IS NOT NULL;
CREATE INDEX ON transfers (help_request_id) WHERE help_request_id IS NOT NULL;

-- A system account of a community (escrow) or of a station, made on
-- first use.
CREATE FUNCTION vp_system_account(p_kind text, p_community bigint,
    p_station bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	SELECT id INTO v_id FROM accounts
	WHERE kind = p_kind AND community_id = p_community
	AND station_id IS NOT DISTINCT FROM p_station;
	IF NOT FOUND THEN
		INSERT INTO accounts (kind, community_id, station_id)
		VALUES (p_kind, p_community, p_station)
		ON CONFLICT DO NOTHING RETURNING id INTO v_id;
		IF v_id IS NULL THEN
			SELECT id INTO v_id FROM accounts
			WHERE kind = p_kind AND community_id = p_community
			AND station_id IS NOT DISTINCT FROM p_station;
		END IF;
	END IF;
	RETURN v_id;
END
$$;
CREATE UNIQUE INDEX ON accounts (community_id) WHERE kind = 'escrow';

-- The station a catalogue call is about: the caller's, or the one an
-- admin names.
CREATE FUNCTION vp_catalog_station(caller vp_caller, args jsonb)
RETURNS stations LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_code text := vp_text_opt(args, 'station', 32);
	s stations;
BEGIN
	IF v_code IS NULL OR v_code = caller.station_code THEN
		SELECT * INTO s FROM stations WHERE id = caller.station_id;
	ELSE
		IF caller.role <> 'admin' THEN
			PERFORM vp_refuse(403, 'other-station', format('Station %s '
			    'manages its own catalogue only.', caller.station_code));
		END IF;
		SELECT * INTO s FROM stations WHERE code = v_code;
		IF NOT FOUND THEN
			PERFORM vp_refuse(404, 'unknown-station',
			    format('No station has code %s.', v_code));
		END IF;
	END IF;
	IF s.community_id IS NULL THEN
		PERFORM vp_refuse(422, 'invalid-field', 'A catalogue belongs to a '
		    'station of a community: name one with "station".');
	END IF;
	RETURN s;
END
$$;

CREATE FUNCTION vp_item_json(i catalog_items) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', i.code, 'name', i.name,
	    'category', i.category, 'price', i.price, 'stock', i.stock,
	    'active', i.active,
	    'station', (SELECT code FROM stations WHERE id = i.station_id))
$$;

-- An item of a station's catalogue, locked when it is about to change.
CREATE FUNCTION vp_item_get(p_station bigint, p_code text, p_lock boolean)
RETURNS catalog_items LANGUAGE plpgsql AS $$
DECLARE
	i catalog_items;
BEGIN
	IF p_lock THEN
		SELECT * INTO i FROM catalog_items
		WHERE station_id = p_station AND code = p_code FOR UPDATE;
	ELSE
		SELECT * INTO i FROM catalog_items
		WHERE station_id = p_station AND code = p_code;
	END IF;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-item', format('This station''s '
		    'catalogue has no item %s.', p_code));
	END IF;
	RETURN i;
END
$$;

-- POST /v1/catalog
CREATE FUNCTION vp_op_catalog_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations := vp_catalog_station(caller, args);
	v_category text := vp_text(args, 'category', 16);
	i catalog_items;
BEGIN
	IF v_category NOT IN ('gift', 'book', 'service') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"category" must be gift, book or service');
	END IF;
	INSERT INTO catalog_items (station_id, community_id, code, name,
	    category, price, stock)
	VALUES (s.id, s.community_id, vp_code(args, 'code'), vp_text(args, 'name'),
	    v_category, vp_int(args, 'price', 1, 1000000),
	    vp_int(args, 'stock', 0, 1000000))
	ON CONFLICT (station_id, code) DO NOTHING RETURNING * INTO i;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'item-exists', format('Station %s has an '
		    'item %s already.', s.code, args ->> 'code'));
	END IF;
	INSERT INTO catalog_restocks (item_id, quantity, note, keyid)
	VALUES (i.id, i.stock, 'initial stock', caller.keyid);
	status := 201;
	body := vp_item_json(i);
END
$$;

-- GET /v1/catalog[?station=][&all=1]
CREATE FUNCTION vp_op_catalog_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_station bigint;
	v_code text := vp_text_opt(args, 'station', 32);
BEGIN
	IF v_code IS NULL THEN
		IF caller.community_id IS NULL THEN
			PERFORM vp_refuse(422, 'invalid-field', 'An admin key must '
			    'name the "station" whose catalogue to list.');
		END IF;
		v_station := caller.station_id;
	ELSE
		SELECT id INTO v_station FROM stations WHERE code = v_code;
		IF NOT FOUND THEN
			PERFORM vp_refuse(404, 'unknown-station',
			    format('No station has code %s.', v_code));
		END IF;
	END IF;
	status := 200;
	SELECT jsonb_build_object('items', coalesce(jsonb_agg(vp_item_json(i)
	    ORDER BY i.code), '[]')) INTO body
	FROM catalog_items i WHERE i.station_id = v_station
	AND (i.active OR args ->> 'all' IN ('1', 'true', 'yes'));
END
$$;

-- POST /v1/catalog/{code}/restock
CREATE FUNCTION vp_op_catalog_restock(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations := vp_catalog_station(caller, args);
	i catalog_items := vp_item_get(s.id, vp_text(args, 'code', 32), true);
	v_quantity integer := vp_int(args, 'quantity', 1, 1000000);
BEGIN
	IF i.stock::bigint + v_quantity > 1000000000 THEN
		PERFORM vp_refuse(422, 'invalid-field', 'That much stock cannot be kept.');
	END IF;
	UPDATE catalog_items SET stock = stock + v_quantity WHERE id = i.id
	RETURNING * INTO i;
	INSERT INTO catalog_restocks (item_id, quantity, note, keyid)
	VALUES (i.id, v_quantity, vp_text_opt(args, 'note', 500), caller.keyid);
	status := 201;
	body := vp_item_json(i);
END
$$;

-- POST /v1/catalog/{code}/deactivate
CREATE FUNCTION vp_op_catalog_deactivate(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations := vp_catalog_station(caller, args);
	i catalog_items := vp_item_get(s.id, vp_text(args, 'code', 32), true);
BEGIN
	status := CASE WHEN i.active THEN 201 ELSE 200 END;
	UPDATE catalog_items SET active = false WHERE id = i.id RETURNING * INTO i;
	body := vp_item_json(i);
END
$$;

CREATE FUNCTION vp_redemption_json(r redemptions) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', r.id,
	    'receipt', 'R-' || s.code || '-' || r.id,
	    'volunteer', v.number, 'item', i.code, 'name', i.name,
	    'category', i.category, 'quantity', r.quantity, 'points', r.points,
	    'balance', (SELECT balance FROM accounts WHERE volunteer_id = v.id),
	    'station', s.code, 'at', date_trunc('second', r.at))
	    || coalesce((SELECT jsonb_build_object('voided_at', date_trunc('second', x.at),
		'void_reason', x.reason)
		FROM redemption_voids x WHERE x.redemption_id = r.id), '{}')
	FROM stations s, volunteers v, catalog_items i
	WHERE s.id = r.station_id AND v.id = r.volunteer_id AND i.id = r.item_id
$$;

-- POST /v1/redemptions: points from the volunteer to the station, stock
-- down, one transaction.
CREATE FUNCTION vp_op_redeem(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'volunteer', 32), true);
	i catalog_items;
	r redemptions;
	v_quantity integer := CASE WHEN args ? 'quantity'
	    THEN vp_int(args, 'quantity', 1, 1000)::integer ELSE 1 END;
	v_account accounts;
	v_cost bigint;
BEGIN
	IF caller.community_id IS NULL THEN
		PERFORM vp_refuse(403, 'station-only', 'Points are redeemed at a '
		    'station: use a station key.');
	END IF;
	i := vp_item_get(caller.station_id, vp_text(args, 'item', 32), true);
	IF v.status <> 'active' THEN
		PERFORM vp_refuse(409, 'volunteer-suspended', format('Volunteer %s '
		    'is %s and cannot redeem points.', v.number, v.status));
	END IF;
	IF NOT i.active THEN
		PERFORM vp_refuse(409, 'item-inactive', format('%s (%s) is no '
		    'longer in the catalogue.', i.name, i.code));
	END IF;
	IF i.stock < v_quantity THEN
		PERFORM vp_refuse(409, 'out-of-stock', format('%s: %s in stock, '
		    '%s asked.', i.name, i.stock, v_quantity));
	END IF;
	v_cost := i.price::bigint * v_quantity;
	SELECT * INTO v_account FROM accounts WHERE volunteer_id = v.id;
	IF v_account.balance < v_cost THEN
		PERFORM vp_refuse(409, 'insufficient-points', format('%s has %s '
		    'points; %s × %s costs %s.', v.number, v_account.balance,
		    v_quantity, i.name, v_cost));
	END IF;
	UPDATE catalog_items SET stock = stock - v_quantity WHERE id = i.id;
	INSERT INTO redemptions (station_id, community_id, item_id, volunteer_id,
	    quantity, points, keyid)
	VALUES (caller.station_id, v.community_id, i.id, v.id, v_quantity,
	    v_cost, caller.keyid)
	RETURNING * INTO r;
	PERFORM vp_transfer(v_account.id, vp_system_account('station',
	    v.community_id, caller.station_id), v_cost, 'redemption', NULL, NULL,
	    NULL, r.id, NULL);
	status := 201;
	body := vp_redemption_json(r);
END
$$;

-- POST /v1/redemptions/{id}/void: points and stock back, once.
CREATE FUNCTION vp_op_redemption_void(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_id text := vp_text(args, 'id', 20);
	v_reason text := vp_text(args, 'reason', 500);
	r redemptions;
	t transfers;
BEGIN
	IF v_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-redemption',
		    format('No redemption has id %s.', v_id));
	END IF;
	SELECT * INTO r FROM redemptions WHERE id = v_id::bigint;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-redemption',
		    format('No redemption has id %s.', v_id));
	END IF;
	IF caller.role <> 'admin' AND r.station_id <> caller.station_id THEN
		PERFORM vp_refuse(403, 'other-station', 'Only the station that '
		    'made a redemption may void it.');
	END IF;
	PERFORM vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = r.volunteer_id), true);
	PERFORM 1 FROM catalog_items WHERE id = r.item_id FOR UPDATE;
	INSERT INTO redemption_voids (redemption_id, reason, keyid)
	VALUES (r.id, v_reason, caller.keyid) ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'already-voided',
		    format('Redemption %s was voided already.', v_id));
	END IF;
	UPDATE catalog_items SET stock = stock + r.quantity WHERE id = r.item_id;
	SELECT * INTO t FROM transfers WHERE redemption_id = r.id AND cause = 'redemption';
	PERFORM vp_transfer(t.to_account, t.from_account, t.amount,
	    'reversal', NULL, t.id, v_reason, r.id, NULL);
	status := 201;
	body := vp_redemption_json(r);
END
$$;

CREATE FUNCTION vp_help_json(h help_requests) RETURNS jsonb
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
CREATE FUNCTION vp_help_get(caller vp_caller, p_id text) RETURNS help_requests
LANGUAGE plpgsql AS $$
DECLARE
	h help_requests;
BEGIN
	IF p_id !~ '^[0-9]{1,18}$' THEN
		PERFORM vp_refuse(404, 'unknown-help-request',
		    format('No help request has id %s.', p_id));
	END IF;
	SELECT * INTO h FROM help_requests WHERE id = p_id::bigint;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-help-request',
		    format('No help request has id %s.', p_id));
	END IF;
	PERFORM vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = h.requester_id), true);
	SELECT * INTO h FROM help_requests WHERE id = h.id FOR UPDATE;
	RETURN h;
END
$$;

-- Refuse a help request that is resolved already.
CREATE FUNCTION vp_help_unresolved(h help_requests) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF h.status NOT IN ('open', 'accepted') THEN
		PERFORM vp_refuse(409, 'help-resolved', format('Help request %s '
		    'is %s already.', h.id, h.status));
	END IF;
END
$$;

-- Points held for a request go back to the requester.
CREATE FUNCTION vp_help_return(h help_requests, p_status text, p_reason text)
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
CREATE FUNCTION vp_op_help_request(caller vp_caller, args jsonb,
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
		    'is %s.', v.number, v.status));
	END IF;
	IF v_deadline IS NOT NULL AND v_deadline <= now() THEN
		PERFORM vp_refuse(422, 'invalid-field', '"deadline" must be in the future');
	END IF;
	SELECT * INTO v_account FROM accounts WHERE volunteer_id = v.id;
	IF v_account.balance < v_points THEN
		PERFORM vp_refuse(409, 'insufficient-points', format('%s has %s '
		    'points and cannot offer %s.', v.number, v_account.balance,
		    v_points));
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
CREATE FUNCTION vp_op_help_accept(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	h help_requests := vp_help_get(caller, vp_text(args, 'id', 20));
	helper volunteers := vp_volunteer_get(caller, vp_text(args, 'helper', 32), false);
BEGIN
	IF h.status <> 'open' THEN
		PERFORM vp_refuse(409, 'help-resolved', format('Help request %s '
		    'is %s, not open.', h.id, h.status));
	END IF;
	IF helper.id = h.requester_id THEN
		PERFORM vp_refuse(409, 'self-help',
		    'Nobody helps themselves: the helper is another volunteer.');
	END IF;
	IF helper.community_id <> h.community_id THEN
		PERFORM vp_refuse(403, 'outside-community', format('Volunteer %s '
		    'is of another community than the request.', helper.number));
	END IF;
	IF helper.status <> 'active' THEN
		PERFORM vp_refuse(409, 'volunteer-suspended', format('Volunteer %s '
		    'is %s.', helper.number, helper.status));
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
CREATE FUNCTION vp_op_help_complete(caller vp_caller, args jsonb,
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
		    format('No help request has id %s.', v_id));
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
		    '%s has no helper yet.', h.id));
	END IF;
	SELECT * INTO helper FROM volunteers WHERE id = h.helper_id;
	PERFORM vp_shift_check(helper, v_end - v_minutes * interval '1 minute',
	    v_end, NULL);
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
CREATE FUNCTION vp_op_help_cancel(caller vp_caller, args jsonb,
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
CREATE FUNCTION vp_op_help_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_community bigint := vp_community_scope(caller, args);
	v_limit integer := vp_limit(args, 100, 1000);
BEGIN
	IF args ? 'status' AND args ->> 'status' NOT IN ('open', 'accepted',
	    'completed', 'cancelled', 'expired') THEN
		PERFORM vp_refuse(422, 'invalid-field', '"status" must be open, '
		    'accepted, completed, cancelled or expired');
	END IF;
	status := 200;
	SELECT jsonb_build_object('help_requests', coalesce(jsonb_agg(
	    vp_help_json(x) ORDER BY x.id), '[]')) INTO body
	FROM (SELECT * FROM help_requests h
	    WHERE (v_community IS NULL OR h.community_id = v_community)
	    AND (NOT args ? 'status' OR h.status = args ->> 'status')
	    ORDER BY h.id LIMIT v_limit) x;
END
$$;

-- The daemon's timer: requests past their deadline expire and their
-- points go back. A few at a time, skipping rows other daemons hold, so
-- that it never waits on a request in progress. Returns how many expired.
CREATE FUNCTION vp_help_expire() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	h help_requests;
	n integer := 0;
BEGIN
	PERFORM set_config('vpoints.keyid', '', true);
	FOR h IN SELECT * FROM help_requests
	    WHERE status IN ('open', 'accepted') AND deadline < now()
	    ORDER BY deadline LIMIT 100 FOR UPDATE SKIP LOCKED LOOP
		PERFORM vp_help_return(h, 'expired', 'deadline passed');
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

-- Every invariant of the ledger; "problems" lists what is wrong.
CREATE FUNCTION vp_audit() RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	p jsonb := '[]';
	r record;
BEGIN
	IF (SELECT coalesce(sum(balance), 0) FROM accounts) <> 0 THEN
		p := p || jsonb_build_array(format('accounts sum to %s, not 0',
		    (SELECT sum(balance) FROM accounts)));
	END IF;
	FOR r IN SELECT a.id, a.kind, a.balance, coalesce(i.s, 0) - coalesce(o.s, 0) AS sum
	    FROM accounts a
	    LEFT JOIN (SELECT to_account, sum(amount) s FROM transfers GROUP BY 1) i
		ON i.to_account = a.id
	    LEFT JOIN (SELECT from_account, sum(amount) s FROM transfers GROUP BY 1) o
		ON o.from_account = a.id
	    WHERE a.balance <> coalesce(i.s, 0) - coalesce(o.s, 0) LOOP
		p := p || jsonb_build_array(format('account %s (%s): balance %s, '
		    'transfers %s', r.id, r.kind, r.balance, r.sum));
	END LOOP;
	FOR r IN SELECT v.number, a.balance FROM accounts a
	    JOIN volunteers v ON v.id = a.volunteer_id WHERE a.balance < 0 LOOP
		p := p || jsonb_build_array(format('volunteer %s has %s points',
		    r.number, r.balance));
	END LOOP;
	FOR r IN SELECT a.community_id, a.balance, coalesce((SELECT sum(points)
	    FROM help_requests h WHERE h.community_id = a.community_id
	    AND h.status IN ('open', 'accepted')), 0) AS held
	    FROM accounts a WHERE a.kind = 'escrow' LOOP
		IF r.balance <> r.held THEN
			p := p || jsonb_build_array(format('escrow of community %s '
			    'holds %s, open requests %s', r.community_id, r.balance,
			    r.held));
		END IF;
	END LOOP;
	FOR r IN SELECT i.id, i.code, i.stock,
	    (SELECT coalesce(sum(quantity), 0) FROM catalog_restocks x WHERE x.item_id = i.id)
	    - (SELECT coalesce(sum(quantity), 0) FROM redemptions d WHERE d.item_id = i.id
		AND NOT EXISTS (SELECT 1 FROM redemption_voids z WHERE z.redemption_id = d.id))
	    AS expected FROM catalog_items i LOOP
		IF r.stock <> r.expected THEN
			p := p || jsonb_build_array(format('item %s (%s): stock %s, '
			    'restocks minus redemptions %s', r.code, r.id, r.stock,
			    r.expected));
		END IF;
	END LOOP;
	FOR r IN SELECT t.id FROM transfers t JOIN accounts f ON f.id = t.from_account
	    JOIN accounts d ON d.id = t.to_account
	    WHERE f.community_id <> d.community_id LOOP
		p := p || jsonb_build_array(format('transfer %s crosses communities', r.id));
	END LOOP;
	FOR r IN SELECT s.id, s.points, coalesce((SELECT sum(amount) FROM transfers t
	    WHERE t.shift_id = s.id AND t.cause = 'shift'), 0) AS paid
	    FROM shifts s WHERE s.points <> coalesce((SELECT sum(amount)
	    FROM transfers t WHERE t.shift_id = s.id AND t.cause = 'shift'), 0) LOOP
		p := p || jsonb_build_array(format('shift %s: %s points, %s paid',
		    r.id, r.points, r.paid));
	END LOOP;
	FOR r IN SELECT d.id FROM redemptions d WHERE d.points <> coalesce((SELECT
	    sum(amount) FROM transfers t WHERE t.redemption_id = d.id
	    AND t.cause = 'redemption'), 0) LOOP
		p := p || jsonb_build_array(format('redemption %s is not paid '
		    'exactly once', r.id));
	END LOOP;
	RETURN jsonb_build_object('ok', p = '[]', 'problems', p, 'checked',
	    jsonb_build_object('accounts', (SELECT count(*) FROM accounts),
		'transfers', (SELECT count(*) FROM transfers),
		'shifts', (SELECT count(*) FROM shifts),
		'redemptions', (SELECT count(*) FROM redemptions),
		'help_requests', (SELECT count(*) FROM help_requests)));
END
$$;

-- GET /v1/audit (admin)
CREATE FUNCTION vp_op_audit(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_require_admin(caller);
	status := 200;
	body := vp_audit();
END
$$;
