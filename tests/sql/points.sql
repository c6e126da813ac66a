-- The points rule (doc/api.md "The points rule"): vp_minutes,
-- vp_rule_points (rounding, multiplier windows) and the daily cap of
-- vp_shift_points.
BEGIN;
\ir setup.psql
SELECT plan(57);

DO $$
BEGIN
	PERFORM pg_temp.must('admin', 'activity_add', x) FROM jsonb_array_elements('[
	    {"code":"plain","name":"Plain","points_per_hour":10},
	    {"code":"seven","name":"Seven","points_per_hour":7},
	    {"code":"zero","name":"Zero","points_per_hour":0},
	    {"code":"elsewhere","name":"Far away window","points_per_hour":10,
	     "multipliers":[{"name":"far","dates":["2000-01-01"],"percent":500}]},
	    {"code":"night","name":"Night","points_per_hour":10,
	     "multipliers":[{"name":"night","from":"22:00","to":"06:00","percent":150}]},
	    {"code":"morning","name":"Morning","points_per_hour":10,
	     "multipliers":[{"name":"morning","from":"09:00","to":"12:00","percent":200}]},
	    {"code":"holiday","name":"Holiday","points_per_hour":10,
	     "multipliers":[{"name":"national day","dates":["2025-10-01","2025-10-03"],"percent":200}]},
	    {"code":"mixed","name":"Mixed","points_per_hour":10,
	     "multipliers":[{"name":"evening","from":"18:00","to":"23:00","percent":120},
		{"name":"night","from":"22:00","to":"06:00","percent":150},
		{"name":"national day","dates":["2025-10-01"],"percent":300}]},
	    {"code":"capped","name":"Capped","points_per_hour":10,"daily_cap":25},
	    {"code":"capped2","name":"Capped too","points_per_hour":10,"daily_cap":25}
	]') x;
END
$$;

CREATE FUNCTION pg_temp.rule(code text, s timestamptz, e timestamptz) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT vp_rule_points(a, s, e) FROM activities a WHERE a.code = rule.code
$$;

CREATE FUNCTION pg_temp.cap(number text, code text, s timestamptz, e timestamptz,
    p_except bigint DEFAULT NULL) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT vp_shift_points(v.id, a, s, e, p_except)
	FROM volunteers v, activities a WHERE v.number = cap.number AND a.code = cap.code
$$;

-- Whole minutes: the seconds of start and end are dropped.
SELECT is(vp_minutes('2025-03-03 09:00:00+08', '2025-03-03 09:59:00+08'), 59, 'vp_minutes: 09:00:00-09:59:00 is 59');
SELECT is(vp_minutes('2025-03-03 09:00:00+08', '2025-03-03 09:59:59+08'), 59, 'vp_minutes: 09:00:00-09:59:59 is 59');
SELECT is(vp_minutes('2025-03-03 09:00:59+08', '2025-03-03 10:00:00+08'), 60, 'vp_minutes: 09:00:59-10:00:00 is 60');
SELECT is(vp_minutes('2025-03-03 09:00:59+08', '2025-03-03 09:01:00+08'), 1, 'vp_minutes: 09:00:59-09:01:00 is 1');
SELECT is(vp_minutes('2025-03-03 09:00:01+08', '2025-03-03 09:00:59+08'), 0, 'vp_minutes: 09:00:01-09:00:59 is 0');

-- Rounding: floor, never up.
SELECT is(pg_temp.rule('plain', '2025-03-03 09:00+08', '2025-03-03 09:59+08'), 9, '59 min at 10/h: 9');
SELECT is(pg_temp.rule('plain', '2025-03-03 09:00+08', '2025-03-03 10:00+08'), 10, '60 min at 10/h: 10');
SELECT is(pg_temp.rule('plain', '2025-03-03 09:00+08', '2025-03-03 10:01+08'), 10, '61 min at 10/h: 10');
SELECT is(pg_temp.rule('plain', '2025-03-03 09:00+08', '2025-03-03 10:59+08'), 19, '119 min at 10/h: 19');
SELECT is(pg_temp.rule('plain', '2025-03-03 09:00+08', '2025-03-03 09:05+08'), 0, '5 min at 10/h: 0');
SELECT is(pg_temp.rule('plain', '2025-03-03 09:00+08', '2025-03-03 09:06+08'), 1, '6 min at 10/h: 1');
SELECT is(pg_temp.rule('plain', '2025-03-03 09:00:00+08', '2025-03-03 09:59:59+08'), 9, '09:00:00-09:59:59 at 10/h: 9 (seconds dropped)');
SELECT is(pg_temp.rule('plain', '2025-03-03 09:00:59+08', '2025-03-03 10:00:00+08'), 10, '09:00:59-10:00:00 at 10/h: 10 (seconds dropped)');
SELECT is(pg_temp.rule('seven', '2025-03-03 09:00+08', '2025-03-03 09:30+08'), 3, '30 min at 7/h: 3');
SELECT is(pg_temp.rule('zero', '2025-03-03 09:00+08', '2025-03-03 17:00+08'), 0, '8 h at 0/h: 0');
SELECT is(pg_temp.rule('plain', '2025-03-03 00:00+08', '2025-03-04 00:00+08'), 240, '24 h at 10/h: 240');
-- With windows that do not apply, the per-minute sum agrees.
SELECT is(pg_temp.rule('elsewhere', '2025-03-03 09:00+08', '2025-03-03 09:59+08'), 9, 'a window elsewhere: 59 min at 10/h: 9');
SELECT is(pg_temp.rule('elsewhere', '2025-03-03 09:00+08', '2025-03-03 10:01+08'), 10, 'a window elsewhere: 61 min at 10/h: 10');
SELECT is(pg_temp.rule('elsewhere', '2025-03-03 09:00:59+08', '2025-03-03 10:00:00+08'), 10, 'a window elsewhere: 09:00:59-10:00:00: 10');

