-- Closing a month, and the date rules of every dated record. A closed
-- month's community-level report is digested and signed; nothing dated
-- before its end can be recorded or changed any more (vp_dated, from a
-- trigger on each table of dated records), and what has no date of its
-- own is read as it stood at the close (vp_settled_at, in reports.sql).
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- The settings of the date rules in this transaction: vp_call sets them
-- from the daemon's configuration (programme_start, back_entry_days);
-- other callers (the daemon's chores, psql) get the same defaults.
--
-- The first day a record may be dated.
CREATE OR REPLACE FUNCTION vp_programme_start() RETURNS date
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce(nullif(current_setting('vpoints.programme_start', true),
	    '')::date, date '2000-01-01');
END
$$;

-- How many days before today a station key may date a record.
CREATE OR REPLACE FUNCTION vp_back_entry_days() RETURNS integer
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN coalesce(nullif(current_setting('vpoints.back_entry_days', true),
	    '')::integer, 31);
END
$$;

-- The months lock: every write holds it shared for its whole transaction,
-- and closing a month holds it exclusively. So a close waits for the
-- writes in progress, and a write that waited for a close starts again
-- (SQLSTATE 40001: the daemon runs it again), as a new transaction that
-- sees the close. Hence: a write is in a closed month's report exactly
-- when its transaction's time (now(), which every row it writes carries)
-- is before the close's closed_at. For vp_call's writes.
CREATE OR REPLACE FUNCTION vp_months_enter() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT pg_try_advisory_xact_lock_shared(8750, hashtext('months')) THEN
		PERFORM pg_advisory_xact_lock_shared(8750, hashtext('months'));
		RAISE EXCEPTION 'a month was closed meanwhile; run again'
		    USING ERRCODE = 'serialization_failure';
	END IF;
	-- A close that began and committed between this transaction's start
	-- and the lock (closed_at after now(), and not ahead of the clock,
	-- which a clock set back would make it), unless this transaction
	-- closed it (psql, tests: several operations in one transaction).
	IF current_setting('vpoints.closing', true) IS DISTINCT FROM 'on'
	    AND EXISTS (SELECT 1 FROM month_closes
	    WHERE closed_at > now() AND closed_at <= clock_timestamp()) THEN
		RAISE EXCEPTION 'a month was closed meanwhile; run again'
		    USING ERRCODE = 'serialization_failure';
	END IF;
END
$$;

-- The latest closed month and where it ends: at midnight in this time
-- zone, or later where its close's zone says so (a close since 023
-- stored its rows in that zone, and reports read the year to its end
-- from them: vp_report_base). So a writer in a zone to the east cannot
-- date a record into the month's last hours as its close counted them.
-- No row while no month is closed. SQL, for vp_dated and vp_dated_from
-- to inline: the planner folds it into their query.
CREATE OR REPLACE FUNCTION vp_closed_month()
RETURNS TABLE (month text, ends timestamptz)
LANGUAGE sql STABLE AS $$
	SELECT c.month, greatest(
	    (c.month || '-01')::date::timestamptz + interval '1 month',
	    ((c.month || '-01')::date + interval '1 month')::timestamp
		AT TIME ZONE m.timezone)
	FROM month_closes c LEFT JOIN month_reports m ON m.month = c.month
	ORDER BY c.month DESC LIMIT 1
$$;

