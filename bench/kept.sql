-- pgbench: the least any design must do for a shift write that keeps
-- the guarantees the ceiling keeps, in one statement: the nonce
-- recorded (a signature is used once), the volunteer's row locked and no
-- shift of theirs overlapping (a record is true), the service record,
-- its transfer from the community's issuance account (the part its
-- volunteer draws on) and both balances moved (double entry), the
-- answer stored under the Idempotency-Key (a retry gets it again). No
-- PL/pgSQL, no rule, no refusal with its reasons, no check the tables
-- do not make themselves. Same volunteers, times and keys as
-- ceiling.sql: between floor.sql and ceiling.sql, it says how much of
-- the gap the guarantees are and how much the way vp_call keeps them.
\set k :client_id + :nclients * :i
\set i :i + 1
\set v :k % :volunteers + 1
\set c (:v - 1) % :communities + 1
\set t :base + (:k / :volunteers) * 3600
WITH key AS (
	SELECT keyid FROM bench_keys WHERE n = :c::integer
), n AS (
	INSERT INTO request_nonces (keyid, nonce)
	SELECT keyid, md5(random()::text) FROM key
	RETURNING keyid
), v AS (
	SELECT id, community_id FROM volunteers
	WHERE number = 'B' || lpad(:v::integer::text, 6, '0') FOR UPDATE
), s AS (
	INSERT INTO shifts (id, volunteer_id, community_id, station_id, keyid,
	    activity_id, place, started_at, ended_at, minutes, points, source)
	SELECT nextval('shift_ids'), v.id, v.community_id, st.id, n.keyid,
	    a.id, 'Bench street', to_timestamp(:t::bigint),
	    to_timestamp(:t::bigint + 3000), 50, 8, 'log'
	FROM v, n, activities a, stations st
	WHERE a.code = 'patrol' AND st.code = 'BS' || lpad(:c::integer::text, 3, '0')
	AND NOT EXISTS (SELECT 1 FROM shifts o WHERE o.volunteer_id = v.id
	    AND o.started_at < to_timestamp(:t::bigint + 3000)
	    AND o.ended_at > to_timestamp(:t::bigint)
	    AND o.started_at > to_timestamp(:t::bigint) - interval '24 hours')
	RETURNING *
), tr AS (
	INSERT INTO transfers (from_account, to_account, amount, cause,
	    shift_id, keyid, value_at)
	SELECT i.id, a.id, s.points, 'shift', s.id, s.keyid, s.started_at
	FROM s JOIN accounts a ON a.volunteer_id = s.volunteer_id
	JOIN accounts i ON i.community_id = s.community_id
	    AND i.kind = 'issuance' AND i.part = vp_issuance_part(s.volunteer_id)
	RETURNING from_account, to_account, amount
), b AS (
	UPDATE accounts SET balance = balance + CASE WHEN accounts.id = tr.to_account
	    THEN tr.amount ELSE -tr.amount END
	FROM tr WHERE accounts.id IN (tr.from_account, tr.to_account)
	RETURNING 1
), idem AS (
	INSERT INTO idempotency (keyid, idem_key, fingerprint, status, body,
	    volunteer_id)
	SELECT s.keyid, gen_random_uuid()::text,
	    md5(random()::text) || md5(random()::text), 201,
	    row_to_json(s)::text, s.volunteer_id
	FROM s
	RETURNING 1
)
-- Both balances moved and the answer stored, or the run stops (a
-- division by zero): a write without them is not the one measured.
SELECT 1 / (((SELECT count(*) FROM b) = 2
    AND (SELECT count(*) FROM idem) = 1)::integer) AS kept;
