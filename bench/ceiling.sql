-- pgbench: the ceiling of a signed shift write. The very SQL call the
-- daemon makes for POST /v1/shifts (vp_call with op shift_log), with
-- parameters of the same shape: the station key of the volunteer's
-- community, a 32-hex-digit nonce, a UUID Idempotency-Key, a 64-hex-digit
-- fingerprint and the request's JSON text. Shift k of a run: volunteer
-- k % volunteers + 1 at base + (k / volunteers) hours, 50 minutes long
-- (as the load generator's), so that no two writes overlap.
-- Variables from bench/run: -D i=0 -D nclients= -D volunteers=
-- -D communities= -D base= (epoch seconds) -D timezone=
\set k :client_id + :nclients * :i
\set i :i + 1
\set v :k % :volunteers + 1
\set c (:v - 1) % :communities + 1
\set t :base + (:k / :volunteers) * 3600
SELECT status, body FROM vp_call(
    (SELECT keyid FROM bench_keys WHERE n = :c::integer),
    md5(random()::text), 'shift_log', gen_random_uuid()::text,
    md5(random()::text) || md5(random()::text),
    format('{"volunteer":"B%s","activity":"patrol","started_at":"%s",'
	'"ended_at":"%s","place":"Bench street"}', lpad(:v::integer::text, 6, '0'),
	replace((to_timestamp(:t::bigint) AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z',
	replace((to_timestamp(:t::bigint + 3000) AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z'
    )::jsonb, :timezone::text);
