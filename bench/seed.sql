-- bench/seed.sql: fill a freshly migrated, otherwise empty vpoints database
-- with the benchmark's data set, in bulk (one INSERT ... SELECT per table,
-- no loops), and prove it with vp_audit().
--
--   psql -X -v ON_ERROR_STOP=1 -v communities=100 -v volunteers=100000 \
--       -v shifts=2000000 -v months=24 -v events=10 -v keys=keys.tsv \
--       -v history_end=EPOCH_SECONDS -f bench/seed.sql
--
-- keys: lines "<n>\t<public key, 64 hex digits>" for n = 0..communities;
-- key 0 is the admin station BENCH-CITY's, key n station BSnnn's.
-- history_end: no shift, transfer or redemption is later (default: three
-- days ago). Needs a superuser: the load runs with session_replication_role
-- = replica, so no trigger and no foreign-key check fires row by row; the
-- rows written are the very rows the vp_op_* functions would have written
-- (volunteer_history as its trigger writes it, admin_actions, first stock
-- entries, accounts made on first use, balances), and vp_audit() checks
-- the ledger before anything is committed.
--
-- What is made (C communities, V volunteers, S shifts, M months):
-- - communities BC001.., each with ~13-15 % of its population registered;
--   the admin station BENCH-CITY (key 0) and a station BSnnn per community
--   (key n); bench_keys (n, keyid) for pgbench;
-- - activities patrol (10 points/h), clean (12), visit (15); eight
--   city-wide standing teams and a specialty team per community;
-- - volunteers B000001.. (v), community (v - 1) % C + 1, numbered in order
--   of registration: 35 % in the year before the history, the rest during
--   its first 85 %; each in one standing team, half also in their
--   community's specialty team;
-- - S shifts, in proportion to the days each volunteer could serve times a
--   per-volunteer zeal of 0.25-1.75; a volunteer's shifts on distinct days
--   between 07:00 and 21:00 (Asia/Shanghai), 1-4 h, recorded at their
--   community's station 5-120 minutes after they ended, each with its
--   transfer from the community's issuance account;
-- - catalogues GIFT (5 points) and BOOK (8) per station, 1,000,000 each at
--   first, and about one redemption per ten shifts (1-3 items, shortly
--   after a shift, never more than the volunteer holds).
-- - E events of patrol per community (-v events, default 10), published
--   by its station: event j (0..E-1) of community c has id (c - 1) * E +
--   j + 1, starts 30 days from now plus 3 j hours, lasts two hours, 10,000
--   places, sign-up open from now on (POST /v1/signups: the load
--   generator's op signup and bench/ceiling-signup.sql compute the same
--   ids);
-- - a live page link for every volunteer, issued by its community's
--   station: volunteer v's token is base64url(SHA-256("vpoints-bench-page
--   v")) (GET /p/{token}: op page; bench/request.c), the link keeps its
--   SHA-256 as the daemon does.
-- Every pseudo-random choice is a hash of the row's index: the same
-- arguments give the same data set.

\set ON_ERROR_STOP 1
\if :{?keys}
\else
	\echo 'bench/seed.sql: -v keys=FILE is required (lines "<n>\t<64 hex digits>", n = 0..communities)'
	DO $$ BEGIN RAISE EXCEPTION 'bench/seed.sql: -v keys=FILE is required'; END $$;
\endif
\if :{?communities}
\else
	\set communities 100
\endif
\if :{?volunteers}
\else
	\set volunteers 100000
\endif
\if :{?shifts}
\else
	\set shifts 2000000
\endif
\if :{?months}
\else
	\set months 24
\endif
\if :{?events}
\else
	\set events 10
\endif
\if :{?history_end}
\else
	\set history_end ''
\endif

SET client_min_messages = warning;
SET timezone = 'Asia/Shanghai';
SET datestyle = 'ISO, YMD';
SET work_mem = '1GB';

BEGIN;
SET LOCAL session_replication_role = replica;

