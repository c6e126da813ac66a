-- Closing a month: its community-level report is digested and signed,
-- and its shifts can no longer be recorded or corrected.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- Refuse a shift record that falls into a closed month: its own start,
-- or the start of the record it corrects. (A new record corrects nothing,
-- and its month is looked up alone: one query for both cases would fold
-- NEW.corrects into a custom plan on every insert.)
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

-- Every shift record written passes the check.
CREATE OR REPLACE TRIGGER shifts_month_open BEFORE INSERT ON shifts
	FOR EACH ROW EXECUTE FUNCTION vp_shift_month_open();

-- POST /v1/months/{month}/close (admin). The daemon signs the payload and
-- stores the JWS with vp_month_close_sign.
CREATE OR REPLACE FUNCTION vp_op_month_close(caller vp_caller, args jsonb,
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
CREATE OR REPLACE FUNCTION vp_month_close_sign(p_month text, p_jws text) RETURNS void
LANGUAGE sql AS $$
	UPDATE month_closes SET jws = p_jws WHERE month = p_month AND jws IS NULL
$$;

-- GET /v1/months
CREATE OR REPLACE FUNCTION vp_op_month_list(caller vp_caller, args jsonb,
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