-- Refuse a record dated p_at (p_field names the date in the detail) that
-- the date rules forbid, in this order (doc/api.md, "Dates"):
-- before the programme's start; in the future; before the end of the
-- latest closed month (for every key: the months up to it are settled);
-- for a station key, before the back-entry window (today and the
-- back_entry_days before it). Every write of a dated record passes here,
-- from the triggers below.
CREATE OR REPLACE FUNCTION vp_dated(p_at timestamptz, p_field text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	v_start date := vp_programme_start();
	v_latest text;
	v_open timestamptz;
	v_from date;
BEGIN
	PERFORM pg_advisory_xact_lock_shared(8750, hashtext('months'));
	IF p_at < v_start::timestamptz THEN
		PERFORM vp_refuse(422, 'date-before-start', format('%s (%s) is '
		    'before the programme''s start, %s.', p_field,
		    to_char(p_at, 'YYYY-MM-DD'), v_start),
		    jsonb_build_object('field', btrim(p_field, '"'),
		    'date', to_char(p_at, 'YYYY-MM-DD'), 'programme_start', v_start));
	END IF;
	IF p_at > now() + interval '60 seconds' THEN
		PERFORM vp_refuse(422, 'date-in-future', format('%s (%s) is in '
		    'the future.', p_field, to_char(p_at, 'YYYY-MM-DD')),
		    jsonb_build_object('field', btrim(p_field, '"'),
		    'date', to_char(p_at, 'YYYY-MM-DD')));
	END IF;
	SELECT c.month, c.ends INTO v_latest, v_open FROM vp_closed_month() c;
	IF v_latest IS NOT NULL THEN
		IF p_at < v_open THEN
			PERFORM vp_refuse(409, 'month-closed', format('%s is closed: '
			    'nothing dated before %s can be recorded or changed. The '
			    'open month is %s.', v_latest, to_char(v_open, 'YYYY-MM-DD'),
			    to_char(v_open, 'YYYY-MM')),
			    jsonb_build_object('field', btrim(p_field, '"'),
			    'date', to_char(p_at, 'YYYY-MM-DD'), 'closed_month', v_latest,
			    'open_month', to_char(v_open, 'YYYY-MM'),
			    'open_from', to_char(v_open, 'YYYY-MM-DD')));
		END IF;
	END IF;
	IF current_setting('vpoints.role', true) = 'station' THEN
		v_from := current_date - vp_back_entry_days();
		IF p_at < v_from::timestamptz THEN
			PERFORM vp_refuse(403, 'back-entry-window', format('%s (%s) '
			    'is too far back: a station key records dates from %s '
			    'on (%s days back); an admin key can record earlier '
			    'ones, back to %s.', p_field, to_char(p_at, 'YYYY-MM-DD'),
			    v_from, vp_back_entry_days(),
			    greatest(v_start, v_open::date)),
			    jsonb_build_object('field', btrim(p_field, '"'),
			    'date', to_char(p_at, 'YYYY-MM-DD'), 'earliest', v_from,
			    'back_entry_days', vp_back_entry_days(),
			    'admin_earliest', greatest(v_start, v_open::date)));
		END IF;
	END IF;
END
$$;

-- The earliest time vp_dated lets this transaction date a record: the
-- programme's start, the end of the latest closed month and, for a
-- station key, the back-entry window. (A record is also never in the
-- future.) For checks of many records at once (sql/functions/
-- import.sql), which send a record outside these bounds to vp_dated to
-- be refused; a rule added to vp_dated is added here too.
CREATE OR REPLACE FUNCTION vp_dated_from() RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_from timestamptz := vp_programme_start()::timestamptz;
BEGIN
	v_from := greatest(v_from, (SELECT c.ends FROM vp_closed_month() c));
	IF current_setting('vpoints.role', true) = 'station' THEN
		v_from := greatest(v_from,
		    (current_date - vp_back_entry_days())::timestamptz);
	END IF;
	RETURN v_from;
END
$$;

-- Shifts: the record's start, and the start of the record it corrects.
-- (A new record corrects nothing, and its date is checked alone: one
-- query for both cases would fold NEW.corrects into a custom plan on
-- every insert.)
CREATE OR REPLACE FUNCTION vp_shift_month_open() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_dated(NEW.started_at, '"started_at"');
	IF NEW.corrects IS NOT NULL THEN
		PERFORM vp_dated((SELECT o.started_at FROM shifts o
		    WHERE o.id = NEW.corrects), 'The corrected shift''s start');
	END IF;
	RETURN NEW;
END
$$;

-- Not for the shifts an import checked as a set, whose dates it checked
-- against the same rules at once (vp_import_shifts_set, which sets
-- vpoints.set_path around their one INSERT).
CREATE OR REPLACE TRIGGER shifts_month_open BEFORE INSERT ON shifts
	FOR EACH ROW
	WHEN (current_setting('vpoints.set_path', true) IS DISTINCT FROM 'on')
	EXECUTE FUNCTION vp_shift_month_open();

-- Check-ins: their start (a check-out records a shift of that start).
CREATE OR REPLACE FUNCTION vp_checkin_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_dated(NEW.started_at, '"started_at"');
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER checkins_dated BEFORE INSERT ON checkins
	FOR EACH ROW EXECUTE FUNCTION vp_checkin_dated();

-- Volunteers: the date of registration, and the one a change replaces
-- (registered counts by it in every month after it).
CREATE OR REPLACE FUNCTION vp_volunteer_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF NEW.registered_on IS NOT DISTINCT FROM OLD.registered_on THEN
			RETURN NEW;
		END IF;
		PERFORM vp_dated(OLD.registered_on::timestamptz,
		    'The "registered_on" it replaces');
	END IF;
	PERFORM vp_dated(NEW.registered_on::timestamptz, '"registered_on"');
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER volunteers_dated BEFORE INSERT OR UPDATE OF registered_on
	ON volunteers FOR EACH ROW EXECUTE FUNCTION vp_volunteer_dated();

-- Voids: the time of the redemption voided (its units and points count
-- in its month).
CREATE OR REPLACE FUNCTION vp_void_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_dated((SELECT r.at FROM redemptions r
	    WHERE r.id = NEW.redemption_id), 'The redemption''s time');
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER redemption_voids_dated BEFORE INSERT ON redemption_voids
	FOR EACH ROW EXECUTE FUNCTION vp_void_dated();

-- Communities a closed month's report lists keep their code, name and
-- population (the base of its registration share).
CREATE OR REPLACE FUNCTION vp_community_settled() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_month text;
BEGIN
	IF (NEW.code, NEW.name, NEW.population)
	    IS NOT DISTINCT FROM (OLD.code, OLD.name, OLD.population) THEN
		RETURN NEW;
	END IF;
	SELECT max(m.month) INTO v_month FROM month_closes m
	WHERE m.closed_at > OLD.created_at;
	IF v_month IS NOT NULL THEN
		PERFORM vp_refuse(409, 'month-closed', format('The report of '
		    'closed month %s lists community %s: its code, name and '
		    'population no longer change.', v_month, OLD.code),
		    jsonb_build_object('month', v_month, 'community',
		    OLD.code));
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER communities_settled BEFORE UPDATE ON communities
	FOR EACH ROW EXECUTE FUNCTION vp_community_settled();

-- Every change to the star levels is kept with its time: a closed month's
-- report uses the levels of its close (vp_star_steps).
CREATE OR REPLACE FUNCTION vp_star_levels_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO star_level_sets (hours)
	SELECT array_agg(hours ORDER BY stars) FROM star_levels
	HAVING count(*) > 0;
	RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER star_levels_kept AFTER INSERT OR UPDATE OR DELETE
	ON star_levels FOR EACH STATEMENT EXECUTE FUNCTION vp_star_levels_kept();

-- The time from which a report of the period ending at p_to reads the
-- ledger as it stood: the close of its last month, or of a later month
-- closed before it (which settled it too); NULL while the period is open.
CREATE OR REPLACE FUNCTION vp_settled_at(p_to timestamptz) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT min(m.closed_at) FROM month_closes m
	    WHERE m.month >= to_char(p_to - interval '1 day', 'YYYY-MM'));
