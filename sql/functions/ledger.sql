-- The ledger: transfers between accounts (double entry), the accounts
-- made on first use, a volunteer's ledger, and the audit of every
-- invariant (sql/migrations/008_baseline.sql lists them).
--
-- A function file of sql/functions/: re-run as a whole whenever it
-- changes, so every statement is CREATE OR REPLACE (see sql/README.md).

-- Move points: one transfer row and both balances, in the caller's
-- transaction (one UPDATE for both accounts). The transfer names what
-- caused it: a shift, a reversed transfer, a redemption, a help request
-- or a volunteer's move to another community ('move-out', 'move-in').
-- A shift's points count in reports at the shift's start, and so does
-- their reversal (value_at, sql/migrations/015_service_record.sql); the
-- others when they are made.
CREATE OR REPLACE FUNCTION vp_transfer(p_from bigint, p_to bigint, p_amount bigint,
    p_cause text, p_shift bigint, p_reversal_of bigint, p_memo text,
    p_redemption bigint DEFAULT NULL, p_help bigint DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
	v_value_at timestamptz;
BEGIN
	UPDATE accounts SET balance = balance +
	    CASE WHEN id = p_to THEN p_amount ELSE -p_amount END
	WHERE id IN (p_from, p_to);
	-- Separate statements, not a CASE in the INSERT: a CASE on p_cause
	-- makes the planner prefer a plan made for each call's values, and
	-- plan the INSERT again at every call.
	IF p_cause = 'shift' THEN
		SELECT s.started_at INTO v_value_at FROM shifts s
		WHERE s.id = p_shift;
	ELSIF p_cause = 'reversal' THEN
		SELECT o.value_at INTO v_value_at FROM transfers o
		WHERE o.id = p_reversal_of;
	END IF;
	INSERT INTO transfers (from_account, to_account, amount, cause,
	    shift_id, reversal_of, keyid, memo, redemption_id, help_request_id,
	    value_at)
	VALUES (p_from, p_to, p_amount, p_cause, p_shift, p_reversal_of,
	    nullif(current_setting('vpoints.keyid', true), ''), p_memo,
	    p_redemption, p_help, v_value_at)
	RETURNING id INTO v_id;
	RETURN v_id;
END
$$;

-- Award the points of new shifts at once, as vp_shift_record does one by
-- one through vp_transfer: a transfer for each shift with points, from
-- its community's issuance account (the part its volunteer draws on,
-- vp_issuance_part) to its volunteer's, valued at the shift's start;
-- and each account's balance moved once by the sum of its transfers (one
-- UPDATE, whatever the number of shifts). p_shifts: the
-- shifts just written, as their INSERT returned them. For the batches
-- of vpoints import (sql/functions/import.sql), which has locked the
-- existing parts in one order first: a change to how a shift's points
-- move is made here too.
CREATE OR REPLACE FUNCTION vp_shift_awards(p_shifts shifts[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	-- The issuance accounts first, in a statement of their own: one
	-- made here must be there for the UPDATE below to see.
	PERFORM vp_issuance_account(c.community_id, c.part)
	FROM (SELECT DISTINCT s.community_id,
	    vp_issuance_part(s.volunteer_id) AS part
	    FROM unnest(p_shifts) s) c;
	WITH t AS (
		INSERT INTO transfers (from_account, to_account, amount, cause,
		    shift_id, keyid, value_at)
		SELECT i.id, a.id, s.points, 'shift', s.id,
		    nullif(current_setting('vpoints.keyid', true), ''),
		    s.started_at
		FROM unnest(p_shifts) s
		JOIN accounts a ON a.volunteer_id = s.volunteer_id
		JOIN accounts i ON i.community_id = s.community_id
		    AND i.kind = 'issuance'
		    AND i.part = vp_issuance_part(s.volunteer_id)
		WHERE s.points > 0
		ORDER BY s.id
		RETURNING from_account, to_account, amount)
	UPDATE accounts a SET balance = a.balance + d.delta
	FROM (SELECT x.account, sum(x.delta) AS delta
	    FROM (SELECT to_account, amount FROM t
		UNION ALL
		SELECT from_account, -amount FROM t) x(account, delta)
	    GROUP BY x.account) d
	WHERE a.id = d.account;
END
$$;

-- How many parts a community's issuance account is spread over: a shift
-- updates one part's balance and holds its row until it commits, so two
-- shifts of one community wait for each other only when their volunteers
-- choose the same part (1 in 16). Raising it spreads further; lowering it
-- leaves the parts above unused, with their balances.
CREATE OR REPLACE FUNCTION vp_issuance_parts() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT 16
$$;

-- The part of the issuance account a volunteer's shifts draw on.
CREATE OR REPLACE FUNCTION vp_issuance_part(p_volunteer bigint) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT (p_volunteer % vp_issuance_parts())::integer
$$;

-- A part of the issuance account of a community, made on first use
-- (sql/migrations/021_shift_write.sql).
CREATE OR REPLACE FUNCTION vp_issuance_account(p_community bigint,
    p_part integer DEFAULT 0) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	SELECT id INTO v_id FROM accounts
	WHERE community_id = p_community AND kind = 'issuance' AND part = p_part;
	IF NOT FOUND THEN
		INSERT INTO accounts (kind, community_id, part)
		VALUES ('issuance', p_community, p_part)
		ON CONFLICT DO NOTHING RETURNING id INTO v_id;
		IF v_id IS NULL THEN
			SELECT id INTO v_id FROM accounts
			WHERE community_id = p_community AND kind = 'issuance'
			AND part = p_part;
		END IF;
	END IF;
	RETURN v_id;
END
$$;

-- The system account of a community (escrow, p_station NULL) or of a
-- station, or NULL. A station's is found by its station (a unique
-- index), the others apart: one query with "station_id IS NOT DISTINCT
-- FROM p_station" can use no index in a plan kept for every value, so it
-- was planned again at every redemption.
CREATE OR REPLACE FUNCTION vp_system_account_find(p_kind text,
    p_community bigint, p_station bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_station IS NULL THEN
		RETURN (SELECT id FROM accounts WHERE kind = p_kind
		    AND community_id = p_community AND station_id IS NULL);
	END IF;
	RETURN (SELECT id FROM accounts WHERE station_id = p_station
	    AND kind = p_kind AND community_id = p_community);
END
$$;

-- A system account of a community (escrow) or of a station, made on
-- first use.
CREATE OR REPLACE FUNCTION vp_system_account(p_kind text, p_community bigint,
    p_station bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	v_id := vp_system_account_find(p_kind, p_community, p_station);
	IF v_id IS NULL THEN
		INSERT INTO accounts (kind, community_id, station_id)
		VALUES (p_kind, p_community, p_station)
		ON CONFLICT DO NOTHING RETURNING id INTO v_id;
		IF v_id IS NULL THEN
			v_id := vp_system_account_find(p_kind, p_community,
			    p_station);
		END IF;
	END IF;
	RETURN v_id;
END
$$;

-- GET /v1/volunteers/{number}/ledger[?limit=]: the newest transfers,
-- by time (ties by id). Each side of the account is read newest first
-- from its own index (transfers_from_at, transfers_to_at) and the two
-- merged, so a read touches the transfers it answers with, not every
-- transfer of a long history (one query with "from_account = a OR
-- to_account = a" reads them all and sorts them). One plan kept for every
-- call: planned for one account, the query looks cheaper than planned
-- for any account (an estimate that counts the issuance accounts' many
-- transfers), so PostgreSQL would plan it again at every call, to the
-- same plan. The answer is built as JSON text on one line (row_to_json,
-- vp_dispatch): 20 transfers cost about 60 µs less than in jsonb.
CREATE OR REPLACE FUNCTION vp_op_volunteer_ledger(caller vp_caller, args jsonb,
    OUT status integer, OUT body text)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
	v volunteers := vp_volunteer_get(caller, vp_text(args, 'number', 32), false);
	v_account accounts;
	v_limit integer := vp_limit(args, 20, 1000);
BEGIN
	SELECT * INTO v_account FROM accounts WHERE volunteer_id = v.id;
	status := 200;
	SELECT row_to_json(a)::text INTO body
	FROM (SELECT v.number AS volunteer, v_account.balance AS points,
	    vp_volunteer_minutes(v.id) AS minutes,
	    (SELECT ('[' || coalesce(string_agg(row_to_json(x)::text, ','
		ORDER BY x.at DESC, x.id DESC), '') || ']')::json
		FROM (SELECT t.id, t.at, t.amount, t.cause, t.shift,
		    t.reversal_of, t.memo, t.keyid
		FROM ((SELECT o.id, o.at, -o.amount AS amount, o.cause,
			o.shift_id AS shift, o.reversal_of, o.memo, o.keyid
		    FROM transfers o WHERE o.from_account = v_account.id
		    ORDER BY o.at DESC, o.id DESC LIMIT v_limit)
		UNION ALL
		(SELECT i.id, i.at, i.amount, i.cause, i.shift_id,
			i.reversal_of, i.memo, i.keyid
		    FROM transfers i WHERE i.to_account = v_account.id
		    ORDER BY i.at DESC, i.id DESC LIMIT v_limit)) t
		ORDER BY t.at DESC, t.id DESC LIMIT v_limit) x) AS transfers) a;
END
$$;

-- The community account a was of at transfer p_transfer: its own, but
-- a moved volunteer's was of the community they moved from up to that
-- move's last transfer there (volunteer_moves.last_transfer).
CREATE OR REPLACE FUNCTION vp_account_community_at(a accounts, p_transfer bigint)
RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT m.from_community FROM volunteer_moves m
	    WHERE a.volunteer_id IS NOT NULL AND m.volunteer_id = a.volunteer_id
	    AND p_transfer <= coalesce(m.last_transfer, 0)
	    ORDER BY m.id LIMIT 1), a.community_id)
$$;

-- Every invariant of the ledger: "problems" lists what is wrong, the
-- first vp_audit_listed() of it in the order of the checks, and
-- "problem_count" counts all of it (a ledger faulted in every row gives
-- its operator a count and a sample, not an answer of tens of megabytes).
CREATE OR REPLACE FUNCTION vp_audit_listed() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
	SELECT 1000
$$;

CREATE OR REPLACE FUNCTION vp_audit() RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	-- The problems, as text: PL/pgSQL appends to an array in place, where
	-- each append to a jsonb copied it all (568,659 problems: 49 s, where
	-- the jsonb had not finished after 17 minutes).
	p text[] := '{}';
	r record;
BEGIN
	IF (SELECT coalesce(sum(balance), 0) FROM accounts) <> 0 THEN
		p := p || format('accounts sum to %s, not 0',
		    (SELECT sum(balance) FROM accounts));
	END IF;
	FOR r IN SELECT a.id, a.kind, a.balance, coalesce(i.s, 0) - coalesce(o.s, 0) AS sum
	    FROM accounts a
	    LEFT JOIN (SELECT to_account, sum(amount) s FROM transfers GROUP BY 1) i
		ON i.to_account = a.id
	    LEFT JOIN (SELECT from_account, sum(amount) s FROM transfers GROUP BY 1) o
		ON o.from_account = a.id
	    WHERE a.balance <> coalesce(i.s, 0) - coalesce(o.s, 0) LOOP
		p := p || format('account %s (%s): balance %s, '
		    'transfers %s', r.id, r.kind, r.balance, r.sum);
	END LOOP;
	FOR r IN SELECT v.number, a.balance FROM accounts a
	    JOIN volunteers v ON v.id = a.volunteer_id WHERE a.balance < 0 LOOP
		p := p || format('volunteer %s has %s points',
		    r.number, r.balance);
	END LOOP;
	FOR r IN SELECT a.community_id, a.balance, coalesce((SELECT sum(points)
	    FROM help_requests h WHERE h.community_id = a.community_id
	    AND h.status IN ('open', 'accepted')), 0) AS held
	    FROM accounts a WHERE a.kind = 'escrow' LOOP
		IF r.balance <> r.held THEN
			p := p || format('escrow of community %s '
			    'holds %s, open requests %s', r.community_id, r.balance,
			    r.held);
		END IF;
	END LOOP;
	FOR r IN SELECT i.id, i.code, i.stock,
	    (SELECT coalesce(sum(quantity), 0) FROM catalog_restocks x WHERE x.item_id = i.id)
	    - (SELECT coalesce(sum(quantity), 0) FROM redemptions d WHERE d.item_id = i.id
		AND NOT EXISTS (SELECT 1 FROM redemption_voids z WHERE z.redemption_id = d.id))
	    AS expected FROM catalog_items i LOOP
		IF r.stock <> r.expected THEN
			p := p || format('item %s (%s): stock %s, '
			    'restocks minus redemptions %s', r.code, r.id, r.stock,
			    r.expected);
		END IF;
	END LOOP;
	-- Both sides of a transfer are of one community (a moved volunteer's
	-- account: of the community it was of then).
	FOR r IN SELECT t.id FROM transfers t JOIN accounts f ON f.id = t.from_account
	    JOIN accounts d ON d.id = t.to_account
	    WHERE CASE WHEN f.volunteer_id IN (SELECT volunteer_id FROM volunteer_moves)
		OR d.volunteer_id IN (SELECT volunteer_id FROM volunteer_moves)
	    THEN vp_account_community_at(f, t.id) <> vp_account_community_at(d, t.id)
	    ELSE f.community_id <> d.community_id END LOOP
		p := p || format('transfer %s crosses communities', r.id);
	END LOOP;
	-- A move took the points out of the old community and into the new
	-- one, the same number, once each.
	FOR r IN SELECT m.id, m.points, o.amount AS out_amount, i.amount AS in_amount
	    FROM volunteer_moves m
	    LEFT JOIN transfers o ON o.id = m.out_transfer AND o.cause = 'move-out'
	    LEFT JOIN transfers i ON i.id = m.in_transfer AND i.cause = 'move-in'
	    WHERE m.points > 0 AND (o.amount IS DISTINCT FROM m.points
		OR i.amount IS DISTINCT FROM m.points) LOOP
		p := p || format('move %s: %s points, moved out '
		    '%s, in %s', r.id, r.points, r.out_amount, r.in_amount);
	END LOOP;
	FOR r IN SELECT s.id, s.points, coalesce((SELECT sum(amount) FROM transfers t
	    WHERE t.shift_id = s.id AND t.cause = 'shift'), 0) AS paid
	    FROM shifts s WHERE s.points <> coalesce((SELECT sum(amount)
	    FROM transfers t WHERE t.shift_id = s.id AND t.cause = 'shift'), 0) LOOP
		p := p || format('shift %s: %s points, %s paid',
		    r.id, r.points, r.paid);
	END LOOP;
	FOR r IN SELECT d.id FROM redemptions d WHERE d.points <> coalesce((SELECT
	    sum(amount) FROM transfers t WHERE t.redemption_id = d.id
	    AND t.cause = 'redemption'), 0) LOOP
		p := p || format('redemption %s is not paid '
		    'exactly once', r.id);
	END LOOP;
	-- Each volunteer's running total (volunteer_totals) is the minutes
	-- of their current shifts, and the latest close in each time zone
	-- stored the minutes of the year and of all years to its month's end
	-- that the current records still give: the reports after it read
	-- both (vp_report_service, vp_report_base). One pass over the shifts.
	FOR r IN WITH latest AS (
		SELECT DISTINCT ON (m.timezone) m.month,
		    ((m.month || '-01')::timestamp + interval '1 month')
			AT TIME ZONE m.timezone AS ends,
		    date_trunc('year', (m.month || '-01')::timestamp)
			AT TIME ZONE m.timezone AS year_start
		FROM month_reports m ORDER BY m.timezone, m.month DESC
	    ), served AS (
		-- per volunteer (and latest close): the minutes of their
		-- current shifts, all of them and those to the close's end
		SELECT s.volunteer_id, l.month, sum(s.minutes) AS minutes,
		    sum(s.minutes) FILTER (WHERE s.started_at < l.ends) AS total,
		    sum(s.minutes) FILTER (WHERE s.started_at < l.ends
			AND s.started_at >= l.year_start) AS ytd
		FROM vp_current_shifts('-infinity', 'infinity', NULL) s
		LEFT JOIN latest l ON true
		GROUP BY s.volunteer_id, l.month
	    )
	    SELECT format('volunteer %s: running total %s minutes, current '
		'shifts %s', v.number, coalesce(t.minutes, 0),
		coalesce(x.minutes, 0)) AS problem
	    FROM volunteers v
	    LEFT JOIN volunteer_totals t ON t.volunteer_id = v.id
	    LEFT JOIN (SELECT DISTINCT ON (x.volunteer_id) x.volunteer_id,
		x.minutes FROM served x ORDER BY x.volunteer_id) x
		ON x.volunteer_id = v.id
	    WHERE coalesce(t.minutes, 0) <> coalesce(x.minutes, 0)
	    UNION ALL
	    SELECT format('closed month %s, volunteer %s: stored %s minutes of '
		'the year and %s in all, current shifts %s and %s',
		coalesce(k.month, b.month), v.number, coalesce(k.minutes_ytd, 0),
		coalesce(k.minutes_total, 0), coalesce(b.ytd, 0),
		coalesce(b.total, 0))
	    FROM (SELECT k.* FROM month_report_volunteers k
		JOIN latest l ON l.month = k.month) k
	    FULL JOIN (SELECT * FROM served x WHERE x.month IS NOT NULL) b
		ON b.month = k.month AND b.volunteer_id = k.volunteer_id
	    JOIN volunteers v ON v.id = coalesce(k.volunteer_id, b.volunteer_id)
	    WHERE coalesce(k.minutes_ytd, 0) <> coalesce(b.ytd, 0)
	    OR coalesce(k.minutes_total, 0) <> coalesce(b.total, 0) LOOP
		p := p || r.problem;
	END LOOP;
	FOR r IN SELECT e.id, e.taken, (SELECT count(*) FROM signups s
	    WHERE s.event_id = e.id AND s.state = 'place') AS held
	    FROM events e WHERE e.taken <> (SELECT count(*) FROM signups s
	    WHERE s.event_id = e.id AND s.state = 'place') LOOP
		p := p || format('event %s: %s places taken, '
		    '%s sign-ups hold one', r.id, r.taken, r.held);
	END LOOP;
	RETURN jsonb_build_object('ok', cardinality(p) = 0,
	    'problems', to_jsonb(p[1:vp_audit_listed()]),
	    'problem_count', cardinality(p), 'checked',
	    jsonb_build_object('accounts', (SELECT count(*) FROM accounts),
		'transfers', (SELECT count(*) FROM transfers),
		'shifts', (SELECT count(*) FROM shifts),
		'redemptions', (SELECT count(*) FROM redemptions),
		'help_requests', (SELECT count(*) FROM help_requests)));
END
$$;

-- GET /v1/audit (admin)
CREATE OR REPLACE FUNCTION vp_op_audit(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM vp_require_admin(caller);
	status := 200;
	body := vp_audit();
END
$$;
