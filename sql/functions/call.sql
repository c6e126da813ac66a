-- vp_call, the one entry point through which the daemon runs every signed
-- operation; vp_read, through which it runs a read on a hot standby; the
-- steps they share (vp_auth, vp_session, vp_dispatch); and the pruning of
-- what they record.
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- The first step of every signed request, on the primary: check the key,
-- record the nonce. A refusal comes back as the status and the problem
-- body (status NULL: the key may act); lsn is the primary's WAL insert
-- position when the request got here, after every write committed
-- before it. A read served by a standby (vp_read) waits until the
-- standby has replayed up to lsn: it sees everything any caller had
-- written before this request arrived. The nonce is committed with this
-- transaction whatever follows, so a refused request cannot be replayed.
CREATE OR REPLACE FUNCTION vp_auth(p_keyid text, p_nonce text,
    OUT status integer, OUT body text, OUT log_text text, OUT lsn pg_lsn)
LANGUAGE plpgsql AS $$
DECLARE
	k station_keys;
BEGIN
	lsn := pg_current_wal_insert_lsn();
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
	END IF;
END
$$;

-- The caller a key signs for, and the settings of its transaction: dates,
-- days and months are those of the daemon's time zone (p_timezone);
-- history rows name the key; the daemon's rules (p_rules, see vp_call)
-- are set as vpoints.<name>. The key was checked by vp_auth.
CREATE OR REPLACE FUNCTION vp_session(p_keyid text, p_timezone text,
    p_rules jsonb) RETURNS vp_caller
LANGUAGE plpgsql AS $$
DECLARE
	caller vp_caller;
BEGIN
	SELECT k.keyid, s.id, s.code, s.role, s.community_id, s.region_id
	INTO caller
	FROM station_keys k JOIN stations s ON s.id = k.station_id
	WHERE k.keyid = p_keyid;
	-- One statement for every setting: each is a function call, each
	-- statement of PL/pgSQL an executor run.
	PERFORM set_config('timezone', p_timezone, true),
	    set_config('datestyle', 'ISO, YMD', true),
	    set_config('vpoints.keyid', p_keyid, true),
	    -- The date rules (vp_dated) read the caller's role.
	    set_config('vpoints.role', caller.role, true);
	-- The date rules (vp_dated), the no-show rule of sign-ups
	-- (events.sql) and the campaign's targets (record.sql) read the
	-- daemon's settings as vpoints.<name>.
	PERFORM set_config('vpoints.' || r.key, r.value, true)
	FROM jsonb_each_text(p_rules) r
	WHERE r.key IN ('programme_start', 'back_entry_days', 'noshow_limit',
	    'noshow_days', 'approval_target', 'recruitment_target');
	RETURN caller;
END
$$;

-- Run one operation for caller: the one list of operations, which vp_call
-- (on the primary) and vp_read (on a standby) share. A refusal
-- (vp_refuse) becomes its status and problem body, and so does a data or
-- constraint error no check of the operation caught, with the database's
-- own words in log_text for the daemon's log (vp_db_problem); either
-- undoes what the operation did.
--
-- The body is the answer's JSON text: an operation returns it as jsonb,
-- or as text when it builds its answer as text (row_to_json: a long list
-- costs about half what it does in jsonb; the ledger), and either is
-- kept as it came.
--
-- The CASE has one arm per operation of common/routes.h, in its order,
-- each calling vp_op_<operation> by name: PL/pgSQL keeps the plan of a
-- static call for the life of the connection, where EXECUTE would parse
-- and plan it on every request. tests/sql/routes.sql checks that the
-- arms, the functions and the routes agree.
CREATE OR REPLACE FUNCTION vp_dispatch(caller vp_caller, p_op text,
    p_args jsonb, OUT status integer, OUT body text, OUT log_text text)
LANGUAGE plpgsql AS $$
DECLARE
	v_body text;
	v_state text;
	v_msg text;
	v_detail text;
	v_members text;