END
$$;

-- Store what the reports of closed month p_month read instead of
-- computing it again (vp_report_stored, in reports.sql), in the close's
-- transaction: p_report's community rows (the city's community level,
-- which the close digests) and the city's volunteer level as
-- vp_report_volunteers computes it, in the time zone of the close, with
-- whether each crossed a star level in the month (by the levels a report
-- of it uses, vp_star_steps at vp_settled_at: the close's). Both
-- are what the computation gives now and would give again: nothing they
-- read changes once the month is closed (vp_settled_at). They hold no
-- name: a report joins the name it shows when it is read.
CREATE OR REPLACE FUNCTION vp_month_store(p_month text, p_report jsonb)
RETURNS void
LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan
SET jit = off
AS $$
DECLARE
	v_from timestamptz;
	v_to timestamptz;
	v_steps record;
BEGIN
	SELECT * INTO v_from, v_to FROM vp_report_period('monthly', p_month);
	SELECT * INTO v_steps FROM vp_star_steps(vp_settled_at(v_to));
	INSERT INTO month_reports (month, timezone)
	VALUES (p_month, current_setting('timezone'));
	INSERT INTO month_report_communities (month, community_id, row)
	SELECT p_month, c.id, r.row
	FROM jsonb_array_elements(p_report -> 'rows') r(row)
	JOIN communities c ON c.code = r.row ->> 'code';
	INSERT INTO month_report_volunteers (month, number, volunteer_id,
	    community_id, minutes, shifts, minutes_ytd, minutes_before,
	    minutes_total, points_earned, points_spent, balance,
	    registered_by_end, new_stars)
	SELECT p_month, r.number, r.volunteer_id, r.community_id, r.minutes,
	    r.shifts, r.minutes_ytd, r.minutes_before, r.minutes_total,
	    r.points_earned, r.points_spent, r.balance, r.registered_by_end,
	    vp_stars_in(r.minutes_total, v_steps.minutes, v_steps.stars)
		> vp_stars_in(r.minutes_before, v_steps.minutes, v_steps.stars)
	FROM vp_report_volunteers(v_from, v_to, NULL, false) r
	ORDER BY r.number;	-- the primary key's pages filled in order
	-- The reports that follow the close at once are planned for these
	-- rows (a page by index, not a sort of the whole month's), not for
	-- a table autovacuum has not seen yet.
	ANALYZE month_report_volunteers;
END
$$;

-- POST /v1/months/{month}/close (admin). The daemon signs the payload and
-- stores the JWS with vp_month_close_sign.
CREATE OR REPLACE FUNCTION vp_op_month_close(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	v_month text := vp_text(args, 'month', 7);
	v_end timestamptz;
	v_closed_at timestamptz;
	v_report jsonb;
	v_digest text;
	v_payload jsonb;
BEGIN
	PERFORM vp_require_admin(caller);
	IF v_month !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
		PERFORM vp_refuse(422, 'invalid-field', '"month" must be YYYY-MM',
		    jsonb_build_object('field', 'month', 'reason', 'format',
		    'format', 'YYYY-MM'));
	END IF;
	-- Wait for the writes in progress; hold off new ones until the close
	-- commits (vp_months_enter).
	PERFORM pg_advisory_xact_lock(8750, hashtext('months'));
	PERFORM set_config('vpoints.closing', 'on', true);
	IF EXISTS (SELECT 1 FROM month_closes WHERE month = v_month) THEN
		PERFORM vp_refuse(409, 'month-closed',
		    format('%s is closed already.', v_month),
		    jsonb_build_object('month', v_month));
	END IF;
	v_end := (v_month || '-01')::date::timestamptz + interval '1 month';
	IF v_end > now() THEN
		PERFORM vp_refuse(409, 'month-not-over',
		    format('%s is not over yet.', v_month),
		    jsonb_build_object('month', v_month));
	END IF;
	-- Their check-out would be a shift of a settled month, refused.
	IF EXISTS (SELECT 1 FROM checkins WHERE closed_at IS NULL
	    AND started_at < v_end) THEN
		PERFORM vp_refuse(409, 'checkins-open', format('Check-ins that '
		    'started before %s are still open (%s): check them out first.',
		    to_char(v_end, 'YYYY-MM-DD'), (SELECT string_agg(k.id::text,
			', ' ORDER BY k.id) FROM checkins k
			WHERE k.closed_at IS NULL AND k.started_at < v_end)),
			    jsonb_build_object('month', v_month,
			    'before', to_char(v_end, 'YYYY-MM-DD'), 'checkins', (SELECT
			    jsonb_agg(k.id ORDER BY k.id) FROM checkins k
			    WHERE k.closed_at IS NULL AND k.started_at < v_end)));
	END IF;
	-- The close's time, after every write it sees committed: the report
	-- reads the ledger as it stood then (vp_settled_at), now and when it
	-- is computed again.
	v_closed_at := clock_timestamp();
	INSERT INTO month_closes (month, closed_at, keyid, digest, payload)
	VALUES (v_month, v_closed_at, caller.keyid, '', '');
	v_report := vp_report('monthly', v_month, 'community', NULL, NULL);
	v_digest := encode(sha256(convert_to(v_report::text, 'UTF8')), 'hex');
	v_payload := jsonb_build_object('month', v_month, 'digest', v_digest,
	    'closed_at', date_trunc('second', v_closed_at));
	UPDATE month_closes SET digest = v_digest, payload = v_payload::text
	WHERE month = v_month;
	PERFORM vp_month_store(v_month, v_report);
	INSERT INTO admin_actions (keyid, action, subject, detail)
	VALUES (caller.keyid, 'month-close', v_month, v_payload);
	status := 201;
	body := v_payload || jsonb_build_object('payload', v_payload::text);
END
$$;

-- The oldest close whose JWS was never stored (the daemon that closed it
-- stopped between the close's commit and its JWS's, and no retry came),
-- with the payload to sign: the daemons' chores sign it
-- (vp_month_close_sign).
CREATE OR REPLACE FUNCTION vp_month_unsigned(OUT month text, OUT payload text)
LANGUAGE sql STABLE AS $$
	SELECT c.month, c.payload FROM month_closes c
	WHERE c.jws IS NULL AND c.payload <> ''
	ORDER BY c.month LIMIT 1
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

-- A month's close is kept as it was signed: vp_op_month_close makes its
-- row with an empty digest and payload and gives it them in the same
-- transaction, and vp_month_close_sign adds its JWS once; nothing else
-- changes, and no close goes (its month would open again).
CREATE OR REPLACE FUNCTION vp_month_close_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.month = OLD.month
	    AND NEW.closed_at = OLD.closed_at AND NEW.keyid = OLD.keyid
	    AND ((OLD.digest = '' AND OLD.payload = '' AND OLD.jws IS NULL
		AND NEW.jws IS NULL)
	    OR (NEW.digest = OLD.digest AND NEW.payload = OLD.payload
		AND OLD.jws IS NULL)) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION '% keeps a close as it was signed: % refused',
	    TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE TRIGGER month_closes_kept BEFORE UPDATE OR DELETE
	ON month_closes FOR EACH ROW EXECUTE FUNCTION vp_month_close_guard();
CREATE OR REPLACE TRIGGER month_closes_no_truncate BEFORE TRUNCATE
	ON month_closes FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();
-- A close's stored rows (vp_month_store) are what its reports serve,
-- against the signed digest: none changes or goes once written.
CREATE OR REPLACE TRIGGER month_reports_append_only BEFORE UPDATE OR DELETE
	ON month_reports FOR EACH ROW EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER month_reports_no_truncate BEFORE TRUNCATE
	ON month_reports FOR EACH STATEMENT EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER month_report_communities_append_only BEFORE UPDATE
	OR DELETE ON month_report_communities FOR EACH ROW
	EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER month_report_communities_no_truncate BEFORE TRUNCATE
	ON month_report_communities FOR EACH STATEMENT
	EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER month_report_volunteers_append_only BEFORE UPDATE
	OR DELETE ON month_report_volunteers FOR EACH ROW
	EXECUTE FUNCTION vp_append_only();
CREATE OR REPLACE TRIGGER month_report_volunteers_no_truncate BEFORE TRUNCATE
	ON month_report_volunteers FOR EACH STATEMENT
	EXECUTE FUNCTION vp_append_only();
