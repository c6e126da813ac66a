-- Regions and office keys, from inside the database: the tree at a time
-- (region_history, community_places) and now, whom vp_covers lets an
-- office act for, what the constraints of stations allow, and that the
-- history cannot be changed.
BEGIN;
\ir setup.psql
SELECT plan(17);

-- D1 > S1 > north; D2 > S2 > south. At noon of 1 March 2025, S1 moved
-- to D2 and north to S2 (as history rows dated then; the tables say now).
SELECT pg_temp.must('admin', 'region_add', '{"code":"D1","name":"One","level":"district"}');
SELECT pg_temp.must('admin', 'region_add', '{"code":"D2","name":"Two","level":"district"}');
SELECT pg_temp.must('admin', 'region_add', '{"code":"S1","name":"Street one","level":"street","parent":"D1"}');
SELECT pg_temp.must('admin', 'region_add', '{"code":"S2","name":"Street two","level":"street","parent":"D2"}');
SELECT pg_temp.must('admin', 'community_place', '{"code":"north","region":"S1"}');
SELECT pg_temp.must('admin', 'community_place', '{"code":"south","region":"S2"}');
CREATE FUNCTION pg_temp.rid(p text) RETURNS bigint LANGUAGE sql STABLE AS
    $$ SELECT id FROM regions WHERE code = p $$;
CREATE FUNCTION pg_temp.cid(p text) RETURNS bigint LANGUAGE sql STABLE AS
    $$ SELECT id FROM communities WHERE code = p $$;
-- The rows the operations wrote are dated now: date them before March.
ALTER TABLE region_history DISABLE TRIGGER USER;
ALTER TABLE community_places DISABLE TRIGGER USER;
UPDATE region_history SET at = '2025-01-01 00:00+08';
UPDATE community_places SET at = '2025-01-01 00:00+08';
ALTER TABLE region_history ENABLE TRIGGER USER;
ALTER TABLE community_places ENABLE TRIGGER USER;
INSERT INTO region_history (region_id, at, name, parent_id)
VALUES (pg_temp.rid('S1'), '2025-03-01 12:00+08', 'Street one', pg_temp.rid('D2'));
INSERT INTO community_places (community_id, region_id, at)
VALUES (pg_temp.cid('north'), pg_temp.rid('S2'), '2025-03-01 12:00+08');
UPDATE regions SET parent_id = pg_temp.rid('D2') WHERE code = 'S1';
UPDATE communities SET region_id = pg_temp.rid('S2') WHERE code = 'north';

SELECT is(vp_region_communities(pg_temp.rid('D1'), '2025-03-01 00:00+08'),
    ARRAY[pg_temp.cid('north')], 'D1 held north at the end of February');
SELECT is(vp_region_communities(pg_temp.rid('D1'), NULL), '{}'::bigint[],
    '... and holds nothing now');
SELECT is(vp_region_communities(pg_temp.rid('S2'), '2025-04-01 00:00+08'),
    ARRAY[pg_temp.cid('north'), pg_temp.cid('south')]
    || '{}'::bigint[], 'S2 holds north and south from March');
SELECT is((SELECT parent_id FROM vp_regions_at('2025-02-01 00:00+08')
    WHERE region_id = pg_temp.rid('S1')), pg_temp.rid('D1'),
    'S1 was under D1 in January');
SELECT is((SELECT count(*) FROM vp_regions_at('2024-12-31 00:00+08')), 0::bigint,
    'no region before the first was made');
SELECT is(vp_region_within(pg_temp.rid('S1'), pg_temp.rid('D2')), true,
    'S1 is within D2 now');

-- An office of D2 acts for both communities now; one of S1 for none.
INSERT INTO stations (code, name, role, region_id)
VALUES ('off-d2', 'Office D2', 'office', pg_temp.rid('D2')),
    ('off-s1', 'Office S1', 'office', pg_temp.rid('S1'));
CREATE FUNCTION pg_temp.caller(p text) RETURNS vp_caller LANGUAGE sql STABLE AS $$
	SELECT ROW(NULL, s.id, s.code, s.role, s.community_id, s.region_id)::vp_caller
	FROM stations s WHERE s.code = p
$$;
SELECT is(vp_covers(pg_temp.caller('off-d2'), pg_temp.cid('north')), true,
    'the office of D2 covers north (in S2 now)');
SELECT is(vp_covers(pg_temp.caller('off-s1'), pg_temp.cid('north')), false,
    'the office of S1 does not (north left it)');
SELECT is(vp_covers(pg_temp.caller('st-south'), pg_temp.cid('north')), false,
    'a station covers its own community only');
SELECT is(vp_community_scope(pg_temp.caller('off-d2'), '{}'),
    ARRAY[pg_temp.cid('north'), pg_temp.cid('south')],
    'an office''s lists cover its subtree');

-- An ID number is given once by any key but the city office's: an office
-- that could set it again and again would learn, for free, that each
-- number it tried is nobody's.
INSERT INTO station_keys (keyid, station_id, public_key)
SELECT pg_temp.keyid('office'), id, pg_temp.pub('office')
FROM stations WHERE code = 'off-d2';
SELECT pg_temp.must('north', 'volunteer_update', jsonb_build_object('number', 'N1',
    'id_hash', repeat('a', 64), 'id_last4', '1234')) AS fixture \gset
SELECT is(pg_temp.outcome('office', 'volunteer_update', jsonb_build_object('number', 'N1',
    'id_hash', repeat('b', 64), 'id_last4', '5678')), '403 admin-only',
    'an office does not give an ID number a second time');
SELECT is((SELECT id_last4 FROM volunteers WHERE number = 'N1'), '1234',
    '... and the number stays');
SELECT is(pg_temp.outcome('admin', 'volunteer_update', jsonb_build_object('number', 'N1',
    'id_hash', repeat('b', 64), 'id_last4', '5678')), '200',
    'the city office corrects it');

SELECT throws_ok($$INSERT INTO stations (code, name, role, region_id, community_id)
    VALUES ('bad', 'Bad', 'office', 1, 1)$$, '23514', NULL,
    'an office has a region and no community');
SELECT throws_ok($$INSERT INTO stations (code, name, role) VALUES ('bad', 'Bad', 'office')$$,
    '23514', NULL, 'an office without a region is refused');
SELECT throws_ok($$UPDATE region_history SET name = 'x'$$, '42501', NULL,
    'region_history is append-only');
SELECT throws_ok($$DELETE FROM community_places$$, '42501', NULL,
    'community_places is append-only');

SELECT * FROM finish();
ROLLBACK;