BEGIN
	BEGIN
		CASE p_op
		WHEN 'community_add' THEN
			SELECT * INTO status, v_body FROM vp_op_community_add(caller, p_args);
		WHEN 'community_list' THEN
			SELECT * INTO status, v_body FROM vp_op_community_list(caller, p_args);
		WHEN 'station_add' THEN
			SELECT * INTO status, v_body FROM vp_op_station_add(caller, p_args);
		WHEN 'station_list' THEN
			SELECT * INTO status, v_body FROM vp_op_station_list(caller, p_args);
		WHEN 'station_key_add' THEN
			SELECT * INTO status, v_body FROM vp_op_station_key_add(caller, p_args);
		WHEN 'station_revoke' THEN
			SELECT * INTO status, v_body FROM vp_op_station_revoke(caller, p_args);
		WHEN 'activity_add' THEN
			SELECT * INTO status, v_body FROM vp_op_activity_add(caller, p_args);
		WHEN 'activity_list' THEN
			SELECT * INTO status, v_body FROM vp_op_activity_list(caller, p_args);
		WHEN 'team_add' THEN
			SELECT * INTO status, v_body FROM vp_op_team_add(caller, p_args);
		WHEN 'team_list' THEN
			SELECT * INTO status, v_body FROM vp_op_team_list(caller, p_args);
		WHEN 'team_join' THEN
			SELECT * INTO status, v_body FROM vp_op_team_join(caller, p_args);
		WHEN 'team_leave' THEN
			SELECT * INTO status, v_body FROM vp_op_team_leave(caller, p_args);
		WHEN 'volunteer_add' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_add(caller, p_args);
		WHEN 'volunteer_list' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_list(caller, p_args);
		WHEN 'volunteer_get' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_get(caller, p_args);
		WHEN 'volunteer_update' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_update(caller, p_args);
		WHEN 'volunteer_move' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_move(caller, p_args);
		WHEN 'volunteer_ledger' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_ledger(caller, p_args);
		WHEN 'volunteer_export' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_export(caller, p_args);
		WHEN 'duplicate_list' THEN
			SELECT * INTO status, v_body FROM vp_op_duplicate_list(caller, p_args);
		WHEN 'duplicate_resolve' THEN
			SELECT * INTO status, v_body FROM vp_op_duplicate_resolve(caller, p_args);
		WHEN 'shift_log' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_log(caller, p_args);
		WHEN 'shift_list' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_list(caller, p_args);
		WHEN 'shift_checkin' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_checkin(caller, p_args);
		WHEN 'shift_checkout' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_checkout(caller, p_args);
		WHEN 'shift_correct' THEN
			SELECT * INTO status, v_body FROM vp_op_shift_correct(caller, p_args);
		WHEN 'checkin_list' THEN
			SELECT * INTO status, v_body FROM vp_op_checkin_list(caller, p_args);
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
		WHEN 'help_list' THEN
			SELECT * INTO status, v_body FROM vp_op_help_list(caller, p_args);
		WHEN 'help_accept' THEN
			SELECT * INTO status, v_body FROM vp_op_help_accept(caller, p_args);
		WHEN 'help_complete' THEN
			SELECT * INTO status, v_body FROM vp_op_help_complete(caller, p_args);
		WHEN 'help_cancel' THEN
			SELECT * INTO status, v_body FROM vp_op_help_cancel(caller, p_args);
		WHEN 'audit' THEN
			SELECT * INTO status, v_body FROM vp_op_audit(caller, p_args);
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
		WHEN 'training_add' THEN
			SELECT * INTO status, v_body FROM vp_op_training_add(caller, p_args);
		WHEN 'training_list' THEN
			SELECT * INTO status, v_body FROM vp_op_training_list(caller, p_args);
		WHEN 'training_attend' THEN
			SELECT * INTO status, v_body FROM vp_op_training_attend(caller, p_args);
		WHEN 'qualification_grant' THEN
			SELECT * INTO status, v_body FROM vp_op_qualification_grant(caller, p_args);
		WHEN 'qualification_list' THEN
			SELECT * INTO status, v_body FROM vp_op_qualification_list(caller, p_args);
		WHEN 'award_add' THEN
			SELECT * INTO status, v_body FROM vp_op_award_add(caller, p_args);
		WHEN 'award_list' THEN
			SELECT * INTO status, v_body FROM vp_op_award_list(caller, p_args);
		WHEN 'award_correct' THEN
			SELECT * INTO status, v_body FROM vp_op_award_correct(caller, p_args);
		WHEN 'evaluation_add' THEN
			SELECT * INTO status, v_body FROM vp_op_evaluation_add(caller, p_args);
		WHEN 'evaluation_list' THEN
			SELECT * INTO status, v_body FROM vp_op_evaluation_list(caller, p_args);
		WHEN 'evaluation_reverse' THEN
			SELECT * INTO status, v_body FROM vp_op_evaluation_reverse(caller, p_args);
		WHEN 'import_volunteers' THEN
			SELECT * INTO status, v_body FROM vp_op_import_volunteers(caller, p_args);
		WHEN 'import_shifts' THEN
			SELECT * INTO status, v_body FROM vp_op_import_shifts(caller, p_args);
		WHEN 'export_national' THEN
			SELECT * INTO status, v_body FROM vp_op_export_national(caller, p_args);
		WHEN 'event_add' THEN
			SELECT * INTO status, v_body FROM vp_op_event_add(caller, p_args);
		WHEN 'event_list' THEN
			SELECT * INTO status, v_body FROM vp_op_event_list(caller, p_args);
		WHEN 'event_get' THEN
			SELECT * INTO status, v_body FROM vp_op_event_get(caller, p_args);
		WHEN 'event_cancel' THEN
			SELECT * INTO status, v_body FROM vp_op_event_cancel(caller, p_args);
		WHEN 'signup_add' THEN
			SELECT * INTO status, v_body FROM vp_op_signup_add(caller, p_args);
		WHEN 'signup_list' THEN
			SELECT * INTO status, v_body FROM vp_op_signup_list(caller, p_args);
		WHEN 'signup_cancel' THEN
			SELECT * INTO status, v_body FROM vp_op_signup_cancel(caller, p_args);
		WHEN 'volunteer_unblock' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_unblock(caller, p_args);
		WHEN 'volunteer_link' THEN
			SELECT * INTO status, v_body FROM vp_op_volunteer_link(caller, p_args);
		WHEN 'station_link' THEN
			SELECT * INTO status, v_body FROM vp_op_station_link(caller, p_args);
		WHEN 'report_events' THEN
			SELECT * INTO status, v_body FROM vp_op_report_events(caller, p_args);
		WHEN 'region_add' THEN
			SELECT * INTO status, v_body FROM vp_op_region_add(caller, p_args);
		WHEN 'region_list' THEN
			SELECT * INTO status, v_body FROM vp_op_region_list(caller, p_args);
		WHEN 'region_rename' THEN
			SELECT * INTO status, v_body FROM vp_op_region_rename(caller, p_args);
		WHEN 'region_move' THEN
			SELECT * INTO status, v_body FROM vp_op_region_move(caller, p_args);
		WHEN 'region_levels_set' THEN
			SELECT * INTO status, v_body FROM vp_op_region_levels_set(caller, p_args);
		WHEN 'community_place' THEN
			SELECT * INTO status, v_body FROM vp_op_community_place(caller, p_args);
		ELSE
			RAISE EXCEPTION 'vp_dispatch: unknown operation %', p_op;
		END CASE;
	EXCEPTION
	WHEN SQLSTATE 'VP000' THEN
		GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE,
		    v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL,
		    v_members = PG_EXCEPTION_HINT;
		status := substr(v_state, 3)::integer;
		-- vp_refuse's members travel as the HINT (base.sql).
		v_body := vp_problem(status, v_msg, v_detail,
		    nullif(v_members, '')::jsonb)::text;
	WHEN data_exception OR integrity_constraint_violation THEN
		-- A value no check of the operation caught: the client gets its
		-- class, the daemon's log the database's words.
		GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE,
		    v_msg = MESSAGE_TEXT;
		SELECT p.status, p.body INTO status, v_body FROM vp_db_problem(v_state) p;
		log_text := format('%s: %s (SQLSTATE %s)', p_op, v_msg, v_state);
	END;
	body := v_body;