-- Pseudo-random numbers in [0, 1) and integers >= 0, from a row's index.
CREATE FUNCTION pg_temp.u(x bigint, salt bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT (hashint8extended(x, salt) & 2147483647)::float8 / 2147483648';
CREATE FUNCTION pg_temp.h(x bigint, salt bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT hashint8extended(x, salt) & 9223372036854775807';

-- The arguments, checked.
CREATE TEMP TABLE seed_p ON COMMIT DROP AS SELECT
	:'communities'::integer AS nc, :'volunteers'::integer AS nv,
	:'shifts'::bigint AS ns, :'months'::integer AS months,
	:'events'::integer AS ne,
	CASE WHEN :'history_end' = '' THEN date_trunc('hour', now()) - interval '3 days'
	    ELSE to_timestamp(:'history_end'::float8) END AS hist_end;

DO $$
DECLARE
	p seed_p;
BEGIN
	SELECT * INTO p FROM seed_p;
	IF p.nc NOT BETWEEN 1 AND 999 OR p.nv NOT BETWEEN 1 AND 999999
	    OR p.ns < 0 OR p.months NOT BETWEEN 1 AND 120
	    OR p.ne NOT BETWEEN 1 AND 240 THEN
		RAISE EXCEPTION 'bench/seed.sql: want communities 1..999, '
		    'volunteers 1..999999, shifts >= 0, months 1..120, '
		    'events 1..240';
	END IF;
	IF p.hist_end > now() THEN
		RAISE EXCEPTION 'bench/seed.sql: history_end % is in the future', p.hist_end;
	END IF;
	IF EXISTS (SELECT 1 FROM communities) OR EXISTS (SELECT 1 FROM stations)
	    OR EXISTS (SELECT 1 FROM volunteers) OR EXISTS (SELECT 1 FROM accounts)
	    OR EXISTS (SELECT 1 FROM shifts) OR EXISTS (SELECT 1 FROM transfers)
	    OR EXISTS (SELECT 1 FROM teams) OR EXISTS (SELECT 1 FROM catalog_items)
	    OR EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM links)
	    OR to_regclass('bench_keys') IS NOT NULL THEN
		RAISE EXCEPTION 'bench/seed.sql fills a freshly migrated, empty '
		    'vpoints database; this one holds data already';
	END IF;
END
$$;

-- The calendar. Shifts fall on the whole days after the history's start
-- (history_end - months) and before history_end's day, so they and what
-- follows them (recording, transfers, redemptions) end before history_end.
-- t0: when the city set up communities, stations, rules and teams, a day
-- before the first registration.
SELECT p.nc, p.nv, p.ns, p.hist_end,
	(p.hist_end - p.months * interval '1 month')::date + 1 AS day0,
	p.hist_end::date - ((p.hist_end - p.months * interval '1 month')::date + 1) AS nd,
	(((p.hist_end - p.months * interval '1 month')::date + 1 - 366)
	    + time '09:00')::timestamptz AS t0,
	(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM shift_ids) AS sbase
FROM seed_p p \gset
SELECT :nd >= 1 AS seed_ok \gset
\if :seed_ok
\else
	DO $$ BEGIN RAISE EXCEPTION 'bench/seed.sql: the history holds no whole day'; END $$;
\endif

\echo seed: keys
CREATE TEMP TABLE seed_keys_in (n text, hex text) ON COMMIT DROP;
\set seed_copy '\\copy seed_keys_in from ' :'keys'
:seed_copy
CREATE TEMP TABLE seed_keys ON COMMIT DROP AS
SELECT n, pub, vp_thumbprint(pub) AS keyid FROM (
	SELECT btrim(n)::integer AS n, decode(btrim(hex), 'hex') AS pub
	FROM seed_keys_in WHERE btrim(hex) ~ '^[0-9A-Fa-f]{64}$') k
WHERE n BETWEEN 0 AND :nc;
DO $$
BEGIN
	IF (SELECT count(DISTINCT n) FROM seed_keys) <> (SELECT nc + 1 FROM seed_p)
	    OR (SELECT count(*) FROM seed_keys) <> (SELECT nc + 1 FROM seed_p)
	    OR (SELECT count(DISTINCT pub) FROM seed_keys) <> (SELECT nc + 1 FROM seed_p) THEN
		RAISE EXCEPTION 'bench/seed.sql: the keys file must give one distinct '
		    'key (64 hex digits) for each n = 0..% (got % usable lines)',
		    (SELECT nc FROM seed_p), (SELECT count(*) FROM seed_keys);
	END IF;
END
$$;
SELECT keyid AS k0 FROM seed_keys WHERE n = 0 \gset

\echo seed: communities, stations, activities, teams
INSERT INTO communities (code, name, population, created_at)
SELECT 'BC' || lpad(n::text, 3, '0'), 'Bench community ' || lpad(n::text, 3, '0'),
	CASE WHEN cnt = 0 THEN 1000
	    ELSE greatest(1, round(cnt / (0.13 + 0.02 * pg_temp.u(n, 1))))::integer END,
	:'t0'::timestamptz + n * interval '1 second'
FROM generate_series(1, :nc) n,
	LATERAL (SELECT :nv / :nc + (n <= :nv % :nc)::integer AS cnt) x
ORDER BY n;

INSERT INTO stations (code, name, community_id, role, created_at)
SELECT 'BENCH-CITY', 'Bench city office', NULL, 'admin', :'t0'::timestamptz
UNION ALL
SELECT 'BS' || substr(c.code, 3), 'Bench station ' || substr(c.code, 3), c.id,
	'station', c.created_at + interval '10 minutes'
FROM communities c
ORDER BY 5, 1;

INSERT INTO station_keys (keyid, station_id, public_key, created_at, created_by)
SELECT k.keyid, s.id, k.pub, s.created_at, CASE WHEN k.n > 0 THEN :'k0' END
FROM seed_keys k
JOIN stations s ON s.code = CASE WHEN k.n = 0 THEN 'BENCH-CITY'
	ELSE 'BS' || lpad(k.n::text, 3, '0') END
ORDER BY k.n;

CREATE TABLE bench_keys (
	n	integer PRIMARY KEY,
	keyid	text NOT NULL
);
COMMENT ON TABLE bench_keys IS 'bench/seed.sql: the key id of bench key n '
	'(0: BENCH-CITY, n: station BSnnn of community BCnnn)';
INSERT INTO bench_keys SELECT n, keyid FROM seed_keys ORDER BY n;

-- The communities by index, with their station and its key.
CREATE TEMP TABLE seed_comm ON COMMIT DROP AS
SELECT k.n, c.id AS community_id, c.code, s.id AS station_id, k.keyid
FROM seed_keys k
JOIN communities c ON c.code = 'BC' || lpad(k.n::text, 3, '0')
JOIN stations s ON s.community_id = c.id;
ALTER TABLE seed_comm ADD PRIMARY KEY (n);

INSERT INTO activities (code, name, points_per_hour, created_at) VALUES
	('patrol', 'Civilised traffic patrol', 10, :'t0'::timestamptz + interval '20 minutes'),
	('clean', 'Street cleaning', 12, :'t0'::timestamptz + interval '21 minutes'),
	('visit', 'Visiting elderly residents', 15, :'t0'::timestamptz + interval '22 minutes');
SELECT max(id) FILTER (WHERE code = 'patrol') AS act_patrol,
	max(points_per_hour) FILTER (WHERE code = 'patrol') AS pph_patrol,
	max(id) FILTER (WHERE code = 'clean') AS act_clean,
	max(points_per_hour) FILTER (WHERE code = 'clean') AS pph_clean,
	max(id) FILTER (WHERE code = 'visit') AS act_visit,
	max(points_per_hour) FILTER (WHERE code = 'visit') AS pph_visit
FROM activities \gset

-- Standing teams are city-wide (1..8); specialty teams, one per community,
-- take their kind in turn.
CREATE TEMP TABLE seed_team ON COMMIT DROP AS
SELECT i AS slot, NULL::integer AS cn, code, name, 'standing' AS kind
FROM unnest(ARRAY['policy', 'legal', 'environment', 'health', 'science',
	'education', 'culture', 'relief'],
    ARRAY['Policy talks', 'Legal education', 'Environment', 'Health',
	'Science', 'Education', 'Culture', 'Poverty relief'])
	WITH ORDINALITY AS t(code, name, i)
UNION ALL
SELECT NULL, c.n, kinds.code || '-' || c.code, kinds.name || ', ' || c.code,
	'specialty'
FROM seed_comm c
JOIN (SELECT * FROM unnest(ARRAY['traffic', 'youth', 'elderly', 'disability',
	'women', 'workers', 'party'],
    ARRAY['Civilised traffic', 'Youth', 'Elderly care', 'Disability help',
	'Women', 'Workers', 'Party members']) WITH ORDINALITY AS k(code, name, i)) kinds
	ON kinds.i = (c.n - 1) % 7 + 1;

INSERT INTO teams (code, name, kind, community_id, created_at)
SELECT t.code, t.name, t.kind, c.community_id,
	:'t0'::timestamptz + interval '30 minutes' + coalesce(t.slot, 8 + t.cn) * interval '1 second'
FROM seed_team t LEFT JOIN seed_comm c ON c.n = t.cn
ORDER BY t.slot, t.cn;

-- The admin log of all that, as vp_op_community_add, vp_op_station_add,
-- vp_op_activity_add and vp_op_team_add write it; BENCH-CITY's own key
-- was enrolled with vpointsd --init-admin.
INSERT INTO admin_actions (at, keyid, action, subject, detail)
SELECT at, keyid, action, subject, detail FROM (
	SELECT s.created_at AS at, NULL AS keyid, 'init-admin' AS action,
	    s.code AS subject, jsonb_build_object('keyid', :'k0') AS detail
	FROM stations s WHERE s.role = 'admin'
	UNION ALL
	SELECT c.created_at, :'k0', 'community-add', c.code,
	    jsonb_build_object('code', c.code, 'name', c.name, 'population', c.population)
	FROM communities c
	UNION ALL
	SELECT s.created_at, :'k0', 'station-add', s.code,
	    jsonb_build_object('keyid', k.keyid, 'role', s.role, 'community', c.code)
	FROM stations s JOIN station_keys k ON k.station_id = s.id
	JOIN communities c ON c.id = s.community_id
	UNION ALL
	SELECT a.created_at, :'k0', 'activity-add', a.code,
	    jsonb_build_object('code', a.code, 'name', a.name,
		'points_per_hour', a.points_per_hour)
	FROM activities a WHERE a.code IN ('patrol', 'clean', 'visit')
	UNION ALL
	SELECT t.created_at, :'k0', 'team-add', t.code,
	    jsonb_build_object('code', t.code, 'name', t.name, 'kind', t.kind)
	    || CASE WHEN c.code IS NULL THEN '{}'
		ELSE jsonb_build_object('community', c.code) END
	FROM teams t LEFT JOIN communities c ON c.id = t.community_id
) x ORDER BY at, subject;

\echo seed: volunteers
-- Volunteer v registers at position p in [0, 1) of the registrations:
-- the first 35 % in the year before the history, the rest over its first
-- 85 %. It can serve from the day after (days w0 .. nd - 1 of the
-- history, win of them); its share of the shifts is its days times its
-- zeal; cumulative shares make the counts add up to S exactly.
CREATE TEMP TABLE seed_vol ON COMMIT DROP AS
WITH reg AS (
	SELECT v, (v - 1) % :nc + 1 AS cn,
	    CASE WHEN p < 0.35 THEN -365 + floor(p / 0.35 * 365)::integer
		ELSE floor((p - 0.35) / 0.65 * 0.85 * :nd)::integer END AS reg_day
	FROM generate_series(1, :nv) v,
	    LATERAL (SELECT (v - 1 + pg_temp.u(v, 2)) / :nv AS p) x
), w AS (
	SELECT v, cn, reg_day, greatest(reg_day + 1, 0) AS w0,
	    :nd - greatest(reg_day + 1, 0) AS win,
	    (:nd - greatest(reg_day + 1, 0))::bigint
		* (25 + floor(pg_temp.u(v, 3) * 151)::integer) AS weight
	FROM reg
), cum AS (
	SELECT *, sum(weight) OVER (ORDER BY v) AS cw, sum(weight) OVER () AS tw
	FROM w
)
SELECT v, cn, reg_day, w0, win,
	(floor(:ns::numeric * cw / tw) - floor(:ns::numeric * (cw - weight) / tw))::integer
	    AS nshift,
	(pg_temp.h(v, 4) % 1048576)::integer AS jit,
	((:'day0'::date + reg_day) + time '08:00'
	    + pg_temp.u(v, 5) * interval '10 hours')::timestamptz AS reg_at
FROM cum;
DO $$
DECLARE
	r record;
BEGIN
	SELECT v, nshift, win INTO r FROM seed_vol WHERE nshift > win LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'bench/seed.sql: too many shifts for the history: '
		    'volunteer % would serve % shifts on % days; give fewer shifts '
		    'or more months', r.v, r.nshift, r.win;
	END IF;
END
$$;

INSERT INTO volunteers (number, name, community_id, registered_on, status,
    consent, gender, birth_month, phone, id_hash, id_last4, created_at,
    updated_at)
SELECT 'B' || lpad(s.v::text, 6, '0'), 'Volunteer ' || lpad(s.v::text, 6, '0'),
	c.community_id, s.reg_at::date, 'active', x.consent,
	CASE WHEN x.consent THEN
	    CASE WHEN pg_temp.u(s.v, 7) < 0.55 THEN 'female' ELSE 'male' END END,
	CASE WHEN x.consent THEN to_char(date '1950-01-01'
	    + floor(pg_temp.u(s.v, 8) * 20000)::integer, 'YYYY-MM') END,
	CASE WHEN x.consent THEN '1' || lpad((pg_temp.h(s.v, 9) % 10000000000)::text,
	    10, '0') END,
	encode(sha256(convert_to('vpoints-bench-id ' || s.v, 'UTF8')), 'hex'),
	lpad((pg_temp.h(s.v, 10) % 10000)::text, 4, '0'),
	s.reg_at, s.reg_at
FROM seed_vol s
JOIN seed_comm c ON c.n = s.cn,
	LATERAL (SELECT pg_temp.u(s.v, 6) < 0.7 AS consent) x
ORDER BY s.v;

ALTER TABLE seed_vol ADD COLUMN id bigint;
UPDATE seed_vol s SET id = v.id FROM volunteers v
WHERE v.number = 'B' || lpad(s.v::text, 6, '0');
ALTER TABLE seed_vol ADD PRIMARY KEY (v);

-- Teams: one standing team each, half also their community's specialty team.
CREATE TEMP TABLE seed_member ON COMMIT DROP AS
SELECT s.id AS volunteer_id, s.v, 1 AS ord, t.id AS team_id, t.code, s.reg_at
FROM seed_vol s
JOIN seed_team st ON st.slot = 1 + floor(pg_temp.u(s.v, 11) * 8)::integer
JOIN teams t ON t.code = st.code
UNION ALL
SELECT s.id, s.v, 2, t.id, t.code, s.reg_at
FROM seed_vol s
JOIN seed_team st ON st.cn = s.cn
JOIN teams t ON t.code = st.code
WHERE pg_temp.u(s.v, 12) < 0.5;

INSERT INTO team_members (team_id, volunteer_id, joined_at)
SELECT team_id, volunteer_id, reg_at FROM seed_member ORDER BY team_id, volunteer_id;

-- What trigger volunteer_history writes on the insert, then the team joins
-- of vp_op_volunteer_add; all by the key of the volunteer's station.
INSERT INTO volunteer_history (volunteer_id, at, keyid, action, data, reason)
SELECT volunteer_id, at, keyid, action, data, NULL FROM (
	SELECT v.id AS volunteer_id, 0 AS ord, v.created_at AS at, c.keyid,
	    'register' AS action,
	    to_jsonb(v) - 'id_hash' - 'created_at' - 'updated_at' AS data
	FROM volunteers v JOIN seed_comm c ON c.community_id = v.community_id
	UNION ALL
	SELECT m.volunteer_id, m.ord, m.reg_at, c.keyid, 'team-join',
	    jsonb_build_object('team', m.code)
	FROM seed_member m JOIN seed_vol s ON s.v = m.v JOIN seed_comm c ON c.n = s.cn
) x ORDER BY volunteer_id, ord;

\echo seed: shifts
-- Volunteer v's k-th shift is on day w0 + floor((k + jit/2^20) * win /
-- nshift) of the history: distinct days, since win >= nshift. It starts
-- on the hour or half hour from 07:00 to 17:00 and lasts 1 to 4 hours in
-- quarters; ids follow the order of recording, as the sequence hands
-- them out.
INSERT INTO shifts (id, volunteer_id, community_id, station_id, keyid,
    activity_id, place, started_at, ended_at, minutes, points, source,
    created_at)
