-- Spending points: station catalogues (gifts, books, services) with
-- stock, redemptions and their voids.
--
-- Lock order of every write here and in help.sql, so that concurrent ones
-- cannot deadlock: the volunteer row(s) first (vp_volunteer_get, in
-- number order when there are two), then the catalogue item or help
-- request, then the accounts (vp_transfer).
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- The station a catalogue call is about: the caller's, or the one an
-- admin names.
CREATE OR REPLACE FUNCTION vp_catalog_station(caller vp_caller, args jsonb)
RETURNS stations LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_code text := vp_text_opt(args, 'station', 32);
	s stations;
BEGIN
	IF v_code IS NULL OR v_code = caller.station_code THEN
		SELECT * INTO s FROM stations WHERE id = caller.station_id;
	ELSE
		IF caller.role = 'station' THEN
			PERFORM vp_refuse(403, 'other-station', format('Station %s '
			    'manages its own catalogue only.', caller.station_code),
			    jsonb_build_object('station', caller.station_code));
		END IF;
		SELECT * INTO s FROM stations WHERE code = v_code;
		IF NOT FOUND THEN
			PERFORM vp_refuse(404, 'unknown-station',
			    format('No station has code %s.', v_code),
			    jsonb_build_object('station', v_code));
		END IF;
		-- An office manages the catalogues of its region's stations.
		IF s.community_id IS NOT NULL
		    AND NOT vp_covers(caller, s.community_id) THEN
			PERFORM vp_refuse(403, 'other-station', format('Office %s '
			    'manages the catalogues of its region''s stations only.',
			    caller.station_code),
			    jsonb_build_object('station', caller.station_code));
		END IF;
	END IF;
	IF s.community_id IS NULL THEN
		PERFORM vp_refuse(422, 'invalid-field', 'A catalogue belongs to a '
		    'station of a community: name one with "station".',
		    jsonb_build_object('field', 'station', 'reason', 'required'));
	END IF;
	RETURN s;
END
$$;

-- A catalogue item as JSON.
CREATE OR REPLACE FUNCTION vp_item_json(i catalog_items) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', i.code, 'name', i.name,
	    'category', i.category, 'price', i.price, 'stock', i.stock,
	    'active', i.active,
	    'station', (SELECT code FROM stations WHERE id = i.station_id))
$$;

-- An item of a station's catalogue, locked when it is about to change.
CREATE OR REPLACE FUNCTION vp_item_get(p_station bigint, p_code text, p_lock boolean)
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
		    'catalogue has no item %s.', p_code),
		    jsonb_build_object('item', p_code));
	END IF;
	RETURN i;
END
$$;

-- POST /v1/catalog
CREATE OR REPLACE FUNCTION vp_op_catalog_add(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations := vp_catalog_station(caller, args);
	v_category text := vp_text(args, 'category', 16);
	i catalog_items;
BEGIN
	IF v_category NOT IN ('gift', 'book', 'service') THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    '"category" must be gift, book or service',
		    jsonb_build_object('field', 'category', 'reason', 'choice',
		    'choices', jsonb_build_array('gift', 'book', 'service')));
	END IF;
	INSERT INTO catalog_items (station_id, community_id, code, name,
	    category, price, stock)
	VALUES (s.id, s.community_id, vp_code(args, 'code'), vp_text(args, 'name'),
	    v_category, vp_int(args, 'price', 1, 1000000),
	    vp_int(args, 'stock', 0, 1000000))
	ON CONFLICT (station_id, code) DO NOTHING RETURNING * INTO i;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'item-exists', format('Station %s has an '
		    'item %s already.', s.code, args ->> 'code'),
		    jsonb_build_object('station', s.code,
		    'item', args ->> 'code'));
	END IF;
	INSERT INTO catalog_restocks (item_id, quantity, note, keyid)
	VALUES (i.id, i.stock, 'initial stock', caller.keyid);
	status := 201;
	body := vp_item_json(i);
END
$$;

-- GET /v1/catalog[?station=][&all=1]
CREATE OR REPLACE FUNCTION vp_op_catalog_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_station bigint;
	v_code text := vp_text_opt(args, 'station', 32);