END
$$;

-- Run one signed operation in one transaction: check the key, record the
-- nonce (vp_auth), honour the Idempotency-Key (writes), run the operation
-- (vp_dispatch), store its outcome. A refused operation changes nothing
-- but the nonce record (so a refused request cannot be replayed later)
-- and, for writes, the stored outcome. Returns the HTTP status and the
-- JSON body, and in log_text what the daemon logs and never sends: the
-- database's own words for an error it mapped to a problem type
-- (vp_db_problem).
--
-- p_rules holds the date rules of the daemon's configuration,
-- {"programme_start": "YYYY-MM-DD", "back_entry_days": N, "noshow_limit":
-- N, "noshow_days": N}, and the campaign's targets, {"approval_target":
-- percent, "recruitment_target": N}; a member left
-- out keeps the session's setting (vpoints.programme_start,
-- vpoints.back_entry_days), or else its default (sql/functions/months.sql).
CREATE OR REPLACE FUNCTION vp_call(p_keyid text, p_nonce text, p_op text,
    p_idem_key text, p_fingerprint text, p_args jsonb, p_timezone text,
    p_rules jsonb DEFAULT NULL,
    OUT status integer, OUT body text, OUT log_text text)
LANGUAGE plpgsql AS $$
DECLARE
	caller vp_caller;
	r idempotency;