SELECT :sbase + row_number() OVER (ORDER BY created_at, volunteer_id),
	volunteer_id, community_id, station_id, keyid, activity_id, place,
	started_at, started_at + minutes * interval '1 minute', minutes,
	minutes * pph / 60, 'log', created_at
FROM (
	SELECT s.id AS volunteer_id, c.community_id, c.station_id, c.keyid,
	    CASE WHEN d.ua < 0.6 THEN :act_patrol WHEN d.ua < 0.85 THEN :act_clean
		ELSE :act_visit END AS activity_id,
	    CASE WHEN d.ua < 0.6 THEN :pph_patrol WHEN d.ua < 0.85 THEN :pph_clean
		ELSE :pph_visit END AS pph,
	    c.code || ' block ' || (1 + pg_temp.h(d.key, 24) % 40) AS place,
	    d.started_at, d.minutes,
	    d.started_at + (d.minutes * 60 + 300 + pg_temp.u(d.key, 25) * 6900)
		* interval '1 second' AS created_at
	FROM seed_vol s
	JOIN seed_comm c ON c.n = s.cn
	CROSS JOIN LATERAL generate_series(0, s.nshift - 1) k
	CROSS JOIN LATERAL (SELECT s.v::bigint * 65536 + k AS key) kk
	CROSS JOIN LATERAL (SELECT kk.key,
	    ((:'day0'::date + s.w0 + ((k::bigint * 1048576 + s.jit) * s.win
		/ (s.nshift::bigint * 1048576))::integer)
		+ time '07:00' + floor(pg_temp.u(kk.key, 21) * 21) * interval '30 minutes'
	    )::timestamptz AS started_at,
	    60 + 15 * floor(pg_temp.u(kk.key, 22) * 13)::integer AS minutes,
	    pg_temp.u(kk.key, 23) AS ua) d
) x
ORDER BY created_at, volunteer_id;
SELECT CASE WHEN :ns > 0 THEN setval('shift_ids', :sbase + :ns) END AS seed_ignore \gset
-- What trigger shifts_volunteer_totals keeps: each volunteer's minutes of
-- their current shifts (the seed corrects none).
INSERT INTO volunteer_totals (volunteer_id, community_id, minutes)
SELECT volunteer_id, community_id, sum(minutes) FROM shifts
GROUP BY volunteer_id, community_id ORDER BY volunteer_id;
-- Statistics for the plans below (the tables are new to the planner).
ANALYZE volunteers, shifts;

