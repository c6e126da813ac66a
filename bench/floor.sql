-- pgbench: the floor of any design of a shift write. One statement: the
-- service record goes in and the volunteer's balance row is written (no
-- nonce, no idempotency record, no double entry, no rule, no check).
-- With 0 points and the balance moved by 0: the same rows written, and
-- the ledger's audit, which bench/run makes after every run, finds no
-- balance without its transfer. Same volunteers and times as
-- ceiling.sql.
\set k :client_id + :nclients * :i
\set i :i + 1
\set v :k % :volunteers + 1
\set c (:v - 1) % :communities + 1
\set t :base + (:k / :volunteers) * 3600
WITH s AS (
	INSERT INTO shifts (id, volunteer_id, community_id, station_id, keyid,
	    activity_id, place, started_at, ended_at, minutes, points, source)
	SELECT nextval('shift_ids'), v.id, v.community_id, st.id, k.keyid,
	    a.id, 'Bench street', to_timestamp(:t::bigint), to_timestamp(:t::bigint + 3000),
	    50, 0, 'log'
	FROM volunteers v, stations st, bench_keys k, activities a
	WHERE v.number = 'B' || lpad(:v::integer::text, 6, '0')
	AND st.code = 'BS' || lpad(:c::integer::text, 3, '0') AND k.n = :c::integer
	AND a.code = 'patrol'
	RETURNING volunteer_id, points
)
UPDATE accounts SET balance = balance + s.points
FROM s WHERE accounts.volunteer_id = s.volunteer_id;