BEGIN
	SELECT a.status, a.body INTO status, body
	FROM vp_auth(p_keyid, p_nonce) a;
	IF status IS NOT NULL THEN
		RETURN;
	END IF;
	-- A read writes nothing but its nonce: its commit does not wait for
	-- the flush (it is on disk within wal_writer_delay). A crash in that
	-- moment may forget the nonces of the last reads, so a read signed
	-- then could be answered once more, within its signature's five
	-- minutes, to whoever holds its bytes; in exchange a read is not
	-- queued behind the writes' flushes (doc/performance.md). Every
	-- write has an Idempotency-Key (the daemon refuses one without),
	-- and commits durably.
	IF p_idem_key IS NULL THEN
		PERFORM set_config('synchronous_commit', 'off', true);
	END IF;
	caller := vp_session(p_keyid, p_timezone, p_rules);
	-- Every write but a close holds the months lock shared.
	IF p_idem_key IS NOT NULL AND p_op <> 'month_close' THEN
		PERFORM vp_months_enter();
	END IF;

	IF p_idem_key IS NOT NULL THEN
		-- An Idempotency-Key is the station's, whichever of its keys
		-- signs: a request retried with the key that replaced the
		-- one it was first sent with is the same request.
		IF NOT pg_try_advisory_xact_lock(hashtextextended(
		    caller.station_id || ' ' || p_idem_key, 8750)) THEN
			status := 409;
			body := vp_problem(409, 'request-in-flight', 'A request '
			    'with this Idempotency-Key is still being processed; '
			    'retry shortly.')::text;
			RETURN;
		END IF;
		SELECT * INTO r FROM idempotency i
		WHERE i.keyid IN (SELECT keyid FROM station_keys
		    WHERE station_id = caller.station_id)
		AND i.idem_key = p_idem_key;
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

	SELECT d.status, d.body, d.log_text INTO status, body, log_text
	FROM vp_dispatch(caller, p_op, p_args) d;
	IF p_idem_key IS NOT NULL THEN
		INSERT INTO idempotency (keyid, idem_key, fingerprint, status,
		    body, volunteer_id)
		VALUES (p_keyid, p_idem_key, p_fingerprint, status, body,
		    nullif(current_setting('vpoints.volunteer', true), '')::bigint);
	END IF;
END
$$;

-- Run one read that may lag (WIRE_LAGGED in common/routes.h) on a hot
-- standby, or on the primary when no standby answers, after vp_auth
-- checked its key and recorded its nonce on the primary and gave p_lsn.
-- On a standby that has not replayed the primary's WAL up to p_lsn yet
-- nothing runs and status is NULL: the daemon asks again, or asks the
-- primary. The transaction is read-only wherever it runs, so a read
-- served by the primary behaves as it would on a standby. Arguments and
-- answer as vp_call's.
CREATE OR REPLACE FUNCTION vp_read(p_keyid text, p_lsn pg_lsn, p_op text,
    p_args jsonb, p_timezone text, p_rules jsonb DEFAULT NULL,
    OUT status integer, OUT body text, OUT log_text text)
LANGUAGE plpgsql AS $$
DECLARE
	caller vp_caller;
BEGIN
	IF pg_is_in_recovery() AND
	    coalesce(pg_last_wal_replay_lsn() < p_lsn, true) THEN
		RETURN;
	END IF;
	PERFORM set_config('transaction_read_only', 'on', true);
	caller := vp_session(p_keyid, p_timezone, p_rules);
	SELECT d.status, d.body, d.log_text INTO status, body, log_text
	FROM vp_dispatch(caller, p_op, p_args) d;
END
$$;

-- Forget nonces older than any acceptable signature and idempotency
-- records older than 25 hours. Returns the rows removed.
CREATE OR REPLACE FUNCTION vp_prune() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	a bigint;
	b bigint;
BEGIN
	DELETE FROM request_nonces WHERE seen_at < now() - interval '10 minutes';
	GET DIAGNOSTICS a = ROW_COUNT;
	DELETE FROM idempotency WHERE created_at < now() - interval '25 hours';
	GET DIAGNOSTICS b = ROW_COUNT;
	RETURN a + b;
END
$$;