\echo seed: events, page links
-- As vp_op_event_add writes them (one event a request), by the station's
-- key, in order of community and time, so that the ids are known.
INSERT INTO events (activity_id, title, place, community_id, station_id,
    keyid, starts_at, ends_at, places, opens_at, closes_at, cancel_by)
SELECT :act_patrol, 'Bench patrol ' || (j + 1), 'Bench street',
	c.community_id, c.station_id, c.keyid, e.starts_at,
	e.starts_at + interval '2 hours', 10000, now(), e.starts_at,
	e.starts_at - interval '1 day'
FROM seed_comm c, seed_p p, generate_series(0, p.ne - 1) j,
	LATERAL (SELECT date_trunc('hour', now()) + interval '30 days'
	    + j * interval '3 hours' AS starts_at) e
WHERE c.n > 0
ORDER BY c.n, j;
INSERT INTO admin_actions (keyid, action, subject, detail)
SELECT e.keyid, 'event-add', 'event ' || e.id, jsonb_build_object(
	'activity', 'patrol', 'title', e.title, 'place', e.place,
	'starts_at', e.starts_at, 'ends_at', e.ends_at, 'places', e.places)
FROM events e ORDER BY e.id;
DO $$
DECLARE
	p seed_p;
BEGIN
	SELECT * INTO p FROM seed_p;
	IF EXISTS (SELECT 1 FROM events e JOIN seed_comm c
	    ON c.community_id = e.community_id
	    WHERE e.id <> (c.n - 1) * p.ne + (extract(epoch FROM e.starts_at
		- (SELECT min(x.starts_at) FROM events x)) / 10800)::integer + 1) THEN
		RAISE EXCEPTION 'bench/seed.sql: the events are not numbered '
		    '(c - 1) * E + j + 1';
	END IF;
