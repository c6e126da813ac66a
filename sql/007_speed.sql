-- 007: the same answers with less work per request, above all per shift
-- write (POST /v1/shifts), which did about three times the work of a
-- plain insert of its shift.
--
-- PostgreSQL parses and plans the body of a LANGUAGE sql function on every
-- call unless it can inline it (one SELECT of an expression, no sublink,
-- nothing more volatile than the function is declared); PL/pgSQL keeps the
-- plans of its statements for the life of the connection, and so does a
-- static statement where EXECUTE parses and plans anew each time. So:
-- - vp_call calls every operation of 002 to 006 by name; EXECUTE stays
--   only for operations of later migrations;
-- - the SQL functions with sublinks, or with calls that keep them from
--   being inlined, on the paths of POST /v1/shifts, POST /v1/redemptions
--   and GET /v1/volunteers/{number}/ledger become PL/pgSQL with the same
--   body, signature, volatility and NULL behaviour (none is STRICT);
-- - the month trigger of shifts no longer folds NEW.corrects into a
--   custom plan on every insert;
-- - the overlap check of a shift reads the last day of the volunteer's
--   shifts, not the whole history.
-- Functions keep their signatures; every answer, error and invariant is
-- what it was.

-- An RFC 9457 problem body. (002; jsonb_build_object is STABLE, so this
-- IMMUTABLE function was never inlined.)
CREATE OR REPLACE FUNCTION vp_problem(status integer, slug text, detail text)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN jsonb_build_object('type', 'urn:vpoints:problem:' || slug,
	    'title', slug, 'status', status, 'detail', detail);
END
$$;

