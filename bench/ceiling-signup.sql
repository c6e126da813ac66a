-- pgbench: the ceiling of a signed sign-up. The very SQL call the daemon
-- makes for POST /v1/signups (vp_call with op signup_add), with
-- parameters of the same shape as bench/ceiling.sql's. Sign-up k of a
-- run (k counted from :offset, as the load generator's op signup): in
-- round r = k / volunteers, volunteer k % volunteers + 1 signs up for
-- event (r + (v - 1) / communities) % events of its community, which
-- bench/seed.sql numbered (c - 1) * events + j + 1; never the same
-- volunteer twice for one event, so every transaction writes a sign-up.
-- Variables from bench/run: -D i=0 -D nclients= -D volunteers=
-- -D communities= -D events= -D offset= -D timezone=
\set k :offset + :client_id + :nclients * :i
\set i :i + 1
\set v :k % :volunteers + 1
\set c (:v - 1) % :communities + 1
\set e (:c - 1) * :events + (:k / :volunteers + (:v - 1) / :communities) % :events + 1
SELECT status, body FROM vp_call(
    (SELECT keyid FROM bench_keys WHERE n = :c::integer),
    md5(random()::text), 'signup_add', gen_random_uuid()::text,
    md5(random()::text) || md5(random()::text),
    format('{"volunteer":"B%s","event":%s}',
	lpad(:v::integer::text, 6, '0'), :e::bigint)::jsonb,
    :timezone::text);