END
$$;
-- The links, as vp_op_volunteer_link writes them, and its history line.
INSERT INTO links (volunteer_id, token_hash, keyid)
SELECT v.id, encode(sha256(convert_to(translate(rtrim(encode(sha256(
	convert_to('vpoints-bench-page ' || substr(v.number, 2)::integer,
	'UTF8')), 'base64'), '='), '+/', '-_'), 'UTF8')), 'hex'), c.keyid
FROM volunteers v JOIN seed_comm c ON c.community_id = v.community_id
ORDER BY v.id;
INSERT INTO volunteer_history (volunteer_id, keyid, action, data)
SELECT l.volunteer_id, l.keyid, 'link', jsonb_build_object('link', l.id)
FROM links l ORDER BY l.id;

\echo seed: catalogues, redemptions
-- As vp_op_catalog_add: the item and its first stock entry, by the
-- station's key.
INSERT INTO catalog_items (station_id, community_id, code, name, category,
    price, stock, created_at)
SELECT c.station_id, c.community_id, i.code, i.name, i.category, i.price,
	1000000, :'t0'::timestamptz + interval '1 hour' + c.n * interval '1 second'
FROM seed_comm c,
	(VALUES ('GIFT', 'Gift', 'gift', 5), ('BOOK', 'Book', 'book', 8))
	    AS i(code, name, category, price)