-- Run one signed operation in one transaction: check the key, record the
-- nonce, honour the Idempotency-Key (writes), run the operation, store its
-- outcome. A refused operation changes nothing but the nonce record (so a
-- refused request cannot be replayed later) and, for writes, the stored
-- outcome. Returns the HTTP status and the JSON body. (002; the operations
-- of 003 to 006 are now called by name, not through EXECUTE.)
CREATE OR REPLACE FUNCTION vp_call(p_keyid text, p_nonce text, p_op text,
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
		-- 003
		WHEN 'volunteer_add' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_add(caller, p_args);
		WHEN 'volunteer_update' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_update(caller, p_args);
		WHEN 'volunteer_get' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_get(caller, p_args);
		WHEN 'volunteer_list' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_list(caller, p_args);
		WHEN 'team_add' THEN
			SELECT * INTO status, v_body FROM vp_op_team_add(caller, p_args);
		WHEN 'team_list' THEN
			SELECT * INTO status, v_body FROM vp_op_team_list(caller, p_args);
		WHEN 'team_join' THEN
			SELECT * INTO status, v_body FROM vp_op_team_join(caller, p_args);
		WHEN 'team_leave' THEN
			SELECT * INTO status, v_body FROM vp_op_team_leave(caller, p_args);
		WHEN 'activity_add' THEN
			SELECT * INTO status, v_body FROM vp_op_activity_add(caller, p_args);
		WHEN 'activity_list' THEN
			SELECT * INTO status, v_body FROM vp_op_activity_list(caller, p_args);
		WHEN 'shift_log' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_log(caller, p_args);
		WHEN 'shift_checkin' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_checkin(caller, p_args);
		WHEN 'shift_checkout' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_checkout(caller, p_args);
		WHEN 'shift_correct' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_correct(caller, p_args);
		WHEN 'shift_list' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_list(caller, p_args);
		WHEN 'volunteer_ledger' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_ledger(caller, p_args);
		-- 004
		WHEN 'catalog_add' THEN
			SELECT * INTO status, v_body FROM vp_op_catalog_add(caller, p_args);
		WHEN 'catalog_list' THEN
			SELECT * INTO status, v_body FROM vp_op_catalog_list(caller, p_args);
		WHEN 'catalog_restock' THEN
			SELECT * INTO status, v_body FROM vp_op_catalog_restock(caller, p_args);
		WHEN 'catalog_deactivate' THEN
			SELECT * INTO status, v_body FROM vp_op_catalog_deactivate(caller, p_args);
		WHEN 'redeem' THEN
			SELECT * INTO status, v_body FROM vp_op_redeem(caller, p_args);
		WHEN 'redemption_void' THEN
			SELECT * INTO status, v_body FROM vp_op_redemption_void(caller, p_args);
		WHEN 'help_request' THEN
			SELECT * INTO status, v_body FROM vp_op_help_request(caller, p_args);
		WHEN 'help_accept' THEN
			SELECT * INTO status, v_body FROM vp_op_help_accept(caller, p_args);
		WHEN 'help_complete' THEN
			SELECT * INTO status, v_body FROM vp_op_help_complete(caller, p_args);
		WHEN 'help_cancel' THEN
			SELECT * INTO status, v_body FROM vp_op_help_cancel(caller, p_args);
		WHEN 'help_list' THEN
			SELECT * INTO status, v_body FROM vp_op_help_list(caller, p_args);
		WHEN 'audit' THEN
			SELECT * INTO status, v_body FROM vp_op_audit(caller, p_args);
		-- 005
		WHEN 'report_monthly' THEN
			SELECT * INTO status, v_body FROM vp_op_report_monthly(caller, p_args);
		WHEN 'report_annual' THEN
			SELECT * INTO status, v_body FROM vp_op_report_annual(caller, p_args);
		WHEN 'star_levels' THEN
			SELECT * INTO status, v_body FROM vp_op_star_levels(caller, p_args);
		WHEN 'star_levels_set' THEN
			SELECT * INTO status, v_body FROM vp_op_star_levels_set(caller, p_args);
		WHEN 'certificate_issue' THEN
			SELECT * INTO status, v_body FROM vp_op_certificate_issue(caller, p_args);
		WHEN 'certificate_get' THEN
			SELECT * INTO status, v_body FROM vp_op_certificate_get(caller, p_args);
		WHEN 'certificate_revoke' THEN
			SELECT * INTO status, v_body FROM vp_op_certificate_revoke(caller, p_args);
		WHEN 'month_close' THEN
			SELECT * INTO status, v_body FROM vp_op_month_close(caller, p_args);
		WHEN 'month_list' THEN
			SELECT * INTO status, v_body FROM vp_op_month_list(caller, p_args);
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

-- The descriptive fields of a shift in a request, checked: texts of
-- bounded length, absent or null when not given. (003)
CREATE OR REPLACE FUNCTION vp_shift_details(args jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN jsonb_strip_nulls(jsonb_build_object(
	    'activity_name', vp_text_opt(args, 'activity_name'),
	    'place', vp_text_opt(args, 'place'),
	    'served', vp_text_opt(args, 'served'),
	    'content', vp_text_opt(args, 'content', 2000),
	    'lead', vp_text_opt(args, 'lead', 100)));
END
$$;

-- Refuse a shift that breaks a rule of the service record. p_end NULL: an
-- open check-in. p_except: the shift being corrected or the check-in being
-- closed, which may overlap itself. (003; the overlap query read every
-- shift of the volunteer's history. A shift that overlaps [p_start, p_end)
-- and lasts at most 24 hours started after p_start - 24 hours, so the
-- index on (volunteer_id, started_at) is read from there on; a longer
-- shift, which no operation records but a row could still be, is looked
-- up in its own partial index, below. The same shifts are found.)
CREATE OR REPLACE FUNCTION vp_shift_check(v volunteers, p_start timestamptz,
    p_end timestamptz, p_except bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF v.status <> 'active' THEN
		PERFORM vp_refuse(409, 'volunteer-suspended', format('Volunteer %s '
		    'is %s: no shift can be recorded.', v.number, v.status));
	END IF;
	IF p_start > now() + interval '60 seconds' THEN
		PERFORM vp_refuse(422, 'start-in-future',
		    'A shift cannot start in the future.');
	END IF;
	IF p_end IS NOT NULL THEN
		IF p_end <= p_start THEN
			PERFORM vp_refuse(422, 'end-before-start',
			    'A shift must end after it starts.');
		END IF;
		IF p_end > now() + interval '60 seconds' THEN
			PERFORM vp_refuse(422, 'end-in-future',
			    'A completed shift cannot end in the future.');
		END IF;
		IF p_end - p_start > interval '24 hours' THEN
			PERFORM vp_refuse(422, 'shift-too-long',
			    'A shift lasts at most 24 hours.');
		END IF;
		IF vp_minutes(p_start, p_end) < 1 THEN
			PERFORM vp_refuse(422, 'shift-too-short',
			    'A shift lasts at least one whole minute.');
		END IF;
	END IF;
	IF EXISTS (SELECT 1 FROM shifts s
	    WHERE s.volunteer_id = v.id AND s.id IS DISTINCT FROM p_except
	    AND s.started_at < coalesce(p_end, 'infinity') AND s.ended_at > p_start
	    AND s.started_at > p_start - interval '24 hours'
	    AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id))
	OR EXISTS (SELECT 1 FROM shifts s
	    WHERE s.volunteer_id = v.id AND s.ended_at - s.started_at > interval '24 hours'
	    AND s.id IS DISTINCT FROM p_except
	    AND s.started_at < coalesce(p_end, 'infinity') AND s.ended_at > p_start
	    AND NOT EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id))
	OR EXISTS (SELECT 1 FROM checkins k
	    WHERE k.volunteer_id = v.id AND k.closed_at IS NULL
	    AND k.id IS DISTINCT FROM p_except
	    AND k.started_at < coalesce(p_end, 'infinity')) THEN
		PERFORM vp_refuse(409, 'shift-overlap', format('Volunteer %s has '
		    'another shift or an open check-in at that time.', v.number));
	END IF;
END
$$;

-- The shifts longer than 24 hours, for vp_shift_check: none that vpoints
-- records, so this index stays empty.
CREATE INDEX shifts_longer_than_a_day ON shifts (volunteer_id)
	WHERE ended_at - started_at > interval '24 hours';

-- A shift as JSON. (003)
CREATE OR REPLACE FUNCTION vp_shift_json(s shifts) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN jsonb_strip_nulls(jsonb_build_object('id', s.id,
	    'volunteer', (SELECT number FROM volunteers WHERE id = s.volunteer_id),
	    'activity', (SELECT code FROM activities WHERE id = s.activity_id),
	    'activity_name', s.activity_name, 'place', s.place,
	    'served', s.served, 'content', s.content, 'lead', s.lead,
	    'started_at', s.started_at, 'ended_at', s.ended_at,
	    'minutes', s.minutes, 'points', s.points,
	    'station', (SELECT code FROM stations WHERE id = s.station_id),
	    'recorder', s.keyid, 'source', s.source,
	    'corrects', s.corrects, 'reason', s.reason,
	    'status', CASE WHEN EXISTS (SELECT 1 FROM shifts c WHERE c.corrects = s.id)
		THEN 'corrected' ELSE 'recorded' END,
	    'recorded_at', s.created_at));
END
$$;

-- A redemption as JSON; NULL when its station, volunteer or item is not
-- found, as before. (004)
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

-- Refuse a shift record that falls into a closed month: its own start,
-- or the start of the record it corrects. (005; a new record corrects
-- nothing, and its month is looked up alone: the one query for both
-- cases folded NEW.corrects into a custom plan on every insert.)
CREATE OR REPLACE FUNCTION vp_shift_month_open() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_month text;
	v_open text;
BEGIN
	-- Shared with other writers of the month, exclusive with its close.
	PERFORM pg_advisory_xact_lock_shared(8750,
	    hashtext('month ' || to_char(NEW.started_at, 'YYYY-MM')));
	IF NEW.corrects IS NULL THEN
		SELECT m.month INTO v_month FROM month_closes m
		WHERE m.month = to_char(NEW.started_at, 'YYYY-MM');
	ELSE
		SELECT m.month INTO v_month FROM month_closes m
		WHERE m.month IN (to_char(NEW.started_at, 'YYYY-MM'),
		    (SELECT to_char(o.started_at, 'YYYY-MM') FROM shifts o WHERE o.id = NEW.corrects));
	END IF;
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