BEGIN
	IF v_code IS NULL THEN
		IF caller.community_id IS NULL THEN
			PERFORM vp_refuse(422, 'invalid-field', 'An admin key must '
			    'name the "station" whose catalogue to list.',
			    jsonb_build_object('field', 'station', 'reason', 'required'));
		END IF;
		v_station := caller.station_id;
	ELSE
		SELECT id INTO v_station FROM stations WHERE code = v_code;
		IF NOT FOUND THEN
			PERFORM vp_refuse(404, 'unknown-station',
			    format('No station has code %s.', v_code),
			    jsonb_build_object('station', v_code));
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
CREATE OR REPLACE FUNCTION vp_op_catalog_restock(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations := vp_catalog_station(caller, args);
	i catalog_items := vp_item_get(s.id, vp_text(args, 'code', 32), true);
	v_quantity integer := vp_int(args, 'quantity', 1, 1000000);
BEGIN
	IF i.stock::bigint + v_quantity > 1000000000 THEN
		PERFORM vp_refuse(422, 'invalid-field',
		    'That much stock cannot be kept.', jsonb_build_object(
		    'field', 'quantity', 'reason', 'stock', 'stock', i.stock,
		    'quantity', v_quantity, 'max', 1000000000));
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
CREATE OR REPLACE FUNCTION vp_op_catalog_deactivate(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	s stations := vp_catalog_station(caller, args);
	i catalog_items := vp_item_get(s.id, vp_text(args, 'code', 32), true);
BEGIN
	status := CASE WHEN i.active THEN 201 ELSE 200 END;
	UPDATE catalog_items SET active = false WHERE id = i.id RETURNING * INTO i;
	INSERT INTO catalog_deactivations (item_id, keyid) VALUES (i.id, caller.keyid)
	ON CONFLICT DO NOTHING;
	body := vp_item_json(i);
END
$$;

-- A redemption as JSON; NULL when its station, volunteer or item is not
-- found.
CREATE OR REPLACE FUNCTION vp_redemption_json(r redemptions) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_json jsonb;
BEGIN
	SELECT jsonb_build_object('id', r.id,
	    'receipt', 'R-' || s.code || '-' || r.id,
	    'volunteer', v.number, 'item', i.code, 'name', i.name,
	    'category', i.category, 'quantity', r.quantity, 'points', r.points,
	    'balance', (SELECT balance FROM accounts WHERE volunteer_id = v.id),
	    'station', s.code, 'at', date_trunc('second', r.at))
	    || coalesce((SELECT jsonb_build_object('voided_at', date_trunc('second', x.at),
		'void_reason', x.reason)
		FROM redemption_voids x WHERE x.redemption_id = r.id), '{}')
	INTO v_json
	FROM stations s, volunteers v, catalog_items i
	WHERE s.id = r.station_id AND v.id = r.volunteer_id AND i.id = r.item_id;
	RETURN v_json;
END
$$;

-- POST /v1/redemptions: points from the volunteer to the station, stock
-- down, one transaction.
CREATE OR REPLACE FUNCTION vp_op_redeem(caller vp_caller, args jsonb,
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
		    'is %s and cannot redeem points.', v.number, v.status),
		    jsonb_build_object('volunteer', v.number,
		    'volunteer_status', v.status));
	END IF;
	IF NOT i.active THEN
		PERFORM vp_refuse(409, 'item-inactive', format('%s (%s) is no '
		    'longer in the catalogue.', i.name, i.code),
		    jsonb_build_object('item', i.code,
		    'item_name', i.name));
	END IF;
	IF i.stock < v_quantity THEN
		PERFORM vp_refuse(409, 'out-of-stock', format('%s: %s in stock, '
		    '%s asked.', i.name, i.stock, v_quantity),
		    jsonb_build_object('item', i.code,
		    'item_name', i.name, 'stock', i.stock, 'quantity', v_quantity));
	END IF;
	v_cost := i.price::bigint * v_quantity;
	SELECT * INTO v_account FROM accounts WHERE volunteer_id = v.id;
	IF v_account.balance < v_cost THEN
		PERFORM vp_refuse(409, 'insufficient-points', format('%s has %s '
		    'points; %s × %s costs %s.', v.number, v_account.balance,
		    v_quantity, i.name, v_cost),
		    jsonb_build_object('volunteer', v.number,
		    'balance', v_account.balance, 'item', i.code, 'item_name', i.name,
		    'quantity', v_quantity, 'price', i.price, 'cost', v_cost,
		    'needed', v_cost - v_account.balance));
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
CREATE OR REPLACE FUNCTION vp_op_redemption_void(caller vp_caller, args jsonb,
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
		    format('No redemption has id %s.', v_id),
		    jsonb_build_object('redemption', v_id));
	END IF;
	SELECT * INTO r FROM redemptions WHERE id = v_id::bigint;
	IF NOT FOUND THEN
		PERFORM vp_refuse(404, 'unknown-redemption',
		    format('No redemption has id %s.', v_id),
		    jsonb_build_object('redemption', v_id));
	END IF;
	IF r.station_id <> caller.station_id AND (caller.role = 'station'
	    OR NOT vp_covers(caller, r.community_id)) THEN
		PERFORM vp_refuse(403, 'other-station', 'Only the station that '
		    'made a redemption may void it.', jsonb_build_object(
		    'redemption', v_id));
	END IF;
	PERFORM vp_volunteer_get(caller, (SELECT number FROM volunteers
	    WHERE id = r.volunteer_id), true);
	PERFORM 1 FROM catalog_items WHERE id = r.item_id FOR UPDATE;
	INSERT INTO redemption_voids (redemption_id, reason, keyid)
	VALUES (r.id, v_reason, caller.keyid) ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		PERFORM vp_refuse(409, 'already-voided',
		    format('Redemption %s was voided already.', v_id),
		    jsonb_build_object('redemption', v_id));
	END IF;
	UPDATE catalog_items SET stock = stock + r.quantity WHERE id = r.item_id;
	SELECT * INTO t FROM transfers WHERE redemption_id = r.id AND cause = 'redemption';
	PERFORM vp_transfer(t.to_account, t.from_account, t.amount,
	    'reversal', NULL, t.id, v_reason, r.id, NULL);
	status := 201;
	body := vp_redemption_json(r);
END
$$;