ORDER BY c.n, i.price;
INSERT INTO catalog_restocks (item_id, quantity, note, keyid, at)
SELECT i.id, i.stock, 'initial stock', c.keyid, i.created_at
FROM catalog_items i JOIN seed_comm c ON c.station_id = i.station_id
ORDER BY i.id;

-- A shift may be followed (about one in nine) by a redemption of 1-3
-- GIFTs or BOOKs at the same station, 1-31 minutes after it was recorded.
-- Such a candidate is kept if the volunteer could pay for it and for every
-- candidate before it: dropping candidates only raises later balances, so
-- no balance ever goes below zero.
INSERT INTO redemptions (station_id, community_id, item_id, volunteer_id,
    quantity, points, keyid, at)
SELECT r.station_id, r.community_id, i.id, r.volunteer_id, r.quantity,
	r.cost, r.keyid, r.at
FROM (
	SELECT *, sum(points) OVER w - sum(coalesce(cost, 0)) OVER w AS left_after
	FROM (
		SELECT *, CASE item WHEN 'GIFT' THEN 5 WHEN 'BOOK' THEN 8 END * quantity
		    AS cost
		FROM (
			SELECT s.volunteer_id, s.community_id, s.station_id, s.keyid,
			    s.started_at, s.points,
			    s.created_at + (60 + pg_temp.u(s.id, 31) * 1800)
				* interval '1 second' AS at,
			    CASE WHEN pg_temp.u(s.id, 30) < 0.11 THEN
				CASE WHEN pg_temp.u(s.id, 32) < 0.7 THEN 'GIFT' ELSE 'BOOK' END
			    END AS item,
			    CASE WHEN pg_temp.u(s.id, 33) < 0.8 THEN 1
				WHEN pg_temp.u(s.id, 33) < 0.95 THEN 2 ELSE 3 END AS quantity
			FROM shifts s
		) y
	) c
	WINDOW w AS (PARTITION BY volunteer_id ORDER BY started_at
	    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
) r
JOIN catalog_items i ON i.station_id = r.station_id AND i.code = r.item
WHERE r.item IS NOT NULL AND r.left_after >= 0
ORDER BY r.at, r.volunteer_id;

UPDATE catalog_items i SET stock = i.stock - r.quantity
FROM (SELECT item_id, sum(quantity) AS quantity FROM redemptions GROUP BY 1) r
WHERE r.item_id = i.id;
ANALYZE redemptions;

\echo seed: accounts, transfers
-- Accounts as made on first use: a volunteer's at registration, a
-- community's issuance account at its first points, a station's at its
-- first redemption; each with the balance its transfers give.
INSERT INTO accounts (kind, community_id, volunteer_id, station_id, balance)
SELECT kind, community_id, volunteer_id, station_id, balance FROM (
	SELECT 'volunteer' AS kind, v.community_id, v.id AS volunteer_id,
	    NULL::bigint AS station_id,
	    coalesce(e.points, 0) - coalesce(r.points, 0) AS balance,
	    v.created_at AS at
	FROM volunteers v
	LEFT JOIN (SELECT volunteer_id, sum(points) AS points FROM shifts
	    GROUP BY 1) e ON e.volunteer_id = v.id
	LEFT JOIN (SELECT volunteer_id, sum(points) AS points FROM redemptions
	    GROUP BY 1) r ON r.volunteer_id = v.id
	UNION ALL
	SELECT 'issuance', community_id, NULL, NULL, -sum(points), min(created_at)
	FROM shifts WHERE points > 0 GROUP BY community_id
	UNION ALL
	SELECT 'station', community_id, NULL, station_id, sum(points), min(at)
	FROM redemptions GROUP BY community_id, station_id
) x ORDER BY at, kind;
ANALYZE accounts;

-- As vp_transfer writes them, in the order they were made: a shift's in
-- the transaction that recorded it, a redemption's in its own.
INSERT INTO transfers (at, from_account, to_account, amount, cause,
    shift_id, keyid, redemption_id)
SELECT at, from_account, to_account, amount, cause, shift_id, keyid,
	redemption_id
FROM (
	SELECT s.created_at AS at, ia.id AS from_account, va.id AS to_account,
	    s.points AS amount, 'shift' AS cause, s.id AS shift_id, s.keyid,
	    NULL::bigint AS redemption_id
	FROM shifts s
	JOIN accounts va ON va.volunteer_id = s.volunteer_id
	JOIN accounts ia ON ia.kind = 'issuance' AND ia.community_id = s.community_id
	WHERE s.points > 0
	UNION ALL
	SELECT r.at, va.id, sa.id, r.points, 'redemption', NULL, r.keyid, r.id
	FROM redemptions r
	JOIN accounts va ON va.volunteer_id = r.volunteer_id
	JOIN accounts sa ON sa.station_id = r.station_id
) x
ORDER BY at, shift_id NULLS LAST, redemption_id;

\echo seed: checks
ANALYZE;
-- vp_audit() before anything is committed: a data set it faults never
-- lands. Beyond it: nothing happens after history_end. (That no volunteer
-- serves two shifts at once follows from the construction: distinct days.)
CREATE TEMP TABLE seed_audit AS SELECT vp_audit() AS audit;
DO $$
DECLARE
	p seed_p;
	a jsonb := (SELECT audit FROM seed_audit);
BEGIN
	IF NOT (a ->> 'ok')::boolean THEN
		RAISE EXCEPTION 'bench/seed.sql: vp_audit() finds % problems, first: %',
		    jsonb_array_length(a -> 'problems'),
		    (SELECT jsonb_agg(e) FROM (SELECT e FROM
			jsonb_array_elements(a -> 'problems') e LIMIT 10) x);
	END IF;
	SELECT * INTO p FROM seed_p;
	IF (SELECT count(*) FROM shifts) <> p.ns
	    OR (SELECT count(*) FROM volunteers) <> p.nv
	    OR (SELECT count(*) FROM communities) <> p.nc THEN
		RAISE EXCEPTION 'bench/seed.sql: wrong row counts';
	END IF;
	IF (SELECT max(ended_at) FROM shifts) > p.hist_end
	    OR (SELECT max(created_at) FROM shifts) > p.hist_end
	    OR (SELECT max(at) FROM transfers) > p.hist_end
	    OR (SELECT max(at) FROM redemptions) > p.hist_end
	    OR (SELECT max(created_at) FROM volunteers) > p.hist_end THEN
		RAISE EXCEPTION 'bench/seed.sql: something happens after history_end %',
		    p.hist_end;
	END IF;
	IF (SELECT min(started_at) FROM shifts)
	    < p.hist_end - p.months * interval '1 month' THEN
		RAISE EXCEPTION 'bench/seed.sql: a shift starts before the history';
	END IF;
END
$$;
COMMIT;

-- Hint bits and the visibility map (index-only scans, and no autovacuum
-- of these tables in the middle of a measurement), then a checkpoint so
-- that the load's pages are on disk before anything is measured.
\echo seed: vacuum
VACUUM;
CHECKPOINT;

SELECT audit FROM seed_audit;
SELECT (SELECT count(*) FROM communities) AS communities,
	(SELECT count(*) FROM volunteers) AS volunteers,
	(SELECT count(*) FROM shifts) AS shifts,
	(SELECT count(*) FROM transfers) AS transfers,
	(SELECT count(*) FROM redemptions) AS redemptions,
	(SELECT max(ended_at) FROM shifts) AS last_shift_end,
	pg_size_pretty(pg_database_size(current_database())) AS database_size;
