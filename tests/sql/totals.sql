-- The running total of a volunteer's service minutes (volunteer_totals,
-- kept by a trigger of sql/functions/volunteers.sql): every way a shift
-- is recorded adds to it, a correction replaces the minutes of the record
-- it corrects, and it always equals the sum of the volunteer's current
-- shifts. Reports take minutes by a period's end from it, so a month's
-- stars must not count what came after the month.
BEGIN;
\ir setup.psql
SELECT plan(22);

-- Each volunteer's total as the trigger keeps it, and as the current
-- shifts add up (vp_current_shifts: records that no correction replaced).
CREATE FUNCTION pg_temp.total(number text) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT t.minutes FROM volunteer_totals t JOIN volunteers v ON v.id = t.volunteer_id
	WHERE v.number = total.number
$$;
CREATE FUNCTION pg_temp.totals_differ() RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT count(*) FROM volunteers v
	LEFT JOIN volunteer_totals t ON t.volunteer_id = v.id
	LEFT JOIN (SELECT s.volunteer_id, sum(s.minutes) AS minutes
	    FROM vp_current_shifts('-infinity', 'infinity', NULL) s
	    GROUP BY s.volunteer_id) s ON s.volunteer_id = v.id
	WHERE coalesce(t.minutes, 0) <> coalesce(s.minutes, 0)
$$;

SELECT is(pg_temp.total('N1'), NULL, 'no shift yet: no total');
SELECT is((pg_temp.must('north', 'volunteer_get', '{"number":"N1"}') ->> 'minutes')::bigint,
    0::bigint, 'volunteer_get: 0 minutes');

-- Logged shifts add up.
SELECT pg_temp.must('north', 'shift_log', pg_temp.log_args('N1', 'clean',
    '2025-03-03 09:00+08', '2025-03-03 11:00+08')) ->> 'id' AS march_id \gset
SELECT is(pg_temp.total('N1'), 120::bigint, 'a shift of 120 minutes: total 120');
SELECT pg_temp.must('north', 'shift_log', pg_temp.log_args('N1', 'clean',
    '2025-05-05 09:00+08', '2025-05-05 10:30+08')) AS fixture \gset
SELECT is(pg_temp.total('N1'), 210::bigint, 'and one of 90 in May: 210');
SELECT is(vp_volunteer_minutes(id), 210::bigint, 'vp_volunteer_minutes reads it')
FROM volunteers WHERE number = 'N1';

-- A correction replaces the minutes of the record it corrects, also when
-- it moves the shift into another month.
SELECT pg_temp.must('north', 'shift_correct', jsonb_build_object('id', :'march_id',
    'reason', 'left at ten', 'ended_at', '2025-03-03T10:00:00+08:00')) ->> 'id' AS fix_id \gset
SELECT is(pg_temp.total('N1'), 150::bigint, 'corrected to 60 minutes: 150');
SELECT pg_temp.must('north', 'shift_correct', jsonb_build_object('id', :'fix_id',
    'reason', 'it was April', 'started_at', '2025-04-01T09:00:00+08:00',
    'ended_at', '2025-04-01T09:45:00+08:00')) AS fixture \gset
SELECT is(pg_temp.total('N1'), 135::bigint, 'the correction corrected to 45 minutes in April: 135');
SELECT is(pg_temp.totals_differ(), 0::bigint, 'every total is the sum of the current shifts');

-- A refused correction changes nothing.
SELECT is(pg_temp.outcome('north', 'shift_correct', jsonb_build_object('id', :'fix_id',
    'reason', 'again')), '409 already-corrected', 'correcting a replaced record: 409');
SELECT is(pg_temp.total('N1'), 135::bigint, 'and the total stays 135');

-- A checked-in shift counts when it is checked out.
SELECT pg_temp.must('north', 'shift_checkin', jsonb_build_object('volunteer', 'N2',
    'activity', 'clean', 'started_at', now() - interval '3 hours')) ->> 'id' AS ci_id \gset
SELECT is(pg_temp.total('N2'), NULL, 'an open check-in adds nothing');
SELECT pg_temp.must('north', 'shift_checkout', jsonb_build_object('id', :'ci_id',
    'ended_at', now() - interval '1 hour')) AS fixture \gset
SELECT is(pg_temp.total('N2'), 120::bigint, 'checked out after 120 minutes: 120');

-- Help: the helper's service time is recorded as a shift (of 0 points).
SELECT pg_temp.must('north', 'help_request', '{"requester":"N2","points":5,
    "description":"a ride to the hospital"}') ->> 'id' AS help_id \gset
SELECT pg_temp.must('north', 'help_accept', jsonb_build_object('id', :'help_id',
    'helper', 'N3')) AS fixture \gset
SELECT is(pg_temp.total('N3'), NULL, 'accepting adds nothing');
SELECT is(pg_temp.outcome('north', 'help_complete', jsonb_build_object('id', :'help_id',
    'minutes', 40)), '201', 'help completed: 40 minutes');
SELECT is(pg_temp.total('N3'), 40::bigint, 'the helper''s total: 40');
SELECT is((pg_temp.must('north', 'volunteer_ledger', '{"number":"N3"}') ->> 'minutes')::bigint,
    40::bigint, 'the helper''s ledger: 40 minutes');
SELECT is(pg_temp.total('N2'), 120::bigint, 'the requester''s total is unchanged');
SELECT is(pg_temp.totals_differ(), 0::bigint, 'every total is still the sum of the current shifts');

-- Stars by a month's end, with levels at 1, 2, 3, 4 and 5 hours: N1's
-- current records are April's 45 minutes and May's 90. By the end of
-- April that is 45 minutes, no star (what came in May does not count);
-- by the end of May 135 minutes, two stars, new in May.
SELECT pg_temp.must('admin', 'star_levels_set', '{"levels":[1,2,3,4,5]}') AS fixture \gset
SELECT is(vp_report('monthly', '2025-04', 'volunteer', NULL) -> 'rows' -> 0 ->> 'stars',
    '0', 'April: N1 has no star yet (May''s shift is not counted)');
SELECT is(vp_report('monthly', '2025-05', 'volunteer', NULL) -> 'rows' -> 0 ->> 'stars',
    '2', 'May: 135 minutes, two stars');
SELECT is(vp_report('monthly', '2025-05', 'community', NULL) -> 'new_star_levels',
    '[{"name": "North 1", "hours": 2.25, "stars": 2, "volunteer": "N1", "community": "north"}]'::jsonb,
    'May''s new star levels: N1, 2 stars at 2.25 hours');
SELECT is(vp_report('monthly', '2025-04', 'team', NULL) -> 'new_star_levels', '[]'::jsonb,
    'none in April');

SELECT * FROM finish();
ROLLBACK;