-- A window crossing midnight (22:00-06:00, 150 %).
SELECT is(pg_temp.rule('night', '2025-03-03 21:00+08', '2025-03-03 23:00+08'), 25, 'night 150%: 21:00-23:00 is 60x100+60x150: 25');
SELECT is(pg_temp.rule('night', '2025-03-03 23:00+08', '2025-03-04 01:00+08'), 30, 'night 150%: 23:00-01:00 across midnight: 30');
SELECT is(pg_temp.rule('night', '2025-03-03 23:30+08', '2025-03-04 00:30+08'), 15, 'night 150%: 23:30-00:30: 15');
SELECT is(pg_temp.rule('night', '2025-03-04 05:00+08', '2025-03-04 07:00+08'), 25, 'night 150%: 05:00-07:00: 25');
SELECT is(pg_temp.rule('night', '2025-03-04 06:00+08', '2025-03-04 07:00+08'), 10, 'night 150%: 06:00-07:00, "to" excluded: 10');
SELECT is(pg_temp.rule('night', '2025-03-03 22:00+08', '2025-03-03 22:59+08'), 14, 'night 150%: 59 min: 14 (14.75 floored)');
SELECT is(pg_temp.rule('night', '2025-03-03 21:00+08', '2025-03-04 07:00+08'), 140, 'night 150%: 21:00-07:00: 120x100+480x150: 140');
-- A day window.
SELECT is(pg_temp.rule('morning', '2025-03-03 11:00+08', '2025-03-03 13:00+08'), 30, 'morning 09-12 200%: 11:00-13:00: 30');
SELECT is(pg_temp.rule('morning', '2025-03-03 08:00+08', '2025-03-03 09:00+08'), 10, 'morning 09-12 200%: 08:00-09:00: 10');
-- A dates window.
SELECT is(pg_temp.rule('holiday', '2025-10-01 23:00+08', '2025-10-02 01:00+08'), 30, 'dates 200%: 10-01 23:00 to 10-02 01:00: 30');
SELECT is(pg_temp.rule('holiday', '2025-10-02 23:00+08', '2025-10-03 01:00+08'), 30, 'dates 200%: 10-02 23:00 to 10-03 01:00: 30');
SELECT is(pg_temp.rule('holiday', '2025-09-30T17:00Z', '2025-09-30T18:00Z'), 20, 'dates 200%: 2025-09-30 17:00Z is 10-01 in Asia/Shanghai: 20');
SET LOCAL timezone = 'UTC';
SELECT is(pg_temp.rule('holiday', '2025-09-30T17:00Z', '2025-09-30T18:00Z'), 10, 'dates 200%: the same shift in a UTC session is on 09-30: 10');
SET LOCAL timezone = 'Asia/Shanghai';
-- Overlapping windows: the highest percent, neither product nor sum.
SELECT is(pg_temp.rule('mixed', '2025-03-03 22:00+08', '2025-03-03 23:00+08'), 15, 'evening 120% and night 150% overlap: 150% wins: 15');
SELECT is(pg_temp.rule('mixed', '2025-03-03 18:00+08', '2025-03-03 19:00+08'), 12, 'evening 120% alone: 12');
SELECT is(pg_temp.rule('mixed', '2025-03-03 21:00+08', '2025-03-03 23:00+08'), 27, 'evening then both: 60x120+60x150: 27');
SELECT is(pg_temp.rule('mixed', '2025-10-01 22:00+08', '2025-10-01 23:00+08'), 30, 'evening, night and national day 300%: 300% wins: 30');

-- The rule must not depend on session settings other than the time zone.
SET LOCAL timezone = 'Europe/Berlin';
SELECT is(pg_temp.rule('elsewhere', '2025-10-26T00:00Z', '2025-10-26T02:00Z'), 20,
    'Europe/Berlin, DST ends: 120 real minutes with windows earn 20, like without');
SELECT is(pg_temp.rule('elsewhere', '2025-03-30T00:30Z', '2025-03-30T01:30Z'), 10,
    'Europe/Berlin, DST starts: 60 real minutes with windows earn 10, like without');
SET LOCAL timezone = 'Asia/Shanghai';
SET LOCAL datestyle = 'German';
SELECT is(pg_temp.rule('holiday', '2025-10-01 09:00+08', '2025-10-01 10:00+08'), 20,
    'a dates window applies whatever the DateStyle (German)');
RESET datestyle;

-- The daily cap (capped: 10/h, at most 25 a day, the day a shift starts,
-- in the daemon's time zone).
SELECT is(pg_temp.cap('N1', 'capped', '2025-03-04 09:00+08', '2025-03-04 12:00+08'), 25, 'vp_shift_points: 3 h is 30 by the rule, capped to 25');
SELECT is(pg_temp.cap('N1', 'capped', '2025-03-04 09:00+08', '2025-03-04 11:00+08'), 20, 'vp_shift_points: 2 h is 20, under the cap');
SELECT is(pg_temp.cap('N1', 'plain', '2025-03-04 09:00+08', '2025-03-04 17:00+08'), 80, 'vp_shift_points: no cap, 8 h: 80');

SELECT is(body ->> 'points', '20', 'first shift of the day, 2 h: 20 points')
FROM pg_temp.log('north', 'N1', 'capped', '2025-03-04 09:00+08', '2025-03-04 11:00+08');
SELECT is(body ->> 'points' || ' points, ' || (body ->> 'minutes') || ' minutes', '5 points, 120 minutes',
    'second shift the same day, 2 h: only the rest of the cap, all its minutes')
FROM pg_temp.log('north', 'N1', 'capped', '2025-03-04 14:00+08', '2025-03-04 16:00+08');
SELECT body ->> 'id' AS zero_shift, body ->> 'points' AS zero_points, body ->> 'minutes' AS zero_minutes
FROM pg_temp.log('north', 'N1', 'capped', '2025-03-04 17:00+08', '2025-03-04 18:00+08') \gset
SELECT is(:'zero_points' || ' points, ' || :'zero_minutes' || ' minutes', '0 points, 60 minutes',
    'third shift the same day: 0 points, but its 60 minutes');
SELECT is(count(*), 0::bigint, 'a shift of 0 points makes no transfer')
FROM transfers WHERE shift_id = :zero_shift;
SELECT is(pg_temp.balance('N1'), 25::bigint, 'N1 holds the cap, 25');
SELECT is(body ->> 'points', '20',
    'the next day (03-05 00:30 Asia/Shanghai, still 03-04 in UTC) is full again: 20')
FROM pg_temp.log('north', 'N1', 'capped', '2025-03-05 00:30+08', '2025-03-05 02:30+08');
SELECT is(pg_temp.cap('N1', 'capped', '2025-03-04T20:00Z', '2025-03-04T21:00Z'), 5,
    'vp_shift_points in Asia/Shanghai: 03-04 20:00Z is 03-05, where 20 are taken: 5');
SET LOCAL timezone = 'UTC';
SELECT is(pg_temp.cap('N1', 'capped', '2025-03-04T20:00Z', '2025-03-04T21:00Z'), 0,
    'vp_shift_points in UTC: 03-04 20:00Z is 03-04, where 45 are taken: 0');
SET LOCAL timezone = 'Asia/Shanghai';
SELECT is(pg_temp.cap('N1', 'capped', '2025-03-04 19:00+08', '2025-03-04 22:00+08',
    (SELECT id FROM shifts WHERE started_at = '2025-03-04 09:00+08')), 20,
    'vp_shift_points leaves out p_except (the shift being corrected): 25 - 5 - 0 = 20');
SELECT is(body ->> 'points', '20', 'the cap is per activity: capped2 the same day: 20')
FROM pg_temp.log('north', 'N1', 'capped2', '2025-03-04 19:00+08', '2025-03-04 21:00+08');
SELECT is(body ->> 'points', '20', 'the cap is per volunteer: N2 the same day: 20')
FROM pg_temp.log('north', 'N2', 'capped', '2025-03-04 09:00+08', '2025-03-04 11:00+08');
SELECT is(body ->> 'points', '10',
    'a correction of the first shift to 1 h gets 10 (the other 5 + 0 stay counted)')
FROM pg_temp.call('north', 'shift_correct', jsonb_build_object('reason', 'left at 10',
    'id', (SELECT id FROM shifts WHERE started_at = '2025-03-04 09:00+08'
	AND volunteer_id = (SELECT id FROM volunteers WHERE number = 'N1'))::text,
    'ended_at', '2025-03-04T10:00:00+08:00'));
SELECT is(pg_temp.cap('N1', 'capped', '2025-03-04 22:00+08', '2025-03-05 00:00+08'), 10,
    'the corrected record no longer counts: 25 - 10 - 5 - 0 leaves 10');
SELECT is(body ->> 'points', '25', 'a shift across midnight counts for the day it starts: 03-06 22:00-01:00 capped to 25')
FROM pg_temp.log('north', 'N2', 'capped', '2025-03-06 22:00+08', '2025-03-07 01:00+08');
SELECT is(body ->> 'points', '20', 'so 03-07 is still full: 20')
FROM pg_temp.log('north', 'N2', 'capped', '2025-03-07 09:00+08', '2025-03-07 11:00+08');

SELECT * FROM finish();
ROLLBACK;
